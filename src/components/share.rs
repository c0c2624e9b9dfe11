//! Sharing and exports: `#share-button`, which makes a link holding the
//! open profiles and the view, the panel that shows it (`#share-link`, its
//! size and what that size means), and the export menu.

use heaplens_view::share::{limits, size};
use yew::prelude::*;

/// The files the export menu offers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Export {
    Svg,
    Png,
    Folded,
    /// A diff's folded stacks as `stack base new` (differential flame graphs).
    FoldedDiff,
    Tsv,
    Csv,
    Report,
    Profile,
    /// The graph view as laid out, as SVG.
    GraphSvg,
    /// The graph view's call graph as Graphviz DOT.
    Dot,
}

#[derive(Properties, PartialEq)]
pub struct ShareBarProps {
    pub sharing: bool,
    pub diff: bool,
    /// The graph view is shown (its exports are offered).
    #[prop_or_default]
    pub call_graph: bool,
    pub on_share: Callback<()>,
    pub on_export: Callback<Export>,
}

/// The share button and the export menu.
#[component]
pub fn ShareBar(props: &ShareBarProps) -> Html {
    let share = props.on_share.reform(|_: MouseEvent| ());
    let menu = use_node_ref();
    let item = |e: Export, label: &str, title: &str| {
        let cb = props.on_export.clone();
        let menu = menu.clone();
        let onclick = Callback::from(move |_| {
            // The menu closes once a file is chosen.
            if let Some(m) = menu.cast::<web_sys::Element>() {
                let _ = m.remove_attribute("open");
            }
            cb.emit(e)
        });
        html! {
            <li><button class="export-item" data-export={format!("{e:?}").to_lowercase()} title={title.to_string()}
                {onclick}>{ label.to_string() }</button></li>
        }
    };
    let folded = if props.diff {
        item(Export::Folded, "Folded stacks (new profile)", "One line per stack: frames joined by ; and the new profile's value (FlameGraph, inferno, speedscope read it)")
    } else {
        item(Export::Folded, "Folded stacks", "One line per stack: frames joined by ; and the value (FlameGraph, inferno, speedscope read it)")
    };
    let folded_diff = if props.diff {
        item(Export::FoldedDiff, "Folded stacks (base and new)", "One line per stack: frames joined by ;, the base's value and the new one (FlameGraph's flamegraph.pl and inferno-flamegraph draw a differential flame graph)")
    } else {
        html! {}
    };
    let report = if props.diff {
        "Text report (pprof -top -diff_base)"
    } else {
        "Text report (pprof -top)"
    };
    html! {
        <div class="share-bar">
            <button id="share-button" onclick={share} disabled={props.sharing}
                title="Make a link that opens this view, with the profiles inside it (nothing is uploaded)">
                { if props.sharing { "Making link…" } else { "Share link" } }
            </button>
            <details class="export-menu" ref={menu.clone()}>
                <summary>{ "Export" }</summary>
                <ul>
                    if props.call_graph {
                        { item(Export::GraphSvg, "Graph (SVG)", "The call graph as it is laid out, as a vector image; boxes and arrows show their values on hover") }
                        { item(Export::Dot, "Graph (DOT)", "The call graph as Graphviz DOT, in go tool pprof -dot's shape (dot -Tsvg draws it)") }
                    } else {
                        { item(Export::Svg, "Flame graph (SVG)", "The flame graph as it is shown, as a vector image; frames show their values on hover") }
                        { item(Export::Png, "Flame graph (PNG)", "The flame graph as it is shown, as an image") }
                    }
                    { folded }
                    { folded_diff }
                    { item(Export::Tsv, "Table (TSV)", "Every row of the top table, raw numbers, tab-separated") }
                    { item(Export::Csv, "Table (CSV)", "Every row of the top table, raw numbers, comma-separated") }
                    { item(Export::Report, report, "The text report go tool pprof prints for this view") }
                    { item(Export::Profile, "Profile (.pb.gz)", "The open profile as a gzipped pprof file (go tool pprof opens it)") }
                </ul>
            </details>
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct SharePanelProps {
    /// The link, once made.
    pub url: AttrValue,
    /// Some(copied) once copying was tried.
    pub copied: Option<bool>,
    /// What folding did, when the link's profiles are folded.
    pub trimmed: Option<AttrValue>,
    /// A shorter link that fetches the profiles from their URLs, when they
    /// were opened from URLs.
    pub by_url: Option<AttrValue>,
    pub sharing: bool,
    pub on_trim: Callback<()>,
    pub on_copy: Callback<()>,
    pub on_close: Callback<()>,
}

/// What a link of `len` characters is good for.
fn verdict(len: usize) -> (bool, String) {
    if len <= limits::CHAT {
        (
            false,
            format!(
                "{}: fits in chat messages and pull-request comments.",
                size(len)
            ),
        )
    } else if len <= limits::BROWSER {
        (
            true,
            format!(
                "{}: opens in browsers, but is too long for most chat tools (Slack cuts messages at 40,000 characters; a GitHub comment holds 65,536).",
                size(len)
            ),
        )
    } else {
        (
            true,
            format!(
                "{}: too long to open (Chromium accepts addresses up to 2 MB).",
                size(len)
            ),
        )
    }
}

#[component]
pub fn SharePanel(props: &SharePanelProps) -> Html {
    let len = props.url.len();
    let (too_long, text) = verdict(len);
    let select = Callback::from(|e: FocusEvent| {
        if let Some(i) = e
            .target()
            .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlInputElement>(t).ok())
        {
            i.select();
        }
    });
    html! {
        <section class="share-panel" aria-label="Share link">
            <div class="share-row">
                <label for="share-link">{ "Link" }</label>
                <input id="share-link" type="text" readonly=true value={props.url.clone()} onfocus={select}
                    aria-describedby="share-size" spellcheck="false" />
                <button onclick={props.on_copy.reform(|_: MouseEvent| ())}>{ "Copy" }</button>
                <button class="close" onclick={props.on_close.reform(|_: MouseEvent| ())} aria-label="Close the share panel">{ "×" }</button>
            </div>
            <p id="share-size" class={classes!("share-size", too_long.then_some("warn"))}>{ text }</p>
            <p class="share-note">
                { match props.copied {
                    Some(true) => "Copied to the clipboard. ",
                    Some(false) => "Select the link and copy it (the browser did not allow copying). ",
                    None => "",
                } }
                { "The profiles travel inside the link's #fragment, which browsers never send to a server: nothing is uploaded." }
            </p>
            if let Some(t) = props.trimmed.clone() {
                <p class="share-trimmed" role="status">{ t }</p>
            }
            if too_long {
                <p class="share-options">
                    <button id="share-trim" onclick={props.on_trim.reform(|_: MouseEvent| ())} disabled={props.sharing}>
                        { format!("Make a slimmed link (up to {} characters)", limits::CHAT) }
                    </button>
                    { " keeps every call path holding at least 1/N of the value (N as large as fits) and folds each frame's smaller callees into one (other) frame; totals stay exact. " }
                    if let Some(u) = props.by_url.clone() {
                        { "Or share the view with the profiles fetched from their URLs: " }
                        <a class="share-by-url" href={u.clone()}>{ "link by URL" }</a>
                        { format!(" ({}).", size(u.len())) }
                    } else {
                        { "Or host the profiles on a server that sends Access-Control-Allow-Origin and share #profile=URL&base=URL links (see the README)." }
                    }
                </p>
            }
        </section>
    }
}
