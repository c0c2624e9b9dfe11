//! App state, changed only through [`Action`] by one reducer
//! ([`reduce`]). It holds what the page shows (the worker's last answers)
//! and the view's parameters ([`ViewParams`], exactly what a share link
//! holds), from which the next request to the worker is made.

mod cursor;
mod reduce;
#[cfg(test)]
mod tests;

use std::rc::Rc;

pub use crate::paint::Move;
use heaplens_view::benchfmt::Comparison;
use heaplens_view::session::{NodeId, ProfileInfo, Response, Slot, ViewData, ViewRequest};
use heaplens_view::share::trim::ShareData;
use heaplens_view::share::Source;
use heaplens_view::table::{self, Column as SortColumn, Row};

use heaplens_analysis::Granularity;
pub use heaplens_view::params::Orientation;
use heaplens_view::params::{ViewParams, WidthBy};

/// Benchmark outputs loaded beside the profiles.
#[derive(Clone, Debug, PartialEq)]
pub struct Bench {
    pub base_name: String,
    pub new_name: String,
    /// The base against the new output once both are loaded, else the one
    /// output's values (rows without a base).
    pub comparison: Option<Vec<Comparison>>,
}

/// Light, dark, or the system's choice.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Theme {
    #[default]
    Auto,
    Light,
    Dark,
}

impl Theme {
    pub fn next(self) -> Theme {
        match self {
            Theme::Auto => Theme::Light,
            Theme::Light => Theme::Dark,
            Theme::Dark => Theme::Auto,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Theme::Auto => "auto",
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }
}

/// Long work in progress, for the progress bar.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Busy {
    pub name: String,
    pub stage: String,
    pub done: u64,
    pub total: u64,
}

/// Source texts by file name (without directories), as dropped or picked.
pub type CodeFiles = Rc<std::collections::BTreeMap<String, String>>;

/// Where the open profile and base came from, as a share link names them
/// (None for a local file: a link can only carry it inside).
pub type Sources = (Option<Source>, Option<Source>);

#[derive(Clone, Debug, PartialEq)]
pub struct AppState {
    pub busy: Option<Busy>,
    pub info: Option<Rc<ProfileInfo>>,
    pub base_info: Option<Rc<ProfileInfo>>,
    pub error: Option<String>,
    pub view: Option<Rc<ViewData>>,
    pub bench: Option<Rc<Bench>>,
    /// The timeline of heap snapshots, when several were opened as one.
    pub timeline: Option<Rc<heaplens_view::session::timeline::TimelineData>>,
    /// A timeline's snapshots opened from a link, addresses or embedded
    /// (its fragment lists them again); empty for local files.
    pub snapshots: Rc<Vec<Source>>,
    /// Served by `heaplens web` for a live service: snapshots can be
    /// recorded from its `/debug/pprof/`.
    pub live: bool,
    /// The GC view of gctrace logs loaded beside the profiles.
    pub gc: Option<Rc<heaplens_view::session::gclog::GcData>>,
    /// The compiler's diagnostics files loaded, and how many diagnostics.
    pub diagnostics: Option<Rc<(Vec<String>, usize)>>,
    /// The top rows the table shows (sorted, filtered and paged by the
    /// worker), how many pass the filter, and how many there are.
    pub rows: Rc<Vec<Row>>,
    pub rows_matching: u32,
    pub rows_total: u32,
    /// What the view shows; a share link holds exactly this.
    pub params: ViewParams,
    /// The flame graph's width in CSS pixels (the worker culls for it).
    pub width_px: u32,
    /// How many rows of the top table are shown.
    pub rows_limit: u32,
    /// The zoomed frame's node in the worker's tree, once known (`params`
    /// names the zoom; this saves the worker finding it again).
    pub zoom_node: Option<NodeId>,
    pub theme: Theme,
    /// The selected frame, which the arrows move and `+`/Enter zoom into
    /// (a node id of the current tree; it may be too narrow to be drawn).
    pub cursor: Option<NodeId>,
    /// The names from the root to the cursor's frame, to zoom into it when
    /// the view does not draw it.
    pub cursor_path: Vec<String>,
    /// Bumped on every successful load of the main profile.
    pub loaded: u32,
    /// Bumped on every change of what the worker is asked (`params`,
    /// width, rows) or of `loaded`.
    pub seq: u32,
    /// A share link's view, applied once its profile has loaded.
    pub pending: Option<Rc<ViewParams>>,
    /// Where the open profiles came from.
    pub sources: Sources,
    /// The profiles of the last share link made, and whether one is being made.
    pub shared: Option<Rc<ShareData>>,
    pub sharing: bool,
    /// Something to tell that is not an error (e.g. a trimmed profile).
    pub notice: Option<String>,
    /// Dropped files that were not opened, by name and why; kept until
    /// the next drop (loads in between do not hide it).
    pub refused: Option<String>,
    /// Source files the reader gave for the line view, by file name.
    pub code: CodeFiles,
    /// Local files this browser keeps, most recent first.
    pub recent: Rc<Vec<crate::recent::Entry>>,
    /// Every sample type's values of the frame last hovered.
    pub frame_values: Option<Rc<FrameValues>>,
    /// The same, in a sandwich's other half.
    pub other_values: Option<Rc<FrameValues>>,
    /// The refine menu open on a function: where (window pixels) and which.
    pub refine_menu: Option<Rc<(f64, f64, String)>>,
}

/// Every sample type's values of one frame.
pub type FrameValues = (NodeId, Vec<heaplens_view::session::TypeValue>);

impl Default for AppState {
    fn default() -> Self {
        AppState {
            busy: None,
            info: None,
            base_info: None,
            error: None,
            view: None,
            bench: None,
            gc: None,
            timeline: None,
            snapshots: Rc::default(),
            live: false,
            diagnostics: None,
            rows: Rc::default(),
            rows_matching: 0,
            rows_total: 0,
            params: ViewParams::default(),
            width_px: ViewRequest::default().width_px,
            rows_limit: table::PAGE,
            zoom_node: None,
            theme: Theme::default(),
            cursor: None,
            cursor_path: Vec::new(),
            loaded: 0,
            seq: 0,
            pending: None,
            sources: (None, None),
            shared: None,
            sharing: false,
            notice: None,
            refused: None,
            code: Rc::default(),
            recent: Rc::default(),
            frame_values: None,
            other_values: None,
            refine_menu: None,
        }
    }
}

impl AppState {
    /// The request the worker should answer for the current state.
    pub fn request(&self) -> ViewRequest {
        ViewRequest {
            seq: self.seq,
            params: self.params.clone(),
            width_px: self.width_px,
            rows: self.rows_limit,
            zoom_node: self.zoom_node,
        }
    }

    /// Whether the zoom the parameters name has been found by the worker
    /// (a share link's zoom is found by names first).
    pub fn zoom_found(&self) -> bool {
        self.params.zoom.is_empty() || self.zoom_node.is_some()
    }

    /// In a diff, whether frames are coloured by their self value.
    pub fn color_by_self(&self) -> bool {
        self.params.diff.color_by == heaplens_view::params::ColorBy::SelfValue
    }

    /// What the worker is asked, to tell when it changed.
    fn asked(&self) -> (ViewParams, u32, u32) {
        (self.params.clone(), self.width_px, self.rows_limit)
    }

    /// Drops the zoom and the keyboard cursor (node ids of the old frames).
    fn forget_frames(&mut self) {
        self.params.zoom.clear();
        self.params.sandwich_zoom.clear();
        self.zoom_node = None;
        self.cursor = None;
        self.cursor_path.clear();
        self.frame_values = None;
        self.other_values = None;
    }

    /// Takes on a share link's view (`info`: the profile it applies to).
    fn apply_view(&mut self, v: &ViewParams, info: Option<&ProfileInfo>) {
        let mut params = v.clone();
        // A sample type the profile does not have: its default.
        if let (Some(t), Some(info)) = (v.sample_type_name(), info) {
            if !info.sample_types.iter().any(|s| s.name == t) {
                params.sample_type = None;
                self.notice = Some(format!(
                    "The link asks for sample type {t:?}, which this profile does not have; showing its default."
                ));
            }
        }
        self.params = params;
        self.zoom_node = None;
        self.cursor = None;
        self.cursor_path.clear();
        self.rows_limit = table::PAGE;
    }

    /// Zooms into frame `z` of the current view; paints at once what the
    /// view already holds of the zoom (the worker's exact layout follows).
    fn zoom(&mut self, z: NodeId) {
        let Some(view) = self.view.clone() else {
            return;
        };
        let local = if Some(z) != self.zoom_node {
            view.zoomed_locally(z)
        } else {
            None
        };
        // The local zoom's breadcrumb is the path; else it is found anew.
        let path = match &local {
            Some(v) => v.crumbs.iter().map(|c| c.name.clone()).collect(),
            None => match view.path_to(z) {
                Some(p) => p,
                None => return,
            },
        };
        if let Some(v) = local {
            self.view = Some(Rc::new(v));
        }
        self.params.zoom = path;
        self.zoom_node = Some(z);
    }

    /// Zooms a sandwich's other half into its frame `z` (the worker lays
    /// it out) and selects its function.
    fn zoom_other_half(&mut self, z: NodeId, name: String) {
        let half = self.view.as_ref().and_then(|v| v.other_half.as_ref());
        if let Some(path) = half.and_then(|h| h.path_to(z)) {
            self.params.sandwich_zoom = path;
            self.params.selected = Some(name);
        }
    }

    /// Selects the sample type at index `t` of the profile's types.
    fn sample_type(&mut self, t: usize) {
        let name = self
            .info
            .as_ref()
            .and_then(|i| i.sample_types.get(t))
            .map(|s| s.name.clone());
        self.params.sample_type = name;
    }
}

#[derive(Debug)]
pub enum Action {
    /// A file or URL started to be read.
    Reading {
        name: String,
    },
    /// Reading (file or URL) failed before the worker saw it.
    ReadFailed {
        message: String,
    },
    /// A message from the worker.
    Worker(Box<Response>),
    /// The sample type at this index of the profile's.
    SampleType(usize),
    Zoom(NodeId),
    /// A click on a frame: zoom into it and select its function.
    ClickFrame(NodeId, String),
    /// A click on a frame of a sandwich's other half (its callees graph
    /// below a callers graph, or its callers above a callees graph).
    ClickOtherHalf(NodeId, String),
    Search(String),
    Select(Option<String>),
    Granularity(Granularity),
    /// Show the difference to the base, or the profile alone.
    Diff(bool),
    /// What a frame's width stands for in a diff.
    WidthBy(WidthBy),
    /// pprof's `-base` semantics on or off.
    Subtract(bool),
    /// pprof's `-normalize` on or off.
    Normalize(bool),
    Width(u32),
    Orientation(Orientation),
    /// The flame graph's shape: top-down, bottom-up, callers or callees
    /// of a function.
    Graph(heaplens_analysis::GraphView),
    /// Recursion collapsed in the flame graph, or not.
    Recursion(heaplens_analysis::Recursion),
    /// The graph view with this node count, or the flame graph (None).
    CallGraph(Option<u32>),
    /// How the timeline ranks and orders its snapshots.
    Timeline(heaplens_view::params::TimelineParams),
    /// The timeline closed (a single profile was opened).
    CloseTimeline,
    /// Where the timeline's snapshots came from (empty: local files).
    SnapshotSources(Rc<Vec<Source>>),
    /// The page records snapshots of a live service.
    Live(bool),
    ColorBySelf(bool),
    /// The arrow keys: the selection moves to a neighbouring frame.
    Move(Move),
    /// `+` or Enter: zoom into the selected frame (or, when it is the
    /// zoomed one, its widest child).
    ZoomIn,
    /// `-`: zoom out one level; the frame left stays selected.
    ZoomOut,
    ToggleTheme,
    Error(String),
    /// The analysis worker stopped with an uncaught error; a new one runs.
    WorkerFailed(String),
    TableSort((SortColumn, bool)),
    TableFilter(String),
    /// Show more rows of the top table.
    TableMore,
    /// A label filter (pprof's -tagfocus), "" for none.
    TagFocus(String),
    /// A share link is being opened: its view waits for its profile.
    OpenLink(Rc<ViewParams>),
    /// Back or forward to a view of the same profiles.
    ApplyView(Rc<ViewParams>),
    /// Where the profiles about to open come from.
    Sources(Sources),
    /// Where the file about to open in one slot comes from.
    SourceOf(Slot, Option<Source>),
    /// The local files this browser keeps.
    Recent(Rc<Vec<crate::recent::Entry>>),
    /// A share link is being made.
    Sharing,
    /// Closes the share panel.
    CloseShare,
    Notice(Option<String>),
    /// pprof's filters, as the refine bar sets them.
    Refine(heaplens_view::params::RefineParams),
    /// A function added to one filter (the refine menu, or a key).
    RefineWith(heaplens_view::params::NodeFilter, String),
    /// Opens the refine menu on a function at window pixels, or closes it.
    RefineMenu(Option<Rc<(f64, f64, String)>>),
    /// Dropped files not opened (by name and why), or None at a new drop.
    Refused(Option<String>),
    /// Source files read (name, text): the line view shows their code.
    AddSources(Vec<(String, String)>),
}
