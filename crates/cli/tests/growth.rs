//! `heaplens growth` and `heaplens gate --max-growth` on a real timeline:
//! tests/testdata/leak holds 12 heap snapshots of a Go service that leaks in
//! one function and churns (allocates a lot, keeps little) in another, and
//! `go tool pprof -top` of each. The ranking is computed here again from
//! pprof's numbers alone: each function's flat value in pprof's top table,
//! each snapshot's time read from its protobuf by a decoder of a few lines,
//! and a least-squares fit written out anew; the binary must agree.

// Test helpers: a failure stops the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::io::Read;
use std::path::PathBuf;
use std::process::{Command, Output};

const DIR: &str = "tests/testdata/leak";
const CPU: &str = "../shared/corpus/parca/cpu_labels.pb.gz";
const SNAPSHOTS: usize = 12;

/// The repository's root: the binary runs there, so paths in its messages
/// read as they are given here.
fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The snapshots' paths (from the root), in the order they were taken.
fn snaps() -> Vec<String> {
    (1..=SNAPSHOTS)
        .map(|i| format!("{DIR}/snap-{i:02}.pb.gz"))
        .collect()
}

fn heaplens(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_heaplens"))
        .current_dir(root())
        .args(args)
        .output()
        .expect("run heaplens")
}

fn run(args: &[&str], files: &[String]) -> Output {
    let mut all: Vec<&str> = args.to_vec();
    all.extend(files.iter().map(String::as_str));
    heaplens(&all)
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The leak's and the churn's function names, as the data's README says
/// them: the bullets of its "What a correct growth ranking must find" that
/// start with a backquoted name, the one that "ranks first" and the one
/// that "must not be reported".
fn leak_and_churn() -> (String, String) {
    let readme = std::fs::read_to_string(root().join(DIR).join("README.md")).expect("README.md");
    let section = readme
        .split("## What a correct growth ranking must find")
        .nth(1)
        .expect("README.md: the ranking section");
    let named = |words: &str| -> String {
        let bullet = section
            .split("\n- ")
            .find(|b| b.starts_with('`') && b.contains(words))
            .unwrap_or_else(|| panic!("README.md: no bullet that says {words:?}"));
        bullet.split('`').nth(1).unwrap().to_string()
    };
    (named("ranks first"), named("must not be reported"))
}

// ---- Each snapshot's time, from its protobuf -------------------------------

fn varint(buf: &[u8], pos: &mut usize) -> u64 {
    let mut v = 0u64;
    for shift in (0..64).step_by(7) {
        let b = buf[*pos];
        *pos += 1;
        v |= u64::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            return v;
        }
    }
    panic!("varint too long at {pos}");
}

/// The profile's `time_nanos` (field 9 of the top-level Profile message,
/// a varint); every other field is skipped by its wire type.
fn time_nanos(path: &str) -> i64 {
    let raw = std::fs::read(root().join(path)).unwrap();
    let mut buf = Vec::new();
    if raw.starts_with(&[0x1f, 0x8b]) {
        flate2::read::GzDecoder::new(&raw[..])
            .read_to_end(&mut buf)
            .unwrap();
    } else {
        buf = raw;
    }
    let (mut pos, mut time) = (0, None);
    while pos < buf.len() {
        let key = varint(&buf, &mut pos);
        match key & 7 {
            0 => {
                let v = varint(&buf, &mut pos);
                if key >> 3 == 9 {
                    time = Some(v as i64);
                }
            }
            1 => pos += 8,
            2 => pos += varint(&buf, &mut pos) as usize,
            5 => pos += 4,
            w => panic!("{path}: wire type {w} at {pos}"),
        }
    }
    assert_eq!(pos, buf.len(), "{path}: a field runs past the end");
    time.unwrap_or_else(|| panic!("{path}: no time_nanos"))
}

// ---- Each function's flat value, from pprof's top table ----------------------

/// `go tool pprof -top -unit=B` rows: (function, flat) in raw units. A row
/// is `flat flat% sum% cum cum% name…`; the name is the rest of the line
/// (Go's generic instantiations can hold spaces), without pprof's
/// `(inline)` mark.
fn pprof_flat(path: &str) -> Vec<(String, i64)> {
    let text = std::fs::read_to_string(root().join(path)).unwrap();
    let mut lines = text.lines();
    lines
        .by_ref()
        .find(|l| {
            l.split_whitespace().collect::<Vec<_>>() == ["flat", "flat%", "sum%", "cum", "cum%"]
        })
        .unwrap_or_else(|| panic!("{path}: no table header"));
    lines
        .map(|line| {
            let mut rest = line.trim_start();
            let mut fields = Vec::new();
            for _ in 0..5 {
                let end = rest
                    .find(char::is_whitespace)
                    .unwrap_or_else(|| panic!("{line:?}"));
                fields.push(&rest[..end]);
                rest = rest[end..].trim_start();
            }
            let flat = fields[0].strip_suffix('B').unwrap_or(fields[0]);
            let flat: i64 = flat
                .parse()
                .unwrap_or_else(|_| panic!("{path}: flat of {line:?}"));
            let name = rest.strip_suffix(" (inline)").unwrap_or(rest);
            assert!(!name.is_empty(), "{path}: {line:?}");
            (name.to_string(), flat)
        })
        .collect()
}

/// A suspect as the TSV gives it, or as computed here.
#[derive(Debug, Clone)]
struct Row {
    name: String,
    change: i64,
    slope: f64,
    steadiness: f64,
    first: i64,
    last: i64,
    /// R² of the line.
    fit: f64,
}

/// The growth suspects of `ty`, from pprof's tables and the snapshots'
/// times: ordered by time, x = hours since the first, a least-squares
/// slope (sums formula), steadiness = share of increasing steps, R² as the
/// squared correlation; suspects end higher with a positive slope,
/// steadiness over one half and R² of at least one half, ranked by slope ×
/// steadiness (then name).
fn expected(ty: &str) -> Vec<Row> {
    let mut snaps: Vec<(i64, String)> = (1..=SNAPSHOTS)
        .map(|i| {
            let t = time_nanos(&format!("{DIR}/snap-{i:02}.pb.gz"));
            (t, format!("{DIR}/snap-{i:02}.{ty}.top.txt"))
        })
        .collect();
    snaps.sort();
    assert!(snaps.windows(2).all(|w| w[0].0 < w[1].0), "distinct times");
    let t0 = snaps[0].0;
    let xs: Vec<f64> = snaps
        .iter()
        .map(|(t, _)| (t - t0) as f64 / 3.6e12)
        .collect();
    let mut values: BTreeMap<String, Vec<i64>> = BTreeMap::new();
    for (col, (_, top)) in snaps.iter().enumerate() {
        for (name, flat) in pprof_flat(top) {
            let v = values.entry(name).or_insert_with(|| vec![0; SNAPSHOTS]);
            v[col] += flat;
        }
    }
    let n = SNAPSHOTS as f64;
    let (sx, sxx) = (
        xs.iter().sum::<f64>(),
        xs.iter().map(|x| x * x).sum::<f64>(),
    );
    let mut rows: Vec<Row> = values
        .into_iter()
        .map(|(name, ys)| {
            let sy: f64 = ys.iter().map(|&y| y as f64).sum();
            let sxy: f64 = xs.iter().zip(&ys).map(|(x, &y)| x * y as f64).sum();
            let slope = (n * sxy - sx * sy) / (n * sxx - sx * sx);
            let syy: f64 = ys.iter().map(|&y| (y as f64) * (y as f64)).sum();
            let var_y = n * syy - sy * sy;
            let fit = if var_y > 0.0 {
                (n * sxy - sx * sy).powi(2) / ((n * sxx - sx * sx) * var_y)
            } else {
                0.0
            };
            let up = ys.windows(2).filter(|w| w[1] > w[0]).count();
            Row {
                name,
                change: ys[SNAPSHOTS - 1] - ys[0],
                slope,
                steadiness: up as f64 / (SNAPSHOTS - 1) as f64,
                first: ys[0],
                last: ys[SNAPSHOTS - 1],
                fit,
            }
        })
        .filter(|r| r.change > 0 && r.slope > 0.0 && r.steadiness > 0.5 && r.fit >= 0.5)
        .collect();
    rows.sort_by(|a, b| {
        (b.slope * b.steadiness)
            .total_cmp(&(a.slope * a.steadiness))
            .then_with(|| a.name.cmp(&b.name))
    });
    rows
}

fn parse_tsv(text: &str) -> Vec<Row> {
    text.lines()
        .map(|l| {
            let c: Vec<&str> = l.split('\t').collect();
            assert_eq!(c.len(), 7, "{l:?}");
            Row {
                name: c[0].to_string(),
                change: c[1].parse().unwrap(),
                slope: c[2].parse().unwrap(),
                steadiness: c[3].parse().unwrap(),
                first: c[4].parse().unwrap(),
                last: c[5].parse().unwrap(),
                fit: c[6].parse().unwrap(),
            }
        })
        .collect()
}

fn growth_tsv(args: &[&str], files: &[String]) -> String {
    let mut all = vec!["growth", "--format", "tsv"];
    all.extend(args);
    let o = run(&all, files);
    assert!(o.status.success(), "{args:?}: {}", stderr(&o));
    assert!(stderr(&o).is_empty(), "{}", stderr(&o));
    stdout(&o)
}

/// The binary's suspects of `ty` are the ones computed here, in order.
fn agrees(ty: &str) -> Vec<Row> {
    let want = expected(ty);
    let got = parse_tsv(&growth_tsv(&["--sample-index", ty], &snaps()));
    let names = |rows: &[Row]| rows.iter().map(|r| r.name.clone()).collect::<Vec<_>>();
    assert_eq!(
        names(&got),
        names(&want),
        "{ty}: the suspects and their order"
    );
    for (g, w) in got.iter().zip(&want) {
        assert_eq!(
            (g.change, g.first, g.last),
            (w.change, w.first, w.last),
            "{ty}: {}",
            w.name
        );
        assert!(
            (g.slope - w.slope.round()).abs() <= 1.0,
            "{ty}: {}: slope {} (tsv) vs {} here",
            w.name,
            g.slope,
            w.slope
        );
        assert!(
            (g.steadiness - w.steadiness).abs() <= 1e-4,
            "{ty}: {}: steadiness {} vs {}",
            w.name,
            g.steadiness,
            w.steadiness
        );
        assert!(
            (g.fit - w.fit).abs() <= 1e-4,
            "{ty}: {}: R² {} vs {}",
            w.name,
            g.fit,
            w.fit
        );
    }
    want
}

#[test]
fn inuse_space_suspects_match_pprof_numbers_and_the_leak_leads() {
    let (leak, churn) = leak_and_churn();
    let rows = agrees("inuse_space");
    assert_eq!(rows[0].name, leak, "{rows:?}");
    assert!(!rows.iter().any(|r| r.name == churn), "{rows:?}");
    // inuse_space is the default of Go heap profiles.
    assert_eq!(
        growth_tsv(&[], &snaps()),
        growth_tsv(&["--sample_index", "inuse_space"], &snaps())
    );
}

#[test]
fn alloc_space_suspects_match_pprof_numbers() {
    let (leak, churn) = leak_and_churn();
    let rows = agrees("alloc_space");
    // Every allocation counts here: the churn grows, and faster.
    for f in [&leak, &churn] {
        assert!(rows.iter().any(|r| &r.name == f), "{f}: {rows:?}");
    }
}

#[test]
fn text_report_names_the_leak() {
    let (leak, churn) = leak_and_churn();
    let o = run(&["growth"], &snaps());
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(
        text.starts_with("Growth of inuse_space over 12 snapshots, "),
        "{text}"
    );
    assert!(text.contains(&leak) && !text.contains(&churn), "{text}");
    // By cum the leak still leads (its callers grow with it).
    let cum = parse_tsv(&growth_tsv(&["--cum"], &snaps()));
    assert!(cum.iter().any(|r| r.name == leak), "{cum:?}");
    assert!(!cum.iter().any(|r| r.name == churn), "{cum:?}");
}

#[test]
fn snapshots_are_ordered_by_their_time_unless_given_order_is_asked() {
    let mut shuffled = snaps();
    let perm = [7, 2, 11, 0, 5, 9, 1, 4, 10, 3, 8, 6];
    shuffled = perm.iter().map(|&i| shuffled[i].clone()).collect();
    let by_time = growth_tsv(&[], &snaps());
    assert_eq!(growth_tsv(&[], &shuffled), by_time);
    let given = growth_tsv(&["--order", "given"], &shuffled);
    assert_ne!(given, by_time);
    let o = run(&["growth", "--order", "given"], &shuffled);
    assert!(
        stdout(&o).contains(", in the order given\n"),
        "{}",
        stdout(&o)
    );
    // Shuffled, the leak no longer grows steadily: no suspect at all.
    assert_eq!(given, "");
    let o = run(&["growth", "--order", "given"], &snaps());
    assert!(stdout(&o).contains("slope/snapshot"), "{}", stdout(&o));
    // In the order taken, given as such: the same suspects, with slopes
    // per snapshot (taken about 2 s apart) instead of per hour.
    let (h, s) = (
        parse_tsv(&by_time),
        parse_tsv(&growth_tsv(&["--order", "given"], &snaps())),
    );
    assert_eq!(h.len(), s.len());
    let span_h = (time_nanos(&snaps()[SNAPSHOTS - 1]) - time_nanos(&snaps()[0])) as f64 / 3.6e12;
    for (h, s) in h.iter().zip(&s) {
        assert_eq!(
            (&h.name, h.change, h.steadiness),
            (&s.name, s.change, s.steadiness)
        );
        let per_step = h.slope * span_h / (SNAPSHOTS - 1) as f64;
        assert!(
            (s.slope / per_step - 1.0).abs() < 0.1,
            "{}: {} vs {per_step}",
            h.name,
            s.slope
        );
    }
}

#[test]
fn gate_max_growth_passes_a_generous_limit_and_fails_a_small_one() {
    let (leak, churn) = leak_and_churn();
    let o = run(&["gate", "--max-growth", "inuse_space:100GB/h"], &snaps());
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert!(
        stdout(&o).starts_with("ok   inuse_space:100GB/h"),
        "{}",
        stdout(&o)
    );
    assert!(
        stdout(&o).ends_with("gate: the limit holds\n"),
        "{}",
        stdout(&o)
    );

    let o = run(
        &[
            "gate",
            "--max-growth",
            "inuse_space:1GB/h",
            "--max-growth",
            "func=^main\\.churn$:inuse_space:1B/h",
        ],
        &snaps(),
    );
    assert_eq!(o.status.code(), Some(1), "{}{}", stdout(&o), stderr(&o));
    let text = stdout(&o);
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("FAIL inuse_space:1GB/h"), "{text}");
    assert!(lines[1].ends_with(&format!("  {leak}")), "{text}");
    let churn_row = format!("  {churn}");
    assert!(!lines.iter().any(|l| l.ends_with(&churn_row)), "{text}");
    assert!(
        text.contains("ok   func=^main\\.churn$:inuse_space:1B/h"),
        "{text}"
    );
    assert!(text.ends_with("gate: 1 of 2 limits exceeded\n"), "{text}");
    assert!(stderr(&o).is_empty(), "{}", stderr(&o));
}

/// Exit 2 and one line on stderr that contains `want`.
fn refused(args: &[&str], files: &[String], want: &str) {
    let o = run(args, files);
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{args:?}: {e}");
    assert_eq!(e.lines().count(), 1, "{e}");
    assert!(
        e.starts_with("heaplens: ") && e.contains(want),
        "{args:?}: {e}"
    );
    assert!(o.stdout.is_empty());
}

#[test]
fn bad_input_is_one_line_and_exit_2() {
    let mut with_cpu = snaps();
    with_cpu.insert(5, CPU.to_string());
    let not_same = format!("{CPU} is not a snapshot of the same kind as {DIR}/snap-01.pb.gz");
    refused(&["growth"], &with_cpu, &not_same);
    refused(
        &["gate", "--max-growth", "inuse_space:1MB/h"],
        &with_cpu,
        &not_same,
    );
    // Given first, it is still the CPU profile that is named.
    with_cpu.remove(5);
    with_cpu.insert(0, CPU.to_string());
    refused(&["growth"], &with_cpu, &not_same);

    let one = &snaps()[..1];
    refused(&["growth"], one, "two or more");
    refused(
        &["gate", "--max-growth", "inuse_space:1MB/h"],
        one,
        "two or more",
    );
    refused(
        &["growth", "--sample-index", "cpu"],
        &snaps(),
        "sample type \"cpu\"",
    );
    refused(&["growth", "--order", "random"], &snaps(), "--order");
    refused(&["growth", "--focus", "("], &snaps(), "focus");
    refused(
        &["growth"],
        &[format!("{DIR}/no-such.pb.gz"), snaps()[0].clone()],
        "no such file",
    );
    let gate = ["gate", "--max-growth", "inuse_space:+5%"];
    refused(&gate, &snaps(), "not a percentage");
    let both = [
        "gate",
        "--max",
        "inuse_space:+5%",
        "--max-growth",
        "inuse_space:1MB/h",
    ];
    refused(&both, &snaps(), "run them as two gates");
    let per_snapshot = ["gate", "--max-growth", "inuse_space:1MB/snapshot"];
    refused(&per_snapshot, &snaps(), "give the amount per hour");
    let given_per_hour = [
        "gate",
        "--order",
        "given",
        "--max-growth",
        "inuse_space:1MB/h",
    ];
    refused(&given_per_hour, &snaps(), "not ordered by time");
    // The base gate still takes one NEW file.
    let base = ["gate", "--base", &snaps()[0], "--max", "inuse_space:+5%"];
    refused(&base, &snaps()[1..3], "unexpected argument");
}

#[test]
fn filters_apply_to_every_snapshot() {
    let (leak, _) = leak_and_churn();
    let rows = parse_tsv(&growth_tsv(&["--ignore", "leakyCache"], &snaps()));
    assert!(!rows.iter().any(|r| r.name == leak), "{rows:?}");
}

#[test]
fn help_documents_growth() {
    let o = heaplens(&["--help"]);
    let help = stdout(&o);
    assert!(help.contains("heaplens growth"), "{help}");
    assert!(help.contains("heaplens gate --max-growth 'inuse_space:10MB/h' snap-*.pb.gz"));
    assert!(help.contains("[func=REGEX:]TYPE:AMOUNT[/h|/snapshot]"));
}
