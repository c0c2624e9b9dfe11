//! The call tree's invariants (node order, distinct children, sums, FIRST and
//! EDGE_FIRST flags, leaves) on hand-built and corpus profiles, and its exact
//! shape on small ones.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{corpus_profile, folded, Builder};
use heaplens_analysis::tree::{CallTree, EDGE_FIRST, FIRST, ROOT};
use heaplens_analysis::Granularity;
use heaplens_profile::diff::{combine, DiffOptions};
use heaplens_profile::model::NONE;
use heaplens_profile::Profile;

const GRANULARITIES: [Granularity; 3] = [
    Granularity::Functions,
    Granularity::Lines,
    Granularity::Addresses,
];

/// Small corpus files: inlined frames (block, profile-with-labels),
/// recursion (cppbench.heap, profile-with-labels), a saved diff with
/// negative values (diff), a sample with an empty stack and four sample
/// types (gobench.heap), legacy text (the two pprof files).
const CORPUS: [&str; 5] = [
    "go-profiler-notes/block.pb.gz",
    "pprof/cppbench.heap",
    "parca/profile-with-labels.pb.gz",
    "parca/diff.pb.gz",
    "pprof/gobench.heap",
];

/// Hand-built profiles: plain, recursive, inlined, a diff (negative
/// values), and one with a sample whose stack is empty.
fn hand_built() -> Vec<(&'static str, Profile)> {
    let mut inl = Builder::new(&[("samples", "count"), ("space", "bytes")]);
    let main = inl.inlined_loc(&["main"]);
    let both = inl.inlined_loc(&["inl", "outer"]);
    let outer = inl.inlined_loc(&["outer"]);
    let inl_alone = inl.inlined_loc(&["inl"]);
    inl.sample_locs(&[both, main], &[4, 400], &[])
        .sample_locs(&[inl_alone, outer, main], &[1, 100], &[])
        .sample_locs(&[outer, both, main], &[2, 0], &[]);
    let mut empty = Builder::new(&[("samples", "count")]);
    empty
        .sample(&["a", "main"], &[3])
        .sample_locs(&[], &[4], &[])
        .sample(&["main"], &[0]);
    let diff = combine(
        &folded("main;a;b 5\nmain;c 5\nmain;a;b;a 2\n"),
        &folded("main;a 2\nmain;b;c 7\n"),
        DiffOptions::default(),
    )
    .unwrap();
    vec![
        ("simple", folded("main;a;b 3\nmain;a 2\nmain;c 4\nmain 1\n")),
        (
            "recursive",
            folded("main;a;b;a;b 5\nmain;a 1\na;b;a 2\nmain;a;a;c;a 3\n"),
        ),
        ("inlined", inl.build()),
        ("empty stack", empty.build()),
        ("diff", diff),
    ]
}

/// Every profile to check, with every granularity's tree.
fn each_tree(mut check: impl FnMut(&str, &Profile, &CallTree)) {
    let mut all = hand_built();
    for rel in CORPUS {
        all.push((rel, corpus_profile(rel)));
    }
    for (name, p) in &all {
        for g in GRANULARITIES {
            let tree = CallTree::build(p, g);
            check(&format!("{name} {g:?}"), p, &tree);
        }
    }
}

/// The key ids on the path from the root's child down to `node`.
fn path_keys(tree: &CallTree, node: u32) -> Vec<u32> {
    tree.path(node).iter().map(|&n| tree.key_of(n)).collect()
}

#[test]
fn parents_come_before_their_children() {
    each_tree(|name, _, tree| {
        assert_eq!(tree.parent[ROOT as usize], NONE, "{name}");
        assert_eq!(tree.key[ROOT as usize], NONE, "{name}");
        assert!(tree.len() > 1, "{name}: an empty tree");
        for n in 1..tree.len() {
            assert!(
                (tree.parent[n] as usize) < n,
                "{name}: node {n} has parent {}",
                tree.parent[n]
            );
            assert!(
                tree.children_of(tree.parent[n]).contains(&(n as u32)),
                "{name}: node {n} is not among its parent's children"
            );
        }
        assert_eq!(tree.children.len(), tree.len() - 1, "{name}");
    });
}

#[test]
fn children_of_a_node_have_distinct_keys() {
    // Distinct `key << 1 | inlined`: a function inlined and the same
    // function called for real are two children.
    let mut inlined = 0;
    each_tree(|name, _, tree| {
        inlined += (1..tree.len() as u32)
            .filter(|&n| tree.is_inlined(n))
            .count();
        for n in 0..tree.len() as u32 {
            let mut keys: Vec<u32> = tree
                .children_of(n)
                .iter()
                .map(|&c| tree.key[c as usize])
                .collect();
            let before = keys.len();
            keys.sort_unstable();
            keys.dedup();
            assert_eq!(keys.len(), before, "{name}: node {n} repeats a child key");
        }
    });
    assert!(inlined > 0, "no inlined node was checked");
}

#[test]
fn self_values_add_up_to_the_sample_sum() {
    let (mut negative, mut empty_stacks) = (0, 0);
    each_tree(|name, p, tree| {
        negative += usize::from(p.values.iter().any(|&v| v < 0));
        empty_stacks += (0..p.num_samples())
            .filter(|&s| p.stack(s).is_empty() && p.sample_values(s).iter().any(|&v| v != 0))
            .count();
        for ty in 0..p.num_types() {
            let col = tree.column(p, ty);
            let selves =
                (0..tree.len() as u32).fold(0i64, |a, n| a.wrapping_add(col.self_value(tree, n)));
            assert_eq!(selves, p.signed_total(ty), "{name} type {ty}");
            // The root holds it all, with signs.
            assert_eq!(col.totals[ROOT as usize], p.signed_total(ty), "{name}");
            // And for data without negative values, pprof's total too.
            if (0..p.num_samples()).all(|s| p.value(s, ty) >= 0) {
                assert_eq!(col.totals[ROOT as usize], p.total(ty), "{name} type {ty}");
            }
        }
    });
    assert!(negative > 0, "no profile with negative values was checked");
    assert!(
        empty_stacks > 0,
        "no sample with an empty stack was checked"
    );
}

#[test]
fn first_flag_exactly_where_the_key_is_not_on_an_ancestor() {
    let mut repeats = 0;
    each_tree(|name, _, tree| {
        for n in 1..tree.len() as u32 {
            let path = path_keys(tree, n);
            let (own, above) = path.split_last().unwrap();
            let first = !above.contains(own);
            repeats += usize::from(!first);
            assert_eq!(
                tree.flags[n as usize] & FIRST != 0,
                first,
                "{name}: node {n} ({})",
                tree.name(n)
            );
        }
    });
    assert!(repeats > 0, "no recursive node was checked");
}

#[test]
fn edge_first_flag_exactly_where_the_call_is_new_on_the_path() {
    // Set when the node has a real parent with another key, and the call
    // (parent key → key) does not occur higher on the path.
    let mut repeated_calls = 0;
    each_tree(|name, _, tree| {
        for n in 1..tree.len() as u32 {
            let path = path_keys(tree, n);
            let want = match path.len() {
                0 | 1 => false,
                len => {
                    let (pk, k) = (path[len - 2], path[len - 1]);
                    let higher = &path[..len - 1];
                    let seen = higher.windows(2).any(|w| w[0] == pk && w[1] == k);
                    repeated_calls += usize::from(pk != k && seen);
                    pk != k && !seen
                }
            };
            assert_eq!(
                tree.flags[n as usize] & EDGE_FIRST != 0,
                want,
                "{name}: node {n} ({})",
                tree.name(n)
            );
        }
    });
    assert!(repeated_calls > 0, "no repeated call was checked");
}

#[test]
fn each_sample_ends_at_the_node_its_stack_spells() {
    each_tree(|name, p, tree| {
        for s in 0..p.num_samples() {
            let leaf = tree.leaf[s];
            if p.sample_values(s).iter().all(|&v| v == 0) {
                assert_eq!(leaf, NONE, "{name}: sample {s} is all zeros");
                continue;
            }
            // The stack's keys, root first, each location's caller first.
            let want: Vec<u32> = p
                .stack(s)
                .iter()
                .rev()
                .flat_map(|l| tree.keys.of_location(l).to_vec())
                .collect();
            let got: Vec<u32> = tree
                .path(leaf)
                .iter()
                .map(|&n| tree.key[n as usize])
                .collect();
            assert_eq!(got, want, "{name}: sample {s}");
        }
    });
}

#[test]
fn shape_and_flags_of_a_recursive_tree() {
    // main → a → b → a → b: six nodes (with the root), created in stack
    // order. FIRST on main, a, b; EDGE_FIRST on main→a, a→b and b→a, not on
    // the second a→b nor on main (a child of the root).
    let p = folded("main;a;b;a;b 5\nmain;a 1\n");
    let tree = CallTree::build(&p, Granularity::Functions);
    let names: Vec<&str> = (0..tree.len() as u32).map(|n| tree.name(n)).collect();
    assert_eq!(names, ["root", "main", "a", "b", "a", "b"]);
    assert_eq!(tree.parent, [NONE, 0, 1, 2, 3, 4]);
    assert_eq!(
        tree.flags,
        [
            0,
            FIRST,
            FIRST | EDGE_FIRST,
            FIRST | EDGE_FIRST,
            EDGE_FIRST,
            0
        ]
    );
    let col = tree.column(&p, 0);
    assert_eq!(col.totals, [6, 6, 6, 5, 5, 5]);
    let selves: Vec<i64> = (0..6).map(|n| col.self_value(&tree, n)).collect();
    assert_eq!(selves, [0, 0, 1, 0, 0, 5]);
    assert_eq!(tree.leaf, [5, 2]);
}

#[test]
fn inlined_frames_are_nodes_of_their_own() {
    // main → [inl inlined into outer] (4): outer, then inl (inlined) under
    // it. main → outer → inl, a real call (1): a second inl child of
    // outer, not inlined. Nodes: root, main, outer, inl (inlined), inl.
    let mut b = Builder::new(&[("samples", "count")]);
    let main = b.inlined_loc(&["main"]);
    let both = b.inlined_loc(&["inl", "outer"]);
    let outer = b.inlined_loc(&["outer"]);
    let inl = b.inlined_loc(&["inl"]);
    b.sample_locs(&[both, main], &[4], &[])
        .sample_locs(&[inl, outer, main], &[1], &[]);
    let p = b.build();
    let tree = CallTree::build(&p, Granularity::Functions);
    let nodes: Vec<(&str, bool)> = (1..tree.len() as u32)
        .map(|n| (tree.name(n), tree.is_inlined(n)))
        .collect();
    assert_eq!(
        nodes,
        [
            ("main", false),
            ("outer", false),
            ("inl", true),
            ("inl", false)
        ]
    );
    assert_eq!(tree.parent[3], 2);
    assert_eq!(tree.parent[4], 2);
    let col = tree.column(&p, 0);
    assert_eq!(col.totals, [5, 5, 5, 4, 1]);
}
