//! Several profiles merged against `go tool pprof a.prof b.prof …`: for
//! every raw table of `tests/golden/pprof-merge/MANIFEST.tsv` (made by
//! `scripts/make-goldens merge`; every sample type, by function and by
//! line), the merge the page and the CLI make ([`Input::merged`], then the
//! pipeline) gives pprof's table: every row (name, flat, cum, inline mark)
//! and the whole text but the `Time:` line. The merge `heaplens merge`
//! writes, read back, gives the table pprof printed of the written file.

// Test helpers: a failure stops the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use heaplens_analysis::{top, Granularity, TopOptions};
use heaplens_profile::{decode, Profile};
use heaplens_view::encode::{encode, gzip, EncodeOptions};
use heaplens_view::params::ViewParams;
use heaplens_view::pipeline::{Input, Inputs, Pipeline};
use heaplens_view::report::TextOptions;

fn load(path: &str) -> Profile {
    let full = common::repo_root().join(path);
    let bytes = std::fs::read(&full).unwrap_or_else(|e| panic!("{path}: {e}"));
    decode(&bytes).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The merge of `paths`, as the CLI and the page's worker make it.
fn merged(paths: &[&str]) -> Input {
    let parts = paths.iter().map(|p| (p.to_string(), load(p))).collect();
    Input::merged(parts).expect("the inputs merge")
}

/// `input`'s top table of sample type `index` at `g`, held to `want`.
fn compare(
    input: Input,
    g: Granularity,
    index: &str,
    unit: &str,
    want: &str,
) -> Result<usize, String> {
    let mut inputs = Inputs::default();
    inputs.set_profile(input);
    let params = ViewParams {
        sample_type: Some(index.to_string()),
        granularity: g,
        ..ViewParams::default()
    };
    let mut pipeline = Pipeline::default();
    let prepared = pipeline.prepare(&inputs, &params)?;
    let ty = prepared.sample_type;
    let total = prepared.total();
    let tree = prepared.tree(g);
    let p = &prepared.profile;
    let mut t = top(p, &tree, &TopOptions::new(ty));
    t.total = total;
    let topts = TextOptions {
        unit: unit.to_string(),
        node_fraction: 0.0,
        node_count: 0,
        filters: Vec::new(),
    };
    common::check_top(p, ty, &t, &topts, want)
}

/// The scheduler pair as `heaplens merge` writes it (whole, gzipped), read
/// back.
fn written_scheduler() -> Input {
    let m = merged(&[
        "tests/testdata/scheduler/baseline.prof",
        "tests/testdata/scheduler/optimized.prof",
    ]);
    let bytes = gzip(&encode(&m.profile, EncodeOptions::FULL).protobuf);
    Input::new(
        "scheduler-merged.pb.gz",
        decode(&bytes).expect("reads back"),
    )
}

#[test]
fn merges_equal_go_tool_pprof() {
    let dir = common::repo_root().join("tests/golden/pprof-merge");
    let manifest = std::fs::read_to_string(dir.join("MANIFEST.tsv")).expect("MANIFEST.tsv");
    let (mut checked, mut rows, mut written) = (0, 0, 0);
    let mut sets = std::collections::BTreeSet::new();
    let mut failures = Vec::new();
    for line in manifest.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let cols: Vec<&str> = line.split('\t').collect();
        let (golden, inputs, gran, index, unit) = (cols[0], cols[1], cols[2], cols[3], cols[5]);
        if unit.is_empty() {
            // pprof's default options: crates/cli/tests/golden_merge.rs.
            continue;
        }
        let want = std::fs::read_to_string(dir.join(golden)).expect("golden");
        let g = Granularity::parse(gran).expect("granularity");
        let paths: Vec<&str> = inputs.split(' ').collect();
        let mut candidates = vec![("merged", merged(&paths))];
        if paths == ["tests/testdata/merge/scheduler-merged.pb.gz"] {
            // The written file, and the merge written again now.
            candidates.push(("written again", written_scheduler()));
            written += 1;
        } else {
            assert!(paths.len() >= 2, "{golden}: {inputs}");
        }
        for (what, input) in candidates {
            match compare(input, g, index, unit, &want) {
                Ok(n) => rows += n,
                Err(e) => failures.push(format!("{golden} ({what}): {e}")),
            }
        }
        sets.insert(paths.len());
        checked += 1;
    }
    assert!(
        failures.is_empty(),
        "{} of {checked} differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(
        checked >= 20 && rows > 2000,
        "{checked} goldens, {rows} rows"
    );
    assert_eq!(written, 4, "the written merge's four sample types");
    assert!(
        sets.contains(&2) && sets.contains(&3) && sets.contains(&5),
        "{sets:?}"
    );
}

/// Profiles whose types differ are refused with both files' names and
/// pprof's reason; a period type differs first, as pprof checks it first.
#[test]
fn different_types_are_refused_naming_both_files() {
    let heap = (
        "baseline.prof".to_string(),
        load("tests/testdata/scheduler/baseline.prof"),
    );
    let heap2 = (
        "optimized.prof".to_string(),
        load("tests/testdata/scheduler/optimized.prof"),
    );
    let cpu = (
        "sample.cpu".to_string(),
        load("../shared/corpus/pprof/sample.cpu"),
    );
    let e = Input::merged(vec![heap.clone(), heap2.clone(), cpu.clone()]).unwrap_err();
    assert_eq!(
        e,
        "baseline.prof and sample.cpu cannot be merged: period types differ (space/bytes and cpu/nanoseconds)"
    );
    // The same period type, other sample types.
    let mut fewer = heap2.1.clone();
    fewer.sample_types.truncate(2);
    fewer.values = (0..fewer.num_samples())
        .flat_map(|s| heap2.1.sample_values(s)[..2].to_vec())
        .collect();
    let e = Input::merged(vec![heap.clone(), ("two-types.prof".into(), fewer)]).unwrap_err();
    assert_eq!(
        e,
        "baseline.prof and two-types.prof cannot be merged: their sample types differ \
         (alloc_objects/count, alloc_space/bytes, inuse_objects/count, inuse_space/bytes vs \
         alloc_objects/count, alloc_space/bytes)"
    );
}

/// The merged input's name lists the files in order; one file is itself.
#[test]
fn a_merge_is_named_by_its_files() {
    let m = merged(&[
        "tests/testdata/scheduler/baseline.prof",
        "tests/testdata/scheduler/optimized.prof",
    ]);
    assert_eq!(
        m.name,
        "tests/testdata/scheduler/baseline.prof + tests/testdata/scheduler/optimized.prof"
    );
    assert_eq!(m.merged_from.len(), 2);
    let one = merged(&["tests/testdata/scheduler/baseline.prof"]);
    assert_eq!(one.name, "tests/testdata/scheduler/baseline.prof");
    assert!(one.merged_from.is_empty());
    // Two files' bytes add up: the merge's totals are the sums.
    let (a, b) = (
        load("tests/testdata/scheduler/baseline.prof"),
        load("tests/testdata/scheduler/optimized.prof"),
    );
    for ty in 0..4 {
        assert_eq!(m.profile.total(ty), a.total(ty) + b.total(ty), "type {ty}");
    }
    assert_eq!(
        m.profile.duration_nanos,
        a.duration_nanos + b.duration_nanos
    );
}

/// The worker's session opens a merge as the CLI does: its info names the
/// files, its totals are the merge's; a mismatch or a file that does not
/// decode fails with the files' names, and the open profile stays.
#[test]
fn the_session_opens_merges_as_the_cli_does() {
    use heaplens_view::session::{Session, Slot};
    let read = |p: &str| {
        let name = p.rsplit('/').next().unwrap().to_string();
        (name, std::fs::read(common::repo_root().join(p)).unwrap())
    };
    let files = vec![
        read("tests/testdata/scheduler/baseline.prof"),
        read("tests/testdata/scheduler/optimized.prof"),
        read("../shared/corpus/dd-trace-go/heap.before.pprof"),
    ];
    let mut s = Session::new();
    let info = s
        .load_merged(Slot::Profile, &files, &mut |_, _, _| {})
        .expect("merges");
    assert_eq!(
        info.file_name,
        "baseline.prof + optimized.prof + heap.before.pprof"
    );
    assert_eq!(
        info.merged_from,
        ["baseline.prof", "optimized.prof", "heap.before.pprof"]
    );
    let m = merged(&[
        "tests/testdata/scheduler/baseline.prof",
        "tests/testdata/scheduler/optimized.prof",
        "../shared/corpus/dd-trace-go/heap.before.pprof",
    ]);
    let totals: Vec<i64> = info.sample_types.iter().map(|t| t.total).collect();
    assert_eq!(
        totals,
        (0..4).map(|t| m.profile.total(t)).collect::<Vec<_>>()
    );
    assert!(totals.iter().all(|&t| t > 0));

    let mismatch = vec![
        read("tests/testdata/scheduler/baseline.prof"),
        read("../shared/corpus/pprof/sample.cpu"),
    ];
    let e = s
        .load_merged(Slot::Profile, &mismatch, &mut |_, _, _| {})
        .unwrap_err();
    assert_eq!(
        e,
        "baseline.prof and sample.cpu cannot be merged: period types differ (space/bytes and cpu/nanoseconds)"
    );
    let broken = vec![
        read("tests/testdata/scheduler/baseline.prof"),
        ("notes.txt".to_string(), b"\x00\x01 not a profile".to_vec()),
    ];
    let e = s
        .load_merged(Slot::Profile, &broken, &mut |_, _, _| {})
        .unwrap_err();
    assert!(e.starts_with("notes.txt: "), "{e}");
    assert_eq!(s.profile_protobuf().map(|(n, _)| n), Some(info.file_name));
}
