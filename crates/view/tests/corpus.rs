//! Every file of the shared corpus: it decodes and every analysis runs on
//! every sample type, or it fails with the error we expect for it (legacy
//! binary CPU profiles and jemalloc text, which this version does not read,
//! profiles pprof rejects too).

mod common;

use heaplens_analysis::{folded, top, CallTree, Granularity, TopOptions};
use heaplens_profile::{decode, Error};

/// Files that must fail, with the kind of error.
fn expected_failure(name: &str) -> Option<fn(&Error) -> bool> {
    let unsupported: fn(&Error) -> bool = |e| matches!(e, Error::UnsupportedFormat { .. });
    // Legacy binary CPU profiles, and jemalloc's heap text (which pprof
    // does not read either).
    let legacy = [
        "pprof/cppbench.cpu",
        "pprof/gobench.cpu",
        "pprof/java.cpu",
        "pprof/jemalloc.heap",
    ];
    if legacy.contains(&name) {
        return Some(unsupported);
    }
    match name {
        // pprof rejects it too: a Java heapz record with 0 objects.
        "pprof/7e3c92482f6f39fc502b822ded792c589849cca8" => {
            Some(|e| matches!(e, Error::Malformed { line: 2, .. }))
        }
        // pprof rejects it too: "found function with reserved ID=0".
        "pyroscope/dotnet-pprof-73.pb.gz" => Some(|e| *e == Error::ReservedId { kind: "function" }),
        _ => None,
    }
}

#[test]
fn every_corpus_file_decodes_or_fails_clearly() {
    let files = common::corpus_files();
    assert!(
        files.len() >= 70,
        "corpus looks incomplete: {} files",
        files.len()
    );
    let mut decoded = 0;
    for path in &files {
        let name = common::corpus_name(path);
        let bytes = std::fs::read(path).expect("read corpus file");
        match (decode(&bytes), expected_failure(&name)) {
            (Ok(p), None) => {
                decoded += 1;
                for g in [Granularity::Functions, Granularity::Lines] {
                    let tree = CallTree::build(&p, g);
                    for ty in 0..p.num_types() {
                        let t = top(&p, &tree, &TopOptions::new(ty));
                        // Flat values add up to the signed total of samples
                        // that have a stack.
                        let flat: i64 = t.rows.iter().map(|r| r.flat).sum();
                        let with_stack: i64 = (0..p.num_samples())
                            .filter(|&s| !p.stack(s).is_empty())
                            .map(|s| p.value(s, ty))
                            .sum();
                        assert_eq!(flat, with_stack, "{name} type {ty} {g:?}: flat sum");
                        if (0..p.num_samples()).all(|s| p.value(s, ty) >= 0) {
                            for r in &t.rows {
                                assert!(r.cum >= r.flat && r.flat >= 0, "{name}: {r:?}");
                            }
                        }
                        let folded = folded::folded_string(&p, &tree, ty);
                        let folded_sum: i64 = folded
                            .lines()
                            .map(|l| {
                                l.rsplit(' ')
                                    .next()
                                    .and_then(|v| v.parse::<i64>().ok())
                                    .expect("value")
                            })
                            .sum();
                        assert_eq!(folded_sum, with_stack, "{name} type {ty}: folded sum");
                    }
                }
            }
            (Ok(_), Some(_)) => panic!("{name}: decoded, but an error was expected"),
            (Err(e), Some(check)) => {
                assert!(check(&e), "{name}: unexpected error kind: {e}");
                assert!(!e.to_string().is_empty());
            }
            (Err(e), None) => panic!("{name}: {e}"),
        }
    }
    assert!(decoded >= 55, "only {decoded} corpus files decoded");
}
