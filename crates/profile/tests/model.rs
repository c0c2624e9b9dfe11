//! The profile model's invariants on decoded corpus profiles and combined
//! diffs, and its small parts (stack column, label sets, sample types) on
//! hand-made data.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::collections::HashSet;

use common::corpus_profile;
use heaplens_profile::diff::{combine_split, DiffMode, DiffOptions};
use heaplens_profile::model::{Label, Profile, SampleLabelsBuilder, StackLocs, ValueType, NONE};

/// Corpus files of every kind: pprof protobuf gzipped or not, legacy text
/// heap and contention profiles (C++, Go, Java), inlined frames, labels, a
/// saved diff with negative values, a sample with an empty stack, invalid
/// UTF-8, and profiles without mappings.
const CORPUS: [&str; 11] = [
    "go-profiler-notes/block.pb.gz",
    "pprof/cppbench.heap",
    "pprof/cppbench.contention",
    "pprof/java.heap",
    "pprof/gobench.heap",
    "parca/profile-with-labels.pb.gz",
    "parca/diff.pb.gz",
    "pyroscope/nodejs-heap.pb.gz",
    "pyroscope/invalid_utf8.pb.gz",
    "speedscope/simple.prof",
    "dd-trace-go/heap.after.pprof",
];

/// Checks every invariant of the model that the analyses rely on; with
/// `decoded`, also that ids are distinct as in the file (a combined profile
/// keeps both profiles' ids, which nothing reads after decoding).
fn check(name: &str, p: &Profile, decoded: bool) {
    let strings = p.strings.len();
    assert_eq!(p.strings.first().map(String::as_str), Some(""), "{name}");
    // Samples: offsets start at 0, never decrease, end at the column's end.
    assert_eq!(p.stack_offsets.first(), Some(&0), "{name}");
    assert!(
        p.stack_offsets.windows(2).all(|w| w[0] <= w[1]),
        "{name}: stack_offsets decrease"
    );
    assert_eq!(
        *p.stack_offsets.last().unwrap() as usize,
        p.stack_locs.len(),
        "{name}"
    );
    assert_eq!(p.values.len(), p.num_samples() * p.num_types(), "{name}");
    for s in 0..p.num_samples() {
        for l in p.stack(s) {
            assert!(
                (l as usize) < p.locations.len(),
                "{name}: sample {s} has location {l} of {}",
                p.locations.len()
            );
        }
        for l in p.sample_labels(s) {
            for i in [l.key, l.str, l.unit] {
                assert!(
                    (i as usize) < strings,
                    "{name}: sample {s} label string {i}"
                );
            }
        }
    }
    // Tables: every index in range.
    for (i, l) in p.locations.iter().enumerate() {
        assert!(
            l.frames_start <= l.frames_end && l.frames_end as usize <= p.frames.len(),
            "{name}: location {i} frames {}..{} of {}",
            l.frames_start,
            l.frames_end,
            p.frames.len()
        );
        assert!(
            l.mapping == NONE || (l.mapping as usize) < p.mappings.len(),
            "{name}: location {i} mapping {}",
            l.mapping
        );
    }
    for (i, f) in p.frames.iter().enumerate() {
        assert!(
            (f.function as usize) < p.functions.len(),
            "{name}: frame {i} function {}",
            f.function
        );
    }
    for (i, f) in p.functions.iter().enumerate() {
        for s in [f.name, f.system_name, f.filename] {
            assert!((s as usize) < strings, "{name}: function {i} string {s}");
        }
    }
    for (i, m) in p.mappings.iter().enumerate() {
        for s in [m.file, m.build_id] {
            assert!((s as usize) < strings, "{name}: mapping {i} string {s}");
        }
    }
    if decoded {
        let distinct = |ids: Vec<u64>| ids.len() == ids.iter().collect::<HashSet<_>>().len();
        assert!(
            distinct(p.locations.iter().map(|l| l.id).collect()),
            "{name}"
        );
        assert!(
            distinct(p.functions.iter().map(|f| f.id).collect()),
            "{name}"
        );
        assert!(
            distinct(p.mappings.iter().map(|m| m.id).collect()),
            "{name}"
        );
    }
    // The default sample type is one of them.
    if p.num_types() > 0 {
        let d = p.default_sample_type();
        assert!(d < p.num_types(), "{name}: default type {d}");
        assert_eq!(p.sample_type_index(None), Ok(d), "{name}");
        if p.sample_types
            .iter()
            .any(|t| t.ty == p.default_sample_type_name)
        {
            assert_eq!(p.sample_types[d].ty, p.default_sample_type_name, "{name}");
        }
    }
}

#[test]
fn decoded_corpus_profiles_keep_the_model_invariants() {
    let (mut inlined, mut labelled, mut mapped, mut negative, mut empty, mut types) =
        (0, 0, 0, 0, 0, 0);
    for rel in CORPUS {
        let p = corpus_profile(rel);
        assert!(p.num_samples() > 0, "{rel}: no samples");
        check(rel, &p, true);
        inlined += p
            .locations
            .iter()
            .filter(|l| l.frames_end - l.frames_start > 1)
            .count();
        labelled += p.labels.labelled_samples();
        mapped += p.mappings.len();
        negative += p.values.iter().filter(|&&v| v < 0).count();
        empty += (0..p.num_samples())
            .filter(|&s| p.stack(s).is_empty())
            .count();
        types = types.max(p.num_types());
    }
    // The set of files covers what the invariants are about.
    assert!(inlined > 0, "no location with inlined frames");
    assert!(labelled > 0, "no labelled sample");
    assert!(mapped > 0, "no mapping");
    assert!(negative > 0, "no negative value");
    assert!(empty > 0, "no sample with an empty stack");
    assert!(types >= 4, "at most {types} sample types");
}

#[test]
fn combined_profiles_keep_the_model_invariants() {
    // A base and a new heap profile of one program (four sample types).
    let base = corpus_profile("dd-trace-go/heap.before.pprof");
    let new = corpus_profile("dd-trace-go/heap.after.pprof");
    for (mode, normalize) in [
        (DiffMode::DiffBase, false),
        (DiffMode::Base, false),
        (DiffMode::DiffBase, true),
    ] {
        let name = format!("{mode:?} normalize={normalize}");
        let (p, split) = combine_split(&new, &base, DiffOptions { mode, normalize }).unwrap();
        check(&name, &p, false);
        // The tables are the two profiles' end to end (plus the label's
        // two strings for -diff_base).
        assert_eq!(
            p.locations.len(),
            new.locations.len() + base.locations.len()
        );
        assert_eq!(
            p.functions.len(),
            new.functions.len() + base.functions.len()
        );
        let extra = usize::from(mode == DiffMode::DiffBase) * 2;
        assert_eq!(
            p.strings.len(),
            new.strings.len() + base.strings.len() + extra
        );
        assert!(split <= new.num_samples(), "{name}");
        assert!(p.num_samples() - split <= base.num_samples(), "{name}");
        if !normalize {
            assert_eq!(split, new.num_samples(), "{name}");
            for t in 0..p.num_types() {
                assert_eq!(
                    p.signed_total(t),
                    new.signed_total(t) - base.signed_total(t),
                    "{name} type {t}"
                );
            }
        }
        // Every base sample (and only those) carries the label in
        // -diff_base.
        for s in 0..p.num_samples() {
            assert_eq!(
                p.is_diff_base_sample(s),
                mode == DiffMode::DiffBase && s >= split,
                "{name}: sample {s}"
            );
        }
    }
}

#[test]
fn the_stack_column_widens_past_u16() {
    // Up to 65 536 locations the column holds u16s.
    assert!(matches!(
        StackLocs::for_locations(65_536, 0),
        StackLocs::Narrow(_)
    ));
    assert!(matches!(
        StackLocs::for_locations(65_537, 0),
        StackLocs::Wide(_)
    ));
    // A location index that does not fit widens it, keeping what it held.
    let mut c = StackLocs::for_locations(10, 4);
    c.extend([5, 65_535]);
    assert!(matches!(c, StackLocs::Narrow(_)));
    c.push(70_000);
    assert!(matches!(c, StackLocs::Wide(_)));
    assert_eq!(c.len(), 3);
    assert_eq!(c.range(0, 3).to_vec(), [5, 65_535, 70_000]);
    assert_eq!(c.range(1, 3).get(1), Some(70_000));
    assert_eq!(
        c.range(1, 3).iter().rev().collect::<Vec<_>>(),
        [70_000, 65_535]
    );
}

#[test]
fn each_label_set_is_stored_once() {
    let l = |key: u32, str: u32| Label {
        key,
        str,
        num: 0,
        unit: 0,
    };
    // Samples: none, {1=2}, none, {1=2}, {1=3, 4=5}: two distinct sets,
    // three labels stored, three labelled samples.
    let mut b = SampleLabelsBuilder::default();
    b.push(&[]);
    b.push(&[l(1, 2)]);
    b.push(&[]);
    b.push(&[l(1, 2)]);
    b.push(&[l(1, 3), l(4, 5)]);
    let labels = b.finish();
    assert!(labels.any());
    assert_eq!(labels.labelled_samples(), 3);
    assert_eq!(labels.distinct(), [l(1, 2), l(1, 3), l(4, 5)]);
    assert!(labels.get(0).is_empty());
    assert_eq!(labels.get(3), [l(1, 2)]);
    assert_eq!(labels.get(4), [l(1, 3), l(4, 5)]);
    // Past the last sample: none.
    assert!(labels.get(5).is_empty());
    // Without any label nothing is stored.
    let mut b = SampleLabelsBuilder::default();
    b.push(&[]);
    b.push(&[]);
    let labels = b.finish();
    assert!(!labels.any());
    assert_eq!(labels.labelled_samples(), 0);
    assert!(labels.get(1).is_empty());
}

#[test]
fn the_default_and_named_sample_types() {
    let ty = |t: &str| ValueType {
        ty: t.to_string(),
        unit: "bytes".to_string(),
    };
    let mut p = Profile {
        sample_types: [
            "alloc_objects",
            "alloc_space",
            "inuse_objects",
            "inuse_space",
        ]
        .map(ty)
        .to_vec(),
        ..Profile::default()
    };
    // No default named: the last type.
    assert_eq!(p.default_sample_type(), 3);
    p.default_sample_type_name = "alloc_space".into();
    assert_eq!(p.default_sample_type(), 1);
    assert_eq!(p.sample_type_index(None), Ok(1));
    assert_eq!(p.sample_type_index(Some("")), Ok(1));
    // A default naming no type falls back to the last.
    p.default_sample_type_name = "nothing".into();
    assert_eq!(p.default_sample_type(), 3);
    // By number or by name; `inuse_` is optional.
    assert_eq!(p.sample_type_index(Some("2")), Ok(2));
    assert_eq!(p.sample_type_index(Some("alloc_objects")), Ok(0));
    assert_eq!(p.sample_type_index(Some("inuse_alloc_space")), Ok(1));
    assert!(p.sample_type_index(Some("4")).is_err());
    assert!(p.sample_type_index(Some("-1")).is_err());
    assert!(p.sample_type_index(Some("space")).is_err());
    // Without sample types there is no default to resolve.
    let empty = Profile::default();
    assert_eq!(empty.default_sample_type(), 0);
    assert!(empty.sample_type_index(None).is_err());
}

/// The default sample type with all-zero values gives way to the first type
/// with values (pprof's default otherwise), with a note naming both.
#[test]
fn an_all_zero_default_sample_type_gives_way_to_the_first_with_values() {
    let types = [
        ("alloc_objects", "count"),
        ("alloc_space", "bytes"),
        ("inuse_objects", "count"),
        ("inuse_space", "bytes"),
    ];
    let mut b = common::Builder::new(&types);
    b.sample(&["leaf", "main"], &[0, 0, 0, 0])
        .sample(&["other", "main"], &[0, 4096, 0, 0]);
    let p = b.build();
    assert_eq!(p.default_sample_type(), 3);
    assert!(!p.has_values(3) && p.has_values(1) && !p.has_values(0));
    let (ty, note) = p.default_sample_type_with_values();
    assert_eq!(ty, 1);
    let note = note.expect("a note");
    assert!(
        note.contains("inuse_space") && note.contains("alloc_space"),
        "{note}"
    );
    // A default with values stays, without a note.
    let mut b = common::Builder::new(&types);
    b.sample(&["leaf", "main"], &[1, 2, 3, 4]);
    assert_eq!(b.build().default_sample_type_with_values(), (3, None));
    // All zero everywhere: pprof's default, nothing better to show.
    let mut b = common::Builder::new(&types);
    b.sample(&["leaf", "main"], &[0, 0, 0, 0]);
    assert_eq!(b.build().default_sample_type_with_values(), (3, None));
}
