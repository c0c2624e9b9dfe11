//! The timeline's chart, drawn as SVG: the total of each snapshot stacked
//! by the largest functions (the rest as one band), a point per snapshot
//! (open, base and cursor marked), and axes in the sample type's unit and
//! in clock time (UTC, which the title says), or snapshot numbers (`#3`)
//! when the order is not by time.

use heaplens_profile::units;
use heaplens_view::session::timeline::TimelineData;
use yew::prelude::*;

pub const W: f64 = 760.0;
pub const H: f64 = 220.0;
const LEFT: f64 = 72.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 28.0;
const PLOT_W: f64 = W - LEFT - RIGHT;
const PLOT_H: f64 = H - TOP - BOTTOM;
/// How many band colours the style sheet has.
pub const COLOURS: usize = 8;

/// Where snapshots and values go.
pub struct Geometry {
    /// Each snapshot's x (viewBox units).
    pub xs: Vec<f64>,
    pub y_max: i64,
}

impl Geometry {
    pub fn of(t: &TimelineData) -> Geometry {
        let n = t.snapshots.len();
        let t0 = t.snapshots.first().map_or(0, |s| s.time_nanos);
        let span = t.snapshots.last().map_or(0, |s| s.time_nanos) - t0;
        let xs = (0..n)
            .map(|i| {
                let f = if n < 2 {
                    0.5
                } else if t.by_time && span > 0 {
                    (t.snapshots[i].time_nanos - t0) as f64 / span as f64
                } else {
                    i as f64 / (n - 1) as f64
                };
                LEFT + f * PLOT_W
            })
            .collect();
        let top = t.totals.iter().copied().max().unwrap_or(0).max(1);
        // A round number in the unit the axis is labelled in.
        let (scaled, _) = units::scale(top, &t.unit, "auto");
        let factor = if scaled > 0.0 {
            top as f64 / scaled
        } else {
            1.0
        };
        let y_max = ((nice(scaled.ceil().max(1.0) as i64) as f64) * factor).round() as i64;
        Geometry { xs, y_max }
    }

    fn y(&self, v: i64) -> f64 {
        TOP + PLOT_H - (v.max(0) as f64 / self.y_max as f64).min(1.0) * PLOT_H
    }
}

/// 1, 2 or 5 times a power of ten, at least `v`.
fn nice(v: i64) -> i64 {
    let mut p: i64 = 1;
    while p.saturating_mul(10) <= v {
        p = p.saturating_mul(10);
    }
    for m in [1, 2, 5, 10] {
        if p.saturating_mul(m) >= v {
            return p.saturating_mul(m);
        }
    }
    v
}

/// The last part of a function's name (after its package path), cut at
/// 40 characters.
pub fn short_name(name: &str) -> String {
    crate::paint::name_tail(name, 40)
}

/// `05:10:23` (UTC) of a time in ns.
pub fn clock(nanos: i64) -> String {
    let s = nanos.div_euclid(1_000_000_000).rem_euclid(86_400);
    format!("{:02}:{:02}:{:02}", s / 3600, (s % 3600) / 60, s % 60)
}

/// When snapshot `i` was taken, in words.
pub fn when(t: &TimelineData, i: usize) -> String {
    match t.snapshots.get(i) {
        Some(s) if s.time_nanos > 0 => units::format_time(s.time_nanos)
            .replace(" (UTC)", &format!(" ({} UTC)", clock(s.time_nanos))),
        _ => format!("snapshot {} (no time)", i + 1),
    }
}

pub fn title(t: &TimelineData) -> String {
    let ty = t.types.get(t.sample_type).cloned().unwrap_or_default();
    let n = t.snapshots.len();
    match (t.snapshots.first(), t.snapshots.last()) {
        (Some(a), Some(b)) if t.by_time && n > 1 => format!(
            "{ty} over {n} snapshots, {} to {} UTC ({})",
            clock(a.time_nanos),
            clock(b.time_nanos),
            heaplens_view::growth::text::span(b.time_nanos - a.time_nanos)
        ),
        _ => format!("{ty} over {n} snapshot{}", if n == 1 { "" } else { "s" }),
    }
}

/// What the readout says of snapshot `i`.
pub fn readout(t: &TimelineData, i: usize) -> String {
    let Some(s) = t.snapshots.get(i) else {
        return String::new();
    };
    let total = t.totals.get(i).copied().unwrap_or(0);
    let tops: Vec<String> = t
        .bands
        .iter()
        .take(3)
        .map(|b| {
            let v = b.values.get(i).copied().unwrap_or(0);
            format!("{} {}", short_name(&b.name), units::label(v, &t.unit))
        })
        .collect();
    format!(
        "{} · {} · total {} · {}",
        s.name,
        when(t, i),
        units::label(total, &t.unit),
        tops.join(" · ")
    )
}

pub fn axes(t: &TimelineData, g: &Geometry) -> Html {
    let bottom = TOP + PLOT_H;
    let y_ticks = (0..=4).map(|k| g.y_max / 4 * k);
    let n = t.snapshots.len();
    let x_ticks: Vec<(f64, String)> = if n == 0 {
        Vec::new()
    } else {
        let step = n.div_ceil(6).max(1);
        (0..n)
            .step_by(step)
            .map(|i| {
                let label = if t.by_time {
                    clock(t.snapshots[i].time_nanos)
                } else {
                    format!("#{}", i + 1)
                };
                (g.xs[i], label)
            })
            .collect()
    };
    html! {
        <g class="axes">
            { for y_ticks.map(|v| {
                let y = g.y(v);
                html! { <g>
                    <line class="grid" x1={LEFT.to_string()} x2={(LEFT + PLOT_W).to_string()} y1={y.to_string()} y2={y.to_string()} />
                    <text class="tick" x={(LEFT - 6.0).to_string()} y={(y + 4.0).to_string()} text-anchor="end">{ units::label(v, &t.unit) }</text>
                </g> }
            }) }
            { for x_ticks.into_iter().map(|(x, label)| html! {
                <text class="tick" x={x.to_string()} y={(bottom + 16.0).to_string()} text-anchor="middle">{ label }</text>
            }) }
            <line class="axis" x1={LEFT.to_string()} x2={LEFT.to_string()} y1={TOP.to_string()} y2={bottom.to_string()} />
            <line class="axis" x1={LEFT.to_string()} x2={(LEFT + PLOT_W).to_string()} y1={bottom.to_string()} y2={bottom.to_string()} />
        </g>
    }
}

/// The stacked bands: the largest function at the bottom, the rest on top.
pub fn bands(t: &TimelineData, g: &Geometry) -> Html {
    let n = t.snapshots.len();
    let mut under = vec![0i64; n];
    let mut out = Vec::new();
    let mut layers: Vec<(String, Vec<i64>, String)> = t
        .bands
        .iter()
        .enumerate()
        .map(|(i, b)| {
            (
                format!("band band{}", i % COLOURS),
                b.values.clone(),
                b.name.clone(),
            )
        })
        .collect();
    let stacked: Vec<i64> = (0..n)
        .map(|i| {
            t.bands
                .iter()
                .map(|b| b.values.get(i).copied().unwrap_or(0).max(0))
                .sum()
        })
        .collect();
    let other: Vec<i64> = (0..n)
        .map(|i| (t.totals.get(i).copied().unwrap_or(0) - stacked[i]).max(0))
        .collect();
    layers.push(("band other".into(), other, "other functions".into()));
    for (class, values, name) in layers {
        let over: Vec<i64> = (0..n)
            .map(|i| under[i] + values.get(i).copied().unwrap_or(0).max(0))
            .collect();
        let mut pts: Vec<String> = (0..n)
            .map(|i| format!("{:.1},{:.1}", g.xs[i], g.y(over[i])))
            .collect();
        pts.extend(
            (0..n)
                .rev()
                .map(|i| format!("{:.1},{:.1}", g.xs[i], g.y(under[i]))),
        );
        out.push(
            html! { <polygon {class} points={pts.join(" ")}><title>{ name }</title></polygon> },
        );
        under = over;
    }
    html! { <g class="bands">{ for out }</g> }
}

/// A point per snapshot on the total: click opens it, Shift+click
/// compares it with the open one.
pub fn points(
    t: &TimelineData,
    g: &Geometry,
    cursor: Option<usize>,
    onclick: Callback<(usize, bool)>,
) -> Html {
    let (open, base) = (t.open.map(|o| o.0), t.open.and_then(|o| o.1));
    html! {
        <g class="points">
            { for (0..t.snapshots.len()).map(|i| {
                let on = onclick.clone();
                let click = Callback::from(move |e: MouseEvent| on.emit((i, e.shift_key())));
                let class = classes!(
                    "snap",
                    (Some(i) == open).then_some("open"),
                    (Some(i) == base).then_some("base"),
                    (Some(i) == cursor).then_some("cursor")
                );
                let total = t.totals.get(i).copied().unwrap_or(0);
                let r = if Some(i) == open || Some(i) == base { 6 } else { 4 };
                html! {
                    <circle {class} data-index={i.to_string()} cx={format!("{:.1}", g.xs[i])} cy={format!("{:.1}", g.y(total))} r={r.to_string()} onclick={click}>
                        <title>{ format!("{} — {}", readout(t, i), "click to open, Shift+click to compare with the open one") }</title>
                    </circle>
                }
            }) }
            if let Some(c) = cursor {
                <line class="cursor-line" x1={format!("{:.1}", g.xs.get(c).copied().unwrap_or(LEFT))} x2={format!("{:.1}", g.xs.get(c).copied().unwrap_or(LEFT))}
                      y1={TOP.to_string()} y2={(TOP + PLOT_H).to_string()} />
            }
        </g>
    }
}
