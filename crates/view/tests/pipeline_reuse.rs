//! Taking a filter off goes back to the unfiltered view the pipeline kept
//! (same generation, so what the session cached for it is found again),
//! and its answer is the one it gave before the filter.

// Test code: a failure stops the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use heaplens_view::params::ViewParams;
use heaplens_view::pipeline::{Input, Inputs, Pipeline};
use heaplens_view::session::{Session, Slot, ViewRequest};

#[test]
fn a_filter_taken_off_finds_the_unfiltered_view_again() {
    let p = heaplens_profile::decode(&common::scheduler("baseline.prof")).unwrap();
    let mut inputs = Inputs::default();
    inputs.set_profile(Input::new("baseline.prof", p));
    let mut pipeline = Pipeline::default();
    let mut params = ViewParams::default();
    let plain = pipeline.prepare(&inputs, &params).unwrap().generation;
    params.refine.hide = "Claim".into();
    let hidden = pipeline.prepare(&inputs, &params).unwrap();
    assert!(hidden.kept.is_some());
    let hidden = hidden.generation;
    assert_ne!(hidden, plain);
    params.refine.hide.clear();
    let back = pipeline.prepare(&inputs, &params).unwrap();
    assert_eq!((back.generation, back.kept), (plain, None));
    // A filtered view is not kept: hiding again makes it anew.
    params.refine.hide = "Claim".into();
    let again = pipeline.prepare(&inputs, &params).unwrap().generation;
    assert!(again != hidden && again != plain);
}

#[test]
fn the_answer_after_a_filter_is_the_one_before() {
    let mut s = Session::new();
    s.load(
        Slot::Profile,
        "baseline.prof",
        &common::scheduler("baseline.prof"),
        &mut |_, _, _| {},
    )
    .unwrap();
    let mut req = ViewRequest::default();
    let before = s.view(&req).unwrap();
    req.params.refine.hide = "Claim".into();
    let hidden = s.view(&req).unwrap();
    req.params.refine.hide.clear();
    let after = s.view(&req).unwrap();
    let rects = |v: &heaplens_view::session::render::ViewData| {
        v.rects
            .iter()
            .map(|r| (r.depth, r.total, r.self_value))
            .collect::<Vec<_>>()
    };
    assert_ne!(rects(&hidden), rects(&before));
    assert_eq!(rects(&after), rects(&before));
    assert_eq!(
        after
            .rows
            .iter()
            .map(|r| (&r.name, r.flat, r.cum))
            .collect::<Vec<_>>(),
        before
            .rows
            .iter()
            .map(|r| (&r.name, r.flat, r.cum))
            .collect::<Vec<_>>()
    );
    assert!(!before.rows.is_empty());
}
