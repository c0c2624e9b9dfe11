//! The timeline of heap snapshots: the total of the sample type over time,
//! stacked by the largest functions (SVG, as the GC view's charts), the
//! snapshots in their order, the growth suspects with a sparkline each,
//! and, when served by `heaplens web` for a live service, the recorder.
//! Click a snapshot to open it; Shift+click a second one for the diff of
//! the two (the earlier is the base). On the focused chart: ←/→ move,
//! Enter opens, Shift+Enter or `b` diffs with the open one, Escape shows
//! the open one alone.

use std::rc::Rc;

use heaplens_profile::units;
use heaplens_view::params::TimelineParams;
use heaplens_view::session::timeline::{SuspectRow, TimelineData};
use yew::prelude::*;

use crate::timeline_chart::{self as chart, Geometry};

#[derive(Properties, PartialEq)]
pub struct TimelineProps {
    pub data: Rc<TimelineData>,
    pub params: TimelineParams,
    pub selected: Option<String>,
    /// Open snapshot `.0`, with `.1` as the base when given.
    pub on_open: Callback<(usize, Option<usize>)>,
    pub on_params: Callback<TimelineParams>,
    pub on_select: Callback<String>,
}

#[component]
pub fn TimelinePanel(props: &TimelineProps) -> Html {
    let t = &props.data;
    let n = t.snapshots.len();
    let open = t.open.map(|o| o.0);
    let cursor = use_state(|| None::<usize>);
    // Two snapshots: the earlier is the base.
    let pick = {
        let on_open = props.on_open.clone();
        move |i: usize, with: Option<usize>| match with {
            Some(j) if j != i => on_open.emit((i.max(j), Some(i.min(j)))),
            _ => on_open.emit((i, None)),
        }
    };
    let onclick_point = {
        let pick = pick.clone();
        Callback::from(move |(i, shift): (usize, bool)| pick(i, if shift { open } else { None }))
    };
    let onkeydown = {
        let (cursor, pick) = (cursor.clone(), pick.clone());
        Callback::from(move |e: KeyboardEvent| {
            let now = (*cursor).or(open).unwrap_or(0);
            let last = n.saturating_sub(1);
            let next = match e.key().as_str() {
                "ArrowRight" => (now + 1).min(last),
                "ArrowLeft" => now.saturating_sub(1),
                "Home" => 0,
                "End" => last,
                "Enter" if e.shift_key() => return pick(now, open),
                "b" | "B" => return pick(now, open),
                "Enter" => return pick(now, None),
                "Escape" => return pick(open.unwrap_or(now), None),
                _ => return,
            };
            e.prevent_default();
            cursor.set(Some(next));
        })
    };
    let order = {
        let (on, p) = (props.on_params.clone(), props.params);
        Callback::from(move |e: Event| {
            let given = crate::components::select_value(&e).as_deref() == Some("given");
            on.emit(TimelineParams {
                given_order: given,
                ..p
            });
        })
    };
    let rank = {
        let (on, p) = (props.on_params.clone(), props.params);
        Callback::from(move |e: Event| {
            let cum = crate::components::select_value(&e).as_deref() == Some("cum");
            on.emit(TimelineParams { cum, ..p });
        })
    };
    let g = Geometry::of(t);
    let readout = (*cursor).or(open).map(|i| chart::readout(t, i));
    html! {
        <section class="timeline" id="timeline" aria-label="Timeline of heap snapshots">
            <header class="timeline-head">
                <h2>{ chart::title(t) }</h2>
                <label>{ "Order " }
                    <select id="timeline-order" onchange={order}>
                        <option value="time" selected={!props.params.given_order} disabled={!t.has_times}>{ "by profile time" }</option>
                        <option value="given" selected={props.params.given_order}>{ "as given" }</option>
                    </select>
                </label>
                <label>{ "Rank by " }
                    <select id="timeline-rank" onchange={rank}>
                        <option value="flat" selected={!t.cum}>{ "flat" }</option>
                        <option value="cum" selected={t.cum}>{ "cum" }</option>
                    </select>
                </label>
            </header>
            <figure class="timeline-chart">
                <svg id="timeline-chart" viewBox={format!("0 0 {} {}", chart::W, chart::H)} role="img" tabindex="0"
                     aria-label={format!("{} over {n} snapshots; arrows move, Enter opens, Shift+Enter compares with the open one", t.types.get(t.sample_type).cloned().unwrap_or_default())}
                     data-points={n.to_string()} data-open={open.map(|o| o.to_string()).unwrap_or_default()}
                     data-base={t.open.and_then(|o| o.1).map(|b| b.to_string()).unwrap_or_default()}
                     {onkeydown}>
                    { chart::axes(t, &g) }
                    { chart::bands(t, &g) }
                    { chart::points(t, &g, *cursor, onclick_point) }
                </svg>
                <p class="timeline-legend">
                    { for t.bands.iter().enumerate().map(|(i, b)| html! {
                        <span class={classes!("key", format!("band{}", i % chart::COLOURS))} title={b.name.clone()}>{ chart::short_name(&b.name) }</span>
                    }) }
                    <span class="key other">{ "other" }</span>
                </p>
                <p class="timeline-readout" aria-live="polite">
                    { readout.unwrap_or_else(|| "Click a snapshot to open it; Shift+click a second to compare the two.".into()) }
                </p>
            </figure>
            <ol class="timeline-snapshots" id="timeline-snapshots">
                { for t.snapshots.iter().enumerate().map(|(i, s)| {
                    let p = pick.clone();
                    let onclick = Callback::from(move |e: MouseEvent| p(i, if e.shift_key() { open } else { None }));
                    let class = classes!(
                        (Some(i) == open).then_some("open"),
                        (Some(i) == t.open.and_then(|o| o.1)).then_some("base")
                    );
                    html! { <li {class}><button type="button" {onclick} title={chart::when(t, i)}>{ s.name.clone() }</button></li> }
                }) }
            </ol>
            { suspects(t, props) }
        </section>
    }
}

fn suspects(t: &TimelineData, props: &TimelineProps) -> Html {
    let unit = &t.unit;
    let per = if t.by_time { "h" } else { "snapshot" };
    let rows = t.suspects.iter().map(|s: &SuspectRow| {
        let g = &s.growth;
        let name = g.name.clone();
        let on = props.on_select.clone();
        let onclick = Callback::from(move |_| on.emit(name.clone()));
        let selected = props.selected.as_deref() == Some(g.name.as_str());
        html! {
            <tr data-name={g.name.clone()} data-change={g.change.to_string()}
                data-slope={format!("{:.0}", g.slope)} data-steadiness={format!("{:.4}", g.steadiness)}
                class={classes!(selected.then_some("selected"))} {onclick}>
                <td class="name"><button type="button" class="linklike">{ g.name.clone() }</button></td>
                <td class="num">{ format!("+{}", units::label(g.change, unit)) }</td>
                <td class="num">{ format!("+{}/{per}", units::label(g.slope.round() as i64, unit)) }</td>
                <td class="num">{ format!("{:.0}%", g.steadiness * 100.0) }</td>
                <td class="num">{ format!("{} → {}", units::label(g.first, unit), units::label(g.last, unit)) }</td>
                <td class="spark">{ sparkline(&s.values) }</td>
            </tr>
        }
    });
    html! {
        <div class="growth">
            <h3>{ format!("Growth suspects: {} of {} functions keep growing ({} values)", t.suspects.len(), t.functions, if t.cum { "cum" } else { "flat" }) }</h3>
            if t.suspects.is_empty() {
                <p class="hint" id="growth-none">{ "No function grows steadily across these snapshots: none ends higher than it started with a rising fit and growth in more than half of the steps." }</p>
            } else {
                <table id="growth-table" class="growth-table">
                    <thead><tr>
                        <th>{ "Function" }</th><th>{ "Change" }</th><th>{ format!("Slope (least squares, per {per})") }</th>
                        <th title="The share of snapshot-to-snapshot steps in which it grew">{ "Steady" }</th><th>{ "First → last" }</th><th>{ "Trend" }</th>
                    </tr></thead>
                    <tbody>{ for rows }</tbody>
                </table>
            }
        </div>
    }
}

/// A small line of `values` (min to max), for tables.
pub fn sparkline(values: &[i64]) -> Html {
    let (w, h) = (80.0, 18.0);
    let lo = values.iter().copied().min().unwrap_or(0).min(0) as f64;
    let hi = values.iter().copied().max().unwrap_or(0) as f64;
    let span = (hi - lo).max(1.0);
    let n = values.len().max(2) - 1;
    let pts: Vec<String> = values
        .iter()
        .enumerate()
        .map(|(i, &v)| {
            let x = i as f64 * w / n as f64;
            let y = h - 1.0 - (v as f64 - lo) / span * (h - 2.0);
            format!("{x:.1},{y:.1}")
        })
        .collect();
    html! {
        <svg class="sparkline" viewBox={format!("0 0 {w} {h}")} width="80" height="18" aria-hidden="true">
            <polyline points={pts.join(" ")} fill="none" />
        </svg>
    }
}

#[derive(Properties, PartialEq)]
pub struct RecorderProps {
    /// Take a snapshot of the live service now.
    pub on_snapshot: Callback<()>,
    /// How many snapshots the timeline has.
    pub count: usize,
}

/// *Take snapshot* and *Every N s* for a live service.
#[component]
pub fn Recorder(props: &RecorderProps) -> Html {
    let every = use_state(|| 10u32);
    let recording = use_state(|| false);
    {
        let on = props.on_snapshot.clone();
        use_effect_with((*recording, *every), move |&(rec, secs)| {
            let timer = rec.then(|| {
                gloo_timers::callback::Interval::new(secs.max(1) * 1000, move || on.emit(()))
            });
            move || drop(timer)
        });
    }
    let take = {
        let on = props.on_snapshot.clone();
        Callback::from(move |_| on.emit(()))
    };
    let toggle = {
        let recording = recording.clone();
        Callback::from(move |_| recording.set(!*recording))
    };
    let set_every = {
        let every = every.clone();
        Callback::from(move |e: Event| {
            if let Some(v) = crate::components::input_value(&e).and_then(|v| v.parse::<u32>().ok())
            {
                every.set(v.clamp(1, 3600));
            }
        })
    };
    html! {
        <section class="recorder" id="recorder" aria-label="Live service">
            <strong>{ "Live service" }</strong>
            <span class="hint">{ format!("{} snapshot{} taken", props.count, if props.count == 1 { "" } else { "s" }) }</span>
            <button type="button" id="take-snapshot" onclick={take} title="Fetch /debug/pprof/heap?gc=1 from the service now">{ "Take snapshot" }</button>
            <label>{ "Every " }<input id="record-every" type="number" min="1" max="3600" value={every.to_string()} onchange={set_every} />{ " s" }</label>
            <button type="button" id="record-toggle" aria-pressed={recording.to_string()} onclick={toggle}>
                { if *recording { "Stop recording" } else { "Record" } }
            </button>
        </section>
    }
}
