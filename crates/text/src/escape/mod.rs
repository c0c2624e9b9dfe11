//! The Go compiler's optimisation diagnostics: `go build -gcflags=-m`
//! (`./pkg/x.go:42:13: make([]byte, n) escapes to heap`, `moved to heap:
//! buf`, `... does not escape`, inlining decisions and their costs),
//! `-m=2` (the same, plus each escape's `flow:` explanation indented under
//! it), and the `-json=0,DIR` files (one JSON document per source file, a
//! header line then one LSP-style diagnostic per line).
//!
//! Paths are kept as printed (relative, absolute, Windows); matching them to
//! a profile's files is the caller's (by the longest common suffix). Lines
//! that are not diagnostics (`# pkg` headers, `go: downloading …`, test
//! output) are counted and ignored.

use std::fmt;

mod json;

/// What a diagnostic says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// `X escapes to heap`: a value allocated on the heap.
    Escapes,
    /// `moved to heap: x`: a variable the compiler put on the heap.
    MovedToHeap,
    /// `x does not escape`.
    DoesNotEscape,
    /// `leaking param: x` and its kin.
    Leaking,
    /// `can inline F with cost N …`.
    CanInline,
    /// `cannot inline F: reason` (with the cost when over budget).
    CannotInline,
    /// `inlining call to F`.
    Inlined,
    /// Anything else (`devirtualizing …`, bounds checks).
    Other,
}

impl Kind {
    /// The words shown for it: `escapes`, `moved to heap`, ….
    pub fn word(self) -> &'static str {
        match self {
            Kind::Escapes => "escapes to heap",
            Kind::MovedToHeap => "moved to heap",
            Kind::DoesNotEscape => "does not escape",
            Kind::Leaking => "leaking param",
            Kind::CanInline => "can inline",
            Kind::CannotInline => "cannot inline",
            Kind::Inlined => "inlined call",
            Kind::Other => "other",
        }
    }

    /// Whether it explains a heap allocation at its line.
    pub fn allocates(self) -> bool {
        matches!(self, Kind::Escapes | Kind::MovedToHeap)
    }

    pub(crate) fn of(message: &str) -> Kind {
        let m = message.trim_end_matches(':');
        if m.ends_with("escapes to heap") {
            Kind::Escapes
        } else if m.starts_with("moved to heap: ") {
            Kind::MovedToHeap
        } else if m.ends_with("does not escape") {
            Kind::DoesNotEscape
        } else if m.starts_with("leaking param") {
            Kind::Leaking
        } else if m.starts_with("can inline ") {
            Kind::CanInline
        } else if m.starts_with("cannot inline ") {
            Kind::CannotInline
        } else if m.starts_with("inlining call to ") {
            Kind::Inlined
        } else {
            Kind::Other
        }
    }
}

/// One diagnostic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diag {
    /// The source path as printed (`./pkg/x.go`, `/src/x.go`, `C:\x.go`).
    pub path: String,
    pub line: u32,
    pub col: u32,
    pub kind: Kind,
    /// The message as printed, without a trailing `:`.
    pub message: String,
    /// The inlining cost, for `can inline` and over-budget `cannot inline`.
    pub cost: Option<u32>,
    /// `-m=2`'s explanation lines (`flow: …`, `from … at …`), trimmed.
    pub flow: Vec<String>,
}

/// A diagnostics file read.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Diagnostics {
    pub diags: Vec<Diag>,
    /// Lines read.
    pub lines: usize,
    /// Lines that are not diagnostics, ignored.
    pub ignored_lines: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EscapeError {
    /// No line is a diagnostic.
    NoDiagnostics { lines: usize },
}

impl fmt::Display for EscapeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EscapeError::NoDiagnostics { lines } => write!(
                f,
                "no compiler diagnostic (FILE.go:LINE:COL: message, from go build -gcflags=-m) in its {}",
                crate::count(*lines as u64, "line", "lines")
            ),
        }
    }
}

impl std::error::Error for EscapeError {}

/// `path:line:col: message` split, when `line` is a diagnostic: the path
/// ends in `.go` (any characters before, drive letters and spaces too).
fn split(line: &str) -> Option<(&str, u32, u32, &str)> {
    let mut from = 0;
    while let Some(p) = line[from..].find(".go:") {
        let end = from + p + 3;
        let rest = &line[end + 1..];
        let mut parts = rest.splitn(3, ':');
        let (l, c, msg) = (parts.next()?, parts.next(), parts.next());
        if let (Ok(l), Some(Ok(c)), Some(msg)) = (l.parse(), c.map(str::parse), msg) {
            if let Some(msg) = msg.strip_prefix(' ') {
                return Some((&line[..end], l, c, msg));
            }
        }
        from = end;
    }
    None
}

/// Whether `head` (a file's start) holds compiler diagnostics: a `-m`
/// line or a `-json` header.
pub fn looks_like_diagnostics(head: &[u8]) -> bool {
    let text = String::from_utf8_lossy(head);
    if json::is_header(text.lines().next().unwrap_or("")) {
        return true;
    }
    text.lines().take(500).any(|l| {
        split(l).is_some_and(|(_, _, _, m)| !m.starts_with(' ') && Kind::of(m) != Kind::Other)
    })
}

/// Reads `-m` / `-m=2` text or a `-json=0` file.
pub fn parse(text: &str) -> Result<Diagnostics, EscapeError> {
    if json::is_header(text.lines().next().unwrap_or("")) {
        return json::parse(text);
    }
    let mut out = Diagnostics::default();
    // The `-m=2` block being read: its diagnostic's index.
    let mut block: Option<usize> = None;
    for line in text.lines() {
        out.lines += 1;
        let Some((path, l, c, msg)) = split(line.trim_end()) else {
            out.ignored_lines += 1;
            block = None;
            continue;
        };
        if msg.starts_with(' ') {
            // An explanation line of the block at the same position.
            match block.and_then(|i| out.diags.get_mut(i)) {
                Some(d) if d.path == path && d.line == l && d.col == c => {
                    d.flow.push(msg.trim().to_string());
                }
                _ => out.ignored_lines += 1,
            }
            continue;
        }
        let header = msg.ends_with(':');
        let message = msg.trim_end_matches(':');
        // `-m=2` prints a block's diagnostic again without its flow: one.
        let again = out.diags.iter().rev().take(64).any(|d| {
            d.path == path
                && d.line == l
                && d.col == c
                && d.message == message
                && !d.flow.is_empty()
        });
        if again && !header {
            block = None;
            continue;
        }
        out.diags.push(Diag {
            path: path.to_string(),
            line: l,
            col: c,
            kind: Kind::of(message),
            message: message.to_string(),
            cost: cost(message),
            flow: Vec::new(),
        });
        block = header.then_some(out.diags.len() - 1);
    }
    if out.diags.is_empty() {
        return Err(EscapeError::NoDiagnostics { lines: out.lines });
    }
    Ok(out)
}

/// The cost in `can inline F with cost N as: …` or `… cost N exceeds budget
/// M`.
pub(crate) fn cost(message: &str) -> Option<u32> {
    let at = message.find("cost ")? + 5;
    let digits: String = message[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn m_and_m2_lines() {
        let text = "\
# heaplens/testgen/scheduler
scheduler/api.go:104:6: cannot inline (*Clock).Now: function too complex: cost 131 exceeds budget 80
scheduler/api.go:99:6: can inline NewClock with cost 54 as: func(time.Time, time.Duration) *Clock { return &Clock{...} }
scheduler/api.go:100:9: &Clock{...} escapes to heap:
scheduler/api.go:100:9:   flow: ~r0 = &{storage for &Clock{...}}:
scheduler/api.go:100:9:     from &Clock{...} (spill) at scheduler/api.go:100:9
scheduler/api.go:99:15: start does not escape
scheduler/api.go:100:9: &Clock{...} escapes to heap
C:\\my src\\app\\x.go:12:6: moved to heap: buf
";
        let d = parse(text).expect("parse");
        assert_eq!(d.ignored_lines, 1);
        let kinds: Vec<Kind> = d.diags.iter().map(|x| x.kind).collect();
        assert_eq!(
            kinds,
            [
                Kind::CannotInline,
                Kind::CanInline,
                Kind::Escapes,
                Kind::DoesNotEscape,
                Kind::MovedToHeap
            ]
        );
        assert_eq!((d.diags[0].cost, d.diags[1].cost), (Some(131), Some(54)));
        assert_eq!(d.diags[2].flow.len(), 2);
        assert!(d.diags[2].flow[1].starts_with("from &Clock{...} (spill)"));
        assert_eq!(
            (d.diags[4].path.as_str(), d.diags[4].line, d.diags[4].col),
            ("C:\\my src\\app\\x.go", 12, 6)
        );
        assert_eq!(d.diags[4].message, "moved to heap: buf");
        assert!(parse("hello\nworld\n").is_err());
        assert!(looks_like_diagnostics(text.as_bytes()));
        assert!(!looks_like_diagnostics(b"gc 1 @0.1s 1%: ...\n"));
    }
}
