//! The call tree's invariants (node order, distinct children, sums, FIRST and
//! EDGE_FIRST flags, leaves) on hand-built and corpus profiles, and its exact
//! shape on small ones.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{corpus_profile, folded, Builder};
use heaplens_analysis::tree::{CallTree, EDGE_FIRST, FIRST, ROOT};
use heaplens_analysis::{Granularity, GraphView, Recursion, Shape};
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

/// Node names, in creation order.
fn names(tree: &CallTree) -> Vec<&str> {
    (0..tree.len() as u32).map(|n| tree.name(n)).collect()
}

#[test]
fn later_children_are_found_under_their_own_parent() {
    // r and q each have an x first and an a later (found through the
    // child table, keyed by parent and key): q's a is not r's.
    let p = folded("r;x 1\nr;a 2\nq;x 4\nq;a 8\nr;x;y 16\n");
    let tree = CallTree::build(&p, Granularity::Functions);
    assert_eq!(names(&tree), ["root", "r", "x", "a", "q", "x", "a", "y"]);
    assert_eq!(tree.parent, [NONE, 0, 1, 1, 0, 4, 4, 2]);
    assert_eq!(tree.leaf, [2, 3, 5, 6, 7]);
    let kids: Vec<&[u32]> = (0..8).map(|n| tree.children_of(n)).collect();
    let none: &[u32] = &[];
    assert_eq!(
        kids,
        [&[1, 4][..], &[2, 3], &[7], none, &[5, 6], none, none, none]
    );
    // Every key is new on its path; every call too, but from the root.
    let edge = FIRST | EDGE_FIRST;
    assert_eq!(tree.flags, [0, FIRST, edge, edge, FIRST, edge, edge, edge]);
    assert_eq!(tree.column(&p, 0).totals, [31, 19, 17, 2, 12, 4, 8, 16]);
}

#[test]
fn a_call_seen_after_the_first_repeat_is_not_new() {
    // main → a → b → a → b → a: the last b→a repeats the call made at
    // the first repeat of a.
    let p = folded("main;a;b;a;b;a 1\n");
    let tree = CallTree::build(&p, Granularity::Functions);
    assert_eq!(names(&tree), ["root", "main", "a", "b", "a", "b", "a"]);
    let edge = FIRST | EDGE_FIRST;
    assert_eq!(tree.flags, [0, FIRST, edge, edge, EDGE_FIRST, 0, 0]);
}

/// main → a → b (2, 0), main → c (0, 5), main → z (0, 0), main (1, 3).
fn two_types() -> Profile {
    let mut b = Builder::new(&[("samples", "count"), ("space", "bytes")]);
    b.sample(&["b", "a", "main"], &[2, 0])
        .sample(&["c", "main"], &[0, 5])
        .sample(&["z", "main"], &[0, 0])
        .sample(&["main"], &[1, 3]);
    b.build()
}

#[test]
fn columns_sum_one_type_and_mark_where_it_is_not_zero() {
    let p = two_types();
    let tree = CallTree::build(&p, Granularity::Functions);
    // The all-zero sample makes no node.
    assert_eq!(names(&tree), ["root", "main", "a", "b", "c"]);
    assert_eq!(tree.leaf, [3, 4, NONE, 1]);
    let (t, f) = (true, false);
    let count = tree.column(&p, 0);
    assert_eq!(count.ty, 0);
    assert_eq!(count.totals, [3, 3, 2, 2, 0]);
    assert_eq!(count.nonzero, [t, t, t, t, f]);
    let space = tree.column(&p, 1);
    assert_eq!(space.totals, [8, 8, 0, 0, 5]);
    assert_eq!(space.nonzero, [t, t, f, f, t]);
    let selves: Vec<i64> = (0..5).map(|n| space.self_value(&tree, n)).collect();
    assert_eq!(selves, [0, 3, 0, 0, 5]);
    // A type the profile does not have sums to nothing.
    let missing = tree.column(&p, 2);
    assert_eq!((missing.ty, missing.totals), (2, vec![0; 5]));
    assert_eq!(missing.nonzero, [f; 5]);
    // Samples 1..4 negated (a diff's base part): c's 5 and main's 3.
    let base = tree.column_of(&p, 1, 1..4, true);
    assert_eq!(base.totals, [-8, -8, 0, 0, -5]);
    assert_eq!(base.nonzero, [t, t, f, f, t]);
    // A range past the samples stops at the last.
    let tail = tree.column_of(&p, 0, 2..10, false);
    assert_eq!(tail.totals, [1, 1, 0, 0, 0]);
    assert_eq!(tail.nonzero, [t, t, f, f, f]);
}

#[test]
fn the_root_and_an_empty_tree() {
    let p = two_types();
    let tree = CallTree::build(&p, Granularity::Functions);
    assert_eq!((tree.len(), tree.is_empty()), (5, false));
    assert_eq!(tree.name(ROOT), "root");
    assert!(!tree.is_inlined(ROOT));
    assert!((1..5).all(|n| !tree.is_inlined(n)));
    assert_eq!(tree.path(ROOT), Vec::<u32>::new());
    assert_eq!(tree.path(3), [1, 2, 3]);
    assert_eq!(tree.path(4), [1, 4]);
    let mut zeros = Builder::new(&[("samples", "count")]);
    zeros.sample(&["main"], &[0]).sample(&["a", "main"], &[0]);
    let empty = CallTree::build(&zeros.build(), Granularity::Functions);
    assert_eq!((empty.len(), empty.is_empty()), (1, true));
    assert_eq!(empty.leaf, [NONE, NONE]);
    assert_eq!(empty.children_of(ROOT), &[] as &[u32]);
}

/// main;a;b 1, main;b;c 2, main;c 4, main;x 0, main;a;b;a;b 8.
fn for_shapes() -> Profile {
    let mut b = Builder::new(&[("samples", "count")]);
    b.sample(&["b", "a", "main"], &[1])
        .sample(&["c", "b", "main"], &[2])
        .sample(&["c", "main"], &[4])
        .sample(&["x", "main"], &[0])
        .sample(&["b", "a", "b", "a", "main"], &[8]);
    b.build()
}

fn shaped(p: &Profile, view: GraphView, recursion: Recursion) -> CallTree {
    CallTree::build_shaped(p, Granularity::Functions, &Shape { view, recursion })
}

#[test]
fn shaped_trees_of_the_callers_and_callees_of_a_function() {
    let p = for_shapes();
    // Cut below the outermost b and reversed: b;a;main (twice), b;main.
    // main;c has no b, main;x is all zero: neither is in the tree.
    let callers = shaped(&p, GraphView::Callers("b".into()), Recursion::Keep);
    assert_eq!(names(&callers), ["root", "b", "a", "main", "main"]);
    assert_eq!(callers.parent, [NONE, 0, 1, 2, 1]);
    assert_eq!(callers.leaf, [3, 4, NONE, NONE, 3]);
    assert_eq!(callers.column(&p, 0).totals, [11, 11, 9, 9, 2]);
    // From the outermost b down, recursion collapsed: b, b;c, b.
    let callees = shaped(&p, GraphView::Callees("b".into()), Recursion::All);
    assert_eq!(names(&callees), ["root", "b", "c"]);
    assert_eq!(callees.leaf, [1, 2, NONE, NONE, 1]);
    assert_eq!(callees.column(&p, 0).totals, [11, 11, 2]);
}

#[test]
fn a_bottom_up_tree_with_its_flags() {
    let p = for_shapes();
    let up = shaped(&p, GraphView::BottomUp, Recursion::Keep);
    assert_eq!(
        names(&up),
        ["root", "b", "a", "main", "c", "b", "main", "main", "b", "a", "main"]
    );
    assert_eq!(up.parent, [NONE, 0, 1, 2, 0, 4, 5, 4, 2, 8, 9]);
    assert_eq!(up.leaf, [3, 6, 7, NONE, 10]);
    let edge = FIRST | EDGE_FIRST;
    // b;a;b;a;main: the second b is a new call (a→b), the second a not.
    assert_eq!(
        up.flags,
        [0, FIRST, edge, edge, FIRST, edge, edge, edge, EDGE_FIRST, 0, edge]
    );
    assert_eq!(up.column(&p, 0).totals, [15, 9, 9, 1, 6, 2, 2, 4, 8, 8, 8]);
    // The identity shape is the plain tree.
    let plain = CallTree::build(&p, Granularity::Functions);
    let same = shaped(&p, GraphView::TopDown, Recursion::Keep);
    assert_eq!(
        (same.parent, same.key, same.leaf),
        (plain.parent, plain.key, plain.leaf)
    );
}

#[test]
fn recursion_is_a_function_twice_on_a_path() {
    let with = |text: &str| CallTree::build(&folded(text), Granularity::Functions).has_recursion();
    assert!(!with("main;a;b 3\nmain;b;a 2\nmain;c 4\n"));
    assert!(with("main;a;a 1\n"));
    assert!(with("main;a;b;a 2\nmain;c 1\n"));
    // Named twice in different stacks, never twice on one: no recursion.
    assert!(!with("main;a 1\na;main 1\n"));
}

/// Each node's flags are what its path alone says (the builder keeps them
/// from each sample's walk, with shortcuts): FIRST where its key is
/// not higher on the path, EDGE_FIRST where the call from its parent's key
/// (not itself) is not made higher up. Over every corpus profile at both
/// granularities and stacks made to recurse in several ways.
#[test]
fn flags_are_those_of_each_nodes_path() {
    let check = |tree: &CallTree, what: &str| {
        for n in 1..tree.len() as u32 {
            let path: Vec<u32> = tree.path(n).iter().map(|&m| tree.key_of(m)).collect();
            let (above, k) = (&path[..path.len() - 1], path[path.len() - 1]);
            let mut want = 0;
            if !above.contains(&k) {
                want |= FIRST;
            }
            if let Some(&pk) = above.last() {
                let pairs = &path[..path.len() - 1];
                if pk != k && !pairs.windows(2).any(|w| w == [pk, k]) {
                    want |= EDGE_FIRST;
                }
            }
            assert_eq!(
                tree.flags[n as usize], want,
                "{what}: node {n}, path {path:?}"
            );
        }
    };
    let mut text = String::new();
    for i in 0..40 {
        let tail = ["a;b;a;b;a", "b;a;x", "a;x;a", "x;b;a;b"][i % 4];
        text.push_str(&format!(
            "main;{tail};{} {}\n",
            ["a", "b", "y"][i % 3],
            i + 1
        ));
    }
    check(
        &CallTree::build(&folded(&text), Granularity::Functions),
        "recursion",
    );
    let mut checked = 0;
    for f in common::corpus_files() {
        let Ok(p) = heaplens_profile::decode(&std::fs::read(&f).unwrap()) else {
            continue;
        };
        for g in [Granularity::Functions, Granularity::Lines] {
            let tree = CallTree::build(&p, g);
            // The path of every node: kept to trees of modest depth.
            if tree.len() > 200_000 || (1..tree.len() as u32).any(|n| tree.path(n).len() > 300) {
                continue;
            }
            check(&tree, &format!("{} {g:?}", f.display()));
            checked += 1;
        }
    }
    assert!(checked >= 100, "{checked} trees checked");
}
