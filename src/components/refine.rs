//! pprof's REFINE: the frame and label filters as removable chips above
//! the flame graph, a form to type them, what they keep of the total, and
//! the menu a right-click (or the keyboard) opens on a frame or a row.

use heaplens_profile::units;
use heaplens_view::params::{NodeFilter, RefineParams};
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct RefineBarProps {
    pub refine: RefineParams,
    /// The value the filters keep, of `total`.
    pub kept: Option<i64>,
    pub total: i64,
    pub unit: AttrValue,
    /// pprof's warnings (a focus that matched nothing, …).
    pub warnings: Vec<String>,
    pub on_change: Callback<RefineParams>,
}

/// The text filters by pprof's option name.
fn fields(r: &mut RefineParams) -> [(&'static str, &mut String); 11] {
    r.texts_mut()
}

/// The switches by name.
fn switches(r: &mut RefineParams) -> [(&'static str, &mut bool); 4] {
    r.switches_mut()
}

#[component]
pub fn RefineBar(props: &RefineBarProps) -> Html {
    let (mut r, mut r2) = (props.refine.clone(), props.refine.clone());
    let chips: Vec<Html> = fields(&mut r)
        .into_iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .map(|(k, v)| chip(props, k, v.clone()))
        .chain(
            switches(&mut r2)
                .into_iter()
                .filter(|(_, on)| **on)
                .map(|(k, _)| chip(props, k, String::new())),
        )
        .collect();
    let keeps = props.kept.map(|k| {
        format!(
            "The filters keep {} of {} ({}).",
            units::label(k, &props.unit),
            units::label(props.total, &props.unit),
            units::percentage(k, props.total).trim()
        )
    });
    html! {
        <div class="refine" id="refine">
            <span class="refine-label">{ "Refine" }</span>
            { mine(props) }
            { for chips }
            if let Some(k) = keeps { <span class="refine-keeps" id="refine-keeps">{ k }</span> }
            { for props.warnings.iter().map(|w| html! { <span class="refine-warning">{ w.clone() }</span> }) }
            { editor(props) }
        </div>
    }
}

/// The "Only my code" toggle.
fn mine(props: &RefineBarProps) -> Html {
    let (cb, refine) = (props.on_change.clone(), props.refine.clone());
    let on = refine.only_mine;
    let onchange = Callback::from(move |_: Event| {
        cb.emit(RefineParams {
            only_mine: !on,
            ..refine.clone()
        })
    });
    html! {
        <label class="mine" title="Hide Go's standard library and runtime: what they allocate is charged to your function that called them">
            <input id="only-mine" type="checkbox" checked={on} {onchange} />{ " Only my code" }
        </label>
    }
}

/// One filter as a chip with a remove button.
fn chip(props: &RefineBarProps, key: &'static str, value: String) -> Html {
    let onclick = {
        let (cb, refine) = (props.on_change.clone(), props.refine.clone());
        Callback::from(move |_: MouseEvent| {
            let mut r = refine.clone();
            for (k, v) in fields(&mut r) {
                if k == key {
                    v.clear();
                }
            }
            for (k, on) in switches(&mut r) {
                if k == key {
                    *on = false;
                }
            }
            cb.emit(r);
        })
    };
    let text = if value.is_empty() {
        key.to_string()
    } else {
        format!("{key}={}", crate::paint::truncate(&value, 60))
    };
    html! {
        <span class="chip" data-filter={key} title={value.clone()}>
            { text }
            <button class="chip-remove" aria-label={format!("Remove {key}")} {onclick}>{ "×" }</button>
        </span>
    }
}

/// The form behind "Edit filters": every filter by pprof's name.
fn editor(props: &RefineBarProps) -> Html {
    let mut r = props.refine.clone();
    let texts = fields(&mut r).map(|(key, value)| {
        let (cb, refine) = (props.on_change.clone(), props.refine.clone());
        let onchange = Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let mut r = refine.clone();
            for (k, v) in fields(&mut r) {
                if k == key {
                    *v = input.value().trim().to_string();
                }
            }
            cb.emit(r);
        });
        let id = format!("refine-{key}");
        html! {
            <label for={id.clone()}>{ key }<input {id} type="text" value={value.clone()} {onchange} spellcheck="false" /></label>
        }
    });
    let mut r = props.refine.clone();
    let boxes = switches(&mut r).map(|(key, on)| {
        let (cb, refine) = (props.on_change.clone(), props.refine.clone());
        let checked = *on;
        let onchange = Callback::from(move |_: Event| {
            let mut r = refine.clone();
            for (k, v) in switches(&mut r) {
                if k == key {
                    *v = !checked;
                }
            }
            cb.emit(r);
        });
        html! { <label><input id={format!("refine-{key}")} type="checkbox" {checked} {onchange} />{ format!(" {key}") }</label> }
    });
    html! {
        <details class="refine-edit">
            <summary>{ "Edit filters…" }</summary>
            <p class="hint">{ "As pprof's options: regexes of function names (and files); tag filters as -tagfocus. Right-click a frame or a row, or select one and press F, I, H, S or P." }</p>
            <div class="refine-fields">{ for texts }</div>
            <div class="refine-switches">{ for boxes }</div>
        </details>
    }
}

#[derive(Properties, PartialEq)]
pub struct RefineMenuProps {
    /// Where (window pixels) and for which function.
    pub x: f64,
    pub y: f64,
    pub name: AttrValue,
    pub on_pick: Callback<(NodeFilter, String)>,
    /// The function's callers or callees graph.
    #[prop_or_default]
    pub on_graph: Callback<heaplens_analysis::GraphView>,
    pub on_close: Callback<()>,
}

/// The menu on a frame or a row: Focus on / Ignore / Hide / Show only /
/// Show from here / Prune below.
#[component]
pub fn RefineMenu(props: &RefineMenuProps) -> Html {
    let items = NodeFilter::ALL.iter().map(|&k| {
        let (cb, close, name) = (props.on_pick.clone(), props.on_close.clone(), props.name.to_string());
        let onclick = Callback::from(move |_: MouseEvent| {
            cb.emit((k, name.clone()));
            close.emit(());
        });
        html! { <li><button role="menuitem" data-filter={k.option()} {onclick}>{ k.verb() }</button></li> }
    });
    let graphs =
        [("callers", "Callers graph"), ("callees", "Callees graph")].map(|(key, label)| {
            let (cb, close, name) = (
                props.on_graph.clone(),
                props.on_close.clone(),
                props.name.to_string(),
            );
            let onclick = Callback::from(move |_: MouseEvent| {
                cb.emit(if key == "callers" {
                    heaplens_analysis::GraphView::Callers(name.clone())
                } else {
                    heaplens_analysis::GraphView::Callees(name.clone())
                });
                close.emit(());
            });
            html! { <li><button role="menuitem" data-graph={key} {onclick}>{ label }</button></li> }
        });
    let close = props.on_close.reform(|_: MouseEvent| ());
    let menu = use_node_ref();
    {
        // Kept inside the window: opened near its bottom or right edge, the
        // menu moves up or left by what would be cut off.
        let menu = menu.clone();
        use_effect_with((props.x as i64, props.y as i64), move |_| {
            keep_in_window(&menu);
        });
    }
    let style = format!("left:{:.0}px;top:{:.0}px", props.x, props.y);
    html! {
        <>
            <div class="menu-backdrop" onclick={close.clone()} oncontextmenu={Callback::from(move |e: MouseEvent| { e.prevent_default(); close.emit(e); })}></div>
            <div class="refine-menu" role="menu" id="refine-menu" ref={menu} {style}>
                <p class="menu-title" title={props.name.clone()}>{ crate::paint::truncate(&props.name, 60) }</p>
                <ul>{ for items }{ for graphs }</ul>
            </div>
        </>
    }
}

/// Moves a fixed element up and left so that all of it is in the window
/// (8 px from its edges where it fits).
fn keep_in_window(node: &NodeRef) {
    let (Some(el), Some(win)) = (node.cast::<web_sys::HtmlElement>(), web_sys::window()) else {
        return;
    };
    let size = |v: Result<wasm_bindgen::JsValue, _>| v.ok().and_then(|v| v.as_f64()).unwrap_or(0.0);
    let (w, h) = (size(win.inner_width()), size(win.inner_height()));
    let r = el.get_bounding_client_rect();
    let style = el.style();
    if r.bottom() > h - 8.0 {
        let top = (h - r.height() - 8.0).max(8.0);
        let _ = style.set_property("top", &format!("{top:.0}px"));
    }
    if r.right() > w - 8.0 {
        let left = (w - r.width() - 8.0).max(8.0);
        let _ = style.set_property("left", &format!("{left:.0}px"));
    }
}
