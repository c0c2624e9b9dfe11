//! The tree of a top-down shape (recursion folded, a function's callees)
//! made from the function tree in one pass over its nodes: each node's
//! place in the shaped tree follows from its parent's, so no stack is read
//! again (a million-sample profile has millions of frames, and only a
//! couple of million nodes).

use crate::shape::{GraphView, Recursion, Shape};
use crate::tree::{CallTree, Children, FIRST, ROOT};
use heaplens_profile::model::NONE;

/// Whether [`map`] makes the tree of `shape`: one read from the root down.
pub fn maps(shape: &Shape) -> bool {
    matches!(shape.view, GraphView::TopDown | GraphView::Callees(_))
}

/// A tree made node by node.
struct Nodes {
    parent: Vec<u32>,
    key: Vec<u32>,
    children: Children,
}

impl Nodes {
    /// The child of `node` for key `k`, made when new.
    fn child(&mut self, node: u32, k: u32) -> u32 {
        if let Some(c) = self.children.get(node, k) {
            return c;
        }
        let c = self.parent.len() as u32;
        self.children.add(node, k, c);
        self.parent.push(node);
        self.key.push(k);
        c
    }

    /// `node` or its nearest ancestor whose function is `f`.
    fn ancestor_of(&self, mut node: u32, f: u32) -> Option<u32> {
        while node != ROOT && node != NONE {
            if self.key[node as usize] >> 1 == f {
                return Some(node);
            }
            node = self.parent[node as usize];
        }
        None
    }
}

/// The tree of `functions`' stacks rewritten by `shape` (a top-down one,
/// [`maps`]), with the samples' leaves; its flags are not set (it is
/// drawn, never used for a table). The same stacks as
/// [`CallTree::build_shaped`] makes.
pub fn map(functions: &CallTree, shape: &Shape) -> CallTree {
    let subject = shape
        .view
        .function()
        .and_then(|f| functions.keys.names.iter().position(|n| n == f))
        .map(|k| k as u32);
    let callees = matches!(shape.view, GraphView::Callees(_));
    let n = functions.len();
    let mut b = Nodes {
        parent: vec![NONE],
        key: vec![NONE],
        children: Children::with_capacity(n, n / 4),
    };
    // The shaped node of each node; above a sandwich's function, none.
    let mut at = vec![NONE; n];
    if !callees && n > 0 {
        at[ROOT as usize] = ROOT;
    }
    for i in 1..n {
        let k = functions.key[i];
        let f = k >> 1;
        let above = at[functions.parent[i] as usize];
        at[i] = if above == NONE {
            if Some(f) == subject {
                b.child(ROOT, k)
            } else {
                NONE
            }
        } else {
            match shape.recursion {
                Recursion::Keep => b.child(above, k),
                Recursion::Direct if above != ROOT && b.key[above as usize] >> 1 == f => above,
                Recursion::Direct => b.child(above, k),
                // A function not above it on the stack as sampled is not
                // above it on the folded stack either.
                Recursion::All if functions.flags[i] & FIRST != 0 => b.child(above, k),
                Recursion::All => match b.ancestor_of(above, f) {
                    Some(a) => a,
                    None => b.child(above, k),
                },
            }
        };
    }
    let leaf = functions
        .leaf
        .iter()
        .map(|&l| match l {
            // A stack with no frame is not drawn in a shape.
            ROOT | NONE => NONE,
            l => at.get(l as usize).copied().unwrap_or(NONE),
        })
        .collect();
    drop(at);
    let Nodes {
        parent,
        key,
        children,
    } = b;
    drop(children);
    let flags = vec![0; parent.len()];
    CallTree::from_parts(functions.keys.clone(), (parent, key, flags), leaf)
}
