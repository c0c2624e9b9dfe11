//! The messages between the page and its web worker: [`Request`]s the page
//! sends, [`Response`]s the worker answers with (plain data, serde).

use serde::{Deserialize, Serialize};

use super::info::ProfileInfo;
use super::render::{Details, NodeId, ViewData};
use crate::benchfmt::Comparison;
use crate::params::ViewParams;
use crate::share::trim::ShareData;
use crate::table::PAGE;

/// Which input a profile was loaded into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Slot {
    Profile,
    Base,
}

/// Messages to the worker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Request {
    Load {
        slot: Slot,
        name: String,
        #[serde(with = "serde_bytes")]
        bytes: Vec<u8>,
    },
    /// Load what `url` holds into `slot`: the worker fetches it itself (a
    /// `blob:` URL of a picked or dropped file, or an absolute http(s) URL),
    /// so a file's bytes never pass through the page.
    Fetch {
        slot: Slot,
        name: String,
        url: String,
    },
    /// Load the merge of several files into `slot` (name, URL each, as
    /// [`Request::Fetch`]), as `go tool pprof a.prof b.prof` merges them;
    /// answered with one [`Response::Loaded`] whose file name joins the
    /// files' names, or one [`Response::Error`].
    FetchMerged {
        slot: Slot,
        files: Vec<(String, String)>,
    },
    View(ViewRequest),
    /// Exchange the profile and the base.
    Swap,
    /// The open profiles, slimmed, for a share link; folded (call-tree
    /// nodes under 1/N of `sample_type`'s total merged into `(other)`, N as
    /// large as fits) until their base64 fits `budget` characters, when
    /// given.
    Share {
        sample_type: Option<usize>,
        budget: Option<usize>,
    },
    /// A file of the current view (as last asked for by `view`).
    Export {
        kind: ExportKind,
        view: ViewRequest,
    },
    /// Load a GC link's compact series (`gc::series`) into `slot`.
    LoadGcSeries {
        slot: Slot,
        name: String,
        #[serde(with = "serde_bytes")]
        bytes: Vec<u8>,
    },
    /// Close the base (a share link without one was opened).
    ClearBase,
    /// Every sample type's values of frame `node` of the view `params`
    /// asks for (the hovered frame); `other`: of a sandwich's other half
    /// (`params` then its [`ViewParams::other_half_params`]).
    Values {
        params: ViewParams,
        node: NodeId,
        other: bool,
    },
    /// Load heap snapshots (name, URL each, as [`Request::Fetch`]) into a
    /// timeline: a new one, or added to the open one (`append`, a live
    /// recording). Files that cannot be read, or are of another kind than
    /// the first, are refused by name and the rest kept. Answered with
    /// progress, then [`Response::Opened`] (the last snapshot, when the
    /// timeline is new or was showing the last), then
    /// [`Response::Timeline`].
    FetchSeries {
        files: Vec<(String, String)>,
        append: bool,
        params: ViewParams,
    },
    /// The timeline of the sample type and options of `params`.
    Timeline {
        params: ViewParams,
    },
    /// Open snapshot `at` (the timeline's order) as the profile and
    /// `base`, when given, as the base; answered with [`Response::Opened`].
    OpenSnapshots {
        params: ViewParams,
        at: usize,
        base: Option<usize>,
    },
}

/// Files the worker writes for the page to download.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ExportKind {
    /// Folded stacks (`a;b;c value`) of the sample type shown, of the graph
    /// as drawn (bottom-up, a sandwich, recursion collapsed); in a diff,
    /// the new profile's values (plain folded stacks every tool reads).
    Folded,
    /// A diff's folded stacks in the differential format (`a;b;c base new`)
    /// that FlameGraph's and inferno's flamegraph draw as a differential
    /// flame graph.
    FoldedDiff,
    /// The text top report of `go tool pprof -top` (with `-diff_base` in a diff).
    Report,
    /// The profile as a `.pb.gz` that `go tool pprof` opens.
    Profile,
    /// Every row of the top table (pprof's order, no filter) as TSV or CSV.
    Table { csv: bool },
    /// The graph view's call graph as Graphviz DOT (`heaplens dot`).
    Dot,
}

/// A view to answer: the view's parameters, and what only this request
/// needs (which answer it is, the canvas's width, how many table rows).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ViewRequest {
    /// Echoed back, so the page can drop stale answers.
    pub seq: u32,
    pub params: ViewParams,
    /// Canvas width in CSS pixels (frames under half a pixel are culled).
    pub width_px: u32,
    /// How many of the top table's rows to send (in the table's order).
    pub rows: u32,
    /// The zoomed frame's node in an earlier answer, when the page knows
    /// it: used when it is the frame `params.zoom` names, which saves
    /// finding it by names.
    pub zoom_node: Option<NodeId>,
}

impl Default for ViewRequest {
    fn default() -> Self {
        ViewRequest {
            seq: 0,
            params: ViewParams::default(),
            width_px: 1200,
            rows: PAGE,
            zoom_node: None,
        }
    }
}

/// Messages from the worker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Response {
    Progress {
        stage: String,
        done: u64,
        total: u64,
    },
    Loaded {
        slot: Slot,
        info: Box<ProfileInfo>,
    },
    /// A `go test -bench` output was loaded into `slot`; `comparison` holds
    /// the base against the new output once both are there, else the one
    /// output's values (rows without a base).
    Bench {
        slot: Slot,
        name: String,
        comparison: Option<Vec<Comparison>>,
        names: (String, String),
    },
    /// A compiler diagnostics file was added: the names of those loaded
    /// and how many diagnostics they hold.
    Diagnostics {
        names: Vec<String>,
        count: usize,
    },
    /// A GC log (or a link's series) was loaded: the GC view.
    Gc(Box<super::gclog::GcData>),
    View(Box<ViewData>),
    /// The details a view was answered without (`details_pending`).
    Details(Box<Details>),
    Error {
        slot: Option<Slot>,
        name: String,
        message: String,
    },
    Share(Box<ShareData>),
    Export {
        file_name: String,
        mime: String,
        #[serde(with = "serde_bytes")]
        bytes: Vec<u8>,
    },
    /// Something asked for could not be done (the message says what).
    Failed(String),
    /// The base was closed.
    BaseCleared,
    /// Snapshots of the timeline were opened as the profile (and base):
    /// the view's parameters stay.
    Opened {
        profile: Box<ProfileInfo>,
        base: Option<Box<ProfileInfo>>,
    },
    /// The timeline of snapshots.
    Timeline(Box<super::timeline::TimelineData>),
    /// Every sample type's values of frame `node` (of the other half
    /// when `other`).
    Values {
        node: NodeId,
        other: bool,
        values: Vec<super::render::TypeValue>,
    },
}
