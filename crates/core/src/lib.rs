//! heaplens-core: the engine shared by the web app and the `heaplens` CLI.
//! Pure Rust, no web dependencies; compiles to wasm32 and natively. The
//! part that runs over every sample (steps 1–3 and [`diff`], [`layout`],
//! [`search`], [`peek`], [`units`]) is the `heaplens-engine` crate, built
//! at opt-level 3 and re-exported here; the rest is built for size.
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

// The hot path, built at opt-level 3 in its own crate; its modules are
// this crate's too.
#[doc(inline)]
pub use heaplens_engine::{
    decode, diff, error, folded_in, keys, layout, model, peek, proto, prune, search, top, tree,
    units,
};
pub(crate) use heaplens_engine::{fxhash, sorting};

pub mod benchfmt;
pub mod encode;
pub mod focus;
pub mod folded;
pub mod gate;
pub mod list;
pub mod report;
pub mod share;
pub mod table;
pub mod view;

// (`decode` and `top` above are the functions as well as the modules.)
pub use heaplens_engine::{
    decode_with, CallTree, Error, Granularity, InlineMark, Limits, Profile, Result, Stage, Top,
    TopOptions, TopRow,
};
