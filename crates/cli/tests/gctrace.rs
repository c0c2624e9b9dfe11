//! `heaplens gctrace` and `heaplens gate` over GODEBUG=gctrace=1 logs, as a
//! user runs them on the real logs of tests/testdata/gctrace: the TSV's
//! shape and names, the figures against counts taken from the log's text
//! here, exit codes, and one-line errors.

// Test helpers: a failure stops the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::{Command, Output};

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/testdata/gctrace");

fn heaplens(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_heaplens"))
        .args(args)
        .output()
        .expect("run heaplens")
}

fn log(name: &str) -> String {
    format!("{DIR}/{name}")
}

fn rows(o: &Output) -> Vec<Vec<String>> {
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(|l| l.split('\t').map(str::to_string).collect())
        .collect()
}

#[test]
fn tsv_names_and_counts_from_the_log_text() {
    let path = log("baseline.log");
    let o = heaplens(&["gctrace", "--format", "tsv", &path]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let rows = rows(&o);
    let names: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    for want in [
        "gc_count",
        "forced_gc_count",
        "gcs_per_second",
        "pause_total_ms",
        "pause_p50_ms",
        "pause_p99_ms",
        "pause_max_ms",
        "gc_cpu_percent",
        "heap_live_peak_bytes",
        "heap_live_mean_bytes",
    ] {
        assert!(names.contains(&want), "{want} missing from {names:?}");
    }
    assert!(rows.iter().all(|r| r.len() == 2));
    let get = |k: &str| {
        rows.iter()
            .find(|r| r[0] == k)
            .map(|r| r[1].clone())
            .expect(k)
    };
    // Counted here from the text: lines, "(forced)" lines, the last "N%:".
    let text = std::fs::read_to_string(&path).unwrap();
    let lines: Vec<&str> = text.lines().filter(|l| l.starts_with("gc ")).collect();
    assert_eq!(get("gc_count"), lines.len().to_string());
    let forced = lines.iter().filter(|l| l.ends_with("(forced)")).count();
    assert_eq!(get("forced_gc_count"), forced.to_string());
    let last_pct = lines
        .last()
        .unwrap()
        .split("%:")
        .next()
        .unwrap()
        .rsplit(' ')
        .next()
        .unwrap();
    assert_eq!(get("gc_cpu_percent"), last_pct);
    // The largest pause, from the clock fields' first and last numbers.
    let max = lines
        .iter()
        .map(|l| {
            let clock = l
                .split(": ")
                .nth(1)
                .unwrap()
                .split(" ms clock")
                .next()
                .unwrap();
            let v: Vec<f64> = clock.split('+').map(|x| x.parse().unwrap()).collect();
            v[0] + v[2]
        })
        .fold(0.0, f64::max);
    let shown: f64 = get("pause_max_ms").parse().unwrap();
    assert!((shown - max).abs() < 1e-6, "{shown} vs {max}");
}

#[test]
fn comparison_tsv_and_text() {
    let (b, n) = (log("baseline.log"), log("optimized.log"));
    let o = heaplens(&["gctrace", "--format", "tsv", "--base", &b, &n]);
    assert!(o.status.success());
    let rows = rows(&o);
    assert!(rows.iter().all(|r| r.len() == 4), "{rows:?}");
    let count = rows.iter().find(|r| r[0] == "gc_count").unwrap();
    assert_eq!((count[1].as_str(), count[2].as_str()), ("430", "197"));
    let pct: f64 = count[3].parse().unwrap();
    assert!(
        (pct - (197.0 - 430.0) / 430.0 * 100.0).abs() < 1e-5,
        "{pct}"
    );
    let o = heaplens(&["gctrace", "--base", &b, &n]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("STW pause p99 ") && text.contains(" → "),
        "{text}"
    );
    assert!(
        text.lines()
            .any(|l| l.starts_with("GCs per second ") && l.ends_with(", significant")),
        "{text}"
    );
}

#[test]
fn gate_on_logs_exits_one_when_a_limit_is_exceeded() {
    let (b, n) = (log("baseline.log"), log("optimized.log"));
    // Fewer GCs per second: a limit of no growth holds; the live heap mean
    // fell 15%, so a limit of -20% is exceeded.
    let ok = heaplens(&[
        "gate",
        "--base",
        &b,
        &n,
        "--max",
        "gc_rate:+0%",
        "--max",
        "gc_count:+0",
    ]);
    assert_eq!(
        ok.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&ok.stdout)
    );
    let fail = heaplens(&["gate", "--base", &b, &n, "--max", "gc_heap_live_mean:-20%"]);
    assert_eq!(fail.status.code(), Some(1));
    let out = String::from_utf8_lossy(&fail.stdout);
    assert!(
        out.starts_with("FAIL gc_heap_live_mean:-20%") && out.contains("limit is exceeded"),
        "{out}"
    );
    let bad = heaplens(&["gate", "--base", &b, &n, "--max", "alloc_space:+5%"]);
    assert_eq!(bad.status.code(), Some(2));
    let err = String::from_utf8_lossy(&bad.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("no GC figure \"alloc_space\""), "{err}");
}

#[test]
fn refusals_are_one_line_with_exit_two() {
    for (file, says) in [
        ("variants/no-gctrace.log", "no GODEBUG=gctrace=1 line"),
        ("variants/two-processes-no-prefix.log", "go back and forth"),
        (
            "variants/docker-compose-two-services.log",
            "choose one with --process",
        ),
    ] {
        let o = heaplens(&["gctrace", &log(file)]);
        assert_eq!(o.status.code(), Some(2), "{file}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains(file) && err.contains(says), "{err}");
    }
    let o = heaplens(&[
        "gctrace",
        "--process",
        "worker-1",
        &log("variants/docker-compose-two-services.log"),
    ]);
    assert!(o.status.success());
    assert!(String::from_utf8_lossy(&o.stdout).contains("6 GCs"));
}
