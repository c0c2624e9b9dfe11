//! The flame graph of a shaped view is drawn from a tree grown only as far
//! as the graph can show (`pruned::grow`). Its layout must be the layout of
//! the whole shaped tree: for every profile of the corpus, the scheduler
//! pair and their diff, every shape, zoomed on the root and on frames two,
//! four and six rows down, at several canvas widths, the same frames (by
//! their names from the root) at the same rows and widths, the same culled
//! count and rows; and a search matches the same total.

// Test code: a failure stops the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use heaplens_analysis::layout::{layout, Layout, Weight};
use heaplens_analysis::pruned::{grow, ShapedStacks, Widths};
use heaplens_analysis::search::matched_total;
use heaplens_analysis::{CallTree, Granularity, GraphView, Recursion, Shape};
use heaplens_profile::diff::{combine_split, DiffOptions};
use heaplens_profile::Profile;

/// A layout's frames as (row, names from the root, width), sorted.
fn frames(tree: &CallTree, l: &Layout) -> Vec<(u32, Vec<String>, u64)> {
    let mut out: Vec<(u32, Vec<String>, u64)> = l
        .rects
        .iter()
        .map(|r| {
            let names = tree
                .path(r.node)
                .iter()
                .map(|&n| tree.name(n).to_string())
                .collect();
            (r.depth, names, (r.w * 1e12).round() as u64)
        })
        .collect();
    out.sort();
    out
}

/// Frames to zoom on: the widest frame at each of a few rows, by names.
fn zooms(tree: &CallTree, totals: &[i64]) -> Vec<Vec<String>> {
    let mut out = vec![Vec::new()];
    for row in [2usize, 4, 6] {
        let best = (1..tree.len() as u32)
            .filter(|&n| tree.path(n).len() == row)
            .max_by_key(|&n| (totals[n as usize].unsigned_abs(), std::cmp::Reverse(n)));
        if let Some(n) = best {
            out.push(
                tree.path(n)
                    .iter()
                    .map(|&m| tree.name(m).to_string())
                    .collect(),
            );
        }
    }
    out
}

/// Frames equal, or the first that differs named.
fn same_frames(got: &[(u32, Vec<String>, u64)], want: &[(u32, Vec<String>, u64)], what: &str) {
    if got != want {
        let at = got.iter().zip(want).position(|(a, b)| a != b);
        let first = at.map(|i| (&got[i], &want[i]));
        panic!(
            "{what}: {} frames, {} expected; first difference {first:?}",
            got.len(),
            want.len()
        );
    }
}

struct Case<'a> {
    name: &'a str,
    p: &'a Profile,
    split: Option<usize>,
}

/// Checks every shape of one profile; returns how many layouts matched.
fn check(case: &Case<'_>) -> usize {
    let p = case.p;
    let ty = p.default_sample_type();
    let plain = CallTree::build(p, Granularity::Functions);
    let n = p.num_samples();
    let mut checked = 0;
    let col = plain.column(p, ty);
    let widest = (1..plain.len() as u32)
        .max_by_key(|&n| (col.totals[n as usize].unsigned_abs(), std::cmp::Reverse(n)))
        .map(|n| plain.name(n).to_string());
    let mut views = vec![GraphView::TopDown, GraphView::BottomUp];
    if let Some(f) = widest {
        views.push(GraphView::Callers(f.clone()));
        views.push(GraphView::Callees(f));
    }
    for view in views {
        for recursion in [Recursion::Keep, Recursion::Direct, Recursion::All] {
            let shape = Shape {
                view: view.clone(),
                recursion,
            };
            let whole = CallTree::build_shaped(p, Granularity::Functions, &shape);
            let mut stacks = ShapedStacks::new(&plain, &shape);
            let (whole_new, whole_base, new, base);
            let (weight, widths) = match case.split {
                None => {
                    whole_new = whole.column(p, ty).totals;
                    new = stacks.values(&plain, p, ty, 0..n, false);
                    (Weight::Abs(&whole_new), Widths::Abs(&new))
                }
                Some(s) => {
                    whole_new = whole.column_of(p, ty, 0..s, false).totals;
                    whole_base = whole.column_of(p, ty, s..n, true).totals;
                    new = stacks.values(&plain, p, ty, 0..s, false);
                    base = stacks.values(&plain, p, ty, s..n, true);
                    (
                        Weight::Max(&whole_new, &whole_base),
                        Widths::Max(&new, &base),
                    )
                }
            };
            stacks.set_widths(widths);
            // A search for the widest root's name.
            let matches: Vec<bool> = {
                let first = whole.children_of(0).first().map(|&c| whole.key_of(c));
                (0..whole.keys.len())
                    .map(|k| Some(k as u32) == first)
                    .collect()
            };
            let whole_matched = matched_total(&whole, &whole_new, &matches);
            assert_eq!(
                stacks.matched_total(&plain, &new, &matches),
                whole_matched,
                "{}: {shape:?} search",
                case.name
            );
            for zoom in zooms(&whole, &whole_new) {
                for px in [300.0, 1200.0, 4000.0] {
                    let min_width = 0.5 / px;
                    let pruned = grow(&plain, &stacks, &zoom, min_width);
                    assert!(pruned.len() <= whole.len());
                    let pruned_new = match case.split {
                        None => pruned.column(p, ty).totals,
                        Some(s) => pruned.column_of(p, ty, 0..s, false).totals,
                    };
                    let pruned_base = case
                        .split
                        .map(|s| pruned.column_of(p, ty, s..n, true).totals);
                    let pw = match &pruned_base {
                        None => Weight::Abs(&pruned_new),
                        Some(b) => Weight::Max(&pruned_new, b),
                    };
                    let find =
                        |t: &CallTree| heaplens_view::session::flame::find_zoom(t, &zoom, None);
                    let (zw, zp) = (find(&whole), find(&pruned));
                    let lw = layout(&whole, &weight, zw, min_width);
                    let lp = layout(&pruned, &pw, zp, min_width);
                    let what = format!("{}: {shape:?} zoom {zoom:?} {px} px", case.name);
                    same_frames(&frames(&pruned, &lp), &frames(&whole, &lw), &what);
                    assert_eq!(
                        (lp.culled, lp.rows, lp.path, lp.deeper),
                        (lw.culled, lw.rows, lw.path, lw.deeper),
                        "{what}"
                    );
                    checked += 1;
                }
            }
        }
    }
    checked
}

#[test]
fn pruned_graphs_lay_out_as_the_whole_graph() {
    let mut checked = 0;
    let mut smaller = 0;
    for (name, p) in common::shape_profiles() {
        if p.num_samples() > 40_000 {
            continue;
        }
        checked += check(&Case {
            name: &name,
            p: &p,
            split: None,
        });
        let plain = CallTree::build(&p, Granularity::Functions);
        let shape = Shape {
            view: GraphView::BottomUp,
            recursion: Recursion::Keep,
        };
        let mut stacks = ShapedStacks::new(&plain, &shape);
        let ty = p.default_sample_type();
        let v = stacks.values(&plain, &p, ty, 0..p.num_samples(), false);
        stacks.set_widths(Widths::Abs(&v));
        let whole = CallTree::build_shaped(&p, Granularity::Functions, &shape);
        if grow(&plain, &stacks, &[], 0.5 / 1200.0).len() * 2 < whole.len() {
            smaller += 1;
        }
    }
    let base = heaplens_profile::decode(&common::scheduler("baseline.prof")).unwrap();
    let new = heaplens_profile::decode(&common::scheduler("optimized.prof")).unwrap();
    let (p, split) = combine_split(&new, &base, DiffOptions::default()).unwrap();
    checked += check(&Case {
        name: "scheduler diff",
        p: &p,
        split: Some(split),
    });
    assert!(checked > 1000, "only {checked} layouts compared");
    // Pruning is what makes the graph fast: half the nodes or fewer in
    // some profiles.
    assert!(
        smaller >= 3,
        "pruning halved only {smaller} bottom-up trees"
    );
}
