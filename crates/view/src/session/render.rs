//! The data the page draws, as the worker sends it: the flame graph's
//! rectangles in unit space with a shared name table, breadcrumbs, the
//! table's rows, callers/callees with source lines, the diff summary; and
//! what the page does with it on its own (a zoom painted at once from the
//! frames it has, the zoom path of a clicked frame).

use heaplens_analysis::keys::Granularity;
use heaplens_analysis::tree::ROOT;
use serde::{Deserialize, Serialize};

use super::summary::DiffSummary;
use crate::table::Row;

/// A frame of the flame graph: a node of the worker's call tree, as the page
/// holds it (zoom, keyboard cursor, clicks). Its own type, so a row count,
/// a sequence number or a function's key cannot pass for one; valid for the
/// tree of the view it came with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct NodeId(pub u32);

impl NodeId {
    /// The root: the whole graph.
    pub const ROOT: NodeId = NodeId(ROOT);
}

/// A frame's name and where it comes from (shared by many rectangles).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FrameName {
    pub name: String,
    /// Source file (and start line when known), or the binary.
    pub file: String,
    /// Colour group: the package (Go), namespace or class.
    pub package: String,
}

/// One flame-graph rectangle, in unit space.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct FlameRect {
    pub node: NodeId,
    pub x: f64,
    pub w: f64,
    pub depth: u32,
    /// Index into [`ViewData::names`].
    pub name: u32,
    pub self_value: i64,
    pub total: i64,
    /// In a diff: the base's self and total of the frame (0 otherwise);
    /// `self_value` and `total` are then the new profile's.
    pub base_self: i64,
    pub base_total: i64,
    /// [`MATCHED`], [`SELECTED`], [`INLINED`], [`ANCESTOR`].
    pub flags: u8,
}

pub const MATCHED: u8 = 1;
pub const SELECTED: u8 = 2;
pub const INLINED: u8 = 4;
/// An ancestor of the zoomed frame (drawn full width above it).
pub const ANCESTOR: u8 = 8;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Crumb {
    pub node: NodeId,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeekData {
    pub name: String,
    pub flat: i64,
    pub cum: i64,
    pub callers: Vec<(String, i64)>,
    pub callees: Vec<(String, i64)>,
    /// The function's source lines with values (`go tool pprof -list`),
    /// one entry per file it is in; empty for a frame without symbols.
    pub lines: Vec<heaplens_analysis::list::FunctionLines>,
    /// Flat and cum of the function for every sample type (objects and
    /// bytes side by side).
    pub types: Vec<TypeValue>,
}

/// The selected function's details of the view answered with
/// `details_pending` (its `seq`), in an answer of their own.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Details {
    pub seq: u32,
    pub peek: Option<PeekData>,
    pub why: Option<Box<crate::why::view::WhyView>>,
    pub sizes: Option<Box<crate::sizes::Histogram>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ViewData {
    pub seq: u32,
    pub sample_type: usize,
    pub unit: String,
    pub total: i64,
    pub zoom: NodeId,
    /// The zoomed frame's ancestors and itself, root first.
    pub crumbs: Vec<Crumb>,
    pub names: Vec<FrameName>,
    pub rects: Vec<FlameRect>,
    /// Number of rows of the flame graph.
    pub depth: u32,
    pub culled: usize,
    /// Frames deeper than the rows laid out exist (zoom in to see them).
    pub deeper: bool,
    /// Search: matched value, and how many functions match.
    pub matched: Option<(i64, usize)>,
    pub search_error: Option<String>,
    /// With a label filter: the samples it keeps, of how many; or why the
    /// filter cannot be read.
    pub focus: Option<(usize, usize)>,
    pub focus_error: Option<String>,
    /// What the node and label filters warn of (pprof's words, e.g. a
    /// focus expression that matched no samples).
    pub filter_warnings: Vec<String>,
    /// With node filters: the value they keep of the sample type shown.
    pub kept_total: Option<i64>,
    /// The top table's rows the page asked for (`ViewRequest::table`):
    /// sorted, filtered, the first `limit`. Sent only when they changed
    /// since the previous answer (`rows_fresh`), else empty.
    pub rows: Vec<Row>,
    pub rows_fresh: bool,
    /// Rows that pass the table's filter, and rows in all (with
    /// `rows_fresh`).
    pub rows_matching: u32,
    pub rows_total: u32,
    pub granularity: Granularity,
    pub peek: Option<PeekData>,
    /// Present when the view is a diff (profile minus base).
    pub diff: Option<DiffSummary>,
    /// Set when a diff was asked for but the profiles cannot be compared.
    pub diff_error: Option<String>,
    /// Set when the default sample type is all zeros and another one is
    /// shown: says which.
    pub sample_type_note: Option<String>,
    /// With the compiler's diagnostics loaded: why lines allocate.
    pub why: Option<Box<crate::why::view::WhyView>>,
    /// Where samples carry Go's `bytes` label: the object sizes of the
    /// selected function's samples, or of all.
    #[serde(default)]
    pub sizes: Option<Box<crate::sizes::Histogram>>,
    /// `peek`, `why` and `sizes` are left out of this answer and follow in
    /// their own ([`Details`]).
    #[serde(default)]
    pub details_pending: bool,
    /// In the graph view: the call graph, laid out.
    #[serde(default)]
    pub call_graph: Option<std::rc::Rc<crate::callgraph::GraphScene>>,
    /// In a sandwich (a function's callers or callees graph): the other
    /// half's frames (its callees or callers graph).
    #[serde(default)]
    pub other_half: Option<Box<ViewData>>,
}

/// A file name without its profile extensions (`mem.pb.gz` → `mem`), to
/// name exports after.
pub fn file_stem(name: &str) -> &str {
    let mut s = name;
    for ext in [".gz", ".pb", ".prof", ".pprof"] {
        s = s.strip_suffix(ext).unwrap_or(s);
    }
    if s.is_empty() {
        name
    } else {
        s
    }
}

impl ViewData {
    /// A view of just these frames (unit "bytes", total 0, nothing else):
    /// for tests and previews.
    pub fn of_frames(names: Vec<FrameName>, rects: Vec<FlameRect>) -> ViewData {
        let depth = rects.iter().map(|r| r.depth + 1).max().unwrap_or(0);
        ViewData {
            seq: 0,
            sample_type: 0,
            unit: "bytes".into(),
            total: 0,
            zoom: NodeId::ROOT,
            crumbs: Vec::new(),
            names,
            rects,
            depth,
            culled: 0,
            deeper: false,
            matched: None,
            search_error: None,
            focus: None,
            focus_error: None,
            filter_warnings: Vec::new(),
            kept_total: None,
            rows: Vec::new(),
            rows_fresh: false,
            rows_matching: 0,
            rows_total: 0,
            granularity: Granularity::Functions,
            peek: None,
            diff: None,
            diff_error: None,
            sample_type_note: None,
            why: None,
            sizes: None,
            details_pending: false,
            call_graph: None,
            other_half: None,
        }
    }

    /// This view zoomed into `node`, one of its frames, from what it
    /// already holds: the frame's ancestors go full width above it and its
    /// descendants are stretched to the full width, so the page can paint a
    /// zoom at once. Frames too narrow to be laid out before are missing
    /// until the worker's layout of the zoom arrives. None when `node` is
    /// not a frame of this view, or an ancestor of its zoom (zooming out
    /// needs frames this view does not have).
    pub fn zoomed_locally(&self, node: NodeId) -> Option<ViewData> {
        let t = *self
            .rects
            .iter()
            .find(|r| r.node == node && node != NodeId::ROOT)?;
        if t.w <= 0.0 || t.flags & ANCESTOR != 0 {
            return None;
        }
        // Layout sums widths left to right, so a descendant's edges can be
        // off its ancestor's by rounding only.
        let eps = 1e-9;
        let (x0, x1) = (t.x - eps, t.x + t.w + eps);
        let mut ancestors: Vec<FlameRect> = self
            .rects
            .iter()
            .filter(|r| r.depth < t.depth && r.x <= x0 + 2.0 * eps && r.x + r.w >= x1 - 2.0 * eps)
            .copied()
            .collect();
        heaplens_profile::sorting::sort_by_key(&mut ancestors, |r| r.depth);
        if ancestors.len() != t.depth as usize
            || ancestors
                .iter()
                .enumerate()
                .any(|(i, r)| r.depth != i as u32)
        {
            return None;
        }
        let mut rects = Vec::with_capacity(self.rects.len());
        // The path is the current zoom's, then the frames below it.
        let mut crumbs = self.crumbs.clone();
        for r in ancestors.iter().chain(std::iter::once(&t)) {
            let mut a = *r;
            a.x = 0.0;
            a.w = 1.0;
            a.flags = if a.node == node {
                a.flags & !ANCESTOR
            } else {
                a.flags | ANCESTOR
            };
            rects.push(a);
            if r.flags & ANCESTOR == 0 && r.node != self.zoom {
                crumbs.push(Crumb {
                    node: a.node,
                    name: self.names.get(a.name as usize)?.name.clone(),
                });
            }
        }
        let mut depth = t.depth + 1;
        for r in &self.rects {
            if r.depth > t.depth && r.x >= x0 && r.x + r.w <= x1 {
                let mut d = *r;
                d.x = ((r.x - t.x) / t.w).clamp(0.0, 1.0);
                d.w = (r.w / t.w).min(1.0 - d.x);
                depth = depth.max(d.depth + 1);
                rects.push(d);
            }
        }
        Some(ViewData {
            zoom: node,
            crumbs,
            rects,
            depth,
            rows: Vec::new(),
            rows_fresh: false,
            ..self.clone_without_rects()
        })
    }

    /// The zoom path (names from the root's child down) of frame `node` of
    /// this view: a crumb (the zoomed frame or one of its ancestors), or a
    /// frame laid out below the zoomed one. None for anything else.
    pub fn path_to(&self, node: NodeId) -> Option<Vec<String>> {
        if node == NodeId::ROOT {
            return Some(Vec::new());
        }
        if let Some(i) = self.crumbs.iter().position(|c| c.node == node) {
            return Some(self.crumbs[..=i].iter().map(|c| c.name.clone()).collect());
        }
        let t = self
            .rects
            .iter()
            .find(|r| r.node == node && r.flags & ANCESTOR == 0)?;
        // Rows above the first one below the zoom hold its ancestors.
        let first_below = self
            .rects
            .iter()
            .find(|r| r.node == self.zoom && self.zoom != NodeId::ROOT)
            .map_or(0, |z| z.depth + 1);
        let eps = 1e-9;
        let mut names: Vec<String> = self.crumbs.iter().map(|c| c.name.clone()).collect();
        for d in first_below..t.depth {
            let a = self.rects.iter().find(|r| {
                r.depth == d && r.x <= t.x + eps && r.x + r.w >= t.x + t.w - eps && r.w > 0.0
            })?;
            names.push(self.names.get(a.name as usize)?.name.clone());
        }
        names.push(self.names.get(t.name as usize)?.name.clone());
        Some(names)
    }

    /// What identifies the frames drawn: the answer they came in, the zoom
    /// (a zoom painted at once keeps the answer's number) and how many there
    /// are. Details filled in later leave it as it was.
    pub fn frames_key(&self) -> (u32, NodeId, usize) {
        (self.seq, self.zoom, self.rects.len())
    }

    /// This view with its details filled in (when they are its own).
    pub fn with_details(&self, d: Details) -> Option<ViewData> {
        if d.seq != self.seq || !self.details_pending {
            return None;
        }
        Some(ViewData {
            rects: self.rects.clone(),
            crumbs: self.crumbs.clone(),
            deeper: self.deeper,
            rows: Vec::new(),
            rows_fresh: false,
            peek: d.peek,
            why: d.why,
            sizes: d.sizes,
            details_pending: false,
            ..self.clone_without_rects()
        })
    }

    /// A copy of everything but the frames and rows (cheap to make).
    fn clone_without_rects(&self) -> ViewData {
        ViewData {
            seq: self.seq,
            sample_type: self.sample_type,
            unit: self.unit.clone(),
            total: self.total,
            zoom: self.zoom,
            crumbs: Vec::new(),
            names: self.names.clone(),
            rects: Vec::new(),
            depth: self.depth,
            culled: self.culled,
            deeper: false,
            matched: self.matched,
            search_error: self.search_error.clone(),
            focus: self.focus,
            focus_error: self.focus_error.clone(),
            filter_warnings: self.filter_warnings.clone(),
            kept_total: self.kept_total,
            rows: Vec::new(),
            rows_fresh: false,
            rows_matching: self.rows_matching,
            rows_total: self.rows_total,
            granularity: self.granularity,
            peek: self.peek.clone(),
            diff: self.diff.clone(),
            diff_error: self.diff_error.clone(),
            sample_type_note: self.sample_type_note.clone(),
            why: self.why.clone(),
            sizes: self.sizes.clone(),
            details_pending: self.details_pending,
            call_graph: self.call_graph.clone(),
            other_half: self.other_half.clone(),
        }
    }
}

/// The colour group of a frame name: Go's package path
/// (`encoding/json.Marshal` → `encoding/json`), a C++/Rust namespace
/// (`a::b::f` → `a::b`), a Java class (`com.x.Foo.bar` → `com.x.Foo`), or
/// the binary for unsymbolized frames.
pub fn package_of(name: &str) -> &str {
    if name.starts_with('[') || name.starts_with('<') {
        return name;
    }
    if let Some(i) = name.rfind("::") {
        return &name[..i];
    }
    let after_slash = name.rfind('/').map_or(0, |i| i + 1);
    let tail = &name[after_slash..];
    // Go: the package ends at the first '.' after the last '/'.
    let looks_go = name.contains('/') || tail.contains(".(") || name.matches('.').count() <= 2;
    if looks_go {
        if let Some(d) = tail.find('.') {
            return &name[..after_slash + d];
        }
        return name;
    }
    name.rfind('.').map_or(name, |i| &name[..i])
}

/// One sample type's values of a frame (self and total) or a function
/// (flat and cum). In a diff, changes (new − base).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TypeValue {
    pub name: String,
    pub unit: String,
    pub self_value: i64,
    pub total: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packages() {
        assert_eq!(package_of("encoding/json.Marshal"), "encoding/json");
        assert_eq!(package_of("github.com/a/b.(*T).M"), "github.com/a/b");
        assert_eq!(package_of("runtime.mallocgc"), "runtime");
        assert_eq!(package_of("main.main.func1"), "main");
        assert_eq!(package_of("std::vec::Vec<T>::push"), "std::vec::Vec<T>");
        assert_eq!(package_of("com.example.app.Foo.bar"), "com.example.app.Foo");
        assert_eq!(package_of("[libc.so.6]"), "[libc.so.6]");
    }
}
