//! pprof's node filters against `go tool pprof`: for every entry of
//! `tests/golden/pprof-refine/MANIFEST.tsv` (made by
//! `scripts/make-goldens refine`), the view's pipeline with the same
//! options (its filter step, as the page and the CLI run it) gives pprof's
//! top table: every row (name, flat, cum, inline mark) and the whole text
//! but the `Time:` line ("Active filters", totals, percentages).

// Test helpers: a failure stops the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use heaplens_analysis::{top, Granularity, TopOptions};
use heaplens_profile::decode;
use heaplens_view::params::{RefineParams, ViewParams};
use heaplens_view::pipeline::{Input, Inputs, Pipeline};
use heaplens_view::report::TextOptions;

/// The view parameters of pprof's flags (`-focus=RE`, `-noinlines`, …):
/// the field of [`RefineParams`] of each flag's name.
fn params(flags: &str, ty: &str) -> ViewParams {
    let mut v = ViewParams {
        sample_type: Some(ty.to_string()),
        ..ViewParams::default()
    };
    let mut refine = serde_json::Map::new();
    for flag in flags.split(' ').filter(|f| !f.is_empty()) {
        let flag = flag.trim_start_matches('-');
        match flag.split_once('=') {
            Some(("tagfocus", value)) => v.tagfocus = value.to_string(),
            Some((name, value)) => {
                refine.insert(name.to_string(), value.into());
            }
            None if flag == "lines" => v.granularity = Granularity::Lines,
            None => {
                refine.insert(flag.to_string(), true.into());
            }
        }
    }
    let json = serde_json::Value::Object(refine.clone());
    v.refine = serde_json::from_value::<RefineParams>(json).expect("pprof flag names");
    // Every flag named a field.
    let back = serde_json::to_value(&v.refine).expect("to JSON");
    for (k, x) in &refine {
        assert_eq!(&back[k], x, "-{k}");
    }
    v
}

fn load(path: &std::path::Path) -> heaplens_profile::Profile {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    decode(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The top table text of `params` over `inputs`, as the CLI prints it;
/// Err when it differs from `want`.
fn compare(inputs: &Inputs, params: &ViewParams, unit: &str, want: &str) -> Result<usize, String> {
    let mut pipeline = Pipeline::default();
    let prepared = pipeline.prepare(inputs, params)?;
    if let Some(e) = &prepared.problems.filters {
        return Err(e.clone());
    }
    let ty = prepared.sample_type;
    let total = prepared.total();
    let tree = prepared.tree(params.granularity);
    let p = &prepared.profile;
    let opts = TopOptions {
        drop_negative: params.refine.drop_negative,
        ..TopOptions::new(ty)
    };
    let mut t = top(p, &tree, &opts);
    t.total = total;
    let topts = TextOptions {
        unit: unit.to_string(),
        node_fraction: 0.0,
        node_count: 0,
        filters: prepared.filters.clone(),
    };
    common::check_top(p, ty, &t, &topts, want)
}

#[test]
fn node_filters_equal_go_tool_pprof() {
    let root = common::repo_root();
    let dir = root.join("tests/golden/pprof-refine");
    let manifest = std::fs::read_to_string(dir.join("MANIFEST.tsv")).expect("MANIFEST.tsv");
    let (mut checked, mut rows, mut empty, mut diffs) = (0, 0, 0, 0);
    let mut failures = Vec::new();
    let mut flags_seen = std::collections::BTreeSet::new();
    for line in manifest.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let cols: Vec<&str> = line.split('\t').collect();
        let (golden, input, base, index, unit, flags) =
            (cols[0], cols[1], cols[2], cols[3], cols[5], cols[6]);
        let want = std::fs::read_to_string(dir.join(golden)).expect("golden");
        for f in flags.split(' ') {
            flags_seen.insert(f.split('=').next().unwrap_or(f).to_string());
        }
        diffs += usize::from(!base.is_empty());
        // Loaded as the CLI loads (the filtered tree built from the
        // filtered samples) and as the page loads (the function tree made
        // first, the filtered one derived from it where it can be).
        for page in [false, true] {
            let load_input = |path: &str| {
                let input = Input::new(path, load(&root.join(path)));
                if page {
                    input.with_functions()
                } else {
                    input
                }
            };
            let mut inputs = Inputs::default();
            inputs.set_profile(load_input(input));
            if !base.is_empty() {
                inputs.set_base(load_input(base));
            }
            match compare(&inputs, &params(flags, index), unit, &want) {
                Ok(_) if page => (),
                Ok(0) => empty += 1,
                Ok(n) => rows += n,
                Err(e) => failures.push(format!("{golden} ({input} {flags}, page {page}): {e}")),
            }
        }
        checked += 1;
    }
    assert!(
        failures.is_empty(),
        "{} of {checked} differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(
        checked >= 40 && rows > 1000,
        "{checked} goldens, {rows} rows"
    );
    assert!(
        diffs >= 8 && empty >= 2,
        "{diffs} diffs, {empty} empty tables"
    );
    for f in [
        "-focus",
        "-ignore",
        "-hide",
        "-show",
        "-show_from",
        "-prune_from",
        "-tagignore",
        "-tagshow",
        "-taghide",
        "-tagroot",
        "-tagleaf",
        "-noinlines",
        "-relative_percentages",
        "-drop_negative",
    ] {
        assert!(flags_seen.contains(f), "no golden with {f}");
    }
}

/// A regular expression pprof rejects is rejected with pprof's words (Go
/// 1.19's `go tool pprof` printed these), and no filter is applied.
#[test]
fn bad_regexes_are_refused_as_pprof_refuses_them() {
    let root = common::repo_root();
    let path = root.join("tests/testdata/scheduler/baseline.prof");
    let mut inputs = Inputs::default();
    inputs.set_profile(Input::new("baseline.prof", load(&path)));
    let cases = [
        ("-focus=(", "parsing focus regexp: error parsing regexp: missing closing ): `(`"),
        (
            "-ignore=a**",
            "parsing ignore regexp: error parsing regexp: invalid nested repetition operator: `**`",
        ),
        (
            "-show_from=[z-a]",
            "parsing show_from regexp: error parsing regexp: invalid character class range: `z-a`",
        ),
        (
            "-prune_from=\\q",
            "parsing prune_from regexp: error parsing regexp: invalid escape sequence: `\\q`",
        ),
        (
            "-tagshow=(?=x)",
            "parsing tagshow regexp: error parsing regexp: invalid or unsupported Perl syntax: `(?=`",
        ),
        (
            "-focus=ok -hide=)",
            "parsing hide regexp: error parsing regexp: unexpected ): `)`",
        ),
    ];
    for (flags, want) in cases {
        let mut pipeline = Pipeline::default();
        let prepared = pipeline
            .prepare(&inputs, &params(flags, "1"))
            .expect("prepares");
        assert_eq!(prepared.problems.filters.as_deref(), Some(want), "{flags}");
        assert!(prepared.filters.is_empty() && prepared.kept.is_none());
    }
}
