//! The shape of a call graph's stacks: top-down (as sampled), bottom-up
//! (every stack reversed, so roots are the allocating leaves), the callers
//! or the callees of one function (speedscope's sandwich), and recursion
//! collapsed (as the Firefox Profiler's transforms). A shape changes the
//! graph drawn, never a function's flat or cum in the top table.
//!
//! A stack is a function's keys from root to leaf (each `key << 1 |
//! inlined`, as [`crate::CallTree`] holds them); [`Shape::apply`] rewrites
//! one, and [`crate::CallTree::build_shaped`] builds the tree of the
//! rewritten stacks.

use serde::{Deserialize, Serialize};

/// Which way the stacks are drawn. Serialized as its text
/// ([`GraphView::text`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub enum GraphView {
    /// As sampled: roots at the top of the call stack.
    #[default]
    TopDown,
    /// Every stack reversed: the roots are the frames that allocated (or
    /// ran), their callers below them.
    BottomUp,
    /// The callers of a function: its stacks cut below its outermost call
    /// and reversed, so it is the root and its callers grow from it.
    Callers(String),
    /// The callees of a function: its stacks from its outermost call down,
    /// so it is the root.
    Callees(String),
}

impl GraphView {
    /// The function a sandwich graph is of.
    pub fn function(&self) -> Option<&str> {
        match self {
            GraphView::Callers(f) | GraphView::Callees(f) => Some(f),
            _ => None,
        }
    }

    /// `up`, `callers:NAME`, `callees:NAME`; "" (or `down`) for top-down.
    pub fn parse(s: &str) -> Option<GraphView> {
        match s.split_once(':') {
            Some(("callers", f)) if !f.is_empty() => Some(GraphView::Callers(f.to_string())),
            Some(("callees", f)) if !f.is_empty() => Some(GraphView::Callees(f.to_string())),
            Some(_) => None,
            None => match s {
                "" | "down" | "top-down" => Some(GraphView::TopDown),
                "up" | "bottom-up" => Some(GraphView::BottomUp),
                _ => None,
            },
        }
    }

    /// The text [`GraphView::parse`] reads.
    pub fn text(&self) -> String {
        match self {
            GraphView::TopDown => "down".into(),
            GraphView::BottomUp => "up".into(),
            GraphView::Callers(f) => format!("callers:{f}"),
            GraphView::Callees(f) => format!("callees:{f}"),
        }
    }
}

impl From<GraphView> for String {
    fn from(v: GraphView) -> String {
        v.text()
    }
}

impl TryFrom<String> for GraphView {
    type Error = String;

    fn try_from(s: String) -> Result<GraphView, String> {
        GraphView::parse(&s).ok_or_else(|| {
            format!("a graph view is down, up, callers:NAME or callees:NAME, not {s:?}")
        })
    }
}

/// Which recursive calls are folded into their outer call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum Recursion {
    /// Stacks as sampled.
    #[default]
    Keep,
    /// A function calling itself directly is one frame (`f;f;f;g` →
    /// `f;g`).
    Direct,
    /// A function called again anywhere below itself: the frames between
    /// its outer and inner call are dropped (`f;g;f;h` → `f;h`), for every
    /// function.
    All,
}

impl Recursion {
    /// `direct` or `all`; "" (or `keep`) for none.
    pub fn parse(s: &str) -> Option<Recursion> {
        match s {
            "" | "keep" => Some(Recursion::Keep),
            "direct" => Some(Recursion::Direct),
            "all" | "indirect" => Some(Recursion::All),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Recursion::Keep => "keep",
            Recursion::Direct => "direct",
            Recursion::All => "all",
        }
    }
}

/// A graph view with its recursion option.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Shape {
    pub view: GraphView,
    pub recursion: Recursion,
}

impl Shape {
    /// Stacks as sampled (the tree is the plain call tree).
    pub fn is_identity(&self) -> bool {
        self.view == GraphView::TopDown && self.recursion == Recursion::Keep
    }

    /// Rewrites `stack` (keys root first, with their inline bit) in place:
    /// the view's cut and order first, then recursion collapsed (so the
    /// graph's first frame stays: a sandwich's function, a bottom-up
    /// graph's leaf). `subject`
    /// is the key of the sandwich's function ([`GraphView::function`]), if
    /// the profile has it; `seen` is scratch space with a slot per key. A
    /// stack left empty is not drawn.
    pub fn apply(&self, stack: &mut Vec<u32>, subject: Option<u32>, seen: &mut [u32]) {
        match &self.view {
            GraphView::TopDown => {}
            GraphView::BottomUp => stack.reverse(),
            GraphView::Callers(_) | GraphView::Callees(_) => {
                let at = subject.and_then(|f| stack.iter().position(|&k| k >> 1 == f));
                let Some(at) = at else {
                    stack.clear();
                    return;
                };
                if matches!(self.view, GraphView::Callers(_)) {
                    stack.truncate(at + 1);
                    stack.reverse();
                } else {
                    stack.drain(..at);
                }
            }
        }
        match self.recursion {
            Recursion::Keep => {}
            Recursion::Direct => stack.dedup_by(|b, a| *a >> 1 == *b >> 1),
            Recursion::All => collapse_all(stack, seen),
        }
    }
}

/// Every function once on a stack: where a function is met again, the
/// frames after its first call are dropped and the stack goes on from the
/// first call. `seen[key]` is where a key was last put (checked against the
/// stack, so it needs no clearing).
fn collapse_all(stack: &mut Vec<u32>, seen: &mut [u32]) {
    let mut out = 0usize;
    for i in 0..stack.len() {
        let k = stack[i];
        let kid = (k >> 1) as usize;
        let Some(slot) = seen.get_mut(kid) else {
            continue;
        };
        let at = *slot as usize;
        if at < out && stack[at] >> 1 == k >> 1 {
            out = at + 1;
            continue;
        }
        *slot = out as u32;
        stack[out] = k;
        out += 1;
    }
    stack.truncate(out);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Keys (no inline bits) of `names` in a name table.
    fn keys(s: &str) -> Vec<u32> {
        s.split(';')
            .map(|n| u32::from(n.as_bytes()[0] - b'a') << 1)
            .collect()
    }

    fn text(stack: &[u32]) -> String {
        let names: Vec<String> = stack
            .iter()
            .map(|&k| char::from(b'a' + (k >> 1) as u8).to_string())
            .collect();
        names.join(";")
    }

    fn shaped(view: GraphView, rec: Recursion, s: &str, subject: Option<u32>) -> String {
        let mut st = keys(s);
        let mut seen = vec![0u32; 26];
        Shape {
            view,
            recursion: rec,
        }
        .apply(&mut st, subject, &mut seen);
        text(&st)
    }

    #[test]
    fn recursion_collapses_direct_and_indirect_calls() {
        let d = |s| shaped(GraphView::TopDown, Recursion::Direct, s, None);
        assert_eq!(d("a;b;b;b;c"), "a;b;c");
        assert_eq!(d("a;b;c;b;c"), "a;b;c;b;c");
        let all = |s| shaped(GraphView::TopDown, Recursion::All, s, None);
        assert_eq!(all("a;b;c;b;d"), "a;b;d");
        assert_eq!(all("a;b;b;b"), "a;b");
        assert_eq!(all("a;b;c;a;e;b;f"), "a;e;b;f");
        assert_eq!(all("a;b;c;d"), "a;b;c;d");
        // A key put earlier and dropped since is not taken for one still
        // on the stack.
        assert_eq!(all("a;b;c;b;c;d;c"), "a;b;c");
        assert_eq!(all("a;b;c;b;d;c"), "a;b;d;c");
    }

    #[test]
    fn views_reverse_and_cut_at_the_outermost_call() {
        assert_eq!(
            shaped(GraphView::BottomUp, Recursion::Keep, "a;b;c", None),
            "c;b;a"
        );
        let callers = GraphView::Callers("b".into());
        let callees = GraphView::Callees("b".into());
        let b = Some(1);
        assert_eq!(
            shaped(callers.clone(), Recursion::Keep, "a;b;c;b;d", b),
            "b;a"
        );
        assert_eq!(
            shaped(callees.clone(), Recursion::Keep, "a;b;c;b;d", b),
            "b;c;b;d"
        );
        assert_eq!(
            shaped(callees.clone(), Recursion::All, "a;b;c;b;d", b),
            "b;d"
        );
        assert_eq!(shaped(callees, Recursion::Keep, "a;c;d", b), "");
        assert_eq!(shaped(callers, Recursion::Keep, "a;c", None), "");
    }

    #[test]
    fn views_read_back_their_text() {
        for v in [
            GraphView::TopDown,
            GraphView::BottomUp,
            GraphView::Callers("main.(*T).Run".into()),
            GraphView::Callees("a:b".into()),
        ] {
            assert_eq!(GraphView::parse(&v.text()), Some(v));
        }
        assert_eq!(GraphView::parse("callers:"), None);
        assert_eq!(GraphView::parse("sideways"), None);
        for r in [Recursion::Keep, Recursion::Direct, Recursion::All] {
            assert_eq!(Recursion::parse(r.as_str()), Some(r));
        }
    }
}
