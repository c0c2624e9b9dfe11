//! What a pass over the samples adds up for the graph: each edge's weight
//! and flags, and each node's values per tag. With few nodes kept (the
//! passes after the first, which keep the nodes over the node fraction)
//! both are dense tables indexed by kept node, so a frame costs two array
//! reads instead of two hash lookups; otherwise hash maps.

use rustc_hash::FxHashMap as HashMap;

/// An edge's sums: (weight, residual, inline) and the last sample that
/// counted it (an edge counts once per sample).
pub(super) type EdgeSums = ((u32, u32), (i64, bool, bool), usize);

/// Kept nodes up to which the tables are dense.
const DENSE_NODES: usize = 1024;
/// Cells of the dense tag table at most.
const DENSE_TAG_CELLS: usize = 1 << 22;

pub(super) struct Tally {
    /// Key → dense index, when dense (u32::MAX: not kept).
    dense: Vec<u32>,
    d: usize,
    edge_slots: Vec<u32>,
    edge_index: HashMap<u64, u32>,
    pub(super) edges: Vec<EdgeSums>,
    tags: usize,
    tag_cells: Vec<(i64, i64)>,
    tag_values: HashMap<(u32, u32), (i64, i64)>,
}

impl Tally {
    /// Sums for `keys` keys (those `kept` allows) and `tags` tag names.
    pub(super) fn new(keys: usize, kept: Option<&[bool]>, tags: usize) -> Tally {
        let mut t = Tally {
            dense: Vec::new(),
            d: 0,
            edge_slots: Vec::new(),
            edge_index: HashMap::default(),
            edges: Vec::new(),
            tags,
            tag_cells: Vec::new(),
            tag_values: HashMap::default(),
        };
        if let Some(kept) = kept {
            let d = kept.iter().filter(|&&b| b).count();
            if d <= DENSE_NODES && d.saturating_mul(tags) <= DENSE_TAG_CELLS {
                let mut next = 0u32;
                t.dense = (0..keys)
                    .map(|k| match kept.get(k) {
                        Some(true) => {
                            next += 1;
                            next - 1
                        }
                        _ => u32::MAX,
                    })
                    .collect();
                t.d = d;
                t.edge_slots = vec![u32::MAX; d * d];
                t.tag_cells = vec![(0, 0); d * tags];
            }
        }
        t
    }

    /// The index in `edges` of the edge from `par` to `k`.
    pub(super) fn edge(&mut self, par: u32, k: u32) -> usize {
        let edges = &mut self.edges;
        let mut add = || {
            edges.push(((par, k), (0, false, true), usize::MAX));
            (edges.len() - 1) as u32
        };
        let slot = match (self.dense.get(par as usize), self.dense.get(k as usize)) {
            (Some(&a), Some(&b)) if a != u32::MAX && b != u32::MAX => {
                self.edge_slots.get_mut(a as usize * self.d + b as usize)
            }
            _ => None,
        };
        match slot {
            Some(s) => {
                if *s == u32::MAX {
                    *s = add();
                }
                *s as usize
            }
            None => {
                let packed = (u64::from(par) << 32) | u64::from(k);
                *self.edge_index.entry(packed).or_insert_with(add) as usize
            }
        }
    }

    /// Node `k`'s (flat, cum) of tag `t`.
    pub(super) fn tag(&mut self, k: u32, t: u32) -> &mut (i64, i64) {
        let cell = match self.dense.get(k as usize) {
            Some(&a) if a != u32::MAX && (t as usize) < self.tags => {
                a as usize * self.tags + t as usize
            }
            _ => usize::MAX,
        };
        if cell < self.tag_cells.len() {
            return &mut self.tag_cells[cell];
        }
        self.tag_values.entry((k, t)).or_default()
    }

    /// Every (key, tag) with its (flat, cum), the zero ones left out.
    pub(super) fn tag_values(&mut self) -> HashMap<(u32, u32), (i64, i64)> {
        let mut out = std::mem::take(&mut self.tag_values);
        if self.tag_cells.is_empty() {
            return out;
        }
        let mut key_of = vec![0u32; self.d];
        for (k, &a) in self.dense.iter().enumerate() {
            if let Some(slot) = key_of.get_mut(a as usize) {
                *slot = k as u32;
            }
        }
        for (cell, &v) in self.tag_cells.iter().enumerate() {
            if v != (0, 0) {
                let (a, t) = (cell / self.tags, cell % self.tags);
                out.insert((key_of[a], t as u32), v);
            }
        }
        out
    }
}
