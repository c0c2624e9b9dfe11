//! The top table straight from the samples' stacks, without a call tree:
//! when only the table is asked for (`heaplens top`, a timeline of
//! snapshots), one pass over the stacks gives the same flat, cum and inline
//! marks as [`crate::top`] over the tree at a fraction of the time and
//! memory (no node per caller path is made).

use crate::keys::Keys;
use crate::top::{
    marks_from_edges, rows_of, EdgeIndex, InlineMark, KeyTop, KeyValues, Top, TopOptions,
};
use heaplens_profile::model::{Profile, NONE};

/// Flat and cum per key of every sample type straight from the samples,
/// without a call tree: the same numbers as [`crate::top::key_values`] over
/// the tree (a sample's value is its leaf key's flat and, once per stack,
/// the cum of every key on it), `flat[ty][key]`. For many small profiles (a
/// timeline of snapshots) this saves building a tree each.
pub fn stack_values(p: &Profile, keys: &Keys) -> (Vec<Vec<i64>>, Vec<Vec<i64>>) {
    let types: Vec<usize> = (0..p.num_types()).collect();
    values_of(p, keys, &types)
}

/// [`stack_values`] of the sample types `types` only (`flat[i]` is
/// `types[i]`'s).
fn values_of(p: &Profile, keys: &Keys, types: &[usize]) -> (Vec<Vec<i64>>, Vec<Vec<i64>>) {
    let nk = keys.len();
    let mut flat = vec![vec![0i64; nk]; types.len()];
    let mut cum = vec![vec![0i64; nk]; types.len()];
    let mut vals = vec![0i64; types.len()];
    // The last sample that counted each key's cum.
    let mut seen = vec![u32::MAX; nk];
    for s in 0..p.num_samples() {
        let all = p.sample_values(s);
        if all.iter().all(|&v| v == 0) {
            continue;
        }
        for (v, &ty) in vals.iter_mut().zip(types) {
            *v = all.get(ty).copied().unwrap_or(0);
        }
        let mut leaf = None;
        for loc in p.stack(s).iter() {
            let ks = keys.of_location(loc);
            if leaf.is_none() {
                leaf = ks.last().map(|&k| (k >> 1) as usize);
            }
            for &k in ks {
                let k = (k >> 1) as usize;
                if seen[k] != s as u32 {
                    seen[k] = s as u32;
                    for (c, &v) in cum.iter_mut().zip(&vals) {
                        c[k] = c[k].wrapping_add(v);
                    }
                }
            }
        }
        if let Some(k) = leaf {
            for (f, &v) in flat.iter_mut().zip(&vals) {
                f[k] = f[k].wrapping_add(v);
            }
        }
    }
    (flat, cum)
}

/// The top table of `p` at `keys`' granularity computed from the stacks:
/// equal to [`crate::top`] over the tree of the same keys.
pub fn stack_top(p: &Profile, keys: &Keys, opts: &TopOptions) -> Top {
    stack_top_keys(p, keys, opts).named(&keys.names, p.total(opts.sample_type))
}

/// [`stack_top`] with rows by key (as [`crate::top::top_keys`]).
pub fn stack_top_keys(p: &Profile, keys: &Keys, opts: &TopOptions) -> KeyTop {
    let ty = opts.sample_type;
    let (mut flat, mut cum) = values_of(p, keys, &[ty]);
    let values = KeyValues {
        names: &keys.names,
        flat: flat.pop().unwrap_or_default(),
        cum: cum.pop().unwrap_or_default(),
    };
    rows_of(values, opts, |kept, all_kept, edge_cutoff| {
        if all_kept {
            // As over the tree: the marks of the whole graph, the rows that
            // `drop_negative` leaves out included.
            stack_inline_marks(p, keys, ty, &vec![true; keys.len()], edge_cutoff)
        } else {
            stack_inline_marks(p, keys, ty, kept, edge_cutoff)
        }
    })
}

/// pprof's `(inline)` marks from the stacks: the call edges between kept
/// keys (dropped keys are passed through, self-calls ignored), each counted
/// once per stack at its first occurrence from the root, with the value of
/// the samples of type `ty` that are not zero; an edge is inline when every
/// such first occurrence is an inlined call. Edges lighter than the cutoff
/// are dropped.
fn stack_inline_marks(
    p: &Profile,
    keys: &Keys,
    ty: usize,
    kept: &[bool],
    edge_cutoff: i64,
) -> Vec<InlineMark> {
    let nk = keys.len();
    let mut edges: Vec<Edge> = Vec::new();
    let mut index = EdgeIndex::new(nk);
    for s in 0..p.num_samples() {
        let v = p.value(s, ty);
        if v == 0 {
            // Adds nothing and marks nothing, as a zero node in the tree.
            continue;
        }
        let mut caller = NONE;
        for loc in p.stack(s).iter().rev() {
            for &k in keys.of_location(loc) {
                let kid = k >> 1;
                if !kept.get(kid as usize).copied().unwrap_or(false) {
                    continue;
                }
                if caller != NONE && caller != kid {
                    let next = edges.len() as u32;
                    let ei = index.get_or_add(caller, kid, next);
                    if ei == next {
                        edges.push(Edge {
                            slot: (u64::from(caller) << 32) | u64::from(kid),
                            weight: 0,
                            all_inline: true,
                            stamp: u32::MAX,
                        });
                    }
                    let e = &mut edges[ei as usize];
                    if e.stamp != s as u32 {
                        e.stamp = s as u32;
                        e.weight = e.weight.wrapping_add(v);
                        e.all_inline &= k & 1 == 1;
                    }
                }
                caller = kid;
            }
        }
    }
    marks_from_edges(
        nk,
        edges
            .iter()
            .filter(|e| e.weight.wrapping_abs() >= edge_cutoff)
            .map(|e| (e.slot, e.all_inline)),
    )
}

/// A call edge between two keys while the marks are counted.
struct Edge {
    slot: u64,
    weight: i64,
    all_inline: bool,
    /// The last sample that counted it.
    stamp: u32,
}
