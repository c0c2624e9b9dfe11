//! `heaplens top` with its default options against `go tool pprof -top`
//! with pprof's: for every row of `tests/golden/pprof-default/MANIFEST.tsv`
//! (made by `scripts/make-goldens default`), the binary's stdout equals the
//! golden byte for byte: header, `Time:` (pprof ran with `TZ=UTC`), the
//! "Dropped N nodes (cum <= X)" line of the default 0.005 node fraction,
//! "Showing top N nodes out of M" where a node count was given, values
//! scaled to pprof's unit, and every row.

// A test: a failure stops it loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;
use std::process::Command;

/// One golden: the heaplens arguments that should print it.
struct Case {
    golden: String,
    input: String,
    args: Vec<String>,
}

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn cases(manifest: &str) -> Vec<Case> {
    let mut out = Vec::new();
    let mut lines = manifest.lines();
    assert_eq!(
        lines.next(),
        Some("golden\tinput\tgranularity\tsample_index\tsample_type\tnodecount\tcommand"),
        "MANIFEST.tsv header"
    );
    for line in lines.filter(|l| !l.is_empty()) {
        let cols: Vec<&str> = line.split('\t').collect();
        assert_eq!(cols.len(), 7, "{line:?}");
        let (golden, input, granularity, index, nodecount) =
            (cols[0], cols[1], cols[2], cols[3], cols[5]);
        // Only the flags the manifest records; everything else is default.
        let mut args = vec![
            "top".to_string(),
            "--granularity".into(),
            granularity.into(),
        ];
        if !index.is_empty() {
            args.extend(["--sample-index".into(), index.to_string()]);
        }
        if !nodecount.is_empty() {
            args.extend(["--nodecount".into(), nodecount.to_string()]);
        }
        args.push(input.to_string());
        out.push(Case {
            golden: golden.to_string(),
            input: input.to_string(),
            args,
        });
    }
    out
}

/// The first line where `got` and `want` differ, for the failure message.
fn first_difference(got: &[u8], want: &[u8]) -> String {
    let (got, want) = (String::from_utf8_lossy(got), String::from_utf8_lossy(want));
    let (mut g, mut w) = (got.lines(), want.lines());
    for n in 1.. {
        match (g.next(), w.next()) {
            (None, None) => return "same lines, different line ends".into(),
            (a, b) if a != b => return format!("line {n}: heaplens {a:?} / pprof {b:?}"),
            _ => {}
        }
    }
    unreachable!()
}

#[test]
fn default_top_equals_go_tool_pprof() {
    let root = repo_root();
    let dir = root.join("tests/golden/pprof-default");
    let manifest = std::fs::read_to_string(dir.join("MANIFEST.tsv")).expect("MANIFEST.tsv");
    let cases = cases(&manifest);
    let mut failures = Vec::new();
    let mut inputs = std::collections::BTreeSet::new();
    let (mut dropped, mut counted) = (0, 0);
    for c in &cases {
        let want = std::fs::read(dir.join(&c.golden)).expect("golden file");
        let o = Command::new(env!("CARGO_BIN_EXE_heaplens"))
            .current_dir(&root)
            .args(&c.args)
            .output()
            .expect("run heaplens");
        inputs.insert(c.input.as_str());
        let text = String::from_utf8_lossy(&want);
        dropped += usize::from(text.lines().any(|l| l.starts_with("Dropped ")));
        counted += usize::from(text.lines().any(|l| l.starts_with("Showing top ")));
        if !o.status.success() {
            let err = String::from_utf8_lossy(&o.stderr);
            failures.push(format!("{}: heaplens failed: {err}", c.golden));
        } else if o.stdout != want {
            let d = first_difference(&o.stdout, &want);
            failures.push(format!("{} (heaplens {}): {d}", c.golden, c.args.join(" ")));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} goldens differ:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
    // The tree covers what it is for: many inputs, node dropping and counting.
    assert!(inputs.len() >= 20, "only {} inputs", inputs.len());
    assert!(dropped >= 50, "only {dropped} goldens drop nodes");
    assert!(counted >= 3, "only {counted} goldens cut rows by count");
    eprintln!(
        "{} goldens of {} inputs equal to go tool pprof ({dropped} with dropped nodes, {counted} cut by count)",
        cases.len(),
        inputs.len()
    );
}
