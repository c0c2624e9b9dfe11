//! Each node's children by key while a call tree is made (the first child
//! beside the node, later ones in one open-addressing table), and the
//! children lists of the finished tree.

use heaplens_profile::model::NONE;

/// Later children of nodes while a tree is built: (parent, key) → child, in
/// one open-addressing array, so that a lookup usually touches one cache
/// line (a million-sample profile makes millions of them, in random order).
/// A slot is three `u32`s, (parent, key, child), 12 bytes: a (u64, u32) pair
/// would be padded to 16.
struct ChildTable {
    /// `[parent, key, child]`; a free slot's parent is `NONE` (never a
    /// parent: a tree of 2^32 - 1 nodes does not fit in memory).
    slots: Vec<[u32; 3]>,
    len: usize,
}

impl ChildTable {
    const FREE: [u32; 3] = [NONE, 0, 0];

    /// Room for `n` keys (at least 8) before the table grows: no more
    /// slots than that needs (any number of them, not a power of two: a
    /// tree builder sized for a million later children takes 17 MB, not
    /// 24).
    fn with_capacity(n: usize) -> ChildTable {
        let cap = (n.max(8) * 10).div_ceil(7);
        ChildTable {
            slots: vec![Self::FREE; cap],
            len: 0,
        }
    }

    #[inline]
    fn home(&self, node: u32, k: u32) -> usize {
        // Fibonacci hashing, (node, key) × 2^64/φ, whose high 32 bits as a
        // fraction of the table pick the slot (a multiply, not a division).
        let key = (u64::from(node) << 32) | u64::from(k);
        let hash = key.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 32;
        ((hash * self.slots.len() as u64) >> 32) as usize
    }

    /// The slot after `i`, round the end.
    #[inline]
    fn next(&self, i: usize) -> usize {
        if i + 1 == self.slots.len() {
            0
        } else {
            i + 1
        }
    }

    #[inline]
    fn get(&self, node: u32, k: u32) -> Option<u32> {
        let mut i = self.home(node, k);
        loop {
            let [n, key, child] = self.slots[i];
            if n == node && key == k {
                return Some(child);
            }
            if n == NONE {
                return None;
            }
            i = self.next(i);
        }
    }

    /// Adds a (parent, key) that is not in the table.
    fn insert(&mut self, node: u32, k: u32, child: u32) {
        // At most 70% full: short probes, and room for a million-sample
        // profile's later children in the first allocation.
        if (self.len + 1) * 10 > self.slots.len() * 7 {
            let old = std::mem::take(&mut self.slots);
            self.slots = vec![Self::FREE; old.len() * 2];
            for [n, key, c] in old {
                if n != NONE {
                    self.place(n, key, c);
                }
            }
        }
        self.place(node, k, child);
        self.len += 1;
    }

    fn place(&mut self, node: u32, k: u32, child: u32) {
        let mut i = self.home(node, k);
        while self.slots[i][0] != NONE {
            i = self.next(i);
        }
        self.slots[i] = [node, k, child];
    }
}

/// Each node's children by key while a tree is made: a node's first
/// child, whose key the tree's own key array holds (most nodes deep in a
/// stack have one child, usually the next node made); later siblings in a
/// [`ChildTable`]. Nodes are numbered in the order they are made, the root
/// first.
pub(crate) struct Children {
    first: Vec<u32>,
    index: ChildTable,
}

impl Children {
    /// Room for `nodes` nodes and `later` later siblings; the root is made.
    pub(crate) fn with_capacity(nodes: usize, later: usize) -> Children {
        let mut first = Vec::with_capacity(nodes);
        first.push(NONE);
        Children {
            first,
            index: ChildTable::with_capacity(later),
        }
    }

    /// The child of `node` for key `k` (`key << 1 | inlined`), if made;
    /// `keys` are the keys of the nodes made.
    #[inline(always)]
    pub(crate) fn get(&self, node: u32, k: u32, keys: &[u32]) -> Option<u32> {
        let fc = self.first[node as usize];
        if fc == NONE {
            None
        } else if keys[fc as usize] == k {
            Some(fc)
        } else {
            self.index.get(node, k)
        }
    }

    /// Notes a node just made whose parent's children are never looked
    /// up (so it is not listed among them).
    #[inline(always)]
    pub(crate) fn add_unlisted(&mut self) {
        self.first.push(NONE);
    }

    /// Notes `child`, the node just made, as `node`'s child for key `k`.
    #[inline(always)]
    pub(crate) fn add(&mut self, node: u32, k: u32, child: u32) {
        self.list(node, k, child);
        self.first.push(NONE);
    }

    /// Lists `child`, a node made before, among `node`'s children for key
    /// `k` (which it must not have yet).
    #[inline(always)]
    pub(crate) fn list(&mut self, node: u32, k: u32, child: u32) {
        let entry = &mut self.first[node as usize];
        if *entry == NONE {
            *entry = child;
        } else {
            self.index.insert(node, k, child);
        }
    }
}

/// Children lists (CSR) from the parents, in creation order:
/// `children[offsets[n]..offsets[n + 1]]` are node n's.
pub(crate) fn children_lists(parent: &[u32]) -> (Vec<u32>, Vec<u32>) {
    let n = parent.len();
    // Node m's count of children at m + 2, summed: `offsets[m + 1]` is
    // where m's children start. Each child placed moves its parent's start
    // on by one, so that at the end `offsets[m + 1]` is where m's children
    // end, which is where m + 1's start: the offsets wanted, with no second
    // array of cursors. (A parent comes before its children, so m + 2 is at
    // most n.)
    let mut offsets = vec![0u32; n + 1];
    for &pa in parent.iter().skip(1) {
        offsets[pa as usize + 2] += 1;
    }
    for i in 2..=n {
        offsets[i] += offsets[i - 1];
    }
    let mut children = vec![0u32; n.saturating_sub(1)];
    for (c, &pa) in parent.iter().enumerate().skip(1) {
        let slot = &mut offsets[pa as usize + 1];
        children[*slot as usize] = c as u32;
        *slot += 1;
    }
    (offsets, children)
}

#[cfg(test)]
mod tests {
    use super::ChildTable;

    /// The fewest slots holding `n` keys at most 70% full.
    fn slots_for(n: usize) -> usize {
        (n * 10).div_ceil(7)
    }

    #[test]
    fn child_table_finds_what_it_holds_across_growth() {
        let mut t = ChildTable::with_capacity(4);
        assert_eq!(t.slots.len(), slots_for(8));
        for i in 0..10_000u32 {
            let before = t.slots.len();
            assert_eq!(t.get(i % 97, i), None);
            t.insert(i % 97, i, i);
            assert_eq!(t.len, i as usize + 1);
            // At most 70% full, and doubled only when the key would have
            // passed that.
            assert!(t.len * 10 <= t.slots.len() * 7, "after {i}");
            if t.slots.len() != before {
                assert_eq!(t.slots.len(), before * 2, "after {i}");
                assert!(t.len * 10 > before * 7, "after {i}");
            }
        }
        for i in 0..10_000u32 {
            assert_eq!(t.get(i % 97, i), Some(i));
        }
        assert_eq!(t.get(5, 3), None);
    }

    #[test]
    fn child_table_first_allocation_holds_what_it_was_sized_for() {
        for n in 0..300usize {
            let mut t = ChildTable::with_capacity(n);
            let cap = t.slots.len();
            assert_eq!(cap, slots_for(n.max(8)), "capacity {n}");
            assert_eq!(t.get(0, 7), None);
            for i in 0..n as u32 {
                t.insert(i, 1, i);
            }
            assert_eq!(t.slots.len(), cap, "capacity {n} grew");
            for i in 0..n as u32 {
                assert_eq!(t.get(i, 1), Some(i));
            }
        }
    }

    #[test]
    fn child_table_homes_spread_over_the_slots() {
        // Keys as the tree makes them (parent, key << 1): 1024 of them
        // in 1463 slots. Uniform homes would leave about 736 distinct; these
        // leave more.
        let t = ChildTable::with_capacity(1024);
        assert_eq!(t.slots.len(), 1463);
        let mut homes: Vec<usize> = (0..256u32)
            .flat_map(|p| (0..4u32).map(move |k| (p, k << 1)))
            .map(|(p, k)| t.home(p, k))
            .collect();
        assert!(homes.iter().all(|&h| h < 1463));
        homes.sort_unstable();
        homes.dedup();
        assert!(homes.len() > 700, "{} distinct homes", homes.len());
    }
}
