//! Line-level listing, as `go tool pprof -list REGEX` computes it: for each
//! function whose name matches, the flat and cum value of every source line
//! that has one, and the listing of the function's source with those values
//! beside its lines.
//!
//! The numbers: a node is a function name, file and line (and, as in
//! pprof, the binary and the function's start line). Flat is the value of
//! samples whose leaf location's innermost frame is that node; cum is the
//! value of samples with the node anywhere in the stack, each sample
//! counted once per node even under recursion. Nodes whose flat and cum
//! are both 0 are left out; a line's values are the sums of its nodes. A
//! function's totals are the sums over its lines (so its cum, like pprof's,
//! counts a stack once per line of the function on it). Functions are
//! grouped by name and then by file (as pprof groups them: two function
//! entries with one name and file are one routine), sorted by name, then
//! file; a name with lines in some file leaves out its lines without one.
//! Frames of locations without symbols (no function) are never listed.
//!
//! Works unchanged on a diff (base samples negated, see [`crate::diff`]):
//! values may then be negative, and the total is the base's, as in pprof.

use rustc_hash::FxHashMap as HashMap;
use std::fmt::Write as _;

use regex_lite::Regex;
use serde::{Deserialize, Serialize};

use crate::keys::clean_path;
use heaplens_profile::error::{Error, Result};
use heaplens_profile::model::{Profile, NONE};
use heaplens_profile::units;

/// One source line of a function with its values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineRow {
    /// The line number (0 when the profile does not know it).
    pub line: i64,
    pub flat: i64,
    pub cum: i64,
}

/// A function (name and file) with the values of its lines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FunctionLines {
    pub name: String,
    /// The source file as recorded (cleaned like a path, `/proc/self/cwd/`
    /// dropped); "" when the profile has none.
    pub file: String,
    /// The line the function starts at, when the profile records it (else
    /// 0): a listing starts there.
    pub start_line: i64,
    /// Sums over `lines`.
    pub flat: i64,
    pub cum: i64,
    /// Lines with values, by line number. A line's values may add up to 0
    /// in a diff where the line has values in both profiles' binaries
    /// (pprof lists it then too).
    pub lines: Vec<LineRow>,
}

/// One line of an annotated source listing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceRow {
    pub line: i64,
    /// The source text of the line (no line break).
    pub text: String,
    pub flat: i64,
    pub cum: i64,
}

/// Lines shown before the first and after the last line with a value.
pub const MARGIN: i64 = 5;

/// `start_line` while no node has set it.
const NO_START: i64 = i64::MIN;

/// [`lines_where`] for the functions whose name matches `regex` anywhere
/// (unanchored, as pprof matches it). An invalid regex is
/// [`Error::BadRegex`].
pub fn lines(p: &Profile, ty: usize, regex: &str) -> Result<Vec<FunctionLines>> {
    let re = Regex::new(regex).map_err(|e| Error::BadRegex {
        field: "the list pattern".into(),
        detail: e.to_string().lines().next().unwrap_or("").to_string(),
    })?;
    Ok(lines_where(p, ty, |name| re.is_match(name)))
}

/// The line values of sample type `ty` for every function whose name
/// `wanted` accepts (asked once per distinct name), grouped and sorted as
/// described in the module documentation. Empty when nothing matches or
/// `ty` is out of range.
pub fn lines_where(p: &Profile, ty: usize, wanted: impl FnMut(&str) -> bool) -> Vec<FunctionLines> {
    lines_of_samples(p, ty, 0..p.num_samples(), 1, wanted)
}

/// [`lines_where`] over the samples in `samples` only, their values times
/// `sign` (a diff's two parts: the new samples, and the base's negated
/// ones with `sign` -1).
pub fn lines_of_samples(
    p: &Profile,
    ty: usize,
    samples: std::ops::Range<usize>,
    sign: i64,
    wanted: impl FnMut(&str) -> bool,
) -> Vec<FunctionLines> {
    if ty >= p.num_types() {
        return Vec::new();
    }
    let (routine_of_function, routines) = routines(p, wanted);
    if routines.is_empty() {
        return Vec::new();
    }
    let (node_of_frame, nodes) = line_nodes(p, &routine_of_function);
    let (flat, cum) = node_values(p, ty, &node_of_frame, nodes.len(), samples, sign);
    group(routines, &nodes, &flat, &cum)
}

/// Each function of the profile → its routine (name, file) or NONE when
/// `wanted` refuses its name; and the routines.
fn routines(
    p: &Profile,
    mut wanted: impl FnMut(&str) -> bool,
) -> (Vec<u32>, Vec<(String, String)>) {
    let mut routine_of_name: HashMap<(&str, String), u32> = HashMap::default();
    let mut routines: Vec<(String, String)> = Vec::new();
    let mut name_ok: HashMap<u32, bool> = HashMap::default();
    let mut file_clean: HashMap<u32, String> = HashMap::default();
    let routine_of_function = p
        .functions
        .iter()
        .map(|f| {
            let ok = *name_ok
                .entry(f.name)
                .or_insert_with(|| wanted(p.str(f.name)));
            if !ok {
                return NONE;
            }
            let file = file_clean
                .entry(f.filename)
                .or_insert_with(|| clean_file(p.str(f.filename)))
                .clone();
            let next = routines.len() as u32;
            let r = *routine_of_name
                .entry((p.str(f.name), file.clone()))
                .or_insert(next);
            if r == next {
                routines.push((p.str(f.name).to_string(), file));
            }
            r
        })
        .collect();
    (routine_of_function, routines)
}

/// Each frame → its node or NONE, and the nodes as (routine, line, start
/// line). A node is pprof's: the routine and line, and also the binary
/// (mapping file) and the function's start line, so the same line in two
/// binaries (the two sides of a diff) is two nodes, kept or left out on
/// its own.
fn line_nodes(p: &Profile, routine_of_function: &[u32]) -> (Vec<u32>, Vec<(u32, i64, i64)>) {
    let mut node_of: HashMap<(u32, i64, u32, i64), u32> = HashMap::default();
    let mut nodes: Vec<(u32, i64, i64)> = Vec::new();
    let mut node_of_frame: Vec<u32> = vec![NONE; p.frames.len()];
    for l in &p.locations {
        let objfile = p.mappings.get(l.mapping as usize).map_or(0, |m| m.file);
        let objfile = if p.str(objfile).is_empty() {
            0
        } else {
            objfile
        };
        for fi in l.frame_range() {
            let Some(fr) = p.frames.get(fi) else { continue };
            let Some(&r) = routine_of_function.get(fr.function as usize) else {
                continue;
            };
            if r == NONE {
                continue;
            }
            let start_line = p
                .functions
                .get(fr.function as usize)
                .map_or(0, |f| f.start_line);
            let next = nodes.len() as u32;
            let n = *node_of
                .entry((r, fr.line, objfile, start_line))
                .or_insert(next);
            if n == next {
                nodes.push((r, fr.line, start_line));
            }
            node_of_frame[fi] = n;
        }
    }
    (node_of_frame, nodes)
}

/// Flat and cum of sample type `ty` per node: flat from samples whose
/// innermost frame is the node, cum once per sample through it.
fn node_values(
    p: &Profile,
    ty: usize,
    node_of_frame: &[u32],
    n: usize,
    samples: std::ops::Range<usize>,
    sign: i64,
) -> (Vec<i64>, Vec<i64>) {
    // Locations with a listed frame (most have none: skip those quickly).
    let listed: Vec<bool> = p
        .locations
        .iter()
        .map(|l| {
            l.frame_range()
                .any(|fi| node_of_frame.get(fi).is_some_and(|&n| n != NONE))
        })
        .collect();
    let mut flat = vec![0i64; n];
    let mut cum = vec![0i64; n];
    // The last sample that added to a node's cum (once per sample).
    let mut seen = vec![usize::MAX; n];
    for s in samples.start..samples.end.min(p.num_samples()) {
        let v = p.value(s, ty).wrapping_mul(sign);
        if v == 0 {
            continue;
        }
        for (depth, loc) in p.stack(s).iter().enumerate() {
            if !listed.get(loc as usize).copied().unwrap_or(false) {
                continue;
            }
            let Some(l) = p.locations.get(loc as usize) else {
                continue;
            };
            for (i, fi) in l.frame_range().enumerate() {
                let n = node_of_frame.get(fi).copied().unwrap_or(NONE);
                if n == NONE {
                    continue;
                }
                let n = n as usize;
                if depth == 0 && i == 0 {
                    flat[n] = flat[n].wrapping_add(v);
                }
                if seen[n] != s {
                    seen[n] = s;
                    cum[n] = cum[n].wrapping_add(v);
                }
            }
        }
    }
    (flat, cum)
}

/// The nodes with a value, grouped by routine into line rows, sorted by
/// name and file, lines in order.
fn group(
    routines: Vec<(String, String)>,
    nodes: &[(u32, i64, i64)],
    flat: &[i64],
    cum: &[i64],
) -> Vec<FunctionLines> {
    let mut out: Vec<FunctionLines> = routines
        .into_iter()
        .map(|(name, file)| FunctionLines {
            name,
            file,
            start_line: NO_START,
            flat: 0,
            cum: 0,
            lines: Vec::new(),
        })
        .collect();
    let mut row_of: HashMap<(u32, i64), usize> = HashMap::default();
    for (n, &(r, line, start_line)) in nodes.iter().enumerate() {
        if flat[n] == 0 && cum[n] == 0 {
            continue;
        }
        let Some(f) = out.get_mut(r as usize) else {
            continue;
        };
        if f.start_line == NO_START {
            f.start_line = start_line;
        }
        f.flat = f.flat.wrapping_add(flat[n]);
        f.cum = f.cum.wrapping_add(cum[n]);
        let next = f.lines.len();
        let i = *row_of.entry((r, line)).or_insert(next);
        if i == next {
            f.lines.push(LineRow {
                line,
                flat: 0,
                cum: 0,
            });
        }
        let row = &mut f.lines[i];
        row.flat = row.flat.wrapping_add(flat[n]);
        row.cum = row.cum.wrapping_add(cum[n]);
    }
    for f in &mut out {
        if f.start_line == NO_START {
            f.start_line = 0;
        }
    }
    out.retain(|f| !f.lines.is_empty());
    for f in &mut out {
        heaplens_profile::sorting::sort_by_key(&mut f.lines, |l| l.line);
    }
    heaplens_profile::sorting::sort_by(&mut out, |a, b| {
        a.name.cmp(&b.name).then_with(|| a.file.cmp(&b.file))
    });
    // A name listed in some file drops its lines without a file.
    let with_file: rustc_hash::FxHashSet<String> = out
        .iter()
        .filter(|f| !f.file.is_empty())
        .map(|f| f.name.clone())
        .collect();
    out.retain(|f| !f.file.is_empty() || !with_file.contains(&f.name));
    out
}

/// A recorded file name as listed: `/proc/self/cwd/` dropped, then cleaned
/// like a path ("" stays "").
pub fn clean_file(file: &str) -> String {
    let file = file
        .strip_prefix("/proc/self/cwd/./")
        .or_else(|| file.strip_prefix("/proc/self/cwd/"))
        .unwrap_or(file);
    clean_path(file)
}

/// The range of lines a listing shows, as pprof chooses it: from the
/// function's start line when the profile records one, else from
/// [`MARGIN`] lines before the first line with a value (so a line 0 pulls
/// the start to line 1), never before line 1; to [`MARGIN`] lines after
/// the last. `None` when the function has no lines.
pub fn shown_range(f: &FunctionLines) -> Option<(i64, i64)> {
    let first = f.lines.iter().map(|l| l.line).min()?;
    let last = f.lines.iter().map(|l| l.line).max()?;
    let start = if f.start_line != 0 {
        f.start_line
    } else {
        first.saturating_sub(MARGIN)
    };
    Some((start.max(1), last.saturating_add(MARGIN)))
}

/// The function's source annotated with its values: every line of
/// [`shown_range`] that the source text has (the listing stops at its end),
/// with the flat and cum of that line (0 where it has none). Lines are
/// split at `\n`, a trailing `\r` dropped.
pub fn annotate(f: &FunctionLines, source: &str) -> Vec<SourceRow> {
    let Some((start, end)) = shown_range(f) else {
        return Vec::new();
    };
    let values: HashMap<i64, (i64, i64)> =
        f.lines.iter().map(|l| (l.line, (l.flat, l.cum))).collect();
    // A final line break ends the last line; it does not start another.
    let text: Vec<&str> = if source.is_empty() {
        Vec::new()
    } else {
        source
            .strip_suffix('\n')
            .unwrap_or(source)
            .split('\n')
            .collect()
    };
    let mut out = Vec::new();
    let mut line = start;
    while line <= end {
        let Some(t) = usize::try_from(line - 1).ok().and_then(|i| text.get(i)) else {
            break;
        };
        let (flat, cum) = values.get(&line).copied().unwrap_or((0, 0));
        out.push(SourceRow {
            line,
            text: t.strip_suffix('\r').unwrap_or(t).to_string(),
            flat,
            cum,
        });
        line += 1;
    }
    out
}

/// How the text listing prints values.
#[derive(Debug, Clone, Default)]
pub struct TextOptions {
    /// Output unit (`B`, `MB`, `ms`, ...); "" scales each value on its own,
    /// as pprof's list does by default.
    pub unit: String,
}

/// The listing as `go tool pprof -list` prints it: `Total:`, then per
/// function a `ROUTINE` header, its flat and cum with cum's percentage of
/// the total, and the annotated source lines (`.` for zero). `source`
/// gives a function's source text; where it has none, the lines with
/// values are listed without text (pprof prints an error there instead),
/// and a function without a file gets pprof's "No source information".
pub fn text(
    p: &Profile,
    ty: usize,
    funcs: &[FunctionLines],
    opts: &TextOptions,
    source: &mut dyn FnMut(&FunctionLines) -> Option<String>,
) -> String {
    text_annotated(p, ty, funcs, opts, source, &mut |_, _| Vec::new())
}

/// [`text`] with notes under lines: `notes(function, line)` gives the
/// lines printed under that source line, after the value columns' width
/// (`# moved to heap: buf`).
pub fn text_annotated(
    p: &Profile,
    ty: usize,
    funcs: &[FunctionLines],
    opts: &TextOptions,
    source: &mut dyn FnMut(&FunctionLines) -> Option<String>,
    notes: &mut dyn FnMut(&FunctionLines, i64) -> Vec<String>,
) -> String {
    let sample_unit = p.sample_types.get(ty).map_or("", |s| s.unit.as_str());
    let to = if opts.unit.is_empty() {
        "minimum"
    } else {
        opts.unit.as_str()
    };
    let fmt_v = |v: i64| units::scaled_label(v, sample_unit, to);
    let dot = |v: i64| if v == 0 { ".".to_string() } else { fmt_v(v) };
    let total = p.total(ty);
    let mut s = String::new();
    let _ = writeln!(s, "Total: {}", fmt_v(total));
    let mut i = 0;
    while i < funcs.len() {
        let f = &funcs[i];
        i += 1;
        if f.file.is_empty() {
            let _ = writeln!(s, "No source information for {}", f.name);
            continue;
        }
        let _ = writeln!(
            s,
            "ROUTINE ======================== {} in {}",
            f.name, f.file
        );
        let _ = writeln!(
            s,
            "{:>10} {:>10} (flat, cum) {} of Total",
            fmt_v(f.flat),
            fmt_v(f.cum),
            units::percentage(f.cum, total)
        );
        match source(f) {
            Some(src) => {
                for r in annotate(f, &src) {
                    let _ = writeln!(
                        s,
                        "{:>10} {:>10} {:>6}:{}",
                        dot(r.flat),
                        dot(r.cum),
                        r.line,
                        r.text
                    );
                    for n in notes(f, r.line) {
                        let _ = writeln!(s, "{:>29}# {n}", "");
                    }
                }
            }
            None => {
                let _ = writeln!(s, " (source not found: {}; lines with values)", f.file);
                for r in &f.lines {
                    let _ = writeln!(s, "{:>10} {:>10} {:>6}:", dot(r.flat), dot(r.cum), r.line);
                    for n in notes(f, r.line) {
                        let _ = writeln!(s, "{:>29}# {n}", "");
                    }
                }
            }
        }
    }
    s
}

/// Where to look for a recorded source file under `dir`: the whole path
/// joined to `dir`, then ever shorter suffixes of it (for
/// `/home/x/go/src/app/pkg/a.go`: `dir/home/x/go/src/app/pkg/a.go`,
/// `dir/x/go/src/app/pkg/a.go`, ..., `dir/pkg/a.go`, `dir/a.go`).
pub fn source_candidates(dir: &str, file: &str) -> Vec<String> {
    let parts: Vec<&str> = file
        .split(['/', '\\'])
        .filter(|s| !s.is_empty() && *s != ".")
        .collect();
    let dir = dir.trim_end_matches('/');
    (0..parts.len())
        .map(|i| format!("{dir}/{}", parts[i..].join("/")))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(line: i64, flat: i64, cum: i64) -> LineRow {
        LineRow { line, flat, cum }
    }

    fn func(lines: Vec<LineRow>) -> FunctionLines {
        FunctionLines {
            name: "f".into(),
            file: "a.go".into(),
            start_line: 0,
            flat: lines.iter().map(|l| l.flat).sum(),
            cum: lines.iter().map(|l| l.cum).sum(),
            lines,
        }
    }

    #[test]
    fn annotation_shows_a_margin_and_stops_at_the_end() {
        let src: String = (1..=20).map(|i| format!("l{i}\r\n")).collect();
        let f = func(vec![row(8, 1, 2), row(10, 0, 3)]);
        let rows = annotate(&f, &src);
        assert_eq!(rows.first().map(|r| r.line), Some(3));
        assert_eq!(rows.last().map(|r| r.line), Some(15));
        assert_eq!(rows[5].text, "l8");
        assert_eq!((rows[5].flat, rows[5].cum), (1, 2));
        let f = func(vec![row(2, 1, 1), row(18, 1, 1)]);
        let rows = annotate(&f, &src);
        assert_eq!(rows.first().map(|r| r.line), Some(1));
        assert_eq!(rows.last().map(|r| r.line), Some(20));
        // A line 0 pulls the start to line 1.
        let f = func(vec![row(0, 1, 1), row(12, 1, 1)]);
        assert_eq!(shown_range(&f), Some((1, 17)));
        // A known start line is where the listing starts.
        let mut f = func(vec![row(12, 1, 1)]);
        f.start_line = 9;
        assert_eq!(shown_range(&f), Some((9, 17)));
        // Lines past the end of the file.
        let f = func(vec![row(40, 1, 1)]);
        assert!(annotate(&f, &src).is_empty());
        assert!(annotate(&func(vec![]), &src).is_empty());
    }

    #[test]
    fn candidates_go_from_the_whole_path_to_the_base_name() {
        assert_eq!(
            source_candidates("src/", "/home/x/app/a.go"),
            [
                "src/home/x/app/a.go",
                "src/x/app/a.go",
                "src/app/a.go",
                "src/a.go"
            ]
        );
        assert!(source_candidates("d", "").is_empty());
    }
}
