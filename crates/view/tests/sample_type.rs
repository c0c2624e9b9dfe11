//! The sample type a view shows when none is asked for: pprof's default,
//! or the first type with values when the default's are all 0 (with a note
//! the page and the CLI show). A type asked for is never replaced.

// Test helpers: a failure stops the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use heaplens_view::params::ViewParams;
use heaplens_view::pipeline::{Input, Inputs, Pipeline};
use heaplens_view::session::{Session, Slot, ViewRequest};

fn zero_inuse() -> common::Builder {
    let mut b = common::Builder::new(&[
        ("alloc_objects", "count"),
        ("alloc_space", "bytes"),
        ("inuse_objects", "count"),
        ("inuse_space", "bytes"),
    ]);
    b.sample(&["leaf", "main"], &[2, 2048, 0, 0])
        .sample(&["other", "main"], &[1, 1024, 0, 0]);
    b
}

#[test]
fn an_all_zero_default_is_not_shown_but_an_explicit_choice_is() {
    let mut inputs = Inputs::default();
    inputs.set_profile(Input::new("zero.pb", zero_inuse().build()));
    let mut pipeline = Pipeline::default();
    let prepared = pipeline
        .prepare(&inputs, &ViewParams::default())
        .expect("prepares");
    assert_eq!(prepared.sample_type, 0);
    let note = prepared.sample_type_note.clone().expect("a note");
    assert!(
        note.contains("inuse_space") && note.contains("alloc_objects"),
        "{note}"
    );
    assert_eq!(prepared.problems.sample_type, None);
    let asked = ViewParams {
        sample_type: Some("inuse_space".into()),
        ..ViewParams::default()
    };
    let prepared = pipeline.prepare(&inputs, &asked).expect("prepares");
    assert_eq!(prepared.sample_type, 3);
    assert_eq!(prepared.sample_type_note, None);
}

#[test]
fn the_page_gets_the_note_with_the_view() {
    let mut s = Session::new();
    s.load(
        Slot::Profile,
        "zero.pb",
        &zero_inuse().bytes(),
        &mut |_, _, _| {},
    )
    .expect("loads");
    let v = s.view(&ViewRequest::default()).expect("view");
    assert_eq!(v.sample_type, 0);
    assert!(v.sample_type_note.is_some());
    assert_eq!(v.total, 3);
}
