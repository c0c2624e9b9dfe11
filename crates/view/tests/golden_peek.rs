//! Callers and callees against `go tool pprof -peek`: for every entry of
//! `tests/golden/pprof-peek/MANIFEST.tsv` (made by `scripts/make-goldens
//! peek`), every function pprof prints is selected in a session, as the page
//! selects it, and the answer's peek (what the callers/callees panel shows)
//! has pprof's flat and cum, and pprof's callers and callees: the same
//! names with the same values, in pprof's order. heaplens also shows the
//! stacks the function starts as a `(root)` caller, which pprof leaves out;
//! that row is checked against the profile's stacks.

// Test helpers: a failure stops the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::raw_value;
use heaplens_view::params::ViewParams;
use heaplens_view::session::{PeekData, Session, Slot, ViewRequest};

/// One function's block of a `-peek` report.
#[derive(Debug, Default)]
struct Block {
    name: String,
    flat: i64,
    cum: i64,
    callers: Vec<(String, i64)>,
    callees: Vec<(String, i64)>,
}

/// The blocks of a `go tool pprof -peek` report. A block is its callers'
/// lines (`value percent |   name`), the function's own line (`flat flat%
/// sum% cum cum% | name`), then its callees' lines; " (inline)" after an
/// edge's name says the call was inlined, which the panel does not show.
fn parse_peek(text: &str) -> Vec<Block> {
    const SEPARATOR: &str =
        "----------------------------------------------------------+-------------";
    let mut blocks = Vec::new();
    let mut cur: Option<Block> = None;
    let mut seen_legend = false;
    for line in text.lines() {
        if line == SEPARATOR {
            if seen_legend {
                blocks.extend(cur.take().filter(|b| !b.name.is_empty()));
                cur = Some(Block::default());
            }
            continue;
        }
        if line.trim_start().starts_with("flat  flat%") {
            seen_legend = true;
            continue;
        }
        let Some(b) = cur.as_mut() else { continue };
        let (values, name) = line.split_once('|').expect("a peek line has a '|'");
        let cols: Vec<&str> = values.split_whitespace().collect();
        match cols.len() {
            2 => {
                let name = name.strip_prefix("   ").expect("edge name after '|   '");
                let name = name.strip_suffix(" (inline)").unwrap_or(name);
                let edge = (name.to_string(), raw_value(cols[0]));
                if b.name.is_empty() {
                    b.callers.push(edge);
                } else {
                    b.callees.push(edge);
                }
            }
            5 => {
                b.name = name.strip_prefix(' ').expect("name after '| '").to_string();
                b.flat = raw_value(cols[0]);
                b.cum = raw_value(cols[3]);
            }
            _ => panic!("not a peek line: {line:?}"),
        }
    }
    blocks
}

/// The value of the stacks whose outermost frame is `name`, summed from
/// the folded stacks of the session's profile (`root;...;leaf value`).
fn started_by(folded: &str, name: &str) -> i64 {
    folded
        .lines()
        .filter_map(|l| l.rsplit_once(' '))
        .filter(|(stack, _)| stack.split(';').next() == Some(name))
        .map(|(_, v)| v.parse::<i64>().expect("folded value"))
        .sum()
}

/// Err when the session's peek differs from pprof's block.
fn compare(got: &PeekData, want: &Block, folded: Option<&str>) -> Result<usize, String> {
    if (got.flat, got.cum) != (want.flat, want.cum) {
        return Err(format!(
            "flat/cum {}/{}, pprof {}/{}",
            got.flat, got.cum, want.flat, want.cum
        ));
    }
    let (root, callers): (Vec<_>, Vec<_>) = got
        .callers
        .iter()
        .cloned()
        .partition(|(n, _)| n == "(root)");
    if callers != want.callers {
        return Err(format!("callers {callers:?}\npprof's {:?}", want.callers));
    }
    if got.callees != want.callees {
        return Err(format!(
            "callees {:?}\npprof's {:?}",
            got.callees, want.callees
        ));
    }
    if let Some(folded) = folded {
        let started = started_by(folded, &want.name);
        let shown = root.first().map_or(0, |r| r.1);
        if shown != started {
            return Err(format!("(root) {shown}, stacks it starts {started}"));
        }
    }
    Ok(callers.len() + got.callees.len())
}

fn load(s: &mut Session, slot: Slot, root: &std::path::Path, path: &str) {
    let bytes = std::fs::read(root.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"));
    s.load(slot, path, &bytes, &mut |_, _, _| {})
        .unwrap_or_else(|e| panic!("{path}: {e}"));
}

#[test]
fn callers_and_callees_equal_go_tool_pprof_peek() {
    let root = common::repo_root();
    let dir = root.join("tests/golden/pprof-peek");
    let manifest = std::fs::read_to_string(dir.join("MANIFEST.tsv")).expect("MANIFEST.tsv");
    let (mut goldens, mut functions, mut edges, mut diffs, mut recursive) = (0, 0, 0, 0, 0);
    let mut failures = Vec::new();
    for line in manifest.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let cols: Vec<&str> = line.split('\t').collect();
        let (golden, input, base, index) = (cols[0], cols[1], cols[2], cols[4]);
        let want = parse_peek(&std::fs::read_to_string(dir.join(golden)).expect("golden"));
        assert!(!want.is_empty(), "{golden}: no function in the report");
        let mut s = Session::new();
        load(&mut s, Slot::Profile, &root, input);
        if !base.is_empty() {
            load(&mut s, Slot::Base, &root, base);
            diffs += 1;
        }
        // The (root) row is checked on single profiles: a diff's folded
        // stacks hold the new profile's values only.
        let folded = base.is_empty().then(|| {
            let p = heaplens_profile::decode(&std::fs::read(root.join(input)).unwrap()).unwrap();
            let tree =
                heaplens_analysis::CallTree::build(&p, heaplens_analysis::Granularity::Functions);
            let ty = index.parse().expect("sample index");
            heaplens_analysis::folded::folded_string(&p, &tree, ty)
        });
        for block in &want {
            let req = ViewRequest {
                params: ViewParams {
                    sample_type: Some(index.to_string()),
                    selected: Some(block.name.clone()),
                    ..ViewParams::default()
                },
                ..ViewRequest::default()
            };
            let view = s.view(&req).expect("a view");
            let Some(peek) = view.peek else {
                failures.push(format!("{golden}: {}: no peek", block.name));
                continue;
            };
            match compare(&peek, block, folded.as_deref()) {
                Ok(n) => edges += n,
                Err(e) => failures.push(format!("{golden}: {}: {e}", block.name)),
            }
            let callers_sum: i64 = block.callers.iter().map(|c| c.1).sum();
            recursive += usize::from(callers_sum.abs() > block.cum.abs());
            functions += 1;
        }
        goldens += 1;
    }
    assert!(
        failures.is_empty(),
        "{} of {functions} functions differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(
        goldens >= 15 && diffs >= 3,
        "{goldens} goldens, {diffs} diffs"
    );
    assert!(
        functions >= 300 && edges >= 1000,
        "{functions} functions, {edges} edges"
    );
    // Some functions are reached through recursion (their callers add up
    // to more than cum), the case where counting each stack once per edge
    // matters.
    assert!(recursive >= 5, "{recursive} recursive functions");
}

#[test]
fn the_peek_parser_reads_pprofs_lines() {
    let text = "\
Showing nodes accounting for 10B, 100% of 10B total
----------------------------------------------------------+-------------
      flat  flat%   sum%        cum   cum%   calls calls% + context 	 	 
----------------------------------------------------------+-------------
                                               7B 70.00% |   main.a
                                               3B 30.00% |   main.b (inline)
        1B 10.00% 10.00%        10B   100%                | main.f
                                              -9B 90.00% |   main.g (inline)
----------------------------------------------------------+-------------
         0     0% 10.00%         2B 20.00%                | main.h
----------------------------------------------------------+-------------
";
    let blocks = parse_peek(text);
    assert_eq!(blocks.len(), 2);
    let f = &blocks[0];
    assert_eq!((f.name.as_str(), f.flat, f.cum), ("main.f", 1, 10));
    assert_eq!(
        f.callers,
        [("main.a".to_string(), 7), ("main.b".to_string(), 3)]
    );
    assert_eq!(f.callees, [("main.g".to_string(), -9)]);
    let h = &blocks[1];
    assert_eq!((h.name.as_str(), h.flat, h.cum), ("main.h", 0, 2));
    assert!(h.callers.is_empty() && h.callees.is_empty());
}
