//! The call tree: an arena with one node per distinct caller path (at a
//! granularity), holding every sample type's self value. Parents always come
//! before their children, so totals are one backwards pass and nothing here
//! recurses (stacks 100 000 frames deep are fine).

use crate::keys::{Granularity, Keys};
use crate::shape::Shape;
use heaplens_profile::model::{Profile, NONE};

pub const ROOT: u32 = 0;
/// Node flag: the node's key does not occur among its ancestors.
pub const FIRST: u8 = 1;
/// Node flag: the (parent key, key) call edge does not occur higher up.
pub const EDGE_FIRST: u8 = 2;

/// Later children of nodes while a tree is built: (parent, key) → child, in
/// one open-addressing array, so that a lookup usually touches one cache
/// line (a million-sample profile makes millions of them, in random order).
struct ChildTable {
    /// (parent << 32 | key, child); `EMPTY` keys are free slots.
    slots: Vec<(u64, u32)>,
    len: usize,
}

impl ChildTable {
    const EMPTY: u64 = u64::MAX;

    /// Room for `n` keys (at least 8) before the table grows.
    fn with_capacity(n: usize) -> ChildTable {
        let cap = (n.max(8) * 10).div_ceil(7).next_power_of_two();
        ChildTable {
            slots: vec![(Self::EMPTY, 0); cap],
            len: 0,
        }
    }

    #[inline]
    fn home(&self, key: u64) -> usize {
        // Fibonacci hashing: the high bits of key × 2^64/φ.
        let bits = self.slots.len().trailing_zeros();
        (key.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> (64 - bits)) as usize
    }

    #[inline]
    fn get(&self, key: u64) -> Option<u32> {
        let mask = self.slots.len() - 1;
        let mut i = self.home(key);
        loop {
            let (k, v) = self.slots[i];
            if k == key {
                return Some(v);
            }
            if k == Self::EMPTY {
                return None;
            }
            i = (i + 1) & mask;
        }
    }

    /// Adds a key that is not in the table.
    fn insert(&mut self, key: u64, value: u32) {
        // At most 70% full: short probes, and room for a million-sample
        // profile's later children in the first allocation.
        if (self.len + 1) * 10 > self.slots.len() * 7 {
            let old = std::mem::take(&mut self.slots);
            self.slots = vec![(Self::EMPTY, 0); old.len() * 2];
            for (k, v) in old {
                if k != Self::EMPTY {
                    self.place(k, v);
                }
            }
        }
        self.place(key, value);
        self.len += 1;
    }

    fn place(&mut self, key: u64, value: u32) {
        let mask = self.slots.len() - 1;
        let mut i = self.home(key);
        while self.slots[i].0 != Self::EMPTY {
            i = (i + 1) & mask;
        }
        self.slots[i] = (key, value);
    }
}

/// Each node's children by key while a tree is made: a node's first
/// child (and its key) beside it, since most nodes deep in a stack have one
/// child and the common case then touches no other memory; later siblings
/// in a [`ChildTable`]. Nodes are numbered in the order they are made, the
/// root first.
pub(crate) struct Children {
    first: Vec<(u32, u32)>,
    index: ChildTable,
}

impl Children {
    /// Room for `nodes` nodes and `later` later siblings; the root is made.
    pub(crate) fn with_capacity(nodes: usize, later: usize) -> Children {
        let mut first = Vec::with_capacity(nodes);
        first.push((NONE, NONE));
        Children {
            first,
            index: ChildTable::with_capacity(later),
        }
    }

    /// The child of `node` for key `k` (`key << 1 | inlined`), if made.
    #[inline(always)]
    pub(crate) fn get(&self, node: u32, k: u32) -> Option<u32> {
        let (fc, fck) = self.first[node as usize];
        if fc == NONE {
            None
        } else if fck == k {
            Some(fc)
        } else {
            self.index.get((u64::from(node) << 32) | u64::from(k))
        }
    }

    /// Notes a node just made whose parent's children are never looked
    /// up (so it is not listed among them).
    #[inline(always)]
    pub(crate) fn add_unlisted(&mut self) {
        self.first.push((NONE, NONE));
    }

    /// Notes `child`, the node just made, as `node`'s child for key `k`.
    #[inline(always)]
    pub(crate) fn add(&mut self, node: u32, k: u32, child: u32) {
        self.list(node, k, child);
        self.first.push((NONE, NONE));
    }

    /// Lists `child`, a node made before, among `node`'s children for key
    /// `k` (which it must not have yet).
    #[inline(always)]
    pub(crate) fn list(&mut self, node: u32, k: u32, child: u32) {
        let entry = &mut self.first[node as usize];
        if entry.0 == NONE {
            *entry = (child, k);
        } else {
            self.index
                .insert((u64::from(node) << 32) | u64::from(k), child);
        }
    }
}

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
    /// Some node is an inlined call ([`CallTree::has_inlined`]).
    inlined: bool,
    /// The nodes of the keys that are inlined somewhere
    /// ([`CallTree::inline_keyed`]).
    inline_keyed: Vec<u32>,
}

impl CallTree {
    pub fn build(p: &Profile, granularity: Granularity) -> CallTree {
        let keys = Keys::build(p, granularity);
        let mut b = Builder::new(p, keys.len());
        let mut leaf = vec![NONE; p.num_samples()];
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
        b.finish(keys, leaf)
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
        let mut b = Builder::new(p, keys.len());
        let mut leaf = vec![NONE; p.num_samples()];
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
        b.finish(keys, leaf)
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
            inlined,
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
        self.inlined
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

/// A call tree while stacks are added to it, root first.
struct Builder {
    parent: Vec<u32>,
    key: Vec<u32>,
    flags: Vec<u8>,
    children: Children,
    /// Which sample last put each key on its path; the path's keys; the
    /// call pairs on the path, only kept once a key repeats (recursion).
    stamp: Vec<u32>,
    path_keys: Vec<u32>,
    pairs: rustc_hash::FxHashSet<u64>,
    pairs_for: u32,
    sample: u32,
}

impl Builder {
    fn new(p: &Profile, keys: usize) -> Builder {
        // Most profiles make one to two nodes per sample, a profile of
        // distinct stacks a little more. An array that grows is copied
        // whole (and in the page's worker the memory it leaves stays
        // taken), while room reserved and never written costs nothing: the
        // room is generous, and given back at the end.
        let samples = p.num_samples();
        let guess = (samples * 3).clamp(64, 1 << 25);
        let mut parent = Vec::with_capacity(guess);
        let mut key = Vec::with_capacity(guess);
        let mut flags: Vec<u8> = Vec::with_capacity(guess);
        parent.push(NONE);
        key.push(NONE);
        flags.push(0);
        Builder {
            parent,
            key,
            flags,
            children: Children::with_capacity(guess, samples),
            stamp: vec![u32::MAX; keys],
            path_keys: Vec::new(),
            pairs: Default::default(),
            pairs_for: u32::MAX,
            sample: 0,
        }
    }

    /// A new stack (of sample `sid`) starts at the root.
    fn start(&mut self, sid: u32) {
        self.sample = sid;
        self.path_keys.clear();
    }

    /// The child of `node` for key `k` (`key << 1 | inlined`), made when
    /// new.
    #[inline(always)]
    fn step(&mut self, node: u32, k: u32) -> u32 {
        let sid = self.sample;
        let kid = k >> 1;
        let pk = self.path_keys.last().copied();
        let repeated = self.stamp[kid as usize] == sid;
        if repeated && self.pairs_for != sid {
            // First repeat in this sample: remember the pairs so far.
            self.pairs.clear();
            self.pairs.extend(
                self.path_keys
                    .windows(2)
                    .map(|w| (u64::from(w[0]) << 32) | u64::from(w[1])),
            );
            self.pairs_for = sid;
        }
        let pair = pk.map(|pk| (u64::from(pk) << 32) | u64::from(kid));
        let child = match self.children.get(node, k) {
            Some(c) => c,
            None => {
                let c = self.parent.len() as u32;
                self.children.add(node, k, c);
                self.parent.push(node);
                self.key.push(k);
                let mut f = 0u8;
                if !repeated {
                    f |= FIRST;
                }
                if let (Some(pk), Some(pair)) = (pk, pair) {
                    if pk != kid && (!repeated || !self.pairs.contains(&pair)) {
                        f |= EDGE_FIRST;
                    }
                }
                self.flags.push(f);
                c
            }
        };
        self.stamp[kid as usize] = sid;
        if self.pairs_for == sid {
            if let Some(pair) = pair {
                self.pairs.insert(pair);
            }
        }
        self.path_keys.push(kid);
        child
    }

    fn finish(self, keys: Keys, leaf: Vec<u32>) -> CallTree {
        let Builder {
            mut parent,
            mut key,
            mut flags,
            children,
            ..
        } = self;
        drop(children);
        parent.shrink_to_fit();
        key.shrink_to_fit();
        flags.shrink_to_fit();
        CallTree::from_parts(keys, (parent, key, flags), leaf)
    }
}

/// Children lists (CSR) from the parents, in creation order:
/// `children[offsets[n]..offsets[n + 1]]` are node n's.
pub(crate) fn children_lists(parent: &[u32]) -> (Vec<u32>, Vec<u32>) {
    let n = parent.len();
    let mut child_offsets = vec![0u32; n + 1];
    for &pa in parent.iter().skip(1) {
        child_offsets[pa as usize + 1] += 1;
    }
    for i in 0..n {
        child_offsets[i + 1] += child_offsets[i];
    }
    let mut fill = child_offsets.clone();
    let mut children = vec![0u32; n.saturating_sub(1)];
    for (c, &pa) in parent.iter().enumerate().skip(1) {
        let slot = &mut fill[pa as usize];
        children[*slot as usize] = c as u32;
        *slot += 1;
    }
    (child_offsets, children)
}

#[cfg(test)]
mod tests {
    use super::ChildTable;

    /// The smallest power of two holding `n` keys at most 70% full.
    fn slots_for(n: usize) -> usize {
        let mut s = 1;
        while s * 7 < n * 10 {
            s *= 2;
        }
        s
    }

    #[test]
    fn child_table_finds_what_it_holds_across_growth() {
        let mut t = ChildTable::with_capacity(4);
        assert_eq!(t.slots.len(), 16);
        for i in 0..10_000u64 {
            let key = (i % 97) << 32 | i;
            assert_eq!(t.get(key), None);
            t.insert(key, i as u32);
            // Doubled exactly when the next key would pass 70%.
            assert_eq!(t.len, i as usize + 1);
            assert_eq!(t.slots.len(), slots_for(t.len).max(16), "after {i}");
        }
        for i in 0..10_000u64 {
            assert_eq!(t.get((i % 97) << 32 | i), Some(i as u32));
        }
        assert_eq!(t.get(5 << 32 | 3), None);
    }

    #[test]
    fn child_table_first_allocation_holds_what_it_was_sized_for() {
        for n in 0..300usize {
            let mut t = ChildTable::with_capacity(n);
            let cap = t.slots.len();
            assert_eq!(cap, slots_for(n.max(8)), "capacity {n}");
            assert_eq!(t.get(7), None);
            for i in 0..n as u64 {
                t.insert(i << 32 | 1, i as u32);
            }
            assert_eq!(t.slots.len(), cap, "capacity {n} grew");
            for i in 0..n as u64 {
                assert_eq!(t.get(i << 32 | 1), Some(i as u32));
            }
        }
    }

    #[test]
    fn child_table_homes_spread_over_the_slots() {
        // Keys as the tree makes them (parent << 32 | key): 1024 of them
        // in 2048 slots. Uniform homes would leave about 800 distinct.
        let t = ChildTable::with_capacity(1024);
        assert_eq!(t.slots.len(), 2048);
        let mut homes: Vec<usize> = (0..256u64)
            .flat_map(|p| (0..4u64).map(move |k| p << 32 | k << 1))
            .map(|key| t.home(key))
            .collect();
        assert!(homes.iter().all(|&h| h < 2048));
        homes.sort_unstable();
        homes.dedup();
        assert!(homes.len() > 700, "{} distinct homes", homes.len());
    }
}
