//! The empty state: what to drop, how to make a profile, the demo, and the
//! local files this browser keeps (*Recent*), each with *Forget*.

use heaplens_profile::units;
use yew::prelude::*;

use crate::recent::Entry;

#[derive(Properties, PartialEq)]
pub struct LandingProps {
    pub on_demo: Callback<()>,
    /// Files this browser keeps, most recent first.
    #[prop_or_default]
    pub recent: std::rc::Rc<Vec<Entry>>,
    /// Opens a kept file (by id).
    pub on_recent: Callback<String>,
    /// Forgets a kept file (by id), or all (`None`).
    pub on_forget: Callback<Option<String>>,
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
                <p>{ "or pick one above, or paste a URL. Gzipped or raw protobuf; heap, allocs, CPU, block, mutex, goroutine; Go, Java, Node, Python, Rust, .NET producers. Two profiles make a diff; go test -bench outputs are compared; source files annotate the line view." }</p>
                <button id="demo-button" class="primary" {onclick}>{ "Open demo" }</button>
                <p class="hint">{ "The demo is a Go task scheduler's allocation profile (baseline and optimized), made with " }<code>{ "go test -bench=. -benchmem -memprofile=mem.prof" }</code>{ "." }</p>
            </div>
            { recent(props) }
            <p class="privacy">{ "Files are read in this tab and never leave your machine. The last few opened are kept in this browser's own storage (IndexedDB) so a reload can reopen them; Forget removes them." }</p>
        </section>
    }
}

/// The *Recent* list.
fn recent(props: &LandingProps) -> Html {
    if props.recent.is_empty() {
        return html! {};
    }
    let rows = props.recent.iter().map(|e| {
        let (open, forget) = (props.on_recent.clone(), props.on_forget.clone());
        let (id, id2) = (e.id.clone(), e.id.clone());
        let when = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(e.opened));
        let when: String = when.to_locale_string("default", &wasm_bindgen::JsValue::UNDEFINED).into();
        html! {
            <li data-id={e.id.clone()}>
                <button class="link recent-open" title={format!("Open {}", e.name)} onclick={Callback::from(move |_| open.emit(id.clone()))}>{ e.name.clone() }</button>
                <span class="meta">{ format!("{} · {when}", units::label(e.size as i64, "bytes")) }</span>
                <button class="forget" aria-label={format!("Forget {}", e.name)} onclick={Callback::from(move |_| forget.emit(Some(id2.clone())))}>{ "Forget" }</button>
            </li>
        }
    });
    let forget_all = {
        let cb = props.on_forget.clone();
        Callback::from(move |_| cb.emit(None))
    };
    html! {
        <section class="recent" id="recent" aria-label="Recent">
            <h2>{ "Recent" }</h2>
            <ul>{ for rows }</ul>
            <button class="forget-all" onclick={forget_all}>{ "Forget all" }</button>
        </section>
    }
}
