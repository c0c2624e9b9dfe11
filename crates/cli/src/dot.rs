//! `heaplens dot`: the call graph of the heaviest functions as Graphviz
//! DOT in `go tool pprof -dot`'s shape, built and trimmed as pprof does
//! (`--nodecount`, default 80; `--nodefraction`, 0.005; `--edgefraction`,
//! 0.001), over the same pipeline as `top` (sample type, diffs, filters).

use std::io::Write;

use heaplens_analysis::graph::GraphOptions;
use heaplens_view::dot::dot_of;

use crate::inputs::write_err;

/// `heaplens dot [--base BASE] FILE...`.
pub fn dot(a: &crate::Args, out: &mut dyn Write) -> Result<(), String> {
    // A diff when a base is given.
    let which = crate::inputs::Base::Optional;
    let inputs = crate::inputs::inputs(&a.command, &a.files, a.base.as_deref(), which)?;
    let mut pipeline = heaplens_view::pipeline::Pipeline::default();
    let prepared = crate::prepare(a, &inputs, &mut pipeline)?;
    let defaults = GraphOptions::default();
    let opts = GraphOptions {
        node_count: a.node_count.unwrap_or(defaults.node_count),
        node_fraction: a.node_fraction.unwrap_or(defaults.node_fraction),
        edge_fraction: a.edge_fraction.unwrap_or(defaults.edge_fraction),
    };
    let text = dot_of(prepared, &opts);
    out.write_all(text.as_bytes()).map_err(write_err)
}
