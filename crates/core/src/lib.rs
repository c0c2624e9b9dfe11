//! heaplens-core: the engine shared by the web app and the `heaplens` CLI.
//! Pure Rust, no web dependencies; compiles to wasm32 and natively.
//!
//! Data flow:
//! 1. [`decode`]: bytes → (gzip sniffed by magic, inflated up to a cap) →
//!    a legacy text profile (Go/gperftools heap, Go count profiles,
//!    threadz, contentionz, Java heapz/contentionz), else folded stacks
//!    text, both read by the `heaplens-text` crate into its `TextProfile`
//!    and copied into the model (`text`, [`folded_in`]), else the protobuf
//!    wire format → resolved [`Profile`] (index-based tables, samples in
//!    flat columns) → `drop_frames`/`keep_frames` applied as pprof does.
//! 2. [`CallTree::build`]: the profile at a [`Granularity`] → an arena call
//!    tree holding every sample type's self values.
//! 3. Analyses over the tree, sample type as a parameter: [`top()`] (flat/cum
//!    exactly as `go tool pprof -top`), [`folded`] stacks; [`list`]: flat
//!    and cum per source line of matching functions, as `go tool pprof -list`.
//! 4. Presentation helpers: [`units`] (pprof's value formatting) and
//!    [`report`] (text/TSV tables, the info summary).
//! 5. Comparing: [`diff`] combines a base and a new profile as pprof does
//!    (net values), [`gate`] checks limits on them, [`benchfmt`] reads and
//!    compares `go test -bench` output.
//! 6. The web worker's [`view::Session`]: loaded profiles, trees and caches,
//!    answering view requests with [`layout`], [`search`] and [`peek`].
//! 7. Sharing: [`encode`] writes profiles back out (whole, slimmed or
//!    trimmed), [`share`] reads and writes the view and the profiles in a
//!    link's fragment.

pub mod benchfmt;
pub mod decode;
pub mod diff;
pub mod encode;
pub mod error;
pub mod folded;
pub mod folded_in;
mod fxhash;
pub mod gate;
pub mod keys;
pub mod layout;
pub mod list;
pub(crate) mod merge;
pub mod model;
pub mod peek;
pub mod proto;
pub mod prune;
pub mod report;
pub mod search;
pub mod share;
mod sorting;
pub mod table;
pub(crate) mod text;
pub mod top;
pub mod tree;
pub mod units;
pub mod view;

pub use decode::{decode, decode_with, Limits};
pub use error::{Error, Result, Stage};
pub use keys::Granularity;
pub use model::Profile;
pub use top::{top, InlineMark, Top, TopOptions, TopRow};
pub use tree::CallTree;
