//! Callers and callees of one function (pprof's `peek`, speedscope's
//! sandwich): the value of every call edge into and out of it, each stack
//! counted once per edge, as pprof's call graph counts them.

use crate::tree::{CallTree, Column, EDGE_FIRST, FIRST, ROOT};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Peek {
    /// (caller key, value), largest |value| first, then by name; `None`
    /// key = called from the root (the function starts some stacks).
    pub callers: Vec<(Option<u32>, i64)>,
    /// (callee key, value), largest |value| first, then by name.
    pub callees: Vec<(u32, i64)>,
    pub flat: i64,
    pub cum: i64,
}

/// Callers and callees of `key` for one sample type's column, with the
/// values `go tool pprof -peek` prints: an edge caller → key (or key →
/// callee) holds the value of every stack in which that call occurs,
/// however often it occurs in it (the tree's EDGE_FIRST flag marks its
/// top-most occurrence on a path); a function calling itself is neither.
/// Under recursion the callers can add up to more than cum (pprof's too).
/// The root "caller" holds the stacks the function starts, which pprof
/// does not print. Flat and cum count each stack once (FIRST).
pub fn peek(tree: &CallTree, col: &Column, key: u32) -> Peek {
    let totals = &col.totals;
    let nk = tree.keys.len();
    // Per caller key (the root last) and per callee key: the edge's value,
    // or None while no sample with a value of this type makes the call (a
    // diff's edge whose base and new values cancel out stays, at 0).
    let mut callers: Vec<Option<i64>> = vec![None; nk + 1];
    let mut callees: Vec<Option<i64>> = vec![None; nk];
    let add = |slot: &mut Option<i64>, i: usize| {
        if col.nonzero[i] {
            *slot = Some(slot.unwrap_or(0).wrapping_add(totals[i]));
        }
    };
    let mut out = Peek::default();
    for n in 1..tree.len() as u32 {
        let i = n as usize;
        let pa = tree.parent[i];
        let edge_first = tree.flags[i] & EDGE_FIRST != 0;
        if tree.key_of(n) != key {
            // A call from the key: its top-most occurrence on the path.
            if pa != ROOT && edge_first && tree.key_of(pa) == key {
                add(&mut callees[tree.key_of(n) as usize], i);
            }
            continue;
        }
        out.flat = out.flat.wrapping_add(col.self_value(tree, n));
        if tree.flags[i] & FIRST != 0 {
            out.cum = out.cum.wrapping_add(totals[i]);
        }
        if pa == ROOT {
            add(&mut callers[nk], i);
        } else if edge_first {
            add(&mut callers[tree.key_of(pa) as usize], i);
        }
    }
    // pprof's order: the largest |value| first, then by name (the root,
    // which pprof does not print, before any name).
    let name = |k: Option<u32>| k.map_or("", |k| tree.keys.names[k as usize].as_str());
    out.callers = callers
        .iter()
        .enumerate()
        .filter_map(|(k, v)| Some((if k == nk { None } else { Some(k as u32) }, (*v)?)))
        .collect();
    heaplens_profile::sorting::sort_by(&mut out.callers, |a, b| {
        (b.1.unsigned_abs().cmp(&a.1.unsigned_abs())).then_with(|| name(a.0).cmp(name(b.0)))
    });
    out.callees = callees
        .iter()
        .enumerate()
        .filter_map(|(k, v)| Some((k as u32, (*v)?)))
        .collect();
    heaplens_profile::sorting::sort_by(&mut out.callees, |a, b| {
        (b.1.unsigned_abs().cmp(&a.1.unsigned_abs()))
            .then_with(|| name(Some(a.0)).cmp(name(Some(b.0))))
    });
    out
}

/// Flat and cum of `key` for every sample type of `p` (the profile `tree`
/// was built from), as [`peek`] gives them for one type's column, in one
/// pass over the nodes and the samples: a sample counts towards cum when
/// its stack holds the function (once), towards flat when it ends in it.
pub fn flat_cum_all(
    tree: &CallTree,
    p: &heaplens_profile::model::Profile,
    key: u32,
) -> Vec<(i64, i64)> {
    let types = p.num_types();
    let mut out = vec![(0i64, 0i64); types];
    // Whether each node's path holds the function.
    let mut holds = vec![false; tree.len()];
    for n in 1..tree.len() {
        holds[n] = holds[tree.parent[n] as usize] || tree.key[n] >> 1 == key;
    }
    for (s, &leaf) in tree.leaf.iter().enumerate() {
        let Some(&on) = holds.get(leaf as usize) else {
            continue;
        };
        if !on {
            continue;
        }
        let ends = tree.key_of(leaf) == key;
        for (t, slot) in out.iter_mut().enumerate() {
            let v = p.value(s, t);
            slot.1 = slot.1.wrapping_add(v);
            if ends {
                slot.0 = slot.0.wrapping_add(v);
            }
        }
    }
    out
}
