//! The flame graph's shapes (bottom-up, a function's callers and callees,
//! recursion collapsed) against the plain top-down graph, whose numbers are
//! pprof's (golden_pprof.rs): for every profile of the corpus that heaplens
//! reads, each shaped tree's folded stacks equal the plain tree's folded
//! stacks rewritten line by line here, with names; and the totals a reader
//! takes from a shaped graph equal the top table's: a bottom-up root is a
//! function's flat, a sandwich's root its cum.

// Test code: a failure stops the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::collections::BTreeMap;

use heaplens_analysis::{folded, mapped, top, CallTree, Granularity, GraphView, Recursion, Shape};
use heaplens_analysis::{tree::ROOT, TopOptions};
use heaplens_profile::Profile;

/// Folded stacks of a tree → stack (names) → value, summed.
fn stacks(p: &Profile, tree: &CallTree, ty: usize) -> BTreeMap<Vec<String>, i64> {
    let mut out = Vec::new();
    folded::write_folded(p, tree, ty, &mut out).expect("folded");
    let text = String::from_utf8(out).expect("UTF-8");
    let mut m: BTreeMap<Vec<String>, i64> = BTreeMap::new();
    for line in text.lines() {
        let (stack, v) = line.rsplit_once(' ').expect("stack value");
        let names = stack.split(';').map(str::to_string).collect();
        *m.entry(names).or_default() += v.parse::<i64>().expect("value");
    }
    m.retain(|_, v| *v != 0);
    m
}

/// The shape applied to one stack of names, written apart from the engine's
/// (which works on keys).
fn reshape(stack: &[String], shape: &Shape) -> Vec<String> {
    let cut: Vec<String> = match &shape.view {
        GraphView::TopDown => stack.to_vec(),
        GraphView::BottomUp => stack.iter().rev().cloned().collect(),
        GraphView::Callers(f) => match stack.iter().position(|x| x == f) {
            Some(i) => stack[..=i].iter().rev().cloned().collect(),
            None => Vec::new(),
        },
        GraphView::Callees(f) => match stack.iter().position(|x| x == f) {
            Some(i) => stack[i..].to_vec(),
            None => Vec::new(),
        },
    };
    let mut s: Vec<String> = Vec::new();
    for n in &cut {
        match shape.recursion {
            Recursion::Keep => s.push(n.clone()),
            Recursion::Direct => {
                if s.last() != Some(n) {
                    s.push(n.clone());
                }
            }
            Recursion::All => match s.iter().position(|x| x == n) {
                Some(i) => s.truncate(i + 1),
                None => s.push(n.clone()),
            },
        }
    }
    s
}

fn expected(plain: &BTreeMap<Vec<String>, i64>, shape: &Shape) -> BTreeMap<Vec<String>, i64> {
    let mut m: BTreeMap<Vec<String>, i64> = BTreeMap::new();
    for (stack, v) in plain {
        let s = reshape(stack, shape);
        if !s.is_empty() {
            *m.entry(s).or_default() += v;
        }
    }
    m.retain(|_, v| *v != 0);
    m
}

/// Rows of the top table at function granularity by name: (flat, cum).
fn top_rows(p: &Profile, tree: &CallTree, ty: usize) -> BTreeMap<String, (i64, i64)> {
    let mut opts = TopOptions::new(ty);
    opts.inline_marks = false;
    top(p, tree, &opts)
        .rows
        .into_iter()
        .map(|r| (r.name, (r.flat, r.cum)))
        .collect()
}

#[test]
fn shaped_graphs_are_the_plain_graph_reshaped() {
    let mut checked = 0;
    let mut recursive = 0;
    let mut mapped_checked = 0;
    for (name, p) in common::shape_profiles() {
        let ty = p.default_sample_type();
        let plain_tree = CallTree::build(&p, Granularity::Functions);
        let plain = stacks(&p, &plain_tree, ty);
        // Large profiles add time, not cases: their shapes are the same
        // code on more stacks.
        if plain.is_empty() || plain.len() > 3000 {
            continue;
        }
        let rows = top_rows(&p, &plain_tree, ty);
        // Sandwiches of the two functions with the largest cum below the
        // root, and of the largest flat.
        let mut by_cum: Vec<(&String, &(i64, i64))> = rows.iter().collect();
        by_cum.sort_by_key(|(n, (_, c))| (std::cmp::Reverse(c.unsigned_abs()), (*n).clone()));
        let mut subjects: Vec<String> = by_cum
            .iter()
            .skip(1)
            .take(2)
            .map(|(n, _)| (*n).clone())
            .collect();
        if let Some((n, _)) = rows
            .iter()
            .max_by_key(|(n, (f, _))| (f.unsigned_abs(), std::cmp::Reverse((*n).clone())))
        {
            subjects.push(n.clone());
        }
        let mut views = vec![GraphView::TopDown, GraphView::BottomUp];
        for f in &subjects {
            views.push(GraphView::Callers(f.clone()));
            views.push(GraphView::Callees(f.clone()));
        }
        for view in views {
            for recursion in [Recursion::Keep, Recursion::Direct, Recursion::All] {
                let shape = Shape {
                    view: view.clone(),
                    recursion,
                };
                let tree = CallTree::build_shaped(&p, Granularity::Functions, &shape);
                let got = stacks(&p, &tree, ty);
                let want = expected(&plain, &shape);
                assert_eq!(got, want, "{name}: {shape:?}");
                // The flame graph's tree of top-down shapes, made from the
                // function tree's nodes: the same stacks.
                if mapped::maps(&shape) {
                    let m = mapped::map(&plain_tree, &shape);
                    assert_eq!(stacks(&p, &m, ty), want, "{name}: {shape:?} mapped");
                    // Each path once: no node has two children of one key
                    // (the stacks above would not tell).
                    let mut seen = std::collections::HashSet::new();
                    for i in 1..m.len() {
                        assert!(
                            seen.insert((m.parent[i], m.key[i])),
                            "{name}: {shape:?} mapped: node {i} repeats a sibling"
                        );
                    }
                    mapped_checked += 1;
                }
                if recursion == Recursion::All && view == GraphView::TopDown && got != plain {
                    recursive += 1;
                }
                checked += 1;
                roots_are_the_tables(&name, &p, &tree, ty, &shape, &rows);
            }
        }
    }
    assert!(checked > 400, "only {checked} graphs checked");
    assert!(recursive >= 3, "only {recursive} profiles with recursion");
    assert!(
        mapped_checked > 200,
        "only {mapped_checked} mapped graphs checked"
    );
}

/// A bottom-up graph's roots are the functions' flat values; a sandwich's
/// root is its function's cum (recursion collapsed or not).
fn roots_are_the_tables(
    name: &str,
    p: &Profile,
    tree: &CallTree,
    ty: usize,
    shape: &Shape,
    rows: &BTreeMap<String, (i64, i64)>,
) {
    let col = tree.column(p, ty);
    let roots: BTreeMap<&str, i64> =
        tree.children_of(ROOT)
            .iter()
            .fold(BTreeMap::new(), |mut m, &c| {
                *m.entry(tree.name(c)).or_default() += col.totals[c as usize];
                m
            });
    match &shape.view {
        GraphView::BottomUp => {
            for (f, &(flat, _)) in rows.iter().filter(|(_, (flat, _))| *flat != 0) {
                assert_eq!(roots.get(f.as_str()), Some(&flat), "{name}: {f} bottom-up");
            }
            assert_eq!(roots.values().sum::<i64>(), col.totals[ROOT as usize]);
        }
        GraphView::Callers(f) | GraphView::Callees(f) => {
            let cum = rows.get(f).map_or(0, |r| r.1);
            assert_eq!(
                roots.get(f.as_str()).copied().unwrap_or(0),
                cum,
                "{name}: {shape:?}"
            );
            assert!(roots.len() <= 1, "{name}: {f}: {roots:?}");
        }
        GraphView::TopDown => {}
    }
}
