//! `go test -bench -benchmem` output: parsing (runs, sub-benchmarks, custom
//! metrics like `12.5 widgets/op`) and the statistics of a benchstat-like
//! comparison of a base and a new file ([`crate::benchtab`]): per benchmark
//! and unit the mean ± variation of the runs, the change in percent, and
//! whether it is significant (two-sided Mann–Whitney U test, α = 0.05,
//! exact for small samples without ties).

use std::collections::BTreeMap;

pub use crate::benchtab::{compare, Comparison};

use heaplens_profile::error::{Error, Result};

/// All measurements of one file: (benchmark, unit) → values of every run.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BenchSet {
    /// Benchmarks in the order first seen.
    pub names: Vec<String>,
    /// Units in the order first seen (ns/op, B/op, allocs/op, custom ones).
    pub units: Vec<String>,
    pub values: BTreeMap<(String, String), Vec<f64>>,
    /// `goos:`, `pkg:`, `cpu:` and similar header lines.
    pub config: Vec<(String, String)>,
}

/// Whether `text` looks like benchmark output (to tell it from a profile).
pub fn looks_like_bench(text: &[u8]) -> bool {
    let head = String::from_utf8_lossy(&text[..text.len().min(4096)]);
    head.lines().any(|l| parse_line(l).is_some())
}

/// One result line: `BenchmarkName-8  1000  1234 ns/op  56 B/op  7 allocs/op`.
fn parse_line(line: &str) -> Option<(String, Vec<(String, f64)>)> {
    let mut fields = line.split_whitespace();
    let name = fields.next()?;
    if !name.starts_with("Benchmark") || name.len() <= "Benchmark".len() {
        return None;
    }
    let iters: u64 = fields.next()?.parse().ok()?;
    if iters == 0 {
        return None;
    }
    let rest: Vec<&str> = fields.collect();
    if rest.len() < 2 || !rest.len().is_multiple_of(2) {
        return None;
    }
    let mut metrics = Vec::new();
    for pair in rest.chunks(2) {
        let v = parse_num(pair[0])?;
        metrics.push((pair[1].to_string(), v));
    }
    Some((name.to_string(), metrics))
}

/// A decimal number as `go test` prints them (`236492`, `12.5`, `1.5e+06`).
/// Written out rather than `str::parse::<f64>` to keep the wasm small;
/// exact enough for statistics (the last digit of 17 may differ).
pub fn parse_num(s: &str) -> Option<f64> {
    let (s, neg) = match s.strip_prefix('-') {
        Some(r) => (r, true),
        None => (s.strip_prefix('+').unwrap_or(s), false),
    };
    let (mant, exp) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], s[i + 1..].parse::<i32>().ok()?),
        None => (s, 0),
    };
    let (int, frac) = mant.split_once('.').unwrap_or((mant, ""));
    if (int.is_empty() && frac.is_empty())
        || !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let mut v = 0f64;
    for b in int.bytes().chain(frac.bytes()) {
        v = v * 10.0 + f64::from(b - b'0');
    }
    let scale = exp - frac.len() as i32;
    let v = if scale >= 0 {
        v * 10f64.powi(scale)
    } else {
        v / 10f64.powi(-scale)
    };
    Some(if neg { -v } else { v })
}

/// Parses benchmark output; an error when it holds no benchmark lines.
pub fn parse(text: &str) -> Result<BenchSet> {
    let mut set = BenchSet::default();
    for line in text.lines() {
        if let Some((name, metrics)) = parse_line(line) {
            if !set.names.contains(&name) {
                set.names.push(name.clone());
            }
            for (unit, v) in metrics {
                if !set.units.contains(&unit) {
                    set.units.push(unit.clone());
                }
                set.values.entry((name.clone(), unit)).or_default().push(v);
            }
        } else if let Some((k, v)) = line.split_once(": ") {
            if !k.contains(' ') && !k.is_empty() && !k.starts_with("Benchmark") {
                set.config.push((k.to_string(), v.trim().to_string()));
            }
        }
    }
    if set.names.is_empty() {
        return Err(Error::NotAProfile {
            hint: "no benchmark result lines (`BenchmarkX-8  1000  123 ns/op ...`) found".into(),
        });
    }
    Ok(set)
}

/// Mean and the largest deviation from it, as a fraction of the mean.
pub fn mean_and_variation(xs: &[f64]) -> (f64, f64) {
    if xs.is_empty() {
        return (0.0, 0.0);
    }
    let mean = xs.iter().sum::<f64>() / xs.len() as f64;
    let dev = xs.iter().map(|x| (x - mean).abs()).fold(0.0, f64::max);
    (mean, if mean != 0.0 { dev / mean.abs() } else { 0.0 })
}

/// Two-sided p-value of the Mann–Whitney U test for samples `a` and `b`:
/// exact when both are small and there are no ties, else the normal
/// approximation with a tie correction.
pub fn mann_whitney_p(a: &[f64], b: &[f64]) -> Option<f64> {
    let (m, n) = (a.len(), b.len());
    if m == 0 || n == 0 {
        return None;
    }
    // Ranks of the pooled sample (ties get the average rank).
    let mut all: Vec<(f64, usize)> = a
        .iter()
        .map(|&x| (x, 0))
        .chain(b.iter().map(|&x| (x, 1)))
        .collect();
    heaplens_profile::sorting::sort_by(&mut all, |x, y| x.0.total_cmp(&y.0));
    let mut ranks = vec![0.0; all.len()];
    let mut ties = false;
    let mut tie_term = 0.0;
    let mut i = 0;
    while i < all.len() {
        let mut j = i;
        while j + 1 < all.len() && all[j + 1].0 == all[i].0 {
            j += 1;
        }
        let r = (i + j) as f64 / 2.0 + 1.0;
        for rank in ranks.iter_mut().take(j + 1).skip(i) {
            *rank = r;
        }
        let t = (j - i + 1) as f64;
        if t > 1.0 {
            ties = true;
            tie_term += t * t * t - t;
        }
        i = j + 1;
    }
    let ra: f64 = all
        .iter()
        .zip(&ranks)
        .filter(|(x, _)| x.1 == 0)
        .map(|(_, r)| r)
        .sum();
    let u = ra - (m * (m + 1)) as f64 / 2.0;
    let (mf, nf) = (m as f64, n as f64);
    if !ties && m + n <= 40 {
        // Exact: count arrangements with each U by dynamic programming.
        let max_u = m * n;
        // f[i][j][u] built incrementally over i (size of a) and j (size of b).
        let mut table = vec![vec![vec![0f64; max_u + 1]; n + 1]; m + 1];
        for row in table.iter_mut() {
            row[0][0] = 1.0;
        }
        for cell in table[0].iter_mut() {
            cell[0] = 1.0;
        }
        for i in 1..=m {
            for j in 1..=n {
                for uu in 0..=i * j {
                    let mut v = table[i][j - 1][uu];
                    if uu >= j {
                        v += table[i - 1][j][uu - j];
                    }
                    table[i][j][uu] = v;
                }
            }
        }
        let counts = &table[m][n];
        let total: f64 = counts.iter().sum();
        let u_int = u.round() as usize;
        let lower: f64 = counts[..=u_int.min(max_u)].iter().sum::<f64>() / total;
        let upper: f64 = counts[u_int.min(max_u)..].iter().sum::<f64>() / total;
        return Some((2.0 * lower.min(upper)).min(1.0));
    }
    let mu = mf * nf / 2.0;
    let nn = mf + nf;
    let sigma2 = mf * nf / 12.0 * ((nn + 1.0) - tie_term / (nn * (nn - 1.0)));
    if sigma2 <= 0.0 {
        return Some(1.0);
    }
    let z = ((u - mu).abs() - 0.5).max(0.0) / sigma2.sqrt();
    Some((2.0 * (1.0 - normal_cdf(z))).min(1.0))
}

fn normal_cdf(z: f64) -> f64 {
    0.5 * (1.0 + erf(z / std::f64::consts::SQRT_2))
}

/// Abramowitz–Stegun 7.1.26 (error below 1.5e-7).
fn erf(x: f64) -> f64 {
    let sign = if x < 0.0 { -1.0 } else { 1.0 };
    let x = x.abs();
    let t = 1.0 / (1.0 + 0.327_591_1 * x);
    let y = 1.0
        - (((((1.061_405_429 * t - 1.453_152_027) * t) + 1.421_413_741) * t - 0.284_496_736) * t
            + 0.254_829_592)
            * t
            * (-x * x).exp();
    sign * y
}

/// A benchmark value in a few digits: `233.5k`, `1.20M`, `2100`, `12.50`.
pub fn short(x: f64) -> String {
    let a = x.abs();
    if a >= 1e9 {
        format!("{:.2}G", x / 1e9)
    } else if a >= 1e6 {
        format!("{:.2}M", x / 1e6)
    } else if a >= 1e4 {
        format!("{:.1}k", x / 1e3)
    } else if a == a.trunc() {
        format!("{x:.0}")
    } else {
        format!("{x:.2}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_runs_subbenchmarks_and_custom_metrics() {
        let text =
            "goos: linux\npkg: x\nBenchmarkA-2 \t 100\t 2000 ns/op\t 64 B/op\t 2 allocs/op\n\
                    BenchmarkA-2 \t 100\t 2100 ns/op\t 64 B/op\t 2 allocs/op\n\
                    BenchmarkB/size=10-2 \t 50\t 10.5 ns/op\t 3.25 widgets/op\n\
                    --- FAIL: BenchmarkC\nPASS\nok  \tx\t1.2s\n";
        let s = parse(text).expect("parses");
        assert_eq!(s.names, vec!["BenchmarkA-2", "BenchmarkB/size=10-2"]);
        assert_eq!(
            s.values[&("BenchmarkA-2".into(), "ns/op".into())],
            vec![2000.0, 2100.0]
        );
        assert_eq!(
            s.values[&("BenchmarkB/size=10-2".into(), "widgets/op".into())],
            vec![3.25]
        );
        assert_eq!(s.config[0], ("goos".into(), "linux".into()));
        assert!(parse("hello\n").is_err());
    }

    #[test]
    fn numbers() {
        for (t, v) in [
            ("236492", 236492.0),
            ("12.5", 12.5),
            ("0.25", 0.25),
            ("1.5e+06", 1.5e6),
            ("-3", -3.0),
            ("2e-3", 0.002),
        ] {
            assert!(
                (parse_num(t).expect(t) - v).abs() < 1e-9 * v.abs().max(1.0),
                "{t}"
            );
        }
        for t in ["", ".", "1.2.3", "x", "1e", "ns/op"] {
            assert!(parse_num(t).is_none(), "{t}");
        }
    }

    #[test]
    fn mann_whitney_exact_and_approximate() {
        // Completely separated samples of 5: p = 2/252.
        let p = mann_whitney_p(&[1.0, 2.0, 3.0, 4.0, 5.0], &[6.0, 7.0, 8.0, 9.0, 10.0]).expect("p");
        assert!((p - 2.0 / 252.0).abs() < 1e-12, "{p}");
        // Interleaved samples: not significant.
        let p = mann_whitney_p(&[1.0, 3.0, 5.0, 7.0, 9.0], &[2.0, 4.0, 6.0, 8.0, 10.0]).expect("p");
        assert!(p > 0.5, "{p}");
        // With ties, the normal approximation still separates clear shifts.
        let p =
            mann_whitney_p(&[5.0, 5.0, 5.0, 6.0, 6.0], &[9.0, 9.0, 10.0, 10.0, 10.0]).expect("p");
        assert!(p < 0.05, "{p}");
    }
}
