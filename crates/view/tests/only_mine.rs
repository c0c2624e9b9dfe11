//! "Only my code": Go's standard library hidden (pprof's `-hide` with
//! [`GO_STD`]), so its values are charged to the nearest caller outside it.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use heaplens_analysis::{top, TopOptions};
use heaplens_profile::decode;
use heaplens_view::params::{RefineParams, ViewParams, GO_STD};
use heaplens_view::pipeline::{Input, Inputs, Pipeline};
use regex_lite::Regex;

fn rows(inputs: &Inputs, refine: RefineParams) -> (Vec<(String, i64, i64)>, i64) {
    let params = ViewParams {
        sample_type: Some("alloc_space".into()),
        refine,
        ..ViewParams::default()
    };
    let mut pipeline = Pipeline::default();
    let prepared = pipeline.prepare(inputs, &params).unwrap();
    assert_eq!(prepared.problems.filters, None);
    let ty = prepared.sample_type;
    let tree = prepared.tree(params.granularity);
    let t = top(&prepared.profile, &tree, &TopOptions::new(ty));
    let rows = t
        .rows
        .iter()
        .map(|r| (r.name.clone(), r.flat, r.cum))
        .collect();
    (rows, prepared.total())
}

#[test]
fn only_my_code_charges_the_standard_library_to_its_callers() {
    let profile = decode(&common::scheduler("baseline.prof")).unwrap();
    let mut inputs = Inputs::default();
    inputs.set_profile(Input::new("baseline.prof", profile));
    let (all, total) = rows(&inputs, RefineParams::default());
    let mine = RefineParams {
        only_mine: true,
        ..RefineParams::default()
    };
    let (kept, _) = rows(&inputs, mine.clone());
    let std = Regex::new(GO_STD).unwrap();
    // No standard-library function is left, and the program's own are.
    assert!(kept.iter().all(|(n, ..)| !std.is_match(n)), "{kept:?}");
    assert!(kept
        .iter()
        .any(|(n, ..)| n.starts_with("heaplens/testgen/scheduler.")));
    assert!(all.iter().any(|(n, ..)| n.starts_with("encoding/json.")));
    // Every value is charged to a function of the program, but for stacks that are the
    // library's from end to end (the runtime's own work): no frame is left to charge, as
    // with pprof's -hide. In this profile that is well under 0.1% of the total.
    let flat: i64 = kept.iter().map(|r| r.1).sum();
    assert!(
        flat <= total && total - flat < total / 1000,
        "{flat} of {total}"
    );
    // A function's cum is unchanged (hiding removes frames, not samples), and its flat
    // grows by what the library allocated below it.
    for (name, f, c) in &kept {
        let (_, f0, c0) = all.iter().find(|r| &r.0 == name).unwrap();
        assert_eq!(c, c0, "{name}");
        assert!(f >= f0, "{name}");
    }
    // It is pprof's -hide with that regex (pprof's -hide is held to pprof by golden_refine).
    let hide = RefineParams {
        hide: GO_STD.to_string(),
        ..RefineParams::default()
    };
    assert_eq!(rows(&inputs, hide).0, kept);
}
