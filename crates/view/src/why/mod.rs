//! Why a line allocates: the Go compiler's diagnostics (heaplens-text's
//! `escape` reader) joined to a profile's source lines. A diagnostic's path
//! (`./pkg/x.go`, absolute, Windows) is matched to the profile's files by
//! the longest common suffix of path components; a line of the profile then
//! carries what the compiler said about it. [`summary`] says how much of a
//! sample type is at lines the compiler reports as allocating on the heap,
//! which reasons account for most of it, and which hot functions it could
//! not inline. The page and `heaplens why` / `list --escape` share it.

use std::collections::BTreeMap;

use heaplens_analysis::list::{self, FunctionLines};
use heaplens_profile::model::Profile;
use heaplens_profile::units;

pub mod compare;
pub mod view;
pub use heaplens_text::escape::{parse, Diag, Diagnostics, EscapeError, Kind};

/// The diagnostics of a profile's files, by (profile file, line).
#[derive(Debug, Clone, Default)]
pub struct Index {
    by_line: BTreeMap<(String, i64), Vec<Diag>>,
    /// Diagnostic paths and the profile file each was matched to.
    pub matched: Vec<(String, String)>,
    /// Diagnostic paths that matched no file of the profile.
    pub unmatched: Vec<String>,
}

/// A path's components, `/` and `\` alike, without `.` parts.
fn components(path: &str) -> Vec<&str> {
    path.split(['/', '\\'])
        .filter(|c| !c.is_empty() && *c != ".")
        .collect()
}

/// How many trailing components `a` and `b` share.
pub fn common_suffix(a: &str, b: &str) -> usize {
    components(a)
        .iter()
        .rev()
        .zip(components(b).iter().rev())
        .take_while(|(x, y)| x == y)
        .count()
}

impl Index {
    /// Joins `diags` to the files of `funcs` (a profile's functions with
    /// their lines): each diagnostic path goes to the files sharing the
    /// most trailing components with it, at least the file name.
    pub fn new(diags: &[Diag], funcs: &[FunctionLines]) -> Index {
        let mut files: Vec<&str> = funcs
            .iter()
            .map(|f| f.file.as_str())
            .filter(|f| !f.is_empty())
            .collect();
        files.sort_unstable();
        files.dedup();
        let mut index = Index::default();
        let mut target: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for d in diags {
            if target.contains_key(d.path.as_str()) {
                continue;
            }
            let best = files
                .iter()
                .map(|f| common_suffix(&d.path, f))
                .max()
                .unwrap_or(0);
            let hits: Vec<&str> = if best == 0 {
                Vec::new()
            } else {
                files
                    .iter()
                    .copied()
                    .filter(|f| common_suffix(&d.path, f) == best)
                    .collect()
            };
            match hits.as_slice() {
                [] => index.unmatched.push(d.path.clone()),
                hs => index
                    .matched
                    .extend(hs.iter().map(|h| (d.path.clone(), h.to_string()))),
            }
            target.insert(&d.path, hits);
        }
        for d in diags {
            for f in target.get(d.path.as_str()).into_iter().flatten() {
                index
                    .by_line
                    .entry((f.to_string(), i64::from(d.line)))
                    .or_default()
                    .push(d.clone());
            }
        }
        index
    }

    /// What the compiler said about `line` of the profile file `file`.
    pub fn at(&self, file: &str, line: i64) -> &[Diag] {
        self.by_line
            .get(&(file.to_string(), line))
            .map_or(&[], Vec::as_slice)
    }

    /// Every diagnostic of the profile file `file`.
    pub fn in_file<'a>(&'a self, file: &'a str) -> impl Iterator<Item = &'a Diag> + 'a {
        self.by_line
            .range((file.to_string(), i64::MIN)..=(file.to_string(), i64::MAX))
            .flat_map(|(_, v)| v.iter())
    }

    /// Whether no diagnostic matched any file.
    pub fn is_empty(&self) -> bool {
        self.by_line.is_empty()
    }

    /// The note for a file that matched nothing, with the likeliest reason.
    pub fn nothing_matched(&self, name: &str) -> Option<String> {
        self.is_empty().then(|| {
            let example = self.unmatched.first().map_or("", String::as_str);
            format!(
                "{name}: none of its {} matches a file of the profile (e.g. {example:?}): \
                 the diagnostics are likely of another build or checkout of the code",
                heaplens_text::count(self.unmatched.len() as u64, "source path", "source paths")
            )
        })
    }
}

/// One source line with a value and a diagnostic.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// The file as recorded in the profile.
    pub file: String,
    pub line: i64,
    pub flat: i64,
    pub cum: i64,
    pub diags: Vec<Diag>,
}

impl Row {
    /// The diagnostics' messages joined by ` | ` (the TSV's last column).
    pub fn messages(&self) -> String {
        let mut m: Vec<&str> = self.diags.iter().map(|d| d.message.as_str()).collect();
        m.dedup();
        m.join(" | ")
    }
}

/// Every source line of `funcs` with a value and a diagnostic, largest
/// flat first (then cum, file, line). A line of several functions (inlined
/// copies) is summed.
pub fn rows(funcs: &[FunctionLines], index: &Index) -> Vec<Row> {
    let mut by_line: BTreeMap<(String, i64), (i64, i64)> = BTreeMap::new();
    for f in funcs {
        for l in &f.lines {
            if index.at(&f.file, l.line).is_empty() || (l.flat == 0 && l.cum == 0) {
                continue;
            }
            let e = by_line.entry((f.file.clone(), l.line)).or_default();
            e.0 += l.flat;
            e.1 += l.cum;
        }
    }
    let mut rows: Vec<Row> = by_line
        .into_iter()
        .map(|((file, line), (flat, cum))| Row {
            diags: index.at(&file, line).to_vec(),
            file,
            line,
            flat,
            cum,
        })
        .collect();
    rows.sort_by(|a, b| {
        b.flat
            .cmp(&a.flat)
            .then(b.cum.cmp(&a.cum))
            .then_with(|| (&a.file, a.line).cmp(&(&b.file, b.line)))
    });
    rows
}

/// The reason an allocating diagnostic gives, in a few words:
/// `moved to heap`, `make(…) escapes`, `&T{…} escapes`, ….
pub fn reason(d: &Diag) -> &'static str {
    let m = d.message.as_str();
    match d.kind {
        Kind::MovedToHeap => "moved to heap",
        Kind::Escapes if m.starts_with("make(") => "make(…) escapes",
        Kind::Escapes if m.starts_with("new(") => "new(…) escapes",
        Kind::Escapes if m.starts_with('&') => "&T{…} escapes",
        Kind::Escapes if m.starts_with("func literal") => "func literal escapes",
        Kind::Escapes if m.contains(" + ") => "string concatenation escapes",
        Kind::Escapes
            if m.starts_with("string(") || m.starts_with("[]byte(") || m.starts_with("[]rune(") =>
        {
            "conversion escapes"
        }
        Kind::Escapes if m.contains("...") && m.contains("argument") => "... argument escapes",
        Kind::Escapes => "value escapes (interface conversion or copy)",
        _ => "",
    }
}

/// A reason's share: (reason, value at its lines, lines).
#[derive(Debug, Clone, PartialEq)]
pub struct Reason {
    pub reason: String,
    pub value: i64,
    pub sites: usize,
}

/// A hot function the compiler could not inline.
#[derive(Debug, Clone, PartialEq)]
pub struct NotInlined {
    pub function: String,
    pub cum: i64,
    /// The compiler's words: `function too complex: cost 384 exceeds budget 80`.
    pub why: String,
}

/// What [`summary`] finds.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    pub total: i64,
    /// The value at lines the compiler reports as allocating on the heap.
    pub escaping: i64,
    /// Those lines with a value.
    pub escaping_sites: usize,
    /// By reason, largest first.
    pub reasons: Vec<Reason>,
    /// Hot functions (largest cum first, at most 10) not inlined.
    pub not_inlined: Vec<NotInlined>,
}

/// The summary of sample type `ty` over `rows` and `funcs`, of whose
/// samples `total` is the sum.
pub fn summary(total: i64, funcs: &[FunctionLines], index: &Index, rows: &[Row]) -> Summary {
    let mut reasons: BTreeMap<&'static str, (i64, usize)> = BTreeMap::new();
    let (mut escaping, mut sites) = (0, 0);
    for r in rows {
        let mut why: Vec<&'static str> = r
            .diags
            .iter()
            .filter(|d| d.kind.allocates())
            .map(reason)
            .collect();
        if why.is_empty() {
            continue;
        }
        escaping += r.flat;
        sites += usize::from(r.flat != 0);
        why.sort_unstable();
        why.dedup();
        for w in why {
            let e = reasons.entry(w).or_default();
            e.0 += r.flat;
            e.1 += usize::from(r.flat != 0);
        }
    }
    let mut reasons: Vec<Reason> = reasons
        .into_iter()
        .map(|(reason, (value, sites))| Reason {
            reason: reason.to_string(),
            value,
            sites,
        })
        .collect();
    reasons.sort_by(|a, b| b.value.cmp(&a.value).then_with(|| a.reason.cmp(&b.reason)));
    let mut not_inlined: Vec<NotInlined> = funcs
        .iter()
        .filter(|f| f.cum != 0)
        .filter_map(|f| {
            let d = cannot_inline(f, index)?;
            // `cannot inline F: function too complex: cost 384 exceeds budget 80`.
            let why = d.message.split_once(": ").map_or("", |(_, w)| w);
            Some(NotInlined {
                function: f.name.clone(),
                cum: f.cum,
                why: why.to_string(),
            })
        })
        .collect();
    not_inlined.sort_by(|a, b| b.cum.cmp(&a.cum).then_with(|| a.function.cmp(&b.function)));
    not_inlined.truncate(10);
    Summary {
        total,
        escaping,
        escaping_sites: sites,
        reasons,
        not_inlined,
    }
}

/// The `cannot inline` diagnostic of function `f`: in its file, naming it
/// (`cannot inline (*Scheduler).Create: …`, the name without its package)
/// or, for the JSON's nameless ones, at the line it starts at.
fn cannot_inline<'a>(f: &'a FunctionLines, index: &'a Index) -> Option<&'a Diag> {
    let short = f.name.rsplit('/').next().unwrap_or(&f.name);
    let short = short.split_once('.').map_or(short, |(_, s)| s);
    index
        .in_file(&f.file)
        .filter(|d| d.kind == Kind::CannotInline)
        .find(|d| {
            let named = d
                .message
                .strip_prefix("cannot inline ")
                .and_then(|m| m.split_once(": "))
                .is_some_and(|(name, _)| name == short);
            named || (f.start_line > 0 && i64::from(d.line) == f.start_line)
        })
}

/// What [`analyse`] finds.
#[derive(Debug, Clone)]
pub struct Analysis {
    /// The profile's functions with their lines.
    pub funcs: Vec<FunctionLines>,
    pub index: Index,
    pub rows: Vec<Row>,
    pub summary: Summary,
}

/// Everything for sample type `ty` of all of `p`'s samples.
pub fn analyse(p: &Profile, ty: usize, diags: &Diagnostics) -> Analysis {
    analyse_part(p, ty, 0..p.num_samples(), 1, diags)
}

/// Everything for sample type `ty` of the samples in `samples`, their
/// values times `sign` (a diff's parts: see `list::lines_of_samples`).
pub fn analyse_part(
    p: &Profile,
    ty: usize,
    samples: std::ops::Range<usize>,
    sign: i64,
    diags: &Diagnostics,
) -> Analysis {
    let total = if ty < p.num_types() {
        let end = samples.end.min(p.num_samples());
        (samples.start..end).fold(0i64, |t, s| {
            t.wrapping_add(p.value(s, ty).wrapping_mul(sign))
        })
    } else {
        0
    };
    let funcs = list::lines_of_samples(p, ty, samples, sign, |_| true);
    let index = Index::new(&diags.diags, &funcs);
    let rows = rows(&funcs, &index);
    let summary = summary(total, &funcs, &index, &rows);
    Analysis {
        funcs,
        index,
        rows,
        summary,
    }
}

/// The summary as text: `heaplens why`'s output.
pub fn summary_text(s: &Summary, type_name: &str, unit: &str) -> String {
    let label = |v: i64| units::label(v, unit);
    let mut out = format!(
        "{} of {type_name} ({} of {}) is at {} the compiler reports as allocating on the heap\n",
        units::percentage(s.escaping, s.total).trim(),
        label(s.escaping),
        label(s.total),
        heaplens_text::count(s.escaping_sites as u64, "line", "lines"),
    );
    for r in &s.reasons {
        out.push_str(&format!(
            "  {}: {} of {type_name}, {}\n",
            r.reason,
            units::percentage(r.value, s.total).trim(),
            heaplens_text::count(r.sites as u64, "site", "sites")
        ));
    }
    if !s.not_inlined.is_empty() {
        out.push_str("Hot functions the compiler could not inline:\n");
        for n in &s.not_inlined {
            out.push_str(&format!(
                "  {} ({} cum): {}\n",
                n.function,
                units::percentage(n.cum, s.total).trim(),
                n.why
            ));
        }
    }
    out
}

/// `file<TAB>line<TAB>flat<TAB>cum<TAB>diagnostics` rows.
pub fn tsv(rows: &[Row]) -> String {
    rows.iter()
        .map(|r| {
            format!(
                "{}\t{}\t{}\t{}\t{}\n",
                r.file,
                r.line,
                r.flat,
                r.cum,
                r.messages()
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suffix_matching() {
        assert_eq!(
            common_suffix(
                "./scheduler/baseline.go",
                "/work/x/tests/gen/scheduler/baseline.go"
            ),
            2
        );
        assert_eq!(common_suffix("C:\\src\\app\\x.go", "app/x.go"), 2);
        assert_eq!(common_suffix("a/x.go", "b/y.go"), 0);
        assert_eq!(common_suffix(".\\pkg\\x.go", "/go/pkg/x.go"), 2);
    }
}
