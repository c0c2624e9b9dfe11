//! The `heaplens` binary as a user runs it: output formats, exit codes, and
//! one-line errors on bad input.

// Test helpers: a failure stops the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;
use std::process::{Command, Output};

fn corpus(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/corpus")
        .join(name)
}

fn heaplens(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_heaplens"))
        .args(args)
        .output()
        .expect("run heaplens")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn top_tsv_is_raw_and_sorted_by_flat() {
    let f = corpus("parca/alloc_objects.pb.gz");
    let o = heaplens(&[
        "top",
        "--format",
        "tsv",
        "--sample-index",
        "alloc_space",
        f.to_str().expect("path"),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let rows: Vec<(String, i64, i64)> = stdout(&o)
        .lines()
        .map(|l| {
            let c: Vec<&str> = l.split('\t').collect();
            assert_eq!(c.len(), 3, "{l:?}");
            (
                c[0].to_string(),
                c[1].parse().expect("flat"),
                c[2].parse().expect("cum"),
            )
        })
        .collect();
    assert!(rows.len() > 100);
    assert!(
        rows.windows(2).all(|w| w[0].1.abs() >= w[1].1.abs()),
        "sorted by flat"
    );
    assert!(rows.iter().all(|r| r.2 >= r.1));
    // Every function, not just the top ones: a zero-flat caller is there.
    assert!(rows.iter().any(|r| r.1 == 0 && r.0 == "runtime.main"));
}

#[test]
fn top_text_reads_like_pprof() {
    let f = corpus("pprof/sample.cpu");
    let o = heaplens(&["top", f.to_str().expect("path")]);
    assert!(o.status.success());
    let out = stdout(&o);
    assert!(out.contains("Type: cpu"), "{out}");
    assert!(out.contains("Showing nodes accounting for"), "{out}");
    assert!(
        out.contains("      flat  flat%   sum%        cum   cum%"),
        "{out}"
    );
}

#[test]
fn info_and_folded() {
    let f = corpus("dd-trace-go/heap.pprof");
    let o = heaplens(&["info", f.to_str().expect("path")]);
    assert!(o.status.success());
    let out = stdout(&o);
    for t in [
        "alloc_objects/count",
        "alloc_space/bytes",
        "inuse_objects/count",
        "inuse_space/bytes",
    ] {
        assert!(out.contains(t), "{t} missing in {out}");
    }
    let o = heaplens(&[
        "folded",
        "--sample-index",
        "alloc_space",
        f.to_str().expect("path"),
    ]);
    assert!(o.status.success());
    let out = stdout(&o);
    assert!(out.lines().count() > 10);
    assert!(out.lines().all(|l| l
        .rsplit(' ')
        .next()
        .is_some_and(|v| v.parse::<i64>().is_ok())));
}

fn assert_one_line_error(o: &Output, must_contain: &str) {
    assert_eq!(o.status.code(), Some(2), "exit code; stderr: {}", stderr(o));
    let err = stderr(o);
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err:?}");
    assert!(err.starts_with("heaplens: "), "{err}");
    assert!(
        err.contains(must_contain),
        "{err:?} should mention {must_contain:?}"
    );
    assert!(!err.contains("panicked"), "{err}");
    assert!(o.stdout.is_empty());
}

#[test]
fn bad_input_is_one_line_and_exit_2() {
    let dir = std::env::temp_dir().join(format!("heaplens-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp dir");
    let garbage = dir.join("garbage.prof");
    std::fs::write(&garbage, b"\x1f\x8b\x08\x00garbage-not-really-gzip").expect("write");
    let empty = dir.join("empty.prof");
    std::fs::write(&empty, b"").expect("write");
    let g = garbage.to_str().expect("path");
    assert_one_line_error(&heaplens(&["top", g]), "garbage.prof");
    assert_one_line_error(&heaplens(&["top", "--format", "tsv", g]), "gzip");
    assert_one_line_error(&heaplens(&["info", empty.to_str().expect("path")]), "empty");
    assert_one_line_error(&heaplens(&["top", "/no/such/file.prof"]), "no such file");
    assert_one_line_error(
        &heaplens(&["top", dir.to_str().expect("path")]),
        "directory",
    );
    let legacy = corpus("pprof/gobench.cpu");
    assert_one_line_error(
        &heaplens(&["top", legacy.to_str().expect("path")]),
        "legacy",
    );
    let f = corpus("pprof/sample.cpu");
    let f = f.to_str().expect("path");
    assert_one_line_error(
        &heaplens(&["top", "--sample-index", "bogus", f]),
        "samples, cpu",
    );
    assert_one_line_error(
        &heaplens(&["top", "--sample-index", "7", f]),
        "bogus".replace("bogus", "7").as_str(),
    );
    assert_one_line_error(&heaplens(&["top", "--format", "xml", f]), "--format");
    assert_one_line_error(&heaplens(&["frobnicate", f]), "unknown command");
    assert_one_line_error(&heaplens(&["top"]), "no FILE");
    assert_one_line_error(&heaplens(&[]), "no command");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn help_and_version() {
    let o = heaplens(&["--help"]);
    assert!(o.status.success());
    assert!(stdout(&o).contains("heaplens top"));
    let o = heaplens(&["--version"]);
    assert!(stdout(&o).starts_with("heaplens "));
}

fn testdata(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/testdata/scheduler")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

#[test]
fn diff_prints_net_values() {
    let (base, new) = (testdata("baseline.prof"), testdata("optimized.prof"));
    let o = heaplens(&[
        "diff",
        "--base",
        &base,
        "--format",
        "tsv",
        "--sample-index",
        "alloc_objects",
        &new,
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let rows: Vec<(String, i64)> = stdout(&o)
        .lines()
        .map(|l| {
            let c: Vec<&str> = l.split('\t').collect();
            (c[0].to_string(), c[1].parse().expect("flat"))
        })
        .collect();
    // The optimized variant allocates less: the net total is negative.
    let net: i64 = rows.iter().map(|r| r.1).sum();
    assert!(net < 0, "net {net}");
    assert!(rows.iter().any(|r| r.1 < 0) && rows.iter().all(|r| !r.0.is_empty()));
    let o = heaplens(&["diff", &new]);
    assert_one_line_error(&o, "no base");
    let other = corpus("pprof/sample.cpu");
    let o = heaplens(&["diff", "--base", other.to_str().expect("path"), &new]);
    assert_one_line_error(&o, "cannot be compared");
}

#[test]
fn gate_exits_1_and_names_culprits() {
    let (base, new) = (testdata("baseline.prof"), testdata("optimized.prof"));
    // Optimized against baseline: every limit holds.
    let o = heaplens(&[
        "gate",
        "--base",
        &base,
        &new,
        "--max",
        "alloc_objects:+2%",
        "--max",
        "alloc_space:+5%",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("all 2 limits hold"));
    // The other way round: allocations grow, the gate fails and says why.
    let o = heaplens(&[
        "gate",
        "--base",
        &new,
        &base,
        "--max",
        "alloc_objects:+2%",
        "--max",
        "func=^encoding/json:alloc_space:+1MB",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(out.contains("FAIL alloc_objects:+2%"), "{out}");
    assert!(out.contains("encoding/json.Marshal"), "{out}");
    assert!(out.contains("2 of 2 limits exceeded"), "{out}");
    // One limit: said in the singular.
    let one = |b: &str, n: &str| heaplens(&["gate", "--base", b, n, "--max", "alloc_objects:+2%"]);
    let o = one(&base, &new);
    assert!(
        stdout(&o).ends_with("gate: the limit holds\n"),
        "{}",
        stdout(&o)
    );
    let o = one(&new, &base);
    assert!(
        stdout(&o).ends_with("gate: the limit is exceeded\n"),
        "{}",
        stdout(&o)
    );
    // Bad limits are usage errors.
    let o = heaplens(&["gate", "--base", &base, &new, "--max", "alloc_space"]);
    assert_one_line_error(&o, "--max");
    let o = heaplens(&["gate", "--base", &base, &new, "--max", "bogus:+5%"]);
    assert_one_line_error(&o, "no sample type");
}

#[test]
fn bench_compares_benchmark_outputs() {
    let (base, new) = (testdata("baseline.txt"), testdata("optimized.txt"));
    let o = heaplens(&["bench", &base, &new]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    for unit in ["sec/op", "B/op", "allocs/op"] {
        assert!(out.contains(unit), "{unit} missing: {out}");
    }
    // Five runs each and a large drop in allocations: significant. Names
    // as benchstat shows them, a geomean per unit.
    let line = out
        .lines()
        .find(|l| l.starts_with("Scheduler_CreateClaimComplete ") && l.contains("2.100k"))
        .expect("allocs line");
    assert!(line.contains("-48.48% (p=0.004 n=5)"), "{line}");
    assert_eq!(
        out.lines().filter(|l| l.starts_with("geomean ")).count(),
        3,
        "{out}"
    );
    assert!(out.contains("│ baseline.txt │"), "{out}");
    // One output: its values.
    let o = heaplens(&["bench", &base]);
    assert!(o.status.success(), "{}", stderr(&o));
    let one = stdout(&o);
    assert!(
        one.contains("Scheduler_Snapshot              649.6µ ± 5%"),
        "{one}"
    );
    assert!(!one.contains("vs base"), "{one}");
    // TSV: raw numbers.
    let o = heaplens(&["bench", "--format", "tsv", &base, &new]);
    let tsv = stdout(&o);
    assert!(tsv.starts_with("unit\tbenchmark\tbase\t"), "{tsv}");
    assert!(
        tsv.contains("allocs/op\tScheduler_CreateClaimComplete\t2100\t0\t5\t1082\t0\t5\t"),
        "{tsv}"
    );
    let o = heaplens(&["bench"]);
    assert_one_line_error(&o, "one or two files");
    let prof = testdata("baseline.prof");
    let o = heaplens(&["bench", &prof, &new]);
    assert_one_line_error(&o, "no benchmark result lines");
}

#[test]
fn folded_stacks_are_read_back() {
    let dir = std::env::temp_dir().join(format!("heaplens-cli-folded-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp dir");
    let prof = testdata("baseline.prof");
    let o = heaplens(&["folded", "--sample-index", "alloc_space", &prof]);
    assert!(o.status.success(), "{}", stderr(&o));
    let folded = dir.join("baseline.folded");
    std::fs::write(&folded, &o.stdout).expect("write");
    let folded = folded.to_str().expect("path");
    // The same top table (function granularity) from the folded text.
    let tsv = |args: &[&str]| {
        let o = heaplens(args);
        assert!(o.status.success(), "{}", stderr(&o));
        stdout(&o)
    };
    assert_eq!(
        tsv(&["top", "--format", "tsv", folded]),
        tsv(&[
            "top",
            "--format",
            "tsv",
            "--sample-index",
            "alloc_space",
            &prof
        ])
    );
    // And folded again: the same lines.
    assert_eq!(tsv(&["folded", folded]), stdout(&o));
    assert!(tsv(&["info", folded]).contains("samples/count"));
    // A diff of a folded profile against itself nets to nothing.
    let net = tsv(&["diff", "--base", folded, "--format", "tsv", folded]);
    assert!(net.lines().all(|l| l.ends_with("\t0\t0")), "{net}");
    // A bad line is a one-line error naming it.
    let bad = dir.join("bad.folded");
    std::fs::write(&bad, b"main;a 3\nmain;b\n").expect("write");
    assert_one_line_error(&heaplens(&["top", bad.to_str().expect("path")]), "line 2");
    let _ = std::fs::remove_dir_all(&dir);
}

/// `folded --base`: never net (negative) values; `stack base new` by
/// default, the new profile's plain folded stacks with `--diff-format new`.
#[test]
fn folded_of_a_diff_is_readable_by_folded_tools() {
    let (base, new) = (testdata("baseline.prof"), testdata("optimized.prof"));
    let run = |args: &[&str]| {
        let o = heaplens(args);
        assert!(o.status.success(), "{}", stderr(&o));
        stdout(&o)
    };
    let ty = ["--sample-index", "alloc_space"];
    let alone = |p: &str| run(&[&["folded", p][..], &ty].concat());
    let two = run(&[&["folded", "--base", &base, &new][..], &ty].concat());
    let (mut sum_base, mut sum_new) = (0i64, 0i64);
    for l in two.lines() {
        let v: Vec<i64> = l
            .rsplitn(3, ' ')
            .take(2)
            .map(|v| v.parse().expect("number"))
            .collect();
        assert!(v[0] >= 0 && v[1] >= 0, "{l}");
        sum_new += v[0];
        sum_base += v[1];
    }
    let total = |text: &str| -> i64 {
        text.lines()
            .map(|l| {
                l.rsplit(' ')
                    .next()
                    .expect("value")
                    .parse::<i64>()
                    .expect("number")
            })
            .sum()
    };
    assert_eq!(sum_base, total(&alone(&base)));
    assert_eq!(sum_new, total(&alone(&new)));
    let plain = run(&[
        &["folded", "--base", &base, "--diff-format", "new", &new][..],
        &ty,
    ]
    .concat());
    assert_eq!(plain, alone(&new));
    let o = heaplens(&["folded", "--diff-format", "new", &new]);
    assert_one_line_error(&o, "--diff-format is for folded --base");
    let o = heaplens(&["folded", "--base", &base, "--diff-format", "net", &new]);
    assert_one_line_error(&o, "two-column or new");
}

/// A heap profile with nothing in use: `top` shows the first sample type
/// with values and says so on stderr; an explicit type is kept.
#[test]
fn top_skips_an_all_zero_default_sample_type_and_says_so() {
    let dir = std::env::temp_dir().join(format!("heaplens-cli-zero-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp dir");
    let heap = dir.join("zero.heap");
    std::fs::write(
        &heap,
        "heap profile: 0: 0 [3: 3072] @ heap/1\n0: 0 [2: 2048] @ 0x401000 0x402000\n0: 0 [1: 1024] @ 0x401000\n",
    )
    .expect("write");
    let heap = heap.to_str().expect("path");
    let o = heaplens(&["top", heap]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("Type: alloc_objects"), "{}", stdout(&o));
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("inuse_space is 0 in every sample; showing alloc_objects"),
        "{err}"
    );
    let o = heaplens(&["top", "--sample-index", "inuse_space", heap]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("Type: inuse_space"), "{}", stdout(&o));
    assert_eq!(stderr(&o), "");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn list_prints_source_lines_like_pprof() {
    let prof = testdata("baseline.prof");
    let src = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/gen");
    let src = src.to_str().expect("path");
    let o = heaplens(&[
        "list",
        "Scheduler..Claim$",
        "--sample-index",
        "alloc_space",
        "--source",
        src,
        &prof,
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.starts_with("Total: 96.06MB\n"), "{out}");
    assert!(out.contains(
        "ROUTINE ======================== heaplens/testgen/scheduler.(*Scheduler).Claim in heaplens/testgen/scheduler/baseline.go\n         0    36.76MB (flat, cum) 38.27% of Total\n"
    ), "{out}");
    assert!(
        out.contains("         .    17.30MB    132:\tt, err := s.load(id)\n"),
        "{out}"
    );
    // Without the sources: the lines with values, no text.
    let o = heaplens(&["list", "Scheduler..Claim$", "--unit", "B", &prof]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("source not found"), "{out}");
    assert!(out.contains("         .  18143752B    132:\n"), "{out}");
    // A diff: net values, negative here.
    let new = testdata("optimized.prof");
    let o = heaplens(&[
        "list",
        "Scheduler..Claim$",
        "--base",
        &prof,
        "--unit",
        "B",
        &new,
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("-18143752B    132:"), "{}", stdout(&o));
    // TSV: raw integers per line with a value, the same numbers.
    let o = heaplens(&["list", "--format", "tsv", "Scheduler..Claim$", &prof]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    let mut rows = out.lines();
    assert_eq!(rows.next(), Some("function\tfile\tline\tflat\tcum"));
    assert!(
        rows.any(|r| r == "heaplens/testgen/scheduler.(*Scheduler).Claim\theaplens/testgen/scheduler/baseline.go\t132\t0\t18143752"),
        "{out}"
    );
    // Errors: no match, a bad pattern, no file.
    assert_one_line_error(
        &heaplens(&["list", "NoSuchFunction", &prof]),
        "no matches found for regexp: NoSuchFunction",
    );
    assert_one_line_error(&heaplens(&["list", "(", &prof]), "regular expression");
    assert_one_line_error(&heaplens(&["list", "main"]), "heaplens list REGEX FILE");
    assert!(stdout(&heaplens(&["--help"])).contains("heaplens list"));
}

#[test]
fn tagfocus_keeps_the_samples_with_matching_labels() {
    let prof = testdata("baseline.prof");
    let o = heaplens(&["top", "--tagfocus", "bytes=1kb:", "--unit", "B", &prof]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("Active filters:\n   tagfocus=bytes=1kb:\n"),
        "{out}"
    );
    // As go tool pprof prints it (the same nodes dropped, too).
    assert!(
        out.contains("6467072B, 6.42% of 100730856B total\nDropped 29 nodes"),
        "{out}"
    );
    // TSV: the filtered rows sum to less than the whole.
    let sum = |args: &[&str]| -> i64 {
        stdout(&heaplens(args))
            .lines()
            .filter_map(|l| l.split('\t').nth(1)?.parse::<i64>().ok())
            .sum()
    };
    let all = sum(&["top", "--format", "tsv", &prof]);
    let big = sum(&["top", "--format", "tsv", "--tagfocus", "bytes=1kb:", &prof]);
    let small = sum(&[
        "top",
        "--format",
        "tsv",
        "--tagfocus",
        "bytes=:1023b",
        &prof,
    ]);
    assert!(
        big > 0 && small > 0 && big + small == all,
        "{big} + {small} != {all}"
    );
    assert_one_line_error(
        &heaplens(&["top", "--tagfocus", "t=(", &prof]),
        "label filter",
    );
}

/// pprof's filter flags, in both spellings, on every command that runs the
/// view pipeline; what `go tool pprof` prints (tests/golden/pprof-refine).
#[test]
fn filter_flags_are_pprofs() {
    let golden = |name: &str| {
        let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../tests/golden/pprof-refine")
            .join(name);
        std::fs::read_to_string(p).expect("golden")
    };
    let no_time = |s: &str| {
        s.lines()
            .filter(|l| !l.starts_with("Time: "))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let (base, new) = (testdata("baseline.prof"), testdata("optimized.prof"));
    let common = ["--nodefraction=0", "--sample_index=1", "--unit=B"];
    for (args, want) in [
        (
            vec!["top", "--focus", "Claim", "-relative_percentages"],
            "sched-focus-relative.txt",
        ),
        (vec!["top", "-show_from=Claim"], "sched-show-from.txt"),
        (vec!["top", "--prune_from=Claim"], "sched-prune-from.txt"),
        (
            vec!["diff", "--base", &base, "-hide=json", "--drop_negative"],
            "diff-hide-drop-negative.txt",
        ),
    ] {
        let file = if args[0] == "diff" { &new } else { &base };
        let all: Vec<&str> = args
            .iter()
            .copied()
            .chain(common)
            .chain([file.as_str()])
            .collect();
        let o = heaplens(&all);
        assert!(o.status.success(), "{all:?}: {}", stderr(&o));
        assert_eq!(no_time(&stdout(&o)), no_time(&golden(want)), "{all:?}");
    }
    // folded and list take them too.
    let o = heaplens(&["folded", "--show", "^heaplens/", "--sample_index=1", &base]);
    assert!(o.status.success() && stdout(&o).lines().all(|l| !l.contains("json")));
    let o = heaplens(&[
        "list",
        "--format=tsv",
        "Claim",
        "--focus=Claim",
        "--noinlines",
        &base,
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    // A filter that keeps nothing: an empty table, not an error.
    let o = heaplens(&["top", "--focus=^nothing$", &base]);
    assert!(o.status.success() && stdout(&o).contains("Showing nodes accounting for 0"));
    // A regex pprof refuses: pprof's reason, one line, exit 2.
    let o = heaplens(&["top", "--ignore=a**", &base]);
    assert_one_line_error(
        &o,
        "parsing ignore regexp: error parsing regexp: invalid nested repetition operator: `**`",
    );
    let help = stdout(&heaplens(&["--help"]));
    for f in [
        "--focus",
        "--show_from",
        "--prune_from",
        "--tagroot",
        "--noinlines",
        "--drop_negative",
    ] {
        assert!(help.contains(f), "{f} in help");
    }
}
