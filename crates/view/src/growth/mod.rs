//! Growth across heap snapshots: the values of every function in each of
//! several profiles taken over time ([`Series`]), and the functions whose
//! value keeps growing ([`fit`]): the leak suspects the page's timeline and
//! `heaplens growth` show, and `heaplens gate --max-growth` holds to a
//! limit ([`limit`]).
//!
//! Each snapshot goes through the [`crate::pipeline`] as a profile alone
//! (the view's filters apply; no base), and its top table (pprof's flat
//! and cum per function, every sample type) is one column of the series.
//! The snapshots are ordered by their profiles' time (`time_nanos`) unless
//! the order given is asked for, or some snapshot has no time.

pub mod fit;
pub mod limit;
pub mod text;

use std::collections::HashMap;

use std::rc::Rc;

use heaplens_analysis::keys::Keys;
use heaplens_analysis::top_stacks::stack_values;
use heaplens_analysis::Granularity;
use heaplens_profile::Profile;
use serde::{Deserialize, Serialize};

use crate::params::ViewParams;
use crate::pipeline::{Input, Inputs, Pipeline};

/// One snapshot of a series.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    pub name: String,
    /// The profile's time (ns since the Unix epoch); 0 when it has none.
    pub time_nanos: i64,
    /// Its place in the order the snapshots were given.
    pub given: usize,
}

/// The values of one sample type over the series: per function, one value
/// per snapshot (0 where the function is absent).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TypeSeries {
    pub name: String,
    pub unit: String,
    /// pprof's total of each snapshot.
    pub totals: Vec<i64>,
    /// Flat (self) values per function, indexed as [`Series::functions`].
    pub flat: Vec<Vec<i64>>,
    pub cum: Vec<Vec<i64>>,
}

/// Every function's values in every snapshot, for every sample type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Series {
    /// In the series' order (see [`Series::by_time`]).
    pub snapshots: Vec<Snapshot>,
    /// Whether they are ordered by time (else as given).
    pub by_time: bool,
    pub functions: Vec<String>,
    pub types: Vec<TypeSeries>,
    /// The sample type pprof shows by default.
    pub default_type: usize,
}

/// Whether a set of snapshots can be ordered by time: every one has a time
/// and no two have the same.
pub fn has_times(times: &[i64]) -> bool {
    let mut t: Vec<i64> = times.to_vec();
    t.sort_unstable();
    t.iter().all(|&x| x > 0) && t.windows(2).all(|w| w[0] < w[1])
}

/// The order of `snapshots` (indices into them): by time when `by_time`
/// and they all have distinct times, else as given. Returns the order and
/// whether it is by time.
pub fn order(times: &[i64], by_time: bool) -> (Vec<usize>, bool) {
    let mut idx: Vec<usize> = (0..times.len()).collect();
    if by_time && has_times(times) {
        idx.sort_by_key(|&i| times.get(i).copied().unwrap_or(0));
        return (idx, true);
    }
    (idx, false)
}

/// Checks that every snapshot has the sample types most of them have (the
/// first one's on a tie); returns, for each one that does not, a message
/// naming it (the page leaves those out and keeps the rest; the CLI stops
/// at the first). A stray CPU profile given first is the one named, not
/// every heap snapshot after it.
pub fn misfits(snaps: &[(String, &Profile)]) -> Vec<(usize, String)> {
    let kinds: Vec<Vec<String>> = snaps.iter().map(|(_, p)| p.sample_type_names()).collect();
    let share = |k: &Vec<String>| kinds.iter().filter(|x| *x == k).count();
    // The first of the most shared kinds (max_by_key keeps the last).
    let Some(reference) = kinds
        .iter()
        .enumerate()
        .rev()
        .max_by_key(|(_, k)| share(k))
        .map(|(i, _)| i)
    else {
        return Vec::new();
    };
    let (ref_name, ref_kinds) = (&snaps[reference].0, &kinds[reference]);
    snaps
        .iter()
        .zip(&kinds)
        .enumerate()
        .filter(|(_, (_, k))| *k != ref_kinds)
        .map(|(i, ((name, _), k))| {
            (
                i,
                format!(
                    "{name} is not a snapshot of the same kind as {ref_name}: its sample types are {} (not {})",
                    k.join(", "),
                    ref_kinds.join(", ")
                ),
            )
        })
        .collect()
}

/// One snapshot's values seen through a view's filters: pprof's total of
/// each sample type, and the flat and cum values (one per sample type) of
/// every function with any value.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SnapValues {
    pub totals: Vec<i64>,
    /// (function, flat per type, cum per type).
    pub rows: Vec<(String, Vec<i64>, Vec<i64>)>,
}

/// What [`values`] depends on besides the profile: the view's filters.
pub type FilterKey = (crate::params::RefineParams, String);

/// The filters of `params` that [`values`] applies.
pub fn filter_key(params: &ViewParams) -> FilterKey {
    (params.refine.clone(), params.tagfocus.clone())
}

/// The values of one snapshot through `params`' filters (the profile
/// alone, as the pipeline prepares it): pprof's flat and cum per function
/// of every sample type. Fails when a filter cannot be read.
pub fn values(
    name: &str,
    profile: &Rc<Profile>,
    params: &ViewParams,
) -> Result<SnapValues, String> {
    let mut params = params.clone();
    params.diff.show = false;
    let mut inputs = Inputs::default();
    inputs.set_profile(Input::shared(name, profile.clone()));
    let mut pipeline = Pipeline::default();
    let prepared = pipeline.prepare(&inputs, &params)?;
    if let Some(e) = &prepared.problems.filters {
        return Err(e.clone());
    }
    // Straight from the samples: no call tree per snapshot.
    let keys = Keys::build(&prepared.profile, Granularity::Functions);
    let (flat, cum) = stack_values(&prepared.profile, &keys);
    let types = flat.len();
    let totals = (0..types).map(|ty| prepared.whole_total(ty)).collect();
    let rows = (0..keys.len())
        .filter(|&k| (0..types).any(|t| flat[t][k] != 0 || cum[t][k] != 0))
        .map(|k| {
            (
                keys.names[k].clone(),
                (0..types).map(|t| flat[t][k]).collect(),
                (0..types).map(|t| cum[t][k]).collect(),
            )
        })
        .collect();
    Ok(SnapValues { totals, rows })
}

/// The series of `snaps` (name, profile) seen through `params` (filters;
/// the sample type is chosen later, every type is computed). Fails on an
/// empty list, or when a snapshot's sample types differ from the others'
/// (see [`misfits`]) or a filter cannot be read.
pub fn series(
    snaps: &[(String, Rc<Profile>)],
    params: &ViewParams,
    by_time: bool,
) -> Result<Series, String> {
    let refs: Vec<(String, &Profile)> = snaps.iter().map(|(n, p)| (n.clone(), &**p)).collect();
    if let Some((_, m)) = misfits(&refs).into_iter().next() {
        return Err(m);
    }
    let vals = snaps
        .iter()
        .map(|(n, p)| values(n, p, params).map(Rc::new))
        .collect::<Result<Vec<_>, _>>()?;
    assemble(snaps, &vals, by_time)
}

/// The series of `snaps` from their [`values`] (`vals[i]` of `snaps[i]`),
/// ordered by time when `by_time` and the times allow, else as given.
pub fn assemble(
    snaps: &[(String, Rc<Profile>)],
    vals: &[Rc<SnapValues>],
    by_time: bool,
) -> Result<Series, String> {
    let first = &snaps.first().ok_or("no snapshots were given")?.1;
    let times: Vec<i64> = snaps.iter().map(|(_, p)| p.time_nanos).collect();
    let (idx, by_time) = order(&times, by_time);
    let n = idx.len();
    let mut functions: Vec<String> = Vec::new();
    let mut ids: HashMap<String, usize> = HashMap::new();
    let mut types: Vec<TypeSeries> = first
        .sample_types
        .iter()
        .map(|k| TypeSeries {
            name: k.ty.clone(),
            unit: k.unit.clone(),
            totals: vec![0; n],
            flat: Vec::new(),
            cum: Vec::new(),
        })
        .collect();
    for (col, &i) in idx.iter().enumerate() {
        let v = vals.get(i).ok_or("a snapshot has no values")?;
        for (ty, ts) in types.iter_mut().enumerate() {
            ts.totals[col] = v.totals.get(ty).copied().unwrap_or(0);
        }
        for (fname, flat, cum) in &v.rows {
            let f = *ids.entry(fname.clone()).or_insert_with(|| {
                functions.push(fname.clone());
                functions.len() - 1
            });
            for (ty, ts) in types.iter_mut().enumerate() {
                if ts.flat.len() <= f {
                    ts.flat.resize(f + 1, vec![0; n]);
                    ts.cum.resize(f + 1, vec![0; n]);
                }
                ts.flat[f][col] = flat.get(ty).copied().unwrap_or(0);
                ts.cum[f][col] = cum.get(ty).copied().unwrap_or(0);
            }
        }
    }
    let nf = functions.len();
    for ts in &mut types {
        ts.flat.resize(nf, vec![0; n]);
        ts.cum.resize(nf, vec![0; n]);
    }
    let snapshots = idx
        .iter()
        .map(|&i| Snapshot {
            name: snaps[i].0.clone(),
            time_nanos: times[i],
            given: i,
        })
        .collect();
    Ok(Series {
        snapshots,
        by_time,
        functions,
        types,
        default_type: first.default_sample_type_with_values().0,
    })
}

impl Series {
    /// The index of the sample type `asked` (a name or index, as pprof's
    /// `-sample_index`), or the default one.
    pub fn type_index(&self, asked: Option<&str>) -> Result<usize, String> {
        match asked.filter(|a| !a.is_empty()) {
            None => Ok(self.default_type),
            Some(a) => {
                if let Some(i) = self.types.iter().position(|t| t.name == a) {
                    return Ok(i);
                }
                match a.parse::<usize>() {
                    Ok(i) if i < self.types.len() => Ok(i),
                    _ => Err(format!(
                        "sample type {a:?} is not in these snapshots (they have {})",
                        self.types
                            .iter()
                            .map(|t| t.name.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )),
                }
            }
        }
    }

    /// Hours since the first snapshot of each one, when the series is
    /// ordered by time; else None (steps are counted instead).
    pub fn hours(&self) -> Option<Vec<f64>> {
        if !self.by_time {
            return None;
        }
        let t0 = self.snapshots.first()?.time_nanos;
        Some(
            self.snapshots
                .iter()
                .map(|s| (s.time_nanos - t0) as f64 / 3.6e12)
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests;
