//! The top table: flat and cum per function (or line), computed exactly as
//! `go tool pprof -top` does: cum counts a node once per stack even under
//! recursion, percentages are of the sum of absolute sample values, rows are
//! sorted by |flat|, then name, then |cum|; nodes with zero flat and cum are
//! left out; `(inline)` marks follow pprof's edge rules.

use crate::tree::{CallTree, Column, EDGE_FIRST, FIRST, ROOT};
use heaplens_profile::model::{Profile, NONE};
use rustc_hash::FxHashMap;

/// pprof's inline mark of a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InlineMark {
    None,
    Inline,
    PartialInline,
}

impl InlineMark {
    pub fn as_str(self) -> &'static str {
        match self {
            InlineMark::None => "",
            InlineMark::Inline => "(inline)",
            InlineMark::PartialInline => "(partial-inline)",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopRow {
    /// Key id in the tree's [`crate::keys::Keys`].
    pub key: u32,
    pub name: String,
    pub flat: i64,
    pub cum: i64,
    pub inline: InlineMark,
}

#[derive(Debug, Clone, Copy)]
pub struct TopOptions {
    pub sample_type: usize,
    /// Drop rows whose |cum| is below this fraction of the total (pprof's
    /// `-nodefraction`; pprof's default is 0.005, heaplens's 0).
    pub node_fraction: f64,
    /// pprof's `-edgefraction` (only affects the inline marks).
    pub edge_fraction: f64,
    /// Keep only the first N rows (0: all).
    pub node_count: usize,
    /// Compute pprof's `(inline)` marks (text reports need them).
    pub inline_marks: bool,
    /// pprof's `-drop_negative`: leave out rows whose flat value is
    /// negative, or 0 with a negative cum.
    pub drop_negative: bool,
}

impl TopOptions {
    pub fn new(sample_type: usize) -> Self {
        TopOptions {
            sample_type,
            node_fraction: 0.0,
            edge_fraction: 0.001,
            node_count: 0,
            inline_marks: true,
            drop_negative: false,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Top {
    pub rows: Vec<TopRow>,
    /// Sum of absolute sample values (pprof's report total).
    pub total: i64,
    /// Rows before `node_count` cut them (after the node fraction).
    pub rows_before_count: usize,
    /// Rows dropped by the node fraction, and the cutoff used.
    pub dropped: usize,
    pub node_cutoff: i64,
}

/// Flat and cum per key of one column (added to `flat` and `cum`): the
/// column's own sums ([`Column::flat`], [`Column::cum`]) when it was made
/// over `tree`, else one pass in node order; a node's total counts towards
/// its key's cum only where the key is not already on the path (recursion).
pub fn key_values(tree: &CallTree, col: &Column, flat: &mut [i64], cum: &mut [i64]) {
    // The column summed them with its nodes.
    if col.flat.len() == tree.keys.len() && col.totals.len() == tree.len() {
        for (k, (f, c)) in flat.iter_mut().zip(cum.iter_mut()).enumerate() {
            *f = f.wrapping_add(col.flat[k]);
            *c = c.wrapping_add(col.cum[k]);
        }
        return;
    }
    #[allow(clippy::needless_range_loop)] // n indexes several parallel columns
    // A node's self value is its total less its children's: add each
    // total to its own key's flat and take it from its parent's.
    for n in 1..tree.len() {
        let k = tree.key_of(n as u32) as usize;
        flat[k] = flat[k].wrapping_add(col.totals[n]);
        let pa = tree.parent[n];
        if pa != ROOT {
            let pk = tree.key_of(pa) as usize;
            flat[pk] = flat[pk].wrapping_sub(col.totals[n]);
        }
        if tree.flags[n] & FIRST != 0 {
            cum[k] = cum[k].wrapping_add(col.totals[n]);
        }
    }
}

/// Computes the top table of `tree` for one sample type.
pub fn top(p: &Profile, tree: &CallTree, opts: &TopOptions) -> Top {
    top_keys(p, tree, opts).named(&tree.keys.names, p.total(opts.sample_type))
}

/// A row of [`top_keys`]: a [`TopRow`] whose name is its key's in the tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyRow {
    pub key: u32,
    pub flat: i64,
    pub cum: i64,
    pub inline: InlineMark,
}

/// [`Top`] with rows by key, names left in the tree (and no total:
/// [`KeyTop::named`] takes it).
#[derive(Debug, Clone)]
pub struct KeyTop {
    pub rows: Vec<KeyRow>,
    pub rows_before_count: usize,
    pub dropped: usize,
    pub node_cutoff: i64,
}

impl KeyTop {
    /// The table with each row's key name (`names` by key) and the
    /// profile's `total` of the sample type.
    pub fn named(self, names: &[String], total: i64) -> Top {
        Top {
            rows: self
                .rows
                .into_iter()
                .map(|r| TopRow {
                    key: r.key,
                    name: names[r.key as usize].clone(),
                    flat: r.flat,
                    cum: r.cum,
                    inline: r.inline,
                })
                .collect(),
            total,
            rows_before_count: self.rows_before_count,
            dropped: self.dropped,
            node_cutoff: self.node_cutoff,
        }
    }
}

/// [`top`] without copying names: a table of a million functions is a
/// million rows.
pub fn top_keys(p: &Profile, tree: &CallTree, opts: &TopOptions) -> KeyTop {
    top_keys_of(tree, &tree.column(p, opts.sample_type), opts)
}

/// [`top_keys`] from `col`, the tree's column of the sample type asked for
/// (one already made).
pub fn top_keys_of(tree: &CallTree, col: &Column, opts: &TopOptions) -> KeyTop {
    let nk = tree.keys.len();
    let mut flat = vec![0i64; nk];
    let mut cum = vec![0i64; nk];
    key_values(tree, col, &mut flat, &mut cum);
    let values = KeyValues {
        names: &tree.keys.names,
        flat,
        cum,
    };
    rows_of(values, opts, |kept, all_kept, edge_cutoff| {
        if !tree.has_inlined() {
            // No call is inlined: no row is marked.
            vec![InlineMark::None; nk]
        } else if all_kept {
            inline_marks_all_kept(tree, col, edge_cutoff)
        } else {
            inline_marks(tree, col, kept, edge_cutoff)
        }
    })
}

/// Flat and cum per key of one sample type, and the keys' names: what a
/// top table's rows are made of.
pub(crate) struct KeyValues<'a> {
    pub names: &'a [String],
    pub flat: Vec<i64>,
    pub cum: Vec<i64>,
}

/// The top table of these values: rows present and kept by the node
/// fraction, sorted as pprof sorts them, cut to the node count. `marks(kept,
/// all_kept, edge_cutoff)` gives the inline marks of the call graph of the
/// kept keys (`all_kept`: no key with a value was dropped).
pub(crate) fn rows_of(
    values: KeyValues,
    opts: &TopOptions,
    marks: impl Fn(&[bool], bool, i64) -> Vec<InlineMark>,
) -> KeyTop {
    let KeyValues { names, flat, cum } = values;
    let nk = flat.len();
    let negative = |k: usize| flat[k] < 0 || (flat[k] == 0 && cum[k] < 0);
    let present: Vec<bool> = (0..nk)
        .map(|k| (flat[k] != 0 || cum[k] != 0) && !(opts.drop_negative && negative(k)))
        .collect();
    let total_value: i64 = (0..nk)
        .filter(|&k| present[k])
        .fold(0i64, |a, k| a.wrapping_add(flat[k]));
    let node_cutoff = (total_value as f64 * opts.node_fraction) as i64;
    let node_cutoff = node_cutoff.wrapping_abs();
    let mut kept = present.clone();
    let mut dropped = 0;
    if node_cutoff > 0 {
        for k in 0..nk {
            if kept[k] && cum[k].wrapping_abs() < node_cutoff {
                kept[k] = false;
                dropped += 1;
            }
        }
    }
    let edge_cutoff = ((total_value as f64 * opts.edge_fraction) as i64).wrapping_abs();
    let marks_of = if !opts.inline_marks {
        vec![InlineMark::None; nk]
    } else {
        marks(&kept, dropped == 0, edge_cutoff)
    };

    let mut rows: Vec<KeyRow> = (0..nk)
        .filter(|&k| kept[k])
        .map(|k| KeyRow {
            key: k as u32,
            flat: flat[k],
            cum: cum[k],
            inline: marks_of[k],
        })
        .collect();
    rows.sort_by(|a, b| {
        b.flat
            .wrapping_abs()
            .cmp(&a.flat.wrapping_abs())
            .then_with(|| names[a.key as usize].cmp(&names[b.key as usize]))
            .then_with(|| b.cum.wrapping_abs().cmp(&a.cum.wrapping_abs()))
    });
    let rows_before_count = rows.len();
    if opts.node_count > 0 && rows.len() > opts.node_count {
        rows.truncate(opts.node_count);
        if opts.inline_marks {
            // pprof rebuilds its graph from the nodes it keeps: a row whose
            // callers were all cut has no edge in, hence no inline mark.
            let mut shown = vec![false; nk];
            for r in &rows {
                shown[r.key as usize] = true;
            }
            let marks_of = marks(&shown, false, edge_cutoff);
            for r in &mut rows {
                r.inline = marks_of[r.key as usize];
            }
        }
    }
    KeyTop {
        rows,
        rows_before_count,
        dropped,
        node_cutoff,
    }
}

/// The inline marks when every node is kept: one pass in node order over
/// the nodes of the keys inlined somewhere (a key never inlined is never
/// marked), using the tree's precomputed first-occurrence flags.
fn inline_marks_all_kept(tree: &CallTree, col: &Column, edge_cutoff: i64) -> Vec<InlineMark> {
    let totals = &col.totals;
    let nk = tree.keys.len();
    let mut index = EdgeIndex::new(nk);
    let mut edges: Vec<(u64, i64, bool)> = Vec::new();
    for &n in tree.inline_keyed() {
        let n = n as usize;
        if tree.flags[n] & EDGE_FIRST == 0 || !col.nonzero[n] {
            continue;
        }
        let pk = tree.key_of(tree.parent[n]);
        let k = tree.key_of(n as u32);
        let slot = (u64::from(pk) << 32) | u64::from(k);
        let next = edges.len() as u32;
        let ei = index.get_or_add(pk, k, next);
        if ei == next {
            edges.push((slot, 0, true));
        }
        let e = &mut edges[ei as usize];
        e.1 = e.1.wrapping_add(totals[n]);
        e.2 &= tree.is_inlined(n as u32);
    }
    marks_from_edges(
        nk,
        edges
            .into_iter()
            .filter(|e| e.1.wrapping_abs() >= edge_cutoff)
            .map(|e| (e.0, e.2)),
    )
}

pub(crate) fn marks_from_edges(
    nk: usize,
    edges: impl Iterator<Item = (u64, bool)>,
) -> Vec<InlineMark> {
    let mut has_inline = vec![false; nk];
    let mut has_plain = vec![false; nk];
    for (slot, all_inline) in edges {
        let child = (slot & 0xffff_ffff) as usize;
        if all_inline {
            has_inline[child] = true;
        } else {
            has_plain[child] = true;
        }
    }
    (0..nk)
        .map(|k| match (has_inline[k], has_plain[k]) {
            (true, true) => InlineMark::PartialInline,
            (true, false) => InlineMark::Inline,
            _ => InlineMark::None,
        })
        .collect()
}

/// pprof's `(inline)` / `(partial-inline)` marks: from the call edges into a
/// node (counted once per stack, ignoring self-calls and nodes not kept),
/// after dropping edges lighter than the cutoff.
fn inline_marks(tree: &CallTree, col: &Column, kept: &[bool], edge_cutoff: i64) -> Vec<InlineMark> {
    let totals = &col.totals;
    #[derive(Clone, Copy)]
    struct Edge {
        slot: u64,
        weight: i64,
        all_inline: bool,
        exists: bool,
        /// Occurrences on the current path (a pair counts once per stack).
        active: u32,
    }
    let nk = tree.keys.len();
    let mut index = EdgeIndex::new(nk);
    let mut edges: Vec<Edge> = Vec::new();
    // (node, next child, effective parent key, edge entered or NONE)
    let mut stack: Vec<(u32, u32, u32, u32)> = vec![(ROOT, 0, NONE, NONE)];
    while let Some(top) = stack.last_mut() {
        let (node, ci, eff_parent, _) = *top;
        let kids = tree.children_of(node);
        if (ci as usize) < kids.len() {
            top.1 += 1;
            let c = kids[ci as usize];
            let k = tree.key_of(c);
            if !kept[k as usize] {
                // Transparent: its children see the same effective parent.
                stack.push((c, 0, eff_parent, NONE));
                continue;
            }
            let mut entered = NONE;
            if eff_parent != NONE && eff_parent != k {
                let slot = (u64::from(eff_parent) << 32) | u64::from(k);
                let next = edges.len() as u32;
                let ei = index.get_or_add(eff_parent, k, next);
                if ei == next {
                    edges.push(Edge {
                        slot,
                        weight: 0,
                        all_inline: true,
                        exists: false,
                        active: 0,
                    });
                }
                let e = &mut edges[ei as usize];
                if e.active == 0 && col.nonzero[c as usize] {
                    e.weight = e.weight.wrapping_add(totals[c as usize]);
                    e.exists = true;
                    e.all_inline &= tree.is_inlined(c);
                }
                e.active += 1;
                entered = ei;
            }
            stack.push((c, 0, k, entered));
        } else {
            let entered = top.3;
            stack.pop();
            if entered != NONE {
                edges[entered as usize].active -= 1;
            }
        }
    }
    marks_from_edges(
        nk,
        edges
            .iter()
            .filter(|e| e.exists && e.weight.wrapping_abs() >= edge_cutoff)
            .map(|e| (e.slot, e.all_inline)),
    )
}

/// Edge index by (caller key, callee key): a dense table when the keys are
/// few enough (one load per lookup), else a hash map.
pub(crate) enum EdgeIndex {
    Dense { nk: usize, index: Vec<u32> },
    Sparse(FxHashMap<u64, u32>),
}

impl EdgeIndex {
    /// Keys up to this many get a dense table (4 MB at most).
    const DENSE_KEYS: usize = 1024;

    pub(crate) fn new(nk: usize) -> EdgeIndex {
        if nk <= Self::DENSE_KEYS {
            EdgeIndex::Dense {
                nk,
                index: vec![NONE; nk * nk],
            }
        } else {
            EdgeIndex::Sparse(FxHashMap::with_capacity_and_hasher(256, Default::default()))
        }
    }

    /// The index of the edge caller → callee; `next` (recorded) when it
    /// has none yet.
    #[inline]
    pub(crate) fn get_or_add(&mut self, caller: u32, callee: u32, next: u32) -> u32 {
        match self {
            EdgeIndex::Dense { nk, index } => {
                let e = &mut index[caller as usize * *nk + callee as usize];
                if *e == NONE {
                    *e = next;
                }
                *e
            }
            EdgeIndex::Sparse(map) => *map
                .entry((u64::from(caller) << 32) | u64::from(callee))
                .or_insert(next),
        }
    }
}
