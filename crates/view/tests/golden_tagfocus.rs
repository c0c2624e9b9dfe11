//! Label filters against `go tool pprof -tagfocus`: for every entry of
//! `tests/golden/pprof-tagfocus/MANIFEST.tsv` (made by
//! `scripts/make-goldens tagfocus`), heaplens's top table of the filtered
//! profile equals pprof's, rows and text (its "Active filters" lines, and
//! percentages of the whole profile's total); with a base, of the diff
//! (`-diff_base`), whose base samples keep their numeric labels.

mod common;

use heaplens_analysis::Granularity;
use heaplens_profile::decode;

#[test]
fn tagfocus_equals_go_tool_pprof() {
    let root = common::repo_root();
    let dir = root.join("tests/golden/pprof-tagfocus");
    let manifest = std::fs::read_to_string(dir.join("MANIFEST.tsv")).expect("MANIFEST.tsv");
    let (mut checked, mut rows, mut failures, mut diffs) = (0, 0, Vec::new(), 0);
    for line in manifest.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let cols: Vec<&str> = line.split('\t').collect();
        let (golden, input, spec, index, unit) = (cols[0], cols[1], cols[2], cols[3], cols[5]);
        let want = std::fs::read_to_string(dir.join(golden)).expect("golden");
        let bytes = std::fs::read(root.join(input)).unwrap_or_else(|e| panic!("{input}: {e}"));
        let mut p = decode(&bytes).unwrap_or_else(|e| panic!("{input}: {e}"));
        if let Some(base) = cols.get(7).filter(|b| !b.is_empty()) {
            let b = std::fs::read(root.join(base)).unwrap_or_else(|e| panic!("{base}: {e}"));
            let b = decode(&b).unwrap_or_else(|e| panic!("{base}: {e}"));
            p = heaplens_profile::diff::combine(&p, &b, Default::default())
                .unwrap_or_else(|e| panic!("{base} vs {input}: {e}"));
            diffs += 1;
        }
        let ty = index.parse().expect("sample index");
        match common::compare_focused_top(&p, Granularity::Functions, ty, unit, &want, Some(spec)) {
            Ok(n) => rows += n,
            Err(e) => failures.push(format!("{golden} ({input} -tagfocus={spec}): {e}")),
        }
        checked += 1;
    }
    assert!(
        failures.is_empty(),
        "{} of {checked} differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(checked >= 8 && rows > 100, "{checked} goldens, {rows} rows");
    assert!(diffs >= 2, "{diffs} diffs");
}
