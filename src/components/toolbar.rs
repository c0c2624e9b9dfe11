//! Above the flame graph: the sample type, icicle/flame, the search box with
//! what it matched, and the zoom breadcrumb with reset.

use std::rc::Rc;

use heaplens_analysis::{GraphView, Recursion};
use heaplens_profile::units;
use heaplens_view::session::{Crumb, NodeId, SampleTypeInfo};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::state::Orientation;

#[derive(Properties, PartialEq)]
pub struct ToolbarProps {
    pub sample_types: Rc<Vec<SampleTypeInfo>>,
    pub sample_type: usize,
    pub orientation: Orientation,
    /// A sandwich is drawn one way (callers above, callees below).
    #[prop_or_default]
    pub orientation_fixed: bool,
    pub search: AttrValue,
    pub search_ref: NodeRef,
    /// (matched value, functions matched) of the current search.
    pub matched: Option<(i64, usize)>,
    pub search_error: Option<AttrValue>,
    pub total: i64,
    pub unit: AttrValue,
    pub crumbs: Rc<Vec<Crumb>>,
    pub on_sample_type: Callback<usize>,
    pub on_orientation: Callback<Orientation>,
    pub on_search: Callback<String>,
    pub on_zoom: Callback<NodeId>,
    /// The profile's label keys (the label filter shows when there are
    /// any), the filter, what it kept (samples, of how many) or why it
    /// cannot be read.
    pub label_keys: Rc<Vec<String>>,
    /// `key=value` suggestions of string labels.
    #[prop_or_default]
    pub label_suggestions: Rc<Vec<String>>,
    pub tagfocus: AttrValue,
    pub focus: Option<(usize, usize)>,
    pub focus_error: Option<AttrValue>,
    pub on_tagfocus: Callback<String>,
    /// The graph's shape, the selected function (the callers and callees
    /// buttons need one) and recursion.
    #[prop_or_default]
    pub graph: GraphView,
    #[prop_or_default]
    pub selected: Option<AttrValue>,
    #[prop_or_default]
    pub recursion: Recursion,
    #[prop_or_default]
    pub on_graph: Callback<GraphView>,
    #[prop_or_default]
    pub on_recursion: Callback<Recursion>,
    /// The graph view's node count, or None for the flame graph.
    #[prop_or_default]
    pub call_graph: Option<u32>,
    #[prop_or_default]
    pub on_call_graph: Callback<Option<u32>>,
}

#[component]
pub fn Toolbar(props: &ToolbarProps) -> Html {
    let on_type = {
        let cb = props.on_sample_type.clone();
        Callback::from(move |e: Event| {
            let sel: HtmlSelectElement = e.target_unchecked_into();
            if let Ok(i) = sel.value().parse::<usize>() {
                cb.emit(i);
            }
        })
    };
    let on_search = {
        let cb = props.on_search.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            cb.emit(input.value());
        })
    };
    let labels = label_filter(props);
    let side = |o: Orientation, label: &str, title: &'static str| {
        let cb = props.on_orientation.clone();
        let on = props.orientation == o;
        let (disabled, title) = if props.orientation_fixed {
            (
                true,
                "A sandwich has the callers above the function and its callees below",
            )
        } else {
            (false, title)
        };
        html! {
            <button class={classes!("seg", on.then_some("on"))} aria-pressed={on.to_string()} {title} {disabled}
                onclick={Callback::from(move |_| cb.emit(o))}>{ label.to_string() }</button>
        }
    };
    let status = search_status(props);
    html! {
        <div class="toolbar">
            <div class="row">
                <label for="sample-type">{ "Sample type" }</label>
                <select id="sample-type" onchange={on_type}>
                    { for props.sample_types.iter().enumerate().map(|(i, t)| html! {
                        <option value={i.to_string()} selected={i == props.sample_type}>
                            { format!("{} ({}) — {}", t.name, if t.unit.is_empty() { "count" } else { &t.unit }, t.total_label) }
                        </option>
                    }) }
                </select>
                { main_view_switch(props) }
                if props.call_graph.is_none() {
                    <div class="segmented" role="group" aria-label="Orientation" id="orientation">
                        { side(Orientation::Icicle, "Icicle ▾", "Root on top, callees below (pprof's flame graph)") }
                        { side(Orientation::Flame, "Flame ▴", "Root at the bottom, callees above") }
                    </div>
                    { graph_controls(props) }
                }
                <input
                    id="search"
                    type="search"
                    ref={props.search_ref.clone()}
                    placeholder="Search functions (substring or /regex/) — press /"
                    aria-label="Search functions"
                    value={props.search.clone()}
                    oninput={on_search}
                />
                { status }
            </div>
            { labels }
            { breadcrumb(props) }
        </div>
    }
}

/// Flame graph or graph view (pprof's call graph).
fn main_view_switch(props: &ToolbarProps) -> Html {
    let button = |v: Option<u32>, label: &str, title: &'static str, key: &'static str| {
        let on = v.is_some() == props.call_graph.is_some();
        let cb = props.on_call_graph.clone();
        html! {
            <button class={classes!("seg", on.then_some("on"))} aria-pressed={on.to_string()}
                data-main={key} {title} onclick={Callback::from(move |_| cb.emit(v))}>{ label.to_string() }</button>
        }
    };
    let graph = Some(
        props
            .call_graph
            .unwrap_or(heaplens_analysis::graph::NODE_COUNT as u32),
    );
    html! {
        <div class="segmented" role="group" aria-label="View" id="main-view">
            { button(None, "Flame", "The flame graph (G switches)", "flame") }
            { button(graph, "Graph", "pprof's call graph of the heaviest functions (G switches)", "graph") }
        </div>
    }
}

/// The graph's shape (top-down, bottom-up, the selection's callers or
/// callees) and the recursion option.
fn graph_controls(props: &ToolbarProps) -> Html {
    let subject = props
        .graph
        .function()
        .map(str::to_string)
        .or_else(|| props.selected.as_ref().map(|s| s.to_string()));
    let button = |v: Option<GraphView>, label: &str, title: String, key: &'static str| {
        let on = match &v {
            Some(v) => std::mem::discriminant(v) == std::mem::discriminant(&props.graph),
            None => false,
        };
        let disabled = v.is_none();
        let cb = props.on_graph.clone();
        let onclick = Callback::from(move |_| {
            if let Some(v) = v.clone() {
                cb.emit(v);
            }
        });
        html! {
            <button class={classes!("seg", on.then_some("on"))} aria-pressed={on.to_string()}
                data-graph={key} {title} {disabled} {onclick}>{ label.to_string() }</button>
        }
    };
    let of = |what: &str| match &subject {
        Some(f) => format!(
            "{what} of {f} ({})",
            if what == "Callers" { "C" } else { "E" }
        ),
        None => format!("{what} of the selected function: select a frame or a row first"),
    };
    let on_rec = {
        let cb = props.on_recursion.clone();
        Callback::from(move |e: Event| {
            let sel: HtmlSelectElement = e.target_unchecked_into();
            if let Some(r) = Recursion::parse(&sel.value()) {
                cb.emit(r);
            }
        })
    };
    let rec = |r: Recursion, label: &str| {
        html! { <option value={r.as_str()} selected={props.recursion == r}>{ label.to_string() }</option> }
    };
    html! {
        <>
            <div class="segmented" role="group" aria-label="Graph" id="graph-view">
                { button(Some(GraphView::TopDown), "Top-down", "Stacks as sampled, roots first (T)".into(), "down") }
                { button(Some(GraphView::BottomUp), "Bottom-up", "Every stack reversed: the allocating functions are the roots (B)".into(), "up") }
                { button(subject.clone().map(GraphView::Callers), "Callers", of("Callers"), "callers") }
                { button(subject.clone().map(GraphView::Callees), "Callees", of("Callees"), "callees") }
            </div>
            <select id="recursion" aria-label="Recursion" title="Fold recursive calls into their outer call (R)" onchange={on_rec}>
                { rec(Recursion::Keep, "Recursion as sampled") }
                { rec(Recursion::Direct, "Collapse direct recursion") }
                { rec(Recursion::All, "Collapse all recursion") }
            </select>
        </>
    }
}

/// The label filter row, shown when the profile has label keys or a filter
/// is set; else nothing.
fn label_filter(props: &ToolbarProps) -> Html {
    if props.label_keys.is_empty() && props.tagfocus.is_empty() {
        return html! {};
    }
    let on_tagfocus = {
        let cb = props.on_tagfocus.clone();
        // On Enter or leaving the box: a filter is a new tree.
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            cb.emit(input.value());
        })
    };
    let example = if props.label_keys.iter().any(|k| k == "bytes") {
        "bytes=1kB:".to_string()
    } else {
        format!(
            "{}=value",
            props.label_keys.first().map_or("key", |k| k.as_str())
        )
    };
    let status = match (&props.focus_error, props.focus) {
        (Some(e), _) => {
            html! { <span class="search-status error-text" id="label-filter-status">{ e.clone() }</span> }
        }
        (None, Some((kept, of))) => html! {
            <span class="search-status" id="label-filter-status">{ format!("{kept} of {}", units::count(of as u64, "sample", "samples")) }</span>
        },
        _ => html! {},
    };
    html! {
        <div class="row labels">
            <label for="label-filter">{ "Labels" }</label>
            <input
                id="label-filter"
                type="search"
                placeholder={format!("e.g. {example} — Enter")}
                aria-label="Label filter"
                list="label-suggestions"
                title={format!("Like pprof's -tagfocus: key=regex, or key=lo:hi for numbers with units (bytes=1kB:). Keys: {}", props.label_keys.join(", "))}
                value={props.tagfocus.clone()}
                onchange={on_tagfocus}
            />
            <datalist id="label-suggestions">
                { for props.label_keys.iter().map(|k| html! { <option value={format!("{k}=")} /> }) }
                { for props.label_suggestions.iter().map(|s| html! { <option value={s.clone()} /> }) }
            </datalist>
            <span class="keys-hint">{ format!("keys: {}", props.label_keys.join(", ")) }</span>
            { status }
        </div>
    }
}

/// What the search matched, or why it cannot be read; else nothing.
fn search_status(props: &ToolbarProps) -> Html {
    match (&props.search_error, props.matched) {
        (Some(e), _) => html! { <span class="search-status error-text">{ e.clone() }</span> },
        (None, Some((v, n))) => html! {
            <span class="search-status" id="search-status">
                { format!(
                    "matched {} ({} of total) in {} function{}",
                    units::label(v, &props.unit),
                    units::percentage(v, props.total).trim(),
                    n,
                    if n == 1 { "" } else { "s" }
                ) }
            </span>
        },
        _ => html! {},
    }
}

/// The zoom breadcrumb: reset, then a button for each frame zoomed through.
fn breadcrumb(props: &ToolbarProps) -> Html {
    let reset = {
        let cb = props.on_zoom.clone();
        Callback::from(move |_| cb.emit(NodeId::ROOT))
    };
    let crumb = |c: &Crumb| {
        let cb = props.on_zoom.clone();
        let node = c.node;
        html! {
            <li><button class="crumb" title={c.name.clone()} onclick={Callback::from(move |_| cb.emit(node))}>{ short(&c.name) }</button></li>
        }
    };
    // A zoom deep in a very deep stack: the first two and the last nine,
    // with how many are between.
    let n = props.crumbs.len();
    let crumbs = if n > 12 {
        let head = props.crumbs[..2].iter().map(crumb);
        let tail = props.crumbs[n - 9..].iter().map(crumb);
        let gap = html! { <li class="crumb-gap" title="frames between">{ format!("… {} more …", n - 11) }</li> };
        head.chain(std::iter::once(gap))
            .chain(tail)
            .collect::<Html>()
    } else {
        props.crumbs.iter().map(crumb).collect::<Html>()
    };
    html! {
        <nav class="breadcrumb" aria-label="Zoom">
            <ol>
                <li><button class="crumb" id="reset-zoom" onclick={reset} title="Reset zoom (0)">{ "all" }</button></li>
                { crumbs }
            </ol>
        </nav>
    }
}

/// The last component of a long name, for the breadcrumb.
fn short(name: &str) -> String {
    crate::paint::name_tail(name, 48)
}
