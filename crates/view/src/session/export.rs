//! Files of a view for the page to download: folded stacks, pprof's text
//! report, the whole table as TSV or CSV, and the profile itself.

use std::rc::Rc;

use heaplens_analysis::folded::{folded_diff_string, folded_string, DiffFormat};
use heaplens_analysis::graph::{GraphOptions, NODE_COUNT};
use heaplens_analysis::TopOptions;

use super::caches::{ColumnKey, RowsKey};
use super::protocol::{ExportKind, ViewRequest};
use super::render::file_stem;
use super::rows::{all_rows, entry_row};
use super::Session;
use crate::report::{self, TableFormat, TableLine};

/// A file to download: name, MIME type, contents.
pub type File = (String, String, Vec<u8>);

impl Session {
    /// A file of the view `view` asks for.
    pub fn export(&mut self, kind: ExportKind, view: &ViewRequest) -> Result<File, String> {
        if kind == ExportKind::Profile {
            let (name, protobuf) = self.profile_protobuf().ok_or("no profile is open")?;
            let stem = file_stem(&name);
            return Ok((
                format!("{stem}.pb.gz"),
                "application/gzip".into(),
                gzipped(protobuf)?,
            ));
        }
        let Session {
            inputs,
            pipeline,
            caches,
            ..
        } = self;
        let prepared = pipeline.prepare(inputs, &view.params)?;
        let stem = file_stem(&prepared.name).to_string();
        let ty = prepared.sample_type;
        let p = prepared.profile.clone();
        let ty_name = p
            .sample_types
            .get(ty)
            .map(|t| t.ty.clone())
            .unwrap_or_default();
        let what = if prepared.is_diff() { "diff" } else { "top" };
        let text = |name: String, text: String| (name, "text/plain".to_string(), text.into_bytes());
        Ok(match kind {
            ExportKind::Folded => {
                // The graph as drawn: bottom-up, a sandwich, recursion
                // collapsed.
                let tree = prepared.graph_tree(&view.params.shape());
                let folded = match prepared.split {
                    Some(split) => folded_diff_string(&p, &tree, ty, split, DiffFormat::New),
                    None => folded_string(&p, &tree, ty),
                };
                text(format!("{stem}.{ty_name}.folded.txt"), folded)
            }
            ExportKind::FoldedDiff => {
                let split = prepared
                    .split
                    .ok_or("folded stacks of base and new need a diff: open a base profile")?;
                let tree = prepared.tree(heaplens_analysis::Granularity::Functions);
                text(
                    format!("{stem}.{ty_name}.diff.folded.txt"),
                    folded_diff_string(&p, &tree, ty, split, DiffFormat::TwoColumn),
                )
            }
            ExportKind::Report => {
                let opts = TopOptions {
                    node_fraction: 0.005,
                    drop_negative: view.params.refine.drop_negative,
                    ..TopOptions::new(ty)
                };
                let top = prepared.top(view.params.granularity, &opts);
                let text_opts = report::TextOptions {
                    node_fraction: 0.005,
                    filters: prepared.filters.clone(),
                    ..report::TextOptions::default()
                };
                text(
                    format!("{stem}.{ty_name}.{what}.txt"),
                    report::top_text(&p, ty, &top, &text_opts),
                )
            }
            ExportKind::Table { csv } => {
                let tree = prepared.tree(view.params.granularity);
                let key = RowsKey {
                    column: ColumnKey {
                        generation: prepared.generation,
                        sample_type: ty,
                    },
                    granularity: view.params.granularity,
                    drop_negative: view.params.refine.drop_negative,
                };
                let split = prepared.split;
                let entries = caches
                    .rows
                    .get_or(key, || {
                        Rc::new(all_rows(&p, &tree, ty, split, key.drop_negative))
                    })
                    .clone();
                let rows: Vec<_> = entries.iter().map(|e| entry_row(&p, &tree, e)).collect();
                let lines = rows.iter().map(|r| TableLine {
                    name: &r.name,
                    flat: r.flat,
                    cum: r.cum,
                    base_flat: r.base_flat,
                    base_cum: r.base_cum,
                });
                let format = TableFormat {
                    csv,
                    header: true,
                    diff: prepared.is_diff(),
                };
                let (ext, mime) = if csv {
                    ("csv", "text/csv")
                } else {
                    ("tsv", "text/tab-separated-values")
                };
                (
                    format!("{stem}.{ty_name}.{what}.{ext}"),
                    mime.into(),
                    report::table(lines, format).into_bytes(),
                )
            }
            ExportKind::Dot => {
                let node_count = view.params.call_graph.map_or(NODE_COUNT, |n| n as usize);
                let options = GraphOptions {
                    node_count,
                    ..Default::default()
                };
                let dot = crate::dot::dot_of(prepared, &options);
                text(format!("{stem}.{ty_name}.dot"), dot)
            }
            ExportKind::Profile => return Err("no profile is open".into()),
        })
    }
}

/// Natively, `bytes` gzipped; the browser's worker compresses profiles
/// itself (with the browser's gzip) and never asks for this.
#[cfg(not(target_arch = "wasm32"))]
fn gzipped(bytes: Vec<u8>) -> Result<Vec<u8>, String> {
    Ok(crate::encode::gzip(&bytes))
}

#[cfg(target_arch = "wasm32")]
fn gzipped(_: Vec<u8>) -> Result<Vec<u8>, String> {
    Err("the profile is compressed by the browser".into())
}
