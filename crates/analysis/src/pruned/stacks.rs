//! A shape's stacks as the records the tree is grown from.

use super::types::{Widths, HEAD};
use crate::shape::{GraphView, Recursion, Shape};
use crate::tree::{CallTree, ROOT};
use heaplens_profile::model::{Profile, NONE};

/// A shape's stacks: one per distinct stack of the function tree, as the
/// records [`grow`] reads, in item order, so that growing starts without a
/// copy. A record is `[item, n, width values, n keys]`; but where the
/// shape reads a stack from a frame up to the root (bottom-up, callers,
/// recursion kept or direct calls folded) it is `[item, node, width
/// values]`: the function tree's node the stack goes on from, a sixth of
/// the words to move while growing.
#[derive(Debug, Clone, Default)]
pub struct ShapedStacks {
    /// The item of each node of the function tree: set where samples end
    /// and the shape leaves their stack non-empty.
    pub(super) item_of: Vec<u32>,
    pub(super) records: Vec<u32>,
    items: usize,
    /// Set when records hold nodes to climb from: whether a function's
    /// direct calls of itself are one frame.
    pub(super) climb: Option<bool>,
}

impl ShapedStacks {
    /// The stacks of `tree` (a function tree) rewritten by `shape`.
    pub fn new(tree: &CallTree, shape: &Shape) -> ShapedStacks {
        let mut ends = vec![false; tree.len()];
        for &l in &tree.leaf {
            if let Some(e) = ends.get_mut(l as usize) {
                *e = true;
            }
        }
        let subject = shape
            .view
            .function()
            .and_then(|f| tree.keys.names.iter().position(|n| n == f))
            .map(|k| k as u32);
        let climb = match (&shape.view, shape.recursion) {
            (_, Recursion::All) => None,
            (GraphView::BottomUp | GraphView::Callers(_), r) => Some(r == Recursion::Direct),
            _ => None,
        };
        let mut out = ShapedStacks {
            item_of: vec![NONE; tree.len()],
            records: Vec::new(),
            items: 0,
            climb,
        };
        if climb.is_some() {
            out.climbing(
                tree,
                &ends,
                subject,
                matches!(shape.view, GraphView::Callers(_)),
            );
            return out;
        }
        let mut seen = vec![0u32; tree.keys.len()];
        let mut stack: Vec<u32> = Vec::new();
        for (node, _) in ends.iter().enumerate().filter(|(_, &e)| e) {
            stack.clear();
            let mut at = node as u32;
            while at != ROOT && at != NONE {
                stack.push(tree.key[at as usize]);
                at = tree.parent[at as usize];
            }
            stack.reverse();
            shape.apply(&mut stack, subject, &mut seen);
            // A shape draws no empty stack; the plain tree's samples
            // without frames are the root's own.
            if stack.is_empty() && !shape.is_identity() {
                continue;
            }
            out.item_of[node] = out.items as u32;
            out.records
                .extend_from_slice(&[out.items as u32, stack.len() as u32, 0, 0, 0, 0]);
            out.records.extend_from_slice(&stack);
            out.items += 1;
        }
        out
    }

    /// The records of a climbing shape: from each node samples end at
    /// (bottom-up), or from its outermost call of `subject` (callers).
    fn climbing(&mut self, tree: &CallTree, ends: &[bool], subject: Option<u32>, callers: bool) {
        // The outermost call of the subject on each node's path.
        let outer: Vec<u32> = if callers {
            let mut outer = vec![NONE; tree.len()];
            for n in 1..tree.len() {
                let above = outer[tree.parent[n] as usize];
                outer[n] = if above != NONE {
                    above
                } else if Some(tree.key[n] >> 1) == subject {
                    n as u32
                } else {
                    NONE
                };
            }
            outer
        } else {
            Vec::new()
        };
        for (node, _) in ends.iter().enumerate().filter(|(_, &e)| e) {
            let from = if callers { outer[node] } else { node as u32 };
            if from == ROOT || from == NONE {
                continue;
            }
            self.item_of[node] = self.items as u32;
            self.records
                .extend_from_slice(&[self.items as u32, from, 0, 0, 0, 0]);
            self.items += 1;
        }
    }

    /// The number of distinct stacks.
    pub fn len(&self) -> usize {
        self.items
    }

    pub fn is_empty(&self) -> bool {
        self.items == 0
    }

    /// Words of the record at `pos`.
    pub(super) fn record_len(&self, pos: usize) -> usize {
        match self.climb {
            Some(_) => HEAD,
            None => HEAD + self.records[pos + 1] as usize,
        }
    }

    /// Each item's sum of sample type `ty` over the samples in `range` of
    /// `p` (the profile `tree` was built from), negated when `negate` (a
    /// diff's base part), wrapping as the tree's columns do.
    pub fn values(
        &self,
        tree: &CallTree,
        p: &Profile,
        ty: usize,
        range: std::ops::Range<usize>,
        negate: bool,
    ) -> Vec<i64> {
        let mut out = vec![0i64; self.len()];
        if ty >= p.num_types() {
            return out;
        }
        let end = range.end.min(tree.leaf.len());
        for s in range.start.min(end)..end {
            let Some(&item) = self.item_of.get(tree.leaf[s] as usize) else {
                continue;
            };
            if let Some(slot) = out.get_mut(item as usize) {
                let v = p.value(s, ty);
                *slot = slot.wrapping_add(if negate { v.wrapping_neg() } else { v });
            }
        }
        out
    }

    /// Sets the values the frames are as wide as (per item, from
    /// [`ShapedStacks::values`]) for the next [`grow`].
    pub fn set_widths(&mut self, widths: Widths<'_>) {
        let mut pos = 0;
        while pos < self.records.len() {
            let item = self.records[pos];
            for c in 0..2 {
                let v = widths.of(item, c) as u64;
                self.records[pos + 2 + 2 * c] = v as u32;
                self.records[pos + 3 + 2 * c] = (v >> 32) as u32;
            }
            pos += self.record_len(pos);
        }
    }

    /// The sum of `values` (per item) over the stacks holding a key that
    /// `matches`: what a search matches in the shaped graph, however far
    /// its tree was grown. `tree` is the function tree the stacks are of.
    pub fn matched_total(&self, tree: &CallTree, values: &[i64], matches: &[bool]) -> i64 {
        let matched = |k: u32| matches.get((k >> 1) as usize).copied().unwrap_or(false);
        let mut sum = 0i64;
        let mut pos = 0;
        while pos < self.records.len() {
            let item = self.records[pos];
            let hit = match self.climb {
                // Folding direct calls drops no function from a stack.
                Some(_) => {
                    let mut at = self.records[pos + 1];
                    let mut hit = false;
                    while at != ROOT && at != NONE && !hit {
                        hit = matched(tree.key[at as usize]);
                        at = tree.parent[at as usize];
                    }
                    hit
                }
                None => {
                    let n = self.records[pos + 1] as usize;
                    self.records[pos + HEAD..pos + HEAD + n]
                        .iter()
                        .any(|&k| matched(k))
                }
            };
            if hit {
                sum = sum.wrapping_add(values.get(item as usize).copied().unwrap_or(0));
            }
            pos += self.record_len(pos);
        }
        sum
    }
}
