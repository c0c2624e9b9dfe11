//! The call tree: an arena with one node per distinct caller path (at a
//! granularity), holding every sample type's self value. Parents always come
//! before their children, so totals are one backwards pass and nothing here
//! recurses (stacks 100 000 frames deep are fine).

mod builder;
mod children;

use crate::keys::{Granularity, Keys};
use crate::shape::Shape;
use builder::Builder;
pub(crate) use children::{children_lists, Children};
use heaplens_profile::model::{Profile, NONE};

pub use builder::{EDGE_FIRST, FIRST, ROOT};

/// One sample type summed over a [`CallTree`].
#[derive(Debug, Clone, Default)]
pub struct Column {
    pub ty: usize,
    /// Value of the samples ending at each node plus its descendants' (a
    /// node's own value is [`Column::self_value`]).
    pub totals: Vec<i64>,
    /// A sample with a non-zero value passes through the node.
    pub nonzero: Vec<bool>,
    /// Per key of the tree: the value of the samples ending in it (flat),
    /// and of those passing through it, each once (cum: the totals of its
    /// [`FIRST`] nodes). Summed with the nodes, so that a top table of this
    /// column needs no pass of its own.
    pub flat: Vec<i64>,
    pub cum: Vec<i64>,
}

impl Column {
    /// The value of the samples ending at `node` (its total less its
    /// children's; wrapping, like the sums, so it is exact).
    pub fn self_value(&self, tree: &CallTree, node: u32) -> i64 {
        let Some(&total) = self.totals.get(node as usize) else {
            return 0;
        };
        tree.children_of(node)
            .iter()
            .fold(total, |v, &c| v.wrapping_sub(self.totals[c as usize]))
    }
}

#[derive(Debug, Clone)]
pub struct CallTree {
    pub keys: Keys,
    /// Parent of each node; the root's is [`NONE`].
    pub parent: Vec<u32>,
    /// `key << 1 | inlined` of each node; the root's is [`NONE`].
    pub key: Vec<u32>,
    /// The node each sample ends at (its leaf), or [`NONE`] for samples
    /// whose values are all zero. Values stay in the profile; a [`Column`]
    /// sums one sample type over the tree when it is needed.
    pub leaf: Vec<u32>,
    /// Per node: [`FIRST`] when its key is not on any ancestor (so its total
    /// counts towards the key's cum), [`EDGE_FIRST`] when the call edge from
    /// its parent's key to its key does not occur higher on its path.
    pub flags: Vec<u8>,
    /// Children of node n: `children[child_offsets[n]..child_offsets[n + 1]]`.
    pub child_offsets: Vec<u32>,
    pub children: Vec<u32>,
    /// The nodes of the keys that are inlined somewhere
    /// ([`CallTree::inline_keyed`]).
    inline_keyed: Vec<u32>,
}

impl CallTree {
    pub fn build(p: &Profile, granularity: Granularity) -> CallTree {
        let keys = Keys::build(p, granularity);
        // The leaves before the builder: its scratch, freed at its end, is
        // then the last memory taken and goes back whole to what later
        // allocations are made from (in the page's worker, memory once
        // taken is never given back, and scattered holes are of no use to
        // the next view's columns).
        let mut leaf = vec![NONE; p.num_samples()];
        let mut b = Builder::new(p, keys.len());
        #[allow(clippy::needless_range_loop)] // s indexes the profile's columns too
        for s in 0..p.num_samples() {
            if p.sample_values(s).iter().all(|&v| v == 0) {
                continue;
            }
            b.start(s as u32);
            let mut node = ROOT;
            for loc in p.stack(s).iter().rev() {
                for &k in keys.of_location(loc) {
                    node = b.step(node, k);
                }
            }
            leaf[s] = node;
        }
        let (nodes, leaf) = b.finish(leaf);
        CallTree::from_parts(keys, nodes, leaf)
    }

    /// The tree of the profile's stacks rewritten by `shape` (bottom-up,
    /// a function's callers or callees, recursion collapsed); the plain
    /// tree when the shape changes nothing. Samples whose stack the shape
    /// empties (a sandwich's function not on it) are in no node.
    pub fn build_shaped(p: &Profile, granularity: Granularity, shape: &Shape) -> CallTree {
        if shape.is_identity() {
            return CallTree::build(p, granularity);
        }
        let keys = Keys::build(p, granularity);
        let subject = shape
            .view
            .function()
            .and_then(|f| keys.names.iter().position(|n| n == f))
            .map(|k| k as u32);
        let mut seen = vec![0u32; keys.len()];
        let mut leaf = vec![NONE; p.num_samples()];
        let mut b = Builder::new(p, keys.len());
        let mut stack: Vec<u32> = Vec::new();
        #[allow(clippy::needless_range_loop)] // s indexes the profile's columns too
        for s in 0..p.num_samples() {
            if p.sample_values(s).iter().all(|&v| v == 0) {
                continue;
            }
            stack.clear();
            for loc in p.stack(s).iter().rev() {
                stack.extend_from_slice(keys.of_location(loc));
            }
            shape.apply(&mut stack, subject, &mut seen);
            if stack.is_empty() {
                continue;
            }
            b.start(s as u32);
            let mut node = ROOT;
            for &k in &stack {
                node = b.step(node, k);
            }
            leaf[s] = node;
        }
        let (nodes, leaf) = b.finish(leaf);
        CallTree::from_parts(keys, nodes, leaf)
    }

    /// The tree of these nodes (parents, keys and flags by node, parents
    /// first) and leaves, its children lists made.
    pub(crate) fn from_parts(
        keys: Keys,
        (parent, key, flags): (Vec<u32>, Vec<u32>, Vec<u8>),
        leaf: Vec<u32>,
    ) -> CallTree {
        let (child_offsets, children) = children_lists(&parent);
        let inlined = key.iter().skip(1).any(|&k| k & 1 == 1);
        let inline_keyed = if inlined {
            let mut marked = vec![false; keys.len()];
            for &k in key.iter().skip(1).filter(|&&k| k & 1 == 1) {
                if let Some(m) = marked.get_mut((k >> 1) as usize) {
                    *m = true;
                }
            }
            (1..key.len() as u32)
                .filter(|&n| marked.get((key[n as usize] >> 1) as usize) == Some(&true))
                .collect()
        } else {
            Vec::new()
        };
        CallTree {
            inline_keyed,
            keys,
            parent,
            key,
            leaf,
            flags,
            child_offsets,
            children,
        }
    }

    pub fn len(&self) -> usize {
        self.parent.len()
    }

    pub fn is_empty(&self) -> bool {
        self.parent.len() <= 1
    }

    #[inline]
    pub fn children_of(&self, node: u32) -> &[u32] {
        let a = self.child_offsets[node as usize] as usize;
        let b = self.child_offsets[node as usize + 1] as usize;
        &self.children[a..b]
    }

    /// The key id of a node (without the inline bit).
    #[inline]
    pub fn key_of(&self, node: u32) -> u32 {
        self.key[node as usize] >> 1
    }

    /// Whether any node is an inlined call (else no table row is marked
    /// `(inline)`).
    pub fn has_inlined(&self) -> bool {
        // An inlined node's own key is among those inlined somewhere.
        !self.inline_keyed.is_empty()
    }

    /// The nodes whose key is inlined at some node, in node order: the
    /// only ones whose calls can mark a table row `(inline)`.
    pub fn inline_keyed(&self) -> &[u32] {
        &self.inline_keyed
    }

    pub fn is_inlined(&self, node: u32) -> bool {
        self.key[node as usize] != NONE && self.key[node as usize] & 1 == 1
    }

    pub fn name(&self, node: u32) -> &str {
        if node == ROOT {
            return "root";
        }
        &self.keys.names[self.key_of(node) as usize]
    }

    /// Sums sample type `ty` over the tree: self and total per node, and
    /// which nodes a sample with a non-zero value passes through.
    pub fn column(&self, p: &Profile, ty: usize) -> Column {
        self.column_of(p, ty, 0..p.num_samples(), false)
    }

    /// Like [`CallTree::column`] over the samples in `range` only, negated
    /// when `negate` (the base part of a combined diff profile).
    pub fn column_of(
        &self,
        p: &Profile,
        ty: usize,
        range: std::ops::Range<usize>,
        negate: bool,
    ) -> Column {
        let n = self.len();
        let mut totals = vec![0i64; n];
        let mut nonzero = vec![false; n];
        let nk = self.keys.len();
        let (mut flat, mut cum) = (vec![0i64; nk], vec![0i64; nk]);
        if ty < p.num_types() {
            let end = range.end.min(self.leaf.len());
            for s in range.start.min(end)..end {
                let l = self.leaf[s];
                if l == NONE {
                    continue;
                }
                let v = if negate {
                    p.value(s, ty).wrapping_neg()
                } else {
                    p.value(s, ty)
                };
                let slot = &mut totals[l as usize];
                *slot = slot.wrapping_add(v);
                nonzero[l as usize] |= v != 0;
            }
        }
        // Children come after their parents: a node's total is whole when
        // the backwards pass reaches it.
        for i in (1..n).rev() {
            let pa = self.parent[i] as usize;
            let k = (self.key[i] >> 1) as usize;
            if let Some(f) = flat.get_mut(k) {
                // A node's own value is its total less its children's: its
                // total goes to its key's flat, and each child took its
                // own off (below, on its turn).
                *f = f.wrapping_add(totals[i]);
                if self.flags[i] & FIRST != 0 {
                    cum[k] = cum[k].wrapping_add(totals[i]);
                }
            }
            if pa != ROOT as usize {
                let pk = (self.key[pa] >> 1) as usize;
                if let Some(f) = flat.get_mut(pk) {
                    *f = f.wrapping_sub(totals[i]);
                }
            }
            totals[pa] = totals[pa].wrapping_add(totals[i]);
            nonzero[pa] |= nonzero[i];
        }
        Column {
            ty,
            totals,
            nonzero,
            flat,
            cum,
        }
    }

    /// Whether a function occurs twice on some path (so folding recursion
    /// changes the tree).
    pub fn has_recursion(&self) -> bool {
        self.flags.iter().skip(1).any(|&f| f & FIRST == 0)
    }

    /// The path of a node from the root's first child down to it.
    pub fn path(&self, node: u32) -> Vec<u32> {
        let mut path = Vec::new();
        let mut n = node;
        while n != ROOT && n != NONE {
            path.push(n);
            n = self.parent[n as usize];
        }
        path.reverse();
        path
    }
}
