//! A view answered before its details: `Session::view_first` leaves the
//! selected function's callers, callees and lines, the object sizes and the
//! compiler's reasons out while any of them is still to be made, and
//! `Session::details` gives exactly what `Session::view` would have held;
//! once made they come with the view at once. Also in a diff, where the
//! details are the base's and the new profile's.

// Test helpers: a failure stops the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use heaplens_view::params::{DiffParams, ViewParams};
use heaplens_view::session::{Session, Slot, ViewData, ViewRequest};

fn scheduler(name: &str) -> Vec<u8> {
    std::fs::read(
        common::repo_root()
            .join("tests/testdata/scheduler")
            .join(name),
    )
    .expect("scheduler profile")
}

/// A session with the optimized profile open, and the baseline as base
/// when `diff`.
fn session(diff: bool) -> Session {
    let mut s = Session::new();
    s.load(
        Slot::Profile,
        "optimized.prof",
        &scheduler("optimized.prof"),
        &mut |_, _, _| {},
    )
    .expect("loads");
    if diff {
        s.load(
            Slot::Base,
            "baseline.prof",
            &scheduler("baseline.prof"),
            &mut |_, _, _| {},
        )
        .expect("loads");
    }
    s
}

fn request(seq: u32, selected: Option<&str>, sample_type: Option<&str>, diff: bool) -> ViewRequest {
    ViewRequest {
        seq,
        params: ViewParams {
            selected: selected.map(String::from),
            sample_type: sample_type.map(String::from),
            diff: DiffParams {
                show: diff,
                ..DiffParams::default()
            },
            ..ViewParams::default()
        },
        ..ViewRequest::default()
    }
}

/// Everything but the details (and the rows, sent once per session).
fn frames(v: &ViewData) -> ViewData {
    ViewData {
        peek: None,
        why: None,
        sizes: None,
        details_pending: false,
        rows: Vec::new(),
        rows_fresh: false,
        ..v.clone()
    }
}

fn check(diff: bool) {
    let name = "encoding/json.mapEncoder.encode";
    let steps = [
        (Some(name), None),
        // Zoomed or asked again: the same details, kept.
        (Some(name), None),
        // Another sample type: its own.
        (Some(name), Some("inuse_space")),
        // No selection: the sizes of every sample only.
        (None, Some("inuse_space")),
        (Some("main.main"), Some("alloc_objects")),
    ];
    let mut whole = session(diff);
    let mut first = session(diff);
    let mut pending_seen = 0;
    for (i, (selected, ty)) in steps.into_iter().enumerate() {
        let req = request(i as u32 + 1, selected, ty, diff);
        let want = whole.view(&req).expect("view");
        assert!(!want.details_pending);
        assert_eq!(want.peek.is_some(), selected.is_some(), "step {i}");
        assert!(want.sizes.is_some(), "step {i}: a heap profile has sizes");
        let v = first.view_first(&req).expect("view first");
        assert_eq!(
            frames(&v),
            frames(&want),
            "step {i}: the frames do not wait"
        );
        assert_eq!(v.rows, want.rows, "step {i}");
        if !v.details_pending {
            assert_eq!(
                (&v.peek, &v.sizes, &v.why),
                (&want.peek, &want.sizes, &want.why),
                "step {i}"
            );
            // Kept details only on a repeat of the step before.
            assert_eq!(i, 1, "step {i} had its details at once");
            continue;
        }
        pending_seen += 1;
        assert_eq!(
            (&v.peek, &v.sizes, &v.why),
            (&None, &None, &None),
            "step {i}"
        );
        let d = first.details(&req).expect("details");
        assert_eq!(d.seq, req.seq);
        // Another answer's details are not taken.
        let mut other = d.clone();
        other.seq += 100;
        assert!(v.with_details(other).is_none());
        let filled = v.with_details(d).expect("its own details");
        assert_eq!(filled.frames_key(), v.frames_key(), "step {i}");
        assert!(!filled.details_pending);
        assert_eq!(
            (&filled.peek, &filled.sizes, &filled.why),
            (&want.peek, &want.sizes, &want.why),
            "step {i}"
        );
        assert_eq!(frames(&filled), frames(&want), "step {i}");
        // Filled once only.
        assert!(filled
            .with_details(first.details(&req).expect("details"))
            .is_none());
    }
    assert_eq!(pending_seen, steps.len() - 1);
}

#[test]
fn details_follow_the_view_and_equal_the_whole_answers() {
    check(false);
}

#[test]
fn details_follow_the_view_in_a_diff() {
    check(true);
}
