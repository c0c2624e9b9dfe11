//! Folded stacks (`root;caller;leaf value`), one line per distinct stack with
//! a non-zero value, children in name order (`;` inside a name becomes `:`). Streams to a writer: a
//! million-stack profile never becomes one big string.
//!
//! A diff (the combined profile of heaplens-profile's `diff`: the new
//! profile's samples, then the base's negated) is written in one of the
//! [`DiffFormat`]s, never as net values: FlameGraph, inferno and speedscope
//! cannot read negative counts.

use std::io::{self, Write};

use crate::tree::{CallTree, Column, ROOT};
use heaplens_profile::model::Profile;

/// How the folded stacks of a diff are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DiffFormat {
    /// `stack base new` per line: the differential format FlameGraph's
    /// difffolded.pl writes and its flamegraph.pl and inferno's flamegraph
    /// draw as a differential flame graph.
    #[default]
    TwoColumn,
    /// `stack value` with the new profile's values alone: plain folded
    /// stacks, read by every tool.
    New,
}

impl DiffFormat {
    /// The format named `two-column` or `new`.
    pub fn parse(s: &str) -> Option<DiffFormat> {
        match s {
            "two-column" => Some(DiffFormat::TwoColumn),
            "new" => Some(DiffFormat::New),
            _ => None,
        }
    }
}

/// Writes the folded stacks of `tree` for one sample type.
pub fn write_folded(
    p: &Profile,
    tree: &CallTree,
    ty: usize,
    out: &mut dyn Write,
) -> io::Result<()> {
    write_columns(tree, &[tree.column(p, ty)], out)
}

/// Writes the folded stacks of a diff's `tree` (`split`: where the base's
/// negated samples start in `p`) in `format`.
pub fn write_folded_diff(
    p: &Profile,
    tree: &CallTree,
    ty: usize,
    split: usize,
    format: DiffFormat,
    out: &mut dyn Write,
) -> io::Result<()> {
    let split = split.min(p.num_samples());
    let new = tree.column_of(p, ty, 0..split, false);
    match format {
        DiffFormat::New => write_columns(tree, &[new], out),
        DiffFormat::TwoColumn => {
            let base = tree.column_of(p, ty, split..p.num_samples(), true);
            write_columns(tree, &[base, new], out)
        }
    }
}

/// Writes one line per node where a column's own value is not zero: the
/// path, then each column's value.
fn write_columns(tree: &CallTree, cols: &[Column], out: &mut dyn Write) -> io::Result<()> {
    let mut path = String::new();
    let mut values = vec![0i64; cols.len()];
    // (next child, path length before this node, children)
    let mut stack: Vec<(usize, usize, Vec<u32>)> = vec![(0, 0, sorted_children(tree, ROOT))];
    while let Some(top) = stack.last_mut() {
        let (ci, _, ref kids) = *top;
        if ci < kids.len() {
            let c = kids[ci];
            top.0 += 1;
            let before = path.len();
            if !path.is_empty() {
                path.push(';');
            }
            push_frame(&mut path, tree.name(c));
            for (v, col) in values.iter_mut().zip(cols) {
                *v = col.self_value(tree, c);
            }
            if values.iter().any(|&v| v != 0) {
                write!(out, "{path}")?;
                for v in &values {
                    write!(out, " {v}")?;
                }
                writeln!(out)?;
            }
            let kids = sorted_children(tree, c);
            stack.push((0, before, kids));
        } else {
            let before = top.1;
            stack.pop();
            path.truncate(before);
        }
    }
    Ok(())
}

/// Appends a frame name, keeping the format parseable: `;` (the separator)
/// becomes `:` and line breaks become spaces.
fn push_frame(path: &mut String, name: &str) {
    if name.contains([';', '\n', '\r']) {
        path.extend(name.chars().map(|c| match c {
            ';' => ':',
            '\n' | '\r' => ' ',
            c => c,
        }));
    } else {
        path.push_str(name);
    }
}

fn sorted_children(tree: &CallTree, node: u32) -> Vec<u32> {
    let mut kids = tree.children_of(node).to_vec();
    heaplens_profile::sorting::sort_by(&mut kids, |&a, &b| {
        tree.name(a).cmp(tree.name(b)).then(a.cmp(&b))
    });
    kids
}

/// Folded stacks as a string (for small profiles and tests).
pub fn folded_string(p: &Profile, tree: &CallTree, ty: usize) -> String {
    let mut buf = Vec::new();
    // Writing to a Vec cannot fail.
    let _ = write_folded(p, tree, ty, &mut buf);
    String::from_utf8_lossy(&buf).into_owned()
}

/// A diff's folded stacks as a string ([`write_folded_diff`]).
pub fn folded_diff_string(
    p: &Profile,
    tree: &CallTree,
    ty: usize,
    split: usize,
    format: DiffFormat,
) -> String {
    let mut buf = Vec::new();
    // Writing to a Vec cannot fail.
    let _ = write_folded_diff(p, tree, ty, split, format, &mut buf);
    String::from_utf8_lossy(&buf).into_owned()
}
