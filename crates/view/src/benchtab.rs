//! The table of one or two `go test -bench` outputs ([`crate::benchfmt`]),
//! laid out as benchstat lays it out: per unit, each benchmark's mean ± its
//! variation for every output, the change and its p-value between two, a
//! geomean row, and a hint to run more than once when a benchmark ran once.
//! Rendered as text (the CLI) or TSV (raw numbers, for scripts and exports).
//!
//! Names are shown as benchstat shows them, without the `Benchmark` prefix,
//! and without the `-N` GOMAXPROCS suffix when every benchmark of an output
//! has the same one (`BenchmarkX/size=10-8` → `X/size=10`); outputs are
//! matched by these names.

use std::fmt::Write as _;

use crate::benchfmt::{mann_whitney_p, mean_and_variation, BenchSet};

/// Mean, variation (largest deviation from the mean, as a fraction of it)
/// and number of runs.
pub type Stat = (f64, f64, usize);

/// One benchmark and unit: its values in the base and in the new output
/// (only `new` for a single output).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Comparison {
    pub name: String,
    pub unit: String,
    /// `None` for a single output.
    pub base: Option<Stat>,
    pub new: Stat,
    /// Change of the means in percent (`None` when the base mean is 0 or
    /// there is no base).
    pub delta_pct: Option<f64>,
    /// Mann–Whitney p-value; `None` with a single run on either side.
    pub p: Option<f64>,
}

impl Comparison {
    pub fn significant(&self) -> bool {
        self.p.is_some_and(|p| p < 0.05)
    }

    /// Whether a side ran this benchmark once.
    pub fn single_run(&self) -> bool {
        self.new.2 == 1 || self.base.is_some_and(|b| b.2 == 1)
    }
}

/// The geometric mean of a unit's means, per output.
#[derive(Debug, Clone, PartialEq)]
pub struct Geomean {
    pub unit: String,
    pub base: Option<f64>,
    pub new: f64,
    pub delta_pct: Option<f64>,
}

/// A benchmark's name as shown: without `Benchmark`, and without the `-N`
/// suffix when `strip` (every name of its output has the same one).
fn shown_name(name: &str, strip: Option<&str>) -> String {
    let name = name.strip_prefix("Benchmark").unwrap_or(name);
    match strip {
        Some(suffix) => name.strip_suffix(suffix).unwrap_or(name).to_string(),
        None => name.to_string(),
    }
}

/// The `-N` suffix of a name, if it has one.
fn procs_suffix(name: &str) -> Option<&str> {
    let i = name.rfind('-')?;
    let digits = &name[i + 1..];
    (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())).then_some(&name[i..])
}

/// Each benchmark's shown name with its name in `set`, in `set`'s order.
fn names(set: &BenchSet) -> Vec<(String, String)> {
    let first = set.names.first().and_then(|n| procs_suffix(n));
    let same = first.filter(|s| set.names.iter().all(|n| procs_suffix(n) == Some(s)));
    set.names
        .iter()
        .map(|n| (shown_name(n, same), n.clone()))
        .collect()
}

/// Every unit of `sets`, in the order first seen.
fn units<'a>(sets: &[&'a BenchSet]) -> Vec<&'a String> {
    let mut out: Vec<&String> = Vec::new();
    for u in sets.iter().flat_map(|s| s.units.iter()) {
        if !out.contains(&u) {
            out.push(u);
        }
    }
    out
}

/// Compares every (benchmark, unit) present in both sets.
pub fn compare(base: &BenchSet, new: &BenchSet) -> Vec<Comparison> {
    let new_names = names(new);
    let mut out = Vec::new();
    for unit in units(&[base, new]) {
        for (shown, raw) in names(base) {
            let Some(raw_new) = new_names.iter().find(|n| n.0 == shown).map(|n| &n.1) else {
                continue;
            };
            let (Some(b), Some(n)) = (
                base.values.get(&(raw, unit.clone())),
                new.values.get(&(raw_new.clone(), unit.clone())),
            ) else {
                continue;
            };
            let (bm, bv) = mean_and_variation(b);
            let (nm, nv) = mean_and_variation(n);
            let p = if b.len() >= 2 && n.len() >= 2 {
                mann_whitney_p(b, n)
            } else {
                None
            };
            out.push(Comparison {
                name: shown,
                unit: unit.clone(),
                base: Some((bm, bv, b.len())),
                new: (nm, nv, n.len()),
                delta_pct: (bm != 0.0).then(|| (nm - bm) / bm * 100.0),
                p,
            });
        }
    }
    out
}

/// The values of a single output, as rows without a base.
pub fn single(set: &BenchSet) -> Vec<Comparison> {
    let mut out = Vec::new();
    for unit in units(&[set]) {
        for (shown, raw) in names(set) {
            let Some(v) = set.values.get(&(raw, unit.clone())) else {
                continue;
            };
            let (m, var) = mean_and_variation(v);
            out.push(Comparison {
                name: shown,
                unit: unit.clone(),
                base: None,
                new: (m, var, v.len()),
                delta_pct: None,
                p: None,
            });
        }
    }
    out
}

/// The geomean row of each unit with at least two benchmarks, as benchstat
/// prints it (left out when a mean is not positive).
pub fn geomeans(rows: &[Comparison]) -> Vec<Geomean> {
    let mut out = Vec::new();
    let mut units: Vec<&str> = Vec::new();
    for r in rows {
        if !units.contains(&r.unit.as_str()) {
            units.push(&r.unit);
        }
    }
    for unit in units {
        let of: Vec<&Comparison> = rows.iter().filter(|r| r.unit == unit).collect();
        let positive = |m: f64| m > 0.0 && m.is_finite();
        if of.len() < 2
            || !of
                .iter()
                .all(|r| positive(r.new.0) && r.base.is_none_or(|b| positive(b.0)))
        {
            continue;
        }
        let geo = |xs: &mut dyn Iterator<Item = f64>| {
            let (sum, n) = xs.fold((0.0, 0usize), |(s, n), x| (s + x.ln(), n + 1));
            (sum / n as f64).exp()
        };
        let new = geo(&mut of.iter().map(|r| r.new.0));
        let base = of
            .iter()
            .map(|r| r.base.map(|b| b.0))
            .collect::<Option<Vec<f64>>>()
            .map(|b| geo(&mut b.into_iter()));
        out.push(Geomean {
            unit: unit.to_string(),
            base,
            new,
            delta_pct: base.map(|b| (new / b - 1.0) * 100.0),
        });
    }
    out
}

/// What to say when a side ran a benchmark once: no spread and no
/// significance without more runs.
pub fn count_hint(rows: &[Comparison]) -> Option<String> {
    let once: Vec<&str> = rows
        .iter()
        .filter(|r| r.single_run())
        .map(|r| r.name.as_str())
        .fold(Vec::new(), |mut v, n| {
            if !v.contains(&n) {
                v.push(n);
            }
            v
        });
    let first = once.first()?;
    let which = match once.len() {
        1 => format!("{first} ran once"),
        n => format!("{n} benchmarks ran once ({first}, ...)"),
    };
    Some(format!(
        "{which}: run `go test -bench` with -count=10 for the spread of the runs and whether a change is significant"
    ))
}

/// How benchstat shows a unit: `ns/op` as `sec/op`, `MB/s` as `B/s`; and
/// the factor its values are multiplied by, and whether they are scaled by
/// 1024s.
fn display_unit(unit: &str) -> (&str, f64, bool) {
    match unit {
        "ns/op" => ("sec/op", 1e-9, false),
        "MB/s" => ("B/s", 1e6, true),
        u if u.starts_with("B/") => (u, 1.0, true),
        u => (u, 1.0, false),
    }
}

/// A value in four significant digits with an SI (or binary) prefix, as
/// benchstat prints them: `233.5µ`, `104.6Ki`, `2.100k`.
pub fn scaled(v: f64, unit: &str) -> String {
    let (_, factor, binary) = display_unit(unit);
    let x = v * factor;
    let a = x.abs();
    let (div, prefix) = if binary {
        [
            (1u64 << 40, "Ti"),
            (1 << 30, "Gi"),
            (1 << 20, "Mi"),
            (1 << 10, "Ki"),
        ]
        .into_iter()
        .map(|(d, p)| (d as f64, p))
        .find(|&(d, _)| a >= d)
        .unwrap_or((1.0, ""))
    } else {
        [
            (1e12, "T"),
            (1e9, "G"),
            (1e6, "M"),
            (1e3, "k"),
            (1.0, ""),
            (1e-3, "m"),
            (1e-6, "µ"),
            (1e-9, "n"),
        ]
        .into_iter()
        .find(|&(d, _)| a >= d)
        .unwrap_or((
            if a == 0.0 { 1.0 } else { 1e-9 },
            if a == 0.0 { "" } else { "n" },
        ))
    };
    let m = x / div;
    let digits = match m.abs() {
        m if m >= 100.0 => 1,
        m if m >= 10.0 => 2,
        _ => 3,
    };
    format!("{m:.digits$}{prefix}")
}

/// A cell: `233.5µ ± 1%`, or `233.5µ ± ∞ ¹` for a single run.
fn cell((mean, var, n): Stat, unit: &str) -> String {
    if n >= 2 {
        format!("{} ± {:.0}%", scaled(mean, unit), var * 100.0)
    } else {
        format!("{} ± ∞ ¹", scaled(mean, unit))
    }
}

/// The change column: `-17.20% (p=0.008 n=5)`, `~ (p=0.310 n=5)`.
fn delta(r: &Comparison) -> String {
    let Some(base) = r.base else {
        return String::new();
    };
    let n = if base.2 == r.new.2 {
        format!("n={}", r.new.2)
    } else {
        format!("n={}+{}", base.2, r.new.2)
    };
    match (r.delta_pct, r.p) {
        (Some(d), Some(p)) if p < 0.05 => format!("{d:+.2}% (p={p:.3} {n})"),
        (Some(_), Some(p)) => format!("~ (p={p:.3} {n})"),
        (Some(d), None) => format!("{d:+.2}% ({n}) ¹"),
        (None, _) => format!("? ({n})"),
    }
}

/// `s` centred in `w` characters.
fn centred(s: &str, w: usize) -> String {
    let len = s.chars().count();
    let left = w.saturating_sub(len) / 2;
    let right = w.saturating_sub(len + left);
    format!("{}{s}{}", " ".repeat(left), " ".repeat(right))
}

/// Pads `s` on the right to `w` characters (values line up on the left,
/// as benchstat's do).
fn left(s: &str, w: usize) -> String {
    format!("{s}{}", " ".repeat(w.saturating_sub(s.chars().count())))
}

/// The table as benchstat prints it: the outputs' common configuration
/// lines, then per unit a header naming the outputs (`names`: base and new;
/// the base's is unused for a single output), a row per benchmark, the
/// geomean, and the `-count` hint as a footnote.
pub fn text(rows: &[Comparison], names: (&str, &str), config: &[(String, String)]) -> String {
    let mut s = String::new();
    for (k, v) in config {
        let _ = writeln!(s, "{k}: {v}");
    }
    let geo = geomeans(rows);
    let mut units: Vec<&str> = Vec::new();
    for r in rows {
        if !units.contains(&r.unit.as_str()) {
            units.push(&r.unit);
        }
    }
    for (i, unit) in units.into_iter().enumerate() {
        if i > 0 || !config.is_empty() {
            s.push('\n');
        }
        let of: Vec<&Comparison> = rows.iter().filter(|r| r.unit == unit).collect();
        let g = geo.iter().find(|g| g.unit == unit);
        unit_section(&mut s, unit, &of, g, names);
    }
    if let Some(hint) = count_hint(rows) {
        let _ = writeln!(s, "¹ {hint}");
    }
    s
}

/// One unit's header, rows and geomean.
fn unit_section(
    s: &mut String,
    unit: &str,
    rows: &[&Comparison],
    geo: Option<&Geomean>,
    names: (&str, &str),
) {
    let pair = rows.iter().any(|r| r.base.is_some());
    let shown_unit = display_unit(unit).0;
    let base_cells: Vec<String> = rows
        .iter()
        .map(|r| r.base.map(|b| cell(b, unit)).unwrap_or_default())
        .collect();
    let new_cells: Vec<String> = rows.iter().map(|r| cell(r.new, unit)).collect();
    let deltas: Vec<String> = rows.iter().map(|r| delta(r)).collect();
    let geo_new = geo.map(|g| scaled(g.new, unit)).unwrap_or_default();
    let geo_base = geo
        .and_then(|g| g.base)
        .map(|b| scaled(b, unit))
        .unwrap_or_default();
    let geo_delta = geo
        .and_then(|g| g.delta_pct)
        .map(|d| format!("{d:+.2}%"))
        .unwrap_or_default();
    let width = |cells: &[String], head: &str, extra: &str| {
        cells
            .iter()
            .map(|c| c.chars().count())
            .chain([head.chars().count(), extra.chars().count()])
            .max()
            .unwrap_or(0)
    };
    let name_w = rows
        .iter()
        .map(|r| r.name.chars().count())
        .chain(["geomean".len()])
        .max()
        .unwrap_or(0);
    let (base_name, new_name) = names;
    let new_head = if pair {
        new_name
    } else {
        new_name.max(base_name)
    };
    let nw = width(&new_cells, new_head, &geo_new).max(shown_unit.chars().count());
    let pad = " ".repeat(name_w);
    if pair {
        let bw = width(&base_cells, base_name, &geo_base).max(shown_unit.chars().count());
        let dw = width(&deltas, "vs base", &geo_delta);
        let _ = writeln!(
            s,
            "{pad} │ {} │ {} │",
            centred(base_name, bw),
            centred(new_name, nw + 2 + dw)
        );
        let _ = writeln!(
            s,
            "{pad} │ {} │ {}  {} │",
            centred(shown_unit, bw),
            centred(shown_unit, nw),
            centred("vs base", dw)
        );
        for (i, r) in rows.iter().enumerate() {
            let line = format!(
                "{:<name_w$}   {}   {}  {}",
                r.name,
                left(&base_cells[i], bw),
                left(&new_cells[i], nw),
                deltas[i]
            );
            let _ = writeln!(s, "{}", line.trim_end());
        }
        if geo.is_some() {
            let line = format!(
                "{:<name_w$}   {}   {}  {}",
                "geomean",
                left(&geo_base, bw),
                left(&geo_new, nw),
                geo_delta
            );
            let _ = writeln!(s, "{}", line.trim_end());
        }
    } else {
        let _ = writeln!(s, "{pad} │ {} │", centred(new_head, nw));
        let _ = writeln!(s, "{pad} │ {} │", centred(shown_unit, nw));
        for (i, r) in rows.iter().enumerate() {
            let _ = writeln!(s, "{:<name_w$}   {}", r.name, new_cells[i]);
        }
        if geo.is_some() {
            let _ = writeln!(s, "{:<name_w$}   {}", "geomean", geo_new);
        }
    }
}

/// The table as TSV with raw numbers (units as the outputs wrote them), a
/// header line, and each unit's geomean as a row named `geomean`.
pub fn tsv(rows: &[Comparison]) -> String {
    let pair = rows.iter().any(|r| r.base.is_some());
    let mut s = String::from(if pair {
        "unit\tbenchmark\tbase\tbase_variation\tbase_runs\tnew\tnew_variation\tnew_runs\tdelta_pct\tp\n"
    } else {
        "unit\tbenchmark\tmean\tvariation\truns\n"
    });
    let opt = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_default();
    let clean = |t: &str| t.replace(['\t', '\n', '\r'], " ");
    let geo = geomeans(rows);
    for (i, r) in rows.iter().enumerate() {
        let (nm, nv, nn) = r.new;
        let _ = write!(s, "{}\t{}\t", clean(&r.unit), clean(&r.name));
        if pair {
            let (bm, bv, bn) = r.base.unwrap_or((0.0, 0.0, 0));
            let _ = write!(s, "{bm}\t{bv}\t{bn}\t");
        }
        let _ = write!(s, "{nm}\t{nv}\t{nn}");
        if pair {
            let _ = write!(s, "\t{}\t{}", opt(r.delta_pct), opt(r.p));
        }
        s.push('\n');
        let unit_ends = rows.get(i + 1).is_none_or(|n| n.unit != r.unit);
        if let Some(g) = geo.iter().find(|g| unit_ends && g.unit == r.unit) {
            let _ = write!(s, "{}\tgeomean\t", clean(&g.unit));
            if pair {
                let _ = write!(s, "{}\t\t\t", opt(g.base));
            }
            let _ = write!(s, "{}\t\t", g.new);
            if pair {
                let _ = write!(s, "\t{}\t", opt(g.delta_pct));
            }
            s.push('\n');
        }
    }
    s
}

/// The configuration lines (`goos: linux`, ...) every output has alike.
pub fn common_config(sets: &[&BenchSet]) -> Vec<(String, String)> {
    let Some(first) = sets.first() else {
        return Vec::new();
    };
    first
        .config
        .iter()
        .filter(|kv| sets.iter().all(|s| s.config.contains(kv)))
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::benchfmt::parse;

    const BASE: &str = "goos: linux\ncpu: X\n\
        BenchmarkEncode/size=10-8 \t 100\t 100 ns/op\t 64 B/op\n\
        BenchmarkEncode/size=10-8 \t 100\t 110 ns/op\t 64 B/op\n\
        BenchmarkEncode/size=10-8 \t 100\t 90 ns/op\t 64 B/op\n\
        BenchmarkDecode-8 \t 100\t 400 ns/op\t 2048 B/op\n";

    #[test]
    fn names_lose_the_prefix_and_a_common_procs_suffix() {
        let s = parse(BASE).expect("parses");
        let rows = single(&s);
        let names: Vec<&str> = rows.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(
            names,
            ["Encode/size=10", "Decode", "Encode/size=10", "Decode"]
        );
        // Different -cpu values are different benchmarks: kept.
        let s = parse("BenchmarkA-4 1 5 ns/op\nBenchmarkA-8 1 4 ns/op\n").expect("parses");
        let names: Vec<String> = single(&s).into_iter().map(|r| r.name).collect();
        assert_eq!(names, ["A-4", "A-8"]);
        // GOMAXPROCS=1 writes no suffix; a name ending in -x is not one.
        assert_eq!(procs_suffix("BenchmarkA"), None);
        assert_eq!(procs_suffix("BenchmarkA/n=-x"), None);
        assert_eq!(procs_suffix("BenchmarkA/n=3-16"), Some("-16"));
    }

    #[test]
    fn one_output_shows_its_values_and_geomean() {
        let s = parse(BASE).expect("parses");
        let rows = single(&s);
        assert!(rows
            .iter()
            .all(|r| r.base.is_none() && r.delta_pct.is_none()));
        assert_eq!(rows[0].new, (100.0, 0.1, 3));
        let geo = geomeans(&rows);
        assert_eq!(geo.len(), 2);
        assert!((geo[0].new - 200.0).abs() < 1e-9, "{geo:?}");
        assert_eq!(geo[0].base, None);
        let text = text(&rows, ("", "base.txt"), &s.config);
        assert!(text.starts_with("goos: linux\ncpu: X\n"), "{text}");
        assert!(text.contains("│   base.txt   │\n"), "{text}");
        assert!(text.contains("Encode/size=10   100.0n ± 10%"), "{text}");
        assert!(text.contains("\ngeomean          200.0n\n"), "{text}");
        assert!(text.contains("B/op"), "{text}");
        // Decode ran once: the footnote says to run ten times.
        assert!(text.contains("400.0n ± ∞ ¹"), "{text}");
        assert!(
            text.contains("¹ Decode ran once: run `go test -bench` with -count=10"),
            "{text}"
        );
        let tsv = tsv(&rows);
        let lines: Vec<&str> = tsv.lines().collect();
        assert_eq!(lines[0], "unit\tbenchmark\tmean\tvariation\truns");
        assert_eq!(lines[1], "ns/op\tEncode/size=10\t100\t0.1\t3");
        assert!(lines[3].starts_with("ns/op\tgeomean\t200.0"), "{tsv}");
        assert!(lines.iter().all(|l| l.split('\t').count() == 5), "{tsv}");
    }

    #[test]
    fn two_outputs_compare_with_a_geomean_and_match_across_procs() {
        let base = parse(BASE).expect("parses");
        // The new output ran with another GOMAXPROCS: the same benchmarks.
        let new = parse(
            "goos: linux\ncpu: Y\n\
             BenchmarkEncode/size=10-2 1 50 ns/op 32 B/op\n\
             BenchmarkEncode/size=10-2 1 55 ns/op 32 B/op\n\
             BenchmarkEncode/size=10-2 1 45 ns/op 32 B/op\n\
             BenchmarkDecode-2 1 200 ns/op 1024 B/op\n",
        )
        .expect("parses");
        let rows = compare(&base, &new);
        assert_eq!(rows.len(), 4);
        assert_eq!(rows[0].name, "Encode/size=10");
        assert_eq!(rows[0].delta_pct, Some(-50.0));
        let geo = geomeans(&rows);
        assert_eq!(geo[0].base.map(|b| b.round()), Some(200.0));
        assert!((geo[0].delta_pct.expect("delta") + 50.0).abs() < 1e-9);
        assert_eq!(
            common_config(&[&base, &new]),
            [("goos".into(), "linux".into())]
        );
        let text = text(&rows, ("old.txt", "new.txt"), &[]);
        assert!(text.contains("vs base"), "{text}");
        assert!(text.contains("~ (p=0.100 n=3)"), "{text}");
        assert!(text.contains("-50.00% (n=1) ¹"), "{text}");
        assert!(text.contains("-50.00%\n"), "geomean: {text}");
        assert!(count_hint(&rows).is_some());
        let tsv = tsv(&rows);
        assert!(tsv.lines().all(|l| l.split('\t').count() == 10), "{tsv}");
        assert!(
            tsv.contains("ns/op\tDecode\t400\t0\t1\t200\t0\t1\t-50\t\n"),
            "{tsv}"
        );
    }

    #[test]
    fn values_are_scaled_as_benchstat_scales_them() {
        assert_eq!(scaled(233_489.6, "ns/op"), "233.5µ");
        assert_eq!(scaled(46.55, "ns/op"), "46.55n");
        assert_eq!(scaled(1.5e9, "ns/op"), "1.500");
        assert_eq!(scaled(107_133.0, "B/op"), "104.6Ki");
        assert_eq!(scaled(2100.0, "allocs/op"), "2.100k");
        assert_eq!(scaled(12.5, "widgets/op"), "12.50");
        assert_eq!(scaled(0.0, "allocs/op"), "0.000");
        assert_eq!(scaled(322.0, "MB/s"), "307.1Mi");
        let all_twice = compare(
            &parse("BenchmarkA 1 5 ns/op\nBenchmarkA 1 6 ns/op\n").expect("parses"),
            &parse("BenchmarkA 1 5 ns/op\nBenchmarkA 1 6 ns/op\n").expect("parses"),
        );
        assert_eq!(count_hint(&all_twice), None);
    }
}
