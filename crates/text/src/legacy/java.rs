//! Java `--- heapz 1 ---` and `--- contentionz 1 ---` profiles (`format =
//! java`): the attributes, the samples, and the `0xADDR name (File.java:line)`
//! symbol table that names their addresses.

use rustc_hash::FxHashSet as HashSet;

use regex_lite::Regex;
use std::sync::OnceLock;

use super::heap::unsample_heap;
use super::parse::{address_chars, cached, hex_addresses, parse_int_any_base, take_int};
use super::raw::{Raw, RawSample, Sym};
use crate::Result;

/// A Java heapz or contentionz profile: the header, then its attributes,
/// samples and symbol table in turn.
pub(super) fn java(lines: &[&str]) -> Result<Raw> {
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
    let i = java_attributes(&mut raw, lines, kind)?;
    let (i, seen) = java_samples(&mut raw, lines, kind, i)?;
    java_symbols(&mut raw, lines, i, &seen)?;
    Ok(raw)
}

/// Reads the `key = value` attributes after the header line (format,
/// sample types, period, duration): the index of the line after them.
fn java_attributes(raw: &mut Raw, lines: &[&str], kind: &str) -> Result<usize> {
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
    Ok(i)
}

/// Samples from line `i`: `A B @ 0x… 0x…` (heap: bytes count; contention:
/// delay count). Gives the index of the line after them and the addresses
/// they use.
fn java_samples(
    raw: &mut Raw,
    lines: &[&str],
    kind: &str,
    mut i: usize,
) -> Result<(usize, HashSet<u64>)> {
    let mut seen: HashSet<u64> = HashSet::default();
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
    Ok((i, seen))
}

/// The symbol table from line `i`: `0xADDR name (File.java:line)`; only the
/// addresses in `seen` take a frame.
fn java_symbols(raw: &mut Raw, lines: &[&str], mut i: usize, seen: &HashSet<u64>) -> Result<()> {
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
    Ok(())
}

/// The last path element of `path`, as Go's `filepath.Base` gives it.
fn base_name(path: &str) -> &str {
    let trimmed = path.trim_end_matches('/');
    if trimmed.is_empty() {
        return if path.is_empty() { "." } else { "/" };
    }
    trimmed.rsplit('/').next().unwrap_or(trimmed)
}
