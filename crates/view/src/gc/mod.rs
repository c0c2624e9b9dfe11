//! GC impact from `GODEBUG=gctrace=1` logs: the figures of one log
//! ([`summary`]), two logs compared ([`compare`]), their text and TSV
//! ([`report`]), the charts' geometry ([`chart`]) and the compact series a
//! share link carries ([`series`]). The page and `heaplens gctrace` / `gate`
//! share all of it.
//!
//! Pause: a GC's stop-the-world time, the sum of its two STW wall-clock
//! phases (sweep termination and mark termination). Percentiles are
//! nearest-rank (the smallest value with at least p % of the values at or
//! below it), so p99 of 50 pauses is the largest.

pub mod chart;
pub mod report;
pub mod series;

use serde::{Deserialize, Serialize};

use heaplens_text::gctrace::Gc;
pub use heaplens_text::gctrace::{parse, GcError, GcLog, Process};

use crate::benchfmt::mann_whitney_p;

/// The unit of a figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Unit {
    Count,
    PerSecond,
    Seconds,
    Ms,
    /// Percent of the CPU; limits on it are in percentage points.
    Percent,
    Bytes,
}

/// One figure of a log's summary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Figure {
    /// Stable snake_case name (`pause_p99_ms`), the TSV's `metric`.
    pub key: String,
    /// Words for people (`STW pause p99`).
    pub label: String,
    pub unit: Unit,
    pub value: f64,
}

/// The figures, in the order they are shown: (key, label, unit, gate name).
pub const FIGURES: &[(&str, &str, Unit, &str)] = &[
    ("run_seconds", "run length", Unit::Seconds, "gc_run"),
    ("gc_count", "GCs", Unit::Count, "gc_count"),
    ("forced_gc_count", "forced GCs", Unit::Count, "gc_forced"),
    (
        "gcs_per_second",
        "GCs per second",
        Unit::PerSecond,
        "gc_rate",
    ),
    (
        "gc_interval_mean_ms",
        "mean GC interval",
        Unit::Ms,
        "gc_interval_mean",
    ),
    (
        "pause_total_ms",
        "STW pause total",
        Unit::Ms,
        "gc_pause_total",
    ),
    ("pause_mean_ms", "STW pause mean", Unit::Ms, "gc_pause_mean"),
    ("pause_p50_ms", "STW pause p50", Unit::Ms, "gc_pause_p50"),
    ("pause_p99_ms", "STW pause p99", Unit::Ms, "gc_pause_p99"),
    ("pause_max_ms", "STW pause max", Unit::Ms, "gc_pause_max"),
    ("gc_cpu_percent", "GC CPU (final)", Unit::Percent, "gc_cpu"),
    (
        "heap_live_peak_bytes",
        "live heap peak",
        Unit::Bytes,
        "gc_heap_live_peak",
    ),
    (
        "heap_live_mean_bytes",
        "live heap mean",
        Unit::Bytes,
        "gc_heap_live_mean",
    ),
    (
        "heap_goal_peak_bytes",
        "heap goal peak",
        Unit::Bytes,
        "gc_heap_goal_peak",
    ),
];

/// The figure a gate limit or a `metric` name means: a gate name
/// (`gc_pause_p99`) or a TSV key (`pause_p99_ms`).
pub fn figure_index(name: &str) -> Option<usize> {
    FIGURES
        .iter()
        .position(|(key, _, _, gate)| *key == name || *gate == name)
}

/// A log's run: the first GC is the run's start (time 0 is the program's
/// start), its end is the last GC's end.
pub fn run_seconds(gcs: &[Gc]) -> f64 {
    gcs.last()
        .map_or(0.0, |g| g.at_s + g.clock_ms.iter().sum::<f64>() / 1000.0)
}

/// The pauses (ms), in GC order.
pub fn pauses(gcs: &[Gc]) -> Vec<f64> {
    gcs.iter().map(Gc::pause_ms).collect()
}

/// Time between the starts of consecutive GCs (ms).
pub fn intervals(gcs: &[Gc]) -> Vec<f64> {
    gcs.windows(2)
        .map(|w| (w[1].at_s - w[0].at_s) * 1000.0)
        .collect()
}

/// Nearest-rank percentile `p` (0–100) of `xs`; 0 when empty.
pub fn percentile(xs: &[f64], p: f64) -> f64 {
    if xs.is_empty() {
        return 0.0;
    }
    let mut v = xs.to_vec();
    v.sort_by(f64::total_cmp);
    let rank = ((p / 100.0) * v.len() as f64).ceil() as usize;
    v[rank.clamp(1, v.len()) - 1]
}

fn mean(xs: &[f64]) -> f64 {
    if xs.is_empty() {
        0.0
    } else {
        xs.iter().sum::<f64>() / xs.len() as f64
    }
}

/// Every figure of [`FIGURES`] for `gcs`.
pub fn summary(gcs: &[Gc]) -> Vec<Figure> {
    let p = pauses(gcs);
    let run = run_seconds(gcs);
    let live: Vec<f64> = gcs.iter().map(|g| g.heap_live as f64).collect();
    let value = |key: &str| -> f64 {
        match key {
            "run_seconds" => run,
            "gc_count" => gcs.len() as f64,
            "forced_gc_count" => gcs.iter().filter(|g| g.forced).count() as f64,
            "gcs_per_second" if run > 0.0 => gcs.len() as f64 / run,
            "gc_interval_mean_ms" => mean(&intervals(gcs)),
            "pause_total_ms" => p.iter().sum(),
            "pause_mean_ms" => mean(&p),
            "pause_p50_ms" => percentile(&p, 50.0),
            "pause_p99_ms" => percentile(&p, 99.0),
            "pause_max_ms" => p.iter().copied().fold(0.0, f64::max),
            "gc_cpu_percent" => gcs.last().map_or(0.0, |g| g.cpu_percent),
            "heap_live_peak_bytes" => live.iter().copied().fold(0.0, f64::max),
            "heap_live_mean_bytes" => mean(&live),
            "heap_goal_peak_bytes" => gcs.iter().map(|g| g.goal).max().unwrap_or(0) as f64,
            _ => 0.0,
        }
    };
    FIGURES
        .iter()
        .map(|(key, label, unit, _)| Figure {
            key: key.to_string(),
            label: label.to_string(),
            unit: *unit,
            value: value(key),
        })
        .collect()
}

/// One figure of two logs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    pub key: String,
    pub label: String,
    pub unit: Unit,
    pub base: f64,
    pub new: f64,
    /// The Mann–Whitney p-value behind the figure, for the pause figures
    /// (per-GC pauses) and the rate figures (GC intervals); `None` for the
    /// others, which are one number per run.
    pub p: Option<f64>,
}

impl Change {
    /// The change in percent of the base (`None` when the base is 0).
    pub fn percent(&self) -> Option<f64> {
        (self.base != 0.0).then(|| (self.new - self.base) / self.base.abs() * 100.0)
    }

    /// Whether a larger value is better (the time between GCs); for every
    /// other figure smaller is better or neither.
    pub fn larger_is_better(&self) -> bool {
        self.key == "gc_interval_mean_ms"
    }

    /// Whether the test behind it rejects "no difference" at α = 0.05.
    pub fn significant(&self) -> bool {
        self.p.is_some_and(|p| p < 0.05)
    }
}

/// Base against new, figure by figure, with the tests on the per-GC
/// pauses and on the intervals between GCs.
pub fn compare(base: &[Gc], new: &[Gc]) -> Vec<Change> {
    let pause_p = mann_whitney_p(&pauses(base), &pauses(new));
    let interval_p = mann_whitney_p(&intervals(base), &intervals(new));
    summary(base)
        .into_iter()
        .zip(summary(new))
        .map(|(b, n)| {
            let p = if b.key.starts_with("pause_") && b.key != "pause_total_ms" {
                pause_p
            } else if b.key == "gcs_per_second" || b.key == "gc_interval_mean_ms" {
                interval_p
            } else {
                None
            };
            Change {
                key: b.key,
                label: b.label,
                unit: b.unit,
                base: b.value,
                new: n.value,
                p,
            }
        })
        .collect()
}

/// The process of `log` to show: the one named `want`, else the only one,
/// else an error listing them.
pub fn pick<'a>(log: &'a GcLog, want: Option<&str>) -> Result<&'a Process, String> {
    let names = || {
        log.processes
            .iter()
            .map(|p| format!("{:?} ({} GCs)", p.name, p.gcs.len()))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match (want, log.processes.as_slice()) {
        (Some(w), ps) => ps
            .iter()
            .find(|p| p.name == w || p.name.trim_end_matches(" |") == w)
            .ok_or_else(|| format!("no process {w:?} in the log (it has {})", names())),
        (None, [one]) => Ok(one),
        (None, _) => Err(format!(
            "the log holds {} processes: {}; choose one with --process NAME",
            log.processes.len(),
            names()
        )),
    }
}

#[cfg(test)]
mod tests;

/// The outcome of one GC limit (`gc_pause_p99:+10%`, `gc_cpu:+1`).
#[derive(Debug, Clone, PartialEq)]
pub struct GcCheck {
    pub limit: String,
    pub change: Change,
    /// The most the figure may grow by, in its unit.
    pub allowed: f64,
    pub pass: bool,
}

impl GcCheck {
    /// `FAIL gc_pause_p99:+10%  0.41 ms → 0.52 ms (+27%)`.
    pub fn line(&self) -> String {
        format!(
            "{} {}  {} → {} ({})",
            if self.pass { "ok  " } else { "FAIL" },
            self.limit,
            report::value(self.change.base, self.change.unit),
            report::value(self.change.new, self.change.unit),
            report::change(&self.change)
        )
    }
}

/// Checks GC limits: `FIGURE:+P%` (growth in percent of the base) or
/// `FIGURE:+N` (growth in the figure's unit: ms, percentage points of CPU,
/// GCs, GCs/s, or a size such as `+1MB` for heap figures). FIGURE is a gate
/// name of [`FIGURES`] (`gc_pause_p99`) or a TSV key (`pause_p99_ms`).
pub fn gate(
    base: &[Gc],
    new: &[Gc],
    limits: &[crate::gate::Limit],
) -> Result<Vec<GcCheck>, String> {
    let rows = compare(base, new);
    limits
        .iter()
        .map(|l| {
            if l.func.is_some() {
                return Err(format!(
                    "--max {:?}: a gctrace log has no functions",
                    l.text
                ));
            }
            let i = figure_index(&l.sample_type).ok_or_else(|| {
                let names: Vec<&str> = FIGURES.iter().map(|f| f.3).collect();
                format!(
                    "--max {:?}: no GC figure {:?} (figures: {})",
                    l.text,
                    l.sample_type,
                    names.join(", ")
                )
            })?;
            let change = rows[i].clone();
            let allowed = match &l.amount {
                crate::gate::Amount::Percent(p) => change.base.abs() * p / 100.0,
                crate::gate::Amount::Absolute(t) => amount(t, change.unit)
                    .ok_or_else(|| format!("--max {:?}: {t:?} is not an amount", l.text))?,
            };
            let pass = change.new - change.base <= allowed + 1e-9;
            Ok(GcCheck {
                limit: l.text.clone(),
                change,
                allowed,
                pass,
            })
        })
        .collect()
}

/// `+1`, `0.5`, `-2` in the figure's unit; times with their unit for ms
/// figures (`+200us`, `+1ms`, `+0.01s`); sizes for byte figures (`+1MB`);
/// `pt` may follow a CPU figure's points.
fn amount(text: &str, unit: Unit) -> Option<f64> {
    let t = text.trim();
    if unit == Unit::Bytes {
        return heaplens_profile::units::parse_quantity(t, "bytes").map(|v| v as f64);
    }
    let split = t
        .char_indices()
        .find(|&(i, c)| !(c.is_ascii_digit() || c == '.' || ((c == '+' || c == '-') && i == 0)))
        .map_or(t.len(), |(i, _)| i);
    let (num, suffix) = t.split_at(split);
    let v: f64 = num.parse().ok().filter(|v: &f64| v.is_finite())?;
    let factor = match (unit, suffix.trim()) {
        (_, "") => 1.0,
        (Unit::Ms, "ms") | (Unit::Percent, "pt") | (Unit::Seconds, "s") => 1.0,
        (Unit::Ms, "s") => 1000.0,
        (Unit::Ms, "us" | "µs") => 0.001,
        _ => return None,
    };
    Some(v * factor)
}
