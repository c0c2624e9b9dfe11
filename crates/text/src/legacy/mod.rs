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
//!
//! This module tells the formats apart and assembles the profile; each
//! family is read in its own submodule into the shared [`raw::Raw`].

mod contention;
mod count;
mod frames;
mod heap;
mod java;
mod maps;
mod parse;
mod raw;
mod symbols;

pub use heap::unsample_heap;

use rustc_hash::FxHashMap as HashMap;

use crate::{
    Error, Result, Strings, TextFrame, TextFunction, TextLocation, TextMapping, TextProfile,
    TextSample,
};
use contention::contention;
use count::{count_header, go_count, thread};
use frames::frame_filters;
use heap::heap;
use java::java;
use maps::massage_mappings;
use raw::{Raw, RawMapping, RawSample};

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

/// The tables of the profile: one location per address in order of first
/// use, one function per (name, file), mappings tidied and assigned.
fn build(mut raw: Raw) -> Result<TextProfile> {
    let n_types = raw.sample_types.len();
    if n_types == 0 && !raw.samples.is_empty() {
        return Err(Error::NoSampleTypes);
    }
    let mut strings = Strings::new();
    let mut p = profile_header(&raw);
    massage_mappings(&mut raw.mappings);
    add_mappings(&mut p, &mut strings, &raw.mappings);
    let stacks = add_locations(&mut p, &mut strings, &raw)?;
    assign_mappings(&mut p);
    add_samples(&mut p, &mut strings, raw.samples, stacks, n_types)?;
    p.memstats = raw.memstats;
    p.warnings = raw.warnings;
    p.strings = strings.finish();
    Ok(p)
}

/// An empty profile with the sample types, period, duration and frame
/// filters of `raw`.
fn profile_header(raw: &Raw) -> TextProfile {
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
    p
}

/// The (already tidied) mappings, in order.
fn add_mappings(p: &mut TextProfile, strings: &mut Strings, mappings: &[RawMapping]) {
    for m in mappings {
        p.mappings.push(TextMapping {
            start: m.start,
            limit: m.limit,
            offset: m.offset,
            file: strings.intern(&m.file),
            build_id: strings.intern(&m.build_id),
        });
    }
}

/// Locations in order of first use, one per address, with their frames and
/// functions; gives each sample's stack as location indexes.
fn add_locations(p: &mut TextProfile, strings: &mut Strings, raw: &Raw) -> Result<Vec<Vec<u32>>> {
    let mut loc_of: HashMap<u64, u32> = HashMap::default();
    let mut fn_of: HashMap<(String, String), u32> = HashMap::default();
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
    Ok(stacks)
}

/// Each location's mapping, by address.
fn assign_mappings(p: &mut TextProfile) {
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
}

/// The samples, each with `n_types` values and its stack from
/// [`add_locations`].
fn add_samples(
    p: &mut TextProfile,
    strings: &mut Strings,
    samples: Vec<RawSample>,
    stacks: Vec<Vec<u32>>,
    n_types: usize,
) -> Result<()> {
    let bytes_key = strings.intern("bytes");
    p.samples.reserve_exact(samples.len());
    for (i, (s, locations)) in samples.into_iter().zip(stacks).enumerate() {
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
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
