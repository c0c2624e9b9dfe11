//! Legacy text profiles → [`TextProfile`], read the way `go tool pprof` reads
//! them (same sample types, values, address adjustments, mappings and
//! `drop_frames`), plus the `#` symbol lines of Go's `debug=1` output, which
//! name the frames (pprof ignores them and shows only addresses).
//!
//! Formats:
//! - heap: `heap profile: A: B [C: D] @ heap/RATE` (Go; the rate printed is
//!   twice the sampling rate), `@ heap_v2/RATE`, `@ heapz_v2/RATE`,
//!   `@ heapprofile` (not sampled), `@ growthz`, `@ fragmentationz`;
//!   records `inuse_count: inuse_bytes [alloc_count: alloc_bytes] @ 0x…`,
//!   optionally followed by `#\t0xPC\tfunc+0xOFF\tfile:line` lines and, at the
//!   end, Go's `# runtime.MemStats` block.
//! - Go count profiles: `threadcreate profile: total N` /
//!   `goroutine profile: total N`, records `N @ 0x…`.
//! - `--- threadz 1 ---` thread stacks.
//! - `--- contentionz 1 ---` (and `--- mutex:` / `--- contention:`).
//! - Java `--- heapz 1 ---` and `--- contentionz 1 ---` with `format = java`,
//!   symbolized by the `0xADDR name (File.java:line)` table that follows.
//!
//! Any of them may end with a memory map (`--- Memory map: ---` or
//! `MAPPED_LIBRARIES:`), which gives the locations their binaries.

use std::collections::{HashMap, HashSet};

use regex_lite::Regex;
use std::sync::OnceLock;

/// A regular expression compiled once per process (a page reads many
/// files; the fuzzer millions).
fn cached(slot: &'static OnceLock<Option<Regex>>, pattern: &str) -> Option<&'static Regex> {
    slot.get_or_init(|| Regex::new(pattern).ok()).as_ref()
}

use crate::{
    Error, Result, Strings, TextFrame, TextFunction, TextLocation, TextMapping, TextProfile,
    TextSample,
};

/// Reads `data` if it is a legacy text profile: `None` when it is not one
/// (the caller tries other formats), else the profile or the error.
pub fn parse(data: &[u8]) -> Option<Result<TextProfile>> {
    #[derive(Clone, Copy)]
    enum Kind {
        Heap,
        Count,
        Thread,
        Contention,
    }
    let head = String::from_utf8_lossy(&data[..data.len().min(4096)]);
    let first = head
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))?;
    let kind = if first.starts_with("heap profile:") {
        Kind::Heap
    } else if count_header(first).is_some() {
        Kind::Count
    } else if first.starts_with("--- threadz ") || first.starts_with("--- Thread ") {
        Kind::Thread
    } else if first.starts_with("--- contentionz ")
        || first.starts_with("--- mutex:")
        || first.starts_with("--- contention:")
        || first.starts_with("--- heapz ")
    {
        Kind::Contention
    } else {
        return None;
    };
    let text = String::from_utf8_lossy(data);
    let lines: Vec<&str> = text
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect();
    let raw = match kind {
        Kind::Heap => heap(&lines),
        Kind::Count => go_count(&lines),
        Kind::Thread => thread(&lines),
        Kind::Contention => match contention(&lines) {
            Ok(Some(raw)) => Ok(raw),
            Ok(None) => java(&lines),
            Err(e) => Err(e),
        },
    };
    Some(raw.and_then(build))
}

// ---------------------------------------------------------------------------
// What the parsers collect

/// A frame named by a symbol line.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Sym {
    name: String,
    file: String,
    line: i64,
    /// The entry address of the function the code was compiled into (for
    /// an inlined frame, its caller's), from `func+0xOFF` in symbol lines.
    entry: Option<u64>,
}

#[derive(Debug, Default)]
struct RawSample {
    /// Addresses, leaf first, already adjusted as pprof adjusts them.
    addrs: Vec<u64>,
    values: Vec<i64>,
    /// The average object size (the `bytes` label of heap samples).
    block: Option<i64>,
}

#[derive(Debug, Clone, Default)]
struct RawMapping {
    start: u64,
    limit: u64,
    offset: u64,
    file: String,
    build_id: String,
}

#[derive(Debug, Default)]
struct Raw {
    /// Names the format in error messages.
    format: &'static str,
    sample_types: Vec<(&'static str, String)>,
    period_type: Option<(&'static str, &'static str)>,
    period: i64,
    duration_nanos: i64,
    samples: Vec<RawSample>,
    mappings: Vec<RawMapping>,
    /// Frames of an address, innermost first.
    symbols: HashMap<u64, Vec<Sym>>,
    /// Frames of a run of addresses that are one physical frame with
    /// inlined calls, by the run's first (innermost) address.
    inlined: HashMap<u64, Vec<Sym>>,
    /// Java profiles: a symbolized location loses its (made-up) address.
    zero_symbolized_addresses: bool,
    memstats: Vec<(String, String)>,
    warnings: Vec<String>,
}

impl Raw {
    fn new(format: &'static str) -> Raw {
        Raw {
            format,
            ..Raw::default()
        }
    }

    fn err(&self, line_index: usize, detail: impl Into<String>) -> Error {
        Error::Malformed {
            format: self.format,
            line: line_index + 1,
            detail: detail.into(),
        }
    }
}

fn is_space_or_comment(line: &str) -> bool {
    let t = line.trim();
    t.is_empty() || t.starts_with('#')
}

fn is_memory_map_sentinel(line: &str) -> bool {
    line.contains("--- Memory map: ---") || line.contains("MAPPED_LIBRARIES:")
}

/// Every `0x…` number (lower-case hex digits) in `s`, in order.
fn hex_addresses(s: &str) -> std::result::Result<Vec<u64>, String> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i + 2 < b.len() + 1 {
        let is_digit = |c: u8| c.is_ascii_digit() || (b'a'..=b'f').contains(&c);
        if b[i] == b'0' && b.get(i + 1) == Some(&b'x') && b.get(i + 2).is_some_and(|&c| is_digit(c))
        {
            let start = i + 2;
            let mut end = start;
            while end < b.len() && is_digit(b[end]) {
                end += 1;
            }
            let digits = &s[start..end];
            let v = u64::from_str_radix(digits, 16)
                .map_err(|_| format!("address 0x{digits} does not fit in 64 bits"))?;
            out.push(v);
            i = end;
        } else {
            i += 1;
        }
    }
    Ok(out)
}

/// An integer the way Go's `strconv.ParseInt(s, 0, 64)` reads it: an
/// optional sign, then `0x`/`0o`/`0b` or a leading `0` (octal) for the base.
fn parse_int_any_base(s: &str) -> Option<i64> {
    let (neg, digits) = match s.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    let lower = digits.to_ascii_lowercase();
    let (radix, body) = if let Some(h) = lower.strip_prefix("0x") {
        (16, h)
    } else if let Some(o) = lower.strip_prefix("0o") {
        (8, o)
    } else if let Some(b) = lower.strip_prefix("0b") {
        (2, b)
    } else if lower.len() > 1 && lower.starts_with('0') {
        (8, &lower[1..])
    } else {
        (10, lower.as_str())
    };
    let body = body.replace('_', "");
    if body.is_empty() || body.starts_with(['+', '-']) {
        return None;
    }
    let v = u64::from_str_radix(&body, radix).ok()?;
    if neg {
        if v <= i64::MAX as u64 + 1 {
            Some((v as i64).wrapping_neg())
        } else {
            None
        }
    } else {
        i64::try_from(v).ok()
    }
}

/// Reads a run of ASCII digits (with an optional leading '-' when
/// `signed`) at the start of `s`: the text and the rest.
fn take_int(s: &str, signed: bool) -> Option<(&str, &str)> {
    let neg = usize::from(signed && s.starts_with('-'));
    let n = s[neg..].bytes().take_while(u8::is_ascii_digit).count();
    if n == 0 {
        return None;
    }
    Some((&s[..neg + n], &s[neg + n..]))
}

/// The prefix of `s` made of the characters an address list may hold
/// (`[ x0-9a-f]`).
fn address_chars(s: &str) -> &str {
    let n = s
        .bytes()
        .take_while(|&c| c == b' ' || c == b'x' || c.is_ascii_digit() || (b'a'..=b'f').contains(&c))
        .count();
    &s[..n]
}

// ---------------------------------------------------------------------------
// `#` symbol lines (Go's debug=1 output)

/// One `#\t0xPC\tfunc+0xOFF\tfile:line` line: the pc and, when the line names
/// a function, its frame.
fn symbol_line(line: &str) -> Option<(u64, Option<Sym>)> {
    let rest = line.trim().strip_prefix('#')?;
    let mut fields = rest.split('\t').map(str::trim).filter(|f| !f.is_empty());
    let pc = fields.next()?.strip_prefix("0x")?;
    let pc = u64::from_str_radix(pc, 16).ok()?;
    let Some(func) = fields.next() else {
        return Some((pc, None));
    };
    let (name, entry) = match func.rfind("+0x") {
        Some(i) if i > 0 => (
            &func[..i],
            u64::from_str_radix(&func[i + 3..], 16)
                .ok()
                .map(|off| pc.wrapping_sub(off)),
        ),
        _ => (func, None),
    };
    let (file, line) = match fields.next() {
        Some(fl) => match fl.rsplit_once(':') {
            Some((f, l)) => match l.parse::<i64>() {
                Ok(n) => (f.to_string(), n),
                Err(_) => (fl.to_string(), 0),
            },
            None => (fl.to_string(), 0),
        },
        None => (String::new(), 0),
    };
    Some((
        pc,
        Some(Sym {
            name: name.to_string(),
            file,
            line,
            entry,
        }),
    ))
}

/// The symbol lines of the record being read.
#[derive(Default)]
struct RecordSymbols {
    lines: Vec<(u64, Option<Sym>)>,
}

impl RecordSymbols {
    /// Assigns the collected lines to the last sample's addresses (each
    /// address takes the lines with its pc that follow, in order) and
    /// records the frames. Go prints no line for the runtime frames at the
    /// top of an allocation stack nor for `runtime.goexit` at the bottom;
    /// with `hide_unnamed`, addresses without a line are dropped from the
    /// stack (as Go's own protobuf heap profile hides those frames), else
    /// only the trailing ones are.
    fn close(&mut self, raw: &mut Raw, hide_unnamed: bool) {
        if self.lines.is_empty() {
            return;
        }
        let Some(sample) = raw.samples.last_mut() else {
            self.lines.clear();
            return;
        };
        let mut j = 0;
        let mut named = vec![false; sample.addrs.len()];
        for (k, &addr) in sample.addrs.iter().enumerate() {
            let known = raw.symbols.get(&addr).map(Vec::len);
            let mut frames = Vec::new();
            let mut taken = 0;
            while let Some((pc, sym)) = self.lines.get(j) {
                if *pc != addr || known.is_some_and(|n| n > 0 && taken >= n) {
                    break;
                }
                if let Some(s) = sym {
                    frames.push(s.clone());
                }
                taken += 1;
                j += 1;
            }
            if taken > 0 {
                named[k] = true;
                if known.is_none() && !frames.is_empty() {
                    raw.symbols.insert(addr, frames);
                }
            }
        }
        if named.iter().any(|&n| n) {
            if hide_unnamed {
                let mut k = 0;
                sample.addrs.retain(|_| {
                    k += 1;
                    named[k - 1]
                });
            } else {
                while named.last() == Some(&false) {
                    named.pop();
                    sample.addrs.pop();
                }
            }
            group_inlined(sample, &raw.symbols, &mut raw.inlined);
        }
        self.lines.clear();
    }
}

/// Go gives each inlined call its own address in a stack, while its
/// protobuf writer shows a physical frame and the calls inlined into it as
/// one location. Consecutive addresses are one physical frame when the
/// outer frame of the first and the inner frame of the next were compiled
/// into the same function (same entry address) under different names (the
/// same name is a recursive call). Each such run becomes one address, its
/// first, whose frames are the run's frames in order.
fn group_inlined(
    sample: &mut RawSample,
    symbols: &HashMap<u64, Vec<Sym>>,
    inlined: &mut HashMap<u64, Vec<Sym>>,
) {
    let mut out: Vec<u64> = Vec::with_capacity(sample.addrs.len());
    let mut run: Vec<u64> = Vec::new();
    let flush = |run: &mut Vec<u64>, out: &mut Vec<u64>, inlined: &mut HashMap<u64, Vec<Sym>>| {
        if let Some(&first) = run.first() {
            if run.len() > 1 && !inlined.contains_key(&first) {
                let frames = run
                    .iter()
                    .flat_map(|a| symbols.get(a).into_iter().flatten().cloned())
                    .collect();
                inlined.insert(first, frames);
            }
            out.push(first);
        }
        run.clear();
    };
    for &a in &sample.addrs {
        let joins = run.last().is_some_and(|prev| {
            let outer = symbols.get(prev).and_then(|f| f.last());
            let inner = symbols.get(&a).and_then(|f| f.first());
            match (outer, inner) {
                (Some(o), Some(i)) => o.entry.is_some() && o.entry == i.entry && o.name != i.name,
                _ => false,
            }
        });
        if !joins {
            flush(&mut run, &mut out, inlined);
        }
        run.push(a);
    }
    flush(&mut run, &mut out, inlined);
    sample.addrs = out;
}

// ---------------------------------------------------------------------------
// Heap profiles

/// How heap values were sampled.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Sampling {
    None,
    /// Poisson sampling at an average rate: values are unsampled.
    Poisson,
}

/// The estimated unsampled (count, bytes) of a sampled heap record: each
/// object of average size `avg` was recorded with probability
/// `1 - exp(-avg/rate)`, so both values are divided by that (as
/// `go tool pprof` and Go's own protobuf writer do). A rate of 0 or 1 means
/// unsampled (every allocation recorded).
pub fn unsample_heap(count: i64, bytes: i64, rate: i64) -> (i64, i64) {
    if count == 0 || bytes == 0 {
        return (0, 0);
    }
    if rate <= 1 {
        return (count, bytes);
    }
    let avg = bytes as f64 / count as f64;
    let scale = 1.0 / (1.0 - (-avg / rate as f64).exp());
    ((count as f64 * scale) as i64, (bytes as f64 * scale) as i64)
}

struct HeapHeader {
    sampling: Sampling,
    period: i64,
    has_alloc: bool,
}

fn heap_header(line: &str) -> std::result::Result<HeapHeader, String> {
    static RE: OnceLock<Option<Regex>> = OnceLock::new();
    let re = cached(
        &RE,
        r"heap profile: *(\d+): *(\d+) *\[ *(\d+): *(\d+) *\] *@ *([a-z][_a-z0-9]*)/?(\d*)",
    )
    .ok_or("the header pattern does not compile")?;
    let Some(c) = re.captures(line) else {
        return Err("the header is not `heap profile: N: B [N: B] @ KIND`".into());
    };
    let g = |i: usize| c.get(i).map_or("", |m| m.as_str());
    let kind = g(5);
    match kind {
        "growthz" | "growth" | "fragmentationz" | "fragmentation" => {
            return Ok(HeapHeader {
                sampling: Sampling::None,
                period: 1,
                has_alloc: false,
            })
        }
        _ => {}
    }
    let rate = if g(6).is_empty() {
        0
    } else {
        g(6).parse::<i64>()
            .map_err(|_| format!("the sampling rate {} is too large", g(6)))?
    };
    let has_alloc = (g(3) != g(1) && g(3) != "0") || (g(4) != g(2) && g(4) != "0");
    let (sampling, period) = match kind {
        "heapz_v2" | "heap_v2" => (Sampling::Poisson, rate),
        "heapprofile" => (Sampling::None, 1),
        // Go prints twice its sampling rate.
        "heap" => (Sampling::Poisson, rate / 2),
        other => return Err(format!("unknown heap profile kind `{other}`")),
    };
    Ok(HeapHeader {
        sampling,
        period,
        has_alloc,
    })
}

/// One record line: (inuse count, inuse bytes, alloc count, alloc bytes,
/// addresses text).
fn heap_record(line: &str) -> Option<(&str, &str, &str, &str, &str)> {
    let (n1, r) = take_int(line, true)?;
    let r = r.strip_prefix(':')?.trim_start_matches(' ');
    let (b1, r) = take_int(r, true)?;
    let r = r.trim_start_matches(' ').strip_prefix('[')?;
    let r = r.trim_start_matches(' ');
    let (n2, r) = take_int(r, false)?;
    let r = r.strip_prefix(':')?.trim_start_matches(' ');
    let (b2, r) = take_int(r, false)?;
    let r = r.trim_start_matches(' ').strip_prefix("] @")?;
    Some((n1, b1, n2, b2, address_chars(r)))
}

fn heap(lines: &[&str]) -> Result<Raw> {
    let mut raw = Raw::new("legacy text heap profile");
    let first = lines
        .iter()
        .position(|l| !is_space_or_comment(l))
        .unwrap_or(0);
    let header = lines.get(first).copied().unwrap_or("");
    let h = heap_header(header).map_err(|d| raw.err(first, d))?;
    raw.period_type = Some(("space", "bytes"));
    raw.period = h.period;
    raw.sample_types = if h.has_alloc {
        vec![
            ("alloc_objects", "count".into()),
            ("alloc_space", "bytes".into()),
            ("inuse_objects", "count".into()),
            ("inuse_space", "bytes".into()),
        ]
    } else {
        vec![("objects", "count".into()), ("space", "bytes".into())]
    };
    let mut syms = RecordSymbols::default();
    let mut in_memstats = false;
    let mut i = first + 1;
    while i < lines.len() {
        let line = lines[i].trim();
        if is_memory_map_sentinel(line) {
            break;
        }
        if line.is_empty() {
            i += 1;
            continue;
        }
        if let Some(c) = line.strip_prefix('#') {
            if line.starts_with("#\t") || line.starts_with("# 0x") {
                if let Some(s) = symbol_line(line) {
                    syms.lines.push(s);
                }
            } else if c.trim() == "runtime.MemStats" {
                in_memstats = true;
            } else if in_memstats {
                if let Some((k, v)) = c.split_once('=') {
                    raw.memstats
                        .push((k.trim().to_string(), v.trim().to_string()));
                }
            }
            i += 1;
            continue;
        }
        syms.close(&mut raw, true);
        in_memstats = false;
        let Some((n1, b1, n2, b2, addrs)) = heap_record(line) else {
            return Err(raw.err(i, "expected a record `N: B [N: B] @ 0x… 0x…`"));
        };
        let mut values = Vec::with_capacity(4);
        let mut block = None;
        let mut pair = |count: &str, bytes: &str, what: &str| -> std::result::Result<(), String> {
            let count: i64 = count
                .parse()
                .map_err(|_| format!("the {what} count {count} is too large"))?;
            let bytes: i64 = bytes
                .parse()
                .map_err(|_| format!("the {what} bytes {bytes} are too large"))?;
            if count == 0 && bytes != 0 {
                return Err(format!("the {what} count is 0 but its bytes are {bytes}"));
            }
            let (mut c, mut b) = (count, bytes);
            if count != 0 {
                block = Some(bytes / count);
                if h.sampling == Sampling::Poisson {
                    (c, b) = unsample_heap(count, bytes, h.period);
                }
            }
            values.push(c);
            values.push(b);
            Ok(())
        };
        if h.has_alloc {
            pair(n2, b2, "allocation").map_err(|d| raw.err(i, d))?;
        }
        pair(n1, b1, "in-use").map_err(|d| raw.err(i, d))?;
        let addrs = hex_addresses(addrs).map_err(|d| raw.err(i, d))?;
        raw.samples.push(RawSample {
            // Return addresses: one less lands on the call instruction.
            addrs: addrs.into_iter().map(|a| a.wrapping_sub(1)).collect(),
            values,
            block,
        });
        i += 1;
    }
    syms.close(&mut raw, true);
    memory_map(&mut raw, lines, i);
    Ok(raw)
}

// ---------------------------------------------------------------------------
// Go count profiles (threadcreate, goroutine)

/// `NAME profile: total N` → NAME.
fn count_header(line: &str) -> Option<&str> {
    let (name, rest) = line.split_once(" profile: total ")?;
    if name.is_empty() || name.contains(char::is_whitespace) {
        return None;
    }
    (!rest.is_empty() && rest.bytes().all(|c| c.is_ascii_digit())).then_some(name)
}

fn go_count(lines: &[&str]) -> Result<Raw> {
    let mut raw = Raw::new("legacy text count profile");
    let mut i = 0;
    while i < lines.len() && is_space_or_comment(lines[i]) {
        i += 1;
    }
    let Some(name) = lines.get(i).and_then(|l| count_header(l.trim())) else {
        return Err(raw.err(i, "expected `NAME profile: total N`"));
    };
    // The type names are the profile's own word; keep it within the
    // static names this module uses.
    let ty: &'static str = match name {
        "goroutine" => "goroutine",
        "threadcreate" => "threadcreate",
        _ => "count",
    };
    raw.sample_types = vec![(ty, "count".into())];
    raw.period_type = Some((ty, "count"));
    raw.period = 1;
    let mut syms = RecordSymbols::default();
    i += 1;
    while i < lines.len() {
        let line = lines[i];
        if line.trim().starts_with('#') {
            if let Some(s) = symbol_line(line) {
                syms.lines.push(s);
            }
            i += 1;
            continue;
        }
        if line.trim().is_empty() {
            i += 1;
            continue;
        }
        if line.starts_with("---") {
            break;
        }
        syms.close(&mut raw, false);
        let parsed = line.split_once(" @").and_then(|(n, a)| {
            let ok = n.bytes().all(|c| c.is_ascii_digit())
                && !n.is_empty()
                && a.starts_with(" 0x")
                && address_chars(a).len() == a.len();
            ok.then_some((n, a))
        });
        let Some((n, a)) = parsed else {
            return Err(raw.err(i, "expected a record `N @ 0x… 0x…`"));
        };
        let n = parse_int_any_base(n).ok_or_else(|| raw.err(i, "the count is too large"))?;
        let addrs = hex_addresses(a).map_err(|d| raw.err(i, d))?;
        raw.samples.push(RawSample {
            addrs: addrs.into_iter().map(|a| a.wrapping_sub(1)).collect(),
            values: vec![n],
            block: None,
        });
        i += 1;
    }
    syms.close(&mut raw, false);
    memory_map(&mut raw, lines, i);
    Ok(raw)
}

// ---------------------------------------------------------------------------
// threadz

fn thread(lines: &[&str]) -> Result<Raw> {
    let mut raw = Raw::new("legacy text thread profile");
    static THREAD: OnceLock<Option<Regex>> = OnceLock::new();
    let thread_start = cached(
        &THREAD,
        r"--- Thread ([[:xdigit:]]+) \(name: (.*)/(\d+)\) stack: ---",
    )
    .ok_or_else(|| raw.err(0, "the thread pattern does not compile"))?;
    raw.sample_types = vec![("thread", "count".into())];
    raw.period_type = Some(("thread", "count"));
    raw.period = 1;
    let mut i = 0;
    while i < lines.len() && is_space_or_comment(lines[i]) {
        i += 1;
    }
    if lines.get(i).is_some_and(|l| l.contains("--- threadz ")) {
        i += 1;
        while i < lines.len() && !is_memory_map_sentinel(lines[i]) && !lines[i].starts_with('-') {
            i += 1;
        }
    }
    while i < lines.len() && !is_memory_map_sentinel(lines[i]) {
        let line = lines[i];
        if line.starts_with("---- no stack trace for") {
            break;
        }
        if line.trim().is_empty() {
            i += 1;
            continue;
        }
        if !thread_start.is_match(line) {
            return Err(raw.err(i, "expected `--- Thread ID (name: NAME/TID) stack: ---`"));
        }
        i += 1;
        let mut addrs = Vec::new();
        let mut same_as_previous = false;
        while i < lines.len() {
            let l = lines[i].trim();
            if l.starts_with("---") {
                break;
            }
            if l.contains("same as previous thread") {
                same_as_previous = true;
            } else if !l.is_empty() {
                addrs.extend(hex_addresses(l).map_err(|d| raw.err(i, d))?);
            }
            i += 1;
        }
        if same_as_previous || addrs.is_empty() {
            if let Some(last) = raw.samples.last_mut() {
                if let Some(v) = last.values.first_mut() {
                    *v = v.saturating_add(1);
                }
            }
            continue;
        }
        // Callers' return addresses land on the call one byte earlier;
        // the leaf is where the thread is.
        let mut adjusted: Vec<u64> = addrs
            .iter()
            .enumerate()
            .map(|(k, &a)| if k > 0 { a.wrapping_sub(1) } else { a })
            .collect();
        remove_duplicate_leaf(&mut adjusted);
        raw.samples.push(RawSample {
            addrs: adjusted,
            values: vec![1],
            block: None,
        });
    }
    memory_map(&mut raw, lines, i);
    Ok(raw)
}

/// A leaf recorded twice (once from the signal context, once unwound and
/// adjusted by one) is kept once.
fn remove_duplicate_leaf(addrs: &mut Vec<u64>) {
    if addrs.len() > 1 && addrs[0] == addrs[1].wrapping_add(1) {
        addrs.remove(1);
    }
}

// ---------------------------------------------------------------------------
// contentionz

/// A contention profile; `Ok(None)` when its header says it is a Java one.
fn contention(lines: &[&str]) -> Result<Option<Raw>> {
    let mut raw = Raw::new("legacy text contention profile");
    let first = lines.first().copied().unwrap_or("");
    if !(first.starts_with("--- contentionz ")
        || first.starts_with("--- mutex:")
        || first.starts_with("--- contention:"))
    {
        return Ok(None);
    }
    raw.period_type = Some(("contentions", "count"));
    raw.period = 1;
    raw.sample_types = vec![
        ("contentions", "count".into()),
        ("delay", "nanoseconds".into()),
    ];
    let mut cpu_hz = 0i64;
    let mut i = 1;
    while i < lines.len() {
        let line = lines[i].trim();
        if is_space_or_comment(line) {
            i += 1;
            continue;
        }
        if line.starts_with("---") {
            break;
        }
        let Some((key, value)) = line.split_once('=') else {
            break;
        };
        let (key, value) = (key.trim(), value.trim());
        let number = || {
            parse_int_any_base(value).ok_or_else(|| raw.err(i, format!("`{key}` is not a number")))
        };
        match key {
            "cycles/second" => cpu_hz = number()?,
            "sampling period" => raw.period = number()?,
            "ms since reset" => {
                raw.duration_nanos = number()?.saturating_mul(1_000_000);
            }
            "discarded samples" => {}
            "format" | "resolution" => return Ok(None),
            _ => return Err(raw.err(i, format!("unknown attribute `{key}`"))),
        }
        i += 1;
    }
    while i < lines.len() {
        let line = lines[i].trim();
        if line.starts_with("---") {
            break;
        }
        if !is_space_or_comment(line) {
            let parsed = take_int(line, false).and_then(|(delay, r)| {
                let (count, r) = take_int(r.trim_start_matches(' '), false)?;
                let r = r.strip_prefix(" @")?;
                Some((delay, count, address_chars(r)))
            });
            let Some((delay, count, addrs)) = parsed else {
                return Err(raw.err(i, "expected a record `DELAY COUNT @ 0x… 0x…`"));
            };
            let mut delay: i64 = delay
                .parse()
                .map_err(|_| raw.err(i, "the delay is too large"))?;
            let mut count: i64 = count
                .parse()
                .map_err(|_| raw.err(i, "the count is too large"))?;
            // Unsampled: delays from cycles to nanoseconds, both times the
            // sampling period.
            if raw.period > 0 {
                if cpu_hz > 0 {
                    let ghz = cpu_hz as f64 / 1e9;
                    delay = (delay as f64 * raw.period as f64 / ghz) as i64;
                }
                count = count.saturating_mul(raw.period);
            }
            let addrs = hex_addresses(addrs).map_err(|d| raw.err(i, d))?;
            raw.samples.push(RawSample {
                addrs: addrs.into_iter().map(|a| a.wrapping_sub(1)).collect(),
                values: vec![count, delay],
                block: None,
            });
        }
        i += 1;
    }
    memory_map(&mut raw, lines, i);
    Ok(Some(raw))
}

// ---------------------------------------------------------------------------
// Java heapz / contentionz

fn java(lines: &[&str]) -> Result<Raw> {
    let mut raw = Raw::new("legacy text Java profile");
    raw.zero_symbolized_addresses = true;
    let kind = match lines.first().map(|l| l.trim()) {
        Some("--- heapz 1 ---") => "heap",
        Some("--- contentionz 1 ---") => "contention",
        other => {
            return Err(raw.err(
                0,
                format!("unknown profile header {:?}", other.unwrap_or("")),
            ))
        }
    };
    static ATTRIBUTE: OnceLock<Option<Regex>> = OnceLock::new();
    let attribute = cached(&ATTRIBUTE, r"([\w ]+)=([\w ]+)")
        .ok_or_else(|| raw.err(0, "the attribute pattern does not compile"))?;
    let mut i = 1;
    while i < lines.len() {
        let line = lines[i].trim();
        if line.is_empty() {
            i += 1;
            continue;
        }
        let Some(c) = attribute.captures(line) else {
            break;
        };
        let key = c.get(1).map_or("", |m| m.as_str().trim());
        let value = c.get(2).map_or("", |m| m.as_str().trim());
        match (kind, key) {
            (_, "format") => {
                if value != "java" {
                    return Err(raw.err(i, format!("unknown format `{value}`")));
                }
            }
            ("heap", "resolution") => {
                raw.sample_types = vec![
                    ("inuse_objects", "count".into()),
                    ("inuse_space", value.to_string()),
                ];
            }
            ("contention", "resolution") => {
                raw.sample_types = vec![
                    ("contentions", "count".into()),
                    ("delay", value.to_string()),
                ];
            }
            ("contention", "sampling period") => {
                raw.period_type = Some(("contentions", "count"));
                raw.period = parse_int_any_base(value)
                    .ok_or_else(|| raw.err(i, "the sampling period is not a number"))?;
            }
            ("contention", "ms since reset") => {
                let ms = parse_int_any_base(value)
                    .ok_or_else(|| raw.err(i, "`ms since reset` is not a number"))?;
                raw.duration_nanos = ms.saturating_mul(1_000_000);
            }
            _ => return Err(raw.err(i, format!("unknown attribute `{key}`"))),
        }
        i += 1;
    }
    // Samples: `A B @ 0x… 0x…` (heap: bytes count; contention: delay count).
    let mut seen: HashSet<u64> = HashSet::new();
    while i < lines.len() {
        let line = lines[i].trim();
        if line.is_empty() {
            i += 1;
            continue;
        }
        let parsed = take_int(line, false).and_then(|(a, r)| {
            let r2 = r.trim_start_matches(' ');
            if r2.len() == r.len() {
                return None;
            }
            let (b, r) = take_int(r2, false)?;
            let r3 = r.trim_start_matches(' ');
            if r3.len() == r.len() {
                return None;
            }
            let r = r3.strip_prefix('@')?;
            let r4 = r.trim_start_matches(' ');
            if r4.len() == r.len() {
                return None;
            }
            Some((a, b, address_chars(r4)))
        });
        let Some((first, second, addrs)) = parsed else {
            break;
        };
        let a: i64 = first
            .parse()
            .map_err(|_| raw.err(i, "a value is too large"))?;
        let b: i64 = second
            .parse()
            .map_err(|_| raw.err(i, "a value is too large"))?;
        let (mut v0, mut v1) = (b, a);
        let mut block = None;
        if kind == "heap" {
            // The sampling rate of Java heapz profiles: 512 KiB.
            const JAVA_HEAP_RATE: i64 = 524_288;
            if v0 == 0 {
                return Err(raw.err(i, "the object count must not be 0"));
            }
            block = Some(v1 / v0);
            (v0, v1) = unsample_heap(v0, v1, JAVA_HEAP_RATE);
        } else if raw.period != 0 {
            v0 = v0.saturating_mul(raw.period);
            v1 = v1.saturating_mul(raw.period);
        }
        let addrs = hex_addresses(addrs).map_err(|d| raw.err(i, d))?;
        seen.extend(addrs.iter().copied());
        raw.samples.push(RawSample {
            addrs,
            values: vec![v0, v1],
            block,
        });
        i += 1;
    }
    // The symbol table: `0xADDR name (File.java:line)`.
    static LOCATION: OnceLock<Option<Regex>> = OnceLock::new();
    static FILE_LINE: OnceLock<Option<Regex>> = OnceLock::new();
    static PATH: OnceLock<Option<Regex>> = OnceLock::new();
    let compile_err = || raw.err(0, "a symbol table pattern does not compile");
    let location =
        cached(&LOCATION, r"^\s*0x([[:xdigit:]]+)\s+(.*)\s*$").ok_or_else(compile_err)?;
    let file_line =
        cached(&FILE_LINE, r"^(.*)\s+\((.+):(-?[[:digit:]]+)\)$").ok_or_else(compile_err)?;
    let path = cached(&PATH, r"^(.*)\s+\((.*)\)$").ok_or_else(compile_err)?;
    while i < lines.len() {
        let line = lines[i].trim();
        i += 1;
        let Some(c) = location.captures(line) else {
            continue;
        };
        let hex = c.get(1).map_or("", |m| m.as_str());
        let Ok(addr) = u64::from_str_radix(hex, 16) else {
            return Err(raw.err(i - 1, format!("address 0x{hex} does not fit in 64 bits")));
        };
        if !seen.contains(&addr) {
            continue;
        }
        let what = c.get(2).map_or("", |m| m.as_str());
        let sym = if let Some(f) = file_line.captures(what) {
            let n = f
                .get(3)
                .and_then(|m| m.as_str().parse::<i64>().ok())
                .filter(|&n| n > 0)
                .unwrap_or(0);
            Sym {
                name: f.get(1).map_or("", |m| m.as_str()).to_string(),
                file: f.get(2).map_or("", |m| m.as_str()).to_string(),
                line: n,
                entry: None,
            }
        } else if let Some(f) = path.captures(what) {
            let file = f.get(2).map_or("", |m| m.as_str());
            Sym {
                name: f.get(1).map_or("", |m| m.as_str()).to_string(),
                file: base_name(file).to_string(),
                line: 0,
                entry: None,
            }
        } else if what.contains("generated stub/JIT") {
            Sym {
                name: "STUB".into(),
                file: String::new(),
                line: 0,
                entry: None,
            }
        } else {
            Sym {
                name: what.to_string(),
                file: String::new(),
                line: 0,
                entry: None,
            }
        };
        raw.symbols.insert(addr, vec![sym]);
    }
    Ok(raw)
}

// ---------------------------------------------------------------------------
// Memory maps

struct MapRegexes {
    proc_maps: Regex,
    brief: Regex,
    log_prefix: Regex,
}

impl MapRegexes {
    fn new() -> Option<MapRegexes> {
        let hex_range = r"\s*(?:0x)?([[:xdigit:]]+)[\s-]?\s*(?:0x)?([[:xdigit:]]+):?";
        let perm = r"(?:\s+([-rwxp]+))?";
        Some(MapRegexes {
            // start-end perms offset dev inode path (/proc/self/maps).
            proc_maps: Regex::new(&format!(
                r"^{hex_range}{perm}(?:\s+([[:xdigit:]]+))?\s+[[:xdigit:]]+:[[:xdigit:]]+\s+[[:digit:]]+(?:\s+(\S+))?"
            ))
            .ok()?,
            // start-end [perms] [path] [(@offset)] [build id].
            brief: Regex::new(&format!(
                r"^{hex_range}{perm}(?:\s+(\S+))?(?:\s+\(@([[:xdigit:]]+)\))?(?:\s+([[:xdigit:]]+))?"
            ))
            .ok()?,
            log_prefix: Regex::new(r"^[^\[\]]+:[0-9]+]\s").ok()?,
        })
    }

    /// One mapping line: `None` when it is not one, `Some(None)` for a
    /// mapping that is not executable.
    fn entry(&self, line: &str) -> Option<Option<RawMapping>> {
        let (start, end, perm, offset, file, build_id);
        if let Some(c) = self.proc_maps.captures(line) {
            let g = |i| c.get(i).map_or("", |m: regex_lite::Match<'_>| m.as_str());
            (start, end, perm, offset, file, build_id) = (g(1), g(2), g(3), g(4), g(5), "");
        } else if let Some(c) = self.brief.captures(line) {
            let g = |i| c.get(i).map_or("", |m: regex_lite::Match<'_>| m.as_str());
            (start, end, perm, file, offset, build_id) = (g(1), g(2), g(3), g(4), g(5), g(6));
        } else {
            return None;
        }
        if !perm.is_empty() && !perm.contains('x') {
            return Some(None);
        }
        let start = u64::from_str_radix(start, 16).ok()?;
        let limit = u64::from_str_radix(end, 16).ok()?;
        let offset = if offset.is_empty() {
            0
        } else {
            u64::from_str_radix(offset, 16).ok()?
        };
        Some(Some(RawMapping {
            start,
            limit,
            offset,
            file: file.to_string(),
            build_id: build_id.to_string(),
        }))
    }
}

/// The longest a memory map line may grow by `$name` substitution, and how
/// many names a map may define.
const MAX_MAP_LINE: usize = 4096;
const MAX_MAP_VARS: usize = 64;

/// Reads the memory map that starts at or after line `from` (after a
/// sentinel line), if any.
fn memory_map(raw: &mut Raw, lines: &[&str], from: usize) {
    let Some(sentinel) = (from..lines.len()).find(|&i| is_memory_map_sentinel(lines[i])) else {
        return;
    };
    static MAPS: OnceLock<Option<MapRegexes>> = OnceLock::new();
    let Some(re) = MAPS.get_or_init(MapRegexes::new).as_ref() else {
        return;
    };
    // `name=value` lines define `$name` for the lines after them.
    let mut vars: Vec<(String, String)> = Vec::new();
    for line in &lines[sentinel + 1..] {
        let mut line = match re.log_prefix.find(line) {
            Some(m) => line[m.end()..].to_string(),
            None => line.to_string(),
        };
        for (k, v) in &vars {
            // A value may hold its own or another name: substituting could
            // grow a line without bound; a mapping line is short.
            if line
                .len()
                .saturating_add(v.len().saturating_mul(line.matches(k.as_str()).count()))
                > MAX_MAP_LINE
            {
                break;
            }
            line = line.replace(k.as_str(), v);
        }
        match re.entry(&line) {
            Some(Some(m)) => raw.mappings.push(m),
            Some(None) => {}
            None => {
                if let Some((k, v)) = line.split_once('=') {
                    if !k.trim().is_empty() && vars.len() < MAX_MAP_VARS {
                        vars.push((format!("${}", k.trim()), v.trim().to_string()));
                    }
                }
            }
        }
    }
}

/// Tidies the mappings as `go tool pprof` does: merges a mapping split in
/// two adjacent pieces, puts the main binary first, and works around old
/// profilers' quirks.
fn massage_mappings(ms: &mut Vec<RawMapping>) {
    if ms.len() > 1 {
        let mut out: Vec<RawMapping> = Vec::with_capacity(ms.len());
        for m in ms.drain(..) {
            if let Some(last) = out.last_mut() {
                let same_file = last.file.is_empty() || m.file.is_empty() || last.file == m.file;
                let same_id = last.build_id.is_empty()
                    || m.build_id.is_empty()
                    || last.build_id == m.build_id;
                let offsets = last.offset == 0
                    || m.offset == 0
                    || last
                        .offset
                        .wrapping_add(last.limit.wrapping_sub(last.start))
                        == m.offset;
                if same_file && same_id && last.limit == m.start && offsets {
                    last.limit = m.limit;
                    if !m.file.is_empty() {
                        last.file = m.file;
                    }
                    if !m.build_id.is_empty() {
                        last.build_id = m.build_id;
                    }
                    continue;
                }
            }
            out.push(m);
        }
        *ms = out;
    }
    let is_lib = |f: &str| {
        let f = f.replace("(deleted)", "");
        let f = f.trim();
        if f.is_empty() || f.starts_with('[') {
            return true;
        }
        // `.so` at the end or `.so.N` / `.so_N`.
        f.ends_with(".so")
            || f.match_indices(".so").any(|(i, _)| {
                matches!(f.as_bytes().get(i + 3), Some(b'.' | b'_'))
                    && f.as_bytes().get(i + 4).is_some_and(u8::is_ascii_digit)
            })
    };
    if let Some(main) = ms.iter().position(|m| !is_lib(&m.file)) {
        ms.swap(0, main);
    }
    if ms.len() > 1 && ms[0].file.starts_with("/anon_hugepage") && ms[0].limit == ms[1].start {
        ms.remove(0);
    }
    if let Some(m) = ms.first_mut() {
        if m.start.wrapping_sub(m.offset) == 0x400000 {
            m.start = 0x400000;
            m.offset = 0;
        }
    }
}

// ---------------------------------------------------------------------------
// Assembling the profile

fn alloc_drop_frames() -> String {
    [
        "calloc",
        "cfree",
        "malloc",
        "free",
        "memalign",
        "do_memalign",
        "(__)?posix_memalign",
        "pvalloc",
        "valloc",
        "realloc",
        "tcmalloc::.*",
        "tc_calloc",
        "tc_cfree",
        "tc_malloc",
        "tc_free",
        "tc_memalign",
        "tc_posix_memalign",
        "tc_pvalloc",
        "tc_valloc",
        "tc_realloc",
        "tc_new",
        "tc_delete",
        "tc_newarray",
        "tc_deletearray",
        "tc_new_nothrow",
        "tc_newarray_nothrow",
        "malloc_zone_malloc",
        "malloc_zone_calloc",
        "malloc_zone_valloc",
        "malloc_zone_realloc",
        "malloc_zone_memalign",
        "malloc_zone_free",
        r"runtime\..*",
        "BaseArena::.*",
        "(::)?do_malloc_no_errno",
        "(::)?do_malloc_pages",
        "(::)?do_malloc",
        "DoSampledAllocation",
        "MallocedMemBlock::MallocedMemBlock",
        "_M_allocate",
        "__builtin_(vec_)?delete",
        "__builtin_(vec_)?new",
        "__gnu_cxx::new_allocator::allocate",
        "__libc_malloc",
        "__malloc_alloc_template::allocate",
        "allocate",
        "cpp_alloc",
        r"operator new(\[\])?",
        "simple_alloc::allocate",
    ]
    .join("|")
}

/// The `drop_frames`/`keep_frames` `go tool pprof` gives a legacy profile
/// of these sample types.
fn frame_filters(types: &[&str]) -> (String, String) {
    let heap: [&[&str]; 5] = [
        &["allocations", "size"],
        &["objects", "space"],
        &["inuse_objects", "inuse_space"],
        &["alloc_objects", "alloc_space"],
        &[
            "alloc_objects",
            "alloc_space",
            "inuse_objects",
            "inuse_space",
        ],
    ];
    if heap.contains(&types) {
        return (
            alloc_drop_frames(),
            r"runtime\.panic|runtime\.reflectcall|runtime\.call[0-9]*".to_string(),
        );
    }
    if types == ["contentions", "delay"] {
        let lock = [
            "RecordLockProfileData",
            "(base::)?RecordLockProfileData.*",
            "(base::)?SubmitMutexProfileData.*",
            "(base::)?SubmitSpinLockProfileData.*",
            "(base::Mutex::)?AwaitCommon.*",
            "(base::Mutex::)?Unlock.*",
            "(base::Mutex::)?UnlockSlow.*",
            "(base::Mutex::)?ReaderUnlock.*",
            "(base::MutexLock::)?~MutexLock.*",
            "(Mutex::)?AwaitCommon.*",
            "(Mutex::)?Unlock.*",
            "(Mutex::)?UnlockSlow.*",
            "(Mutex::)?ReaderUnlock.*",
            "(MutexLock::)?~MutexLock.*",
            "(SpinLock::)?Unlock.*",
            "(SpinLock::)?SlowUnlock.*",
            "(SpinLockHolder::)?~SpinLockHolder.*",
        ];
        return (lock.join("|"), String::new());
    }
    (
        [
            "ProfileData::Add",
            "ProfileData::prof_handler",
            "CpuProfiler::prof_handler",
            "__pthread_sighandler",
            "__restore",
        ]
        .join("|"),
        String::new(),
    )
}

/// The last path element of `path`, as Go's `filepath.Base` gives it.
fn base_name(path: &str) -> &str {
    let trimmed = path.trim_end_matches('/');
    if trimmed.is_empty() {
        return if path.is_empty() { "." } else { "/" };
    }
    trimmed.rsplit('/').next().unwrap_or(trimmed)
}

/// The tables of the profile: one location per address in order of first
/// use, one function per (name, file), mappings tidied and assigned.
fn build(mut raw: Raw) -> Result<TextProfile> {
    let n_types = raw.sample_types.len();
    if n_types == 0 && !raw.samples.is_empty() {
        return Err(Error::NoSampleTypes);
    }
    let mut strings = Strings::new();
    let mut p = TextProfile {
        sample_types: raw
            .sample_types
            .iter()
            .map(|(ty, unit)| ((*ty).to_string(), unit.clone()))
            .collect(),
        period_type: raw
            .period_type
            .map(|(ty, unit)| (ty.to_string(), unit.to_string())),
        period: raw.period,
        duration_nanos: raw.duration_nanos,
        ..TextProfile::default()
    };
    let types: Vec<&str> = raw.sample_types.iter().map(|(t, _)| *t).collect();
    (p.drop_frames, p.keep_frames) = frame_filters(&types);

    massage_mappings(&mut raw.mappings);
    for m in &raw.mappings {
        p.mappings.push(TextMapping {
            start: m.start,
            limit: m.limit,
            offset: m.offset,
            file: strings.intern(&m.file),
            build_id: strings.intern(&m.build_id),
        });
    }

    // Locations in order of first use, one per address.
    let mut loc_of: HashMap<u64, u32> = HashMap::new();
    let mut fn_of: HashMap<(String, String), u32> = HashMap::new();
    let total_locs: usize = raw.samples.iter().map(|s| s.addrs.len()).sum();
    if total_locs > u32::MAX as usize {
        return Err(Error::TooManyStackEntries);
    }
    let mut stacks: Vec<Vec<u32>> = Vec::with_capacity(raw.samples.len());
    for s in &raw.samples {
        let mut stack = Vec::with_capacity(s.addrs.len());
        for &addr in &s.addrs {
            let id = match loc_of.get(&addr) {
                Some(&id) => id,
                None => {
                    let id = p.locations.len() as u32;
                    let frames_start = p.frames.len() as u32;
                    let syms = raw.inlined.get(&addr).or_else(|| raw.symbols.get(&addr));
                    for sym in syms.into_iter().flatten() {
                        let key = (sym.name.clone(), sym.file.clone());
                        let function = match fn_of.get(&key) {
                            Some(&f) => f,
                            None => {
                                let f = p.functions.len() as u32;
                                let name = strings.intern(&sym.name);
                                p.functions.push(TextFunction {
                                    name,
                                    file: strings.intern(&sym.file),
                                });
                                fn_of.insert(key, f);
                                f
                            }
                        };
                        p.frames.push(TextFrame {
                            function,
                            line: sym.line,
                        });
                    }
                    let frames_end = p.frames.len() as u32;
                    let symbolized = frames_end > frames_start;
                    p.locations.push(TextLocation {
                        address: if symbolized && raw.zero_symbolized_addresses {
                            0
                        } else {
                            addr
                        },
                        mapping: None,
                        frames_start,
                        frames_end,
                    });
                    loc_of.insert(addr, id);
                    id
                }
            };
            stack.push(id);
        }
        stacks.push(stack);
    }

    // Each location's mapping, by address.
    let ms = &mut p.mappings;
    for loc in p.locations.iter_mut() {
        let a = loc.address;
        if a == 0 {
            continue;
        }
        if let Some(k) = ms.iter().position(|m| m.start <= a && a < m.limit) {
            loc.mapping = Some(k as u32);
            continue;
        }
        // A mapping whose first piece went unreported.
        if let Some(k) = ms
            .iter()
            .position(|m| m.offset != 0 && m.start.wrapping_sub(m.offset) <= a && a < m.start)
        {
            ms[k].start = ms[k].start.wrapping_sub(ms[k].offset);
            ms[k].offset = 0;
            loc.mapping = Some(k as u32);
        }
    }

    // Samples.
    let bytes_key = strings.intern("bytes");
    p.samples.reserve_exact(raw.samples.len());
    for (i, (s, locations)) in raw.samples.into_iter().zip(stacks).enumerate() {
        if s.values.len() != n_types {
            return Err(Error::ValueCount {
                sample: i,
                got: s.values.len(),
                want: n_types,
            });
        }
        p.samples.push(TextSample {
            locations,
            values: s.values,
            labels: s.block.map(|b| vec![(bytes_key, b)]).unwrap_or_default(),
        });
    }
    p.memstats = raw.memstats;
    p.warnings = raw.warnings;
    p.strings = strings.finish();
    Ok(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_map_substitution_stays_bounded() {
        // Each name's value holds the next name twice: substituting every
        // one in turn would double the line 40 times.
        let mut text = String::from(
            "--- threadz 1 ---\n--- Thread 1 (name: a/1) stack: ---\n  0x10\n--- Memory map: ---\n",
        );
        for k in 0..40 {
            text.push_str(&format!("v{k:02}=$v{:02}$v{:02}\n", k + 1, k + 1));
        }
        text.push_str("$v00-$v00 r-xp 0 00:00 0 /bin/x\n");
        let p = parse(text.as_bytes())
            .expect("a thread profile")
            .expect("reads");
        assert_eq!(p.samples.len(), 1);
    }

    #[test]
    fn detection_and_line_numbers() {
        assert!(parse(b"main;a 3\n").is_none());
        assert!(parse(b"").is_none());
        let e = parse(b"heap profile: 1: 2 [3: 4] @ heap/2\n1: 2 [3: 4] @ 0x1\nbogus\n")
            .expect("a legacy profile")
            .unwrap_err();
        assert!(matches!(e, Error::Malformed { line: 3, .. }), "{e}");
        let p = parse(b"goroutine profile: total 2\n2 @ 0x11 0x21\n")
            .expect("a legacy profile")
            .expect("parses");
        assert_eq!(p.samples.len(), 1);
        assert_eq!(p.samples[0].values, [2]);
        let addrs: Vec<u64> = p.samples[0]
            .locations
            .iter()
            .map(|&l| p.locations[l as usize].address)
            .collect();
        assert_eq!(addrs, [0x10, 0x20]);
    }

    #[test]
    fn unsampling_matches_the_formula() {
        assert_eq!(unsample_heap(0, 0, 512), (0, 0));
        assert_eq!(unsample_heap(3, 0, 512), (0, 0));
        assert_eq!(unsample_heap(3, 300, 1), (3, 300));
        let (c, b) = unsample_heap(1, 4096, 4096);
        // 1 / (1 - e^-1) = 1.5819767...
        assert_eq!((c, b), (1, 6479));
    }

    #[test]
    fn hex_and_ints() {
        assert_eq!(
            hex_addresses("0x1f 0x2 zz 0xA 0x").unwrap(),
            vec![0x1f, 0x2]
        );
        assert!(hex_addresses("0x1ffffffffffffffff").is_err());
        assert_eq!(parse_int_any_base("0x10"), Some(16));
        assert_eq!(parse_int_any_base("010"), Some(8));
        assert_eq!(parse_int_any_base("-7"), Some(-7));
        assert_eq!(parse_int_any_base("x"), None);
    }

    #[test]
    fn symbol_lines() {
        let (pc, s) = symbol_line("#\t0x4a1b2c\tmain.work+0x2c\t/src/main.go:42").unwrap();
        assert_eq!(pc, 0x4a1b2c);
        assert_eq!(
            s,
            Some(Sym {
                name: "main.work".into(),
                file: "/src/main.go".into(),
                line: 42,
                entry: Some(0x4a1b00),
            })
        );
        assert_eq!(symbol_line("#\t0x10"), Some((0x10, None)));
        assert_eq!(symbol_line("# Alloc = 5"), None);
    }
}
