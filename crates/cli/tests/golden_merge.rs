//! `heaplens top` and `heaplens merge` on several profiles against
//! `go tool pprof a.prof b.prof …`: for every table of
//! `tests/golden/pprof-merge/MANIFEST.tsv` made with pprof's default
//! options (made by `scripts/make-goldens merge`), `heaplens top FILE...`
//! prints the golden byte for byte; `heaplens merge -o OUT FILE...` writes
//! a profile whose tables equal those of its FILEs merged in memory; bad
//! input is one line on stderr and exit code 2.

// A test: a failure stops it loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;
use std::process::{Command, Output};

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn heaplens(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_heaplens"))
        .current_dir(repo_root())
        .args(args)
        .output()
        .expect("run heaplens")
}

const SCHED: [&str; 2] = [
    "tests/testdata/scheduler/baseline.prof",
    "tests/testdata/scheduler/optimized.prof",
];

#[test]
fn default_top_of_several_files_equals_go_tool_pprof() {
    let dir = repo_root().join("tests/golden/pprof-merge");
    let manifest = std::fs::read_to_string(dir.join("MANIFEST.tsv")).expect("MANIFEST.tsv");
    let mut lines = manifest.lines();
    assert_eq!(
        lines.next(),
        Some("golden\tinputs\tgranularity\tsample_index\tsample_type\tunit\tcommand")
    );
    let (mut checked, mut failures) = (0, Vec::new());
    for line in lines.filter(|l| !l.is_empty()) {
        let cols: Vec<&str> = line.split('\t').collect();
        let (golden, inputs, gran, index, unit) = (cols[0], cols[1], cols[2], cols[3], cols[5]);
        if !unit.is_empty() {
            // Raw tables: crates/view/tests/golden_merge.rs.
            continue;
        }
        let mut args = vec!["top", "--granularity", gran];
        if !index.is_empty() {
            args.extend(["--sample-index", index]);
        }
        args.extend(inputs.split(' '));
        let want = std::fs::read(dir.join(golden)).expect("golden");
        let o = heaplens(&args);
        if !o.status.success() {
            failures.push(format!("{golden}: {}", String::from_utf8_lossy(&o.stderr)));
        } else if o.stdout != want {
            let (got, want) = (
                String::from_utf8_lossy(&o.stdout),
                String::from_utf8_lossy(&want),
            );
            let d = got
                .lines()
                .zip(want.lines())
                .find(|(a, b)| a != b)
                .map(|(a, b)| format!("heaplens {a:?} / pprof {b:?}"))
                .unwrap_or_else(|| "different length".into());
            failures.push(format!("{golden}: {d}"));
        }
        checked += 1;
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(checked >= 23, "{checked} goldens");
}

#[test]
fn a_written_merge_reads_back_as_the_merge_in_memory() {
    let out = std::env::temp_dir().join(format!("heaplens-merge-{}.pb.gz", std::process::id()));
    let out_s = out.to_str().expect("utf-8 path");
    let inputs = [
        SCHED[0],
        SCHED[1],
        "../shared/corpus/dd-trace-go/heap.before.pprof",
    ];
    let o = heaplens(&[&["merge", "-o", out_s][..], &inputs[..]].concat());
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(o.stdout.is_empty());
    let bytes = std::fs::read(&out).expect("written");
    assert_eq!(&bytes[..2], b"\x1f\x8b", "gzipped");
    for ty in ["0", "1", "2", "3"] {
        for gran in ["functions", "lines", "addresses"] {
            let common = [
                "top",
                "--format",
                "tsv",
                "--sample-index",
                ty,
                "--granularity",
                gran,
            ];
            let merged = heaplens(&[&common[..], &inputs[..]].concat());
            let read_back = heaplens(&[&common[..], &[out_s][..]].concat());
            assert!(merged.status.success() && read_back.status.success());
            assert!(merged.stdout.len() > 1000, "{ty} {gran}: a real table");
            assert_eq!(
                String::from_utf8_lossy(&read_back.stdout),
                String::from_utf8_lossy(&merged.stdout),
                "type {ty} by {gran}"
            );
        }
    }
    let _ = std::fs::remove_file(&out);
}

#[test]
fn folded_and_list_take_several_files() {
    // Folded stacks of a merge: the two files' stacks, equal ones summed.
    let total = |o: &Output| -> i64 {
        String::from_utf8_lossy(&o.stdout)
            .lines()
            .map(|l| l.rsplit_once(' ').unwrap().1.parse::<i64>().unwrap())
            .sum()
    };
    let args = ["folded", "--sample-index", "alloc_space"];
    let a = heaplens(&[&args[..], &[SCHED[0]][..]].concat());
    let b = heaplens(&[&args[..], &[SCHED[1]][..]].concat());
    let ab = heaplens(&[&args[..], &SCHED[..]].concat());
    assert!(ab.status.success());
    assert_eq!(total(&ab), total(&a) + total(&b));
    assert!(total(&a) > 0 && total(&b) > 0);
    // list: each line's cum sums over the files.
    let list = |files: &[&str]| {
        let o = heaplens(
            &[
                &["list", "Claim", "--format", "tsv", "--sample-index", "1"][..],
                files,
            ]
            .concat(),
        );
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8_lossy(&o.stdout)
            .lines()
            .skip(1)
            .map(|l| l.rsplit('\t').next().unwrap().parse::<i64>().unwrap())
            .sum::<i64>()
    };
    let (la, lb, lab) = (list(&SCHED[..1]), list(&SCHED[1..]), list(&SCHED[..]));
    assert_eq!(lab, la + lb);
    assert!(la > 0);
}

#[test]
fn bad_merges_are_one_line_and_exit_2() {
    let cases: [(&[&str], &str); 5] = [
        (
            &["top", SCHED[0], "../shared/corpus/pprof/sample.cpu"],
            "heaplens: tests/testdata/scheduler/baseline.prof and ../shared/corpus/pprof/sample.cpu cannot be merged: period types differ (space/bytes and cpu/nanoseconds)\n",
        ),
        (
            &["merge", "-o", "/tmp/heaplens-never-written.pb.gz", SCHED[0], "../shared/corpus/pprof/sample.cpu"],
            "heaplens: tests/testdata/scheduler/baseline.prof and ../shared/corpus/pprof/sample.cpu cannot be merged: period types differ (space/bytes and cpu/nanoseconds)\n",
        ),
        (
            &["merge", SCHED[0], SCHED[1]],
            "heaplens: merge: give the output and the files (heaplens merge -o OUT FILE...)\n",
        ),
        (
            &["top", SCHED[0], "no-such.prof"],
            "heaplens: no-such.prof: cannot read: no such file\n",
        ),
        (
            &["info", SCHED[0], SCHED[1]],
            "heaplens: unexpected argument \"tests/testdata/scheduler/optimized.prof\" (one FILE per command; top, folded, list and merge take several)\n",
        ),
    ];
    for (args, want) in cases {
        let o = heaplens(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert_eq!(String::from_utf8_lossy(&o.stderr), want, "{args:?}");
        assert!(o.stdout.is_empty());
    }
    assert!(!std::path::Path::new("/tmp/heaplens-never-written.pb.gz").exists());
}
