//! Go's legacy text heap profile (`debug=1`, with `#` symbol lines and the
//! MemStats block) against the protobuf heap profile the same program wrote
//! at the same moment (`tests/testdata/legacy/`, made by
//! `tests/gen/legacyheap`): heaplens must show the same top table for every
//! sample type, with function names, not addresses.

// Test helpers: a failure stops the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::collections::BTreeMap;

use heaplens_analysis::{top, CallTree, Granularity, TopOptions};
use heaplens_profile::{decode, Profile};
use heaplens_view::report;

fn load(name: &str) -> Profile {
    let path = common::repo_root().join("tests/testdata/legacy").join(name);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    decode(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Rows by name: (flat, cum, inline mark), leaving out rows that are all zero (records
/// of allocations made while the files were written carry no values).
type Rows = BTreeMap<String, (i64, i64, &'static str)>;

fn rows(p: &Profile, g: Granularity, ty: usize) -> (Rows, i64) {
    let tree = CallTree::build(p, g);
    let t = top(p, &tree, &TopOptions::new(ty));
    let rows = t
        .rows
        .iter()
        .filter(|r| r.flat != 0 || r.cum != 0)
        .map(|r| (r.name.clone(), (r.flat, r.cum, r.inline.as_str())))
        .collect();
    (rows, t.total)
}

#[test]
fn text_and_protobuf_show_the_same_top_tables() {
    let text = load("heap.txt");
    let pb = load("heap.pb.gz");
    let names = [
        "alloc_objects",
        "alloc_space",
        "inuse_objects",
        "inuse_space",
    ];
    assert_eq!(text.sample_type_names(), names);
    assert_eq!(pb.sample_type_names(), names);
    assert_eq!(text.default_sample_type(), pb.default_sample_type());
    assert_eq!(text.period, pb.period);
    assert_eq!(text.period_type, pb.period_type);
    for g in [Granularity::Functions, Granularity::Lines] {
        for (ty, name) in names.iter().enumerate() {
            let (want, want_total) = rows(&pb, g, ty);
            let (got, got_total) = rows(&text, g, ty);
            assert_eq!(
                got.keys().collect::<Vec<_>>(),
                want.keys().collect::<Vec<_>>(),
                "{g:?} {}: row names",
                name
            );
            for (name, &(flat, cum, mark)) in &got {
                let (wf, wc, wm) = want[name];
                assert_eq!(mark, wm, "{g:?} {} {name}: inline mark", name);
                assert_eq!(
                    (flat, cum),
                    (wf, wc),
                    "{g:?} {} {name}: text flat/cum vs protobuf",
                    name
                );
            }
            assert_eq!(got_total, want_total, "{g:?} {}: total", name);
        }
    }
}

#[test]
fn frames_are_named_from_the_symbol_lines() {
    let p = load("heap.txt");
    let alloc_space = p.sample_type_index(Some("alloc_space")).expect("type");
    let (rows, _) = rows(&p, Granularity::Functions, alloc_space);
    for f in [
        "main.loopAlloc",
        "main.buildList",
        "main.newNode",
        "main.churn",
        "main.viaA",
        "main.viaB",
        "main.leafAlloc",
        "main.names",
        "main.main",
    ] {
        assert!(rows.contains_key(f), "{f} missing from {:?}", rows.keys());
    }
    assert!(!rows.contains_key("<unknown>"), "{:?}", rows.keys());
    // main.newNode is inlined into its callers: it shares their locations.
    let tree = CallTree::build(&p, Granularity::Functions);
    let t = top(&p, &tree, &TopOptions::new(alloc_space));
    let new_node = t.rows.iter().find(|r| r.name == "main.newNode");
    assert_eq!(
        new_node.map(|r| r.inline.as_str()),
        Some("(inline)"),
        "{new_node:?}"
    );
}

#[test]
fn memstats_are_kept_and_shown() {
    let p = load("heap.txt");
    let keys: Vec<&str> = p.memstats.iter().map(|(k, _)| k.as_str()).collect();
    for k in ["Alloc", "TotalAlloc", "HeapAlloc", "NumGC"] {
        assert!(keys.contains(&k), "{k} missing from {keys:?}");
    }
    assert_eq!(keys.first(), Some(&"Alloc"));
    let info = report::info_text(&p);
    assert!(info.contains("MemStats:\n  Alloc = "), "{info}");
    // The protobuf has no MemStats.
    assert!(load("heap.pb.gz").memstats.is_empty());
}

#[test]
fn without_memstats_or_symbols_it_still_reads() {
    let text = std::fs::read_to_string(common::repo_root().join("tests/testdata/legacy/heap.txt"))
        .expect("heap.txt");
    let cut = text.find("\n# runtime.MemStats").expect("MemStats block");
    let p = decode(&text.as_bytes()[..cut]).expect("decodes");
    assert!(p.memstats.is_empty());
    let full = decode(text.as_bytes()).expect("decodes");
    assert_eq!(p.values, full.values);
    let bare: String = text[..cut]
        .split_inclusive('\n')
        .filter(|l| !l.starts_with('#'))
        .collect();
    let p = decode(bare.as_bytes()).expect("decodes");
    assert!(p.functions.is_empty());
    assert_eq!(p.total(3), full.total(3));
}
