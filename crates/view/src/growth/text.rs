//! `heaplens growth`'s report: the suspects ranked, as text for people or
//! as TSV rows (`name`, first→last change, slope, steadiness, first value,
//! last value, R² of the fit; raw units, no header) for scripts.

use std::fmt::Write;

use heaplens_profile::units;

use super::fit::suspects;
use super::{has_times, Series};

/// A span of time in words: `45s`, `12m30s`, `3h05m`, `2d04h`.
pub fn span(nanos: i64) -> String {
    let s = (nanos / 1_000_000_000).max(0);
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m{:02}s", s / 60, s % 60),
        3600..86400 => format!("{}h{:02}m", s / 3600, (s % 3600) / 60),
        _ => format!("{}d{:02}h", s / 86400, (s % 86400) / 3600),
    }
}

/// The report of sample type `ty` (flat values, or cum), as text.
pub fn report(series: &Series, ty: usize, cum: bool) -> String {
    let mut out = String::new();
    let Some(ts) = series.types.get(ty) else {
        return out;
    };
    let n = series.snapshots.len();
    let (first, last) = (series.snapshots.first(), series.snapshots.last());
    let _ = write!(out, "Growth of {} over {n} snapshots", ts.name);
    match (first, last) {
        (Some(a), Some(b)) if series.by_time => {
            let _ = writeln!(
                out,
                ", {} to {} ({})",
                units::format_time(a.time_nanos),
                units::format_time(b.time_nanos),
                span(b.time_nanos - a.time_nanos)
            );
        }
        _ => {
            let times: Vec<i64> = series.snapshots.iter().map(|s| s.time_nanos).collect();
            let why = if has_times(&times) {
                ""
            } else {
                " (no distinct times to order them by)"
            };
            let _ = writeln!(out, ", in the order given{why}");
        }
    }
    let (t0, t1) = (
        ts.totals.first().copied().unwrap_or(0),
        ts.totals.last().copied().unwrap_or(0),
    );
    let _ = writeln!(
        out,
        "Total: {} → {} ({})",
        units::label(t0, &ts.unit),
        units::label(t1, &ts.unit),
        signed(t1.wrapping_sub(t0), &ts.unit)
    );
    let all = series.functions.len();
    let s = suspects(series, ty, cum);
    let per = if series.by_time { "h" } else { "snapshot" };
    let _ = writeln!(
        out,
        "Growth suspects by {} value: {} of {all} functions end higher, with a positive slope, growing in more than half of the steps",
        if cum { "cum" } else { "flat" },
        s.len()
    );
    if s.is_empty() {
        return out;
    }
    let _ = writeln!(
        out,
        "{:>10} {:>12} {:>6} {:>10} {:>10}  function",
        "change",
        format!("slope/{per}"),
        "steady",
        "first",
        "last"
    );
    for g in &s {
        let _ = writeln!(
            out,
            "{:>10} {:>12} {:>6.2} {:>10} {:>10}  {}",
            signed(g.change, &ts.unit),
            signed(g.slope.round() as i64, &ts.unit),
            g.steadiness,
            units::label(g.first, &ts.unit),
            units::label(g.last, &ts.unit),
            g.name
        );
    }
    out
}

fn signed(v: i64, unit: &str) -> String {
    let l = units::label(v, unit);
    if v > 0 {
        format!("+{l}")
    } else {
        l
    }
}

/// The suspects as TSV rows: name, change, slope (rounded), steadiness,
/// first, last, R².
pub fn tsv(series: &Series, ty: usize, cum: bool) -> String {
    let mut out = String::new();
    for g in suspects(series, ty, cum) {
        let _ = writeln!(
            out,
            "{}\t{}\t{}\t{:.4}\t{}\t{}\t{:.4}",
            g.name,
            g.change,
            g.slope.round() as i64,
            g.steadiness,
            g.first,
            g.last,
            g.fit
        );
    }
    out
}
