//! The flame graph's tree of a shaped view (bottom-up, a sandwich,
//! recursion collapsed), built only as far as the graph can show it.
//!
//! The whole tree of a shape can be many times the function tree: a
//! bottom-up tree of a million distinct stacks ten frames deep has millions
//! of nodes, most of them far narrower than a pixel. Here the function
//! tree's distinct stacks ("items", one per node that samples end at) are
//! rewritten by the shape once ([`ShapedStacks`]), and a tree is grown from
//! them breadth first, a node's items partitioned among its children by
//! their next frame. A node gets children only when the layout could draw
//! it: it is on the path to the zoomed frame, or in the zoomed frame's
//! subtree and at least half the layout's minimum width. Every node the
//! layout draws therefore has all its children, and the layout of the
//! pruned tree is the layout of the whole tree (the same rectangles, the
//! same culled count). A node without children stands for its whole
//! subtree: its total is right, its self value is not (it is never drawn).

mod grower;
mod stacks;
mod types;

use crate::tree::{CallTree, ROOT};
use grower::{Grower, Rowed};
use heaplens_profile::model::NONE;
pub use stacks::ShapedStacks;
pub use types::Widths;
use types::{Place, Sums};

/// The tree of `stacks` (made from `plain`, the function tree of the
/// profile) grown as far as a flame graph zoomed on the frame `zoom` names
/// can draw it, when frames narrower than `min_width` of the view are
/// culled (as [`crate::layout::layout`] is given), the frames as wide as
/// the stacks' widths ([`ShapedStacks::set_widths`]). Its flags are not
/// set: it is drawn, never used for a table.
pub fn grow(plain: &CallTree, stacks: &ShapedStacks, zoom: &[String], min_width: f64) -> CallTree {
    let items = stacks.len();
    let mut g = Grower {
        names: &plain.keys.names,
        climb: stacks.climb.map(|d| (d, &plain.key[..], &plain.parent[..])),
        zoom,
        min_width,
        parent: Vec::new(),
        key: Vec::new(),
        depth: Vec::new(),
        sums: Vec::new(),
        item_node: vec![NONE; items],
        zoomed: None,
        bucket_of: Vec::new(),
        bucket_of_key: vec![0; plain.keys.len() * 2],
        stamp: vec![NONE; plain.keys.len() * 2],
    };
    let mut root = Sums::default();
    let mut pos = 0;
    while pos < stacks.records.len() {
        root.add_record(&stacks.records, pos);
        pos += stacks.record_len(pos);
    }
    g.push(NONE, NONE, 0, root);
    let place = if zoom.is_empty() {
        g.zoomed = Some((root.weight() as f64, 0));
        Place::Below
    } else {
        Place::Path(0)
    };
    let mut row = vec![Rowed {
        node: ROOT,
        place,
        start: 0,
        end: stacks.records.len(),
        skip: 0,
    }];
    // The root's records are the stacks'; each row's are copied to a
    // buffer of its own.
    let mut buf: Vec<u32> = Vec::new();
    let mut next: Vec<u32> = Vec::new();
    let mut first_row = true;
    while !row.is_empty() {
        let mut next_row = Vec::new();
        next.clear();
        let from = if first_row { &stacks.records } else { &buf };
        for &at in &row {
            g.split(at, from, &mut next, &mut next_row);
        }
        first_row = false;
        std::mem::swap(&mut buf, &mut next);
        row = next_row;
    }
    let leaf = plain
        .leaf
        .iter()
        .map(|&l| {
            stacks
                .item_of
                .get(l as usize)
                .and_then(|&i| g.item_node.get(i as usize))
                .copied()
                .unwrap_or(NONE)
        })
        .collect();
    let flags = vec![0; g.parent.len()];
    CallTree::from_parts(plain.keys.clone(), (g.parent, g.key, flags), leaf)
}
