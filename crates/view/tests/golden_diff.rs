//! Reference parity of diffs: for every pair, mode and sample type listed in
//! `tests/golden/pprof-diff/MANIFEST.tsv`, the combined (base subtracted)
//! profile's top table equals what `go tool pprof -top -diff_base` (or
//! `-base`, or `-diff_base -normalize`) printed, row for row and as text.

mod common;

use heaplens_analysis::Granularity;
use heaplens_profile::decode;
use heaplens_profile::diff::{combine, DiffMode, DiffOptions};

#[test]
fn diffs_equal_go_tool_pprof() {
    let root = common::repo_root();
    let dir = root.join("tests/golden/pprof-diff");
    let manifest = std::fs::read_to_string(dir.join("MANIFEST.tsv"))
        .expect("tests/golden/pprof-diff/MANIFEST.tsv");
    let load = |rel: &str| {
        let bytes = std::fs::read(root.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
        decode(&bytes).unwrap_or_else(|e| panic!("{rel}: {e}"))
    };
    let (mut checked, mut rows_checked) = (0, 0);
    let mut failures = Vec::new();
    let mut modes = std::collections::BTreeSet::new();
    for line in manifest.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let cols: Vec<&str> = line.split('\t').collect();
        let (golden, base, new, mode, granularity, index, command) = (
            cols[0], cols[1], cols[2], cols[3], cols[4], cols[5], cols[7],
        );
        let unit = command
            .split(' ')
            .find_map(|a| a.strip_prefix("-unit="))
            .unwrap_or("");
        let want_text = std::fs::read_to_string(dir.join(golden)).expect("golden file");
        let opts = match mode {
            "diff_base" => DiffOptions {
                mode: DiffMode::DiffBase,
                normalize: false,
            },
            "base" => DiffOptions {
                mode: DiffMode::Base,
                normalize: false,
            },
            "diff_base_normalize" => DiffOptions {
                mode: DiffMode::DiffBase,
                normalize: true,
            },
            other => panic!("unknown mode {other}"),
        };
        modes.insert(mode.to_string());
        let p = combine(&load(new), &load(base), opts)
            .unwrap_or_else(|e| panic!("{base} vs {new}: {e}"));
        let g = Granularity::parse(granularity).expect("granularity");
        match common::compare_top(
            &p,
            g,
            index.parse().expect("sample index"),
            unit,
            &want_text,
        ) {
            Ok(n) => rows_checked += n,
            Err(e) => failures.push(format!(
                "{golden} ({mode} {base} → {new} {granularity} type {index}): {e}"
            )),
        }
        checked += 1;
    }
    assert!(
        failures.is_empty(),
        "{} of {} diff goldens differ:\n{}",
        failures.len(),
        checked,
        failures.join("\n")
    );
    assert!(checked >= 24, "only {checked} diff goldens checked");
    assert_eq!(modes.len(), 3, "modes covered: {modes:?}");
    eprintln!("{checked} diff goldens, {rows_checked} rows equal to go tool pprof");
}
