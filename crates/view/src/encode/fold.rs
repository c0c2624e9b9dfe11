//! Folding for share links that must stay short. The call tree at function
//! granularity (what the flame graph and the top table are made of) keeps
//! every node holding at least 1/N of one sample type's total; each kept
//! node's smaller children become one `(other)` child carrying their summed
//! values of every sample type. Samples ending at the same kept node (or
//! folded into the same `(other)`) are written as one, with the stack of
//! the largest of them, so every kept node's cum and flat and every total
//! stay exact for every sample type.

use rustc_hash::FxHashMap as HashMap;
use serde::{Deserialize, Serialize};

use heaplens_analysis::tree::{FIRST, ROOT};
use heaplens_analysis::CallTree;
use heaplens_profile::model::{Label, Profile, NONE};

use super::{Cut, Fold, Out};

/// What folding kept, for the link's notice and the share panel.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TrimInfo {
    /// Call-tree nodes under 1/`n` of the trim type's total were folded.
    pub n: u64,
    /// Whether the functions holding 1/`n` of the total and each stack's
    /// leaf function are kept below `(other)` (so that every function's
    /// flat and the cum of those functions stay exact).
    pub tails: bool,
    /// Call-tree nodes (function granularity, without the root) kept, and
    /// how many there were.
    pub nodes_kept: usize,
    pub nodes: usize,
    /// `(other)` frames written (one per kept node with folded children).
    pub others: usize,
    /// Samples whose whole stack was kept, and how many samples had a value.
    pub samples_whole: usize,
    pub samples: usize,
    /// The share of the trim type's value (by magnitude) in samples whose
    /// whole stack was kept.
    pub whole_share: f64,
}

impl TrimInfo {
    /// Whether any node was folded into `(other)`.
    pub fn folded(&self) -> bool {
        self.nodes_kept < self.nodes
    }

    /// The threshold as a share of the total.
    pub fn threshold(&self) -> f64 {
        1.0 / self.n.max(1) as f64
    }
}

/// One sample to write, while grouping: the largest sample of the group
/// (its stack is written), its magnitude, the kept node the group ends at
/// (or whose `(other)` it is in), and the summed values.
struct Group {
    sample: usize,
    size: u64,
    node: u32,
    other: bool,
    values: Vec<i64>,
}

/// The call tree weighed by one sample type: each node's magnitude, which
/// nodes and which functions (keys) hold at least 1/N of the total.
struct Weighed {
    total: u128,
    kept: Vec<bool>,
    big: Vec<bool>,
}

fn weigh(p: &Profile, tree: &CallTree, ty: usize, n: u64) -> Weighed {
    let nodes = tree.len();
    let mut weight = vec![0u128; nodes];
    for (s, &l) in tree.leaf.iter().enumerate().take(p.num_samples()) {
        if l != NONE {
            weight[l as usize] += u128::from(p.value(s, ty).unsigned_abs());
        }
    }
    // Parents come before their children.
    for i in (1..nodes).rev() {
        let pa = tree.parent[i] as usize;
        weight[pa] += weight[i];
    }
    let total = weight.get(ROOT as usize).copied().unwrap_or(0);
    let scale = u128::from(n.max(1));
    let holds = |w: u128| w.saturating_mul(scale) >= total;
    let mut kept: Vec<bool> = weight.iter().map(|&w| holds(w)).collect();
    if let Some(r) = kept.get_mut(ROOT as usize) {
        *r = true;
    }
    // A function's cum: its nodes not below another of its nodes.
    let mut cum = vec![0u128; tree.keys.len()];
    for i in 1..nodes {
        if tree.flags[i] & FIRST != 0 {
            cum[tree.key_of(i as u32) as usize] += weight[i];
        }
    }
    Weighed {
        total,
        kept,
        big: cum.into_iter().map(holds).collect(),
    }
}

/// Folds `p` by its function tree `tree` at 1/`n` of sample type `ty`'s
/// total; with `labels`, only samples with equal labels are merged.
///
/// A sample ending below the kept nodes is written as its kept part, then
/// `(other)`; with `tails`, then (so that the top table stays as it was)
/// the functions below the cut holding at least 1/`n` of the total, once
/// each, and its leaf function: every function's flat, every such
/// function's cum, and every kept node's numbers stay exact.
pub(super) fn fold(
    p: &Profile,
    tree: &CallTree,
    ty: usize,
    at: Fold,
    labels: bool,
) -> (Vec<Out>, TrimInfo) {
    let n = at.n.max(1);
    let mut w = weigh(p, tree, ty, n);
    if !at.tails {
        w.big.fill(false);
    }
    let depth = depths(tree);
    let mut walk = Walk::new(tree.keys.len());
    let mut groups: Vec<Group> = Vec::new();
    let mut tails: HashMap<Vec<u32>, u32> = HashMap::default();
    let mut index: HashMap<(u32, u32, &[Label]), usize> = HashMap::default();
    let (mut samples, mut samples_whole, mut whole_weight) = (0usize, 0usize, 0u128);
    for (s, &l) in tree.leaf.iter().enumerate().take(p.num_samples()) {
        if l == NONE {
            continue;
        }
        samples += 1;
        let size = p.value(s, ty).unsigned_abs();
        let (node, tail) = if w.kept[l as usize] {
            samples_whole += 1;
            whole_weight += u128::from(size);
            (l, NONE)
        } else {
            // The root is kept, so this ends below it.
            let mut c = l;
            while c != ROOT && !w.kept[tree.parent[c as usize] as usize] {
                c = tree.parent[c as usize];
            }
            let c = tree.parent[c as usize];
            walk.cut(p, tree, &w.big, s, depth[c as usize], at.tails);
            let next = tails.len() as u32;
            let t = match tails.get(walk.keys.as_slice()) {
                Some(&t) => t,
                None => {
                    tails.insert(walk.keys.clone(), next);
                    next
                }
            };
            (c, t)
        };
        let key_labels: &[Label] = if labels { p.sample_labels(s) } else { &[] };
        let values = p.sample_values(s);
        match index.get(&(node, tail, key_labels)) {
            Some(&g) => {
                let g = &mut groups[g];
                for (v, w) in g.values.iter_mut().zip(values) {
                    *v = v.wrapping_add(*w);
                }
                if size > g.size {
                    g.sample = s;
                    g.size = size;
                }
            }
            None => {
                index.insert((node, tail, key_labels), groups.len());
                groups.push(Group {
                    sample: s,
                    size,
                    node,
                    other: tail != NONE,
                    values: values.to_vec(),
                });
            }
        }
    }
    let others = groups
        .iter()
        .filter(|g| g.other)
        .map(|g| g.node)
        .collect::<rustc_hash::FxHashSet<u32>>()
        .len();
    let out = groups
        .into_iter()
        .map(|g| Out {
            sample: g.sample,
            cut: g
                .other
                .then(|| walk.cut(p, tree, &w.big, g.sample, depth[g.node as usize], at.tails)),
            values: g.values,
        })
        .collect();
    let info = TrimInfo {
        n,
        tails: at.tails,
        nodes_kept: w.kept.iter().skip(1).filter(|&&k| k).count(),
        nodes: tree.len().saturating_sub(1),
        others,
        samples_whole,
        samples,
        whole_share: if w.total > 0 {
            whole_weight as f64 / w.total as f64
        } else {
            1.0
        },
    };
    (out, info)
}

/// Each node's depth: the frames on its path (the root's is 0).
fn depths(tree: &CallTree) -> Vec<usize> {
    let mut depth = vec![0usize; tree.len()];
    for i in 1..tree.len() {
        depth[i] = depth[tree.parent[i] as usize] + 1;
    }
    depth
}

/// Cuts stacks: which functions are on the path so far (`stamp` equal to
/// `mark`), and the function keys of the last cut's tail.
struct Walk {
    stamp: Vec<u32>,
    mark: u32,
    keys: Vec<u32>,
}

impl Walk {
    fn new(keys: usize) -> Walk {
        Walk {
            stamp: vec![0; keys],
            mark: 0,
            keys: Vec::new(),
        }
    }

    /// Where sample `s`'s stack is cut to keep its first `depth` frames
    /// from the root (whole locations, then the callers' frames of the next
    /// one), and the frames kept below `(other)`: each function in `big`
    /// not yet on the path, and (with `leaf`) the leaf.
    fn cut(
        &mut self,
        p: &Profile,
        tree: &CallTree,
        big: &[bool],
        s: usize,
        depth: usize,
        leaf: bool,
    ) -> Cut {
        self.mark = self.mark.wrapping_add(1);
        if self.mark == 0 {
            self.stamp.fill(0);
            self.mark = 1;
        }
        self.keys.clear();
        let mut cut = Cut {
            whole: 0,
            part: 0,
            tail: Vec::new(),
        };
        let mut seen = 0usize;
        // The last frame: (location, frame index, key), and whether it is
        // in the tail already.
        let mut last = None;
        let mut last_in_tail = false;
        for loc in p.stack(s).iter().rev() {
            let keys = tree.keys.of_location(loc);
            if seen + keys.len() <= depth {
                cut.whole += 1;
            } else if seen < depth {
                cut.part = depth - seen;
            }
            let frames = p.location_frames(loc).len();
            for (j, &k) in keys.iter().enumerate() {
                let kid = (k >> 1) as usize;
                // Keys are callers first, frames innermost first.
                let frame = frames.checked_sub(j + 1).map_or(NONE, |f| f as u32);
                let fresh = self.stamp.get(kid).is_some_and(|&m| m != self.mark);
                let take = seen >= depth && fresh && big.get(kid).copied().unwrap_or(false);
                if seen < depth || take {
                    if let Some(m) = self.stamp.get_mut(kid) {
                        *m = self.mark;
                    }
                }
                if take {
                    self.keys.push(kid as u32);
                    cut.tail.push((loc, frame));
                }
                last_in_tail = take;
                last = Some((loc, frame, kid as u32));
                seen += 1;
            }
        }
        if let Some((loc, frame, kid)) = last.filter(|_| leaf && !last_in_tail && seen > depth) {
            self.keys.push(kid);
            cut.tail.push((loc, frame));
        }
        cut
    }
}
