//! Which functions keep growing: a least-squares line through each
//! function's values over the snapshots (its slope per hour, or per
//! snapshot when the series has no times), the share of snapshot-to-
//! snapshot steps in which it grew (its steadiness), and its change from
//! the first snapshot to the last.
//!
//! A function is a growth suspect when it ends higher than it started,
//! its slope is positive, it grew in more than half of the steps, and the
//! line explains at least half of its variation (R² ≥ 0.5: a value that
//! only wobbles around a level, and happens to end high, is not growing).
//! Suspects rank by slope × steadiness: fast and steady growth first.

use serde::{Deserialize, Serialize};

use super::Series;

/// How one function's value moved over the series.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Growth {
    /// Its index in [`Series::functions`].
    pub function: usize,
    pub name: String,
    /// Last value minus first (raw units).
    pub change: i64,
    /// The least-squares slope, in raw units per hour (per snapshot when
    /// the series is not ordered by time).
    pub slope: f64,
    /// The share of steps (0–1) in which the value increased.
    pub steadiness: f64,
    /// How well the line fits (R², 0–1; 0 when the value never changes).
    pub fit: f64,
    pub first: i64,
    pub last: i64,
}

impl Growth {
    /// What suspects are ranked by.
    pub fn score(&self) -> f64 {
        self.slope * self.steadiness
    }

    /// Whether this is a growth suspect (see the module's description).
    pub fn is_suspect(&self) -> bool {
        self.change > 0 && self.slope > 0.0 && self.steadiness > 0.5 && self.fit >= MIN_FIT
    }
}

/// The least share of its variation the line must explain for a function
/// to be a suspect.
pub const MIN_FIT: f64 = 0.5;

/// The least-squares slope of `ys` over `xs` and its R² (both 0 when the
/// xs or the ys do not vary).
pub fn line(xs: &[f64], ys: &[i64]) -> (f64, f64) {
    let n = xs.len().min(ys.len());
    if n < 2 {
        return (0.0, 0.0);
    }
    let mx = xs[..n].iter().sum::<f64>() / n as f64;
    let my = ys[..n].iter().map(|&y| y as f64).sum::<f64>() / n as f64;
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (x, &y) in xs[..n].iter().zip(&ys[..n]) {
        sxy += (x - mx) * (y as f64 - my);
        sxx += (x - mx) * (x - mx);
        syy += (y as f64 - my) * (y as f64 - my);
    }
    if sxx <= 0.0 {
        return (0.0, 0.0);
    }
    let r2 = if syy > 0.0 {
        sxy * sxy / (sxx * syy)
    } else {
        0.0
    };
    (sxy / sxx, r2)
}

/// The share of steps in which `ys` increased (0 for fewer than two).
pub fn steadiness(ys: &[i64]) -> f64 {
    if ys.len() < 2 {
        return 0.0;
    }
    let up = ys.windows(2).filter(|w| w[1] > w[0]).count();
    up as f64 / (ys.len() - 1) as f64
}

/// The x of each snapshot: hours since the first, or its place.
pub fn xs(series: &Series) -> Vec<f64> {
    series
        .hours()
        .unwrap_or_else(|| (0..series.snapshots.len()).map(|i| i as f64).collect())
}

/// How each function of sample type `ty` moved (flat values, or cum).
pub fn growth(series: &Series, ty: usize, cum: bool) -> Vec<Growth> {
    let Some(ts) = series.types.get(ty) else {
        return Vec::new();
    };
    let xs = xs(series);
    let values = if cum { &ts.cum } else { &ts.flat };
    values
        .iter()
        .enumerate()
        .map(|(f, ys)| {
            let first = ys.first().copied().unwrap_or(0);
            let last = ys.last().copied().unwrap_or(0);
            let (slope, fit) = line(&xs, ys);
            Growth {
                function: f,
                name: series.functions.get(f).cloned().unwrap_or_default(),
                change: last.wrapping_sub(first),
                slope,
                steadiness: steadiness(ys),
                fit,
                first,
                last,
            }
        })
        .collect()
}

/// The growth suspects of sample type `ty`, strongest first (ties by
/// name).
pub fn suspects(series: &Series, ty: usize, cum: bool) -> Vec<Growth> {
    let mut s: Vec<Growth> = growth(series, ty, cum)
        .into_iter()
        .filter(Growth::is_suspect)
        .collect();
    s.sort_by(|a, b| {
        b.score()
            .total_cmp(&a.score())
            .then_with(|| a.name.cmp(&b.name))
    });
    s
}
