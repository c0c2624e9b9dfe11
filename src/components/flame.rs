//! The flame graph canvas (`canvas#flame`): paints the worker's layout,
//! shows a tooltip on hover, zooms on click, reports its width, and sets
//! `data-painted` (a counter) after every completed paint.

use std::rc::Rc;
use std::sync::atomic::{AtomicU32, Ordering};

use crate::format;
use gloo_events::EventListener;
use heaplens_view::session::{NodeId, ViewData};
use web_sys::{HtmlCanvasElement, HtmlElement};
use yew::prelude::*;

use crate::paint::{self, Highlights};
use crate::state::Orientation;

#[derive(Properties, PartialEq)]
pub struct FlameGraphProps {
    pub view: Rc<ViewData>,
    /// The canvas's id: `flame`, or in a sandwich the other half's
    /// (`flame-callers`, `flame-callees`).
    #[prop_or(AttrValue::Static("flame"))]
    pub id: AttrValue,
    pub orientation: Orientation,
    pub cursor: Option<NodeId>,
    pub dark: bool,
    /// In a diff, colour by the change of self values.
    #[prop_or_default]
    pub by_self: bool,
    /// A frame was clicked: zoom to it and select its function.
    pub on_click: Callback<(NodeId, String)>,
    /// The drawing width changed (CSS pixels).
    pub on_width: Callback<u32>,
    /// The pointer is over another frame (or none).
    #[prop_or_default]
    pub on_hover: Callback<Option<NodeId>>,
    /// A right-click on a frame: window pixels and its function.
    #[prop_or_default]
    pub on_menu: Callback<(f64, f64, String)>,
    /// Filters are set (an empty graph is theirs, not the sample type's).
    #[prop_or_default]
    pub filtered: bool,
    /// The function a callers or callees graph is of.
    #[prop_or_default]
    pub sandwich: Option<AttrValue>,
    /// The sandwich graph is of callers (else of callees).
    #[prop_or_default]
    pub callers: bool,
    /// Every sample type's values of a frame, once the worker sent them.
    #[prop_or_default]
    pub values: Option<Rc<crate::state::FrameValues>>,
}

/// Completed paints since the page loaded: `data-painted` only grows, also
/// when the canvas is rebuilt for a new profile.
static PAINTS: AtomicU32 = AtomicU32::new(0);

/// The frame under the pointer: its index in the rects of the view it was
/// found in (`view`, the view's address), and where the pointer is.
#[derive(Clone, PartialEq)]
struct Hover {
    index: usize,
    x: f64,
    y: f64,
    view: (u32, NodeId, usize),
}

/// `hover` in `view`: found again where the pointer is when the view
/// changed under a still pointer (a click's zoom), never a stale index.
fn hover_in(hover: Option<&Hover>, view: &Rc<ViewData>, w: f64, o: Orientation) -> Option<Hover> {
    let h = hover?;
    let ptr = view.frames_key();
    if h.view == ptr {
        return Some(h.clone());
    }
    let index = paint::hit(view, h.x, h.y, w, o)?;
    Some(Hover {
        index,
        x: h.x,
        y: h.y,
        view: ptr,
    })
}

#[component]
pub fn FlameGraph(props: &FlameGraphProps) -> Html {
    let canvas = use_node_ref();
    let wrap = use_node_ref();
    let hover = use_state(|| None::<Hover>);
    let width = use_state(|| 0f64);

    use_measured_width(&canvas, &width, &props.on_width);
    let current = hover_in(hover.as_ref(), &props.view, *width, props.orientation);
    use_paint(&canvas, props, current.as_ref(), *width);

    let onmousemove = on_hover_move(&hover, &props.view, props.orientation, *width);
    let onmouseleave = {
        let hover = hover.clone();
        Callback::from(move |_| hover.set(None))
    };
    let onclick = on_frame_click(&props.view, props.orientation, *width, &props.on_click);
    let oncontextmenu = {
        let (view, o, w, cb) = (
            props.view.clone(),
            props.orientation,
            *width,
            props.on_menu.clone(),
        );
        Callback::from(move |e: MouseEvent| {
            let (x, y) = (f64::from(e.offset_x()), f64::from(e.offset_y()));
            if let Some(r) = paint::hit(&view, x, y, w, o).and_then(|i| view.rects.get(i)) {
                e.prevent_default();
                let name = view.names[r.name as usize].name.clone();
                cb.emit((f64::from(e.client_x()), f64::from(e.client_y()), name));
            }
        })
    };
    {
        // Ask for the hovered frame's values of every sample type.
        let node = current
            .as_ref()
            .and_then(|h| props.view.rects.get(h.index))
            .map(|r| r.node);
        let on_hover = props.on_hover.clone();
        // Asked again for a new layout (whose node ids may be new).
        let layout = props.view.seq;
        use_effect_with((node, layout), move |(n, _)| on_hover.emit(*n));
    }
    let values = props.values.as_deref();
    let tooltip = current
        .as_ref()
        .and_then(|h| tooltip(&props.view, h, *width, values));
    // The selected frame's function, for tests and assistive tools.
    let selected = props
        .cursor
        .and_then(|c| props.view.rects.iter().find(|r| r.node == c))
        .and_then(|r| props.view.names.get(r.name as usize))
        .map(|n| n.name.clone());

    html! {
        <div class="flame-wrap" ref={wrap}>
            <canvas id={props.id.clone()} ref={canvas} data-cursor={selected} {onmousemove} {onmouseleave} {onclick} {oncontextmenu}
                role="img" aria-label="Flame graph of the profile; use the arrow keys to move, Enter to zoom"></canvas>
            // One node whether or not a tooltip shows: the canvas is kept.
            <div class="tooltip-slot">{ for tooltip }</div>
            if props.view.rects.is_empty() {
                <p class="flame-empty">{
                    if let Some(f) = &props.sandwich {
                        format!("{f} is on no stack with a value of this sample type; press T for the whole graph.")
                    } else if props.filtered { "The filters keep nothing of this sample type; remove one above.".to_string() }
                    else { "No sample has a value of this sample type; pick another one above.".to_string() }
                }</p>
            }
            if let (Some(f), false, true) = (&props.sandwich, props.view.rects.is_empty(), props.id == "flame") {
                <p class="culled" id="sandwich-note">{ format!(
                    "{} of {f}: its stacks from its outermost call, the function at the root; its {} {}. X makes them the main half; T shows the whole graph.",
                    if props.callers { "Callers" } else { "Callees" },
                    if props.callers { "callees" } else { "callers" },
                    if props.callers { "below" } else { "above" },
                ) }</p>
            }
            if props.view.deeper {
                <p class="culled">{ format!("Frames deeper than {} rows are not drawn; click a frame near the bottom to zoom in and see below it.", heaplens_analysis::layout::MAX_ROWS) }</p>
            }
            if let Some(note) = &props.view.sample_type_note {
                <p class="culled" id="sample-type-note">{ note.clone() }</p>
            }
            if props.view.culled > 0 {
                <p class="culled">{ culled(props.view.culled as u64) }</p>
            }
        </div>
    }
}

/// Measures the canvas's box width (CSS pixels; its bitmap is made as wide
/// in device pixels) into `width` now and on every window resize,
/// reporting it through `on_width`.
#[hook]
fn use_measured_width(wrap: &NodeRef, width: &UseStateHandle<f64>, on_width: &Callback<u32>) {
    let wrap = wrap.clone();
    let width = width.clone();
    let on_width = on_width.clone();
    use_effect_with((), move |_| {
        let measure = move || {
            if let Some(el) = wrap.cast::<HtmlElement>() {
                let w = f64::from(el.client_width()).max(1.0);
                width.set(w);
                on_width.emit(w as u32);
            }
        };
        measure();
        let listener =
            web_sys::window().map(|win| EventListener::new(&win, "resize", move |_| measure()));
        move || drop(listener)
    });
}

/// Paints the canvas whenever anything drawn changes.
#[hook]
fn use_paint(canvas: &NodeRef, props: &FlameGraphProps, hover: Option<&Hover>, width: f64) {
    let canvas = canvas.clone();
    let view = props.view.clone();
    let deps = (
        props.view.frames_key(),
        props.orientation,
        props.cursor,
        hover.map(|h| h.index),
        props.dark,
        (width * 100.0) as i64,
        props.by_self,
    );
    let hovered = hover.and_then(|h| view.rects.get(h.index)).map(|r| r.node);
    let orientation = props.orientation;
    let highlights = Highlights {
        hover: hovered,
        cursor: props.cursor,
        searching: view.matched.is_some(),
        dark: props.dark,
        by_self: props.by_self,
    };
    use_effect_with(deps, move |_| {
        if let Some(c) = canvas.cast::<HtmlCanvasElement>() {
            if width > 0.0 {
                paint_canvas(&c, &view, width, orientation, highlights);
            }
        }
    });
}

/// Sizes the canvas for `view` at width `w`, paints it and counts the paint
/// in `data-painted`.
fn paint_canvas(
    c: &HtmlCanvasElement,
    view: &ViewData,
    w: f64,
    orientation: Orientation,
    highlights: Highlights,
) {
    let dpr = web_sys::window()
        .map(|w| w.device_pixel_ratio())
        .unwrap_or(1.0)
        .max(1.0);
    let h = paint::height(view);
    c.set_width((w * dpr).round() as u32);
    c.set_height((h * dpr).round() as u32);
    let _ = c.style().set_property("height", &format!("{h}px"));
    if let Some(ctx) = crate::paint::context_2d(c) {
        paint::paint(&ctx, view, w, orientation, highlights, dpr);
        let n = PAINTS.fetch_add(1, Ordering::Relaxed) + 1;
        let _ = c.set_attribute("data-painted", &n.to_string());
    }
}

/// The mouse-move handler: sets `hover` to the frame under the pointer.
fn on_hover_move(
    hover: &UseStateHandle<Option<Hover>>,
    view: &Rc<ViewData>,
    o: Orientation,
    w: f64,
) -> Callback<MouseEvent> {
    let hover = hover.clone();
    let view = view.clone();
    Callback::from(move |e: MouseEvent| {
        let (x, y) = (f64::from(e.offset_x()), f64::from(e.offset_y()));
        let ptr = view.frames_key();
        let hit = paint::hit(&view, x, y, w, o).map(|index| Hover {
            index,
            x,
            y,
            view: ptr,
        });
        if hit.as_ref().map(|h| (h.index, h.view)) != hover.as_ref().map(|h| (h.index, h.view))
            || hit.as_ref().is_some_and(|h| (h.x - x).abs() > 0.0)
        {
            hover.set(hit);
        }
    })
}

/// The click handler: reports the clicked frame's node and function name.
fn on_frame_click(
    view: &Rc<ViewData>,
    o: Orientation,
    w: f64,
    cb: &Callback<(NodeId, String)>,
) -> Callback<MouseEvent> {
    let view = view.clone();
    let cb = cb.clone();
    Callback::from(move |e: MouseEvent| {
        let (x, y) = (f64::from(e.offset_x()), f64::from(e.offset_y()));
        if let Some(i) = paint::hit(&view, x, y, w, o) {
            let r = view.rects[i];
            cb.emit((r.node, view.names[r.name as usize].name.clone()));
        }
    })
}

/// The tooltip of the hovered frame: its name, file, self and total, and
/// every sample type's once known.
fn tooltip(
    v: &ViewData,
    h: &Hover,
    width: f64,
    values: Option<&crate::state::FrameValues>,
) -> Option<Html> {
    let r = v.rects.get(h.index)?;
    let all = values
        .filter(|(n, vals)| *n == r.node && vals.len() > 1)
        .map(|(_, vals)| all_types(vals, v.diff.is_some()));
    let n = &v.names[r.name as usize];
    let left = (h.x + 14.0).min((width - 320.0).max(0.0));
    let style = format!("left:{left:.0}px;top:{:.0}px", h.y + 16.0);
    Some(html! {
        <div class="tooltip" role="tooltip" {style}>
            <div class="tt-name">{ n.name.clone() }</div>
            if !n.file.is_empty() { <div class="tt-file">{ n.file.clone() }</div> }
            if v.diff.is_some() {
                <table>
                    <tr><th>{ "self" }</th><td>{ format::change(r.base_self, r.self_value, &v.unit) }</td></tr>
                    <tr><th>{ "total" }</th><td>{ format::change(r.base_total, r.total, &v.unit) }</td></tr>
                </table>
            } else {
                <table>
                    <tr><th>{ "self" }</th><td>{ format::value(r.self_value, &v.unit, v.total) }</td></tr>
                    <tr><th>{ "total" }</th><td>{ format::value(r.total, &v.unit, v.total) }</td></tr>
                </table>
            }
            { for all }
            <div class="tt-hint">{ "click to zoom" }</div>
        </div>
    })
}

/// Every sample type's self and total (changes in a diff), and the bytes
/// per object where a type counts objects and another their bytes.
fn all_types(vals: &[heaplens_view::session::TypeValue], diff: bool) -> Html {
    let show = |v: i64, unit: &str| {
        let s = heaplens_profile::units::label(v, unit);
        if diff && v > 0 {
            format!("+{s}")
        } else {
            s
        }
    };
    let rows = vals.iter().map(|t| {
        html! {
            <tr data-type={t.name.clone()} data-self={t.self_value.to_string()} data-total={t.total.to_string()}><th>{ t.name.clone() }</th><td>{ show(t.self_value, &t.unit) }</td><td>{ show(t.total, &t.unit) }</td></tr>
        }
    });
    let per_object = heaplens_view::session::values::per_object(vals)
        .filter(|_| !diff)
        .map(|(stem, per, unit)| {
            format!(
                "{} per object ({stem})",
                heaplens_profile::units::label(per, &unit)
            )
        });
    html! {
        <table class="tt-all">
            <tr><th></th><th>{ if diff { "self Δ" } else { "self" } }</th><th>{ if diff { "total Δ" } else { "total" } }</th></tr>
            { for rows }
            if let Some(p) = per_object { <tr><td colspan="3" class="per-object">{ p }</td></tr> }
        </table>
    }
}

/// What the note under the flame graph says of `n` frames too narrow to draw.
fn culled(n: u64) -> String {
    use heaplens_profile::units::{count, noun};
    format!(
        "{} narrower than half a pixel {} hidden; zoom in to see {}.",
        count(n, "frame", "frames"),
        noun(n, "is", "are"),
        noun(n, "it", "them")
    )
}
