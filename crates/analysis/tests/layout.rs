//! The flame-graph layout's edges worked out by hand: a zoom that is no
//! node, a zoom deeper than the ancestors drawn, a zoom on a frame without
//! value, the row limit, culling at exactly the minimum width and the room
//! a culled frame leaves, and the weights of a diff.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{folded, Builder};
use heaplens_analysis::layout::{abs_weights, layout, Layout, Weight, MAX_ANCESTORS, MAX_ROWS};
use heaplens_analysis::tree::ROOT;
use heaplens_analysis::{CallTree, Granularity};

/// The rectangles as (name, x, w, depth).
fn named(tree: &CallTree, l: &Layout) -> Vec<(String, f64, f64, u32)> {
    l.rects
        .iter()
        .map(|r| (tree.name(r.node).to_string(), r.x, r.w, r.depth))
        .collect()
}

/// A chain `f0;f1;...;f{n-1}` with value 1.
fn chain(n: usize) -> String {
    let frames: Vec<String> = (0..n).map(|i| format!("f{i}")).collect();
    format!("{} 1\n", frames.join(";"))
}

/// The node of the chain's frame `f{i}`.
fn node_of(tree: &CallTree, i: usize) -> u32 {
    (1..tree.len() as u32)
        .find(|&n| tree.name(n) == format!("f{i}"))
        .unwrap()
}

#[test]
fn a_zoom_that_is_no_node_lays_out_the_whole_tree() {
    let p = folded("main;a 3\nmain;b 1\n");
    let tree = CallTree::build(&p, Granularity::Functions);
    let col = tree.column(&p, 0);
    let w = abs_weights(&col.totals);
    let whole = layout(&tree, &w, ROOT, 0.0);
    for zoom in [tree.len() as u32, tree.len() as u32 + 7, u32::MAX] {
        let l = layout(&tree, &w, zoom, 0.0);
        assert_eq!(l.rects, whole.rects, "zoom {zoom}");
        assert_eq!((l.rows, l.path, l.culled), (2, 0, 0));
    }
    assert_eq!(
        named(&tree, &whole),
        [
            ("main".to_string(), 0.0, 1.0, 0),
            ("a".to_string(), 0.0, 0.75, 1),
            ("b".to_string(), 0.75, 0.25, 1)
        ]
    );
}

#[test]
fn a_deep_zoom_keeps_its_nearest_ancestors_above_it() {
    // A chain of 40 frames zoomed on f30: the 24 nearest ancestors (f6 to
    // f29) and f30 full width in rows 0..=24, then f31..f39 below.
    let p = folded(&chain(40));
    let tree = CallTree::build(&p, Granularity::Functions);
    let col = tree.column(&p, 0);
    let l = layout(&tree, &abs_weights(&col.totals), node_of(&tree, 30), 0.0);
    assert_eq!(l.path, MAX_ANCESTORS + 1);
    let want: Vec<(String, f64, f64, u32)> = (30 - MAX_ANCESTORS..40)
        .enumerate()
        .map(|(row, f)| (format!("f{f}"), 0.0, 1.0, row as u32))
        .collect();
    assert_eq!(named(&tree, &l), want);
    assert_eq!(l.rows, want.len() as u32);
    assert!(!l.deeper);
    // Zoomed on f3 (fewer ancestors than the limit): all of them.
    let l = layout(&tree, &abs_weights(&col.totals), node_of(&tree, 3), 0.0);
    assert_eq!(l.path, 4);
    assert_eq!(named(&tree, &l)[0], ("f0".to_string(), 0.0, 1.0, 0));
    assert_eq!(l.rows, 40);
}

#[test]
fn a_zoom_on_a_frame_without_value_draws_only_its_path() {
    // Two sample types: c has a value of the second only.
    let p = Builder::new(&[("alloc", "count"), ("inuse", "count")])
        .sample(&["b", "a"], &[4, 0])
        .sample(&["c", "a"], &[0, 2])
        .build();
    let tree = CallTree::build(&p, Granularity::Functions);
    let col = tree.column(&p, 0);
    let c = (1..tree.len() as u32)
        .find(|&n| tree.name(n) == "c")
        .unwrap();
    let l = layout(&tree, &abs_weights(&col.totals), c, 0.0);
    assert_eq!(
        named(&tree, &l),
        [
            ("a".to_string(), 0.0, 1.0, 0),
            ("c".to_string(), 0.0, 1.0, 1)
        ]
    );
    assert_eq!((l.rows, l.path, l.culled, l.deeper), (2, 2, 0, false));
    // The whole tree of the first type leaves c out (no width), not culled.
    let l = layout(&tree, &abs_weights(&col.totals), ROOT, 0.0);
    assert_eq!(
        named(&tree, &l),
        [
            ("a".to_string(), 0.0, 1.0, 0),
            ("b".to_string(), 0.0, 1.0, 1)
        ]
    );
    assert_eq!(l.culled, 0);
}

#[test]
fn rows_stop_at_the_limit_and_say_there_is_more() {
    for (frames, deeper) in [(MAX_ROWS as usize, false), (MAX_ROWS as usize + 1, true)] {
        let p = folded(&chain(frames));
        let tree = CallTree::build(&p, Granularity::Functions);
        let col = tree.column(&p, 0);
        let l = layout(&tree, &abs_weights(&col.totals), ROOT, 0.0);
        assert_eq!(l.rows, MAX_ROWS, "{frames} frames");
        assert_eq!(l.rects.len(), MAX_ROWS as usize);
        assert_eq!(l.deeper, deeper, "{frames} frames");
        let last = l.rects.last().unwrap();
        assert_eq!(
            (last.depth, tree.name(last.node)),
            (MAX_ROWS - 1, format!("f{}", MAX_ROWS - 1).as_str())
        );
    }
}

#[test]
fn culling_hides_frames_under_the_minimum_and_keeps_their_room() {
    // Under main: a (1 of 4) left of b (3 of 4), by name.
    let p = folded("main;a 1\nmain;b 3\n");
    let tree = CallTree::build(&p, Granularity::Functions);
    let col = tree.column(&p, 0);
    let w = abs_weights(&col.totals);
    // Exactly the minimum width is drawn.
    let l = layout(&tree, &w, ROOT, 0.25);
    assert_eq!(l.culled, 0);
    assert_eq!(
        named(&tree, &l),
        [
            ("main".to_string(), 0.0, 1.0, 0),
            ("a".to_string(), 0.0, 0.25, 1),
            ("b".to_string(), 0.25, 0.75, 1)
        ]
    );
    // Under it, a is hidden and b stays where it was.
    let l = layout(&tree, &w, ROOT, 0.3);
    assert_eq!(l.culled, 1);
    assert_eq!(
        named(&tree, &l),
        [
            ("main".to_string(), 0.0, 1.0, 0),
            ("b".to_string(), 0.25, 0.75, 1)
        ]
    );
    assert_eq!(l.rows, 2);
}

#[test]
fn weights_are_absolute_and_a_diff_takes_the_larger_side() {
    let new = [10i64, -6, 2];
    let base = [-4i64, 3, -9];
    let abs = Weight::Abs(&new);
    assert_eq!((abs.of(0), abs.of(1), abs.of(2), abs.of(3)), (10, 6, 2, 0));
    let max = Weight::Max(&new, &base);
    assert_eq!((max.of(0), max.of(1), max.of(2), max.of(9)), (10, 6, 9, 0));
    let w = abs_weights(&base);
    assert_eq!((w.of(0), w.of(1), w.of(2)), (4, 3, 9));
    // In a layout: the frame as wide as the larger of its two values.
    let p = folded("main;a 1\nmain;b 1\n");
    let tree = CallTree::build(&p, Granularity::Functions);
    let names: Vec<&str> = (0..tree.len() as u32).map(|n| tree.name(n)).collect();
    // Totals by node: root, main, a, b (a and b under main, in that order).
    assert_eq!(names, ["root", "main", "a", "b"]);
    let new = [4i64, 4, 1, 3];
    let base = [-8i64, -8, -6, -2];
    let l = layout(&tree, &Weight::Max(&new, &base), ROOT, 0.0);
    assert_eq!(
        named(&tree, &l),
        [
            ("main".to_string(), 0.0, 1.0, 0),
            ("a".to_string(), 0.0, 0.75, 1),
            ("b".to_string(), 0.75, 0.375, 1)
        ]
    );
}
