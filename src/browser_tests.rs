//! Component tests in a real browser (wasm-bindgen-test in headless
//! Chromium): the page mounts with its inputs, the flame graph paints real
//! pixels where the layout says and nowhere else, the top table carries
//! the raw numbers and sorts, and a real profile (the scheduler's baseline,
//! inflated by the browser and analysed by the worker's session) renders
//! pprof's numbers in the table and the callers/callees panel.

// Test helpers: a failure stops the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::rc::Rc;

use heaplens_analysis::Granularity;
use heaplens_view::session::{FlameRect, FrameName, NodeId, ViewData};
use heaplens_view::table::Row;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::wasm_bindgen_test;
use web_sys::{CanvasRenderingContext2d, Element, HtmlCanvasElement, HtmlElement};
use yew::prelude::*;

use crate::app::App;
use crate::components::{FlameGraph, PeekPanel, SortColumn, TopTable};
use crate::state::Orientation;

fn root() -> Element {
    let document = web_sys::window().unwrap().document().unwrap();
    let root = document.create_element("div").unwrap();
    root.set_attribute("style", "width: 800px").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    root
}

async fn settle() {
    yew::scheduler::flush().await;
    // Let effects (measuring, painting) run.
    gloo_timers_sleep(30).await;
    yew::scheduler::flush().await;
}

async fn gloo_timers_sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
}

#[wasm_bindgen_test]
async fn the_page_mounts_with_inputs_alert_and_demo() {
    let root = root();
    yew::Renderer::<App>::with_root(root.clone()).render();
    settle().await;
    for sel in [
        "input#profile-input[type=file]",
        "input#base-input[type=file]",
        "[role=alert]",
        "#demo-button",
        "#url-input",
    ] {
        assert!(
            root.query_selector(sel).unwrap().is_some(),
            "{sel} missing in {}",
            root.inner_html()
        );
    }
    let alert = root.query_selector("[role=alert]").unwrap().unwrap();
    assert_eq!(alert.text_content().as_deref(), Some(""));
}

fn view() -> ViewData {
    let r = |node: u32, x, w, depth, name| FlameRect {
        node: NodeId(node),
        x,
        w,
        depth,
        name,
        self_value: 1,
        total: 10,
        base_self: 0,
        base_total: 0,
        flags: 0,
    };
    let n = |s: &str| FrameName {
        name: s.to_string(),
        file: "main.go".into(),
        package: "main".into(),
    };
    // main.main full width; work on the left half; idle on the right quarter.
    let mut v = ViewData::of_frames(
        vec![n("main.main"), n("main.work"), n("main.idle")],
        vec![
            r(1, 0.0, 1.0, 0, 0),
            r(2, 0.0, 0.5, 1, 1),
            r(3, 0.75, 0.25, 1, 2),
        ],
    );
    v.total = 10;
    v.depth = 2;
    v
}

#[derive(Properties, PartialEq)]
struct FlameHost {
    view: Rc<ViewData>,
    orientation: Orientation,
}

#[component]
fn Host(p: &FlameHost) -> Html {
    html! {
        <FlameGraph view={p.view.clone()} orientation={p.orientation} cursor={None::<NodeId>} dark={false}
            on_click={Callback::noop()} on_width={Callback::noop()} />
    }
}

/// Alpha of the canvas pixel at CSS position (x, y).
fn alpha_at(canvas: &HtmlCanvasElement, x: f64, y: f64) -> u8 {
    let ctx: CanvasRenderingContext2d = canvas
        .get_context("2d")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    let dpr = web_sys::window().unwrap().device_pixel_ratio().max(1.0);
    let data = ctx
        .get_image_data(x * dpr, y * dpr, 1.0, 1.0)
        .unwrap()
        .data();
    data[3]
}

/// The test view's flame graph, rendered and painted in `o`.
async fn render_flame(o: Orientation) -> HtmlCanvasElement {
    let root = root();
    yew::Renderer::<Host>::with_root_and_props(
        root.clone(),
        FlameHost {
            view: Rc::new(view()),
            orientation: o,
        },
    )
    .render();
    settle().await;
    root.query_selector("canvas#flame")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap()
}

#[wasm_bindgen_test]
async fn the_flame_graph_paints_frames_where_the_layout_puts_them() {
    let canvas = render_flame(Orientation::Icicle).await;
    let painted: u32 = canvas
        .get_attribute("data-painted")
        .unwrap()
        .parse()
        .unwrap();
    assert!(painted >= 1);
    let width = f64::from(canvas.unchecked_ref::<HtmlElement>().client_width());
    assert!(width > 100.0, "canvas width {width}");
    // Row 0 is painted across; row 1 has work (left half), a gap, idle (right quarter).
    assert_eq!(alpha_at(&canvas, width * 0.5, 9.0), 255);
    assert_eq!(alpha_at(&canvas, width * 0.25, 18.0 + 9.0), 255);
    assert_eq!(
        alpha_at(&canvas, width * 0.6, 18.0 + 9.0),
        0,
        "the gap stays empty"
    );
    assert_eq!(alpha_at(&canvas, width * 0.9, 18.0 + 9.0), 255);
    // The canvas is exactly two rows tall.
    assert_eq!(canvas.unchecked_ref::<HtmlElement>().client_height(), 36);
}

#[wasm_bindgen_test]
async fn the_flame_orientation_puts_the_root_at_the_bottom() {
    let canvas = render_flame(Orientation::Flame).await;
    let width = f64::from(canvas.unchecked_ref::<HtmlElement>().client_width());
    // Root (full width) is now the bottom row; the gap is in the top row.
    assert_eq!(alpha_at(&canvas, width * 0.6, 18.0 + 9.0), 255);
    assert_eq!(alpha_at(&canvas, width * 0.6, 9.0), 0);
}

#[derive(Properties, PartialEq)]
struct TableHost {
    rows: Rc<Vec<Row>>,
}

#[component]
fn THost(p: &TableHost) -> Html {
    // Sort and filter live with the app, and the worker orders the rows;
    // the host does both as they do.
    let sort = use_state(|| (SortColumn::Flat, true));
    let filter = use_state(String::new);
    let on_sort = {
        let sort = sort.clone();
        Callback::from(move |s| sort.set(s))
    };
    let on_filter = {
        let filter = filter.clone();
        Callback::from(move |f| filter.set(f))
    };
    let order = heaplens_view::table::order_rows(&p.rows, sort.0, sort.1, &filter);
    let rows: Rc<Vec<Row>> = Rc::new(order.iter().map(|&i| p.rows[i as usize].clone()).collect());
    let matching = rows.len() as u32;
    html! {
        <TopTable {rows} total={100} unit="bytes" granularity={Granularity::Functions}
            selected={None::<AttrValue>} on_select={Callback::noop()} on_granularity={Callback::noop()}
            sort={*sort} filter={AttrValue::from((*filter).clone())} {on_sort} {on_filter}
            {matching} all={p.rows.len() as u32} on_more={Callback::noop()} />
    }
}

#[wasm_bindgen_test]
async fn the_top_table_carries_raw_numbers_and_sorts() {
    let row = Row::plain;
    let rows = Rc::new(vec![
        row("a.flatty", 60, 60),
        row("b.caller", 0, 100),
        row("c.small", 40, 40),
    ]);
    let root = root();
    yew::Renderer::<THost>::with_root_and_props(root.clone(), TableHost { rows }).render();
    settle().await;
    let names = |root: &Element| -> Vec<(String, String, String)> {
        let trs = root.query_selector_all("#top-table tbody tr").unwrap();
        (0..trs.length())
            .map(|i| {
                let tr: Element = trs.item(i).unwrap().dyn_into().unwrap();
                (
                    tr.get_attribute("data-name").unwrap(),
                    tr.get_attribute("data-flat").unwrap(),
                    tr.get_attribute("data-cum").unwrap(),
                )
            })
            .collect()
    };
    let got = names(&root);
    assert_eq!(
        got[0],
        ("a.flatty".to_string(), "60".to_string(), "60".to_string())
    );
    assert_eq!(got.len(), 3);
    // Sort by cum.
    let buttons = root.query_selector_all("#top-table thead button").unwrap();
    let cum: HtmlElement = buttons.item(2).unwrap().dyn_into().unwrap();
    assert!(cum.text_content().unwrap().starts_with("cum"));
    cum.click();
    settle().await;
    assert_eq!(names(&root)[0].0, "b.caller");
}

/// The scheduler's baseline profile, and what `go tool pprof` prints of it:
/// its alloc_space top table and the callers/callees of Claim.
const BASELINE: &[u8] = include_bytes!("../tests/testdata/scheduler/baseline.prof");
const BASELINE_TOP: &str = include_str!(
    "../tests/golden/pprof/testdata/scheduler/baseline.prof/functions.1.alloc_space.txt"
);
const CLAIM_PEEK: &str = include_str!("../tests/golden/pprof-peek/sched-claim.txt");
const CLAIM: &str = "heaplens/testgen/scheduler.(*Scheduler).Claim";

/// Cells of an element's rows: `sel` selects the rows, `cell` reads a cell.
fn cells(root: &Element, sel: &str, cell: impl Fn(&Element) -> Vec<String>) -> Vec<Vec<String>> {
    let trs = root.query_selector_all(sel).unwrap();
    (0..trs.length())
        .map(|i| cell(&trs.item(i).unwrap().dyn_into().unwrap()))
        .collect()
}

/// Each `td`'s text and each listed attribute of the row.
fn row_of(tr: &Element, attrs: &[&str]) -> Vec<String> {
    let mut out: Vec<String> = attrs
        .iter()
        .map(|a| tr.get_attribute(a).unwrap_or_default())
        .collect();
    let tds = tr.query_selector_all("td").unwrap();
    for i in 0..tds.length() {
        let td: Element = tds.item(i).unwrap().dyn_into().unwrap();
        out.push(td.text_content().unwrap_or_default().trim().to_string());
        out.push(td.get_attribute("title").unwrap_or_default());
    }
    out
}

/// A pprof value printed with `-unit=B` (`123B`, `0`) as the raw integer.
fn raw(v: &str) -> String {
    v.trim_end_matches('B').to_string()
}

#[derive(Properties, PartialEq)]
struct ProfileHost {
    view: Rc<ViewData>,
}

#[component]
fn PHost(p: &ProfileHost) -> Html {
    let v = &p.view;
    let rows = Rc::new(v.rows.clone());
    let n = v.rows.len() as u32;
    html! {
        <>
            <TopTable {rows} total={v.total} unit={v.unit.clone()} granularity={Granularity::Functions}
                selected={Some(AttrValue::from(CLAIM))} on_select={Callback::noop()} on_granularity={Callback::noop()}
                sort={(SortColumn::Flat, true)} filter={AttrValue::default()} on_sort={Callback::noop()}
                on_filter={Callback::noop()} matching={n} all={v.rows_total} on_more={Callback::noop()} />
            <PeekPanel peek={v.peek.clone().unwrap()} total={v.total} unit={v.unit.clone()}
                on_select={Callback::noop()} on_close={Callback::noop()} />
        </>
    }
}

#[wasm_bindgen_test]
async fn a_real_profile_renders_pprofs_numbers() {
    use heaplens_view::params::ViewParams;
    use heaplens_view::session::{Session, Slot, ViewRequest};
    let blob = crate::gzip::blob_of(BASELINE).unwrap();
    let bytes = crate::gzip::inflate(&blob, 1 << 30, |_| {}).await.unwrap();
    let mut s = Session::new();
    s.load_inflated(
        Slot::Profile,
        "baseline.prof",
        bytes,
        Some(BASELINE.len() as u64),
        &mut |_, _, _| {},
    )
    .unwrap();
    let view = s
        .view(&ViewRequest {
            params: ViewParams {
                sample_type: Some("alloc_space".into()),
                selected: Some(CLAIM.into()),
                ..ViewParams::default()
            },
            ..ViewRequest::default()
        })
        .unwrap();
    let root = root();
    yew::Renderer::<PHost>::with_root_and_props(
        root.clone(),
        ProfileHost {
            view: Rc::new(view),
        },
    )
    .render();
    settle().await;

    // The table: pprof's rows, in pprof's order, with its raw values in
    // the row's data and the cells' titles, and its percentages as text.
    let want: Vec<Vec<String>> = BASELINE_TOP
        .lines()
        .skip_while(|l| !l.trim_start().starts_with("flat  flat%"))
        .skip(1)
        .map(|l| {
            let c: Vec<&str> = l.split_whitespace().collect();
            let name = c[5..].join(" ");
            let name = name.trim_end_matches(" (inline)").to_string();
            let (flat, cum) = (raw(c[0]), raw(c[3]));
            vec![
                name.clone(),
                flat.clone(),
                cum.clone(),
                // flat (label, raw), flat%, sum%, cum (label, raw), cum%, name
                flat,
                c[1].into(),
                c[2].into(),
                cum,
                c[4].into(),
                name,
            ]
        })
        .collect();
    let got = cells(&root, "#top-table tbody tr", |tr| {
        let r = row_of(tr, &["data-name", "data-flat", "data-cum"]);
        // Leave out the flat and cum labels (scaled by heaplens's own
        // rule), the percentage cells' empty titles and the bytes per
        // object (held to pprof by tests/per_object.rs); the name is last.
        let name = r.last().cloned().unwrap_or_default();
        vec![
            r[0].clone(),
            r[1].clone(),
            r[2].clone(),
            r[4].clone(),
            r[5].clone(),
            r[7].clone(),
            r[10].clone(),
            r[11].clone(),
            name,
        ]
    });
    assert!(want.len() > 100, "{} rows in the golden", want.len());
    assert_eq!(got.len(), want.len().min(200));
    for (i, (g, w)) in got.iter().zip(&want).enumerate() {
        assert_eq!(g, w, "row {i}");
    }

    // The callers/callees panel: pprof's -peek rows of Claim (it has no
    // (root) caller: drain calls it), raw values in the titles.
    let edges = |text: &str, after_node: bool| -> Vec<Vec<String>> {
        let mut seen_node = false;
        text.lines()
            .skip_while(|l| !l.trim_start().starts_with("flat  flat%"))
            .filter(|l| l.contains('|'))
            .filter_map(|l| {
                let (values, name) = l.split_once('|').unwrap();
                let c: Vec<&str> = values.split_whitespace().collect();
                if c.len() == 5 {
                    seen_node = true;
                    return None;
                }
                (seen_node == after_node).then(|| vec![raw(c[0]), name.trim().to_string()])
            })
            .collect()
    };
    let shown = |id: &str| {
        cells(&root, &format!("#{id} tr"), |tr| {
            let r = row_of(tr, &[]);
            // value (label, raw), percent, name (text, title)
            vec![r[1].clone(), r[5].clone()]
        })
    };
    let (callers, callees) = (edges(CLAIM_PEEK, false), edges(CLAIM_PEEK, true));
    assert!(!callers.is_empty() && !callees.is_empty());
    assert_eq!(shown("callers"), callers);
    assert_eq!(shown("callees"), callees);
    let head = root.query_selector(".peek-head").unwrap().unwrap();
    assert_eq!(
        head.query_selector("h2")
            .unwrap()
            .unwrap()
            .get_attribute("title")
            .as_deref(),
        Some(CLAIM)
    );
    // Claim's cum as pprof's percentage of the total.
    let cum_pct = CLAIM_PEEK
        .lines()
        .filter_map(|l| l.split_once('|'))
        .map(|(v, _)| v.split_whitespace().collect::<Vec<_>>())
        .find(|c| c.len() == 5)
        .map(|c| c[4].to_string())
        .unwrap();
    let values = head
        .query_selector(".peek-values")
        .unwrap()
        .unwrap()
        .text_content()
        .unwrap();
    assert!(
        values.ends_with(&format!("({cum_pct})")),
        "{values} vs cum {cum_pct}"
    );
}
