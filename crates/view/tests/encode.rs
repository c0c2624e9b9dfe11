//! Profiles written back out (for downloads and share links) read back with
//! the same numbers: every corpus profile, whole and slimmed, gives the same
//! top table and totals for every sample type; a trimmed profile keeps every
//! total and says that it is trimmed.

mod common;

use heaplens_analysis::{top, CallTree, Granularity, TopOptions};
use heaplens_profile::{decode, Profile};
use heaplens_view::encode::{encode, gzip, EncodeOptions, Trim, TRIMMED_MARK};

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
    for path in &files {
        let Ok(bytes) = std::fs::read(path) else {
            continue;
        };
        let Ok(p) = decode(&bytes) else { continue };
        let name = common::corpus_name(path);
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

#[test]
fn trimmed_profiles_keep_every_total() {
    let path = common::repo_root().join("tests/testdata/scheduler/optimized.prof");
    let bytes = std::fs::read(path).expect("scheduler profile");
    let p = decode(&bytes).expect("decodes");
    let ty = p.default_sample_type();
    let all = encode(&p, EncodeOptions::SLIM);
    for keep in [0, 1, 5, all.samples / 2] {
        let e = encode(
            &p,
            EncodeOptions {
                trim: Some(Trim {
                    sample_type: ty,
                    keep_samples: keep,
                }),
                ..EncodeOptions::SLIM
            },
        );
        let (merged, share) = e.trimmed.expect("trimmed");
        assert_eq!(e.samples, keep);
        assert_eq!(merged, all.samples - keep);
        assert!((0.0..=1.0).contains(&share));
        let q = decode(&e.protobuf).expect("decodes");
        assert_eq!(q.num_samples(), keep + 1);
        for t in 0..p.num_types() {
            assert_eq!(q.total(t), p.total(t), "keep {keep}, type {t}");
        }
        assert!(q.comments.iter().any(|c| c.starts_with(TRIMMED_MARK)));
        // The kept samples are the largest: the top row's flat is there.
        let tree = CallTree::build(&q, Granularity::Functions);
        let rows = top(&q, &tree, &TopOptions::new(ty)).rows;
        assert!(rows.iter().any(|r| r.name == "(trimmed)") || keep == all.samples);
    }
    // Keeping at least every sample is no trim at all.
    let e = encode(
        &p,
        EncodeOptions {
            trim: Some(Trim {
                sample_type: ty,
                keep_samples: all.samples,
            }),
            ..EncodeOptions::SLIM
        },
    );
    assert_eq!(e.trimmed, None);
}
