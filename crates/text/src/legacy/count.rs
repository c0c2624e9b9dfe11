//! Go count profiles (`goroutine profile: total N`, `threadcreate profile:
//! total N`) and `--- threadz` thread stacks: one sample per stack, counted.

use regex_lite::Regex;
use std::sync::OnceLock;

use super::maps::{is_memory_map_sentinel, memory_map};
use super::parse::{address_chars, cached, hex_addresses, is_space_or_comment, parse_int_any_base};
use super::raw::{Raw, RawSample};
use super::symbols::{symbol_line, RecordSymbols};
use crate::Result;

/// `NAME profile: total N` → NAME.
pub(super) fn count_header(line: &str) -> Option<&str> {
    let (name, rest) = line.split_once(" profile: total ")?;
    if name.is_empty() || name.contains(char::is_whitespace) {
        return None;
    }
    (!rest.is_empty() && rest.bytes().all(|c| c.is_ascii_digit())).then_some(name)
}

pub(super) fn go_count(lines: &[&str]) -> Result<Raw> {
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

pub(super) fn thread(lines: &[&str]) -> Result<Raw> {
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
