//! heaplens-view: what the page and the `heaplens` CLI show, over the
//! profiles of heaplens-profile and the analyses of heaplens-analysis.
//!
//! Data flow: a file → heaplens-profile's decoder → a `Profile` (the
//! model) → [`pipeline`] (profile and base combined, filtered, for the
//! [`params::ViewParams`] asked for) → heaplens-analysis's call trees →
//! the top table, flame layout, search, callers/callees, line listing →
//! the page (through [`session`], in the web worker) or the CLI (through
//! [`report`]).
//!
//! - [`params`]: [`ViewParams`](params::ViewParams), everything a view
//!   depends on; [`share`] puts it (and the profiles) in a link;
//!   [`encode`] writes profiles back out as pprof (links, downloads).
//! - [`pipeline`]: the steps every view and CLI command runs.
//! - [`session`]: the web worker's state and its answers to the page.
//! - [`table`]: the top table's sort, filter and paging.
//! - [`report`]: text reports (`go tool pprof -top` text, TSV/CSV, info).
//! - [`gate`]: limits on a diff for CI; [`benchfmt`]: `go test -bench`
//!   outputs read and compared; [`benchtab`]: their benchstat-like table,
//!   as text and TSV; [`gc`]: `GODEBUG=gctrace=1` logs summarised,
//!   compared and charted; [`growth`]: what keeps growing across heap
//!   snapshots (the timeline's suspects, `heaplens growth`).

pub mod benchfmt;
pub mod benchtab;
pub mod callgraph;
pub mod dot;
pub mod encode;
pub mod gate;
pub mod gc;
pub mod graphs;
pub mod growth;
pub mod params;
pub mod pipeline;
pub mod report;
pub mod session;
pub mod share;
pub mod sizes;
pub mod table;
pub mod why;
