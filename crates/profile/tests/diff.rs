//! Combining a base and a new profile (-diff_base, -base, -normalize) on
//! small profiles whose net values and totals are worked out by hand.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{folded, labels, stack_names, Builder};
use heaplens_profile::diff::{combine, combine_split, compatible, DiffMode, DiffOptions};
use heaplens_profile::tags::{self, TagFocus};
use heaplens_profile::{Error, Profile};

const DIFF_BASE: DiffOptions = DiffOptions {
    mode: DiffMode::DiffBase,
    normalize: false,
};
const BASE: DiffOptions = DiffOptions {
    mode: DiffMode::Base,
    normalize: false,
};
const NORMALIZE: DiffOptions = DiffOptions {
    mode: DiffMode::DiffBase,
    normalize: true,
};

/// new: main;a 5, main;b 3 (sum 8)    base: main;a 2, main;c 4 (sum 6)
fn pair() -> (Profile, Profile) {
    (
        folded("main;a 5\nmain;b 3\n"),
        folded("main;a 2\nmain;c 4\n"),
    )
}

fn column(p: &Profile, ty: usize) -> Vec<i64> {
    (0..p.num_samples()).map(|s| p.value(s, ty)).collect()
}

#[test]
fn new_samples_first_then_the_negated_base() {
    let (new, base) = pair();
    let (p, split) = combine_split(&new, &base, DIFF_BASE).unwrap();
    assert_eq!(split, 2, "the new profile's two samples come first");
    assert_eq!(p.num_samples(), 4);
    assert_eq!(column(&p, 0), [5, 3, -2, -4]);
    let stacks: Vec<Vec<&str>> = (0..4).map(|s| stack_names(&p, s)).collect();
    assert_eq!(
        stacks,
        [["a", "main"], ["b", "main"], ["a", "main"], ["c", "main"]]
    );
    // Net: a 5 − 2 = 3, b 3, c −4; in all 8 − 6 = 2.
    assert_eq!(p.signed_total(0), 2);
    // The same in Base mode, and through `combine`.
    let (q, split) = combine_split(&new, &base, BASE).unwrap();
    assert_eq!((split, column(&q, 0)), (2, vec![5, 3, -2, -4]));
    assert_eq!(
        column(&combine(&new, &base, DIFF_BASE).unwrap(), 0),
        [5, 3, -2, -4]
    );
}

#[test]
fn diff_base_labels_the_base_samples_and_base_mode_does_not() {
    let (new, base) = pair();
    let (p, split) = combine_split(&new, &base, DIFF_BASE).unwrap();
    let flagged: Vec<bool> = (0..p.num_samples())
        .map(|s| p.is_diff_base_sample(s))
        .collect();
    assert_eq!(flagged, [false, false, true, true]);
    assert_eq!(split, 2);
    assert!(labels(&p, 0).is_empty());
    assert_eq!(labels(&p, 3), [("pprof::base", "true")]);

    let p = combine(&new, &base, BASE).unwrap();
    assert!((0..p.num_samples()).all(|s| !p.is_diff_base_sample(s)));
    assert!(!p.labels.any(), "Base mode adds no label");
}

#[test]
fn base_labels_keep_their_strings() {
    // The base's string table is appended after the new one's: its labels
    // must still read as they did.
    let new = Builder::new(&[("space", "bytes")])
        .labelled(&["a", "main"], &[5], &[("thread", "main")])
        .build();
    let base = Builder::new(&[("space", "bytes")])
        .labelled(&["x", "y", "a", "main"], &[1], &[("span", "s1")])
        .labelled(&["a", "main"], &[2], &[("thread", "worker")])
        .build();
    let p = combine(&new, &base, DIFF_BASE).unwrap();
    assert_eq!(labels(&p, 0), [("thread", "main")]);
    assert_eq!(labels(&p, 1), [("span", "s1"), ("pprof::base", "true")]);
    assert_eq!(
        labels(&p, 2),
        [("thread", "worker"), ("pprof::base", "true")]
    );
    assert_eq!(stack_names(&p, 1), ["x", "y", "a", "main"]);
    let p = combine(&new, &base, BASE).unwrap();
    assert_eq!(labels(&p, 2), [("thread", "worker")]);
}

#[test]
fn base_numeric_labels_stay_numeric() {
    // Go heap profiles label samples with a number, `bytes`. new: a 5
    // {bytes=2048}; base: a 2 {bytes=2048}. A label is a number when its
    // string index is 0 (the model's rule, read by the label filters).
    let new = Builder::new(&[("space", "bytes")])
        .numeric(&["a", "main"], &[5], &[("bytes", 2048, "bytes")])
        .build();
    let base = Builder::new(&[("space", "bytes")])
        .numeric(&["a", "main"], &[2], &[("bytes", 2048, "bytes")])
        .build();
    for opts in [DIFF_BASE, BASE] {
        let p = combine(&new, &base, opts).unwrap();
        for s in 0..2 {
            let bytes = p
                .sample_labels(s)
                .iter()
                .find(|l| p.str(l.key) == "bytes")
                .copied()
                .unwrap();
            assert_eq!((bytes.str, bytes.num), (0, 2048), "{opts:?} sample {s}");
            assert_eq!(p.str(bytes.unit), "bytes");
        }
        // So `-tagfocus=bytes=1kB:` keeps both samples (2048 B ≥ 1 kB), as
        // pprof does: the net stays 5 − 2.
        let mut q = p.clone();
        let kept = tags::apply(&mut q, &TagFocus::parse("bytes=1kB:").unwrap());
        assert_eq!(kept, 2, "{opts:?}");
        assert_eq!(q.values, [5, -2], "{opts:?}");
    }
}

#[test]
fn totals_of_diff_base_and_base_profiles() {
    let (new, base) = pair();
    // -diff_base: pprof's total is the base's, |−2| + |−4| = 6.
    let p = combine(&new, &base, DIFF_BASE).unwrap();
    assert_eq!(p.total(0), 6);
    assert_eq!(p.total(0), base.total(0));
    // -base: no labels, so the two a samples merge (5 − 2 = 3) and the
    // total is |3| + |3| + |−4| = 10.
    let p = combine(&new, &base, BASE).unwrap();
    assert_eq!(p.total(0), 10);
    assert_eq!(p.signed_total(0), 2);

    // A profile less itself: everything cancels, so -base has total 0;
    // -diff_base still reports the base's total (5 + 3 = 8), as pprof does.
    let base_mode = combine(&new, &new, BASE).unwrap();
    assert_eq!((base_mode.total(0), base_mode.signed_total(0)), (0, 0));
    let diff_base = combine(&new, &new, DIFF_BASE).unwrap();
    assert_eq!((diff_base.total(0), diff_base.signed_total(0)), (8, 0));
}

#[test]
fn normalize_scales_the_new_profile_to_the_base_sum() {
    // new: a 10, b 9, c 1 (sum 20); base: a 4 (sum 4). Ratio 4/20 = 0.2:
    // a 2, b 1.8 → 2, c 0.2 → 0 (a sample scaled to zero is dropped).
    let new = folded("main;a 10\nmain;b 9\nmain;c 1\n");
    let base = folded("main;a 4\n");
    let (p, split) = combine_split(&new, &base, NORMALIZE).unwrap();
    assert_eq!(split, 2);
    assert_eq!(column(&p, 0), [2, 2, -4]);
    assert_eq!(stack_names(&p, 1), ["b", "main"]);
    // The new part sums to the base's 4.
    assert_eq!(p.signed_total(0), 0);

    // Each sample type has its own ratio. new: a [2, 100], b [2, 300]
    // (sums 4 and 400); base: a [2, 100]. Ratios 2/4 = 0.5 and
    // 100/400 = 0.25: a [1, 25], b [1, 75].
    let new = Builder::new(&[("objects", "count"), ("space", "bytes")])
        .sample(&["a", "main"], &[2, 100])
        .sample(&["b", "main"], &[2, 300])
        .build();
    let base = Builder::new(&[("objects", "count"), ("space", "bytes")])
        .sample(&["a", "main"], &[2, 100])
        .build();
    let (p, split) = combine_split(&new, &base, NORMALIZE).unwrap();
    assert_eq!(split, 2);
    assert_eq!(p.values, [1, 25, 1, 75, -2, -100]);
}

#[test]
fn normalize_merges_equal_samples_before_rounding() {
    // new: a 1, a 1 (two samples, one stack), b 2 (sum 4); base: b 2.
    // Ratio 0.5. Merged first, a is 2 → 1; rounding each 1 × 0.5 up
    // would give a 2. So the new part is a 1, b 1.
    let new = Builder::new(&[("samples", "count")])
        .sample(&["a", "main"], &[1])
        .sample(&["a", "main"], &[1])
        .sample(&["b", "main"], &[2])
        .build();
    let base = Builder::new(&[("samples", "count")])
        .sample(&["b", "main"], &[2])
        .build();
    let (p, split) = combine_split(&new, &base, NORMALIZE).unwrap();
    assert_eq!(split, 2);
    assert_eq!(column(&p, 0), [1, 1, -2]);
    assert_eq!(stack_names(&p, 0), ["a", "main"]);
    // Without normalize nothing is merged.
    let (p, split) = combine_split(&new, &base, DIFF_BASE).unwrap();
    assert_eq!((split, column(&p, 0)), (3, vec![1, 1, 2, -2]));
}

#[test]
fn incompatible_profiles_are_refused() {
    let count = Builder::new(&[("samples", "count")])
        .sample(&["main"], &[1])
        .build();
    let cpu = Builder::new(&[("cpu", "nanoseconds")])
        .sample(&["main"], &[1])
        .build();
    let both = Builder::new(&[("samples", "count"), ("cpu", "nanoseconds")])
        .sample(&["main"], &[1, 1])
        .build();
    for (new, base) in [(&count, &cpu), (&count, &both), (&both, &count)] {
        let e = combine(new, base, DIFF_BASE).unwrap_err();
        assert!(matches!(e, Error::Invalid { .. }), "{e:?}");
        assert!(e.to_string().contains("sample types differ"), "{e}");
        assert!(compatible(new, base).is_err());
    }
    assert!(compatible(&count, &count).is_ok());
    // The message names both sides' types.
    let e = combine(&both, &count, DIFF_BASE).unwrap_err().to_string();
    assert!(
        e.ends_with("their sample types differ (samples/count, cpu/nanoseconds vs samples/count)"),
        "{e}"
    );

    // Equal sample types, different period types.
    let by_cpu = Builder::new(&[("samples", "count")])
        .period("cpu", "nanoseconds", 10)
        .sample(&["main"], &[1])
        .build();
    let by_space = Builder::new(&[("samples", "count")])
        .period("space", "bytes", 10)
        .sample(&["main"], &[1])
        .build();
    let e = combine(&by_cpu, &by_space, BASE).unwrap_err();
    assert!(e.to_string().contains("period types differ"), "{e}");
}

#[test]
fn times_durations_periods_and_comments() {
    let make = |time: i64, duration: i64, period: i64, comments: &[&str]| {
        let mut b = Builder::new(&[("samples", "count")]);
        b.period("cpu", "nanoseconds", period)
            .time(time, duration)
            .sample(&["main"], &[1]);
        for c in comments {
            b.comment(c);
        }
        b.build()
    };
    // The earliest time, durations added, the larger period, comments
    // once each in order.
    let p = combine(
        &make(200, 10, 3, &["x", "y"]),
        &make(100, 5, 7, &["y", "z"]),
        DIFF_BASE,
    )
    .unwrap();
    assert_eq!((p.time_nanos, p.duration_nanos, p.period), (100, 15, 7));
    assert_eq!(p.comments, ["x", "y", "z"]);
    // As pprof merges: a zero time of the new profile is replaced by the
    // base's, a zero time of the base is kept.
    let p = combine(&make(0, 1, 1, &[]), &make(100, 1, 1, &[]), DIFF_BASE).unwrap();
    assert_eq!(p.time_nanos, 100);
    let p = combine(&make(200, 1, 1, &[]), &make(0, 1, 1, &[]), DIFF_BASE).unwrap();
    assert_eq!(p.time_nanos, 0);
}

/// Everything a sample says, resolved to strings: per location its
/// address, mapping (file, build id, range) and frames (name, system
/// name, file, start line, line); its labels (key, string, number, unit).
type Resolved = (Vec<String>, Vec<String>);

fn resolve(p: &Profile, s: usize) -> Resolved {
    let stack = p
        .stack(s)
        .iter()
        .map(|l| {
            let loc = &p.locations[l as usize];
            let mapping = p.mappings.get(loc.mapping as usize).map(|m| {
                format!(
                    "{} {} {:x}-{:x}+{:x}",
                    p.str(m.file),
                    p.str(m.build_id),
                    m.start,
                    m.limit,
                    m.offset
                )
            });
            let frames: Vec<String> = p
                .location_frames(l)
                .iter()
                .map(|fr| {
                    let f = &p.functions[fr.function as usize];
                    format!(
                        "{} {} {} {} {}",
                        p.str(f.name),
                        p.str(f.system_name),
                        p.str(f.filename),
                        f.start_line,
                        fr.line
                    )
                })
                .collect();
            format!("{:x} {mapping:?} {frames:?}", loc.address)
        })
        .collect();
    let labels = p
        .sample_labels(s)
        .iter()
        .map(|l| {
            format!(
                "{}={}/{}/{}",
                p.str(l.key),
                p.str(l.str),
                l.num,
                p.str(l.unit)
            )
        })
        .collect();
    (stack, labels)
}

fn corpus_profile(rel: &str) -> Profile {
    let path = common::corpus_dir().join(rel);
    heaplens_profile::decode(&std::fs::read(&path).unwrap()).unwrap()
}

#[test]
fn every_combined_sample_says_what_its_source_said() {
    // Real pairs: Go heaps with mappings, numeric labels and inlined
    // frames, and a profile with string labels against itself.
    let scheduler = |name: &str| {
        let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../tests/testdata/scheduler")
            .join(name);
        heaplens_profile::decode(&std::fs::read(path).unwrap()).unwrap()
    };
    let labelled = corpus_profile("parca/profile-with-labels.pb.gz");
    let pairs = [
        (scheduler("optimized.prof"), scheduler("baseline.prof")),
        (labelled.clone(), labelled),
    ];
    for (new, base) in &pairs {
        for opts in [DIFF_BASE, BASE] {
            let (p, split) = combine_split(new, base, opts).unwrap();
            // Without -normalize every sample of the new profile is kept, even
            // one without values; the base's are negated (pprof's ScaleN(-1)),
            // which drops those whose values are all 0.
            let sources: Vec<(&Profile, usize, bool)> = (0..new.num_samples())
                .map(|s| (new, s, false))
                .chain(
                    (0..base.num_samples())
                        .filter(|&s| base.sample_values(s).iter().any(|&v| v != 0))
                        .map(|s| (base, s, true)),
                )
                .collect();
            assert_eq!(p.num_samples(), sources.len());
            assert_eq!(split, new.num_samples());
            for (i, &(src, s, is_base)) in sources.iter().enumerate() {
                let (stack, mut labels) = resolve(src, s);
                if is_base && opts.mode == DiffMode::DiffBase {
                    labels.push("pprof::base=true/0/".to_string());
                }
                assert_eq!(resolve(&p, i), (stack, labels), "sample {i}");
                let want: Vec<i64> = src
                    .sample_values(s)
                    .iter()
                    .map(|&v| if is_base { -v } else { v })
                    .collect();
                assert_eq!(p.sample_values(i), want.as_slice(), "sample {i}");
            }
        }
    }
}

#[test]
fn the_combined_header_is_pprofs_merge() {
    // pprof's merge of the two headers: the earlier time, the durations
    // added, the larger period, comments once each,
    // the new profile's drop/keep frames and types, the base's default type
    // when the new one has none, every warning.
    let (mut new, mut base) = pair();
    new.time_nanos = 2_000;
    base.time_nanos = 1_000;
    new.duration_nanos = 30;
    base.duration_nanos = 12;
    new.period = 5;
    base.period = 9;
    new.comments = vec!["a".into(), "b".into()];
    base.comments = vec!["b".into(), "c".into()];
    new.drop_frames = "drop".into();
    base.drop_frames = "other".into();
    new.keep_frames = "keep".into();
    base.default_sample_type_name = "samples".into();
    new.warnings = vec!["w1".into()];
    base.warnings = vec!["w2".into()];
    let space = heaplens_profile::model::ValueType {
        ty: "space".into(),
        unit: "bytes".into(),
    };
    new.period_type = Some(space.clone());
    base.period_type = Some(space.clone());
    new.stats.input_bytes = 123;
    base.stats.input_bytes = 7;
    let p = combine(&new, &base, DIFF_BASE).unwrap();
    assert_eq!(p.period_type, Some(space));
    assert_eq!(p.stats, new.stats);
    assert_eq!((p.time_nanos, p.duration_nanos, p.period), (1_000, 42, 9));
    assert_eq!(p.comments, ["a", "b", "c"]);
    assert_eq!(
        (p.drop_frames.as_str(), p.keep_frames.as_str()),
        ("drop", "keep")
    );
    assert_eq!(p.default_sample_type_name, "samples");
    assert_eq!(p.warnings, ["w1", "w2"]);
    // The new profile's time when it is the earlier one, the base's zero
    // time, the base's time when the new one has none (pprof's merge: a
    // zero time is replaced by the next profile's); the new profile's
    // default type first.
    new.time_nanos = 500;
    new.default_sample_type_name = "count".into();
    let p = combine(&new, &base, DIFF_BASE).unwrap();
    assert_eq!(
        (p.time_nanos, p.default_sample_type_name.as_str()),
        (500, "count")
    );
    base.time_nanos = 0;
    assert_eq!(combine(&new, &base, DIFF_BASE).unwrap().time_nanos, 0);
    base.time_nanos = 700;
    new.time_nanos = 0;
    assert_eq!(combine(&new, &base, DIFF_BASE).unwrap().time_nanos, 700);
    assert_eq!(p.period_type, new.period_type);
    assert_eq!(p.sample_types, new.sample_types);
}
