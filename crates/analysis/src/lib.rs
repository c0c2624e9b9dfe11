//! heaplens-analysis: what is computed over a profile's call tree. The
//! sample type is a parameter of every function here.
//!
//! - [`keys`]: the names of call-graph nodes at a [`Granularity`]
//!   (functions, lines, addresses), exactly as pprof prints them.
//! - [`tree`]: the profile at a granularity → an arena [`CallTree`] holding
//!   every sample type's self values; a [`tree::Column`] is one sample
//!   type's self and total values per node.
//! - Over the tree: [`top()`] (flat/cum exactly as `go tool pprof -top`),
//!   [`layout`] (flame-graph rectangles in unit space), [`search`],
//!   [`peek`] (callers and callees), [`folded`] stacks out.
//! - Over the samples' lines: [`list`] (flat and cum per source line, as
//!   `go tool pprof -list`).
//! - Over the samples' stacks, no tree: [`top_stacks`] (the same top table
//!   when only the table is asked for: `heaplens top`, snapshots).
//!
//! Data flow: heaplens-profile's [`Profile`](heaplens_profile::Profile) →
//! [`CallTree::build`] → the analyses above → the page (heaplens-view's
//! session) or the CLI. Built at opt-level 3: the tree and top table visit
//! every frame of every sample.

pub mod derived;
pub mod folded;
pub mod graph;
pub mod graph_layout;
pub mod keys;
pub mod layout;
pub mod list;
pub mod mapped;
pub mod peek;
pub mod pruned;
pub mod search;
pub mod shape;
pub mod top;
pub mod top_stacks;
pub mod tree;

pub use keys::Granularity;
pub use shape::{GraphView, Recursion, Shape};
pub use top::{top, InlineMark, Top, TopOptions, TopRow};
pub use tree::CallTree;
