//! The empty state: what to drop, how to make a profile, and the demo.

use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct LandingProps {
    pub on_demo: Callback<()>,
}

#[component]
pub fn Landing(props: &LandingProps) -> Html {
    let onclick = {
        let cb = props.on_demo.clone();
        Callback::from(move |_| cb.emit(()))
    };
    html! {
        <section class="landing" aria-label="Getting started">
            <div class="dropzone">
                <p class="big">{ "Drop a pprof profile anywhere on this page" }</p>
                <p>{ "or pick one above, or paste a URL. Gzipped or raw protobuf; heap, allocs, CPU, block, mutex, goroutine; Go, Java, Node, Python, Rust, .NET producers." }</p>
                <button id="demo-button" class="primary" {onclick}>{ "Open demo" }</button>
                <p class="hint">{ "The demo is a Go task scheduler's allocation profile (baseline and optimized), made with " }<code>{ "go test -bench=. -benchmem -memprofile=mem.prof" }</code>{ "." }</p>
            </div>
            <p class="privacy">{ "Files are read in this tab and never leave your machine." }</p>
        </section>
    }
}
