//! The tree of a top-down shape (recursion folded, a function's callees)
//! made from the function tree in two passes over its nodes: each node's
//! place in the shaped tree follows from its parent's, so no stack is read
//! again (a million-sample profile has millions of frames, and only a
//! couple of million nodes). The first pass finds where recursion folds
//! nodes into their ancestors; the second makes the shaped nodes, looking
//! children up by key only under nodes that more than one node of the
//! function tree stands for (a lookup is a cache miss in a table of
//! millions).

use crate::shape::{GraphView, Recursion, Shape};
use crate::tree::{CallTree, Children, FIRST, ROOT};
use heaplens_profile::model::NONE;

/// Whether [`map`] makes the tree of `shape`: one read from the root down.
pub fn maps(shape: &Shape) -> bool {
    matches!(shape.view, GraphView::TopDown | GraphView::Callees(_))
}

/// A tree made node by node, from the function tree's nodes in order.
struct Nodes {
    parent: Vec<u32>,
    key: Vec<u32>,
    children: Children,
    /// The node of the function tree that made each node.
    creator: Vec<u32>,
    /// The node stands for more than one node of the function tree (or
    /// will: recursion folds others into it), so its children are listed
    /// and looked up by key; the children of any other node cannot meet,
    /// and are made without a lookup.
    shared: Vec<bool>,
}

impl Nodes {
    /// The child of `node` for key `k`, made (by the function tree's node
    /// `i`, with `shared` when recursion folds others into it) when new.
    /// `at` is the place of the function tree's nodes before `i`.
    fn child(
        &mut self,
        node: u32,
        k: u32,
        (i, shared): (usize, bool),
        (functions, at): (&CallTree, &[u32]),
    ) -> u32 {
        let looked_up = self.shared[node as usize];
        if looked_up {
            if let Some(c) = self.children.get(node, k, &self.key) {
                // A second node of the function tree here: from now on
                // its children meet.
                if !self.shared[c as usize] {
                    self.share(c, functions, at, i);
                }
                return c;
            }
        }
        let c = self.parent.len() as u32;
        if looked_up {
            self.children.add(node, k, c);
        } else {
            self.children.add_unlisted();
        }
        self.parent.push(node);
        self.key.push(k);
        self.creator.push(i as u32);
        self.shared.push(shared);
        c
    }

    /// Marks `node` shared and lists the children it has: those its
    /// creator's children (before `i`) made, as it stood for no other.
    fn share(&mut self, node: u32, functions: &CallTree, at: &[u32], i: usize) {
        self.shared[node as usize] = true;
        let creator = self.creator[node as usize];
        for &ch in functions.children_of(creator) {
            let c = at[ch as usize];
            if (ch as usize) < i && c != NONE && c != node && self.parent[c as usize] == node {
                self.children.list(node, self.key[c as usize], c);
            }
        }
    }
}

/// For each node of `functions`, the node whose place in the shaped tree
/// it takes (an ancestor where recursion folds it there, else itself;
/// `NONE` above a sandwich's function); and which nodes others fold into.
fn folds(functions: &CallTree, shape: &Shape, subject: Option<u32>) -> (Vec<u32>, Vec<bool>) {
    let callees = matches!(shape.view, GraphView::Callees(_));
    let n = functions.len();
    let mut rep = vec![NONE; n];
    let mut target = vec![false; n];
    if !callees && n > 0 {
        rep[ROOT as usize] = ROOT;
    }
    let func = |i: usize| functions.key[i] >> 1;
    for i in 1..n {
        let f = func(i);
        let up = functions.parent[i];
        if rep[up as usize] == NONE {
            if Some(f) == subject {
                rep[i] = i as u32;
            }
            continue;
        }
        let fold = match shape.recursion {
            Recursion::Keep => None,
            Recursion::Direct => (up != ROOT && func(up as usize) == f).then_some(up),
            // A function not above it on the stack as sampled is not
            // above it on the folded stack either; else it is looked for
            // on the folded stack (each node's place there is its
            // representative's, whose parent there is its own parent's).
            Recursion::All if functions.flags[i] & FIRST != 0 => None,
            Recursion::All => {
                let mut a = rep[up as usize];
                loop {
                    if a == ROOT || a == NONE {
                        break None;
                    }
                    if func(a as usize) == f {
                        break Some(a);
                    }
                    a = rep[functions.parent[a as usize] as usize];
                }
            }
        };
        rep[i] = match fold {
            Some(a) => {
                let r = rep[a as usize];
                target[r as usize] = true;
                r
            }
            None => i as u32,
        };
    }
    (rep, target)
}

/// The tree of `functions`' stacks rewritten by `shape` (a top-down one,
/// [`maps`]), with the samples' leaves; its flags are not set (it is
/// drawn, never used for a table). The same stacks as
/// [`CallTree::build_shaped`] makes.
///
/// Two nodes of the function tree meet in one shaped node only under a
/// node recursion folds others into (or, in a callees graph, the
/// function's own): the children of the rest are made without a lookup.
pub fn map(functions: &CallTree, shape: &Shape) -> CallTree {
    let subject = shape
        .view
        .function()
        .and_then(|f| functions.keys.names.iter().position(|n| n == f))
        .map(|k| k as u32);
    let callees = matches!(shape.view, GraphView::Callees(_));
    let n = functions.len();
    let (rep, target) = folds(functions, shape, subject);
    // Room for as many nodes as the function tree has (at most).
    let room = |first| {
        let mut v = Vec::with_capacity(n.max(1));
        v.push(first);
        v
    };
    let mut b = Nodes {
        parent: room(NONE),
        key: room(NONE),
        children: Children::with_capacity(n, n / 16),
        creator: room(ROOT),
        // The function's occurrences all meet under a callees graph's root.
        shared: vec![callees],
    };
    // The shaped node of each node; above a sandwich's function, none.
    let mut at = rep;
    for i in 1..n {
        let r = at[i];
        if r == NONE {
            continue;
        }
        at[i] = if (r as usize) < i {
            // Folded into an ancestor, made before it.
            at[r as usize]
        } else {
            let up = at[functions.parent[i] as usize];
            let above = if up == NONE { ROOT } else { up };
            b.child(above, functions.key[i], (i, target[i]), (functions, &at))
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
        ..
    } = b;
    drop(children);
    let flags = vec![0; parent.len()];
    CallTree::from_parts(functions.keys.clone(), (parent, key, flags), leaf)
}
