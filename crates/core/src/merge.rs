//! Sample merging as pprof does it when opening a profile: samples whose
//! stacks are equal (after merging equal locations and functions) and whose
//! labels are equal become one sample. Only totals depend on it (the sum of
//! absolute values), and only when a column has negative values.

use std::collections::HashMap;

use crate::fxhash::id_map;
use crate::model::{Profile, NONE};

/// (mapping, address within it, (function, line) per frame).
type LocationKey = (u32, u64, Vec<(u32, i64)>);
/// A sample's labels as (key, string value, number, unit).
type LabelKey = Vec<(String, String, i64, String)>;

/// Canonical index of each location: equal locations share one index.
fn canonical_locations(p: &Profile) -> Vec<u32> {
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
    p.locations
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
        .collect()
}

/// Sum over merged samples of |sum of their values| for one type, and the
/// same over the merged samples labelled `pprof::base=true`.
pub fn merged_abs_totals(p: &Profile, ty: usize) -> (i64, i64) {
    let canon = canonical_locations(p);
    let mut groups = id_map::<u64, Vec<(Vec<u32>, LabelKey, i64)>>(p.num_samples());
    for s in 0..p.num_samples() {
        let stack: Vec<u32> = p.stack(s).iter().map(|&l| canon[l as usize]).collect();
        let mut labels: LabelKey = p
            .sample_labels(s)
            .iter()
            .map(|l| {
                (
                    p.str(l.key).to_string(),
                    p.str(l.str).to_string(),
                    l.num,
                    p.str(l.unit).to_string(),
                )
            })
            .collect();
        labels.sort();
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for &x in &stack {
            h = (h ^ u64::from(x)).wrapping_mul(0x100_0000_01b3);
        }
        h ^= labels.len() as u64;
        let v = p.value(s, ty);
        let bucket = groups.entry(h).or_default();
        match bucket
            .iter_mut()
            .find(|(st, lb, _)| *st == stack && *lb == labels)
        {
            Some(g) => g.2 = g.2.wrapping_add(v),
            None => bucket.push((stack, labels, v)),
        }
    }
    let is_base = |labels: &[(String, String, i64, String)]| {
        labels
            .iter()
            .any(|(k, v, _, _)| k == "pprof::base" && v == "true")
    };
    groups
        .values()
        .flatten()
        .fold((0i64, 0i64), |(all, base), g| {
            let v = g.2.wrapping_abs();
            (
                all.wrapping_add(v),
                if is_base(&g.1) {
                    base.wrapping_add(v)
                } else {
                    base
                },
            )
        })
}

/// Samples grouped as pprof merges them (equal stacks after merging equal
/// locations, equal labels), each group in first-occurrence order.
pub fn sample_groups(p: &Profile) -> Vec<Vec<usize>> {
    let canon = canonical_locations(p);
    let mut index = id_map::<u64, Vec<usize>>(p.num_samples());
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut keys: Vec<(Vec<u32>, LabelKey)> = Vec::new();
    for s in 0..p.num_samples() {
        let stack: Vec<u32> = p.stack(s).iter().map(|&l| canon[l as usize]).collect();
        let mut labels: LabelKey = p
            .sample_labels(s)
            .iter()
            .map(|l| {
                (
                    p.str(l.key).to_string(),
                    p.str(l.str).to_string(),
                    l.num,
                    p.str(l.unit).to_string(),
                )
            })
            .collect();
        labels.sort();
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for &x in &stack {
            h = (h ^ u64::from(x)).wrapping_mul(0x100_0000_01b3);
        }
        h ^= labels.len() as u64;
        let bucket = index.entry(h).or_default();
        match bucket
            .iter()
            .find(|&&g| keys[g].0 == stack && keys[g].1 == labels)
        {
            Some(&g) => groups[g].push(s),
            None => {
                bucket.push(groups.len());
                groups.push(vec![s]);
                keys.push((stack, labels));
            }
        }
    }
    groups
}
