//! The compiler's diagnostics in the worker: loaded beside the profile,
//! then every view carries [`WhyView`]: the summary of what is allocated at
//! lines the compiler reports as escaping, the top such lines, and what it
//! said about the selected function's lines (for the line view).

use serde::{Deserialize, Serialize};

use heaplens_analysis::list::FunctionLines;
use heaplens_profile::Profile;

use super::{Response, Session};
use crate::why::{self, Diagnostics};

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

impl Session {
    /// Whether `bytes` (a file's start) are the compiler's diagnostics.
    pub fn is_diagnostics(bytes: &[u8]) -> bool {
        heaplens_text::escape::looks_like_diagnostics(&bytes[..bytes.len().min(64 << 10)])
    }

    /// Adds a diagnostics file (`-m`, `-m=2` output or a `-json=0` file)
    /// to those loaded; views carry them from now on.
    pub fn load_diagnostics(&mut self, name: &str, bytes: &[u8]) -> Result<Response, String> {
        let d = why::parse(&String::from_utf8_lossy(bytes)).map_err(|e| e.to_string())?;
        let loaded = self.diagnostics.get_or_insert_with(Loaded::default);
        if !loaded.names.iter().any(|n| n == name) {
            loaded.names.push(name.to_string());
        }
        loaded.diags.lines += d.lines;
        loaded.diags.ignored_lines += d.ignored_lines;
        loaded.diags.diags.extend(d.diags);
        Ok(Response::Diagnostics {
            names: loaded.names.clone(),
            count: loaded.diags.diags.len(),
        })
    }
}

/// The view's part of the diagnostics for sample type `ty` of `p`, with
/// the notes of `lines` (the selected function's).
pub fn why_view(loaded: &Loaded, p: &Profile, ty: usize, lines: &[FunctionLines]) -> WhyView {
    let (index, rows, summary) = why::analyse(p, ty, &loaded.diags);
    let st = p.sample_types.get(ty);
    let text = why::summary_text(
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
