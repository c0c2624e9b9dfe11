//! pprof's totals: samples with equal stacks and labels merge before absolute
//! values are summed; signed_total is the plain sum.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{folded, Builder};
use heaplens_profile::totals::{merged_abs_totals, sample_groups};

#[test]
fn opposite_values_on_one_stack_cancel() {
    // a +5 and a −5 merge into 0; b −3. total = |0| + |−3| = 3, while the
    // sum of absolute values would be 13; signed total 5 − 5 − 3 = −3.
    let p = Builder::new(&[("delta", "bytes")])
        .sample(&["a", "main"], &[5])
        .sample(&["a", "main"], &[-5])
        .sample(&["b", "main"], &[-3])
        .build();
    assert_eq!(p.total(0), 3);
    assert_eq!(p.signed_total(0), -3);
    assert_eq!(sample_groups(&p), [vec![0, 1], vec![2]]);
    assert_eq!(merged_abs_totals(&p, 0), (3, 0));
}

#[test]
fn different_labels_do_not_merge_and_label_order_does_not_matter() {
    // a +5 {k=x} and a −5 {k=y} stay apart: total 5 + 5 + 1 (b) = 11.
    let p = Builder::new(&[("delta", "bytes")])
        .labelled(&["a", "main"], &[5], &[("k", "x")])
        .labelled(&["a", "main"], &[-5], &[("k", "y")])
        .sample(&["b", "main"], &[1])
        .build();
    assert_eq!(p.total(0), 11);
    assert_eq!(p.signed_total(0), 1);
    assert_eq!(sample_groups(&p).len(), 3);
    // With equal labels they cancel: total 1.
    let p = Builder::new(&[("delta", "bytes")])
        .labelled(&["a", "main"], &[5], &[("k", "x")])
        .labelled(&["a", "main"], &[-5], &[("k", "x")])
        .sample(&["b", "main"], &[1])
        .build();
    assert_eq!(p.total(0), 1);
    // A labelled and an unlabelled sample do not merge either: 5 + 5 + 1.
    let p = Builder::new(&[("delta", "bytes")])
        .labelled(&["a", "main"], &[5], &[("k", "x")])
        .sample(&["a", "main"], &[-5])
        .sample(&["b", "main"], &[1])
        .build();
    assert_eq!(p.total(0), 11);
    // The order of the labels does not matter: {k1=x, k2=y} and
    // {k2=y, k1=x} are one set, so +5 − 5 cancel, leaving b's 2.
    let p = Builder::new(&[("delta", "bytes")])
        .labelled(&["a", "main"], &[5], &[("k1", "x"), ("k2", "y")])
        .labelled(&["a", "main"], &[-5], &[("k2", "y"), ("k1", "x")])
        .sample(&["b", "main"], &[2])
        .build();
    assert_eq!(p.total(0), 2);
    assert_eq!(sample_groups(&p), [vec![0, 1], vec![2]]);
}

#[test]
fn equal_locations_merge_and_other_lines_do_not() {
    // Three locations of main: two at line 1 (different ids, equal
    // content) and one at line 2. +4 at the first and −4 at the second
    // cancel; −4 at line 2 stays: total 4.
    let mut b = Builder::new(&[("delta", "bytes")]);
    let l1 = b.new_loc("main", 1);
    let l1_again = b.new_loc("main", 1);
    let l2 = b.new_loc("main", 2);
    b.sample_locs(&[l1], &[4], &[])
        .sample_locs(&[l1_again], &[-4], &[])
        .sample_locs(&[l2], &[-4], &[]);
    let p = b.build();
    assert_eq!(p.locations.len(), 3);
    assert_eq!(sample_groups(&p), [vec![0, 1], vec![2]]);
    assert_eq!(p.total(0), 4);
    assert_eq!(p.signed_total(0), -4);
}

#[test]
fn groups_come_in_first_occurrence_order() {
    // Stacks a, b, a, c, b: groups {0, 2}, {1, 4}, {3}.
    let p = Builder::new(&[("samples", "count")])
        .sample(&["a"], &[1])
        .sample(&["b"], &[1])
        .sample(&["a"], &[1])
        .sample(&["c"], &[1])
        .sample(&["b"], &[1])
        .build();
    assert_eq!(sample_groups(&p), [vec![0, 2], vec![1, 4], vec![3]]);
    // Different stacks of the same functions are different: a→b vs b→a.
    let p = Builder::new(&[("samples", "count")])
        .sample(&["a", "b"], &[3])
        .sample(&["b", "a"], &[-3])
        .build();
    assert_eq!(sample_groups(&p).len(), 2);
    assert_eq!(p.total(0), 6);
}

#[test]
fn signed_total_and_total_per_sample_type() {
    // Non-negative data: total = the plain sum = signed_total.
    let p = folded("main;a 3\nmain;b 4\n");
    assert_eq!((p.total(0), p.signed_total(0)), (7, 7));
    // Out of range: 0.
    assert_eq!((p.total(1), p.signed_total(1)), (0, 0));

    // Two types, read with their stride: type 0 is 1 + 2 + 3; type 1 is
    // 10 + 20 − 30 = 0 signed and 60 in absolute values.
    let p = Builder::new(&[("objects", "count"), ("space", "bytes")])
        .sample(&["a"], &[1, 10])
        .sample(&["b"], &[2, 20])
        .sample(&["c"], &[3, -30])
        .build();
    assert_eq!((p.total(0), p.signed_total(0)), (6, 6));
    assert_eq!((p.total(1), p.signed_total(1)), (60, 0));
}

#[test]
fn a_saved_diff_reports_its_base_total() {
    // Samples labelled pprof::base=true are the base: a +5 (new), a −2
    // and b −4 (base). The labels keep the two a samples apart: merged
    // absolute values 5 + 2 + 4 = 11, of which the base's 2 + 4 = 6; the
    // total is the base's.
    let base = [("pprof::base", "true")];
    let p = Builder::new(&[("delta", "bytes")])
        .sample(&["a", "main"], &[5])
        .labelled(&["a", "main"], &[-2], &base)
        .labelled(&["b", "main"], &[-4], &base)
        .build();
    assert_eq!(merged_abs_totals(&p, 0), (11, 6));
    assert_eq!(p.total(0), 6);
    assert_eq!(p.signed_total(0), -1);
    // With no negative value the base samples' plain sum is the total: 3.
    let p = Builder::new(&[("delta", "bytes")])
        .sample(&["a", "main"], &[5])
        .labelled(&["b", "main"], &[3], &base)
        .build();
    assert_eq!(p.total(0), 3);
    // pprof::base=false is no base label: the plain total.
    let p = Builder::new(&[("delta", "bytes")])
        .sample(&["a", "main"], &[5])
        .labelled(&["b", "main"], &[3], &[("pprof::base", "false")])
        .build();
    assert_eq!(p.total(0), 8);
}
