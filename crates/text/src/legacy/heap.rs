//! Go and gperftools heap profiles (`heap profile: …`): the header, the
//! records, and the unsampling of sampled values.

use regex_lite::Regex;
use std::sync::OnceLock;

use super::maps::{is_memory_map_sentinel, memory_map};
use super::parse::{address_chars, cached, hex_addresses, is_space_or_comment, take_int};
use super::raw::{Raw, RawSample};
use super::symbols::{symbol_line, RecordSymbols};
use crate::Result;

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

pub(super) fn heap(lines: &[&str]) -> Result<Raw> {
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
        let (values, block) = record_values(&h, (n1, b1), (n2, b2)).map_err(|d| raw.err(i, d))?;
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

/// A record's values, unsampled: the allocation pair first when the
/// profile has one, then the in-use pair; and the average object size.
fn record_values(
    h: &HeapHeader,
    inuse: (&str, &str),
    alloc: (&str, &str),
) -> std::result::Result<(Vec<i64>, Option<i64>), String> {
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
        pair(alloc.0, alloc.1, "allocation")?;
    }
    pair(inuse.0, inuse.1, "in-use")?;
    Ok((values, block))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsampling_matches_the_formula() {
        assert_eq!(unsample_heap(0, 0, 512), (0, 0));
        assert_eq!(unsample_heap(3, 0, 512), (0, 0));
        assert_eq!(unsample_heap(3, 300, 1), (3, 300));
        let (c, b) = unsample_heap(1, 4096, 4096);
        // 1 / (1 - e^-1) = 1.5819767...
        assert_eq!((c, b), (1, 6479));
    }
}
