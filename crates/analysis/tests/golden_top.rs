//! The engine's top table against `go tool pprof` on the scheduler test
//! profiles, without the view's pipeline: every golden of
//! `tests/golden/pprof/` made of them (every sample type; functions, lines
//! and addresses) row for row with pprof's inline marks, and the goldens of
//! `tests/golden/pprof-default/` (pprof's node fraction of 0.005, node
//! counts): which rows are kept, in which order, their marks and
//! percentages, how many were dropped and how many there were before the
//! count.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;

use heaplens_analysis::{top, CallTree, Granularity, InlineMark, Top, TopOptions};
use heaplens_profile::diff::{combine, DiffMode, DiffOptions};
use heaplens_profile::units::percentage;
use heaplens_profile::Profile;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A golden's row: the five value columns as printed, the name, the mark.
struct Row {
    cols: Vec<String>,
    name: String,
    mark: String,
}

/// The rows of a `-top` golden whose names have no line breaks.
fn rows(text: &str) -> Vec<Row> {
    text.lines()
        .skip_while(|l| !l.trim_start().starts_with("flat  flat%"))
        .skip(1)
        .map(|l| {
            // Five value columns, then two spaces and the name.
            let mut rest = l;
            let mut cols = Vec::new();
            for _ in 0..5 {
                rest = rest.trim_start_matches(' ');
                let end = rest.find(' ').unwrap_or(rest.len());
                cols.push(rest[..end].to_string());
                rest = &rest[end..];
            }
            let full = rest
                .strip_prefix("  ")
                .unwrap_or_else(|| panic!("no name in {l:?}"));
            let (name, mark) = ["(inline)", "(partial-inline)"]
                .iter()
                .find_map(|m| full.strip_suffix(&format!(" {m}")).map(|n| (n, *m)))
                .unwrap_or((full, ""));
            Row {
                cols,
                name: name.to_string(),
                mark: mark.to_string(),
            }
        })
        .collect()
}

/// A value printed with its unit suffix as an integer.
fn raw(s: &str) -> i64 {
    s.trim_end_matches(|c: char| c.is_alphabetic())
        .parse()
        .unwrap()
}

/// The number in the header line that starts with `prefix`, if any.
fn header_number(text: &str, prefix: &str) -> Option<usize> {
    let line = text.lines().find(|l| l.starts_with(prefix))?;
    let rest = &line[prefix.len()..];
    Some(rest.split(' ').next().unwrap().parse().unwrap())
}

/// MANIFEST.tsv rows as column name → value maps.
fn manifest(dir: &str) -> Vec<std::collections::HashMap<String, String>> {
    let text = std::fs::read_to_string(root().join(dir).join("MANIFEST.tsv")).unwrap();
    let mut lines = text.lines();
    let head: Vec<&str> = lines.next().unwrap().split('\t').collect();
    lines
        .filter(|l| !l.is_empty())
        .map(|l| {
            head.iter()
                .zip(l.split('\t'))
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

fn load(input: &str) -> Profile {
    heaplens_profile::decode(&std::fs::read(root().join(input)).unwrap()).unwrap()
}

fn table(p: &Profile, granularity: &str, opts: &TopOptions) -> Top {
    let tree = CallTree::build(p, Granularity::parse(granularity).unwrap());
    top(p, &tree, opts)
}

fn mark(m: InlineMark) -> &'static str {
    m.as_str()
}

#[test]
fn scheduler_top_tables_equal_pprofs() {
    let mut checked = 0;
    for g in manifest("tests/golden/pprof") {
        if !g["input"].starts_with("tests/testdata/scheduler/") {
            continue;
        }
        let text =
            std::fs::read_to_string(root().join("tests/golden/pprof").join(&g["golden"])).unwrap();
        let p = load(&g["input"]);
        let t = table(
            &p,
            &g["granularity"],
            &TopOptions::new(g["sample_index"].parse().unwrap()),
        );
        let want = rows(&text);
        let got: Vec<(&str, i64, i64, &str)> = t
            .rows
            .iter()
            .map(|r| (r.name.as_str(), r.flat, r.cum, mark(r.inline)))
            .collect();
        let want: Vec<(&str, i64, i64, &str)> = want
            .iter()
            .map(|r| {
                (
                    r.name.as_str(),
                    raw(&r.cols[0]),
                    raw(&r.cols[3]),
                    r.mark.as_str(),
                )
            })
            .collect();
        assert_eq!(got, want, "{}", g["golden"]);
        let total = text.lines().find_map(|l| l.strip_suffix(" total")).unwrap();
        assert_eq!(
            t.total,
            raw(total.rsplit(' ').next().unwrap()),
            "{}",
            g["golden"]
        );
        checked += 1;
    }
    // Two profiles, four sample types, three granularities.
    assert!(checked >= 20, "{checked} goldens");
}

#[test]
fn pprofs_default_cutoffs_keep_the_same_rows() {
    let mut checked = 0;
    for g in manifest("tests/golden/pprof-default") {
        if !g["input"].starts_with("tests/testdata/scheduler/") {
            continue;
        }
        let text =
            std::fs::read_to_string(root().join("tests/golden/pprof-default").join(&g["golden"]))
                .unwrap();
        let p = load(&g["input"]);
        let ty = match g["sample_index"].as_str() {
            "" => p.default_sample_type(),
            i => i.parse().unwrap(),
        };
        let opts = TopOptions {
            node_fraction: 0.005,
            node_count: g["nodecount"].parse().unwrap_or(0),
            ..TopOptions::new(ty)
        };
        let t = table(&p, &g["granularity"], &opts);
        let what = &g["golden"];
        // Names, marks and pprof's percentages (of the total) in order.
        let got: Vec<(&str, &str, String, String)> = t
            .rows
            .iter()
            .map(|r| {
                (
                    r.name.as_str(),
                    mark(r.inline),
                    percentage(r.flat, t.total).trim().to_string(),
                    percentage(r.cum, t.total).trim().to_string(),
                )
            })
            .collect();
        let want_rows = rows(&text);
        let want: Vec<(&str, &str, String, String)> = want_rows
            .iter()
            .map(|r| {
                (
                    r.name.as_str(),
                    r.mark.as_str(),
                    r.cols[1].clone(),
                    r.cols[4].clone(),
                )
            })
            .collect();
        assert_eq!(got, want, "{what}");
        assert_eq!(
            Some(t.dropped),
            header_number(&text, "Dropped ").or(Some(0)),
            "{what}"
        );
        if let Some(all) = header_number(&text, "Showing top ").map(|_| {
            let line = text
                .lines()
                .find(|l| l.starts_with("Showing top "))
                .unwrap();
            line.rsplit(' ').next().unwrap().parse::<usize>().unwrap()
        }) {
            assert_eq!(t.rows_before_count, all, "{what}");
            assert!(t.rows.len() < all);
        } else {
            assert_eq!(t.rows_before_count, t.rows.len(), "{what}");
        }
        if text.contains("\nDropped ") {
            assert!(t.node_cutoff > 0, "{what}");
        }
        checked += 1;
    }
    assert!(checked >= 20, "{checked} goldens");
}

/// A golden's rows as (name, flat, cum, mark), raw values.
fn raw_rows(text: &str) -> Vec<(String, i64, i64, String)> {
    rows(text)
        .into_iter()
        .map(|r| (r.name, raw(&r.cols[0]), raw(&r.cols[3]), r.mark))
        .collect()
}

fn rows_of(t: &Top) -> Vec<(String, i64, i64, String)> {
    t.rows
        .iter()
        .map(|r| (r.name.clone(), r.flat, r.cum, mark(r.inline).to_string()))
        .collect()
}

#[test]
fn scheduler_diffs_equal_pprofs_rows() {
    // Every mode of tests/golden/pprof-diff's scheduler pair: net values
    // (negative ones sorted by magnitude), marks.
    let mut checked = 0;
    for g in manifest("tests/golden/pprof-diff") {
        if !g["golden"].starts_with("pairs/scheduler/") {
            continue;
        }
        let text =
            std::fs::read_to_string(root().join("tests/golden/pprof-diff").join(&g["golden"]))
                .unwrap();
        let opts = DiffOptions {
            mode: if g["mode"] == "base" {
                DiffMode::Base
            } else {
                DiffMode::DiffBase
            },
            normalize: g["mode"] == "diff_base_normalize",
        };
        let p = combine(&load(&g["new"]), &load(&g["base"]), opts).unwrap();
        let t = table(
            &p,
            &g["granularity"],
            &TopOptions::new(g["sample_index"].parse().unwrap()),
        );
        assert_eq!(rows_of(&t), raw_rows(&text), "{}", g["golden"]);
        checked += 1;
    }
    assert!(checked >= 16, "{checked} goldens");
}

#[test]
fn drop_negative_leaves_out_pprofs_rows() {
    // pprof's -drop_negative on the scheduler diff (pprof-refine): rows
    // whose flat is negative, or 0 with a negative cum, are left out, and
    // so is their share of the kept rows' total.
    let text =
        std::fs::read_to_string(root().join("tests/golden/pprof-refine/diff-drop-negative.txt"))
            .unwrap();
    let new = load("tests/testdata/scheduler/optimized.prof");
    let base = load("tests/testdata/scheduler/baseline.prof");
    let p = combine(&new, &base, DiffOptions::default()).unwrap();
    let opts = TopOptions {
        drop_negative: true,
        ..TopOptions::new(1)
    };
    let t = table(&p, "functions", &opts);
    let want = raw_rows(&text);
    assert!(want.len() > 10);
    assert_eq!(rows_of(&t), want);
    // Without the option the same table has the negative rows too.
    let all = table(&p, "functions", &TopOptions::new(1));
    assert!(all.rows.iter().any(|r| r.flat < 0));
    assert!(all.rows.iter().any(|r| r.flat == 0 && r.cum < 0));
    assert!(all.rows.iter().any(|r| r.flat == 0 && r.cum > 0));
    let kept: Vec<_> = rows_of(&all)
        .into_iter()
        .filter(|r| r.1 > 0 || (r.1 == 0 && r.2 >= 0))
        .collect();
    assert_eq!(kept, want);
}
