//! A call tree while stacks are added to it: nodes made as samples walk
//! down from the root, with the flags that say where a function or a call
//! first occurs on each path.

use super::children::Children;
use heaplens_profile::model::{Profile, NONE};

/// The root node: the whole profile.
pub const ROOT: u32 = 0;
/// Node flag: the node's key does not occur among its ancestors.
pub const FIRST: u8 = 1;
/// Node flag: the (parent key, key) call edge does not occur higher up.
pub const EDGE_FIRST: u8 = 2;

/// A built tree's nodes (parents, keys and flags by node, parents first)
/// and each sample's leaf.
pub(super) type Parts = ((Vec<u32>, Vec<u32>, Vec<u8>), Vec<u32>);

/// A call tree while stacks are added to it, root first.
pub(super) struct Builder {
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
    pub(super) fn new(p: &Profile, keys: usize) -> Builder {
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
            path_keys: Vec::with_capacity(256),
            pairs: Default::default(),
            pairs_for: u32::MAX,
            sample: 0,
        }
    }

    /// A new stack (of sample `sid`) starts at the root.
    pub(super) fn start(&mut self, sid: u32) {
        self.sample = sid;
        self.path_keys.clear();
    }

    /// The child of `node` for key `k` (`key << 1 | inlined`), made when
    /// new.
    #[inline(always)]
    pub(super) fn step(&mut self, node: u32, k: u32) -> u32 {
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
        let child = match self.children.get(node, k, &self.key) {
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

    pub(super) fn finish(self, leaf: Vec<u32>) -> Parts {
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
        ((parent, key, flags), leaf)
    }
}
