//! Flame-graph layout: pure geometry in unit space. Given a call tree,
//! non-negative node weights and a zoom node, produce one rectangle per
//! visible frame (x and width as fractions of the view, depth in rows).
//! Frames narrower than the minimum width are culled with their subtrees, so
//! a million-node tree lays out in a few milliseconds. The zoomed node fills
//! the width and its ancestors stay visible above it, full width. Nothing
//! here recurses.

use crate::tree::{CallTree, ROOT};

/// One laid-out frame.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    pub node: u32,
    /// Left edge, 0..1 of the view width.
    pub x: f64,
    /// Width, 0..1 of the view width.
    pub w: f64,
    /// Row: 0 is the top-most frame below the root.
    pub depth: u32,
}

#[derive(Debug, Clone, Default)]
pub struct Layout {
    pub rects: Vec<Rect>,
    /// Frames hidden because they were narrower than the minimum width.
    pub culled: usize,
    /// Deepest row laid out, plus one.
    pub rows: u32,
    /// The zoomed frame and the ancestors drawn above it: the first rects.
    pub path: usize,
    /// Frames deeper than [`MAX_ROWS`] were left out.
    pub deeper: bool,
}

/// Ancestors of a zoomed frame drawn above it: the nearest ones (the
/// breadcrumb names them all), so a zoom deep in a 100 000-frame stack
/// still shows what is below it.
pub const MAX_ANCESTORS: usize = 24;

/// Rows laid out at most: 600 rows of 18 px are 10 800 CSS pixels, which a
/// canvas can hold even at 3 device pixels per CSS pixel (browsers refuse
/// canvases over 32 767 pixels). Zooming in shows what is deeper.
pub const MAX_ROWS: u32 = 600;

/// Children of `node` in the order they are drawn: by name, then id.
pub fn ordered_children(tree: &CallTree, node: u32) -> Vec<u32> {
    let mut kids = tree.children_of(node).to_vec();
    heaplens_profile::sorting::sort_by(&mut kids, |&a, &b| {
        tree.name(a).cmp(tree.name(b)).then(a.cmp(&b))
    });
    kids
}

/// Lays out `tree` zoomed on `zoom` (ROOT for the whole tree). `weight`
/// gives each node's width (e.g. |total| of a sample type; asked only of
/// the nodes laid out, so nothing is computed for the whole tree); frames
/// narrower than `min_width` (a fraction of the view, e.g. one pixel) are
/// culled.
pub fn layout(tree: &CallTree, weight: &Weight<'_>, zoom: u32, min_width: f64) -> Layout {
    let weight = |n: u32| weight.of(n);
    let mut out = Layout::default();
    let zoom = if (zoom as usize) < tree.len() {
        zoom
    } else {
        ROOT
    };
    // The zoomed node and its nearest ancestors, full width.
    let path = tree.path(zoom);
    let skip = path.len().saturating_sub(MAX_ANCESTORS + 1);
    for (i, &n) in path[skip..].iter().enumerate() {
        out.rects.push(Rect {
            node: n,
            x: 0.0,
            w: 1.0,
            depth: i as u32,
        });
    }
    out.path = path.len() - skip;
    let base_depth = out.path as u32;
    let zw = weight(zoom);
    if zw == 0 {
        out.rows = base_depth;
        return out;
    }
    let scale = 1.0 / zw as f64;
    // Explicit stack of (node, x, depth-of-its-children).
    let mut stack: Vec<(u32, f64, u32)> = vec![(zoom, 0.0, base_depth)];
    let mut rows = base_depth;
    while let Some((node, x0, depth)) = stack.pop() {
        let mut x = x0;
        if depth >= MAX_ROWS {
            out.deeper |= !tree.children_of(node).is_empty();
            continue;
        }
        let kids = ordered_children(tree, node);
        let mut pending: Vec<(u32, f64, u32)> = Vec::new();
        for c in kids {
            let w = weight(c) as f64 * scale;
            if w <= 0.0 {
                continue;
            }
            if w < min_width {
                out.culled += 1;
                x += w;
                continue;
            }
            out.rects.push(Rect {
                node: c,
                x,
                w,
                depth,
            });
            rows = rows.max(depth + 1);
            pending.push((c, x, depth + 1));
            x += w;
        }
        // Push in reverse so the leftmost child is laid out first.
        stack.extend(pending.into_iter().rev());
    }
    out.rows = rows;
    out
}

/// A node's width in a layout: the absolute value of its total in one
/// column, or the larger of two (a diff's new and base). A closed set
/// rather than a closure, so that the layout is compiled once, here, with
/// the rest of the hot path.
#[derive(Debug, Clone, Copy)]
pub enum Weight<'a> {
    Abs(&'a [i64]),
    Max(&'a [i64], &'a [i64]),
}

impl Weight<'_> {
    #[inline]
    pub fn of(&self, n: u32) -> u64 {
        let abs = |t: &[i64]| t.get(n as usize).map_or(0, |v| v.unsigned_abs());
        match self {
            Weight::Abs(t) => abs(t),
            Weight::Max(a, b) => abs(a).max(abs(b)),
        }
    }
}

/// Layout weights from a totals vector: each node's absolute total.
pub fn abs_weights(totals: &[i64]) -> Weight<'_> {
    Weight::Abs(totals)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zoomed_node_fills_the_width_and_ancestors_stay() {
        // Build a small profile: main -> a -> x (3), main -> b (1).
        use heaplens_profile::proto;
        use prost::Message;
        let mut p = proto::Profile {
            string_table: ["", "samples", "count", "main", "a", "b", "x"]
                .iter()
                .map(|s| s.as_bytes().to_vec())
                .collect(),
            ..Default::default()
        };
        p.sample_type.push(proto::ValueType { r#type: 1, unit: 2 });
        for (i, name) in [3i64, 4, 5, 6].iter().enumerate() {
            let id = i as u64 + 1;
            p.function.push(proto::Function {
                id,
                name: *name,
                ..Default::default()
            });
            p.location.push(proto::Location {
                id,
                line: vec![proto::Line {
                    function_id: id,
                    line: 1,
                    column: 0,
                }],
                ..Default::default()
            });
        }
        p.sample.push(proto::Sample {
            location_id: vec![4, 2, 1],
            value: vec![3],
            label: vec![],
        });
        p.sample.push(proto::Sample {
            location_id: vec![3, 1],
            value: vec![1],
            label: vec![],
        });
        let prof = heaplens_profile::decode::decode(&p.encode_to_vec()).expect("decode");
        let tree = CallTree::build(&prof, crate::Granularity::Functions);
        let col = tree.column(&prof, 0);
        let w = abs_weights(&col.totals);
        let l = layout(&tree, &w, ROOT, 0.0);
        let mut names: Vec<(&str, f64, f64, u32)> = l
            .rects
            .iter()
            .map(|r| (tree.name(r.node), r.x, r.w, r.depth))
            .collect();
        names.sort_by(|a, b| a.3.cmp(&b.3).then(a.1.total_cmp(&b.1)));
        assert_eq!(
            names,
            vec![
                ("main", 0.0, 1.0, 0),
                ("a", 0.0, 0.75, 1),
                ("b", 0.75, 0.25, 1),
                ("x", 0.0, 0.75, 2)
            ]
        );
        assert_eq!(l.rows, 3);
        // Zoom on a: main stays above, a fills the width.
        let a = l.rects[1].node;
        let z = layout(&tree, &w, a, 0.0);
        let names: Vec<(&str, f64, f64, u32)> = z
            .rects
            .iter()
            .map(|r| (tree.name(r.node), r.x, r.w, r.depth))
            .collect();
        assert_eq!(
            names,
            vec![
                ("main", 0.0, 1.0, 0),
                ("a", 0.0, 1.0, 1),
                ("x", 0.0, 1.0, 2)
            ]
        );
        // Culling: with a minimum width of 0.3, b (0.25) is hidden.
        let c = layout(&tree, &w, ROOT, 0.3);
        assert_eq!(c.culled, 1);
        assert!(c.rects.iter().all(|r| tree.name(r.node) != "b"));
    }
}
