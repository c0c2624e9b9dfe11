//! [`ViewParams`]: everything a view depends on, in one type with one
//! default. The page's state holds it, every request to the web worker
//! carries it, share links encode exactly it ([`crate::share::codec`]), and
//! the CLI builds one from its flags; [`crate::pipeline`] and the session
//! read it. A new view option is one field here plus its fragment key.

use heaplens_analysis::{Granularity, GraphView, Recursion, Shape};
use heaplens_profile::diff::{DiffMode, DiffOptions};
use serde::{Deserialize, Serialize};

use crate::table::Column;

/// What a view shows and how.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ViewParams {
    /// The sample type by name (or index, as pprof's `-sample_index`);
    /// `None` (or "") for the profile's default.
    pub sample_type: Option<String>,
    /// Root on top (icicle, pprof's) or at the bottom (flame).
    pub orientation: Orientation,
    /// Base vs new: whether and how a loaded base is subtracted and drawn.
    pub diff: DiffParams,
    /// The zoomed frame: names from the root's child down to it (empty for
    /// the whole graph). Names not found leave the zoom at the last frame
    /// found.
    pub zoom: Vec<String>,
    /// The selected function (a name at function granularity).
    pub selected: Option<String>,
    /// Search: a substring, or a regular expression written `/like this/`.
    pub search: String,
    /// What a row of the top table stands for.
    pub granularity: Granularity,
    /// The top table's order and filter.
    pub table: TableParams,
    /// pprof's `-tagfocus` label filter; "" for none.
    pub tagfocus: String,
    /// pprof's other node and label filters and report options.
    #[serde(default)]
    pub refine: RefineParams,
    /// The flame graph's shape: top-down, bottom-up, or one function's
    /// callers or callees (the sandwich). The top table is not changed.
    #[serde(default)]
    pub graph: GraphView,
    /// Recursive calls folded into their outer call, in the flame graph.
    #[serde(default)]
    pub recursion: Recursion,
    /// In a sandwich (a function's callers or callees graph), the zoom of
    /// the other half: of the callees graph beside a callers graph, and the
    /// other way round (as [`ViewParams::zoom`]).
    #[serde(default)]
    pub sandwich_zoom: Vec<String>,
    /// The graph view (pprof's call graph of the heaviest functions) in
    /// place of the flame graph, keeping the node count given (pprof's
    /// `-nodecount`; 0 keeps every node over the node fraction); None: the
    /// flame graph.
    #[serde(default)]
    pub call_graph: Option<u32>,
    /// How a timeline of snapshots ranks and orders them.
    #[serde(default)]
    pub timeline: TimelineParams,
}

/// The timeline of heap snapshots ([`crate::growth`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct TimelineParams {
    /// Growth suspects ranked by cum values (default: flat, as pprof's top).
    pub cum: bool,
    /// The snapshots in the order given, not by their profiles' times.
    pub given_order: bool,
}

/// pprof's node filters (regular expressions in Go's syntax, matched
/// against function names and files, and binary paths), label filters and
/// report options; "" and false for none, as pprof's flags of the same
/// names.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct RefineParams {
    /// `-focus`: only samples with a matching frame.
    pub focus: String,
    /// `-ignore`: no samples with a matching frame.
    pub ignore: String,
    /// `-hide`: matching frames dropped from stacks.
    pub hide: String,
    /// `-show`: only matching frames kept in stacks.
    pub show: String,
    /// `-show_from`: stacks start at their highest matching frame.
    pub show_from: String,
    /// `-prune_from`: stacks end at their lowest matching frame.
    pub prune_from: String,
    /// `-tagignore`: no samples with a matching label (as `tagfocus`).
    pub tagignore: String,
    /// `-tagshow`: only labels whose key matches are kept.
    pub tagshow: String,
    /// `-taghide`: labels whose key matches are dropped.
    pub taghide: String,
    /// `-tagroot`: label keys (`,`-separated) whose values become frames
    /// at the root of every stack.
    pub tagroot: String,
    /// `-tagleaf`: label keys whose values become frames at the leaf.
    pub tagleaf: String,
    /// `-noinlines`: inlined frames merged into their caller.
    pub noinlines: bool,
    /// `-relative_percentages`: percentages of the filtered total.
    pub relative_percentages: bool,
    /// `-drop_negative`: rows with a negative value left out.
    pub drop_negative: bool,
    /// "Only my code": every frame of Go's standard library (see
    /// [`GO_STD`]) hidden, so what it allocates is charged to its nearest
    /// caller outside it — pprof's `-hide` with that regex.
    pub only_mine: bool,
}

/// Go's standard library as function names start: a top-level package of
/// the standard library (which has no dot in its first path element), its
/// subpackages, and the runtime's own frames. A module of one's own whose
/// path has no dot (e.g. `heaplens/testgen`) is not in it: only the
/// standard library's top-level names are.
pub const GO_STD: &str = r"^(archive|bufio|bytes|cmp|compress|container|context|crypto|database|debug|embed|encoding|errors|expvar|flag|fmt|go|hash|html|image|index|internal|io|iter|log|maps|math|mime|net|os|path|plugin|reflect|regexp|runtime|slices|sort|strconv|strings|structs|sync|syscall|testing|text|time|unicode|unique|unsafe|vendor|weak)(/[^.]*)?\.";

impl RefineParams {
    /// The regex and label filters by pprof's option names, in pprof's
    /// order (the CLI's flags and the page's form name them so).
    pub fn texts_mut(&mut self) -> [(&'static str, &mut String); 11] {
        [
            ("focus", &mut self.focus),
            ("ignore", &mut self.ignore),
            ("hide", &mut self.hide),
            ("show", &mut self.show),
            ("show_from", &mut self.show_from),
            ("prune_from", &mut self.prune_from),
            ("tagignore", &mut self.tagignore),
            ("tagshow", &mut self.tagshow),
            ("taghide", &mut self.taghide),
            ("tagroot", &mut self.tagroot),
            ("tagleaf", &mut self.tagleaf),
        ]
    }

    /// The switches by name: "only my code", then pprof's options.
    pub fn switches_mut(&mut self) -> [(&'static str, &mut bool); 4] {
        [
            ("only_mine", &mut self.only_mine),
            ("noinlines", &mut self.noinlines),
            ("relative_percentages", &mut self.relative_percentages),
            ("drop_negative", &mut self.drop_negative),
        ]
    }

    /// pprof's `-hide` as applied: the hide regex, and the standard
    /// library's with "only my code".
    pub fn effective_hide(&self) -> String {
        match (self.only_mine, self.hide.trim().is_empty()) {
            (false, _) => self.hide.clone(),
            (true, true) => GO_STD.to_string(),
            (true, false) => format!("{GO_STD}|{}", self.hide),
        }
    }

    /// Whether a filter of frames or labels is set (the report options
    /// aside).
    pub fn any_node_filter(&self) -> bool {
        self.only_mine
            || [
                &self.focus,
                &self.ignore,
                &self.hide,
                &self.show,
                &self.show_from,
                &self.prune_from,
                &self.tagignore,
                &self.tagshow,
                &self.taghide,
                &self.tagroot,
                &self.tagleaf,
            ]
            .iter()
            .any(|s| !s.trim().is_empty())
    }

    /// The regex field of filter `kind`.
    pub fn field_mut(&mut self, kind: NodeFilter) -> &mut String {
        match kind {
            NodeFilter::Focus => &mut self.focus,
            NodeFilter::Ignore => &mut self.ignore,
            NodeFilter::Hide => &mut self.hide,
            NodeFilter::Show => &mut self.show,
            NodeFilter::ShowFrom => &mut self.show_from,
            NodeFilter::PruneFrom => &mut self.prune_from,
        }
    }

    /// Adds function `name` (exactly) to filter `kind`: an alternative of
    /// its regex, as `-focus='a|b'` in pprof.
    pub fn add_function(&mut self, kind: NodeFilter, name: &str) {
        let exact = format!("^{}$", go_quote_meta(name));
        let field = self.field_mut(kind);
        if field.trim().is_empty() {
            *field = exact;
        } else if !field.split('|').any(|alt| alt == exact) {
            field.push('|');
            field.push_str(&exact);
        }
    }

    /// The filters that name frames or labels cleared (for a new profile);
    /// the report options kept.
    pub fn for_new_profile(&self) -> RefineParams {
        RefineParams {
            noinlines: self.noinlines,
            relative_percentages: self.relative_percentages,
            drop_negative: self.drop_negative,
            only_mine: self.only_mine,
            ..RefineParams::default()
        }
    }
}

/// The filters of frames, as the page offers them on a frame or a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NodeFilter {
    Focus,
    Ignore,
    Hide,
    Show,
    ShowFrom,
    PruneFrom,
}

impl NodeFilter {
    pub const ALL: [NodeFilter; 6] = [
        NodeFilter::Focus,
        NodeFilter::Ignore,
        NodeFilter::Hide,
        NodeFilter::Show,
        NodeFilter::ShowFrom,
        NodeFilter::PruneFrom,
    ];

    /// pprof's option name.
    pub fn option(self) -> &'static str {
        match self {
            NodeFilter::Focus => "focus",
            NodeFilter::Ignore => "ignore",
            NodeFilter::Hide => "hide",
            NodeFilter::Show => "show",
            NodeFilter::ShowFrom => "show_from",
            NodeFilter::PruneFrom => "prune_from",
        }
    }

    /// What the page's menu calls it.
    pub fn verb(self) -> &'static str {
        match self {
            NodeFilter::Focus => "Focus on",
            NodeFilter::Ignore => "Ignore",
            NodeFilter::Hide => "Hide",
            NodeFilter::Show => "Show only",
            NodeFilter::ShowFrom => "Show from here",
            NodeFilter::PruneFrom => "Prune below",
        }
    }
}

/// `s` with Go's regex metacharacters escaped (Go's `regexp.QuoteMeta`).
pub fn go_quote_meta(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if "\\.+*?()|[]{}^$".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

impl ViewParams {
    /// These parameters for a newly opened profile: what names frames of the
    /// old one (zoom, selection, search, sample type, label filter) goes;
    /// the reader's choices of layout and table stay.
    pub fn for_new_profile(&self) -> ViewParams {
        ViewParams {
            sample_type: None,
            zoom: Vec::new(),
            sandwich_zoom: Vec::new(),
            selected: None,
            search: String::new(),
            tagfocus: String::new(),
            refine: self.refine.for_new_profile(),
            // A sandwich names a function of the old profile.
            graph: match self.graph {
                GraphView::BottomUp => GraphView::BottomUp,
                _ => GraphView::TopDown,
            },
            ..self.clone()
        }
    }

    /// The flame graph's shape.
    pub fn shape(&self) -> Shape {
        Shape {
            view: self.graph.clone(),
            recursion: self.recursion,
        }
    }

    /// In a sandwich, the other half's graph: the callees graph beside
    /// a callers graph, and the other way round.
    pub fn other_half(&self) -> Option<GraphView> {
        match &self.graph {
            GraphView::Callers(f) => Some(GraphView::Callees(f.clone())),
            GraphView::Callees(f) => Some(GraphView::Callers(f.clone())),
            _ => None,
        }
    }

    /// The parameters of the sandwich's other half, drawn as the flame
    /// graph is ([`ViewParams::other_half`]): its graph and zoom.
    pub fn other_half_params(&self) -> Option<ViewParams> {
        Some(ViewParams {
            graph: self.other_half()?,
            zoom: self.sandwich_zoom.clone(),
            sandwich_zoom: self.zoom.clone(),
            ..self.clone()
        })
    }

    /// The orientation a graph is drawn in: a callers graph always has the
    /// function at the bottom and its callers above (the top half of a
    /// sandwich), a callees graph the function on top; else as chosen.
    pub fn drawn_orientation(&self) -> Orientation {
        match self.graph {
            GraphView::Callers(_) => Orientation::Flame,
            GraphView::Callees(_) => Orientation::Icicle,
            _ => self.orientation,
        }
    }

    /// The sample type asked for, if any ("" is none).
    pub fn sample_type_name(&self) -> Option<&str> {
        self.sample_type.as_deref().filter(|s| !s.is_empty())
    }
}

/// Root on top or at the bottom.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum Orientation {
    /// Root on top, callees below (pprof's flame graph).
    #[default]
    Icicle,
    /// Root at the bottom.
    Flame,
}

/// Base vs new.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiffParams {
    /// Show the profile minus the base when a base is loaded (else the
    /// profile alone).
    pub show: bool,
    /// pprof's `-diff_base` (percentages of the base's total) or `-base`
    /// (the net profile read as one).
    pub mode: DiffMode,
    /// pprof's `-normalize`: the new profile scaled to the base's total.
    pub normalize: bool,
    /// What a frame's width stands for.
    pub width_by: WidthBy,
    /// Which value of a frame its colour follows.
    pub color_by: ColorBy,
}

impl Default for DiffParams {
    fn default() -> Self {
        DiffParams {
            show: true,
            mode: DiffMode::DiffBase,
            normalize: false,
            width_by: WidthBy::New,
            color_by: ColorBy::Total,
        }
    }
}

impl DiffParams {
    /// How the profiles are combined.
    pub fn options(&self) -> DiffOptions {
        DiffOptions {
            mode: self.mode,
            normalize: self.normalize,
        }
    }
}

/// What sets a frame's width in a diff.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum WidthBy {
    /// The new profile's value (frames gone in the new profile vanish).
    #[default]
    New,
    /// The base's value.
    Base,
    /// The larger of the two (so removed work stays visible).
    Max,
}

/// Which change a frame's colour shows in a diff.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum ColorBy {
    /// The change of the frame's total (everything under it).
    #[default]
    Total,
    /// The change of its self value.
    SelfValue,
}

/// The top table's order and filter (which rows the page is sent is the
/// request's business, not the view's).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TableParams {
    pub sort: Column,
    /// Largest first.
    pub descending: bool,
    /// Rows whose name contains this (ignoring case); "" for all.
    pub filter: String,
}

impl Default for TableParams {
    fn default() -> Self {
        TableParams {
            sort: Column::Flat,
            descending: true,
            filter: String::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_function_is_added_to_a_filter_exactly_and_once() {
        let mut r = RefineParams::default();
        r.add_function(NodeFilter::Focus, "main.(*T).Run");
        assert_eq!(r.focus, r"^main\.\(\*T\)\.Run$");
        r.add_function(NodeFilter::Focus, "bytes.growSlice");
        r.add_function(NodeFilter::Focus, "bytes.growSlice");
        assert_eq!(r.focus, r"^main\.\(\*T\)\.Run$|^bytes\.growSlice$");
        r.add_function(NodeFilter::PruneFrom, "a[b]{c}|d^e$f?g+");
        assert_eq!(r.prune_from, r"^a\[b\]\{c\}\|d\^e\$f\?g\+$");
        assert!(r.any_node_filter());
        assert!(!RefineParams::default().any_node_filter());
    }

    #[test]
    fn a_new_profile_keeps_the_graph_shape_but_not_a_sandwich_of_the_old_one() {
        let v = ViewParams {
            graph: GraphView::Callers("main.f".into()),
            recursion: Recursion::All,
            ..ViewParams::default()
        };
        let n = v.for_new_profile();
        assert_eq!(n.graph, GraphView::TopDown);
        assert_eq!(n.recursion, Recursion::All);
        let up = ViewParams {
            graph: GraphView::BottomUp,
            ..ViewParams::default()
        };
        assert_eq!(up.for_new_profile().graph, GraphView::BottomUp);
        assert!(up.shape().view == GraphView::BottomUp && !up.shape().is_identity());
        assert!(ViewParams::default().shape().is_identity());
    }
}
