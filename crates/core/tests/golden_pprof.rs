//! Reference parity: for every profile and sample type listed in
//! `tests/golden/pprof/MANIFEST.tsv`, heaplens's top table equals what
//! `go tool pprof -top -nodefraction=0 -nodecount=1000000` printed (made by
//! `scripts/make-goldens`): every row's name, flat, cum and inline mark, and
//! the whole text apart from the `Time:` line.

mod common;

use heaplens_core::report::{top_text, TextOptions};
use heaplens_core::{decode, top, CallTree, Granularity, TopOptions};

struct Row {
    name: String,
    flat: i64,
    cum: i64,
    mark: String,
}

/// A printed value with its unit suffix (`123456B`, `0`, `-5ns`) → integer.
fn raw_value(s: &str) -> i64 {
    let digits = s.trim_end_matches(|c: char| c.is_alphabetic() || c == 'μ');
    digits
        .parse()
        .unwrap_or_else(|_| panic!("value {s:?} is not a raw integer (wrong -unit in the golden?)"))
}

fn parse_rows(text: &str) -> Vec<Row> {
    let mut rows = Vec::new();
    let mut in_rows = false;
    for line in text.lines() {
        if !in_rows {
            in_rows = line.trim_start().starts_with("flat  flat%");
            continue;
        }
        // Five whitespace-separated columns, then two spaces and the name.
        let mut rest = line;
        let mut cols = Vec::new();
        for _ in 0..5 {
            rest = rest.trim_start();
            let end = rest.find(' ').unwrap_or(rest.len());
            cols.push(&rest[..end]);
            rest = &rest[end..];
        }
        let name = rest.strip_prefix("  ").unwrap_or(rest);
        let (name, mark) = if let Some(n) = name.strip_suffix(" (partial-inline)") {
            (n, "(partial-inline)")
        } else if let Some(n) = name.strip_suffix(" (inline)") {
            (n, "(inline)")
        } else {
            (name, "")
        };
        rows.push(Row {
            name: name.to_string(),
            flat: raw_value(cols[0]),
            cum: raw_value(cols[3]),
            mark: mark.to_string(),
        });
    }
    rows
}

#[test]
fn top_equals_go_tool_pprof() {
    let root = common::repo_root();
    let dir = root.join("tests/golden/pprof");
    let manifest =
        std::fs::read_to_string(dir.join("MANIFEST.tsv")).expect("tests/golden/pprof/MANIFEST.tsv");
    let mut checked = 0;
    let mut rows_checked = 0;
    let mut cache: Option<(String, heaplens_core::Profile)> = None;
    let mut failures = Vec::new();
    let mut skipped: Vec<String> = Vec::new();
    for line in manifest.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let cols: Vec<&str> = line.split('\t').collect();
        let (golden, input, granularity, index, command) =
            (cols[0], cols[1], cols[2], cols[3], cols[6]);
        let unit = command
            .split(' ')
            .find_map(|a| a.strip_prefix("-unit="))
            .unwrap_or("");
        let golden_bytes = std::fs::read(dir.join(golden)).expect("golden file");
        let Ok(want_text) = String::from_utf8(golden_bytes) else {
            // A function name with raw bytes (and line breaks) that a text
            // table cannot carry; the corpus test covers that file.
            skipped.push(golden.to_string());
            continue;
        };
        if cache.as_ref().is_none_or(|(name, _)| name != input) {
            let bytes = std::fs::read(root.join(input)).unwrap_or_else(|e| panic!("{input}: {e}"));
            let p = decode(&bytes).unwrap_or_else(|e| panic!("{input}: {e}"));
            cache = Some((input.to_string(), p));
        }
        let Some((_, p)) = cache.as_ref() else {
            unreachable!()
        };
        let g = Granularity::parse(granularity).expect("granularity");
        let ty: usize = index.parse().expect("sample index");
        let tree = CallTree::build(p, g);
        let opts = TopOptions::new(ty);
        let t = top(p, &tree, &opts);
        let want = parse_rows(&want_text);
        let what = format!("{golden} ({input} {granularity} type {index})");
        if want.len() != t.rows.len() {
            failures.push(format!(
                "{what}: {} rows, pprof has {}",
                t.rows.len(),
                want.len()
            ));
            continue;
        }
        for (w, got) in want.iter().zip(&t.rows) {
            let got_name = got.name.clone();
            if w.name != got_name
                || w.flat != got.flat
                || w.cum != got.cum
                || w.mark != got.inline.as_str()
            {
                failures.push(format!(
                    "{what}: row {:?} {} {} {} != pprof {:?} {} {} {}",
                    got_name,
                    got.flat,
                    got.cum,
                    got.inline.as_str(),
                    w.name,
                    w.flat,
                    w.cum,
                    w.mark
                ));
                break;
            }
            rows_checked += 1;
        }
        // The whole report, header included (the Time line depends on the
        // time zone pprof ran in).
        let topts = TextOptions {
            unit: unit.to_string(),
            node_fraction: 0.0,
            node_count: 0,
        };
        let got_text = top_text(p, ty, &t, &topts);
        let strip = |s: &str| {
            s.lines()
                .filter(|l| !l.starts_with("Time: "))
                .collect::<Vec<_>>()
                .join("\n")
        };
        if strip(&got_text) != strip(&want_text) {
            let diff = strip(&got_text)
                .lines()
                .zip(strip(&want_text).lines())
                .find(|(a, b)| a != b)
                .map(|(a, b)| format!("ours {a:?} / pprof {b:?}"))
                .unwrap_or_else(|| "different length".into());
            failures.push(format!("{what}: text differs: {diff}"));
        }
        checked += 1;
    }
    assert!(
        failures.is_empty(),
        "{} of {} goldens differ:\n{}",
        failures.len(),
        checked,
        failures.join("\n")
    );
    assert!(checked >= 100, "only {checked} goldens checked");
    assert!(skipped.len() <= 4, "too many goldens skipped: {skipped:?}");
    eprintln!("{checked} goldens, {rows_checked} rows equal to go tool pprof; skipped (not UTF-8): {skipped:?}");
}
