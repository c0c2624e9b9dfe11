//! The function tree of a filtered profile made from the unfiltered
//! profile's tree, when the filters only took locations out of stacks
//! (pprof's focus, ignore, hide, show and the label filters): a node of a
//! function every frame of which the filters took out is spliced out (its
//! children join its parent's), the other nodes keep their place, and the
//! samples the filters dropped leave their paths. One pass over the nodes
//! instead of one over every sample's frames; the tree is the one
//! [`CallTree::build`] makes of the filtered profile, node numbers, flags
//! and keys included.

use rustc_hash::FxHashMap;

use crate::keys::{Granularity, Keys};
use crate::tree::{CallTree, Children, EDGE_FIRST, FIRST, ROOT};
use heaplens_profile::model::{Profile, NONE};

/// The function tree of `filtered`, the profile `old` was built from with
/// the locations `removed` marks taken out of its samples' stacks and
/// frames taken out of locations. None when the frames taken out are not
/// whole functions (a function kept in one location and taken out of
/// another): then only [`CallTree::build`] makes it.
pub fn filtered(old: &CallTree, filtered: &Profile, removed: &[bool]) -> Option<CallTree> {
    if old.keys.granularity != Granularity::Functions || old.leaf.len() != filtered.num_samples() {
        return None;
    }
    let keys = Keys::build(filtered, Granularity::Functions);
    let renamed = renamed_keys(&old.keys, &keys, removed)?;
    let (made, at) = splice(old, &renamed);
    // A sample the filters dropped whose path keeps a node leaves nodes
    // that no kept sample reaches, or reaches first.
    let mut renumber = false;
    let leaf: Vec<u32> = (0..filtered.num_samples())
        .map(|s| {
            let l = old.leaf[s];
            if l == NONE {
                return NONE;
            }
            let to = at[l as usize];
            if filtered.sample_values(s).iter().all(|&v| v == 0) {
                renumber |= to != ROOT;
                NONE
            } else {
                to
            }
        })
        .collect();
    drop(at);
    Some(if renumber {
        renumbered(made, leaf, keys)
    } else {
        // Else the nodes were made in the order the samples first reach
        // them, as the build makes them.
        CallTree::from_parts(keys, (made.parent, made.key, made.flags), leaf)
    })
}

/// Each old key's new key (`key << 1` bits kept apart), or [`NONE`] for the
/// functions taken out; None unless every location's new keys are its old
/// keys less those functions, inline marks unchanged.
fn renamed_keys(old: &Keys, new: &Keys, removed: &[bool]) -> Option<Vec<u32>> {
    let by_name: FxHashMap<&str, u32> = new
        .names
        .iter()
        .enumerate()
        .map(|(k, n)| (n.as_str(), k as u32))
        .collect();
    let locations = old.loc_offsets.len().saturating_sub(1);
    if new.loc_offsets.len() != old.loc_offsets.len() || removed.len() != locations {
        return None;
    }
    let mut renamed: Vec<u32> = old
        .names
        .iter()
        .map(|n| by_name.get(n.as_str()).copied().unwrap_or(NONE))
        .collect();
    let mut out = vec![false; old.len()];
    // The functions taken out: every key of a location taken out, and the
    // old keys a kept location's new keys skip.
    for l in 0..locations as u32 {
        let was = old.of_location(l);
        if removed[l as usize] {
            was.iter().for_each(|&k| out[(k >> 1) as usize] = true);
            continue;
        }
        let now = new.of_location(l);
        let mut j = 0;
        for &k in was {
            if now.get(j) == Some(&(renamed[(k >> 1) as usize] << 1 | (k & 1))) {
                j += 1;
            } else {
                out[(k >> 1) as usize] = true;
            }
        }
        if j != now.len() {
            return None;
        }
    }
    for (k, o) in out.iter().enumerate() {
        if *o {
            renamed[k] = NONE;
        }
    }
    // Each kept location's keys less those functions must be its new keys.
    for l in (0..locations as u32).filter(|&l| !removed[l as usize]) {
        let mut now = new.of_location(l).iter();
        for &k in old.of_location(l) {
            let r = renamed[(k >> 1) as usize];
            if r != NONE && now.next() != Some(&(r << 1 | (k & 1))) {
                return None;
            }
        }
        if now.next().is_some() {
            return None;
        }
    }
    Some(renamed)
}

/// The tree being made: parents, keys and flags by node.
struct Made {
    parent: Vec<u32>,
    key: Vec<u32>,
    flags: Vec<u8>,
}

/// The old tree with the functions `renamed` maps to [`NONE`] spliced out,
/// numbered as the old nodes are met; each old node's new node.
fn splice(old: &CallTree, renamed: &[u32]) -> (Made, Vec<u32>) {
    let n = old.len();
    let mut made = Made {
        parent: Vec::with_capacity(n),
        key: Vec::with_capacity(n),
        flags: Vec::with_capacity(n),
    };
    made.parent.push(NONE);
    made.key.push(NONE);
    made.flags.push(0);
    let renamed_of = |i: usize| {
        let k = old.key[i];
        match renamed.get((k >> 1) as usize) {
            Some(&r) if r != NONE => r << 1 | (k & 1),
            _ => NONE,
        }
    };
    // Children of a new node can meet (two with one key) only below a
    // node with a child spliced out: its grandchildren join its children.
    // Elsewhere a node's children are one old node's, keys all different,
    // and are made without a lookup.
    let mut meet = vec![false; n];
    for i in 1..n {
        if renamed_of(i) == NONE {
            meet[old.parent[i] as usize] = true;
        }
    }
    // Only children of meeting nodes are listed: the table starts small.
    let mut children = Children::with_capacity(n, 1 << 10);
    let mut at = vec![NONE; n];
    if n > 0 {
        at[ROOT as usize] = ROOT;
    }
    for i in 1..n {
        let up = old.parent[i] as usize;
        let above = at[up];
        let nk = renamed_of(i);
        if nk == NONE || above == NONE {
            at[i] = above;
            meet[i] = true;
            continue;
        }
        // Below a meeting, every node may meet another.
        meet[i] |= meet[up];
        let found = if meet[up] {
            children.get(above, nk, &made.key)
        } else {
            None
        };
        at[i] = match found {
            Some(c) => c,
            None => {
                let c = made.parent.len() as u32;
                if meet[up] {
                    children.add(above, nk, c);
                } else {
                    children.add_unlisted();
                }
                // The path above keeps every frame of this function, so
                // whether it repeats one is as before.
                let first = old.flags[i] & FIRST != 0;
                let f = if first { FIRST } else { 0 } | edge_first(&made, above, nk >> 1, first);
                made.parent.push(above);
                made.key.push(nk);
                made.flags.push(f);
                c
            }
        };
    }
    (made, at)
}

/// [`EDGE_FIRST`] for a new child of `above` of function `kid`: the call
/// from `above`'s function to it does not occur higher on the path.
fn edge_first(made: &Made, above: u32, kid: u32, first: bool) -> u8 {
    if above == ROOT {
        return 0;
    }
    let pk = made.key[above as usize] >> 1;
    if pk == kid {
        return 0;
    }
    if first {
        return EDGE_FIRST;
    }
    let mut x = above;
    loop {
        let up = made.parent[x as usize];
        if up == ROOT || up == NONE {
            return EDGE_FIRST;
        }
        if made.key[up as usize] >> 1 == pk && made.key[x as usize] >> 1 == kid {
            return 0;
        }
        x = up;
    }
}

/// The tree numbered as [`CallTree::build`] numbers it (nodes in the order
/// the samples first reach them, each path from the root down), without
/// the nodes only dropped samples reached.
fn renumbered(made: Made, mut leaf: Vec<u32>, keys: Keys) -> CallTree {
    let n = made.parent.len();
    let mut number = vec![NONE; n];
    number[ROOT as usize] = ROOT;
    let mut order: Vec<u32> = Vec::with_capacity(n);
    order.push(ROOT);
    let mut chain: Vec<u32> = Vec::new();
    for l in leaf.iter_mut() {
        if *l == NONE {
            continue;
        }
        let mut x = *l;
        while number[x as usize] == NONE {
            chain.push(x);
            x = made.parent[x as usize];
        }
        for &c in chain.iter().rev() {
            number[c as usize] = order.len() as u32;
            order.push(c);
        }
        chain.clear();
        *l = number[*l as usize];
    }
    let parent: Vec<u32> = order
        .iter()
        .map(|&o| match made.parent[o as usize] {
            NONE => NONE,
            p => number[p as usize],
        })
        .collect();
    let key = order.iter().map(|&o| made.key[o as usize]).collect();
    let flags = order.iter().map(|&o| made.flags[o as usize]).collect();
    CallTree::from_parts(keys, (parent, key, flags), leaf)
}
