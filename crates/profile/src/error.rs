//! The one error type of decoding and the analyses (heaplens-profile and
//! heaplens-analysis). Every variant says which stage failed
//! and, where there is one, which id or field was wrong, in words a user can
//! act on (the CLI prints `Display` as is; the app shows it in an alert).

use std::fmt;

/// Where in the pipeline an error was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Reading the bytes (size checks, format sniffing).
    Read,
    /// Inflating gzip.
    Gzip,
    /// Parsing the protobuf wire format.
    Protobuf,
    /// Resolving ids and strings into the model.
    Resolve,
    /// Choosing or using a sample type, a regular expression, an option.
    Query,
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Stage::Read => "read",
            Stage::Gzip => "gzip",
            Stage::Protobuf => "protobuf",
            Stage::Resolve => "resolve",
            Stage::Query => "query",
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// Zero bytes.
    Empty,
    /// Not gzip and not a protobuf profile; `hint` names what it looks like.
    NotAProfile { hint: String },
    /// A format we recognise but do not read (yet).
    UnsupportedFormat { format: String },
    /// The input is larger than the configured cap.
    InputTooLarge { size: u64, limit: u64 },
    /// Inflating would exceed the cap; decompression stopped there.
    DecompressedTooLarge { limit: u64 },
    /// The data inflates far more than any real profile (gzip's
    /// `MAX_RATIO`): a gzip bomb; decompression stopped at `inflated` bytes
    /// from `compressed`.
    GzipBomb { inflated: u64, compressed: u64 },
    /// The gzip stream is damaged or truncated.
    Gzip { detail: String },
    /// The protobuf wire data is damaged; `at` is a byte offset and `context`
    /// names the message being read.
    Protobuf {
        context: String,
        at: usize,
        detail: String,
    },
    /// An id that refers to nothing, e.g. a sample naming location 7 when
    /// there is no location 7.
    DanglingId {
        from: String,
        kind: &'static str,
        id: u64,
    },
    /// Two entries with the same id.
    DuplicateId { kind: &'static str, id: u64 },
    /// An id of 0, which the format reserves.
    ReservedId { kind: &'static str },
    /// A string index past the end of the string table.
    StringIndex {
        field: String,
        index: i64,
        len: usize,
    },
    /// A sample whose number of values differs from the number of sample types.
    ValueCount {
        sample: usize,
        got: usize,
        want: usize,
    },
    /// Samples but no sample types.
    NoSampleTypes,
    /// The string table does not start with "".
    StringTableStart,
    /// A sample type asked for by name or index that the profile lacks.
    UnknownSampleType {
        asked: String,
        available: Vec<String>,
    },
    /// A regular expression in the profile (drop_frames/keep_frames) or given
    /// by the user that does not compile.
    BadRegex { field: String, detail: String },
    /// A line of a legacy text profile that cannot be read; `line` counts
    /// from 1.
    Malformed {
        format: String,
        line: usize,
        detail: String,
    },
    /// Anything else about the query (bad option values).
    Invalid { what: String },
    /// Folded stacks text with a line that is not `frame;frame;... count`
    /// (`line` counts from 1).
    Folded { line: usize, detail: String },
}

impl Error {
    /// The pipeline stage the error belongs to.
    pub fn stage(&self) -> Stage {
        match self {
            Error::Empty
            | Error::NotAProfile { .. }
            | Error::UnsupportedFormat { .. }
            | Error::InputTooLarge { .. }
            | Error::Malformed { .. }
            | Error::Folded { .. } => Stage::Read,
            Error::DecompressedTooLarge { .. } | Error::GzipBomb { .. } | Error::Gzip { .. } => {
                Stage::Gzip
            }
            Error::Protobuf { .. } => Stage::Protobuf,
            Error::DanglingId { .. }
            | Error::DuplicateId { .. }
            | Error::ReservedId { .. }
            | Error::StringIndex { .. }
            | Error::ValueCount { .. }
            | Error::NoSampleTypes
            | Error::StringTableStart => Stage::Resolve,
            Error::UnknownSampleType { .. } | Error::BadRegex { .. } | Error::Invalid { .. } => {
                Stage::Query
            }
        }
    }
}

fn mib(n: u64) -> String {
    if n >= 1 << 30 && n.is_multiple_of(1 << 30) {
        format!("{} GiB", n >> 30)
    } else if n >= 1 << 20 {
        format!("{:.1} MiB", n as f64 / (1u64 << 20) as f64)
    } else {
        crate::units::count(n, "byte", "bytes")
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Empty => write!(f, "the file is empty"),
            Error::NotAProfile { hint } => {
                write!(f, "not a pprof profile (neither gzip nor protobuf): {hint}")
            }
            Error::UnsupportedFormat { format } => {
                write!(f, "{format} is not supported yet; convert it to a protobuf profile (e.g. `go tool pprof -proto FILE > out.pb.gz`)")
            }
            Error::InputTooLarge { size, limit } => write!(
                f,
                "the file is {} but the limit is {}",
                mib(*size),
                mib(*limit)
            ),
            Error::DecompressedTooLarge { limit } => write!(
                f,
                "the gzip data inflates to more than {}; stopped there (a damaged file or a gzip bomb?)",
                mib(*limit)
            ),
            Error::GzipBomb {
                inflated,
                compressed,
            } => write!(
                f,
                "the gzip data inflates {} times its size ({} from {}), far more than any profile; stopped there (a gzip bomb?)",
                inflated / (*compressed).max(1),
                mib(*inflated),
                crate::units::count(*compressed, "byte", "bytes")
            ),
            Error::Gzip { detail } => {
                write!(f, "the gzip data is damaged or truncated ({detail})")
            }
            Error::Protobuf { context, at, detail } => write!(
                f,
                "damaged protobuf data in {context} at byte {at}: {detail} (truncated or not a profile?)"
            ),
            Error::DanglingId { from, kind, id } => {
                write!(f, "{from} refers to {kind} id {id}, which does not exist")
            }
            Error::DuplicateId { kind, id } => write!(f, "two {kind}s have the same id {id}"),
            Error::ReservedId { kind } => write!(f, "a {kind} has the reserved id 0"),
            Error::StringIndex { field, index, len } => write!(
                f,
                "{field} points at string {index}, but the string table has only {}",
                crate::units::count(*len as u64, "entry", "entries")
            ),
            Error::ValueCount { sample, got, want } => write!(
                f,
                "sample {sample} has {} but the profile declares {}",
                crate::units::count(*got as u64, "value", "values"),
                crate::units::count(*want as u64, "sample type", "sample types")
            ),
            Error::NoSampleTypes => write!(f, "the profile has samples but no sample types"),
            Error::StringTableStart => {
                write!(f, "the string table does not start with the empty string")
            }
            Error::UnknownSampleType { asked, available } => write!(
                f,
                "no sample type {asked:?}; this profile has: {}",
                if available.is_empty() {
                    "none".to_string()
                } else {
                    available.join(", ")
                }
            ),
            Error::BadRegex { field, detail } => {
                write!(f, "{field} is not a valid regular expression: {detail}")
            }
            Error::Malformed {
                format,
                line,
                detail,
            } => write!(f, "line {line} of the {format} cannot be read: {detail}"),
            Error::Invalid { what } => f.write_str(what),
            Error::Folded { line, detail } => {
                write!(f, "folded stacks text, line {line}: {detail}")
            }
        }
    }
}

impl std::error::Error for Error {}

pub type Result<T> = std::result::Result<T, Error>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_of_one_are_singular() {
        let e = Error::ValueCount {
            sample: 0,
            got: 1,
            want: 2,
        };
        assert_eq!(
            e.to_string(),
            "sample 0 has 1 value but the profile declares 2 sample types"
        );
        let e = Error::StringIndex {
            field: "function name".into(),
            index: 4,
            len: 1,
        };
        assert!(e.to_string().ends_with("has only 1 entry"), "{e}");
        assert!(mib(1).ends_with("1 byte"));
    }
}
