//! What the legacy readers collect before the profile is assembled: samples
//! as addresses and values, mappings, the frames symbol lines name, and the
//! error for a malformed line.

use rustc_hash::FxHashMap as HashMap;

use crate::Error;

/// A frame named by a symbol line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Sym {
    pub(super) name: String,
    pub(super) file: String,
    pub(super) line: i64,
    /// The entry address of the function the code was compiled into (for
    /// an inlined frame, its caller's), from `func+0xOFF` in symbol lines.
    pub(super) entry: Option<u64>,
}

#[derive(Debug, Default)]
pub(super) struct RawSample {
    /// Addresses, leaf first, already adjusted as pprof adjusts them.
    pub(super) addrs: Vec<u64>,
    pub(super) values: Vec<i64>,
    /// The average object size (the `bytes` label of heap samples).
    pub(super) block: Option<i64>,
}

#[derive(Debug, Clone, Default)]
pub(super) struct RawMapping {
    pub(super) start: u64,
    pub(super) limit: u64,
    pub(super) offset: u64,
    pub(super) file: String,
    pub(super) build_id: String,
}

#[derive(Debug, Default)]
pub(super) struct Raw {
    /// Names the format in error messages.
    pub(super) format: &'static str,
    pub(super) sample_types: Vec<(&'static str, String)>,
    pub(super) period_type: Option<(&'static str, &'static str)>,
    pub(super) period: i64,
    pub(super) duration_nanos: i64,
    pub(super) samples: Vec<RawSample>,
    pub(super) mappings: Vec<RawMapping>,
    /// Frames of an address, innermost first.
    pub(super) symbols: HashMap<u64, Vec<Sym>>,
    /// Frames of a run of addresses that are one physical frame with
    /// inlined calls, by the run's first (innermost) address.
    pub(super) inlined: HashMap<u64, Vec<Sym>>,
    /// Java profiles: a symbolized location loses its (made-up) address.
    pub(super) zero_symbolized_addresses: bool,
    pub(super) memstats: Vec<(String, String)>,
    pub(super) warnings: Vec<String>,
}

impl Raw {
    pub(super) fn new(format: &'static str) -> Raw {
        Raw {
            format,
            ..Raw::default()
        }
    }

    pub(super) fn err(&self, line_index: usize, detail: impl Into<String>) -> Error {
        Error::Malformed {
            format: self.format,
            line: line_index + 1,
            detail: detail.into(),
        }
    }
}
