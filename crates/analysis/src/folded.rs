//! Folded stacks (`root;caller;leaf value`), one line per distinct stack with
//! a non-zero value, children in name order (`;` inside a name becomes `:`). Streams to a writer: a
//! million-stack profile never becomes one big string.

use std::io::{self, Write};

use crate::tree::{CallTree, ROOT};
use heaplens_profile::model::Profile;

/// Writes the folded stacks of `tree` for one sample type.
pub fn write_folded(
    p: &Profile,
    tree: &CallTree,
    ty: usize,
    out: &mut dyn Write,
) -> io::Result<()> {
    let col = tree.column(p, ty);
    let mut path = String::new();
    // (node, next child, path length before this node)
    let mut stack: Vec<(u32, usize, usize, Vec<u32>)> =
        vec![(ROOT, 0, 0, sorted_children(tree, ROOT))];
    while let Some(top) = stack.last_mut() {
        let (_, ci, _, ref kids) = *top;
        if ci < kids.len() {
            let c = kids[ci];
            top.1 += 1;
            let before = path.len();
            if !path.is_empty() {
                path.push(';');
            }
            push_frame(&mut path, tree.name(c));
            let v = col.self_value(tree, c);
            if v != 0 {
                writeln!(out, "{path} {v}")?;
            }
            let kids = sorted_children(tree, c);
            stack.push((c, 0, before, kids));
        } else {
            let before = top.2;
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
