//! Shared helpers for heaplens-view's integration tests: where the corpus and
//! the project's test data live, and the test profiles of heaplens-profile's
//! tests (`support`, included by path).

// Test helpers: a failure stops the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(dead_code)]

use std::path::PathBuf;

#[path = "../../../profile/tests/common/support.rs"]
mod support;

pub use support::*;

use heaplens_profile::proto;
use heaplens_profile::Profile;

/// The repository root.
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A file of tests/testdata/scheduler (the project's generated pair).
pub fn scheduler(name: &str) -> Vec<u8> {
    let path = repo_root().join("tests/testdata/scheduler").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Corpus files heaplens refuses to read, sorted (`corpus.rs` checks each
/// one's error); every other file must decode. pprof refuses three of
/// them too (tests/golden/pprof/REJECTED.tsv) and reads the legacy binary
/// CPU profiles.
pub const REFUSED: &[&str] = &[
    // A legacy Java heap sample with an object count of 0.
    "pprof/7e3c92482f6f39fc502b822ded792c589849cca8",
    // Legacy binary CPU profiles: not supported yet.
    "pprof/cppbench.cpu",
    "pprof/gobench.cpu",
    "pprof/java.cpu",
    // jemalloc's heap_v2 text: not supported yet.
    "pprof/jemalloc.heap",
    // A function with the reserved id 0.
    "pyroscope/dotnet-pprof-73.pb.gz",
];

/// A corpus file decoded; `None` for one of [`REFUSED`], and a failure for
/// any other error.
pub fn decode_corpus(name: &str, bytes: &[u8]) -> Option<heaplens_profile::Profile> {
    match heaplens_profile::decode(bytes) {
        Ok(p) => Some(p),
        Err(_) if REFUSED.contains(&name) => None,
        Err(e) => panic!("{name}: {e}"),
    }
}

/// The corpus-relative name of a file, e.g. `parca/heap.pb.gz`.
pub fn corpus_name(p: &std::path::Path) -> String {
    p.strip_prefix(corpus_dir())
        .unwrap_or(p)
        .to_string_lossy()
        .into_owned()
}

// ---------------------------------------------------------------------------
// Golden top tables from `go tool pprof`

pub struct Row {
    pub name: String,
    pub flat: i64,
    pub cum: i64,
    pub mark: String,
}

/// A printed value with its unit suffix (`123456B`, `0`, `-5ns`) → integer.
pub fn raw_value(s: &str) -> i64 {
    let digits = s.trim_end_matches(|c: char| c.is_alphabetic() || c == 'μ');
    digits
        .parse()
        .unwrap_or_else(|_| panic!("value {s:?} is not a raw integer (wrong -unit in the golden?)"))
}

/// The five value columns of a table row, and the rest of the line after
/// them (two spaces, then the name); `None` when `line` is not a row.
fn row_columns(line: &str) -> Option<([&str; 5], &str)> {
    let mut rest = line;
    let mut cols = [""; 5];
    for col in &mut cols {
        rest = rest.trim_start_matches(' ');
        let end = rest.find(' ').unwrap_or(rest.len());
        *col = &rest[..end];
        rest = &rest[end..];
    }
    let is_row = [1, 2, 4].iter().all(|&i| cols[i].ends_with('%'))
        && !cols[0].is_empty()
        && !cols[3].is_empty()
        && rest.starts_with("  ");
    is_row.then_some((cols, rest))
}

/// The rows of a `go tool pprof -top` table. A line that is not a row
/// continues the name of the row above: a name may hold line breaks.
pub fn parse_rows(text: &str) -> Vec<Row> {
    let mut rows: Vec<Row> = Vec::new();
    let mut in_rows = false;
    // The text ends with a line break; it does not start another line.
    for line in text.strip_suffix('\n').unwrap_or(text).split('\n') {
        if !in_rows {
            in_rows = line.trim_start().starts_with("flat  flat%");
            continue;
        }
        match (row_columns(line), rows.last_mut()) {
            (Some((cols, rest)), _) => rows.push(Row {
                name: rest[2..].to_string(),
                flat: raw_value(cols[0]),
                cum: raw_value(cols[3]),
                mark: String::new(),
            }),
            (None, Some(last)) => {
                last.name.push('\n');
                last.name.push_str(line);
            }
            (None, None) => panic!("not a table row: {line:?}"),
        }
    }
    for r in &mut rows {
        for mark in [" (partial-inline)", " (inline)"] {
            if let Some(n) = r.name.strip_suffix(mark) {
                r.name = n.to_string();
                r.mark = mark[1..].to_string();
                break;
            }
        }
    }
    rows
}

/// Compares heaplens's top table of `p` (type `ty`, granularity `g`) with a
/// golden `go tool pprof -top` output: every row (name, flat, cum, inline
/// mark) and the whole text but the `Time:` line. Returns the rows checked.
pub fn compare_top(
    p: &heaplens_profile::Profile,
    g: heaplens_analysis::Granularity,
    ty: usize,
    unit: &str,
    want_text: &str,
) -> Result<usize, String> {
    compare_focused_top(p, g, ty, unit, want_text, None)
}

/// [`compare_top`] with pprof's `-tagfocus=SPEC` applied first.
pub fn compare_focused_top(
    p: &heaplens_profile::Profile,
    g: heaplens_analysis::Granularity,
    ty: usize,
    unit: &str,
    want_text: &str,
    tagfocus: Option<&str>,
) -> Result<usize, String> {
    use heaplens_analysis::{top, CallTree, TopOptions};
    use heaplens_view::report::TextOptions;
    // pprof takes percentages of the whole profile's total.
    let full_total = p.total(ty);
    let mut focused;
    let p = match tagfocus {
        Some(spec) => {
            focused = p.clone();
            let f = heaplens_profile::tags::TagFocus::parse(spec).map_err(|e| e.to_string())?;
            heaplens_profile::tags::apply(&mut focused, &f);
            &focused
        }
        None => p,
    };
    let tree = CallTree::build(p, g);
    let mut t = top(p, &tree, &TopOptions::new(ty));
    t.total = full_total;
    let topts = TextOptions {
        unit: unit.to_string(),
        node_fraction: 0.0,
        node_count: 0,
        filters: tagfocus
            .map(|f| format!("tagfocus={f}"))
            .into_iter()
            .collect(),
    };
    check_top(p, ty, &t, &topts, want_text)
}

/// Holds table `t` of `p` (sample type `ty`) to pprof's `want_text`: every
/// row (name, flat, cum, inline mark), then the text `topts` makes of it
/// but the `Time:` line. Returns the rows checked.
pub fn check_top(
    p: &heaplens_profile::Profile,
    ty: usize,
    t: &heaplens_analysis::top::Top,
    topts: &heaplens_view::report::TextOptions,
    want_text: &str,
) -> Result<usize, String> {
    let want = parse_rows(want_text);
    if want.len() != t.rows.len() {
        return Err(format!("{} rows, pprof has {}", t.rows.len(), want.len()));
    }
    for (w, got) in want.iter().zip(&t.rows) {
        if w.name != got.name
            || w.flat != got.flat
            || w.cum != got.cum
            || w.mark != got.inline.as_str()
        {
            return Err(format!(
                "row {:?} {} {} {} != pprof {:?} {} {} {}",
                got.name,
                got.flat,
                got.cum,
                got.inline.as_str(),
                w.name,
                w.flat,
                w.cum,
                w.mark
            ));
        }
    }
    let got_text = heaplens_view::report::top_text(p, ty, t, topts);
    let strip = |s: &str| {
        s.lines()
            .filter(|l| !l.starts_with("Time: "))
            .collect::<Vec<_>>()
            .join("\n")
    };
    if strip(&got_text) != strip(want_text) {
        let diff = strip(&got_text)
            .lines()
            .zip(strip(want_text).lines())
            .find(|(a, b)| a != b)
            .map(|(a, b)| format!("ours {a:?} / pprof {b:?}"))
            .unwrap_or_else(|| "different length".into());
        return Err(format!("text differs: {diff}"));
    }
    Ok(want.len())
}

/// One stack `depth` frames deep: functions `f0` (the leaf) to
/// `f{depth - 1}` (the root), value 3; built directly, as a synthetic
/// profile this deep would take a while to intern.
pub fn deep_chain(depth: usize) -> proto::Profile {
    let mut p = proto::Profile {
        string_table: vec![Vec::new(), b"samples".to_vec(), b"count".to_vec()],
        ..Default::default()
    };
    p.sample_type.push(proto::ValueType { r#type: 1, unit: 2 });
    for i in 0..depth {
        p.string_table.push(format!("f{i}").into_bytes());
        let id = i as u64 + 1;
        p.function.push(proto::Function {
            id,
            name: (i + 3) as i64,
            ..Default::default()
        });
        p.location.push(proto::Location {
            id,
            line: vec![proto::Line {
                function_id: id,
                line: 1,
                column: 0,
            }],
            ..Default::default()
        });
    }
    p.sample.push(proto::Sample {
        location_id: (1..=depth as u64).collect(),
        value: vec![3],
        label: vec![],
    });
    p
}

/// The profiles: the scheduler pair and every corpus file heaplens reads
/// (folded names must be unambiguous: profiles with `;` in a name are left
/// to folded_roundtrip.rs).
pub fn shape_profiles() -> Vec<(String, Profile)> {
    let mut out = Vec::new();
    for name in ["baseline.prof", "optimized.prof"] {
        let p = heaplens_profile::decode(&scheduler(name)).expect("scheduler");
        out.push((format!("scheduler/{name}"), p));
    }
    for path in corpus_files() {
        let name = corpus_name(&path);
        let bytes = std::fs::read(&path).expect("read");
        if let Some(p) = decode_corpus(&name, &bytes) {
            if !p
                .strings
                .iter()
                .any(|s| s.contains(';') || s.contains('\n'))
            {
                out.push((name, p));
            }
        }
    }
    out
}
