//! The GC view's charts as data: for each chart its axes (ranges and
//! ticks) and its series, at most one point per pixel column (the
//! column's largest value, so no spike is lost), base and new on shared
//! axes. The page draws them as SVG and looks hover values up here.

use serde::{Deserialize, Serialize};

use heaplens_text::gctrace::Gc;

use super::{percentile, report, run_seconds, Unit};

/// Which log a series comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Side {
    Base,
    New,
}

/// How a series is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Mark {
    Line,
    Points,
    /// A horizontal rule at `points[0].1` (a percentile).
    Rule,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Series {
    /// The legend's words: `live heap`, `p99`.
    pub name: String,
    pub side: Side,
    pub mark: Mark,
    /// Colour slot (0, 1, 2) within the chart; the side picks the shade.
    pub slot: u8,
    /// (seconds since start, value), by time.
    pub points: Vec<(f64, f64)>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Chart {
    /// Stable id (`heap`, `pause`, `cpu`, `rate`) for the page and tests.
    pub id: String,
    pub title: String,
    pub unit: Unit,
    pub x_max: f64,
    pub y_max: f64,
    pub x_ticks: Vec<(f64, String)>,
    pub y_ticks: Vec<(f64, String)>,
    pub series: Vec<Series>,
}

impl Chart {
    /// The values of every series at time `x` (the point nearest it), for
    /// the hover line: (series name, side, value text).
    pub fn values_at(&self, x: f64) -> Vec<(String, Side, String)> {
        self.series
            .iter()
            .filter_map(|s| {
                let p = match s.mark {
                    Mark::Rule => s.points.first(),
                    _ => nearest(&s.points, x),
                }?;
                Some((s.name.clone(), s.side, report::value(p.1, self.unit)))
            })
            .collect()
    }
}

fn nearest(points: &[(f64, f64)], x: f64) -> Option<&(f64, f64)> {
    let i = points.partition_point(|p| p.0 < x);
    match (i.checked_sub(1).and_then(|j| points.get(j)), points.get(i)) {
        (Some(a), Some(b)) => Some(if x - a.0 <= b.0 - x { a } else { b }),
        (a, b) => a.or(b),
    }
}

/// The window of the GCs-per-second series: a thirtieth of the run, at
/// least 100 ms.
pub fn rate_window(run: f64) -> f64 {
    (run / 30.0).max(0.1)
}

/// The charts of `new` (and `base`) at `columns` pixel columns.
pub fn charts(base: Option<&[Gc]>, new: &[Gc], columns: usize) -> Vec<Chart> {
    let logs: Vec<(Side, &[Gc])> = base
        .map(|b| (Side::Base, b))
        .into_iter()
        .chain([(Side::New, new)])
        .collect();
    let x_max = logs
        .iter()
        .map(|(_, g)| run_seconds(g))
        .fold(0.0, f64::max)
        .max(1e-3);
    let window = rate_window(x_max);
    let cols = columns.max(1);
    let mut heap = vec![];
    let mut pause = vec![];
    let mut cpu = vec![];
    let mut rate = vec![];
    for (side, gcs) in &logs {
        let at: Vec<f64> = gcs.iter().map(|g| g.at_s).collect();
        let series = |name: &str, mark: Mark, slot: u8, ys: Vec<f64>| Series {
            name: name.to_string(),
            side: *side,
            mark,
            slot,
            points: downsample(&at, &ys, x_max, cols),
        };
        let mib = |f: fn(&Gc) -> u64| gcs.iter().map(|g| f(g) as f64).collect();
        heap.push(series(
            "heap at start",
            Mark::Line,
            0,
            mib(|g| g.heap_start),
        ));
        heap.push(series(
            "live heap after",
            Mark::Line,
            1,
            mib(|g| g.heap_live),
        ));
        heap.push(series("heap goal", Mark::Line, 2, mib(|g| g.goal)));
        let p = super::pauses(gcs);
        let rule = |name: &str, slot: u8, v: f64| Series {
            name: name.to_string(),
            side: *side,
            mark: Mark::Rule,
            slot,
            points: vec![(0.0, v)],
        };
        pause.push(rule("p50", 1, percentile(&p, 50.0)));
        pause.push(rule("p99", 2, percentile(&p, 99.0)));
        pause.push(series("STW pause", Mark::Points, 0, p));
        cpu.push(series(
            "GC CPU",
            Mark::Line,
            0,
            gcs.iter().map(|g| g.cpu_percent).collect(),
        ));
        rate.push(series(
            "GCs per second",
            Mark::Line,
            0,
            moving_rate(&at, window),
        ));
    }
    let rate_title = format!(
        "GCs per second ({} window)",
        report::value(window * 1000.0, Unit::Ms)
    );
    vec![
        chart(
            "heap",
            "Heap: at GC start, live after GC, goal",
            Unit::Bytes,
            x_max,
            heap,
        ),
        chart(
            "pause",
            "Stop-the-world pause per GC",
            Unit::Ms,
            x_max,
            pause,
        ),
        chart(
            "cpu",
            "GC CPU (share since start)",
            Unit::Percent,
            x_max,
            cpu,
        ),
        chart("rate", &rate_title, Unit::PerSecond, x_max, rate),
    ]
}

fn chart(id: &str, title: &str, unit: Unit, x_max: f64, series: Vec<Series>) -> Chart {
    let top = series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.1))
        .fold(0.0, f64::max);
    let (y_max, y_ticks) = ticks(top, unit);
    let (x_max, x_ticks) = ticks(x_max, Unit::Seconds);
    Chart {
        id: id.into(),
        title: title.into(),
        unit,
        x_max,
        y_max,
        x_ticks,
        y_ticks,
        series,
    }
}

/// A nice axis from 0 to at least `max`: its end and about five ticks.
pub fn ticks(max: f64, unit: Unit) -> (f64, Vec<(f64, String)>) {
    let max = if max > 0.0 && max.is_finite() {
        max
    } else {
        1.0
    };
    let base = if unit == Unit::Bytes {
        (1u64 << 20) as f64
    } else {
        1.0
    };
    let raw = max / base / 5.0;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag)
        * base;
    // A run of 10.002 s ends at the 10 s tick, not a tick later.
    let n = (max / step - 0.01).ceil().max(1.0) as usize;
    let ticks = (0..=n)
        .map(|i| {
            let v = step * i as f64;
            (v, report::value(v, unit))
        })
        .collect();
    (step * n as f64, ticks)
}

/// At most one point per column of `cols` over `0..x_max`: the column's
/// largest value, at its own time.
pub fn downsample(xs: &[f64], ys: &[f64], x_max: f64, cols: usize) -> Vec<(f64, f64)> {
    let mut out: Vec<(f64, f64)> = Vec::with_capacity(xs.len().min(cols));
    let mut last_col = usize::MAX;
    for (&x, &y) in xs.iter().zip(ys) {
        let col = ((x / x_max) * cols as f64).floor().max(0.0) as usize;
        match out.last_mut() {
            Some(p) if col == last_col => {
                if y > p.1 {
                    *p = (x, y);
                }
            }
            _ => out.push((x, y)),
        }
        last_col = col;
    }
    out
}

/// GCs per second at each GC: the GCs that started in the `window`
/// seconds up to it (or since the start, early on), over that time.
pub fn moving_rate(at: &[f64], window: f64) -> Vec<f64> {
    let mut from = 0;
    at.iter()
        .enumerate()
        .map(|(i, &t)| {
            while at[from] < t - window {
                from += 1;
            }
            let span = window.min(t).max(1e-9);
            (i + 1 - from) as f64 / span
        })
        .collect()
}
