//! Contention profiles (`--- contentionz`, `--- mutex:`, `--- contention:`):
//! the attributes, then `DELAY COUNT @ 0x…` records unsampled by the period.

use super::maps::memory_map;
use super::parse::{
    address_chars, hex_addresses, is_space_or_comment, parse_int_any_base, take_int,
};
use super::raw::{Raw, RawSample};
use crate::Result;

/// A contention profile; `Ok(None)` when its header says it is a Java one.
pub(super) fn contention(lines: &[&str]) -> Result<Option<Raw>> {
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
