//! Callers and callees of a function (peek) on small profiles worked out by
//! hand, with recursion and calls from the root.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{folded, key, name, Builder};
use heaplens_analysis::peek::{flat_cum_all, peek, Peek};
use heaplens_analysis::{CallTree, Granularity};
use heaplens_profile::Profile;

/// (name, value) pairs; "" names the root.
type Named = Vec<(String, i64)>;

/// Peek at `function`, with callers and callees by name.
fn peek_named(p: &Profile, function: &str) -> (Peek, Named, Named) {
    let tree = CallTree::build(p, Granularity::Functions);
    let col = tree.column(p, 0);
    let pk = peek(&tree, &col, key(&tree, function));
    let callers = pk
        .callers
        .iter()
        .map(|&(k, v)| (k.map_or(String::new(), |k| name(&tree, k).to_string()), v))
        .collect();
    let callees = pk
        .callees
        .iter()
        .map(|&(k, v)| (name(&tree, k).to_string(), v))
        .collect();
    (pk, callers, callees)
}

fn named(v: &[(&str, i64)]) -> Named {
    v.iter().map(|&(n, x)| (n.to_string(), x)).collect()
}

#[test]
fn callers_and_callees_add_up_to_cum() {
    // a is reached three ways: main → a (3 + 2 + 1 = 6), main → d → a (4)
    // and as a root (5). flat a = 1; cum a = 6 + 4 + 5 = 15.
    // Callers: main 6, root 5, d 4 (largest first); they add up to 15.
    // Callees: b 3 + 4 + 5 = 12, c 2; with flat, 12 + 2 + 1 = 15.
    let p = folded("main;a;b 3\nmain;a;c 2\nmain;a 1\nmain;d;a;b 4\na;b 5\n");
    let (pk, callers, callees) = peek_named(&p, "a");
    assert_eq!(pk.flat, 1);
    assert_eq!(pk.cum, 15);
    assert_eq!(callers, named(&[("main", 6), ("", 5), ("d", 4)]));
    assert_eq!(pk.callers[1].0, None, "the root is the None caller");
    assert_eq!(callees, named(&[("b", 12), ("c", 2)]));
    assert_eq!(pk.callers.iter().map(|c| c.1).sum::<i64>(), pk.cum);
    assert_eq!(
        pk.callees.iter().map(|c| c.1).sum::<i64>() + pk.flat,
        pk.cum
    );
}

#[test]
fn a_function_at_the_root_has_the_none_caller() {
    // main starts every stack: its one caller is the root, with all of it.
    let p = folded("main;a;b 3\nmain;a 2\nmain;c 4\nmain 1\n");
    let (pk, callers, callees) = peek_named(&p, "main");
    assert_eq!((pk.flat, pk.cum), (1, 10));
    assert_eq!(pk.callers, [(None, 10)]);
    assert_eq!(callers, named(&[("", 10)]));
    assert_eq!(callees, named(&[("a", 5), ("c", 4)]));
    // A leaf has no callees.
    let (pk, callers, callees) = peek_named(&p, "b");
    assert_eq!((pk.flat, pk.cum), (3, 3));
    assert_eq!(callers, named(&[("a", 3)]));
    assert!(callees.is_empty());
}

#[test]
fn recursion_counts_each_stack_once_per_call_edge() {
    // main → a → b → a → b (5), main → a (1). As in pprof's call graph, a
    // call edge holds every stack that makes the call, once however often
    // it does.
    // a: cum 6, flat 1; callers main 6 and b 5 (the inner a is called by
    // b): with recursion they add up to more than cum; callees: b 5 (the
    // edge a → b twice in one stack counts once).
    let p = folded("main;a;b;a;b 5\nmain;a 1\n");
    let (pk, callers, callees) = peek_named(&p, "a");
    assert_eq!((pk.flat, pk.cum), (1, 6));
    assert_eq!(callers, named(&[("main", 6), ("b", 5)]));
    assert_eq!(callees, named(&[("b", 5)]));
    // b: cum 5 and flat 5 (the inner b is the leaf); caller a 5, callee a 5.
    let (pk, callers, callees) = peek_named(&p, "b");
    assert_eq!((pk.flat, pk.cum), (5, 5));
    assert_eq!(callers, named(&[("a", 5)]));
    assert_eq!(callees, named(&[("a", 5)]));
}

#[test]
fn calls_below_an_inner_occurrence_count() {
    // main → a → b → a → c (4): the outer a calls b, the inner one c; both
    // are a's callees, and a's callers are main and b.
    let p = folded("main;a;b;a;c 4\nmain;a;b 2\n");
    let (pk, callers, callees) = peek_named(&p, "a");
    assert_eq!((pk.flat, pk.cum), (0, 6));
    assert_eq!(callers, named(&[("main", 6), ("b", 4)]));
    assert_eq!(callees, named(&[("b", 6), ("c", 4)]));
}

#[test]
fn equal_values_are_ordered_by_name_and_cancelled_edges_stay() {
    // pprof breaks ties by name. In a diff, a call whose base and new
    // values cancel out is still a call (value 0), listed last.
    let p = Builder::new(&[("delta", "bytes")])
        .sample(&["z", "f", "main"], &[3])
        .sample(&["y", "f", "main"], &[3])
        .sample(&["x", "f", "main"], &[2])
        .sample(&["x", "f", "main"], &[-2])
        .sample(&["f", "k"], &[3])
        .sample(&["f", "j"], &[3])
        .build();
    let (pk, callers, callees) = peek_named(&p, "f");
    assert_eq!((pk.flat, pk.cum), (6, 12));
    assert_eq!(callers, named(&[("main", 6), ("j", 3), ("k", 3)]));
    assert_eq!(callees, named(&[("y", 3), ("z", 3), ("x", 0)]));
}

#[test]
fn self_calls_are_neither_callers_nor_callees() {
    // main → a → a → a (4), main → a (1): flat a = 5 = cum a; caller main 5;
    // a calling itself is no callee.
    let p = folded("main;a;a;a 4\nmain;a 1\n");
    let (pk, callers, callees) = peek_named(&p, "a");
    assert_eq!((pk.flat, pk.cum), (5, 5));
    assert_eq!(callers, named(&[("main", 5)]));
    assert!(callees.is_empty(), "{callees:?}");
}

#[test]
fn negative_values_sort_by_magnitude() {
    // A diff: a gains 2 through x, loses 6 through y, and its callee b
    // gains 1 under y. flat a = 2 − 6 = −4, cum a = −4 + 1 = −3; callers
    // by |value|: y (−6 + 1 = −5), then x (2); callee b 1.
    let p = Builder::new(&[("delta", "bytes")])
        .sample(&["a", "x", "main"], &[2])
        .sample(&["a", "y", "main"], &[-6])
        .sample(&["b", "a", "y", "main"], &[1])
        .build();
    let (pk, callers, callees) = peek_named(&p, "a");
    assert_eq!((pk.flat, pk.cum), (-4, -3));
    assert_eq!(callers, named(&[("y", -5), ("x", 2)]));
    assert_eq!(callees, named(&[("b", 1)]));
}

/// Every function's flat and cum of every sample type in one pass equal
/// peek's, over corpus profiles with recursion, inlined frames, a diff's
/// negative values and four sample types.
#[test]
fn flat_and_cum_of_every_type_at_once_equal_peeks() {
    let mut checked = 0;
    for rel in [
        "pprof/cppbench.heap",
        "parca/profile-with-labels.pb.gz",
        "parca/diff.pb.gz",
        "pprof/gobench.heap",
        "go-profiler-notes/block.pb.gz",
    ] {
        let p = common::corpus_profile(rel);
        let tree = CallTree::build(&p, Granularity::Functions);
        let cols: Vec<_> = (0..p.num_types()).map(|t| tree.column(&p, t)).collect();
        for k in 0..tree.keys.len() as u32 {
            let want: Vec<(i64, i64)> = cols
                .iter()
                .map(|c| {
                    let pk = peek(&tree, c, k);
                    (pk.flat, pk.cum)
                })
                .collect();
            assert_eq!(
                flat_cum_all(&tree, &p, k),
                want,
                "{rel}: {}",
                name(&tree, k)
            );
            checked += 1;
        }
    }
    assert!(checked > 100, "only {checked} functions");
}
