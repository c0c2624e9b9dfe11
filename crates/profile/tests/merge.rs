//! Merging several profiles as pprof's `profile.Merge` does, on small
//! profiles whose merged samples and header are worked out by hand.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{labels, stack_names, Builder};
use heaplens_profile::merge::{merge, Mismatch};

/// A merged sample: its stack by name, its values, its labels.
type Sample<'a> = (Vec<&'a str>, Vec<i64>, Vec<(&'a str, &'a str)>);

fn heap() -> Builder {
    let mut b = Builder::new(&[("alloc_objects", "count"), ("alloc_space", "bytes")]);
    b.period("space", "bytes", 524288);
    b
}

#[test]
fn equal_stacks_are_summed_and_zero_samples_dropped() {
    let mut a = heap();
    a.sample(&["malloc", "main"], &[1, 10])
        .sample(&["free", "main"], &[0, 0])
        .labelled(&["malloc", "main"], &[2, 20], &[("span", "x")]);
    let mut b = heap();
    // Other ids, the same functions: one stack with the first profile's.
    b.sample(&["main"], &[4, 40])
        .sample(&["malloc", "main"], &[3, 30])
        .labelled(&["malloc", "main"], &[5, 50], &[("span", "y")]);
    let (a, b) = (a.build(), b.build());
    let m = merge(&[&a, &b]).unwrap();
    let samples: Vec<Sample> = (0..m.num_samples())
        .map(|s| {
            (
                stack_names(&m, s),
                m.sample_values(s).to_vec(),
                labels(&m, s),
            )
        })
        .collect();
    assert_eq!(
        samples,
        [
            (vec!["malloc", "main"], vec![4, 40], vec![]),
            (vec!["malloc", "main"], vec![2, 20], vec![("span", "x")]),
            (vec!["main"], vec![4, 40], vec![]),
            (vec!["malloc", "main"], vec![5, 50], vec![("span", "y")]),
        ]
    );
    // Each function once, every stack pointing at it.
    let names: Vec<&str> = (0..m.num_samples())
        .flat_map(|s| m.stack(s).to_vec())
        .map(|l| m.location_frames(l)[0].function)
        .map(|f| m.str(m.functions[f as usize].name))
        .collect();
    assert_eq!(names.len(), 7);
    let mut used: Vec<u32> = (0..m.num_samples())
        .flat_map(|s| m.stack(s).to_vec())
        .collect();
    used.sort();
    used.dedup();
    assert_eq!(used.len(), 2, "malloc and main: one location each");
}

#[test]
fn the_header_is_combined_as_pprof_combines_it() {
    let mut a = heap();
    a.time(2_000, 10).comment("run 1").comment("same");
    a.sample(&["main"], &[1, 1]);
    let mut b = heap();
    b.period("space", "bytes", 1 << 20);
    b.time(1_000, 5).comment("same").comment("run 2");
    let dflt = b.string("alloc_space");
    b.p.default_sample_type = dflt;
    b.sample(&["main"], &[1, 1]);
    let mut c = heap();
    c.time(3_000, 1);
    c.sample(&["main"], &[1, 1]);
    let (a, b, c) = (a.build(), b.build(), c.build());
    let m = merge(&[&a, &b, &c]).unwrap();
    assert_eq!(m.time_nanos, 1_000, "the earliest");
    assert_eq!(m.duration_nanos, 16, "added");
    assert_eq!(m.period, 1 << 20, "the largest");
    assert_eq!(m.comments, ["run 1", "same", "run 2"]);
    assert_eq!(m.default_sample_type_name, "alloc_space", "the first set");
    assert_eq!(m.sample_values(0), [3, 3]);
    assert_eq!(m.num_samples(), 1);
}

#[test]
fn other_types_are_refused_against_the_first_profile() {
    let mut a = heap();
    a.sample(&["main"], &[1, 1]);
    let mut cpu = Builder::new(&[("samples", "count"), ("cpu", "nanoseconds")]);
    cpu.period("cpu", "nanoseconds", 10_000_000);
    cpu.sample(&["main"], &[1, 1]);
    let mut bytes = Builder::new(&[("alloc_objects", "count"), ("alloc_space", "kilobytes")]);
    bytes.period("space", "bytes", 524288);
    bytes.sample(&["main"], &[1, 1]);
    let (a, cpu, bytes) = (a.build(), cpu.build(), bytes.build());
    assert_eq!(
        merge(&[&a, &a, &cpu]).unwrap_err(),
        Mismatch {
            first: 0,
            other: 2,
            reason: "period types differ (space/bytes and cpu/nanoseconds)".into()
        }
    );
    assert_eq!(
        merge(&[&a, &bytes]).unwrap_err().reason,
        "their sample types differ (alloc_objects/count, alloc_space/bytes vs alloc_objects/count, alloc_space/kilobytes)"
    );
    assert!(merge(&[]).is_err());
}

#[test]
fn a_zero_sample_is_dropped_before_the_samples_are_merged() {
    // pprof drops a zero sample as it reads it: free;main takes its place
    // among the merged samples from the second profile, after main.
    let mut a = heap();
    a.sample(&["malloc", "main"], &[1, 10])
        .sample(&["free", "main"], &[0, 0]);
    let mut b = heap();
    b.sample(&["main"], &[1, 1])
        .sample(&["free", "main"], &[2, 2]);
    let (a, b) = (a.build(), b.build());
    let m = merge(&[&a, &b]).unwrap();
    let samples: Vec<(Vec<&str>, Vec<i64>)> = (0..m.num_samples())
        .map(|s| (stack_names(&m, s), m.sample_values(s).to_vec()))
        .collect();
    assert_eq!(
        samples,
        [
            (vec!["malloc", "main"], vec![1, 10]),
            (vec!["main"], vec![1, 1]),
            (vec!["free", "main"], vec![2, 2]),
        ]
    );
}
