//! The gctrace reader against the Go runtime's own accounting of the same
//! runs (tests/testdata/gctrace: the scheduler workload, baseline and
//! optimized, under GODEBUG=gctrace=1, with runtime.MemStats printed at the
//! end; see tests/testdata/README.md), and against the hand-written format
//! variants beside them.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use heaplens_text::gctrace::{parse, GcError};

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/testdata/gctrace");

fn read(name: &str) -> String {
    std::fs::read_to_string(format!("{DIR}/{name}")).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// A whole number or a list of them after `"key":` in the MemStats JSON.
fn field(json: &str, key: &str) -> Vec<u64> {
    let at = json
        .find(&format!("\"{key}\":"))
        .unwrap_or_else(|| panic!("no {key}"));
    let rest = &json[at + key.len() + 3..];
    let end = rest.find([',', '}']).unwrap();
    let body = if rest.trim_start().starts_with('[') {
        &rest[..rest.find(']').unwrap()]
    } else {
        &rest[..end]
    };
    body.split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .map(|s| s.parse().unwrap())
        .collect()
}

#[test]
fn real_runs_agree_with_the_runtime_memstats() {
    for variant in ["baseline", "optimized"] {
        let log = parse(&read(&format!("{variant}.log"))).expect("parse");
        let stats = read(&format!("{variant}.memstats.json"));
        assert_eq!(log.processes.len(), 1, "{variant}");
        let gcs = &log.processes[0].gcs;
        assert_eq!((log.other_lines, log.malformed_lines), (0, 0), "{variant}");
        assert_eq!(
            gcs.len() as u64,
            field(&stats, "NumGC")[0],
            "{variant}: NumGC"
        );
        let forced = gcs.iter().filter(|g| g.forced).count() as u64;
        assert_eq!(
            forced,
            field(&stats, "NumForcedGC")[0],
            "{variant}: NumForcedGC"
        );
        // Numbers 1..=N in order, times never going back.
        assert!(gcs.iter().enumerate().all(|(i, g)| g.num == i as u64 + 1));
        assert!(gcs.windows(2).all(|w| w[0].at_s <= w[1].at_s));
        // The pauses: the runtime prints each phase cut to two significant
        // digits (never rounded up), so the trace's sum is a little under
        // PauseTotalNs (1.55 % and 1.70 % in these runs); each GC's pause
        // is at most its PauseNs entry and within 10 % of it.
        let total_ms: f64 = gcs.iter().map(|g| g.pause_ms()).sum();
        let runtime_ms = field(&stats, "PauseTotalNs")[0] as f64 / 1e6;
        let short = (runtime_ms - total_ms) / runtime_ms;
        assert!(
            (0.0..0.03).contains(&short),
            "{variant}: {total_ms} ms vs {runtime_ms} ms"
        );
        let first = field(&stats, "PauseFirstGC")[0] as usize;
        let per_gc = field(&stats, "PauseNs");
        assert!(per_gc.len() > 100, "{variant}");
        for (k, ns) in per_gc.iter().enumerate() {
            let pause = gcs[first - 1 + k].pause_ms();
            let runtime = *ns as f64 / 1e6;
            assert!(
                pause <= runtime + 1e-9 && pause >= runtime * 0.9,
                "{variant} gc {}: {pause} vs {runtime}",
                first + k
            );
        }
    }
}

#[test]
fn format_variants() {
    let gcs = |name: &str| parse(&read(&format!("variants/{name}"))).expect(name);
    let one = |name: &str| {
        let log = gcs(name);
        assert_eq!(log.processes.len(), 1, "{name}");
        log
    };
    // Go 1.6's five clock phases fold into three; no stacks/globals before 1.18.
    let old = one("go1.6-five-phase.log");
    assert!(old.processes[0]
        .gcs
        .iter()
        .all(|g| g.stacks.is_none() && g.procs > 0));
    assert!(one("go1.8-three-phase.log").processes[0]
        .gcs
        .iter()
        .all(|g| g.globals.is_none()));
    assert!(one("go1.20-stacks-globals.log").processes[0]
        .gcs
        .iter()
        .all(|g| g.stacks.is_some()));
    assert_eq!(
        one("go1.20-forced.log").processes[0]
            .gcs
            .iter()
            .filter(|g| g.forced)
            .count(),
        3
    );
    for name in [
        "go1.11-scvg-numbered.log",
        "go1.13-scvg.log",
        "go1.20-scavtrace.log",
    ] {
        assert!(one(name).scavenger_lines > 0, "{name}");
    }
    for name in ["timestamp-golog.log", "timestamp-rfc3339.log"] {
        let log = one(name);
        assert!(log.processes[0].gcs.len() >= 8, "{name}");
    }
    let cut = one("truncated-last-line.log");
    assert_eq!(cut.malformed_lines, 1);
    let compose = gcs("docker-compose-two-services.log");
    let names: Vec<&str> = compose.processes.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["api-1 |", "worker-1 |"]);
    assert_eq!(
        compose
            .processes
            .iter()
            .map(|p| p.gcs.len())
            .collect::<Vec<_>>(),
        [9, 6]
    );
    assert!(matches!(
        parse(&read("variants/two-processes-no-prefix.log")),
        Err(GcError::Interleaved { .. })
    ));
    assert!(matches!(
        parse(&read("variants/no-gctrace.log")),
        Err(GcError::NoGcLines { lines: 10 })
    ));
}

/// Every cut of a real line, and every line with one byte removed or
/// changed, is read as a GC or counted as malformed; never a panic, and
/// never a GC that is not the line's.
#[test]
fn mangled_lines_are_never_misread() {
    let text = read("baseline.log");
    let line = text.lines().nth(41).expect("a line");
    let whole = parse(line)
        .expect("the line")
        .processes
        .remove(0)
        .gcs
        .remove(0);
    for cut in 0..line.len() {
        if let Ok(log) = parse(&line[..cut]) {
            panic!("cut at {cut} read as {:?}", log.processes[0].gcs);
        }
    }
    let bytes = line.as_bytes();
    for i in 0..bytes.len() {
        for replacement in [None, Some(b'x'), Some(b'9'), Some(b'+')] {
            let mut b = bytes.to_vec();
            match replacement {
                None => {
                    b.remove(i);
                }
                Some(r) => b[i] = r,
            }
            let mangled = String::from_utf8_lossy(&b);
            if let Ok(log) = parse(&mangled) {
                let gcs = &log.processes[0].gcs;
                assert_eq!(gcs.len(), 1, "{mangled}");
                // Only a digit may change a figure; a '9' in place of a
                // digit, or a digit dropped, changes that figure alone.
                assert!(
                    gcs[0] != whole || b == bytes || replacement == Some(bytes[i]),
                    "{mangled}"
                );
            }
        }
    }
}
