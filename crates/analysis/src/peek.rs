//! Callers and callees of one function (pprof's `peek`, speedscope's
//! sandwich): how much of its cum comes through each caller, and how much
//! of it goes to each callee, counting each stack once under recursion.

use crate::tree::{CallTree, Column, FIRST, ROOT};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Peek {
    /// (caller key, value), largest |value| first; `None` key = called from
    /// the root (the function starts some stacks).
    pub callers: Vec<(Option<u32>, i64)>,
    /// (callee key, value), largest |value| first.
    pub callees: Vec<(u32, i64)>,
    pub flat: i64,
    pub cum: i64,
}

/// Callers and callees of `key` for one sample type's column. One pass
/// over the nodes in order: a node of the key whose key is not on its path
/// above (the tree's FIRST flag) is the top-most occurrence in its stacks,
/// and carries their value to its caller and callees.
pub fn peek(tree: &CallTree, col: &Column, key: u32) -> Peek {
    let totals = &col.totals;
    let nk = tree.keys.len();
    let mut callers = vec![0i64; nk + 1];
    let mut callees = vec![0i64; nk];
    let mut out = Peek::default();
    for n in 1..tree.len() as u32 {
        if tree.key_of(n) != key {
            continue;
        }
        let i = n as usize;
        out.flat = out.flat.wrapping_add(col.self_value(tree, n));
        if tree.flags[i] & FIRST == 0 {
            continue;
        }
        out.cum = out.cum.wrapping_add(totals[i]);
        let pa = tree.parent[i];
        let slot = if pa == ROOT {
            nk
        } else {
            tree.key_of(pa) as usize
        };
        callers[slot] = callers[slot].wrapping_add(totals[i]);
        for &g in tree.children_of(n) {
            let gk = tree.key_of(g);
            if gk != key {
                callees[gk as usize] = callees[gk as usize].wrapping_add(totals[g as usize]);
            }
        }
    }
    out.callers = callers
        .iter()
        .enumerate()
        .filter(|(_, &v)| v != 0)
        .map(|(k, &v)| (if k == nk { None } else { Some(k as u32) }, v))
        .collect();
    heaplens_profile::sorting::sort_by_key(&mut out.callers, |c| {
        std::cmp::Reverse(c.1.unsigned_abs())
    });
    out.callees = callees
        .iter()
        .enumerate()
        .filter(|(_, &v)| v != 0)
        .map(|(k, &v)| (k as u32, v))
        .collect();
    heaplens_profile::sorting::sort_by_key(&mut out.callees, |c| {
        std::cmp::Reverse(c.1.unsigned_abs())
    });
    out
}
