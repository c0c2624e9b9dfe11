//! heaplens-engine: the part of heaplens that runs over every sample —
//! decoding, the profile model, call trees, top tables, the flame layout,
//! diffs, search and callers/callees. Built at opt-level 3 (the rest of
//! the engine, `heaplens-core`, is built for size and re-exports all of
//! this; use it through `heaplens-core`).
//!
//! 1. [`decode`]: bytes → (gzip sniffed by magic, inflated up to a cap) →
//!    a legacy text profile (Go/gperftools heap, Go count profiles,
//!    threadz, contentionz, Java heapz/contentionz), else folded stacks
//!    text, both read by the `heaplens-text` crate into its `TextProfile`
//!    and copied into the model (`text`, [`folded_in`]), else the protobuf
//!    wire format → resolved [`Profile`] (index-based tables, samples in
//!    flat columns) → `drop_frames`/`keep_frames` applied as pprof does.
//! 2. [`CallTree::build`]: the profile at a [`Granularity`] → an arena call
//!    tree holding every sample type's self values.
//! 3. Over the tree, sample type as a parameter: [`top()`] (flat/cum
//!    exactly as `go tool pprof -top`), [`layout`] (the flame graph),
//!    [`search`], [`peek`] (callers and callees); [`diff`] combines a base
//!    and a new profile as pprof does (net values); [`units`] formats
//!    values as pprof does.

pub mod decode;
pub mod diff;
pub mod error;
pub mod folded_in;
#[doc(hidden)]
pub mod fxhash;
pub mod keys;
pub mod layout;
#[doc(hidden)]
pub mod merge;
pub mod model;
pub mod peek;
pub mod proto;
pub mod prune;
pub mod search;
#[doc(hidden)]
pub mod sorting;
pub(crate) mod text;
pub mod top;
pub mod tree;
pub mod units;

pub use decode::{decode, decode_with, Limits};
pub use error::{Error, Result, Stage};
pub use keys::Granularity;
pub use model::Profile;
pub use top::{top, InlineMark, Top, TopOptions, TopRow};
pub use tree::CallTree;
