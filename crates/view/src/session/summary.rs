//! The diff summary above a differential flame graph: every sample type's
//! totals in both profiles, the functions whose flat value grew and shrank
//! most, and the hot allocation sites with their shares before and after.

use heaplens_analysis::top::key_values;
use heaplens_analysis::tree::Column;
use heaplens_analysis::CallTree;
use heaplens_profile::sorting::{sort_by, sort_by_key};
use heaplens_profile::Profile;
use serde::{Deserialize, Serialize};

/// A sample type's totals in both profiles.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Impact {
    pub sample_type: String,
    pub unit: String,
    pub base: i64,
    pub new: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DiffSummary {
    pub base_name: String,
    pub new_name: String,
    /// Every sample type's totals, base and new.
    pub impact: Vec<Impact>,
    /// Functions with the largest growth and reduction of flat (net).
    pub grew: Vec<(String, i64)>,
    pub shrank: Vec<(String, i64)>,
    /// Hot allocation sites: functions whose flat share of alloc_objects
    /// (or of the shown type when there is none) is at least 5% in either
    /// profile: (name, base share, new share), shares in percent.
    pub hot_type: String,
    pub hot: Vec<(String, f64, f64)>,
}

/// (sample type name, (function, base share, new share) per hot function).
pub type HotSites = (String, Vec<(String, f64, f64)>);

/// Functions and their net flat values.
pub type Movers = Vec<(String, i64)>;

/// Every sample type's totals in `base` and `new`.
pub fn impact(new: &Profile, base: &Profile) -> Vec<Impact> {
    new.sample_types
        .iter()
        .enumerate()
        .map(|(t, st)| Impact {
            sample_type: st.ty.clone(),
            unit: st.unit.clone(),
            base: base.signed_total(t),
            new: new.signed_total(t),
        })
        .collect()
}

/// The five functions whose net flat value (in `col`, a column of the
/// diff's function tree) grew most, and the five that shrank most.
pub fn movers(tree: &CallTree, col: &Column) -> (Movers, Movers) {
    let mut f = vec![0i64; tree.keys.len()];
    let mut c = vec![0i64; tree.keys.len()];
    key_values(tree, col, &mut f, &mut c);
    let mut by_flat: Vec<(String, i64)> = f
        .iter()
        .enumerate()
        .filter(|(_, &v)| v != 0)
        .map(|(k, &v)| (tree.keys.names[k].clone(), v))
        .collect();
    sort_by_key(&mut by_flat, |(_, v)| std::cmp::Reverse(*v));
    let grew = by_flat
        .iter()
        .filter(|(_, v)| *v > 0)
        .take(5)
        .cloned()
        .collect();
    let shrank = by_flat
        .iter()
        .rev()
        .filter(|(_, v)| *v < 0)
        .take(5)
        .cloned()
        .collect();
    (grew, shrank)
}

/// The sample type hot sites are judged by: alloc_objects when the profile
/// has it, else the one shown.
pub fn hot_type(p: &Profile, shown: usize) -> usize {
    p.sample_types
        .iter()
        .position(|t| t.ty == "alloc_objects")
        .unwrap_or(shown)
}

/// Functions whose flat share of sample type `ty` is at least 5% in either
/// profile of the diff `p` (new samples before `split`, the base's after),
/// largest share first; shares are of each profile's total.
pub fn hot_sites(
    p: &Profile,
    tree: &CallTree,
    split: usize,
    ty: usize,
    totals: (i64, i64),
) -> HotSites {
    let n = p.num_samples();
    let nk = tree.keys.len();
    let share = |range: std::ops::Range<usize>, negate: bool, total: i64| -> Vec<f64> {
        let c = tree.column_of(p, ty, range, negate);
        let (mut f, mut cu) = (vec![0i64; nk], vec![0i64; nk]);
        key_values(tree, &c, &mut f, &mut cu);
        f.iter()
            .map(|&v| {
                if total != 0 {
                    v as f64 * 100.0 / total as f64
                } else {
                    0.0
                }
            })
            .collect()
    };
    let (new_total, base_total) = totals;
    let ns = share(0..split, false, new_total);
    let bs = share(split..n, true, base_total);
    let mut hot: Vec<(String, f64, f64)> = (0..nk)
        .filter(|&k| ns[k] >= 5.0 || bs[k] >= 5.0)
        .map(|k| (tree.keys.names[k].clone(), bs[k], ns[k]))
        .collect();
    sort_by(&mut hot, |a, b| b.1.max(b.2).total_cmp(&a.1.max(a.2)));
    let name = p
        .sample_types
        .get(ty)
        .map(|t| t.ty.clone())
        .unwrap_or_default();
    (name, hot)
}
