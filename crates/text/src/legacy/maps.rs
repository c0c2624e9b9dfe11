//! The memory map a legacy profile may end with (`--- Memory map: ---` or
//! `MAPPED_LIBRARIES:`): reading its lines and tidying the mappings as
//! `go tool pprof` does.

use regex_lite::Regex;
use std::sync::OnceLock;

use super::raw::{Raw, RawMapping};

pub(super) fn is_memory_map_sentinel(line: &str) -> bool {
    line.contains("--- Memory map: ---") || line.contains("MAPPED_LIBRARIES:")
}

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
pub(super) fn memory_map(raw: &mut Raw, lines: &[&str], from: usize) {
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
pub(super) fn massage_mappings(ms: &mut Vec<RawMapping>) {
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

#[cfg(test)]
mod tests {
    use crate::legacy::parse;

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
}
