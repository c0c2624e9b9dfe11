//! Folded stacks read back: for every profile of the shared corpus that
//! heaplens reads (all but `common::REFUSED`) and every sample type,
//! `heaplens folded` output decoded again has the same per-function flat
//! and cum values and the same sum. Names are compared as the folded format
//! writes them (`;` becomes `:`, a line break a space): those characters
//! cannot round trip.

mod common;

use std::collections::BTreeMap;

use heaplens_analysis::{folded, top, CallTree, Granularity, TopOptions};
use heaplens_profile::decode::{decode, text::parse_folded};

fn as_written(name: &str) -> String {
    name.chars()
        .map(|c| match c {
            ';' => ':',
            '\n' | '\r' => ' ',
            c => c,
        })
        .collect()
}

/// name → (flat, cum) at function granularity.
fn by_function(p: &heaplens_profile::Profile, ty: usize) -> BTreeMap<String, (i64, i64)> {
    let tree = CallTree::build(p, Granularity::Functions);
    let mut opts = TopOptions::new(ty);
    opts.inline_marks = false;
    let mut out: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    for r in top(p, &tree, &opts).rows {
        let e = out.entry(as_written(&r.name)).or_default();
        e.0 += r.flat;
        e.1 += r.cum;
    }
    out.retain(|_, v| *v != (0, 0));
    out
}

#[test]
fn folded_output_reads_back_as_the_same_profile() {
    let mut checked = 0;
    for path in common::corpus_files() {
        let name = common::corpus_name(&path);
        let bytes = std::fs::read(&path).expect("read corpus file");
        let Some(p) = common::decode_corpus(&name, &bytes) else {
            continue;
        };
        if p.num_types() == 0 {
            continue;
        }
        let tree = CallTree::build(&p, Granularity::Functions);
        for ty in 0..p.num_types() {
            let text = folded::folded_string(&p, &tree, ty);
            if text.is_empty() {
                continue;
            }
            // A name with control characters on the first line keeps the
            // text from being recognised (binary data starts that way);
            // the parser itself reads it.
            let first = text.lines().next().unwrap_or("");
            let back = if first.bytes().any(|b| b < 0x20 && b != b'\t') {
                parse_folded(&text)
            } else {
                decode(text.as_bytes())
            }
            .unwrap_or_else(|e| panic!("{name} type {ty}: {e}"));
            assert_eq!(back.num_types(), 1);
            let with_stack: i64 = (0..p.num_samples())
                .filter(|&s| !p.stack(s).is_empty())
                .map(|s| p.value(s, ty))
                .sum();
            assert_eq!(back.signed_total(0), with_stack, "{name} type {ty}: sum");
            let want = by_function(&p, ty);
            let got = by_function(&back, 0);
            if want != got {
                let diff = want
                    .iter()
                    .find(|(k, v)| got.get(*k) != Some(v))
                    .map(|(k, v)| format!("{k:?}: {v:?} vs {:?}", got.get(k)))
                    .unwrap_or_else(|| "extra functions read back".into());
                panic!("{name} type {ty}: {diff}");
            }
            checked += 1;
        }
    }
    assert!(checked >= 100, "only {checked} round trips checked");
}
