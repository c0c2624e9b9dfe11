//! The pipeline's step for the flame graph in a shape other than the
//! function tree's (bottom-up, a sandwich, recursion collapsed). A
//! top-down shape (recursion folded, a function's callees) is made whole
//! from the function tree's nodes (`heaplens_analysis::mapped`), once per
//! shape. Bottom-up and callers are not: the shape's stacks are made once
//! per shape, and the tree is grown from them as far as the view can draw
//! it (`heaplens_analysis::pruned`), again when the zoom, the width, the
//! sample type or the diff's width mode change.
//! The whole shaped tree (for the folded export and the CLI) is
//! [`crate::pipeline::Prepared::graph_tree`].

use std::rc::Rc;

use heaplens_analysis::mapped;
use heaplens_analysis::pruned::{grow, ShapedStacks, Widths};
use heaplens_analysis::{CallTree, GraphView, Shape};
use heaplens_profile::Profile;

use crate::params::WidthBy;

/// Whether `shape` draws the function tree `functions` as it is: top-down
/// with recursion kept, or folded where no function calls itself.
pub fn draws_functions(shape: &Shape, functions: &CallTree) -> bool {
    shape.is_identity() || (shape.view == GraphView::TopDown && !functions.has_recursion())
}

/// What a grown tree depends on (besides the prepared profile).
#[derive(Debug, Clone, PartialEq)]
pub struct GraphKey {
    pub shape: Shape,
    pub sample_type: usize,
    /// In a diff, which profile the frames are as wide as.
    pub width_by: WidthBy,
    /// The zoomed frame's names (as [`crate::params::ViewParams::zoom`]).
    pub zoom: Vec<String>,
    /// Frames narrower than this share of the view are not drawn.
    pub min_width: f64,
}

/// A shape's stacks with the widths last set on them.
struct Stacks {
    shape: Shape,
    stacks: ShapedStacks,
    /// (sample type, width mode) of the widths set.
    widths: Option<(usize, WidthBy)>,
    /// Each stack's value of the profile shown (the new one in a diff):
    /// what a search's matched total sums.
    shown: Vec<i64>,
}

/// The grown graphs of one prepared profile: one shape's stacks and one
/// grown tree are kept.
#[derive(Default)]
pub struct Graphs {
    stacks: Option<Stacks>,
    grown: Option<(GraphKey, Rc<CallTree>, u64)>,
    grows: u64,
}

impl Graphs {
    /// The tree `key` asks for, of `p` (whose function tree is
    /// `functions`; `split` is where a diff's base samples start), and a
    /// number no other tree grown here had (to key what is computed over
    /// it).
    pub fn grown(
        &mut self,
        p: &Profile,
        functions: &CallTree,
        split: Option<usize>,
        key: GraphKey,
    ) -> (Rc<CallTree>, u64) {
        // A top-down shape's whole tree is made at once, and kept for every
        // zoom, width and sample type.
        let whole = mapped::maps(&key.shape);
        let key = if whole {
            GraphKey {
                zoom: Vec::new(),
                sample_type: 0,
                width_by: WidthBy::New,
                min_width: 0.0,
                ..key
            }
        } else {
            key
        };
        if let Some((k, t, n)) = &self.grown {
            if *k == key {
                return (t.clone(), *n);
            }
        }
        self.grown = None;
        if whole {
            self.stacks = None;
            let tree = Rc::new(mapped::map(functions, &key.shape));
            self.grows += 1;
            self.grown = Some((key, tree.clone(), self.grows));
            return (tree, self.grows);
        }
        if self.stacks.as_ref().is_some_and(|s| s.shape != key.shape) {
            // Free the old shape's stacks before making the new.
            self.stacks = None;
        }
        let s = self.stacks.get_or_insert_with(|| Stacks {
            shape: key.shape.clone(),
            stacks: ShapedStacks::new(functions, &key.shape),
            widths: None,
            shown: Vec::new(),
        });
        let widths = (key.sample_type, key.width_by);
        if s.widths != Some(widths) {
            let ty = key.sample_type;
            let n = p.num_samples();
            let new = s
                .stacks
                .values(functions, p, ty, 0..split.unwrap_or(n), false);
            match split {
                None => s.stacks.set_widths(Widths::Abs(&new)),
                Some(at) => {
                    let base = s.stacks.values(functions, p, ty, at..n, true);
                    s.stacks.set_widths(match key.width_by {
                        WidthBy::New => Widths::Abs(&new),
                        WidthBy::Base => Widths::Abs(&base),
                        WidthBy::Max => Widths::Max(&new, &base),
                    });
                }
            }
            s.shown = new;
            s.widths = Some(widths);
        }
        let tree = Rc::new(grow(functions, &s.stacks, &key.zoom, key.min_width));
        self.grows += 1;
        self.grown = Some((key, tree.clone(), self.grows));
        (tree, self.grows)
    }

    /// The tree last grown, and its number, if it is of `shape`.
    pub fn last(&self, shape: &Shape) -> Option<(Rc<CallTree>, u64)> {
        self.grown
            .as_ref()
            .filter(|(k, _, _)| k.shape == *shape)
            .map(|(_, t, n)| (t.clone(), *n))
    }

    /// The value shown of the stacks of the last grown tree that hold a
    /// key `matches` marks: a search's matched total, however far the tree
    /// was grown.
    pub fn matched_total(&self, functions: &CallTree, matches: &[bool]) -> Option<i64> {
        // A whole tree has every frame: the search is counted in it.
        let s = self.stacks.as_ref()?;
        Some(s.stacks.matched_total(functions, &s.shown, matches))
    }
}
