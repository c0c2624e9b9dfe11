//! heaplens's line listing against `go tool pprof -list` itself: the
//! goldens of tests/golden/pprof-list/ (see its README and MANIFEST.tsv,
//! made by `scripts/make-goldens list`). For each, the lines with values
//! (flat and cum), the routine totals, the shown line range and the source
//! text, and so the whole text, must be pprof's. The sources are those of
//! tests/gen/scheduler, found by the recorded path's suffix as
//! `heaplens list --source tests/gen` finds them.

// Test helpers: a failure stops the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use heaplens_analysis::list;
use heaplens_profile::diff::{self, DiffMode, DiffOptions};

fn load(rel: &str) -> heaplens_profile::Profile {
    let bytes = std::fs::read(common::repo_root().join(rel)).expect("read profile");
    heaplens_profile::decode(&bytes).expect("decode")
}

#[test]
fn listings_match_pprof() {
    let dir = common::repo_root().join("tests/golden/pprof-list");
    let manifest = std::fs::read_to_string(dir.join("MANIFEST.tsv")).expect("manifest");
    let src_dir = common::repo_root().join("tests/gen");
    let src_dir = src_dir.to_str().expect("path");
    let mut checked = 0;
    for line in manifest.lines().skip(1) {
        let c: Vec<&str> = line.split('\t').collect();
        let [golden, input, base, regex, index, _type, unit, _cmd] = c[..] else {
            panic!("bad manifest line {line:?}");
        };
        let want = std::fs::read_to_string(dir.join(golden)).expect("golden");
        let mut p = load(input);
        if base != "-" {
            let opts = DiffOptions {
                mode: DiffMode::DiffBase,
                normalize: false,
            };
            p = diff::combine(&p, &load(base), opts).expect("combine");
        }
        let ty: usize = index.parse().expect("index");
        let funcs = list::lines(&p, ty, regex).expect("regex");
        let mut source = |f: &list::FunctionLines| {
            list::source_candidates(src_dir, &f.file)
                .iter()
                .find_map(|c| std::fs::read_to_string(c).ok())
        };
        let opts = list::TextOptions {
            unit: if unit == "-" {
                String::new()
            } else {
                unit.to_string()
            },
        };
        let got = list::text(&p, ty, &funcs, &opts, &mut source);
        // The routine count first, for a clearer failure.
        let routines = |s: &str| s.lines().filter(|l| l.starts_with("ROUTINE")).count();
        assert_eq!(routines(&got), routines(&want), "{golden}: routines");
        if got != want {
            let (i, (a, b)) = got
                .lines()
                .zip(want.lines())
                .enumerate()
                .find(|(_, (a, b))| a != b)
                .unwrap_or((0, ("(length)", "(length)")));
            panic!("{golden}: line {}: ours {a:?} / pprof {b:?}", i + 1);
        }
        checked += 1;
    }
    assert!(checked >= 10, "only {checked} goldens");
}

/// Values by hand on a small profile: flat at the leaf's innermost frame,
/// cum once per sample under recursion, lines sorted, negative values in a
/// diff, no match.
#[test]
fn flat_and_cum_per_line() {
    use heaplens_profile::proto;
    let s = |v: &str| v.as_bytes().to_vec();
    let line = |function_id, line| proto::Line {
        function_id,
        line,
        column: 0,
    };
    let prof = proto::Profile {
        sample_type: vec![proto::ValueType { r#type: 1, unit: 2 }],
        string_table: vec![
            s(""),
            s("samples"),
            s("count"),
            s("main"),
            s("f"),
            s("m.go"),
        ],
        function: vec![
            proto::Function {
                id: 1,
                name: 3,
                filename: 5,
                ..Default::default()
            },
            proto::Function {
                id: 2,
                name: 4,
                filename: 5,
                ..Default::default()
            },
        ],
        location: vec![
            proto::Location {
                id: 1,
                line: vec![line(1, 10)],
                ..Default::default()
            },
            // f at 20 inlined into f at 30.
            proto::Location {
                id: 2,
                line: vec![line(2, 20), line(2, 30)],
                ..Default::default()
            },
            proto::Location {
                id: 3,
                line: vec![line(2, 25)],
                ..Default::default()
            },
        ],
        sample: vec![
            // main:10 → f:30 → f:20 (leaf)
            proto::Sample {
                location_id: vec![2, 1],
                value: vec![5],
                label: vec![],
            },
            // main:10 → f:25 → f:30 → f:20 → f:25 (recursion; leaf f:25)
            proto::Sample {
                location_id: vec![3, 2, 3, 1],
                value: vec![7],
                label: vec![],
            },
        ],
        ..Default::default()
    };
    let p = heaplens_profile::decode(&prost::Message::encode_to_vec(&prof)).expect("decode");
    let fl = list::lines(&p, 0, "^f$").expect("regex");
    assert_eq!(fl.len(), 1);
    let f = &fl[0];
    assert_eq!((f.name.as_str(), f.file.as_str()), ("f", "m.go"));
    let rows: Vec<(i64, i64, i64)> = f.lines.iter().map(|l| (l.line, l.flat, l.cum)).collect();
    assert_eq!(rows, [(20, 5, 12), (25, 7, 7), (30, 0, 12)]);
    assert_eq!((f.flat, f.cum), (12, 31));
    let m = list::lines(&p, 0, "main").expect("regex");
    assert_eq!(
        m[0].lines,
        [list::LineRow {
            line: 10,
            flat: 0,
            cum: 12
        }]
    );
    assert!(list::lines(&p, 0, "nothing").expect("regex").is_empty());
    assert!(list::lines(&p, 0, "(").is_err());

    // Against itself: every line cancels and is left out.
    let d = diff::combine(&p, &p, DiffOptions::default()).expect("combine");
    assert!(list::lines(&d, 0, ".").expect("regex").is_empty());
    // Against an empty base of the same types: the same lines.
    let mut empty = prof.clone();
    empty.sample.clear();
    let e = heaplens_profile::decode(&prost::Message::encode_to_vec(&empty)).expect("decode");
    let d = diff::combine(&e, &p, DiffOptions::default()).expect("combine");
    let neg = list::lines(&d, 0, "^f$").expect("regex");
    let rows: Vec<(i64, i64, i64)> = neg[0]
        .lines
        .iter()
        .map(|l| (l.line, l.flat, l.cum))
        .collect();
    assert_eq!(rows, [(20, -5, -12), (25, -7, -7), (30, 0, -12)]);
    // Without the source, the lines with values are still listed.
    let text = list::text(&p, 0, &fl, &list::TextOptions::default(), &mut |_| None);
    assert!(text.contains("source not found: m.go"), "{text}");
    assert!(text.contains("         5         12     20:"), "{text}");
}

/// A function annotated with a two-line source ("a", "b"): the lines of
/// its shown range that the source has, in order, with its values there.
fn check_two_line_source(f: &list::FunctionLines) {
    let rows = list::annotate(f, "a\nb\n");
    let (start, end) = list::shown_range(f).expect("a listed function has lines");
    let want: Vec<(i64, &str, i64, i64)> = (start.max(1)..=end.min(2))
        .map(|line| {
            let (flat, cum) = f
                .lines
                .iter()
                .find(|l| l.line == line)
                .map_or((0, 0), |l| (l.flat, l.cum));
            (line, if line == 1 { "a" } else { "b" }, flat, cum)
        })
        .collect();
    let got: Vec<(i64, &str, i64, i64)> = rows
        .iter()
        .map(|r| (r.line, r.text.as_str(), r.flat, r.cum))
        .collect();
    assert_eq!(got, want, "{}", f.name);
}

/// The text listing with no source found: `Total:`, then per function with
/// a file a ROUTINE header, its values line, the not-found note and one line
/// per line with values; per function without, "No source information".
fn check_text_without_sources(
    p: &heaplens_profile::Profile,
    ty: usize,
    funcs: &[list::FunctionLines],
) {
    let text = list::text(p, ty, funcs, &list::TextOptions::default(), &mut |_| None);
    assert!(text.starts_with("Total: "), "{text}");
    let (with, without): (Vec<_>, Vec<_>) = funcs.iter().partition(|f| !f.file.is_empty());
    let count = |prefix: &str| text.lines().filter(|l| l.starts_with(prefix)).count();
    assert_eq!(count("ROUTINE ======================== "), with.len());
    assert_eq!(count(" (source not found: "), with.len());
    assert_eq!(count("No source information for "), without.len());
    let lines: usize = with.iter().map(|f| f.lines.len()).sum();
    // Total, and per function with a file: header, values, note, lines.
    // (A name with a line break adds lines; the corpus has one such profile.)
    let want = 1 + 3 * with.len() + lines + without.len();
    let extra: usize = funcs
        .iter()
        .map(|f| f.name.matches('\n').count())
        .sum::<usize>()
        + with
            .iter()
            .map(|f| 2 * f.file.matches('\n').count())
            .sum::<usize>();
    assert_eq!(text.lines().count(), want + extra, "lines of the listing");
}

/// Every corpus profile, every sample type, every function: the flat values
/// add up to the samples whose leaf has a function (where every function
/// has a file), a short source is annotated line by line, and the listing
/// without sources has one header per function and one line per line.
#[test]
fn every_corpus_profile_lists() {
    let mut listed = 0;
    for path in common::corpus_files() {
        let Ok(p) = heaplens_profile::decode(&std::fs::read(&path).expect("read")) else {
            continue;
        };
        let all_files = p.functions.iter().all(|f| !p.str(f.filename).is_empty());
        for ty in 0..p.num_types() {
            let funcs = list::lines(&p, ty, "").expect("regex");
            let flat: i64 = funcs.iter().map(|f| f.flat).sum();
            let want: i64 = (0..p.num_samples())
                .filter(|&s| {
                    p.stack(s)
                        .get(0)
                        .is_some_and(|l| !p.location_frames(l).is_empty())
                })
                .map(|s| p.value(s, ty))
                .sum();
            if all_files {
                assert_eq!(flat, want, "{}", common::corpus_name(&path));
            }
            for f in &funcs {
                assert!(f.lines.windows(2).all(|w| w[0].line < w[1].line));
                check_two_line_source(f);
            }
            check_text_without_sources(&p, ty, &funcs);
            listed += 1;
        }
    }
    assert!(listed > 100, "{listed}");
}
