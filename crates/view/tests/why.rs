//! The compiler's diagnostics joined to a profile's lines, on the real data
//! of the same build (tests/testdata/escape: Go 1.19's -m and -m=2 for the
//! scheduler test package; tests/testdata/scheduler: its profiles). Every
//! allocating line of the scheduler's own code that the compiler reports
//! (EXPECTED.tsv, made from the -m text with grep/awk) and that has a value
//! in the profile gets its diagnostic and pprof's own flat for that line
//! (`go tool pprof -top -lines`, the checked-in golden); the escaping share
//! is the sum of those flats over pprof's total.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::collections::{BTreeMap, BTreeSet};

use heaplens_view::why;

fn read(rel: &str) -> String {
    std::fs::read_to_string(common::repo_root().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// pprof's flat per (file, line) from a `-top -lines` golden, and its total.
fn pprof_lines(variant: &str) -> (BTreeMap<(String, i64), i64>, i64) {
    let text = read(&format!(
        "tests/golden/pprof/testdata/scheduler/{variant}.prof/lines.1.alloc_space.txt"
    ));
    let total: i64 = text
        .lines()
        .find_map(|l| l.strip_prefix("Showing nodes accounting for "))
        .and_then(|l| l.rsplit(" of ").next())
        .and_then(|t| t.strip_suffix("B total"))
        .map(|t| t.parse().unwrap())
        .expect("total");
    let mut flat = BTreeMap::new();
    for r in common::parse_rows(&text) {
        // Rows without a file:line (no source information) are not lines.
        let Some((file, line)) = r.name.rsplit(' ').next().and_then(|f| f.rsplit_once(':')) else {
            continue;
        };
        let Ok(line) = line.parse::<i64>() else {
            continue;
        };
        *flat.entry((file.to_string(), line)).or_insert(0) += r.flat;
    }
    (flat, total)
}

#[test]
fn every_reported_allocating_line_with_a_value_gets_its_diagnostic() {
    for variant in ["baseline", "optimized"] {
        let p = heaplens_profile::decode(&common::scheduler(&format!("{variant}.prof"))).unwrap();
        let ty = p.sample_type_index(Some("alloc_space")).unwrap();
        let diags = why::parse(&read(&format!("tests/testdata/escape/{variant}.m.txt"))).unwrap();
        let (index, rows, summary) = why::analyse(&p, ty, &diags);
        assert!(index.unmatched.is_empty(), "{:?}", index.unmatched);
        let (pprof, total) = pprof_lines(variant);
        assert_eq!(summary.total, total);
        let expected: BTreeSet<(String, i64, String)> = read("tests/testdata/escape/EXPECTED.tsv")
            .lines()
            .filter_map(|l| {
                let f: Vec<&str> = l.split('\t').collect();
                (f[0] == variant)
                    .then(|| (f[1].to_string(), f[2].parse().unwrap(), f[3].to_string()))
            })
            .collect();
        assert!(expected.len() > 40, "{variant}: {}", expected.len());
        let mut want_escaping = 0;
        let mut lines_seen = BTreeSet::new();
        let mut with_value = 0;
        for (base, line, kind) in &expected {
            let file = format!("heaplens/testgen/scheduler/{base}");
            let Some(&flat) = pprof.get(&(file.clone(), *line)) else {
                continue;
            };
            if flat == 0 {
                continue;
            }
            with_value += 1;
            let row = rows
                .iter()
                .find(|r| r.file == file && r.line == *line)
                .unwrap_or_else(|| panic!("{variant}: no row for {file}:{line}"));
            assert_eq!(row.flat, flat, "{variant}: {file}:{line}");
            let want = if kind == "moved" {
                why::Kind::MovedToHeap
            } else {
                why::Kind::Escapes
            };
            assert!(
                row.diags.iter().any(|d| d.kind == want),
                "{variant}: {file}:{line} {:?}",
                row.diags
            );
            if lines_seen.insert((file, *line)) {
                want_escaping += flat;
            }
        }
        assert!(
            with_value >= 10,
            "{variant}: only {with_value} reported lines have a value"
        );
        assert_eq!(summary.escaping, want_escaping, "{variant}");
        assert_eq!(summary.escaping_sites, lines_seen.len(), "{variant}");
        // The TSV: one row per line, largest flat first, raw integers.
        let tsv = why::tsv(&rows);
        let flats: Vec<i64> = tsv
            .lines()
            .map(|l| l.split('\t').nth(2).unwrap().parse().unwrap())
            .collect();
        assert!(flats.windows(2).all(|w| w[0] >= w[1]));
        assert!(tsv.lines().all(|l| l.split('\t').count() == 5));
    }
}

#[test]
fn the_baseline_reports_hot_functions_not_inlined_with_the_compilers_words() {
    let p = heaplens_profile::decode(&common::scheduler("baseline.prof")).unwrap();
    let ty = p.sample_type_index(Some("alloc_space")).unwrap();
    let diags = why::parse(&read("tests/testdata/escape/baseline.m2.txt")).unwrap();
    let (_, _, summary) = why::analyse(&p, ty, &diags);
    let create = summary
        .not_inlined
        .iter()
        .find(|n| n.function == "heaplens/testgen/scheduler.(*Scheduler).Create")
        .expect("Create is hot and not inlined");
    assert!(
        create.why.starts_with("function too complex: cost ")
            && create.why.ends_with("exceeds budget 80"),
        "{}",
        create.why
    );
    assert!(summary.not_inlined.windows(2).all(|w| w[0].cum >= w[1].cum));
}

#[test]
fn diagnostics_of_another_build_match_nothing_and_say_so() {
    let p = heaplens_profile::decode(&common::scheduler("baseline.prof")).unwrap();
    let diags = why::parse(&read("tests/testdata/escape/variants/shop-app.m.txt")).unwrap();
    let (index, rows, summary) = why::analyse(&p, 1, &diags);
    assert!(rows.is_empty() && summary.escaping == 0);
    let note = index.nothing_matched("shop-app.m.txt").expect("a note");
    assert!(note.contains("another build or checkout"), "{note}");
}
