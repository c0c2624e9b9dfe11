//! What a view shows of the compiler's diagnostics: the summary of what
//! is allocated at lines the compiler reports as escaping, the top such
//! lines, and what it said about the selected function's lines (for the
//! line view).

use serde::{Deserialize, Serialize};

use heaplens_analysis::list::FunctionLines;
use heaplens_profile::Profile;

use super::Diagnostics;

/// Diagnostics files loaded (their names) and what they hold, merged.
#[derive(Debug, Clone, Default)]
pub struct Loaded {
    pub names: Vec<String>,
    pub diags: Diagnostics,
}

/// A line of the compiler's about one source line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineNote {
    /// The file as the profile records it.
    pub file: String,
    pub line: i64,
    /// `escapes to heap`, `moved to heap`, `cannot inline`, ….
    pub kind: String,
    /// Whether it explains an allocation.
    pub allocates: bool,
    pub message: String,
    /// `-m=2`'s explanation.
    pub flow: Vec<String>,
}

/// A line with a value and a diagnostic.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WhyRow {
    pub file: String,
    pub line: i64,
    pub flat: i64,
    pub cum: i64,
    pub messages: String,
}

/// What a view shows of the diagnostics.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WhyView {
    pub names: Vec<String>,
    /// `heaplens why`'s text, line by line.
    pub summary: Vec<String>,
    /// The lines with the most flat (at most 15).
    pub rows: Vec<WhyRow>,
    /// What the compiler said about the selected function's lines.
    pub notes: Vec<LineNote>,
    /// Nothing matched (and why), or lines skipped.
    pub note: Option<String>,
    /// In a diff with both builds' diagnostics: what changed, line by line
    /// (`heaplens why --base`'s text).
    #[serde(default)]
    pub compare: Vec<String>,
}

/// The diagnostics loaded for each side.
#[derive(Debug, Clone, Copy, Default)]
pub struct Sides<'a> {
    /// Of the new build (or the one profile's).
    pub new: Option<&'a Loaded>,
    /// Of the base build (a diff's base).
    pub base: Option<&'a Loaded>,
}

/// The analysis a view shows, with the comparison's in a diff: `split` is
/// where a diff's base samples (negated) start in `p`. The new side's
/// diagnostics join the new samples, the base's the base samples; with one
/// side's only, that side is shown. Outside a diff, all of them join the
/// one profile.
pub fn analyse(
    sides: Sides,
    p: &Profile,
    ty: usize,
    split: Option<usize>,
) -> Option<(super::Analysis, Option<super::Analysis>)> {
    let n = p.num_samples();
    let Some(split) = split else {
        // One profile: every diagnostics file loaded joins it.
        let diags = match (sides.new, sides.base) {
            (Some(n), Some(b)) => {
                let mut d = n.diags.clone();
                d.diags.extend(b.diags.diags.iter().cloned());
                std::borrow::Cow::Owned(d)
            }
            (Some(l), None) | (None, Some(l)) => std::borrow::Cow::Borrowed(&l.diags),
            (None, None) => return None,
        };
        return Some((super::analyse(p, ty, &diags), None));
    };
    let new = sides
        .new
        .map(|l| super::analyse_part(p, ty, 0..split, 1, &l.diags));
    let base = sides
        .base
        .map(|l| super::analyse_part(p, ty, split..n, -1, &l.diags));
    match (new, base) {
        (Some(new), base) => Some((new, base)),
        (None, Some(base)) => Some((base, None)),
        (None, None) => None,
    }
}

/// The view's part of the diagnostics for sample type `ty` of `p` (see
/// [`analyse`]), with the notes of `lines` (the selected function's).
pub fn view(
    sides: Sides,
    shown: &super::Analysis,
    base: Option<&super::Analysis>,
    p: &Profile,
    ty: usize,
    lines: &[FunctionLines],
) -> WhyView {
    let index = &shown.index;
    let st = p.sample_types.get(ty);
    let (type_name, unit) = st.map_or(("", ""), |s| (s.ty.as_str(), s.unit.as_str()));
    let text = super::summary_text(&shown.summary, type_name, unit);
    let compare = base.map_or(String::new(), |b| {
        super::compare::text(&super::compare::compare(b, shown), type_name, unit)
    });
    let mut notes = Vec::new();
    for f in lines {
        let first = f.lines.first().map_or(0, |l| l.line) - MARGIN;
        let last = f.lines.last().map_or(0, |l| l.line) + MARGIN;
        let from = first.min(if f.start_line > 0 {
            f.start_line
        } else {
            first
        });
        for line in from..=last {
            for d in index.at(&f.file, line) {
                notes.push(LineNote {
                    file: f.file.clone(),
                    line,
                    kind: d.kind.word().to_string(),
                    allocates: d.kind.allocates(),
                    message: d.message.clone(),
                    flow: d.flow.clone(),
                });
            }
        }
    }
    let (names, unmatched) = files_and_notes(sides, shown, base);
    WhyView {
        names,
        summary: text.lines().map(str::to_string).collect(),
        rows: shown
            .rows
            .iter()
            .take(15)
            .map(|r| WhyRow {
                file: r.file.clone(),
                line: r.line,
                flat: r.flat,
                cum: r.cum,
                messages: r.messages(),
            })
            .collect(),
        notes,
        note: (!unmatched.is_empty()).then(|| unmatched.join("; ")),
        compare: compare.lines().map(str::to_string).collect(),
    }
}

/// The diagnostics files of an analysis (the base build's marked
/// `(base)` in a comparison) and the notes of those that matched nothing:
/// in a comparison each side's, else of all files together.
pub fn files_and_notes(
    sides: Sides,
    shown: &super::Analysis,
    base: Option<&super::Analysis>,
) -> (Vec<String>, Vec<String>) {
    let names_of = |l: Option<&Loaded>| l.map_or(Vec::new(), |l| l.names.clone());
    let (mut names, base_names) = (names_of(sides.new), names_of(sides.base));
    let mut unmatched = Vec::new();
    match base {
        Some(b) => {
            unmatched.extend(shown.index.nothing_matched(&names.join(", ")));
            unmatched.extend(b.index.nothing_matched(&base_names.join(", ")));
            names.extend(base_names.iter().map(|n| format!("{n} (base)")));
        }
        None => {
            names.extend(base_names);
            unmatched.extend(shown.index.nothing_matched(&names.join(", ")));
        }
    }
    (names, unmatched)
}

/// The lines around a function's shown in the line view.
const MARGIN: i64 = heaplens_analysis::list::MARGIN;
