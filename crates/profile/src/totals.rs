//! pprof's totals ([`Profile::total`]): the sum of absolute values after
//! merging samples as pprof does when it opens a profile (samples whose
//! stacks are equal, after merging equal locations and functions, and whose
//! labels are equal become one sample). Merging only matters when a column
//! has negative values (diffs).

use std::collections::HashMap;

use rustc_hash::FxHashMap;

use crate::model::{Profile, NONE};

impl Profile {
    /// pprof's total for a sample type: the sum of absolute values, after
    /// merging samples with the same stack and labels (as pprof merges
    /// profiles when it opens them, so +5 and -5 on one stack cancel). In a
    /// saved diff profile (samples labelled `pprof::base=true`) it is the
    /// base samples' total, as in pprof.
    pub fn total(&self, ty: usize) -> i64 {
        let n = self.num_types();
        if ty >= n {
            return 0;
        }
        let column = || self.values.iter().skip(ty).step_by(n);
        let (total, base_total) = if column().all(|&v| v >= 0) {
            let total = column().fold(0i64, |acc, v| acc.wrapping_add(*v));
            // Whether each distinct label set marks a base sample.
            let base_sets: Vec<bool> = (0..self.labels.sets() as u32)
                .map(|k| {
                    self.labels
                        .set(k)
                        .iter()
                        .any(|l| self.str(l.key) == "pprof::base" && self.str(l.str) == "true")
                })
                .collect();
            let base = if base_sets.contains(&true) {
                (0..self.num_samples())
                    .filter(|&s| base_sets.get(self.labels.set_of(s) as usize) == Some(&true))
                    .fold(0i64, |acc, s| acc.wrapping_add(self.value(s, ty)))
            } else {
                0
            };
            (total, base)
        } else {
            merged_abs_totals(self, ty)
        };
        if base_total > 0 {
            base_total
        } else {
            total
        }
    }
}

/// (mapping, address within it, (function, line) per frame).
type LocationKey = (u32, u64, Vec<(u32, i64)>);

/// Canonical index of each location: equal locations share one index.
fn canonical_locations(p: &Profile) -> Vec<u32> {
    canonical_tables(p).1
}

/// pprof's equality of a profile's entries, as canonical indices: of each
/// function (equal name, system name, file and start line) and of each
/// location (equal mapping, address within it, and frames of equal
/// functions and lines); the first of equal entries is the canonical one.
pub(crate) fn canonical_tables(p: &Profile) -> (Vec<u32>, Vec<u32>) {
    // Functions are equal when name, system name, file and start line are.
    let mut fkeys: HashMap<(&str, &str, &str, i64), u32> = HashMap::new();
    let fcanon: Vec<u32> = p
        .functions
        .iter()
        .enumerate()
        .map(|(i, f)| {
            *fkeys
                .entry((
                    p.str(f.name),
                    p.str(f.system_name),
                    p.str(f.filename),
                    f.start_line,
                ))
                .or_insert(i as u32)
        })
        .collect();
    // Mappings are equal when their rounded size, offset and build id (or
    // file) are.
    let mut mkeys: HashMap<(u64, u64, &str), u32> = HashMap::new();
    let mcanon: Vec<u32> = p
        .mappings
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let size = m.limit.wrapping_sub(m.start).wrapping_add(0xfff) & !0xfff;
            let id = if !p.str(m.build_id).is_empty() {
                p.str(m.build_id)
            } else {
                p.str(m.file)
            };
            *mkeys.entry((size, m.offset, id)).or_insert(i as u32)
        })
        .collect();
    let mut lkeys: HashMap<LocationKey, u32> = HashMap::new();
    let lcanon = p
        .locations
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let (m, addr) = if l.mapping == NONE {
                (NONE, l.address)
            } else {
                let m = &p.mappings[l.mapping as usize];
                (mcanon[l.mapping as usize], l.address.wrapping_sub(m.start))
            };
            let lines: Vec<(u32, i64)> = p.frames[l.frame_range()]
                .iter()
                .map(|f| (fcanon[f.function as usize], f.line))
                .collect();
            *lkeys.entry((m, addr, lines)).or_insert(i as u32)
        })
        .collect();
    (fcanon, lcanon)
}

/// Label string contents interned to ids, so that equal strings at
/// different string-table indices (a combined diff profile has two tables)
/// compare equal without allocating per sample.
struct LabelIds {
    ids: Vec<u32>,
}

impl LabelIds {
    fn new(p: &Profile) -> LabelIds {
        let mut by_text: HashMap<&str, u32> = HashMap::new();
        let ids = p
            .strings
            .iter()
            .map(|s| {
                let next = by_text.len() as u32;
                *by_text.entry(s.as_str()).or_insert(next)
            })
            .collect();
        LabelIds { ids }
    }

    /// Sample `s`'s labels as sorted (key, value, number, unit) ids.
    fn of(&self, p: &Profile, s: usize, out: &mut Vec<(u32, u32, i64, u32)>) {
        out.clear();
        let id = |i: u32| self.ids.get(i as usize).copied().unwrap_or(0);
        out.extend(
            p.sample_labels(s)
                .iter()
                .map(|l| (id(l.key), id(l.str), l.num, id(l.unit))),
        );
        out.sort_unstable();
    }
}

/// Samples grouped as pprof merges them (equal stacks after merging equal
/// locations, equal labels), each group in first-occurrence order.
pub fn sample_groups(p: &Profile) -> Vec<Vec<usize>> {
    let canon = canonical_locations(p);
    let labels = LabelIds::new(p);
    let mut index: FxHashMap<u64, Vec<u32>> =
        FxHashMap::with_capacity_and_hasher(p.num_samples(), Default::default());
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let (mut mine, mut theirs) = (Vec::new(), Vec::new());
    for s in 0..p.num_samples() {
        labels.of(p, s, &mut mine);
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for l in p.stack(s) {
            h = (h ^ u64::from(canon[l as usize])).wrapping_mul(0x100_0000_01b3);
        }
        for &(k, v, n, u) in &mine {
            for x in [u64::from(k), u64::from(v), n as u64, u64::from(u)] {
                h = (h ^ x).wrapping_mul(0x100_0000_01b3);
            }
        }
        let bucket = index.entry(h).or_default();
        let same = |g: usize, theirs: &mut Vec<(u32, u32, i64, u32)>| {
            let r = groups[g][0];
            let (a, b) = (p.stack(s), p.stack(r));
            if a.len() != b.len()
                || a.iter()
                    .zip(b)
                    .any(|(x, y)| canon[x as usize] != canon[y as usize])
            {
                return false;
            }
            labels.of(p, r, theirs);
            *theirs == mine
        };
        match bucket
            .iter()
            .copied()
            .find(|&g| same(g as usize, &mut theirs))
        {
            Some(g) => groups[g as usize].push(s),
            None => {
                bucket.push(groups.len() as u32);
                groups.push(vec![s]);
            }
        }
    }
    groups
}

/// Sum over merged samples of |sum of their values| for one type, and the
/// same over the merged samples labelled `pprof::base=true`.
pub fn merged_abs_totals(p: &Profile, ty: usize) -> (i64, i64) {
    let mut all = 0i64;
    let mut base = 0i64;
    for g in sample_groups(p) {
        let v = g
            .iter()
            .fold(0i64, |a, &s| a.wrapping_add(p.value(s, ty)))
            .wrapping_abs();
        all = all.wrapping_add(v);
        if p.is_diff_base_sample(g[0]) {
            base = base.wrapping_add(v);
        }
    }
    (all, base)
}
