//! heaplens-profile: a profile as data. Reading it ([`decode`]: pprof
//! protobuf, gzipped or not, and the text formats that heaplens-text reads),
//! the resolved [`model`] every analysis works on, and the profile-level
//! transforms pprof applies before any report: merging several profiles
//! ([`merge`]), combining a base and a new profile ([`diff`]), pprof's totals
//! ([`totals`]), `drop_frames`/`keep_frames` ([`prune`]), label filters
//! ([`tags`]) and pprof's node filters ([`refine`], [`labelframes`], whose
//! regular expressions [`gorx`] reads as Go does).
//! [`units`] formats values as pprof does.
//!
//! Data flow: bytes → [`decode`] (gzip sniffed by magic; text or protobuf)
//! → [`Profile`] (index-based tables, samples in flat columns) → the
//! transforms above → heaplens-analysis builds call trees over it.
//!
//! Decoding runs over every byte of large inputs, so this crate is built at
//! opt-level 3 (see the workspace's Cargo.toml).

pub mod decode;
pub mod diff;
pub mod error;
pub mod gorx;
pub mod labelframes;
pub mod merge;
pub mod model;
pub mod proto;
pub mod prune;
pub mod refine;
pub mod sorting;
pub mod tags;
pub mod totals;
pub mod units;

#[cfg(not(target_arch = "wasm32"))]
pub use decode::{decode, decode_with};
pub use decode::{decode_inflated, Limits};
pub use error::{Error, Result, Stage};
pub use model::Profile;
