//! heaplens-text: the readers of profiles written as text. They run once
//! per file, so the crate is built for size (heaplens-profile's protobuf
//! decoder and the call trees are the hot path).
//!
//! - [`legacy`]: legacy text profiles (Go/gperftools heap, Go count
//!   profiles, threadz, contentionz, Java heapz/contentionz), read the way
//!   `go tool pprof` reads them, plus the `#` symbol lines of Go's `debug=1`
//!   output.
//! - [`folded`]: folded stacks, `root;caller;leaf 123`.
//! - [`escape`]: the Go compiler's `-gcflags=-m` / `-m=2` / `-json=0`
//!   diagnostics (escape analysis and inlining), by file and line.
//! - [`gctrace`]: the Go runtime's `GODEBUG=gctrace=1` log (not a profile:
//!   one record per garbage collection).
//!
//! Both produce a [`TextProfile`]: the tables of a profile (strings,
//! mappings, functions, frames, locations, samples) already resolved to
//! indices, so heaplens-profile only copies them into its model
//! (`heaplens_profile::decode::text`). This crate depends on no other of
//! heaplens's; errors are its own [`Error`].

use rustc_hash::FxHashMap as HashMap;
use std::fmt;

pub mod escape;
pub mod folded;
pub mod gctrace;
pub mod legacy;

/// `n` and its noun, singular for 1: `1 frame`, `0 frames`, `2 entries`.
pub fn count(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", noun(n, one, many))
}

/// The noun for `n` things: `one` for 1, else `many`.
pub fn noun<'a>(n: u64, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 {
        one
    } else {
        many
    }
}

/// A profile read from text, in the shape of heaplens-profile's model: every
/// reference is an index into one of the tables here, and string fields
/// are indices into [`TextProfile::strings`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TextProfile {
    /// The string table; entry 0 is "".
    pub strings: Vec<String>,
    /// (type, unit) of each value of a sample.
    pub sample_types: Vec<(String, String)>,
    /// (type, unit) of [`TextProfile::period`], if the format has one.
    pub period_type: Option<(String, String)>,
    pub period: i64,
    pub duration_nanos: i64,
    /// The regexes `go tool pprof` applies to profiles of this kind ("" for
    /// none).
    pub drop_frames: String,
    pub keep_frames: String,
    pub mappings: Vec<TextMapping>,
    pub functions: Vec<TextFunction>,
    pub frames: Vec<TextFrame>,
    pub locations: Vec<TextLocation>,
    pub samples: Vec<TextSample>,
    /// The `# runtime.MemStats` block of a Go heap profile, as (name,
    /// value) pairs in file order.
    pub memstats: Vec<(String, String)>,
    /// Oddities that were survived.
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TextMapping {
    pub start: u64,
    pub limit: u64,
    pub offset: u64,
    /// String index of the binary's path.
    pub file: u32,
    /// String index of the build id.
    pub build_id: u32,
}

/// A function: name and source file (string indices).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextFunction {
    pub name: u32,
    pub file: u32,
}

/// A function at a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextFrame {
    /// Index into [`TextProfile::functions`].
    pub function: u32,
    pub line: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextLocation {
    pub address: u64,
    /// Index into [`TextProfile::mappings`].
    pub mapping: Option<u32>,
    /// `frames_start..frames_end` in [`TextProfile::frames`], innermost
    /// (inlined) frame first; empty when the address has no symbol.
    pub frames_start: u32,
    pub frames_end: u32,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TextSample {
    /// Indices into [`TextProfile::locations`], leaf first.
    pub locations: Vec<u32>,
    /// One value per sample type.
    pub values: Vec<i64>,
    /// Numeric labels: (key as a string index, value).
    pub labels: Vec<(u32, i64)>,
}

/// Why a text profile cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// A line of a legacy text profile that cannot be read; `line` counts
    /// from 1, `format` names the kind of profile.
    Malformed {
        format: &'static str,
        line: usize,
        detail: String,
    },
    /// Folded stacks text with a line that is not `frame;frame;... count`
    /// (`line` counts from 1).
    Folded { line: usize, detail: String },
    /// Samples but no sample types.
    NoSampleTypes,
    /// A sample with a different number of values than sample types.
    ValueCount {
        sample: usize,
        got: usize,
        want: usize,
    },
    /// A legacy profile with more than 4 billion stack entries.
    TooManyStackEntries,
    /// Folded stacks with more than 4 billion functions or stack entries;
    /// `size` is the input's length in bytes.
    TooLarge { size: u64 },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Malformed {
                format,
                line,
                detail,
            } => write!(f, "line {line} of the {format} cannot be read: {detail}"),
            Error::Folded { line, detail } => {
                write!(f, "folded stacks text, line {line}: {detail}")
            }
            Error::NoSampleTypes => write!(f, "the profile has samples but no sample types"),
            Error::ValueCount { sample, got, want } => write!(
                f,
                "sample {sample} has {} but the profile declares {}",
                count(*got as u64, "value", "values"),
                count(*want as u64, "sample type", "sample types")
            ),
            Error::TooManyStackEntries => {
                write!(f, "the profile has more than 4 billion stack entries")
            }
            Error::TooLarge { size } => {
                write!(
                    f,
                    "the input ({size} bytes) has more than 4 billion entries"
                )
            }
        }
    }
}

impl std::error::Error for Error {}

pub type Result<T> = std::result::Result<T, Error>;

/// A string table being built: each distinct string once, "" first.
pub(crate) struct Strings {
    table: Vec<String>,
    index: HashMap<String, u32>,
}

impl Strings {
    pub(crate) fn new() -> Strings {
        let mut s = Strings {
            table: Vec::new(),
            index: HashMap::default(),
        };
        s.intern("");
        s
    }

    pub(crate) fn intern(&mut self, v: &str) -> u32 {
        if let Some(&k) = self.index.get(v) {
            return k;
        }
        let k = self.table.len() as u32;
        self.table.push(v.to_string());
        self.index.insert(v.to_string(), k);
        k
    }

    pub(crate) fn finish(self) -> Vec<String> {
        self.table
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_singular_for_one() {
        assert_eq!(count(1, "frame", "frames"), "1 frame");
        assert_eq!(count(0, "frame", "frames"), "0 frames");
        assert_eq!(count(2, "entry", "entries"), "2 entries");
        let e = Error::ValueCount {
            sample: 3,
            got: 1,
            want: 1,
        };
        assert_eq!(
            e.to_string(),
            "sample 3 has 1 value but the profile declares 1 sample type"
        );
    }
}
