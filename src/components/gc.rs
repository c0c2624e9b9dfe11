//! The GC view: a `GODEBUG=gctrace=1` log's figures (or two logs'
//! comparison) and its charts, drawn as SVG from the worker's chart data
//! (at most one point per pixel column). Hover or the arrow keys on a
//! chart show the values at that time.

use std::rc::Rc;

use heaplens_view::gc::chart::{Chart, Mark, Side};
use heaplens_view::gc::{report, Change, Figure};
use heaplens_view::session::gclog::GcData;
use wasm_bindgen::JsCast;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct GcPanelProps {
    pub gc: Rc<GcData>,
}

/// The SVG's layout (viewBox units): the plot is as wide as the worker's
/// columns, so one column is one unit.
const PLOT_W: f64 = heaplens_view::session::gclog::CHART_COLUMNS as f64;
const LEFT: f64 = 72.0;
const RIGHT: f64 = 14.0;
const TOP: f64 = 10.0;
const PLOT_H: f64 = 150.0;
const BOTTOM: f64 = 24.0;
const W: f64 = LEFT + PLOT_W + RIGHT;
const H: f64 = TOP + PLOT_H + BOTTOM;

#[component]
pub fn GcPanel(props: &GcPanelProps) -> Html {
    let gc = &props.gc;
    let title = if gc.names.0.is_empty() {
        format!("GC impact: {}", gc.names.1)
    } else {
        format!("GC impact: {} → {}", gc.names.0, gc.names.1)
    };
    let table = match &gc.changes {
        Some(rows) => compare_table(rows),
        None => single_table(&gc.figures),
    };
    html! {
        <section class="gc-view" id="gc-view" aria-label="GC impact">
            <h2>{ title }</h2>
            { for gc.headings.iter().map(|h| html! { <p class="gc-heading">{ h.clone() }</p> }) }
            { for gc.notes.iter().map(|n| html! { <p class="gc-note" role="status">{ n.clone() }</p> }) }
            { table }
            if !gc.sentences.is_empty() {
                <ul class="gc-sentences" id="gc-sentences">
                    { for gc.sentences.iter().map(|s| html! { <li>{ s.clone() }</li> }) }
                </ul>
            }
            <p class="hint">{ "Pause: the two stop-the-world phases of a GC (sweep termination + mark termination), wall clock. Percentiles are nearest-rank. A change is significant when the Mann–Whitney U test on the per-GC pauses (or on the intervals between GCs, for the rate) gives p < 0.05." }</p>
            <div class="gc-charts">
                { for gc.charts.iter().map(|c| html! { <GcChart chart={Rc::new(c.clone())} pair={gc.changes.is_some()} /> }) }
            </div>
            <GcExport gc={gc.clone()} />
        </section>
    }
}

fn single_table(figures: &[Figure]) -> Html {
    html! {
        <table id="gc-summary">
            <thead><tr><th>{ "figure" }</th><th class="num">{ "value" }</th></tr></thead>
            <tbody>
                { for figures.iter().map(|f| html! {
                    <tr data-key={f.key.clone()} data-new={report::raw(f.value, f.unit)}>
                        <td>{ f.label.clone() }</td>
                        <td class="num">{ report::value(f.value, f.unit) }</td>
                    </tr>
                }) }
            </tbody>
        </table>
    }
}

fn compare_table(rows: &[Change]) -> Html {
    html! {
        <table id="gc-summary">
            <thead><tr><th>{ "figure" }</th><th class="num">{ "base" }</th><th class="num">{ "new" }</th><th class="num">{ "change" }</th><th>{ "test" }</th></tr></thead>
            <tbody>
                { for rows.iter().map(|c| {
                    // Blue when significantly better, red when worse.
                    let sign = if c.larger_is_better() { -1.0 } else { 1.0 };
                    let tone = match c.percent().map(|p| p * sign) {
                        _ if !c.significant() => "",
                        Some(p) if p < 0.0 => "down",
                        Some(p) if p > 0.0 => "up",
                        _ => "",
                    };
                    html! {
                        <tr data-key={c.key.clone()} data-base={report::raw(c.base, c.unit)} data-new={report::raw(c.new, c.unit)}>
                            <td>{ c.label.clone() }</td>
                            <td class="num">{ report::value(c.base, c.unit) }</td>
                            <td class="num">{ report::value(c.new, c.unit) }</td>
                            <td class={classes!("num", tone)}>{ report::change(c) }</td>
                            <td class="test">{ report::verdict(c) }</td>
                        </tr>
                    }
                }) }
            </tbody>
        </table>
    }
}

#[derive(Properties, PartialEq)]
struct ChartProps {
    chart: Rc<Chart>,
    pair: bool,
}

fn px(c: &Chart, x: f64, y: f64) -> (f64, f64) {
    (
        LEFT + x / c.x_max * PLOT_W,
        TOP + PLOT_H - (y / c.y_max).min(1.0) * PLOT_H,
    )
}

/// One chart: axes, grid, series, legend, and the hover line.
#[component]
fn GcChart(props: &ChartProps) -> Html {
    let c = &props.chart;
    let hover = use_state(|| None::<f64>);
    let onmousemove = {
        let (hover, c) = (hover.clone(), c.clone());
        Callback::from(move |e: MouseEvent| {
            let Some(svg) = e
                .current_target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            else {
                return;
            };
            let rect = svg.get_bounding_client_rect();
            if rect.width() <= 0.0 {
                return;
            }
            let vx = (f64::from(e.client_x()) - rect.left()) * W / rect.width();
            let x = ((vx - LEFT) / PLOT_W).clamp(0.0, 1.0) * c.x_max;
            hover.set(Some(x));
        })
    };
    let onmouseleave = {
        let hover = hover.clone();
        Callback::from(move |_| hover.set(None))
    };
    let onkeydown = {
        let (hover, c) = (hover.clone(), c.clone());
        Callback::from(move |e: KeyboardEvent| {
            let step = c.x_max / 100.0;
            let now = (*hover).unwrap_or(0.0);
            let next = match e.key().as_str() {
                "ArrowRight" => now + step,
                "ArrowLeft" => now - step,
                "Home" => 0.0,
                "End" => c.x_max,
                "Escape" => {
                    hover.set(None);
                    return;
                }
                _ => return,
            };
            e.prevent_default();
            hover.set(Some(next.clamp(0.0, c.x_max)));
        })
    };
    let points: usize = c.series.iter().map(|s| s.points.len()).sum();
    let readout = (*hover).map(|x| {
        let values = c.values_at(x);
        let parts: Vec<String> = values
            .iter()
            .map(|(name, side, v)| {
                if props.pair {
                    format!("{name} ({}): {v}", side_word(*side))
                } else {
                    format!("{name}: {v}")
                }
            })
            .collect();
        format!(
            "at {}: {}",
            report::value(x, heaplens_view::gc::Unit::Seconds),
            parts.join(" · ")
        )
    });
    html! {
        <figure class="gc-chart" id={format!("gc-chart-{}", c.id)} data-points={points.to_string()}>
            <figcaption>{ c.title.clone() }</figcaption>
            <svg viewBox={format!("0 0 {W} {H}")} role="img" aria-label={c.title.clone()} tabindex="0"
                 {onmousemove} {onmouseleave} {onkeydown}>
                { axes(c) }
                { for c.series.iter().map(|s| series(c, s)) }
                if let Some(x) = *hover {
                    { hover_line(c, x) }
                }
            </svg>
            <p class="gc-legend">
                { for c.series.iter().filter(|s| s.mark != Mark::Rule || !props.pair || s.side == Side::New).map(|s| html! {
                    <span class={classes!("key", format!("slot{}", s.slot), side_word(s.side))}>
                        { if props.pair { format!("{} ({})", s.name, side_word(s.side)) } else { s.name.clone() } }
                    </span>
                }) }
            </p>
            <p class="gc-readout" aria-live="polite">{ readout.unwrap_or_else(|| "Hover (or focus and use ←/→) for values.".into()) }</p>
        </figure>
    }
}

/// The side's word: in labels, and as the CSS class of its marks.
fn side_word(s: Side) -> &'static str {
    match s {
        Side::Base => "base",
        Side::New => "new",
    }
}

fn axes(c: &Chart) -> Html {
    let bottom = TOP + PLOT_H;
    html! {
        <g class="axes">
            { for c.y_ticks.iter().map(|(v, label)| {
                let (_, y) = px(c, 0.0, *v);
                html! { <g>
                    <line class="grid" x1={LEFT.to_string()} x2={(LEFT + PLOT_W).to_string()} y1={y.to_string()} y2={y.to_string()} />
                    <text class="tick" x={(LEFT - 6.0).to_string()} y={(y + 4.0).to_string()} text-anchor="end">{ label.clone() }</text>
                </g> }
            }) }
            { for c.x_ticks.iter().map(|(v, label)| {
                let (x, _) = px(c, *v, 0.0);
                html! { <text class="tick" x={x.to_string()} y={(bottom + 16.0).to_string()} text-anchor="middle">{ label.clone() }</text> }
            }) }
            <line class="axis" x1={LEFT.to_string()} x2={LEFT.to_string()} y1={TOP.to_string()} y2={bottom.to_string()} />
            <line class="axis" x1={LEFT.to_string()} x2={(LEFT + PLOT_W).to_string()} y1={bottom.to_string()} y2={bottom.to_string()} />
        </g>
    }
}

fn series(c: &Chart, s: &heaplens_view::gc::chart::Series) -> Html {
    let class = classes!("series", format!("slot{}", s.slot), side_word(s.side));
    match s.mark {
        Mark::Line => {
            let pts: Vec<String> = s
                .points
                .iter()
                .map(|&(x, y)| {
                    let (a, b) = px(c, x, y);
                    format!("{a:.1},{b:.1}")
                })
                .collect();
            html! { <polyline {class} fill="none" points={pts.join(" ")} /> }
        }
        Mark::Points => {
            // One path of tiny squares: far lighter than a circle each.
            let mut d = String::new();
            for &(x, y) in &s.points {
                let (a, b) = px(c, x, y);
                d.push_str(&format!("M{:.1} {:.1}h3v3h-3z", a - 1.5, b - 1.5));
            }
            html! { <path {class} d={d} /> }
        }
        Mark::Rule => {
            let y = s.points.first().map_or(0.0, |p| p.1);
            let (_, py) = px(c, 0.0, y);
            html! { <line class={classes!(class, "rule")} x1={LEFT.to_string()} x2={(LEFT + PLOT_W).to_string()} y1={py.to_string()} y2={py.to_string()}>
                <title>{ format!("{} {}", s.name, report::value(y, c.unit)) }</title>
            </line> }
        }
    }
}

fn hover_line(c: &Chart, x: f64) -> Html {
    let (px_x, _) = px(c, x, 0.0);
    html! { <line class="hover" x1={px_x.to_string()} x2={px_x.to_string()} y1={TOP.to_string()} y2={(TOP + PLOT_H).to_string()} /> }
}

#[derive(Properties, PartialEq)]
struct ExportProps {
    gc: Rc<GcData>,
}

/// The GC view's link and downloads.
#[component]
fn GcExport(props: &ExportProps) -> Html {
    let gc = &props.gc;
    let link = match &gc.fragment {
        Ok(f) => format!("{}#{f}", crate::link::page_address()),
        Err(e) => e.clone(),
    };
    let download = |tsv: bool| {
        let gc = gc.clone();
        Callback::from(move |_: MouseEvent| {
            let body = gc_text(&gc, tsv);
            let (name, mime) = if tsv {
                ("gc.tsv", "text/tab-separated-values")
            } else {
                ("gc.txt", "text/plain")
            };
            let _ = crate::link::download(name, mime, body.as_bytes());
        })
    };
    let copy = {
        let link = link.clone();
        let ok = gc.fragment.is_ok();
        Callback::from(move |_: MouseEvent| {
            if ok {
                let link = link.clone();
                yew::platform::spawn_local(async move {
                    let _ = crate::link::copy(&link).await;
                });
            }
        })
    };
    html! {
        <div class="gc-export">
            <button id="gc-share" onclick={copy} disabled={gc.fragment.is_err()} title="A link that opens this GC view (the parsed series are in it; nothing is uploaded)">{ "Copy link" }</button>
            <input id="gc-share-link" readonly=true value={link} aria-label="Link to this GC view" />
            <button id="gc-text" onclick={download(false)}>{ "Download as text" }</button>
            <button id="gc-tsv" onclick={download(true)}>{ "Download as TSV" }</button>
        </div>
    }
}

/// The CLI's `heaplens gctrace` output of this view.
fn gc_text(gc: &GcData, tsv: bool) -> String {
    match (&gc.changes, tsv) {
        (Some(rows), true) => report::compare_tsv(rows),
        (Some(rows), false) => {
            let base = gc
                .headings
                .first()
                .map(|h| h.trim_start_matches("base "))
                .unwrap_or("");
            let new = gc.headings.last().map_or("", String::as_str);
            report::compare_text((base, new), rows)
        }
        (None, true) => report::tsv(&gc.figures),
        (None, false) => report::text(gc.headings.last().map_or("", String::as_str), &gc.figures),
    }
}
