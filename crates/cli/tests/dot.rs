//! `heaplens dot` against `go tool pprof -dot` (tests/golden/pprof-dot: 23
//! graphs of the scheduler's profiles, a diff, sample types, node counts and
//! fractions, focus/hide/ignore, Go heap, allocation and CPU profiles of
//! ../shared/corpus, a profile with string labels, and one with string and
//! numeric labels on the same samples, tests/gen/labelled's). Every line is
//! pprof's, byte for byte: the graph's
//! name, the legend, each node (label with flat and cum, font size, colours,
//! tooltip `NAME (CUM)`) and each edge (weight, inline mark, residual style,
//! tooltip `A -> B (VALUE)`) and the label nodelets hanging off nodes
//! (`N1_0`, `NN1_0` and their edges, and the `minlen=2` they put on a
//! node's edges), in pprof's order.

// Test helpers: a failure stops the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::Command;

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");

/// Our flags for pprof's (`-sample_index=x` → `--sample-index x`, …).
fn flags(pprof: &str) -> Vec<String> {
    if pprof == "-" {
        return Vec::new();
    }
    pprof
        .split(',')
        .flat_map(|f| {
            let (name, value) = f
                .trim_start_matches('-')
                .split_once('=')
                .map_or((f.trim_start_matches('-'), None), |(n, v)| (n, Some(v)));
            let name = match name {
                "sample_index" => "sample-index",
                other => other,
            };
            std::iter::once(format!("--{name}")).chain(value.map(str::to_string))
        })
        .collect()
}

#[test]
fn graphs_are_pprofs_line_for_line() {
    let manifest =
        std::fs::read_to_string(format!("{ROOT}/tests/golden/pprof-dot/MANIFEST.tsv")).unwrap();
    let (mut checked, mut all_nodes, mut all_nodelets) = (0, 0, 0);
    let mut failures = Vec::new();
    for row in manifest.lines().skip(1) {
        let f: Vec<&str> = row.split('\t').collect();
        let (golden, input, base, pflags) = (f[0], f[1], f[2], f[3]);
        let want =
            std::fs::read_to_string(format!("{ROOT}/tests/golden/pprof-dot/{golden}")).unwrap();
        let mut args = vec!["dot".to_string()];
        args.extend(flags(pflags));
        if base != "-" {
            args.extend(["--base".to_string(), base.to_string()]);
        }
        args.push(input.to_string());
        let out = Command::new(env!("CARGO_BIN_EXE_heaplens"))
            .current_dir(ROOT)
            .args(&args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{golden}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let ours = String::from_utf8(out.stdout).unwrap();
        let nodes = want
            .lines()
            .filter(|l| l.starts_with('N') && l.contains(" [label=\""))
            .count();
        assert!(nodes >= 1, "{golden}: no node");
        all_nodes += nodes;
        all_nodelets += want.lines().filter(|l| l.contains("shape=box3d")).count();
        let first_difference = ours
            .lines()
            .zip(want.lines())
            .position(|(a, b)| a != b)
            .map(|i| {
                let line = |t: &str| t.lines().nth(i).unwrap_or("").to_string();
                format!(
                    "line {}:\n  ours {}\n  want {}",
                    i + 1,
                    line(&ours),
                    line(&want)
                )
            })
            .or_else(|| {
                (ours.lines().count() != want.lines().count()).then(|| {
                    format!(
                        "{} lines, want {}",
                        ours.lines().count(),
                        want.lines().count()
                    )
                })
            });
        if let Some(d) = first_difference {
            failures.push(format!("{golden}: {d}"));
        }
        checked += 1;
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(checked, 23);
    assert!(
        all_nodes > 400 && all_nodelets > 250,
        "{all_nodes} nodes, {all_nodelets} nodelets"
    );
}

#[test]
fn bad_graph_flags_are_one_line_and_exit_2() {
    for args in [
        vec![
            "dot",
            "--edgefraction",
            "2",
            "tests/testdata/scheduler/baseline.prof",
        ],
        vec![
            "dot",
            "--nodecount",
            "x",
            "tests/testdata/scheduler/baseline.prof",
        ],
        vec!["dot", "tests/testdata/escape/baseline.m.txt"],
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_heaplens"))
            .current_dir(ROOT)
            .args(&args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
    }
}
