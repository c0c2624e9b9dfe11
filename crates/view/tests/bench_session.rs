//! Benchmark outputs in the session the page talks to: one output alone
//! answers its values; a second answers the comparison.

// Test helpers: a failure stops the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use heaplens_view::benchtab::{count_hint, geomeans};
use heaplens_view::session::{Response, Session, Slot};

fn rows(r: Response) -> (Vec<heaplens_view::benchfmt::Comparison>, (String, String)) {
    match r {
        Response::Bench {
            comparison: Some(rows),
            names,
            ..
        } => (rows, names),
        _ => panic!("no benchmark table"),
    }
}

#[test]
fn one_output_answers_its_values_then_two_compare() {
    let mut s = Session::new();
    let one = s
        .load_bench(
            Slot::Base,
            "baseline.txt",
            &common::scheduler("baseline.txt"),
        )
        .expect("loads");
    let (single, names) = rows(one);
    assert_eq!(names, ("baseline.txt".to_string(), String::new()));
    assert_eq!(single.len(), 9);
    assert!(single.iter().all(|r| r.base.is_none() && r.new.2 == 5));
    assert_eq!(single[0].name, "Scheduler_CreateClaimComplete");
    assert_eq!(geomeans(&single).len(), 3);
    assert_eq!(count_hint(&single), None);
    let two = s
        .load_bench(
            Slot::Profile,
            "optimized.txt",
            &common::scheduler("optimized.txt"),
        )
        .expect("loads");
    let (pair, _) = rows(two);
    assert_eq!(pair.len(), 9);
    assert!(pair.iter().all(|r| r.base.is_some() && r.significant()));
}
