//! The graph view (`canvas#callgraph`): pprof's call graph as the worker
//! laid it out, painted with pan (drag, arrow keys) and zoom (wheel, `+`,
//! `-`, `0` to fit), values on hover, and a click (or `[`/`]` then Enter)
//! to select a function. `data-painted` counts completed paints, as the
//! flame graph's; `data-nodes` and `data-edges` say what is drawn.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::atomic::{AtomicU32, Ordering};

use gloo_events::{EventListener, EventListenerOptions};
use heaplens_analysis::graph::NODE_COUNT;
use heaplens_view::callgraph::GraphScene;
use wasm_bindgen::JsCast;
use web_sys::{HtmlCanvasElement, KeyboardEvent, WheelEvent};
use yew::prelude::*;

use crate::format;
use crate::graph_paint::{self, Camera, Marks};

#[derive(Properties, PartialEq)]
pub struct CallGraphProps {
    pub scene: Rc<GraphScene>,
    pub unit: AttrValue,
    pub total: i64,
    pub diff: bool,
    pub selected: Option<AttrValue>,
    pub dark: bool,
    /// A node was clicked (or picked with the keyboard): its function.
    pub on_select: Callback<String>,
    /// A right-click on a node: window pixels and its function.
    #[prop_or_default]
    pub on_menu: Callback<(f64, f64, String)>,
    /// The node count asked for changed.
    pub on_count: Callback<u32>,
    /// Filters are set (an empty graph is theirs).
    #[prop_or_default]
    pub filtered: bool,
}

/// Completed paints since the page loaded.
static PAINTS: AtomicU32 = AtomicU32::new(0);

/// The canvas's height in CSS pixels.
const HEIGHT: f64 = 640.0;

/// What the pointer and keyboard do, kept out of yew's state so a pan
/// repaints without a render.
#[derive(Default)]
struct Live {
    cam: Option<Camera>,
    /// The graph the camera was fitted to ([`graph_key`]).
    fitted: (u64, u64, Vec<String>),
    drag: Option<Drag>,
    focus: Option<usize>,
    hover: Option<usize>,
}

#[derive(Clone, Copy)]
struct Drag {
    x: f64,
    y: f64,
    cam: Camera,
    moved: bool,
}

/// What the tooltip shows: a node or an edge, and where.
#[derive(Clone, PartialEq)]
enum Tip {
    Node(usize, f64, f64),
    Edge(usize, f64, f64),
}

#[component]
pub fn CallGraph(props: &CallGraphProps) -> Html {
    let canvas = use_node_ref();
    let live = use_mut_ref(Live::default);
    let tip = use_state(|| None::<Tip>);
    let selected = props
        .selected
        .as_ref()
        .and_then(|s| props.scene.nodes.iter().position(|n| n.name == s.as_str()));
    let repaint: Rc<dyn Fn()> = {
        let (canvas, live, scene, dark) = (
            canvas.clone(),
            live.clone(),
            props.scene.clone(),
            props.dark,
        );
        Rc::new(move || {
            paint_now(
                &canvas,
                &live,
                &scene,
                Marks {
                    selected,
                    dark,
                    ..Marks::default()
                },
            )
        })
    };
    {
        let repaint = repaint.clone();
        let deps = (Rc::as_ptr(&props.scene) as usize, selected, props.dark);
        use_effect_with(deps, move |_| repaint());
    }
    use_wheel_zoom(&canvas, &live, &repaint);

    let Pointer {
        onmousedown,
        onmousemove,
        onmouseup,
        onmouseleave,
        oncontextmenu,
    } = pointer(props, &live, &repaint, &tip);
    let onkeydown = on_key(&canvas, &live, &props.scene, &repaint, &props.on_select);

    let tooltip = tip.as_ref().and_then(|t| tooltip(props, t));
    html! {
        <div class="callgraph-wrap">
            { count_bar(props) }
            <div class="callgraph-canvas">
            <canvas id="callgraph" ref={canvas} tabindex="0"
                data-nodes={props.scene.nodes.len().to_string()} data-edges={props.scene.edges.len().to_string()}
                data-selected={props.selected.clone()}
                role="img" aria-label="Call graph: boxes are functions (size by self value), arrows are calls (width by value). Arrow keys pan, plus and minus zoom, brackets step through the nodes, Enter selects."
                {onmousedown} {onmousemove} {onmouseup} {onmouseleave} {oncontextmenu} {onkeydown}></canvas>
            // One node whether or not a tooltip shows: the canvas is kept.
            <div class="tooltip-slot">{ for tooltip }</div>
            </div>
            if props.scene.nodes.is_empty() {
                <p class="flame-empty">{ if props.filtered { "The filters keep nothing of this sample type; remove one above." } else { "No function has a value of this sample type; pick another one above." } }</p>
            }
            <pre class="graph-legend" id="graph-legend">{ props.scene.legend.join("\n") }</pre>
        </div>
    }
}

/// The pointer's handlers: drag pans, a click selects, hover shows a
/// tooltip, a right-click opens the refine menu.
struct Pointer {
    onmousedown: Callback<MouseEvent>,
    onmousemove: Callback<MouseEvent>,
    onmouseup: Callback<MouseEvent>,
    onmouseleave: Callback<MouseEvent>,
    oncontextmenu: Callback<MouseEvent>,
}

fn pointer(
    props: &CallGraphProps,
    live: &Rc<RefCell<Live>>,
    repaint: &Rc<dyn Fn()>,
    tip: &UseStateHandle<Option<Tip>>,
) -> Pointer {
    let onmousedown = {
        let live = live.clone();
        Callback::from(move |e: MouseEvent| {
            if e.button() != 0 {
                return;
            }
            let mut l = live.borrow_mut();
            if let Some(cam) = l.cam {
                let (x, y) = (f64::from(e.offset_x()), f64::from(e.offset_y()));
                l.drag = Some(Drag {
                    x,
                    y,
                    cam,
                    moved: false,
                });
            }
        })
    };
    let onmousemove = on_move(props, live, repaint, tip);
    let onmouseup = {
        let (live, scene, cb) = (live.clone(), props.scene.clone(), props.on_select.clone());
        Callback::from(move |e: MouseEvent| {
            let drag = live.borrow_mut().drag.take();
            let cam = live.borrow().cam;
            if let (Some(d), Some(cam)) = (drag, cam) {
                if !d.moved {
                    let (x, y) = (f64::from(e.offset_x()), f64::from(e.offset_y()));
                    if let Some(n) =
                        graph_paint::hit(&scene, cam, x, y).and_then(|i| scene.nodes.get(i))
                    {
                        cb.emit(n.name.clone());
                    }
                }
            }
        })
    };
    let onmouseleave = {
        let (live, tip, repaint) = (live.clone(), tip.clone(), repaint.clone());
        Callback::from(move |_| {
            {
                let mut l = live.borrow_mut();
                l.drag = None;
                l.hover = None;
            }
            tip.set(None);
            repaint();
        })
    };
    let oncontextmenu = {
        let (live, scene, cb) = (live.clone(), props.scene.clone(), props.on_menu.clone());
        Callback::from(move |e: MouseEvent| {
            let Some(cam) = live.borrow().cam else { return };
            let (x, y) = (f64::from(e.offset_x()), f64::from(e.offset_y()));
            if let Some(n) = graph_paint::hit(&scene, cam, x, y).and_then(|i| scene.nodes.get(i)) {
                e.prevent_default();
                cb.emit((
                    f64::from(e.client_x()),
                    f64::from(e.client_y()),
                    n.name.clone(),
                ));
            }
        })
    };
    Pointer {
        onmousedown,
        onmousemove,
        onmouseup,
        onmouseleave,
        oncontextmenu,
    }
}

/// The pointer's move: pans while dragging, else finds the node or edge
/// under it for the tooltip and the highlight.
fn on_move(
    props: &CallGraphProps,
    live: &Rc<RefCell<Live>>,
    repaint: &Rc<dyn Fn()>,
    tip: &UseStateHandle<Option<Tip>>,
) -> Callback<MouseEvent> {
    let (live, repaint, tip, scene) = (
        live.clone(),
        repaint.clone(),
        tip.clone(),
        props.scene.clone(),
    );
    Callback::from(move |e: MouseEvent| {
        let (x, y) = (f64::from(e.offset_x()), f64::from(e.offset_y()));
        let dragging = {
            let mut l = live.borrow_mut();
            match l.drag.as_mut() {
                Some(d) if e.buttons() & 1 == 1 => {
                    if (x - d.x).hypot(y - d.y) > 3.0 {
                        d.moved = true;
                    }
                    l.cam = Some(d.cam.moved(x - d.x, y - d.y));
                    true
                }
                _ => false,
            }
        };
        if dragging {
            repaint();
            return;
        }
        let Some(cam) = live.borrow().cam else { return };
        let now = match graph_paint::hit(&scene, cam, x, y) {
            Some(i) => Some(Tip::Node(i, x, y)),
            None => graph_paint::hit_edge(&scene, cam, x, y).map(|i| Tip::Edge(i, x, y)),
        };
        let hovered = match now {
            Some(Tip::Node(i, ..)) => Some(i),
            _ => None,
        };
        let changed = live.borrow().hover != hovered;
        live.borrow_mut().hover = hovered;
        if changed {
            repaint();
        }
        if *tip != now {
            tip.set(now);
        }
    })
}

/// The node count's select and the controls' hint.
fn count_bar(props: &CallGraphProps) -> Html {
    let count = props.scene.node_count;
    let on_count = {
        let cb = props.on_count.clone();
        Callback::from(move |e: Event| {
            if let Some(v) = super::select_value(&e) {
                cb.emit(v.parse().unwrap_or(NODE_COUNT as u32));
            }
        })
    };
    let counts = [20u32, 40, NODE_COUNT as u32, 160, 0];
    html! {
        <div class="callgraph-bar">
                <label>{ "Nodes " }
                    <select id="graph-nodes" onchange={on_count} title="How many of the heaviest functions the graph keeps (pprof's -nodecount)">
                        { for counts.iter().map(|&n| html! {
                            <option value={n.to_string()} selected={n == count}>{ if n == 0 { "all".to_string() } else { n.to_string() } }</option>
                        }) }
                    </select>
                </label>
                <span class="hint">{ "Drag to pan, wheel or +/− to zoom, 0 for the first view; [ and ] step through nodes, Enter selects" }</span>
            </div>
    }
}

/// Paints the canvas now, at its current size, fitting the camera to a
/// scene it has not seen.
fn paint_now(canvas: &NodeRef, live: &Rc<RefCell<Live>>, scene: &Rc<GraphScene>, marks: Marks) {
    let Some(c) = canvas.cast::<HtmlCanvasElement>() else {
        return;
    };
    let w = f64::from(c.client_width()).max(1.0);
    let h = HEIGHT;
    let dpr = web_sys::window()
        .map(|w| w.device_pixel_ratio())
        .unwrap_or(1.0)
        .max(1.0);
    let (bw, bh) = ((w * dpr).round() as u32, (h * dpr).round() as u32);
    if c.width() != bw || c.height() != bh {
        c.set_width(bw);
        c.set_height(bh);
    }
    let mut l = live.borrow_mut();
    let cam = match l.cam {
        Some(cam) if is_graph(&l.fitted, scene) => cam,
        _ => {
            l.fitted = graph_key(scene);
            Camera::fit(scene, w, h)
        }
    };
    l.cam = Some(cam);
    let marks = Marks {
        focus: l.focus,
        hover: l.hover,
        ..marks
    };
    drop(l);
    if let Some(ctx) = crate::paint::context_2d(&c) {
        graph_paint::paint(&ctx, scene, cam, (w, h, dpr), marks);
        let n = PAINTS.fetch_add(1, Ordering::Relaxed) + 1;
        let _ = c.set_attribute("data-painted", &n.to_string());
        let _ = c.set_attribute("data-scale", &format!("{:.3}", cam.scale));
        // Where the heaviest node is on screen, for tests and tools.
        if let Some(n) = scene.nodes.first() {
            let at = format!(
                "{:.0},{:.0},{:.0},{:.0}",
                n.x * cam.scale + cam.tx,
                n.y * cam.scale + cam.ty,
                n.w * cam.scale,
                n.h * cam.scale
            );
            let _ = c.set_attribute("data-first-box", &at);
        }
    }
}

/// What tells one graph from another: a new answer with the same graph
/// (a new selection) keeps the camera.
fn graph_key(scene: &GraphScene) -> (u64, u64, Vec<String>) {
    (
        scene.width.to_bits(),
        scene.height.to_bits(),
        scene.nodes.iter().map(|n| n.name.clone()).collect(),
    )
}

/// Whether `scene` is the graph of `key` (compared without copying its
/// names: this runs on every paint of a pan).
fn is_graph(key: &(u64, u64, Vec<String>), scene: &GraphScene) -> bool {
    key.0 == scene.width.to_bits()
        && key.1 == scene.height.to_bits()
        && key.2.len() == scene.nodes.len()
        && key.2.iter().zip(&scene.nodes).all(|(a, n)| *a == n.name)
}

/// Wheel zoom around the pointer (a listener that may cancel the page's
/// scroll, which yew's passive one may not).
#[hook]
fn use_wheel_zoom(canvas: &NodeRef, live: &Rc<RefCell<Live>>, repaint: &Rc<dyn Fn()>) {
    let (canvas, live, repaint) = (canvas.clone(), live.clone(), repaint.clone());
    use_effect_with((), move |_| {
        let listener = canvas.cast::<HtmlCanvasElement>().map(|c| {
            EventListener::new_with_options(
                &c,
                "wheel",
                EventListenerOptions::enable_prevent_default(),
                move |e| {
                    let Some(e) = e.dyn_ref::<WheelEvent>() else {
                        return;
                    };
                    e.prevent_default();
                    let factor = (-e.delta_y() * 0.0015).exp();
                    let (x, y) = (f64::from(e.offset_x()), f64::from(e.offset_y()));
                    let cam = live.borrow().cam;
                    if let Some(cam) = cam {
                        live.borrow_mut().cam = Some(cam.zoom_at(factor, x, y));
                        repaint();
                    }
                },
            )
        });
        move || drop(listener)
    });
}

/// The canvas's keys: arrows pan, `+`/`-` zoom, `0` fits, `[`/`]` step
/// through the nodes in pprof's order (heaviest first), Enter selects.
fn on_key(
    canvas: &NodeRef,
    live: &Rc<RefCell<Live>>,
    scene: &Rc<GraphScene>,
    repaint: &Rc<dyn Fn()>,
    on_select: &Callback<String>,
) -> Callback<KeyboardEvent> {
    let (canvas, live, scene, repaint, cb) = (
        canvas.clone(),
        live.clone(),
        scene.clone(),
        repaint.clone(),
        on_select.clone(),
    );
    Callback::from(move |e: KeyboardEvent| {
        let Some(c) = canvas.cast::<HtmlCanvasElement>() else {
            return;
        };
        let (w, h) = (f64::from(c.client_width()), HEIGHT);
        let Some(cam) = live.borrow().cam else { return };
        let step = 80.0;
        let mut l = live.borrow_mut();
        let next = match e.key().as_str() {
            "ArrowLeft" => cam.moved(step, 0.0),
            "ArrowRight" => cam.moved(-step, 0.0),
            "ArrowUp" => cam.moved(0.0, step),
            "ArrowDown" => cam.moved(0.0, -step),
            "+" | "=" => cam.zoom_at(1.25, w / 2.0, h / 2.0),
            "-" | "_" => cam.zoom_at(0.8, w / 2.0, h / 2.0),
            "0" => Camera::fit(&scene, w, h),
            "[" | "]" if !scene.nodes.is_empty() => {
                let n = scene.nodes.len();
                let i = match (l.focus, e.key().as_str()) {
                    (None, _) => 0,
                    (Some(i), "]") => (i + 1) % n,
                    (Some(i), _) => (i + n - 1) % n,
                };
                l.focus = Some(i);
                let node = &scene.nodes[i];
                cam.centred_on(node.x + node.w / 2.0, node.y + node.h / 2.0, w, h)
            }
            "Enter" => {
                if let Some(node) = l.focus.and_then(|i| scene.nodes.get(i)) {
                    cb.emit(node.name.clone());
                }
                e.prevent_default();
                return;
            }
            _ => return,
        };
        e.prevent_default();
        l.cam = Some(next);
        drop(l);
        repaint();
    })
}

/// The tooltip of the node or edge under the pointer.
fn tooltip(props: &CallGraphProps, tip: &Tip) -> Option<Html> {
    let (x, y) = match tip {
        Tip::Node(_, x, y) | Tip::Edge(_, x, y) => (*x, *y),
    };
    let style = format!("left:{:.0}px;top:{:.0}px", x + 14.0, y + 16.0);
    let value = |v: i64| {
        let sign = if props.diff && v > 0 { "+" } else { "" };
        format!("{sign}{}", format::value(v, &props.unit, props.total))
    };
    let body = match tip {
        Tip::Node(i, ..) => {
            let n = props.scene.nodes.get(*i)?;
            html! { <>
                <div class="tt-name">{ n.name.clone() }</div>
                <table>
                    <tr><th>{ "flat" }</th><td>{ value(n.flat) }</td></tr>
                    <tr><th>{ "cum" }</th><td>{ value(n.cum) }</td></tr>
                </table>
                <div class="tt-hint">{ "click to select, right-click to refine" }</div>
            </> }
        }
        Tip::Edge(i, ..) => {
            let e = props.scene.edges.get(*i)?;
            let kind = if e.residual {
                " (through dropped nodes)"
            } else if e.inline {
                " (inlined)"
            } else {
                ""
            };
            html! { <>
                <div class="tt-name">{ format!("{}{kind}", e.tip) }</div>
                <table><tr><th>{ "value" }</th><td>{ value(e.weight) }</td></tr></table>
            </> }
        }
    };
    Some(html! { <div class="tooltip" role="tooltip" {style}>{ body }</div> })
}
