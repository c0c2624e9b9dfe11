//! The Go runtime's `GODEBUG=gctrace=1` log: one line per garbage
//! collection, as every Go since 1.5 prints it (`runtime/mgc.go`):
//!
//! ```text
//! gc 12 @1.234s 2%: 0.045+1.2+0.030 ms clock, 0.091+0.30/0.60/1.5+0.060 ms cpu, 4->4->2 MB, 5 MB goal, 0 MB stacks, 0 MB globals, 8 P (forced)
//! ```
//!
//! The number, the time since the program started, the GC's share of the
//! CPU since then (an integer percent), the wall-clock phases (stop-the-world
//! sweep termination, concurrent mark, stop-the-world mark termination; Go
//! 1.5 and 1.6 printed five, with the stop-the-world write-barrier
//! installation third), the CPU split (sweep termination, mark assist /
//! background / idle, mark termination), the heap at the start, at the end
//! and live after the GC, the goal, the scanned stacks and globals (Go ≥
//! 1.18), the number of Ps and whether `runtime.GC` forced it. Heap figures
//! are printed in MiB (`>> 20`), so they are exact to 1 MiB.
//!
//! Lines may be embedded in other output: anything before `gc N @` is a
//! prefix (docker compose's `api-1  | `, a timestamp, a syslog header). The
//! prefix, with its timestamps left out, names the process, so interleaved
//! logs of several services separate by it. Within one prefix, a GC number
//! that goes back starts a new process when the earlier one has stopped
//! (a restart); numbers that go back and forth (two processes writing to one
//! stream without a prefix) cannot be separated, and reading fails with a
//! message that says so. Scavenger lines (`scvg`, `scav`) are counted, other
//! lines are counted and ignored; a GC line cut short (a truncated last
//! line) is counted as malformed.

use std::fmt;

/// One garbage collection.
#[derive(Debug, Clone, PartialEq)]
pub struct Gc {
    /// The GC's number (`gc N`), from 1.
    pub num: u64,
    /// When it started, in seconds since the program started.
    pub at_s: f64,
    /// The GC's share of the CPU since the program started, in percent.
    pub cpu_percent: f64,
    /// The wall-clock phases, in ms: `[STW sweep termination, concurrent
    /// mark, STW mark termination]` (Go 1.5/1.6's five phases are folded
    /// into these three: the write-barrier installation counts as STW).
    pub clock_ms: [f64; 3],
    /// The CPU split, in ms: `[STW sweep termination, mark assist, mark
    /// background, mark idle, STW mark termination]`.
    pub cpu_ms: [f64; 5],
    /// Heap size at the start of the GC, in bytes (MiB precision).
    pub heap_start: u64,
    /// Heap size at the end of the GC, in bytes.
    pub heap_end: u64,
    /// Live heap after the GC (marked), in bytes.
    pub heap_live: u64,
    /// The heap goal, in bytes.
    pub goal: u64,
    /// Scannable stacks, in bytes (Go ≥ 1.18; else `None`).
    pub stacks: Option<u64>,
    /// Scannable globals, in bytes (Go ≥ 1.18; else `None`).
    pub globals: Option<u64>,
    /// Number of Ps (GOMAXPROCS).
    pub procs: u32,
    /// Forced by `runtime.GC` (or `debug.FreeOSMemory`).
    pub forced: bool,
}

impl Gc {
    /// The stop-the-world pause of this GC in ms: the two STW phases.
    pub fn pause_ms(&self) -> f64 {
        self.clock_ms[0] + self.clock_ms[2]
    }
}

/// The GCs of one process.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Process {
    /// What names the process in the log: its prefix without timestamps
    /// (`api-1 |`), empty when lines have none; `#2`, `#3` … is appended
    /// for a restart under the same prefix.
    pub name: String,
    pub gcs: Vec<Gc>,
}

/// A whole gctrace log.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct GcLog {
    /// The processes in order of their first GC line.
    pub processes: Vec<Process>,
    /// Lines read.
    pub lines: usize,
    /// Scavenger lines (`scvg…`, `scav …`).
    pub scavenger_lines: usize,
    /// Lines that start like a GC line but cannot be read (a truncated
    /// last line, a line mangled by interleaved output).
    pub malformed_lines: usize,
    /// Other lines (the program's own output), ignored.
    pub other_lines: usize,
}

/// Why a log cannot be read.
#[derive(Debug, Clone, PartialEq)]
pub enum GcError {
    /// No line of the text is a gctrace line.
    NoGcLines { lines: usize },
    /// GC numbers under one prefix go back and forth: several processes
    /// wrote to one stream and nothing tells their lines apart.
    Interleaved { line: usize, prefix: String },
}

impl fmt::Display for GcError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GcError::NoGcLines { lines } => write!(
                f,
                "no GODEBUG=gctrace=1 line (gc N @…s …%: …) in its {}",
                crate::count(*lines as u64, "line", "lines")
            ),
            GcError::Interleaved { line, prefix } => {
                let whose = if prefix.is_empty() {
                    String::new()
                } else {
                    format!(" under the prefix {prefix:?}")
                };
                write!(
                    f,
                    "line {line}: the GC numbers{whose} go back and forth, so the log interleaves \
                     several processes with no prefix to tell them apart (log each process to \
                     its own file, or prefix its lines)"
                )
            }
        }
    }
}

impl std::error::Error for GcError {}

/// Whether `head` (the start of a file) holds a gctrace line: recognises
/// a dropped or picked log by its content.
pub fn looks_like_gctrace(head: &[u8]) -> bool {
    let text = String::from_utf8_lossy(head);
    text.lines()
        .take(2000)
        .any(|l| matches!(classify(l), Line::Gc(..)))
}

/// Reads a gctrace log.
pub fn parse(text: &str) -> Result<GcLog, GcError> {
    let mut log = GcLog::default();
    let mut runs = Runs::default();
    for (i, line) in text.lines().enumerate() {
        log.lines += 1;
        match classify(line) {
            Line::Gc(prefix, gc) => runs.push(&prefix, gc, i + 1)?,
            Line::Scavenger => log.scavenger_lines += 1,
            Line::Malformed => log.malformed_lines += 1,
            Line::Other => log.other_lines += 1,
        }
    }
    if runs.all.is_empty() {
        return Err(GcError::NoGcLines { lines: log.lines });
    }
    log.processes = runs.all.into_iter().map(|r| r.process).collect();
    Ok(log)
}

enum Line {
    Gc(String, Gc),
    Scavenger,
    Malformed,
    Other,
}

/// What kind of line `line` is; a GC line comes with its process key.
fn classify(line: &str) -> Line {
    let line = line.trim_end_matches(['\r', '\n']);
    if let Some(at) = find_gc(line) {
        return match parse_gc(&line[at..]) {
            Some(gc) => Line::Gc(process_key(&line[..at]), gc),
            None => Line::Malformed,
        };
    }
    let body = line.trim_start();
    let scav = line
        .find("scvg")
        .or_else(|| line.find("scav "))
        .is_some_and(|p| p == 0 || line[..p].ends_with([' ', '|', '\t']));
    if scav || body.starts_with("scvg") {
        Line::Scavenger
    } else {
        Line::Other
    }
}

/// Where `gc N @` starts in `line` (after a prefix, at a word start).
fn find_gc(line: &str) -> Option<usize> {
    if line.starts_with("gc ") && is_gc_at(&line[3..]) {
        return Some(0);
    }
    let mut from = 0;
    while let Some(p) = line[from..].find("gc ") {
        let at = from + p;
        let word_start = at == 0 || !line.as_bytes()[at - 1].is_ascii_alphanumeric();
        if word_start && is_gc_at(&line[at + 3..]) {
            return Some(at);
        }
        from = at + 3;
    }
    None
}

/// Whether `rest` (after `gc `) is `N @` or `#N @`.
fn is_gc_at(rest: &str) -> bool {
    let rest = rest.strip_prefix('#').unwrap_or(rest);
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    digits > 0 && rest[digits..].starts_with(" @")
}

/// The process key of a prefix: its words without timestamps and dates,
/// so `2024-05-01T10:00:00Z api-1 |` and `api-1 |` name one process.
fn process_key(prefix: &str) -> String {
    let words: Vec<&str> = prefix
        .split_whitespace()
        .filter(|w| !is_timestamp(w))
        .collect();
    words.join(" ")
}

/// A word made of digits and the punctuation of dates and times
/// (`10:00:00.123`, `2024/05/01`, `2024-05-01T10:00:00Z`, `[12.5]`).
fn is_timestamp(w: &str) -> bool {
    let w = w.trim_matches(['[', ']', '(', ')']);
    w.bytes().any(|b| b.is_ascii_digit())
        && w.bytes()
            .all(|b| b.is_ascii_digit() || b"-:/.,+TZ".contains(&b))
}

/// Parses `gc N @Ts P%: clock ms clock, cpu ms cpu, heap MB, …` (the text
/// from `gc` on), in one pass over its bytes (a load test's log has
/// 100 000 lines and more).
fn parse_gc(s: &str) -> Option<Gc> {
    let mut c = Cursor {
        b: s.as_bytes(),
        i: 0,
    };
    c.lit(b"gc ")?;
    c.opt(b"#");
    let num = c.uint()?;
    c.lit(b" @")?;
    let at_s = c.dec()?;
    c.lit(b"s ")?;
    let cpu_percent = c.dec()?;
    c.lit(b"%: ")?;
    let mut clock = [0.0; 5];
    let phases = c.list(&mut clock, &mut [0u8; 5])?;
    c.lit(b" ms clock, ")?;
    let clock_ms = match phases {
        3 => [clock[0], clock[1], clock[2]],
        5 => [clock[0] + clock[2], clock[1] + clock[3], clock[4]],
        _ => return None,
    };
    let (mut cpu, mut seps) = ([0.0; 7], [0u8; 7]);
    let n = c.list(&mut cpu, &mut seps)?;
    c.lit(b" ms cpu, ")?;
    let cpu_ms = cpu_split(&cpu[..n], &seps[..n])?;
    let heap_start = mib(c.uint()?);
    c.lit(b"->")?;
    let heap_end = mib(c.uint()?);
    c.lit(b"->")?;
    let heap_live = mib(c.uint()?);
    c.lit(b" MB")?;
    let mut gc = Gc {
        num,
        at_s,
        cpu_percent,
        clock_ms,
        cpu_ms,
        heap_start,
        heap_end,
        heap_live,
        goal: 0,
        stacks: None,
        globals: None,
        procs: 0,
        forced: false,
    };
    // `, N MB goal`, `, N MB stacks`, `, N MB globals`, then `, N P`: the
    // P count ends every complete line, so without it the line was cut.
    loop {
        c.lit(b", ")?;
        let v = c.uint()?;
        if c.opt(b" MB goal") {
            gc.goal = mib(v);
        } else if c.opt(b" MB stacks") {
            gc.stacks = Some(mib(v));
        } else if c.opt(b" MB globals") {
            gc.globals = Some(mib(v));
        } else if c.opt(b" P") {
            gc.procs = u32::try_from(v).ok()?;
            break;
        } else {
            return None;
        }
    }
    gc.forced = c.opt(b" (forced)");
    c.rest_is_blank().then_some(gc)
}

/// The CPU split from its numbers and what followed each (`+`, `/`, or 0
/// for the last): `a+b/c/d+e`, or Go 1.5/1.6's `a+b+c+d/e/f+g` (the scan
/// and write-barrier phases join the first).
fn cpu_split(v: &[f64], seps: &[u8]) -> Option<[f64; 5]> {
    // The assist time is the first number a `/` follows.
    let k = seps.iter().position(|&s| s == b'/')?;
    if v.len() != k + 4 || seps[k..] != [b'/', b'/', b'+', 0] {
        return None;
    }
    if !matches!(k, 1 | 3) || seps[..k].iter().any(|&s| s != b'+') {
        return None;
    }
    Some([v[..k].iter().sum(), v[k], v[k + 1], v[k + 2], v[k + 3]])
}

/// A cursor over a line's bytes.
struct Cursor<'a> {
    b: &'a [u8],
    i: usize,
}

impl Cursor<'_> {
    /// Steps over `lit`, or fails.
    fn lit(&mut self, lit: &[u8]) -> Option<()> {
        self.opt(lit).then_some(())
    }

    /// Steps over `lit` when it comes next.
    fn opt(&mut self, lit: &[u8]) -> bool {
        let hit = self.b[self.i..].starts_with(lit);
        if hit {
            self.i += lit.len();
        }
        hit
    }

    fn digits(&mut self) -> (u64, usize) {
        let (mut v, mut n) = (0u64, 0);
        while let Some(d) = self.b.get(self.i).filter(|b| b.is_ascii_digit()) {
            v = v.saturating_mul(10).saturating_add(u64::from(d - b'0'));
            self.i += 1;
            n += 1;
        }
        (v, n)
    }

    fn uint(&mut self) -> Option<u64> {
        let (v, n) = self.digits();
        (n > 0).then_some(v)
    }

    /// `12`, `0.045`, `1.5`: the runtime's decimals (no sign, no exponent).
    fn dec(&mut self) -> Option<f64> {
        let (int, n) = self.digits();
        if n == 0 {
            return None;
        }
        if !self.opt(b".") {
            return Some(int as f64);
        }
        let (frac, k) = self.digits();
        if k == 0 || k > 18 {
            return None;
        }
        Some(int as f64 + frac as f64 / 10f64.powi(k as i32))
    }

    /// Decimals joined by `+` or `/` into `out`, what followed each into
    /// `seps` (0 after the last); how many.
    fn list<const N: usize>(&mut self, out: &mut [f64; N], seps: &mut [u8; N]) -> Option<usize> {
        let mut n = 0;
        loop {
            *out.get_mut(n)? = self.dec()?;
            let sep = match self.b.get(self.i) {
                Some(&s @ (b'+' | b'/')) => s,
                _ => 0,
            };
            seps[n] = sep;
            n += 1;
            if sep == 0 {
                return Some(n);
            }
            self.i += 1;
        }
    }

    fn rest_is_blank(&self) -> bool {
        self.b[self.i..].iter().all(u8::is_ascii_whitespace)
    }
}

fn mib(v: u64) -> u64 {
    v.saturating_mul(1 << 20)
}

/// The processes being read, by key.
#[derive(Default)]
struct Runs {
    all: Vec<Run>,
}

struct Run {
    key: String,
    process: Process,
    /// Superseded by a restart under the same key: takes no more lines.
    closed: bool,
}

impl Runs {
    fn push(&mut self, key: &str, gc: Gc, line: usize) -> Result<(), GcError> {
        let open = self.all.iter().rposition(|r| !r.closed && r.key == key);
        let Some(i) = open else {
            self.start(key, gc);
            return Ok(());
        };
        let last = self.all[i].process.gcs.last().map_or(0, |g| g.num);
        if gc.num > last {
            self.all[i].process.gcs.push(gc);
            return Ok(());
        }
        // The number went back: a restart, unless a later line returns
        // to the earlier process (checked when the next lines come).
        let restarted = self.all.iter().filter(|r| r.key == key).count();
        if restarted > 1 && self.resumes_closed(key, &gc) {
            return Err(GcError::Interleaved {
                line,
                prefix: key.to_string(),
            });
        }
        self.all[i].closed = true;
        self.start(key, gc);
        let n = self.all.iter().filter(|r| r.key == key).count();
        if let Some(r) = self.all.last_mut() {
            r.process.name = numbered(key, n);
        }
        Ok(())
    }

    /// Whether `gc` continues a closed run of `key` (the one before the
    /// current): numbers returning to an earlier process mean interleaving.
    fn resumes_closed(&self, key: &str, gc: &Gc) -> bool {
        self.all.iter().any(|r| {
            r.closed
                && r.key == key
                && r.process
                    .gcs
                    .last()
                    .is_some_and(|g| g.num < gc.num && g.at_s <= gc.at_s)
        })
    }

    fn start(&mut self, key: &str, gc: Gc) {
        self.all.push(Run {
            key: key.to_string(),
            process: Process {
                name: key.to_string(),
                gcs: vec![gc],
            },
            closed: false,
        });
    }
}

fn numbered(key: &str, n: usize) -> String {
    if key.is_empty() {
        format!("#{n}")
    } else {
        format!("{key} #{n}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GO119: &str = "gc 3 @0.031s 4%: 0.017+1.5+0.024 ms clock, 0.034+0.20/1.2/0.89+0.049 ms cpu, 4->5->1 MB, 5 MB goal, 0 MB stacks, 0 MB globals, 2 P";

    #[test]
    fn reads_every_field_of_a_go_1_19_line() {
        let log = parse(GO119).expect("parse");
        let gc = &log.processes[0].gcs[0];
        assert_eq!(gc.num, 3);
        assert_eq!(gc.at_s, 0.031);
        assert_eq!(gc.cpu_percent, 4.0);
        assert_eq!(gc.clock_ms, [0.017, 1.5, 0.024]);
        assert_eq!(gc.cpu_ms, [0.034, 0.20, 1.2, 0.89, 0.049]);
        assert_eq!(
            (gc.heap_start, gc.heap_end, gc.heap_live, gc.goal),
            (4 << 20, 5 << 20, 1 << 20, 5 << 20)
        );
        assert_eq!(
            (gc.stacks, gc.globals, gc.procs, gc.forced),
            (Some(0), Some(0), 2, false)
        );
        assert!((gc.pause_ms() - 0.041).abs() < 1e-12);
    }

    #[test]
    fn old_formats_forced_and_prefixes() {
        let text = "\
gc #1 @0.002s 0%: 0.018+0.090+0.010+0.23+0.077 ms clock, 0.037+0.090+0+0/0.093/0+0.15 ms cpu, 4->4->0 MB, 4 MB goal, 8 P
gc 2 @0.012s 3%: 0.016+1.4+0.027 ms clock, 0.032+0.32/1.1/0.50+0.055 ms cpu, 4->4->0 MB, 5 MB goal, 4 P (forced)
";
        let log = parse(text).expect("parse");
        let gcs = &log.processes[0].gcs;
        assert_eq!(gcs.len(), 2);
        let near = |a: f64, b: f64| (a - b).abs() < 1e-9;
        let [sweep, mark, term] = gcs[0].clock_ms;
        assert!(
            near(sweep, 0.028) && near(mark, 0.32) && near(term, 0.077),
            "{:?}",
            gcs[0].clock_ms
        );
        assert!(near(gcs[0].cpu_ms[0], 0.127) && near(gcs[0].cpu_ms[4], 0.15));
        assert_eq!(
            (gcs[0].stacks, gcs[1].forced, gcs[0].forced),
            (None, true, false)
        );
    }

    #[test]
    fn separates_prefixed_processes_and_ignores_timestamps() {
        let text = format!(
            "api-1  | {GO119}\nworker-1  | gc 1 @0.010s 1%: 1+2+3 ms clock, 1+1/1/1+1 ms cpu, 4->4->1 MB, 5 MB goal, 2 P\n\
             2024-05-01T10:00:00.5Z api-1  | {}\napi-1  | scvg: 0 MB released\nhello\n",
            GO119.replace("gc 3 ", "gc 4 ")
        );
        let log = parse(&text).expect("parse");
        let names: Vec<&str> = log.processes.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["api-1 |", "worker-1 |"]);
        assert_eq!(log.processes[0].gcs.len(), 2);
        assert_eq!((log.scavenger_lines, log.other_lines), (1, 1));
    }

    #[test]
    fn a_restart_is_a_new_process_interleaving_is_refused() {
        let line = |n: u64, at: f64| {
            format!(
                "gc {n} @{at}s 1%: 1+2+3 ms clock, 1+1/1/1+1 ms cpu, 4->4->1 MB, 5 MB goal, 2 P\n"
            )
        };
        let restart = [line(1, 0.1), line(2, 0.2), line(1, 0.05), line(2, 0.1)].concat();
        let log = parse(&restart).expect("restart");
        let names: Vec<&str> = log.processes.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["", "#2"]);
        let mixed = [
            line(1, 0.1),
            line(1, 0.1),
            line(2, 0.2),
            line(2, 0.2),
            line(3, 0.3),
        ]
        .concat();
        let err = parse(&mixed).expect_err("interleaved");
        assert!(
            matches!(err, GcError::Interleaved { line: 4, .. }),
            "{err:?}"
        );
    }

    #[test]
    fn truncated_lines_are_malformed_and_no_gc_is_an_error() {
        let cut = &GO119[..GO119.len() - 10];
        let log = parse(&format!("{GO119}\n{cut}")).expect("parse");
        assert_eq!((log.processes[0].gcs.len(), log.malformed_lines), (1, 1));
        let err = parse("just\nsome output\n").expect_err("no gc");
        assert_eq!(err, GcError::NoGcLines { lines: 2 });
        assert!(err.to_string().contains("2 lines"));
        assert!(!looks_like_gctrace(b"goos: linux\nBenchmarkX 1 2 ns/op\n"));
        assert!(looks_like_gctrace(format!("x\n{GO119}\n").as_bytes()));
    }
}
