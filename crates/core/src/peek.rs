//! Callers and callees of one function (pprof's `peek`, speedscope's
//! sandwich): how much of its cum comes through each caller, and how much
//! of it goes to each callee, counting each stack once under recursion.

use crate::tree::{CallTree, Column, ROOT};

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

/// Callers and callees of `key` for one sample type's column.
pub fn peek(tree: &CallTree, col: &Column, key: u32) -> Peek {
    let totals = &col.totals;
    let nk = tree.keys.len();
    let mut callers = vec![0i64; nk + 1];
    let mut callees = vec![0i64; nk];
    let mut out = Peek::default();
    // Depth-first with a count of `key` on the path: the top-most
    // occurrence carries the stack's value.
    let mut on_path = 0u32;
    let mut stack: Vec<(u32, u32)> = vec![(ROOT, 0)];
    while let Some(top) = stack.last_mut() {
        let (node, ci) = *top;
        let kids = tree.children_of(node);
        if (ci as usize) < kids.len() {
            top.1 += 1;
            let c = kids[ci as usize];
            let is_key = tree.key_of(c) == key;
            if is_key {
                out.flat = out.flat.wrapping_add(col.self_values[c as usize]);
                if on_path == 0 {
                    out.cum = out.cum.wrapping_add(totals[c as usize]);
                    let slot = if node == ROOT {
                        nk
                    } else {
                        tree.key_of(node) as usize
                    };
                    callers[slot] = callers[slot].wrapping_add(totals[c as usize]);
                    for &g in tree.children_of(c) {
                        let gk = tree.key_of(g);
                        if gk != key {
                            callees[gk as usize] =
                                callees[gk as usize].wrapping_add(totals[g as usize]);
                        }
                    }
                }
                on_path += 1;
            }
            stack.push((c, 0));
        } else {
            stack.pop();
            if node != ROOT && tree.key_of(node) == key {
                on_path -= 1;
            }
        }
    }
    out.callers = callers
        .iter()
        .enumerate()
        .filter(|(_, &v)| v != 0)
        .map(|(k, &v)| (if k == nk { None } else { Some(k as u32) }, v))
        .collect();
    out.callers
        .sort_by_key(|c| std::cmp::Reverse(c.1.unsigned_abs()));
    out.callees = callees
        .iter()
        .enumerate()
        .filter(|(_, &v)| v != 0)
        .map(|(k, &v)| (k as u32, v))
        .collect();
    out.callees
        .sort_by_key(|c| std::cmp::Reverse(c.1.unsigned_abs()));
    out
}
