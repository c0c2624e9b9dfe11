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
}

/// The view's part of the diagnostics for sample type `ty` of `p`, with
/// the notes of `lines` (the selected function's).
pub fn view(loaded: &Loaded, p: &Profile, ty: usize, lines: &[FunctionLines]) -> WhyView {
    let (index, rows, summary) = super::analyse(p, ty, &loaded.diags);
    let st = p.sample_types.get(ty);
    let text = super::summary_text(
        &summary,
        st.map_or("", |s| s.ty.as_str()),
        st.map_or("", |s| s.unit.as_str()),
    );
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
    WhyView {
        names: loaded.names.clone(),
        summary: text.lines().map(str::to_string).collect(),
        rows: rows
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
        note: index.nothing_matched(&loaded.names.join(", ")),
    }
}

/// The lines around a function's shown in the line view.
const MARGIN: i64 = heaplens_analysis::list::MARGIN;
