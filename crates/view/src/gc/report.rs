//! `heaplens gctrace` output, and the words the page shows: one log's
//! figures, or two logs' figures with the change and its significance.

use std::fmt::Write;

use super::{Change, Figure, Unit};

/// A figure for people: `0.41 ms`, `12.5 MiB`, `3%`, `412`.
pub fn value(v: f64, unit: Unit) -> String {
    match unit {
        Unit::Count => format!("{v:.0}"),
        Unit::PerSecond => format!("{}/s", sig(v)),
        Unit::Seconds => format!("{} s", sig(v)),
        Unit::Ms => format!("{} ms", sig(v)),
        Unit::Percent => format!("{v:.0}%"),
        Unit::Bytes => format!("{} MiB", sig(v / (1u64 << 20) as f64)),
    }
}

/// Three significant figures, at most three decimals.
fn sig(v: f64) -> String {
    // Decided on the value as it will print: 9.996 is `10.0`, not `10.00`.
    let a = v.abs();
    let a = if a >= 0.9995 {
        (a * 100.0).round() / 100.0
    } else {
        a
    };
    if a >= 100.0 || a == 0.0 {
        format!("{v:.0}")
    } else if a >= 10.0 {
        format!("{v:.1}")
    } else if a >= 1.0 {
        format!("{v:.2}")
    } else {
        format!("{v:.3}")
    }
}

/// A raw figure for TSV: integers for counts and bytes, else up to six
/// decimals without trailing zeros.
pub fn raw(v: f64, unit: Unit) -> String {
    match unit {
        Unit::Count | Unit::Bytes => format!("{v:.0}"),
        _ => {
            let s = format!("{v:.6}");
            let s = s.trim_end_matches('0').trim_end_matches('.');
            if s == "-0" {
                "0".into()
            } else {
                s.into()
            }
        }
    }
}

/// The change of a figure: `-46%`, or `+1 pt` for CPU percent, `n/a` for
/// a zero base.
pub fn change(c: &Change) -> String {
    if c.unit == Unit::Percent {
        return format!("{:+.0} pt", c.new - c.base);
    }
    c.percent()
        .map_or_else(|| "n/a".into(), |p| format!("{p:+.0}%"))
}

/// `significant`, `not significant (p=0.41)`, or empty without a test.
pub fn verdict(c: &Change) -> String {
    match c.p {
        Some(p) if p < 0.001 => "significant (p<0.001)".into(),
        Some(p) if p < 0.05 => format!("significant (p={p:.3})"),
        Some(p) => format!("not significant (p={p:.2})"),
        None => String::new(),
    }
}

/// One sentence per figure that has a test: `STW pause p99 0.41 ms →
/// 0.22 ms (-46%), significant`.
pub fn sentence(c: &Change) -> String {
    let mut s = format!(
        "{} {} → {} ({})",
        c.label,
        value(c.base, c.unit),
        value(c.new, c.unit),
        change(c)
    );
    match c.p {
        Some(p) if p < 0.05 => s.push_str(", significant"),
        Some(_) => s.push_str(", not significant"),
        None => {}
    }
    s
}

/// The header line of a log: `new.log: 412 GCs over 3.02 s (process "api-1 |")`.
pub fn heading(name: &str, process: &str, figures: &[Figure]) -> String {
    let get = |k: &str| figures.iter().find(|f| f.key == k).map_or(0.0, |f| f.value);
    let mut s = format!(
        "{name}: {} over {}",
        heaplens_text::count(get("gc_count") as u64, "GC", "GCs"),
        value(get("run_seconds"), Unit::Seconds)
    );
    if !process.is_empty() {
        let _ = write!(s, " (process {process:?})");
    }
    s
}

/// One log's figures as aligned text.
pub fn text(heading: &str, figures: &[Figure]) -> String {
    let mut out = format!("{heading}\n");
    for f in figures {
        let _ = writeln!(out, "  {:<20} {:>12}", f.label, value(f.value, f.unit));
    }
    out
}

/// Two logs' figures as aligned text, then the tested changes as
/// sentences.
pub fn compare_text(headings: (&str, &str), rows: &[Change]) -> String {
    let mut out = format!("base {}\nnew  {}\n\n", headings.0, headings.1);
    let _ = writeln!(
        out,
        "  {:<20} {:>12} {:>12} {:>8}  test",
        "figure", "base", "new", "change"
    );
    for c in rows {
        let line = format!(
            "  {:<20} {:>12} {:>12} {:>8}  {}",
            c.label,
            value(c.base, c.unit),
            value(c.new, c.unit),
            change(c),
            verdict(c)
        );
        let _ = writeln!(out, "{}", line.trim_end());
    }
    out.push('\n');
    for c in rows.iter().filter(|c| c.p.is_some()) {
        let _ = writeln!(out, "{}", sentence(c));
    }
    out
}

/// `metric<TAB>value` rows.
pub fn tsv(figures: &[Figure]) -> String {
    figures
        .iter()
        .map(|f| format!("{}\t{}\n", f.key, raw(f.value, f.unit)))
        .collect()
}

/// `metric<TAB>base<TAB>new<TAB>change%` rows (`n/a` for a zero base;
/// for `gc_cpu_percent` the change is in percent of the base like the
/// others).
pub fn compare_tsv(rows: &[Change]) -> String {
    rows.iter()
        .map(|c| {
            let pct = c
                .percent()
                .map_or_else(|| "n/a".into(), |p| raw(p, Unit::Ms));
            format!(
                "{}\t{}\t{}\t{pct}\n",
                c.key,
                raw(c.base, c.unit),
                raw(c.new, c.unit)
            )
        })
        .collect()
}
