//! Profiles written back out (for downloads and share links) read back with
//! the same numbers: every corpus profile, whole and slimmed, gives the same
//! top table and totals for every sample type; a folded profile keeps every
//! total and the numbers of what it keeps, and says that it is folded.

mod common;

use heaplens_analysis::{top, CallTree, Granularity, TopOptions};
use heaplens_profile::{decode, Profile};
use heaplens_view::encode::{encode, gzip, EncodeOptions, Fold, Trim, TRIMMED_MARK};

/// A sample type's total and its (name, flat, cum) rows.
type Numbers = (i64, Vec<(String, i64, i64)>);

/// The total and rows of every sample type.
fn numbers(p: &Profile) -> Vec<Numbers> {
    let tree = CallTree::build(p, Granularity::Functions);
    (0..p.num_types())
        .map(|ty| {
            let t = top(p, &tree, &TopOptions::new(ty));
            (
                t.total,
                t.rows
                    .into_iter()
                    .map(|r| (r.name, r.flat, r.cum))
                    .collect(),
            )
        })
        .collect()
}

#[test]
fn written_profiles_read_back_with_the_same_numbers() {
    let mut files = common::corpus_files();
    let root = common::repo_root().join("tests/testdata/scheduler");
    files.push(root.join("baseline.prof"));
    files.push(root.join("optimized.prof"));
    let mut checked = 0;
    let mut refused = Vec::new();
    for path in &files {
        let name = common::corpus_name(path);
        let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{name}: {e}"));
        let p = match decode(&bytes) {
            Ok(p) => p,
            Err(e) => {
                refused.push(format!("{name}: {e}"));
                continue;
            }
        };
        let want = numbers(&p);
        for opts in [EncodeOptions::FULL, EncodeOptions::SLIM] {
            let e = encode(&p, opts);
            let q = decode(&e.protobuf).unwrap_or_else(|err| panic!("{name} {opts:?}: {err}"));
            assert_eq!(q.sample_types, p.sample_types, "{name}");
            assert_eq!(numbers(&q), want, "{name} {opts:?}");
            assert_eq!(e.trimmed, None);
            if opts == EncodeOptions::FULL {
                assert_eq!(
                    q.num_samples(),
                    p.num_samples(),
                    "{name}: no merging with labels"
                );
            }
        }
        checked += 1;
    }
    let refused_names: Vec<&str> = refused
        .iter()
        .map(|r| r.split_once(": ").map_or(r.as_str(), |(n, _)| n))
        .collect();
    assert_eq!(
        refused_names,
        common::REFUSED,
        "refused corpus files:\n{}",
        refused.join("\n")
    );
    assert!(checked >= 60, "only {checked} profiles checked");
}

#[test]
fn slim_profiles_are_smaller() {
    let path = common::repo_root().join("tests/testdata/scheduler/optimized.prof");
    let bytes = std::fs::read(path).expect("scheduler profile");
    let p = decode(&bytes).expect("decodes");
    let slim = gzip(&encode(&p, EncodeOptions::SLIM).protobuf);
    let full = gzip(&encode(&p, EncodeOptions::FULL).protobuf);
    assert!(slim.len() < full.len() && slim.len() < bytes.len());
    // Labels, addresses and mappings are gone; samples with equal stacks merged.
    let q = decode(&slim).expect("decodes");
    assert!(!q.labels.any());
    assert!(q.mappings.is_empty());
    assert!(q.num_samples() <= p.num_samples());
}

/// The folded stacks of sample type `ty` (root first), sorted.
fn folded_lines(p: &Profile, ty: usize) -> Vec<String> {
    let tree = CallTree::build(p, Granularity::Functions);
    let mut lines: Vec<String> = heaplens_analysis::folded::folded_string(p, &tree, ty)
        .lines()
        .map(str::to_string)
        .collect();
    lines.sort();
    lines
}

/// Folding a small profile by hand: at 1/10, the nodes under 10 of 100 go
/// into one `(other)` per parent, with every sample type's values summed;
/// with tails, the functions holding 1/10 (y, 11 in all) and each stack's
/// leaf stay below `(other)`. The inlined q is cut out of its location.
#[test]
fn folding_keeps_the_large_nodes_exactly() {
    let mut b = common::Builder::new(&[("alloc_space", "bytes"), ("alloc_objects", "count")]);
    b.sample(&["x", "a", "main"], &[50, 1])
        .sample(&["y", "a", "main"], &[5, 2])
        .sample(&["z", "a", "main"], &[4, 3])
        .sample(&["b", "main"], &[20, 4])
        .sample(&["y", "c", "main"], &[6, 5])
        .sample(&["d", "main"], &[5, 6])
        .sample(&["p", "main"], &[7, 7]);
    let (pq, main) = (b.inlined_loc(&["q", "p"]), b.loc("main"));
    b.sample_locs(&[pq, main], &[3, 8], &[]);
    let p = b.build();
    let fold = |tails| {
        let e = encode(
            &p,
            EncodeOptions {
                trim: Some(Trim {
                    sample_type: 0,
                    fold: Fold { n: 10, tails },
                }),
                ..EncodeOptions::SLIM
            },
        );
        (decode(&e.protobuf).expect("decodes"), e)
    };
    let (plain, e) = fold(false);
    let info = e.trimmed.expect("folded");
    assert_eq!(
        (info.n, info.tails, info.nodes_kept, info.nodes, info.others),
        (10, false, 5, 11, 3)
    );
    assert_eq!((info.samples_whole, info.samples), (3, 8));
    assert!((info.whole_share - 0.77).abs() < 1e-9);
    assert_eq!(e.samples, 6);
    assert_eq!(
        folded_lines(&plain, 0),
        [
            "main;(other) 11",
            "main;a;(other) 9",
            "main;a;x 50",
            "main;b 20",
            "main;p 7",
            "main;p;(other) 3"
        ]
    );
    assert_eq!(
        folded_lines(&plain, 1),
        [
            "main;(other) 11",
            "main;a;(other) 5",
            "main;a;x 1",
            "main;b 4",
            "main;p 7",
            "main;p;(other) 8"
        ]
    );
    let (tails, e) = fold(true);
    assert_eq!(e.samples, 8);
    assert_eq!(
        folded_lines(&tails, 0),
        [
            "main;(other);d 5",
            "main;(other);y 6",
            "main;a;(other);y 5",
            "main;a;(other);z 4",
            "main;a;x 50",
            "main;b 20",
            "main;p 7",
            "main;p;(other);q 3"
        ]
    );
    for q in [&plain, &tails] {
        assert_eq!((q.total(0), q.total(1)), (p.total(0), p.total(1)));
        assert!(q.comments.iter().any(|c| c.starts_with(TRIMMED_MARK)
            && c.contains("under 1/10 (10.00%) of alloc_space folded into (other)")
            && c.contains("addresses, labels and binary names dropped")));
    }
    // With tails, every function's flat, and y's cum, are the original's.
    let rows = |q: &Profile| {
        let tree = CallTree::build(q, Granularity::Functions);
        top(q, &tree, &TopOptions::new(0)).rows
    };
    let (want, got) = (rows(&p), rows(&tails));
    for r in &want {
        let g = got.iter().find(|g| g.name == r.name);
        assert_eq!(g.map_or(0, |g| g.flat), r.flat, "{}", r.name);
        if r.cum >= 10 {
            assert_eq!(g.map(|g| g.cum), Some(r.cum), "{}", r.name);
        }
    }
    assert_eq!(
        got.iter().find(|g| g.name == "(other)").map(|g| g.flat),
        Some(0)
    );
}

/// A Go heap profile with many small samples, shared within a chat-sized
/// budget: the link fits, every total is exact, the top table's functions
/// holding 1/N are exact, and `(other)` is not its top row.
#[test]
fn folded_share_links_keep_the_picture() {
    use heaplens_view::session::{Session, Slot};
    use heaplens_view::share::unbase64url;
    let path = common::corpus_dir().join("dd-trace-go/big-heap.pprof");
    let bytes = std::fs::read(path).expect("big-heap profile");
    let p = decode(&bytes).expect("decodes");
    let mut s = Session::new();
    s.load(Slot::Profile, "big-heap.pprof", &bytes, &mut |_, _, _| {})
        .expect("loads");
    let budget = 38_000;
    for ty in [p.default_sample_type(), 1] {
        let full = s.share(Some(ty), None).expect("share");
        assert!(full.len() > budget, "the whole link fits: nothing to fold");
        let small = s.share(Some(ty), Some(budget)).expect("folded share");
        // (d) The link fits, close to the budget.
        assert!(
            small.len() <= budget && small.len() > budget / 2,
            "{}",
            small.len()
        );
        let info = small.profile.trimmed.expect("folded");
        assert!(info.folded() && info.tails && info.n >= 2, "{info:?}");
        let q = decode(&unbase64url(&small.profile.data).expect("b64")).expect("decodes");
        // (a) Every total is exact.
        for t in 0..p.num_types() {
            assert_eq!(q.total(t), p.total(t), "type {t}");
        }
        assert!(q
            .comments
            .iter()
            .any(|c| c.starts_with(TRIMMED_MARK) && c.contains(&format!("under 1/{} ", info.n))));
        let rows = |p: &Profile| {
            let tree = CallTree::build(p, Granularity::Functions);
            top(p, &tree, &TopOptions::new(ty))
        };
        let (want, got) = (rows(&p), rows(&q));
        // (b) Functions holding 1/N keep their cum, every one its flat.
        let big = |cum: i64| {
            i128::from(cum.unsigned_abs()) * i128::from(info.n) >= i128::from(want.total)
        };
        let mut checked = 0;
        for r in &want.rows {
            let g = got.rows.iter().find(|g| g.name == r.name);
            assert_eq!(g.map_or(0, |g| g.flat), r.flat, "{}", r.name);
            if big(r.cum) {
                assert_eq!(g.map(|g| g.cum), Some(r.cum), "{}", r.name);
                checked += 1;
            }
        }
        assert!(checked >= 10, "only {checked} functions hold 1/{}", info.n);
        // (c) The top row is the original's, not (other).
        assert!(big(want.rows[0].flat));
        assert_eq!(got.rows[0].name, want.rows[0].name);
        assert_ne!(got.rows[0].name, "(other)");
        // The link's own folded numbers: fewer samples than the original.
        assert!(info.samples_whole < info.samples && info.nodes_kept < info.nodes);
    }
}
