//! The top table on small profiles whose flat and cum are worked out by hand:
//! recursion, order, dropped rows, diffs and inline marks.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{folded, rows, Builder};
use heaplens_analysis::top_stacks::stack_top;
use heaplens_analysis::{top, CallTree, Granularity, InlineMark, Top, TopOptions};
use heaplens_profile::diff::{combine, DiffOptions};
use heaplens_profile::Profile;

/// The table over the tree, checked equal to the one straight from the
/// stacks (every hand-worked case below holds both).
fn table(p: &Profile, opts: &TopOptions) -> Top {
    let tree = CallTree::build(p, Granularity::Functions);
    let t = top(p, &tree, opts);
    let s = stack_top(p, &tree.keys, opts);
    assert_eq!(t.rows, s.rows, "stack_top's rows");
    assert_eq!(
        (t.total, t.rows_before_count, t.dropped, t.node_cutoff),
        (s.total, s.rows_before_count, s.dropped, s.node_cutoff),
        "stack_top's counts"
    );
    t
}

fn mark(t: &Top, name: &str) -> InlineMark {
    t.rows
        .iter()
        .find(|r| r.name == name)
        .unwrap_or_else(|| panic!("no row {name}"))
        .inline
}

#[test]
fn flat_and_cum_of_a_simple_tree() {
    // main ─┬─ a ─┬─ b   3
    //       │     └ (a)  2
    //       ├─ c         4
    //       └ (main)     1
    // flat: main 1, a 2, b 3, c 4; cum: main 10, a 2+3 = 5, b 3, c 4.
    let p = folded("main;a;b 3\nmain;a 2\nmain;c 4\nmain 1\n");
    let t = table(&p, &TopOptions::new(0));
    assert_eq!(
        rows(&t),
        [("c", 4, 4), ("b", 3, 3), ("a", 2, 5), ("main", 1, 10)]
    );
    assert_eq!(t.total, 10);
    assert_eq!(t.rows_before_count, 4);
    assert_eq!(t.dropped, 0);
    assert_eq!(t.node_cutoff, 0);
}

#[test]
fn recursion_counts_cum_once_per_stack() {
    // main → a → b → a → b (5), and main → a (1). The stack of 5 passes
    // through a twice and b twice but counts once towards each cum:
    // cum a = 5 + 1 = 6 (not 11), cum b = 5 (not 10), cum main = 6.
    // flat: b 5 (the leaf), a 1, main 0.
    let p = folded("main;a;b;a;b 5\nmain;a 1\n");
    let t = table(&p, &TopOptions::new(0));
    assert_eq!(rows(&t), [("b", 5, 5), ("a", 1, 6), ("main", 0, 6)]);
    assert_eq!(t.total, 6);

    // Direct self-recursion: main → a → a → a (4), main → a (1):
    // flat a = 4 + 1 = 5, cum a = 5 (not 4 × 3 + 1).
    let p = folded("main;a;a;a 4\nmain;a 1\n");
    let t = table(&p, &TopOptions::new(0));
    assert_eq!(rows(&t), [("a", 5, 5), ("main", 0, 5)]);
}

#[test]
fn rows_sorted_by_flat_then_name() {
    // alpha, beta and zeta each have flat 2: they come by name. root
    // (cum 6) and mid (cum 2) have flat 0: the name comes before cum, so
    // mid (cum 2) precedes root (cum 6).
    let p = folded("root;zeta 2\nroot;mid;beta 2\nroot;alpha 2\n");
    let t = table(&p, &TopOptions::new(0));
    assert_eq!(
        rows(&t),
        [
            ("alpha", 2, 2),
            ("beta", 2, 2),
            ("zeta", 2, 2),
            ("mid", 0, 2),
            ("root", 0, 6)
        ]
    );
}

#[test]
fn negative_values_of_a_diff_sort_by_absolute_flat() {
    // new:  main;a 5, main;c 5     base: main;a 2, main;b 7
    // net (new − base): a 3, b −7, c 5, main 5 + 5 − 2 − 7 = 1.
    // |flat| order: b (7), c (5), a (3), main (0).
    // pprof's total of a -diff_base profile is the base's: 2 + 7 = 9.
    let new = folded("main;a 5\nmain;c 5\n");
    let base = folded("main;a 2\nmain;b 7\n");
    let p = combine(&new, &base, DiffOptions::default()).unwrap();
    let t = table(&p, &TopOptions::new(0));
    assert_eq!(
        rows(&t),
        [("b", -7, -7), ("c", 5, 5), ("a", 3, 3), ("main", 0, 1)]
    );
    assert_eq!(t.total, 9);
}

#[test]
fn rows_with_zero_flat_and_cum_are_left_out() {
    // Two sample types. Type 0: a gets +3 and −3 (flat 0, cum 0: no row),
    // z has 0 (no row), b 2, main cum 2. Type 1: only z has a value (7).
    // y is all zeros: it is in no tree at all.
    let p = Builder::new(&[("delta", "count"), ("other", "count")])
        .sample(&["a", "main"], &[3, 0])
        .sample(&["a", "main"], &[-3, 0])
        .sample(&["b", "main"], &[2, 0])
        .sample(&["z", "main"], &[0, 7])
        .sample(&["y", "main"], &[0, 0])
        .build();
    let t0 = table(&p, &TopOptions::new(0));
    assert_eq!(rows(&t0), [("b", 2, 2), ("main", 0, 2)]);
    // pprof's total merges the two a samples (+3 − 3 = 0): |0| + |2| = 2.
    assert_eq!(t0.total, 2);
    let t1 = table(&p, &TopOptions::new(1));
    assert_eq!(rows(&t1), [("z", 7, 7), ("main", 0, 7)]);
    assert_eq!(t1.total, 7);
}

/// main calls a..f directly: flats 50, 30, 12, 5, 2, 1 (sum 100).
fn fractions() -> Profile {
    folded("main;a 50\nmain;b 30\nmain;c 12\nmain;d 5\nmain;e 2\nmain;f 1\n")
}

#[test]
fn node_fraction_drops_rows_below_the_cutoff() {
    // Cutoff 100 × 0.05 = 5: e (cum 2) and f (cum 1) are dropped; d (cum
    // exactly 5) stays, as in pprof (dropped when |cum| < cutoff).
    let p = fractions();
    let opts = TopOptions {
        node_fraction: 0.05,
        ..TopOptions::new(0)
    };
    let t = table(&p, &opts);
    assert_eq!(t.node_cutoff, 5);
    assert_eq!(t.dropped, 2);
    assert_eq!(t.rows_before_count, 5);
    assert_eq!(
        rows(&t),
        [
            ("a", 50, 50),
            ("b", 30, 30),
            ("c", 12, 12),
            ("d", 5, 5),
            ("main", 0, 100)
        ]
    );
    // The total stays the whole profile's.
    assert_eq!(t.total, 100);
}

#[test]
fn node_count_keeps_the_first_rows() {
    let p = fractions();
    // Alone: 7 rows (a..f and main) before the cut, 3 after.
    let t = table(
        &p,
        &TopOptions {
            node_count: 3,
            ..TopOptions::new(0)
        },
    );
    assert_eq!(t.rows_before_count, 7);
    assert_eq!(t.dropped, 0);
    assert_eq!(rows(&t), [("a", 50, 50), ("b", 30, 30), ("c", 12, 12)]);
    // After a node fraction of 0.05 (e and f dropped): 5 rows before the
    // count, the first 2 kept.
    let t = table(
        &p,
        &TopOptions {
            node_count: 2,
            node_fraction: 0.05,
            ..TopOptions::new(0)
        },
    );
    assert_eq!(t.dropped, 2);
    assert_eq!(t.rows_before_count, 5);
    assert_eq!(rows(&t), [("a", 50, 50), ("b", 30, 30)]);
}

/// main → outer → [inl inlined into outer]            4
/// main → outer → [part inlined into outer]           3
/// main → other → part (a real call)                  2
fn inlined() -> Profile {
    let mut b = Builder::new(&[("samples", "count")]);
    let main = b.inlined_loc(&["main"]);
    let outer_inl = b.inlined_loc(&["inl", "outer"]);
    let outer_part = b.inlined_loc(&["part", "outer"]);
    let other = b.inlined_loc(&["other"]);
    let part = b.inlined_loc(&["part"]);
    b.sample_locs(&[outer_inl, main], &[4], &[])
        .sample_locs(&[outer_part, main], &[3], &[])
        .sample_locs(&[part, other, main], &[2], &[]);
    b.build()
}

#[test]
fn inline_marks_of_inlined_frames() {
    // inl is only ever reached inlined: (inline). part is reached inlined
    // from outer and called from other: (partial-inline). The rest are
    // real calls. flat: part 3 + 2 = 5, inl 4; cum: outer 4 + 3 = 7,
    // other 2, main 9.
    let p = inlined();
    let t = table(&p, &TopOptions::new(0));
    assert_eq!(
        rows(&t),
        [
            ("part", 5, 5),
            ("inl", 4, 4),
            ("main", 0, 9),
            ("other", 0, 2),
            ("outer", 0, 7)
        ]
    );
    assert_eq!(mark(&t, "inl"), InlineMark::Inline);
    assert_eq!(mark(&t, "part"), InlineMark::PartialInline);
    for plain in ["main", "other", "outer"] {
        assert_eq!(mark(&t, plain), InlineMark::None, "{plain}");
    }
    assert_eq!(mark(&t, "part").as_str(), "(partial-inline)");

    // Without marks asked for, none.
    let t = table(
        &p,
        &TopOptions {
            inline_marks: false,
            ..TopOptions::new(0)
        },
    );
    assert!(t.rows.iter().all(|r| r.inline == InlineMark::None));
}

#[test]
fn inline_marks_when_the_node_fraction_drops_a_caller() {
    // Cutoff 9 × 0.34 = 3.06 → 3: other (cum 2) is dropped. Its call to
    // part then comes from main (a real call), so part stays
    // (partial-inline) and inl (inline).
    let p = inlined();
    let t = table(
        &p,
        &TopOptions {
            node_fraction: 0.34,
            ..TopOptions::new(0)
        },
    );
    assert_eq!(t.node_cutoff, 3);
    assert_eq!(t.dropped, 1);
    assert_eq!(
        rows(&t),
        [
            ("part", 5, 5),
            ("inl", 4, 4),
            ("main", 0, 9),
            ("outer", 0, 7)
        ]
    );
    assert_eq!(mark(&t, "inl"), InlineMark::Inline);
    assert_eq!(mark(&t, "part"), InlineMark::PartialInline);
    assert_eq!(mark(&t, "outer"), InlineMark::None);
}

/// Inline marks where pprof's edge rules matter (two sample types):
/// main → b → [c inlined into b] → b → c   10, 0  (the call b → c twice in
///                                                 one stack: the first,
///                                                 inlined, counts)
/// main → a → [a inlined into a]           10, 0  (a self-call)
/// main → e → [d inlined into e]            0, 7  (no value of type 0)
/// main → d                                10, 0
/// main → e                                 3, 0
/// main → z                                 1, 0  (small)
fn edge_rules() -> Profile {
    let mut b = Builder::new(&[("alloc", "count"), ("other", "count")]);
    let main = b.inlined_loc(&["main"]);
    let (lb, lc, lcb) = (
        b.inlined_loc(&["b"]),
        b.inlined_loc(&["c"]),
        b.inlined_loc(&["c", "b"]),
    );
    let laa = b.inlined_loc(&["a", "a"]);
    let le = b.inlined_loc(&["e"]);
    let (lde, ld, lz) = (
        b.inlined_loc(&["d", "e"]),
        b.inlined_loc(&["d"]),
        b.inlined_loc(&["z"]),
    );
    b.sample_locs(&[lc, lb, lcb, main], &[10, 0], &[])
        .sample_locs(&[laa, main], &[10, 0], &[])
        .sample_locs(&[lde, main], &[0, 7], &[])
        .sample_locs(&[ld, main], &[10, 0], &[])
        .sample_locs(&[le, main], &[3, 0], &[])
        .sample_locs(&[lz, main], &[1, 0], &[]);
    b.build()
}

#[test]
fn inline_marks_follow_pprofs_edge_rules_with_and_without_dropped_rows() {
    // c's one counted call is the first, inlined, one: (inline). a's self
    // call and e's call of d (no value of this type) are no edges: a and d
    // have real callers only. The same with z dropped by the node
    // fraction (cutoff 34 × 0.1 = 3), where the marks come from the kept
    // rows' edges.
    let p = edge_rules();
    for (fraction, dropped) in [(0.0, 0), (0.1, 1)] {
        let t = table(
            &p,
            &TopOptions {
                node_fraction: fraction,
                ..TopOptions::new(0)
            },
        );
        assert_eq!(t.dropped, dropped);
        assert_eq!(mark(&t, "c"), InlineMark::Inline, "fraction {fraction}");
        for plain in ["main", "a", "b", "d"] {
            assert_eq!(
                mark(&t, plain),
                InlineMark::None,
                "{plain}, fraction {fraction}"
            );
        }
        assert_eq!(rows(&t)[..3], [("a", 10, 10), ("c", 10, 10), ("d", 10, 10)]);
    }
    // Of the second type, d's only call is the inlined one from e.
    let t = table(&p, &TopOptions::new(1));
    assert_eq!(rows(&t), [("d", 7, 7), ("e", 0, 7), ("main", 0, 7)]);
    assert_eq!(mark(&t, "d"), InlineMark::Inline);
}

/// `stack_values` (straight from the samples) gives the tree's flat and
/// cum per key, for every sample type of every corpus profile that decodes
/// (recursion, inlining, zero samples and all) and the leak snapshots; a
/// column's own per-key sums equal a pass over the tree's nodes.
#[test]
fn stack_values_equal_the_trees() {
    use heaplens_analysis::keys::Keys;
    use heaplens_analysis::top::key_values;
    use heaplens_analysis::top_stacks::stack_values;
    let mut checked = 0;
    for f in corpus_and_leaks() {
        let Ok(p) = heaplens_profile::decode(&std::fs::read(&f).unwrap()) else {
            continue;
        };
        for g in [Granularity::Functions, Granularity::Lines] {
            let tree = CallTree::build(&p, g);
            let (flat, cum) = stack_values(&p, &Keys::build(&p, g));
            for ty in 0..p.num_types() {
                let col = tree.column(&p, ty);
                let (mut tf, mut tc) = (vec![0; tree.keys.len()], vec![0; tree.keys.len()]);
                key_values(&tree, &col, &mut tf, &mut tc);
                assert_eq!(flat[ty], tf, "{} {g:?} type {ty}: flat", f.display());
                assert_eq!(cum[ty], tc, "{} {g:?} type {ty}: cum", f.display());
                // The column's own sums and the pass over the nodes (taken
                // for a column without them) agree, over every sample and
                // over a part of them negated (a diff's base).
                let half = p.num_samples() / 2;
                for part in [col, tree.column_of(&p, ty, half..p.num_samples(), true)] {
                    let bare = heaplens_analysis::tree::Column {
                        flat: Vec::new(),
                        cum: Vec::new(),
                        ..part.clone()
                    };
                    let (mut nf, mut nc) = (vec![0; tree.keys.len()], vec![0; tree.keys.len()]);
                    key_values(&tree, &bare, &mut nf, &mut nc);
                    assert_eq!(part.flat, nf, "{} {g:?} type {ty}: node flat", f.display());
                    assert_eq!(part.cum, nc, "{} {g:?} type {ty}: node cum", f.display());
                }
            }
        }
        checked += 1;
    }
    assert!(checked >= 60, "{checked} profiles checked");
}

/// The corpus files and the leak snapshots.
fn corpus_and_leaks() -> Vec<std::path::PathBuf> {
    let mut files = common::corpus_files();
    let leak = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/testdata/leak");
    let mut snapshots: Vec<_> = std::fs::read_dir(&leak)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".pb.gz"))
        .collect();
    snapshots.sort();
    files.extend(snapshots);
    files
}

/// `stack_top` (no tree) gives the tree's top table, marks and counts
/// included, for every sample type of every corpus profile at both
/// granularities, with pprof's text defaults (node fraction 0.005, which
/// drops rows and so passes calls through them), a node count that cuts
/// rows, every row kept, and negative rows dropped; and for a diff.
#[test]
fn stack_top_equals_the_trees() {
    let mut checked = 0;
    let mut marked = 0;
    let mut cut = 0;
    let check = |p: &Profile, marked: &mut usize, cut: &mut usize| {
        for g in [Granularity::Functions, Granularity::Lines] {
            let tree = CallTree::build(p, g);
            for ty in 0..p.num_types() {
                let base = TopOptions::new(ty);
                let options = [
                    TopOptions {
                        node_fraction: 0.005,
                        ..base
                    },
                    TopOptions {
                        node_fraction: 0.005,
                        node_count: 7,
                        ..base
                    },
                    base,
                    TopOptions {
                        drop_negative: true,
                        ..base
                    },
                    TopOptions {
                        drop_negative: true,
                        node_fraction: 0.005,
                        ..base
                    },
                    TopOptions {
                        inline_marks: false,
                        ..base
                    },
                ];
                for opts in options {
                    let t = top(p, &tree, &opts);
                    let s = stack_top(p, &tree.keys, &opts);
                    assert_eq!(t.rows, s.rows, "{g:?} type {ty} {opts:?}");
                    assert_eq!(
                        (t.rows_before_count, t.dropped, t.node_cutoff),
                        (s.rows_before_count, s.dropped, s.node_cutoff)
                    );
                    *marked += t.rows.iter().any(|r| r.inline != InlineMark::None) as usize;
                    *cut += (t.dropped > 0) as usize;
                }
            }
        }
    };
    let files = corpus_and_leaks();
    let mut decoded = Vec::new();
    for f in &files {
        if let Ok(p) = heaplens_profile::decode(&std::fs::read(f).unwrap()) {
            check(&p, &mut marked, &mut cut);
            checked += 1;
            decoded.push(p);
        }
    }
    // Diffs, with negative values: two snapshots of one program, and an
    // optimized benchmark against its baseline (rows that drop_negative
    // leaves out sit between inlined calls there).
    let n = decoded.len();
    let d = combine(&decoded[n - 1], &decoded[n - 2], DiffOptions::default()).unwrap();
    check(&d, &mut marked, &mut cut);
    let sched =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/testdata/scheduler");
    let read =
        |name: &str| heaplens_profile::decode(&std::fs::read(sched.join(name)).unwrap()).unwrap();
    let d = combine(
        &read("optimized.prof"),
        &read("baseline.prof"),
        DiffOptions::default(),
    )
    .unwrap();
    check(&d, &mut marked, &mut cut);
    assert!(checked >= 60, "{checked} profiles checked");
    assert!(marked >= 20, "{marked} tables with inline marks");
    assert!(
        cut >= 20,
        "{cut} tables with rows dropped by the node fraction"
    );
}
