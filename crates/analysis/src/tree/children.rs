//! Each node's children by key while a call tree is made (the first child
//! beside the node, later ones in one open-addressing table), and the
//! children lists of the finished tree.

use heaplens_profile::model::NONE;

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
