//! Folded stacks of a diff: never net (negative) values, which FlameGraph,
//! inferno and speedscope cannot read, but the new profile's values (plain
//! folded stacks) or the differential format `stack base new`.

// Test helpers: a failure stops the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use heaplens_view::params::{DiffParams, ViewParams};
use heaplens_view::session::{ExportKind, Session, Slot, ViewRequest};

fn session(with_base: bool) -> Session {
    let mut s = Session::new();
    s.load(
        Slot::Profile,
        "optimized.prof",
        &common::scheduler("optimized.prof"),
        &mut |_, _, _| {},
    )
    .expect("loads");
    if with_base {
        s.load(
            Slot::Base,
            "baseline.prof",
            &common::scheduler("baseline.prof"),
            &mut |_, _, _| {},
        )
        .expect("loads");
    }
    s
}

fn request() -> ViewRequest {
    ViewRequest {
        params: ViewParams {
            sample_type: Some("alloc_space".into()),
            diff: DiffParams {
                show: true,
                ..DiffParams::default()
            },
            ..ViewParams::default()
        },
        ..ViewRequest::default()
    }
}

fn export(s: &mut Session, kind: ExportKind) -> (String, String) {
    let (name, _, bytes) = s.export(kind, &request()).expect("export");
    (name, String::from_utf8(bytes).expect("text"))
}

/// A line's stack and its numbers.
fn fields(line: &str) -> (&str, Vec<i64>) {
    let mut parts: Vec<&str> = line.rsplitn(3, ' ').collect();
    parts.reverse();
    let numbers = parts[1..]
        .iter()
        .filter_map(|v| v.parse().ok())
        .collect::<Vec<i64>>();
    (parts[0], numbers)
}

#[test]
fn a_diffs_folded_stacks_are_the_new_profiles() {
    let (_, alone) = export(&mut session(false), ExportKind::Folded);
    let (name, folded) = export(&mut session(true), ExportKind::Folded);
    assert_eq!(name, "optimized.alloc_space.folded.txt");
    assert!(
        folded.lines().all(|l| !l.contains(" -")),
        "negative values in {folded}"
    );
    assert_eq!(folded, alone);
}

#[test]
fn a_diffs_differential_folded_stacks_have_base_and_new() {
    let (_, base) = {
        let mut s = Session::new();
        s.load(
            Slot::Profile,
            "baseline.prof",
            &common::scheduler("baseline.prof"),
            &mut |_, _, _| {},
        )
        .expect("loads");
        export(&mut s, ExportKind::Folded)
    };
    let (_, new) = export(&mut session(false), ExportKind::Folded);
    let (name, two) = export(&mut session(true), ExportKind::FoldedDiff);
    assert_eq!(name, "optimized.alloc_space.diff.folded.txt");
    let sum = |text: &str, col: usize| -> i64 {
        text.lines()
            .map(|l| {
                let (_, n) = fields(l);
                n.get(col).copied().unwrap_or(0)
            })
            .sum()
    };
    let mut changed = 0;
    for l in two.lines() {
        let (stack, n) = fields(l);
        assert_eq!(n.len(), 2, "{l:?}");
        assert!(n[0] >= 0 && n[1] >= 0, "{l:?}");
        assert!(n != [0, 0], "{l:?}");
        assert!(!stack.is_empty());
        changed += usize::from(n[0] != n[1]);
    }
    assert!(changed > 0);
    // The columns hold each profile's values: base first, as difffolded.pl.
    assert_eq!(sum(&two, 0), sum(&base, 0));
    assert_eq!(sum(&two, 1), sum(&new, 0));
    let base_line = base.lines().next().expect("a line");
    let (stack, v) = fields(base_line);
    assert!(two
        .lines()
        .any(|l| fields(l).0 == stack && fields(l).1[0] == v[0]));
}

#[test]
fn differential_folded_stacks_need_a_base() {
    let err = session(false)
        .export(ExportKind::FoldedDiff, &request())
        .expect_err("no base");
    assert!(err.contains("base"), "{err}");
}
