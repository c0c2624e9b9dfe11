//! `heaplens why` and `heaplens list --escape` as a user runs them on the
//! scheduler's profile and the compiler's diagnostics of the same build
//! (tests/testdata/escape): output shapes, what they join, exit codes.

// Test helpers: a failure stops the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::{Command, Output};

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");

fn heaplens(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_heaplens"))
        .current_dir(ROOT)
        .args(args)
        .output()
        .expect("run heaplens")
}

const PROF: &str = "tests/testdata/scheduler/baseline.prof";

#[test]
fn why_text_tsv_and_the_json_directory_agree() {
    let m = heaplens(&[
        "why",
        PROF,
        "--escape",
        "tests/testdata/escape/baseline.m.txt",
    ]);
    assert!(m.status.success(), "{}", String::from_utf8_lossy(&m.stderr));
    let text = String::from_utf8_lossy(&m.stdout);
    let first = text.lines().next().unwrap();
    assert!(
        first.contains("of alloc_space (")
            && first.ends_with("the compiler reports as allocating on the heap"),
        "{first}"
    );
    assert!(text.contains("  moved to heap: "), "{text}");
    let tsv = heaplens(&[
        "why",
        PROF,
        "--escape",
        "tests/testdata/escape/baseline.m.txt",
        "--format",
        "tsv",
        "--sample-index",
        "alloc_objects",
    ]);
    let rows: Vec<Vec<String>> = String::from_utf8_lossy(&tsv.stdout)
        .lines()
        .map(|l| l.split('\t').map(str::to_string).collect())
        .collect();
    assert!(rows.len() > 10 && rows.iter().all(|r| r.len() == 5));
    let moved = rows
        .iter()
        .find(|r| r[0].ends_with("/baseline.go") && r[1] == "173")
        .expect("line 173");
    assert!(moved[4].contains("moved to heap: buf"), "{moved:?}");
    // The -json=0 directory of the same build joins the same lines.
    let json = heaplens(&[
        "why",
        PROF,
        "--escape",
        "tests/testdata/escape/baseline.json",
        "--format",
        "tsv",
        "--sample-index",
        "alloc_objects",
    ]);
    assert!(
        json.status.success(),
        "{}",
        String::from_utf8_lossy(&json.stderr)
    );
    let json_lines: std::collections::BTreeSet<(String, String)> =
        String::from_utf8_lossy(&json.stdout)
            .lines()
            .map(|l| {
                let f: Vec<&str> = l.split('\t').collect();
                (f[0].to_string(), f[1].to_string())
            })
            .collect();
    for r in rows
        .iter()
        .filter(|r| r[4].contains("escapes to heap") || r[4].contains("moved to heap"))
    {
        assert!(json_lines.contains(&(r[0].clone(), r[1].clone())), "{r:?}");
    }
}

#[test]
fn list_escape_puts_the_diagnostics_under_their_lines() {
    let o = heaplens(&[
        "list",
        "writePayload",
        PROF,
        "--escape",
        "tests/testdata/escape/baseline.m.txt",
        "--source",
        "tests/gen/scheduler",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = String::from_utf8_lossy(&o.stdout);
    let lines: Vec<&str> = text.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.contains(" 183:"))
        .expect("line 183 listed");
    assert!(
        lines[at + 1].trim_start().starts_with("# "),
        "{}",
        lines[at + 1]
    );
    assert!(lines[at + 1..]
        .iter()
        .take_while(|l| l.trim_start().starts_with("# "))
        .any(|l| l.contains("escapes to heap")));
}

#[test]
fn bad_and_unmatched_diagnostics() {
    let none = heaplens(&["why", PROF]);
    assert_eq!(none.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&none.stderr).contains("--escape"));
    let not_diag = heaplens(&[
        "why",
        PROF,
        "--escape",
        "tests/testdata/escape/variants/no-diagnostics.txt",
    ]);
    assert_eq!(not_diag.status.code(), Some(2));
    let err = String::from_utf8_lossy(&not_diag.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("no-diagnostics.txt") && err.contains("no compiler diagnostic"),
        "{err}"
    );
    let other = heaplens(&[
        "why",
        PROF,
        "--escape",
        "tests/testdata/escape/variants/shop-app.m.txt",
    ]);
    assert!(other.status.success());
    assert!(String::from_utf8_lossy(&other.stderr).contains("another build or checkout"));
    assert!(
        String::from_utf8_lossy(&other.stdout).starts_with("0% of alloc_space"),
        "{}",
        String::from_utf8_lossy(&other.stdout)
    );
}

#[test]
fn why_with_a_base_compares_the_builds_and_needs_both_sides() {
    let esc = |v: &str| format!("tests/testdata/escape/{v}.m.txt");
    let (base_esc, new_esc) = (esc("baseline"), esc("optimized"));
    let new = "tests/testdata/scheduler/optimized.prof";
    let args = [
        "why",
        "--base",
        PROF,
        "--base-escape",
        &base_esc,
        new,
        "--escape",
        &new_esc,
    ];
    let out = heaplens(&args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    // The new build's summary is `why NEW --escape DIAG`'s, then the comparison.
    let alone = heaplens(&["why", new, "--escape", &new_esc]);
    let (summary, since) = text
        .split_once("\nSince the base:\n")
        .expect("a comparison");
    assert_eq!(summary, String::from_utf8_lossy(&alone.stdout));
    let first = since.lines().next().unwrap();
    assert!(
        first.contains(" escapes removed, ") && first.contains("% less of alloc_space"),
        "{first}"
    );
    assert!(
        since.contains("\nRemoved:\n") && since.contains("\nAdded:\n"),
        "{since}"
    );
    // One side alone is refused in one line, exit 2.
    for args in [
        vec!["why", "--base", PROF, new, "--escape", &new_esc],
        vec!["why", "--base-escape", &base_esc, new, "--escape", &new_esc],
    ] {
        let out = heaplens(&args);
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains("--base-escape"), "{err}");
    }
}
