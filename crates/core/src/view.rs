//! The viewer session the web app's worker runs: it owns the decoded
//! profile and its call trees and answers view requests with compact render
//! data (the flame layout for the visible zoom, the top rows, search and
//! callers/callees results), so the page never holds the whole profile.
//! Plain data in and out (serde), so it is tested natively.

use serde::{Deserialize, Serialize};

use crate::keys::{base_name, Granularity};
use crate::layout::{layout, Weight};
use crate::model::{Profile, NONE};
use crate::peek::peek;
use crate::search::{matched_total, Query};
use crate::table::{Entry, TableQuery};
use crate::top::{top, TopOptions};
use crate::tree::{CallTree, Column, ROOT};
use crate::{decode_with, units, Limits};

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
    View(ViewRequest),
    /// Exchange the profile and the base.
    Swap,
    /// The open profiles, slimmed, for a share link; trimmed (largest
    /// samples of `sample_type` first) until their base64 fits `budget`
    /// characters, when given.
    Share {
        sample_type: Option<usize>,
        budget: Option<usize>,
    },
    /// A file of the current view (as last asked for by `view`).
    Export {
        kind: ExportKind,
        view: ViewRequest,
    },
    /// Close the base (a share link without one was opened).
    ClearBase,
}

/// Files the worker writes for the page to download.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ExportKind {
    /// Folded stacks (`a;b;c value`) of the sample type shown.
    Folded,
    /// The text top report of `go tool pprof -top` (with `-diff_base` in a diff).
    Report,
    /// The profile as a `.pb.gz` that `go tool pprof` opens.
    Profile,
    /// Every row of the top table (pprof's order, no filter) as TSV or CSV.
    Table { csv: bool },
}

/// One profile of a share link.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SharedProfile {
    pub name: String,
    /// `.pb.gz` bytes as base64url.
    pub data: String,
    /// Samples kept; when trimmed, samples merged into `(trimmed)` and the
    /// share of the value kept.
    pub samples: usize,
    pub trimmed: Option<(usize, f64)>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShareData {
    pub profile: SharedProfile,
    pub base: Option<SharedProfile>,
    /// The sample type trimming followed (its name).
    pub trim_type: String,
}

/// One profile encoded for a share link, before base64.
#[derive(Debug, Clone, PartialEq)]
pub struct EncodedProfile {
    pub name: String,
    pub bytes: Vec<u8>,
    pub samples: usize,
    pub trimmed: Option<(usize, f64)>,
}

impl EncodedProfile {
    /// With its (compressed) bytes as base64url `data`.
    pub fn into_shared(self, data: String) -> SharedProfile {
        SharedProfile {
            name: self.name,
            data,
            samples: self.samples,
            trimmed: self.trimmed,
        }
    }
}

/// The profile, the base, and the sample type trimming follows.
pub type SharedEncoded = (EncodedProfile, Option<EncodedProfile>, String);

/// Finds how many samples a trimmed share link keeps: a share of each
/// profile's samples, first estimated from the untrimmed link's size, then
/// bisected (a few encodings at most) towards the largest link that fits.
#[derive(Debug, Clone)]
pub struct TrimSearch {
    budget: usize,
    samples: (usize, usize),
    /// Shares known to fit and known not to fit.
    fits: f64,
    too_big: f64,
    tried: f64,
    attempts: u32,
    best: Option<ShareData>,
}

impl TrimSearch {
    /// Starts from the untrimmed link's profiles; `first` is the share of
    /// samples to try first (None when they fit as they are).
    pub fn new(budget: usize, untrimmed: &ShareData) -> TrimSearch {
        TrimSearch {
            budget,
            samples: (
                untrimmed.profile.samples,
                untrimmed.base.as_ref().map_or(0, |b| b.samples),
            ),
            fits: 0.0,
            too_big: 1.0,
            tried: 1.0,
            attempts: 0,
            best: (untrimmed.len() <= budget).then(|| untrimmed.clone()),
        }
        .estimate(untrimmed.len())
    }

    fn estimate(mut self, len: usize) -> TrimSearch {
        self.tried = (self.budget as f64 / len.max(1) as f64 * 0.9).min(1.0);
        self
    }

    fn keep(&self) -> (usize, usize) {
        let r = self.tried;
        let keep = |n: usize| ((n as f64 * r) as usize).min(n.saturating_sub(1));
        (keep(self.samples.0), keep(self.samples.1))
    }

    /// The samples of profile and base to keep next (given the attempt
    /// that came of the last answer, `data`), or None when done.
    pub fn next(&mut self, data: &ShareData) -> Option<(usize, usize)> {
        if self.attempts == 0 && self.best.is_some() {
            return None;
        }
        if self.attempts > 0 {
            if data.len() <= self.budget {
                self.fits = self.tried;
                if self.best.as_ref().is_none_or(|b| b.len() < data.len()) {
                    self.best = Some(data.clone());
                }
                // Close enough to the budget: done.
                if data.len() as f64 >= self.budget as f64 * 0.9 {
                    return None;
                }
            } else {
                self.too_big = self.tried;
            }
        }
        if self.attempts >= 8 || self.too_big - self.fits < 1e-6 {
            return None;
        }
        if self.attempts > 0 {
            self.tried = if self.fits == 0.0 {
                self.too_big / 2.0
            } else {
                (self.fits + self.too_big) / 2.0
            };
        }
        self.attempts += 1;
        Some(self.keep())
    }

    /// The largest attempt that fits, or why none did.
    pub fn result(self, last: ShareData) -> Result<ShareData, String> {
        match self.best {
            Some(b) => Ok(b),
            None if last.len() <= self.budget => Ok(last),
            None => Err(format!(
                "even trimmed hard, the profiles take {} characters, more than {}",
                last.len(),
                self.budget
            )),
        }
    }
}

impl ShareData {
    /// Characters the profiles take in a link.
    pub fn len(&self) -> usize {
        self.profile.data.len() + self.base.as_ref().map_or(0, |b| b.data.len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// What sets a frame's width in a diff.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum WidthBy {
    /// The new profile's value (frames gone in the new profile vanish).
    #[default]
    New,
    /// The base's value.
    Base,
    /// The larger of the two (so removed work stays visible).
    Max,
}

/// Everything the page shows, as a request; the worker answers with
/// [`ViewData`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ViewRequest {
    /// Echoed back, so the page can drop stale answers.
    pub seq: u32,
    /// Sample type index; `None` for the profile's default.
    pub sample_type: Option<usize>,
    /// Flame graph zoom: a node id from an earlier answer (0 = everything).
    pub zoom: u32,
    /// Canvas width in CSS pixels (frames under half a pixel are culled).
    pub width_px: u32,
    pub search: String,
    /// Selected function (name at function granularity).
    pub selected: Option<String>,
    /// Granularity of the top table.
    pub granularity: Granularity,
    /// Show the profile minus the base (when a base is loaded).
    pub diff: bool,
    /// In a diff, what a frame's width stands for.
    pub width_by: WidthBy,
    /// In a diff: pprof's `-base` instead of `-diff_base` (percentages of
    /// the net total), and `-normalize` (new scaled to the base's total).
    pub subtract: bool,
    pub normalize: bool,
    /// Zoom by names (a share link's): the frame reached from the root by
    /// these names, in place of `zoom` when not empty. Names not found
    /// leave the zoom at the last frame found.
    pub zoom_path: Vec<String>,
    /// The top table's order, filter and page size.
    pub table: TableQuery,
    /// A label filter (`go tool pprof -tagfocus`, see [`crate::focus`]);
    /// empty for none.
    pub tagfocus: String,
}

impl Default for ViewRequest {
    fn default() -> Self {
        ViewRequest {
            seq: 0,
            sample_type: None,
            zoom_path: Vec::new(),
            zoom: 0,
            width_px: 1200,
            search: String::new(),
            selected: None,
            granularity: Granularity::Functions,
            diff: true,
            width_by: WidthBy::New,
            subtract: false,
            normalize: false,
            table: TableQuery::default(),
            tagfocus: String::new(),
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
    /// A `go test -bench` output was loaded into `slot`; `comparison` is
    /// set once both a base and a new output are there.
    Bench {
        slot: Slot,
        name: String,
        comparison: Option<Vec<crate::benchfmt::Comparison>>,
        names: (String, String),
    },
    View(Box<ViewData>),
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
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SampleTypeInfo {
    pub name: String,
    pub unit: String,
    pub total: i64,
    pub total_label: String,
}

/// What the info panel shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProfileInfo {
    pub file_name: String,
    pub file_size: u64,
    pub inflated_size: u64,
    pub gzipped: bool,
    pub kind: String,
    pub sample_types: Vec<SampleTypeInfo>,
    pub default_type: usize,
    pub samples: usize,
    pub locations: usize,
    pub functions: usize,
    pub main_binary: String,
    pub period: String,
    pub time: String,
    pub duration: String,
    pub drop_frames: String,
    pub keep_frames: String,
    pub comments: Vec<String>,
    pub warnings: Vec<String>,
    pub tree_nodes: usize,
    /// Go's `# runtime.MemStats` block of a legacy text heap profile
    /// (name, value), in file order.
    pub memstats: Vec<(String, String)>,
    /// The keys of the samples' labels, sorted (what a label filter can
    /// name).
    pub label_keys: Vec<String>,
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
    pub node: u32,
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
pub struct Row {
    pub name: String,
    /// The function the row belongs to (equal to `name` at function
    /// granularity; without the `file:line` part at line granularity).
    pub function: String,
    /// Net values in a diff (new − base), as `go tool pprof -diff_base`.
    pub flat: i64,
    pub cum: i64,
    /// In a diff: the base's flat and cum (0 otherwise).
    pub base_flat: i64,
    pub base_cum: i64,
    /// "", "(inline)" or "(partial-inline)".
    pub mark: String,
}

impl Row {
    /// A row of a function alone: no base, no inline mark.
    pub fn plain(name: &str, flat: i64, cum: i64) -> Row {
        Row {
            name: name.into(),
            function: name.into(),
            flat,
            cum,
            base_flat: 0,
            base_cum: 0,
            mark: String::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Crumb {
    pub node: u32,
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
    pub lines: Vec<crate::list::FunctionLines>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ViewData {
    pub seq: u32,
    pub sample_type: usize,
    pub unit: String,
    pub total: i64,
    pub zoom: u32,
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
}

/// The top table's rows as TSV or CSV with a header: name, flat, cum (net
/// values in a diff, followed by the base's and the new profile's).
pub fn rows_table(rows: impl IntoIterator<Item = Row>, diff: bool, csv: bool) -> String {
    let sep = if csv { "," } else { "\t" };
    let field = |s: &str| {
        if csv && s.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else if csv {
            s.to_string()
        } else {
            s.replace(['\t', '\n', '\r'], " ")
        }
    };
    let mut head = vec!["name", "flat", "cum"];
    if diff {
        head.extend(["base_flat", "new_flat", "base_cum", "new_cum"]);
    }
    let mut out = head.join(sep);
    out.push('\n');
    for r in rows {
        let mut cols = vec![field(&r.name), r.flat.to_string(), r.cum.to_string()];
        if diff {
            cols.extend([
                r.base_flat.to_string(),
                r.base_flat.wrapping_add(r.flat).to_string(),
                r.base_cum.to_string(),
                r.base_cum.wrapping_add(r.cum).to_string(),
            ]);
        }
        out.push_str(&cols.join(sep));
        out.push('\n');
    }
    out
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
            zoom: 0,
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
            rows: Vec::new(),
            rows_fresh: false,
            rows_matching: 0,
            rows_total: 0,
            granularity: Granularity::Functions,
            peek: None,
            diff: None,
            diff_error: None,
        }
    }

    /// This view zoomed into `node`, one of its frames, from what it
    /// already holds: the frame's ancestors go full width above it and its
    /// descendants are stretched to the full width, so the page can paint a
    /// zoom at once. Frames too narrow to be laid out before are missing
    /// until the worker's layout of the zoom arrives. None when `node` is
    /// not a frame of this view, or an ancestor of its zoom (zooming out
    /// needs frames this view does not have).
    pub fn zoomed_locally(&self, node: u32) -> Option<ViewData> {
        let t = *self.rects.iter().find(|r| r.node == node && node != ROOT)?;
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
        crate::sorting::sort_by_key(&mut ancestors, |r| r.depth);
        if ancestors.len() != t.depth as usize
            || ancestors
                .iter()
                .enumerate()
                .any(|(i, r)| r.depth != i as u32)
        {
            return None;
        }
        let mut rects = Vec::with_capacity(self.rects.len());
        let mut crumbs = Vec::with_capacity(ancestors.len() + 1);
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
            crumbs.push(Crumb {
                node: a.node,
                name: self.names.get(a.name as usize)?.name.clone(),
            });
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
            rows: Vec::new(),
            rows_fresh: false,
            rows_matching: self.rows_matching,
            rows_total: self.rows_total,
            granularity: self.granularity,
            peek: self.peek.clone(),
            diff: self.diff.clone(),
            diff_error: self.diff_error.clone(),
        }
    }
}

/// A sample type's totals in both profiles.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Impact {
    pub sample_type: String,
    pub unit: String,
    pub base: i64,
    pub new: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DiffSummary {
    pub base_name: String,
    pub new_name: String,
    /// Every sample type's totals, base and new.
    pub impact: Vec<Impact>,
    /// Functions with the largest growth and reduction of flat (net).
    pub grew: Vec<(String, i64)>,
    pub shrank: Vec<(String, i64)>,
    /// Hot allocation sites: functions whose flat share of alloc_objects
    /// (or of the shown type when there is none) is at least 5% in either
    /// profile: (name, base share, new share), shares in percent.
    pub hot_type: String,
    pub hot: Vec<(String, f64, f64)>,
}

struct Loaded {
    name: String,
    profile: Profile,
    functions: CallTree,
    /// The tree at the table's granularity when it is not functions
    /// (lines or addresses), made when first asked for.
    table_tree: Option<CallTree>,
    /// The function tree's column of the sample type last viewed (zooming
    /// and searching reuse it).
    column: Option<Column>,
    /// pprof's total of that sample type (for a diff profile this merges
    /// all samples, too costly to redo on every zoom).
    total: i64,
    /// For a combined diff profile: how many samples come from the new
    /// profile (the base's follow), and the new and base columns.
    split: Option<usize>,
    split_columns: Option<(Column, Column)>,
}

impl Loaded {
    /// The sample type asked for, or the profile's default when none is
    /// (or it is out of range).
    fn sample_type(&self, asked: Option<usize>) -> usize {
        asked
            .filter(|&t| t < self.profile.num_types())
            .unwrap_or_else(|| self.profile.default_sample_type())
    }

    /// The tree of the top table at granularity `g` (the function tree
    /// until another one is made).
    fn tree_at(&self, g: Granularity) -> &CallTree {
        match (&self.table_tree, g) {
            (Some(t), g) if g != Granularity::Functions && t.keys.granularity == g => t,
            _ => &self.functions,
        }
    }
}

/// (load count, sample type, key) of a callers/callees result.
type PeekKey = (u32, usize, usize, bool);

/// The worker's state: the loaded profiles and their trees.
#[derive(Default)]
pub struct Session {
    profile: Option<Loaded>,
    base: Option<Loaded>,
    /// The profile minus the base, built on the first diff request.
    diff: Option<Loaded>,
    /// Why the profile and the base could not be compared.
    diff_error: Option<String>,
    /// The options the cached diff was made with.
    diff_opts: Option<crate::diff::DiffOptions>,
    /// The profile (or diff) shown with a label filter applied.
    focused: Option<Focused>,
    /// Benchmark outputs loaded beside the profiles (name, parsed).
    bench_new: Option<(String, crate::benchfmt::BenchSet)>,
    bench_base: Option<(String, crate::benchfmt::BenchSet)>,
    /// The rows last sent: which table, and which part of it.
    rows_sent: Option<(RowsKey, TableQuery)>,
    /// Every row of the table last asked for, in pprof's order, and the
    /// order and filter last applied to them.
    rows_cache: std::cell::RefCell<Option<(RowsKey, std::rc::Rc<Vec<Entry>>)>>,
    order_cache: std::cell::RefCell<Option<OrderEntry>>,
    loads: u32,
    /// Callers and callees last computed: (load count, type, key) → data.
    /// Zooming keeps the selection, and the walk over the whole tree is
    /// the most expensive part of a view.
    peek_cache: std::cell::RefCell<Option<(PeekKey, PeekData)>>,
    /// Hot allocation sites of the current pair: (load count, type) → list.
    hot_cache: std::cell::RefCell<Option<HotEntry>>,
}

type HotEntry = ((u32, usize), (String, Vec<(String, f64, f64)>));

/// A profile with a label filter applied.
struct Focused {
    /// The filter, whether it is of the diff, and the load count it was
    /// made at (any other load makes it stale).
    key: (String, bool, u32),
    loaded: Loaded,
    /// Samples kept, of how many.
    kept: (usize, usize),
    /// The unfiltered profile's total per sample type (pprof's
    /// percentages stay of the whole).
    totals: Vec<i64>,
}

/// (load count, sample type, granularity, diff) of a top table.
type RowsKey = (u32, usize, Granularity, bool);

/// A table's rows in a query's order: (table, sort, descending, filter) →
/// row indices.
type OrderEntry = (
    (RowsKey, crate::table::Column, bool, String),
    std::rc::Rc<Vec<u32>>,
);

/// Limits in the browser: a tab has far less memory than the CLI.
pub const BROWSER_LIMITS: Limits = Limits {
    max_input: 512 << 20,
    max_decoded: 1 << 30,
};

impl Session {
    pub fn new() -> Session {
        Session::default()
    }

    pub fn has_profile(&self) -> bool {
        self.profile.is_some()
    }

    /// Decodes `bytes` into `slot`. On error the slot keeps what it had.
    pub fn load(
        &mut self,
        slot: Slot,
        name: &str,
        bytes: &[u8],
        progress: &mut dyn FnMut(&str, u64, u64),
    ) -> Result<ProfileInfo, String> {
        self.load_inflated(slot, name, bytes, None, progress)
    }

    /// Like [`Session::load`], for a profile the browser has already
    /// inflated: `gzip_size` is the size of the file as it was.
    pub fn load_inflated(
        &mut self,
        slot: Slot,
        name: &str,
        bytes: &[u8],
        gzip_size: Option<u64>,
        progress: &mut dyn FnMut(&str, u64, u64),
    ) -> Result<ProfileInfo, String> {
        // The table kept for the page is made again when asked for; without
        // it the new profile has more room.
        self.rows_cache.take();
        self.order_cache.take();
        let mut profile =
            decode_with(bytes, BROWSER_LIMITS, progress).map_err(|e| e.to_string())?;
        if let Some(size) = gzip_size {
            profile.stats.input_bytes = size;
            profile.stats.gzipped = true;
        }
        progress("tree", 0, 1);
        let functions = CallTree::build(&profile, Granularity::Functions);
        progress("tree", 1, 1);
        let loaded = Loaded {
            name: name.to_string(),
            profile,
            functions,
            table_tree: None,
            column: None,
            total: 0,
            split: None,
            split_columns: None,
        };
        let info = info(&loaded);
        self.loads = self.loads.wrapping_add(1);
        self.diff = None;
        match slot {
            Slot::Profile => self.profile = Some(loaded),
            Slot::Base => self.base = Some(loaded),
        }
        Ok(info)
    }

    /// Closes the base profile.
    pub fn clear_base(&mut self) {
        self.base = None;
        self.diff = None;
        self.loads = self.loads.wrapping_add(1);
    }

    /// The open profile (and base) for a share link: slimmed, and trimmed
    /// to fit `budget` base64 characters when one is given. (Natively; the
    /// browser's worker runs the same search with the browser's gzip.)
    pub fn share(
        &self,
        sample_type: Option<usize>,
        budget: Option<usize>,
    ) -> Result<ShareData, String> {
        let encoded = |keep| self.share_encode(sample_type, keep);
        let shared = |(p, b, t): SharedEncoded| {
            let data = crate::share::base64url(&p.bytes);
            ShareData {
                profile: p.into_shared(data),
                base: b.map(|b| {
                    let data = crate::share::base64url(&b.bytes);
                    b.into_shared(data)
                }),
                trim_type: t,
            }
        };
        let first = encoded(None)?;
        let Some(budget) = budget else {
            return Ok(shared(first));
        };
        let mut data = shared(first);
        let mut search = TrimSearch::new(budget, &data);
        while let Some(keep) = search.next(&data) {
            data = shared(encoded(Some(keep))?);
        }
        search.result(data)
    }

    /// The open profile and base encoded for a share link (gzipped
    /// natively; in the browser the worker compresses them), keeping the
    /// given numbers of largest samples of each when `keep` is set.
    pub fn share_encode(
        &self,
        sample_type: Option<usize>,
        keep: Option<(usize, usize)>,
    ) -> Result<SharedEncoded, String> {
        use crate::encode::{encode, EncodeOptions, Trim};
        let new = self.profile.as_ref().ok_or("no profile is open")?;
        let ty = new.sample_type(sample_type);
        let trim_type = new
            .profile
            .sample_types
            .get(ty)
            .map(|t| t.ty.clone())
            .unwrap_or_default();
        let one = |l: &Loaded, keep: Option<usize>| {
            let p = &l.profile;
            let t = p
                .sample_types
                .iter()
                .position(|t| t.ty == trim_type)
                .unwrap_or(0);
            let e = encode(
                p,
                EncodeOptions {
                    trim: keep.map(|k| Trim {
                        sample_type: t,
                        keep_samples: k,
                    }),
                    ..EncodeOptions::SLIM
                },
            );
            EncodedProfile {
                name: l.name.clone(),
                bytes: e.bytes,
                samples: e.samples,
                trimmed: e.trimmed,
            }
        };
        let profile = one(new, keep.map(|k| k.0));
        let base = self.base.as_ref().map(|b| one(b, keep.map(|k| k.1)));
        Ok((profile, base, trim_type.clone()))
    }

    /// The open profile, whole, as pprof protobuf (gzipped natively; in the
    /// browser the worker compresses it).
    pub fn profile_bytes(&self) -> Option<(String, Vec<u8>)> {
        let l = self.profile.as_ref()?;
        Some((
            l.name.clone(),
            crate::encode::encode(&l.profile, crate::encode::EncodeOptions::FULL).bytes,
        ))
    }

    /// What a view shows: the label-filtered profile when there is one,
    /// else the diff when `diffing`, else the profile.
    fn shown(&self, diffing: bool) -> Option<&Loaded> {
        match &self.focused {
            Some(f) => Some(&f.loaded),
            None if diffing => self.diff.as_ref(),
            None => self.profile.as_ref(),
        }
    }

    fn shown_mut(&mut self, diffing: bool) -> Option<&mut Loaded> {
        match &mut self.focused {
            Some(f) => Some(&mut f.loaded),
            None if diffing => self.diff.as_mut(),
            None => self.profile.as_mut(),
        }
    }

    /// A file of the current view: folded stacks, the text report or the
    /// profile itself. `view` is the request last answered.
    pub fn export(
        &mut self,
        kind: ExportKind,
        view: &ViewRequest,
    ) -> Result<(String, String, Vec<u8>), String> {
        // Answering the view makes sure a diff asked for is combined (its
        // rows are not sent: the page keeps the ones it has).
        let sent = self.rows_sent.clone();
        self.view(view).ok_or("no profile is open")?;
        self.rows_sent = sent;
        let new = self.profile.as_ref().ok_or("no profile is open")?;
        let stem = file_stem(&new.name).to_string();
        let diffing = view.diff && self.base.is_some() && self.diff.is_some();
        let l = self.shown(diffing).ok_or("no profile is open")?;
        let filters: Vec<String> = self
            .focused
            .as_ref()
            .map(|f| format!("tagfocus={}", f.key.0))
            .into_iter()
            .collect();
        let ty = l.sample_type(view.sample_type);
        let ty_name = l
            .profile
            .sample_types
            .get(ty)
            .map(|t| t.ty.clone())
            .unwrap_or_default();
        let what = if diffing { "diff" } else { "top" };
        Ok(match kind {
            ExportKind::Folded => (
                format!("{stem}.{ty_name}.folded.txt"),
                "text/plain".into(),
                crate::folded::folded_string(&l.profile, &l.functions, ty).into_bytes(),
            ),
            ExportKind::Report => {
                // Answering the view made the table's tree.
                let t = l.tree_at(view.granularity);
                let opts = TopOptions {
                    node_fraction: 0.005,
                    ..TopOptions::new(ty)
                };
                let mut top = top(&l.profile, t, &opts);
                if let Some(f) = &self.focused {
                    top.total = f.totals.get(ty).copied().unwrap_or(top.total);
                }
                let text_opts = crate::report::TextOptions {
                    node_fraction: 0.005,
                    filters,
                    ..crate::report::TextOptions::default()
                };
                let text = crate::report::top_text(&l.profile, ty, &top, &text_opts);
                (
                    format!("{stem}.{ty_name}.{what}.txt"),
                    "text/plain".into(),
                    text.into_bytes(),
                )
            }
            ExportKind::Table { csv } => {
                let entries = self
                    .rows_cache
                    .borrow()
                    .as_ref()
                    .map(|(_, r)| r.clone())
                    .ok_or("the table is not ready")?;
                let ttree = l.tree_at(view.granularity);
                let rows = entries.iter().map(|e| entry_row(&l.profile, ttree, e));
                let (ext, mime) = if csv {
                    ("csv", "text/csv")
                } else {
                    ("tsv", "text/tab-separated-values")
                };
                (
                    format!("{stem}.{ty_name}.{what}.{ext}"),
                    mime.into(),
                    rows_table(rows, diffing, csv).into_bytes(),
                )
            }
            ExportKind::Profile => (
                format!("{stem}.pb.gz"),
                "application/gzip".into(),
                self.profile_bytes().map(|p| p.1).unwrap_or_default(),
            ),
        })
    }

    /// Whether `bytes` are `go test -bench` output rather than a profile.
    pub fn is_bench(bytes: &[u8]) -> bool {
        crate::benchfmt::looks_like_bench(bytes)
    }

    /// Loads benchmark output into `slot`; answers the comparison once both
    /// sides are there.
    pub fn load_bench(&mut self, slot: Slot, name: &str, bytes: &[u8]) -> Result<Response, String> {
        let set =
            crate::benchfmt::parse(&String::from_utf8_lossy(bytes)).map_err(|e| e.to_string())?;
        match slot {
            Slot::Profile => self.bench_new = Some((name.to_string(), set)),
            Slot::Base => self.bench_base = Some((name.to_string(), set)),
        }
        let (comparison, names) = match (&self.bench_base, &self.bench_new) {
            (Some((bn, b)), Some((nn, n))) => (
                Some(crate::benchfmt::compare(b, n)),
                (bn.clone(), nn.clone()),
            ),
            (Some((bn, _)), None) => (None, (bn.clone(), String::new())),
            (None, Some((nn, _))) => (None, (String::new(), nn.clone())),
            (None, None) => (None, (String::new(), String::new())),
        };
        Ok(Response::Bench {
            slot,
            name: name.to_string(),
            comparison,
            names,
        })
    }

    /// Exchanges the profile and the base; returns their new infos.
    pub fn swap(&mut self) -> Option<(ProfileInfo, ProfileInfo)> {
        if self.profile.is_none() || self.base.is_none() {
            return None;
        }
        std::mem::swap(&mut self.profile, &mut self.base);
        self.diff = None;
        self.loads = self.loads.wrapping_add(1);
        Some((info(self.profile.as_ref()?), info(self.base.as_ref()?)))
    }

    /// Answers a view request for the main profile.
    pub fn view(&mut self, req: &ViewRequest) -> Option<ViewData> {
        let data = self.view_inner(req)?;
        if data.rows_fresh {
            let key = (
                self.loads,
                data.sample_type,
                data.granularity,
                data.diff.is_some(),
            );
            self.rows_sent = Some((key, req.table.clone()));
        }
        Some(data)
    }

    /// Forgets which rows were sent, so the next answer carries them again.
    pub fn resend_rows(&mut self) {
        self.rows_sent = None;
    }

    fn view_inner(&mut self, req: &ViewRequest) -> Option<ViewData> {
        let diffing = req.diff && self.base.is_some() && self.profile.is_some();
        let opts = crate::diff::DiffOptions {
            mode: if req.subtract {
                crate::diff::DiffMode::Base
            } else {
                crate::diff::DiffMode::DiffBase
            },
            normalize: req.normalize,
        };
        if diffing && self.diff_opts != Some(opts) {
            self.diff = None;
        }
        if diffing && self.diff.is_none() {
            self.diff_opts = Some(opts);
            self.loads = self.loads.wrapping_add(1);
            let (new, base) = (self.profile.as_ref()?, self.base.as_ref()?);
            self.diff_error = None;
            match crate::diff::combine_split(&new.profile, &base.profile, opts) {
                Err(e) => self.diff_error = Some(format!("{} and {}: {e}", base.name, new.name)),
                Ok((p, split)) => {
                    let functions = CallTree::build(&p, Granularity::Functions);
                    self.diff = Some(Loaded {
                        name: new.name.clone(),
                        profile: p,
                        functions,
                        table_tree: None,
                        column: None,
                        total: 0,
                        split: Some(split),
                        split_columns: None,
                    });
                }
            }
        }
        let diffing = diffing && self.diff.is_some();
        // A label filter: a filtered copy of what is shown, made once.
        let spec = req.tagfocus.trim();
        let (focus, focus_error) = if spec.is_empty() {
            (None, None)
        } else {
            match crate::focus::TagFocus::parse(spec) {
                Ok(f) => (Some(f), None),
                Err(e) => (None, Some(e.to_string())),
            }
        };
        match &focus {
            None => {
                if self.focused.take().is_some() {
                    // Tables and caches of the filtered profile go stale.
                    self.loads = self.loads.wrapping_add(1);
                }
            }
            Some(f) => {
                let fresh = self
                    .focused
                    .as_ref()
                    .is_some_and(|x| x.key == (spec.to_string(), diffing, self.loads));
                if !fresh {
                    self.focused = None;
                    let src = if diffing {
                        self.diff.as_ref()?
                    } else {
                        self.profile.as_ref()?
                    };
                    let mut p = src.profile.clone();
                    let kept = crate::focus::apply(&mut p, f);
                    let totals = (0..p.num_types()).map(|t| src.profile.total(t)).collect();
                    let functions = CallTree::build(&p, Granularity::Functions);
                    let n = p.num_samples();
                    let loaded = Loaded {
                        name: src.name.clone(),
                        profile: p,
                        functions,
                        table_tree: None,
                        column: None,
                        total: 0,
                        split: src.split,
                        split_columns: None,
                    };
                    self.loads = self.loads.wrapping_add(1);
                    self.focused = Some(Focused {
                        key: (spec.to_string(), diffing, self.loads),
                        loaded,
                        kept: (kept, n),
                        totals,
                    });
                }
            }
        }
        let focus_kept = self.focused.as_ref().map(|f| f.kept);
        let full_totals = self.focused.as_ref().map(|f| f.totals.clone());
        let l = self.shown_mut(diffing)?;
        if req.granularity != Granularity::Functions
            && l.table_tree
                .as_ref()
                .is_none_or(|t| t.keys.granularity != req.granularity)
        {
            l.table_tree = Some(CallTree::build(&l.profile, req.granularity));
        }
        let ty = l.sample_type(req.sample_type);
        if l.column.as_ref().is_none_or(|c| c.ty != ty) {
            l.column = Some(l.functions.column(&l.profile, ty));
            l.total = match &full_totals {
                Some(t) => t.get(ty).copied().unwrap_or(0),
                None => l.profile.total(ty),
            };
        }
        if let Some(split) = l.split {
            if l.split_columns.as_ref().is_none_or(|c| c.0.ty != ty) {
                let n = l.profile.num_samples();
                l.split_columns = Some((
                    l.functions.column_of(&l.profile, ty, 0..split, false),
                    l.functions.column_of(&l.profile, ty, split..n, true),
                ));
            }
        }
        let l = self.shown(diffing)?;
        let p = &l.profile;
        let unit = p
            .sample_types
            .get(ty)
            .map(|t| t.unit.clone())
            .unwrap_or_default();
        let tree = &l.functions;
        let col = match &l.column {
            Some(c) => c,
            None => return None,
        };
        // In a diff, frames are as wide as the new profile's values and
        // carry the base's beside them; otherwise the column is the profile.
        let split_cols = l.split_columns.as_ref().filter(|_| diffing);
        let shown = split_cols.map_or(col, |(new, _)| new);
        let totals = &shown.totals;
        let weight = match split_cols {
            Some((_, base)) if req.width_by == WidthBy::Base => Weight::Abs(&base.totals),
            Some((new, base)) if req.width_by == WidthBy::Max => {
                Weight::Max(&new.totals, &base.totals)
            }
            _ => Weight::Abs(totals),
        };
        let zoom = if !req.zoom_path.is_empty() {
            let mut node = ROOT;
            for name in &req.zoom_path {
                match tree
                    .children_of(node)
                    .iter()
                    .find(|&&c| tree.name(c) == name)
                {
                    Some(&c) => node = c,
                    None => break,
                }
            }
            node
        } else if (req.zoom as usize) < tree.len() {
            req.zoom
        } else {
            ROOT
        };
        let width = f64::from(req.width_px.max(1));
        let lay = layout(tree, &weight, zoom, 0.5 / width);

        // Search.
        let (query, search_error) = match Query::parse(&req.search) {
            Ok(q) => (q, None),
            Err(e) => (None, Some(e.to_string())),
        };
        let key_matches = query.as_ref().map(|q| q.matching_keys(&tree.keys));
        let matched = key_matches.as_ref().map(|m| {
            (
                matched_total(tree, totals, m),
                m.iter().filter(|&&b| b).count(),
            )
        });
        let selected_key = req
            .selected
            .as_deref()
            .and_then(|s| tree.keys.names.iter().position(|n| n == s));

        // Rectangles with a deduplicated name table.
        let mut names: Vec<FrameName> = Vec::new();
        let mut name_of_key = vec![NONE; tree.keys.len()];
        let zoom_path = tree.path(zoom);
        let mut rects = Vec::with_capacity(lay.rects.len());
        for (i, r) in lay.rects.iter().enumerate() {
            let k = tree.key_of(r.node) as usize;
            if name_of_key[k] == NONE {
                name_of_key[k] = names.len() as u32;
                names.push(frame_name(p, tree, k));
            }
            let mut flags = 0u8;
            if key_matches.as_ref().is_some_and(|m| m[k]) {
                flags |= MATCHED;
            }
            if selected_key == Some(k) {
                flags |= SELECTED;
            }
            if tree.is_inlined(r.node) {
                flags |= INLINED;
            }
            if i + 1 < lay.path {
                flags |= ANCESTOR;
            }
            rects.push(FlameRect {
                node: r.node,
                x: r.x,
                w: r.w,
                depth: r.depth,
                name: name_of_key[k],
                self_value: shown.self_value(tree, r.node),
                total: totals[r.node as usize],
                base_self: split_cols.map_or(0, |(_, b)| b.self_value(tree, r.node)),
                base_total: split_cols.map_or(0, |(_, b)| b.totals[r.node as usize]),
                flags,
            });
        }
        let crumbs = zoom_path
            .into_iter()
            .map(|n| Crumb {
                node: n,
                name: tree.name(n).to_string(),
            })
            .collect();

        // Top rows at the table's granularity.
        let ttree = l.tree_at(req.granularity);
        let rows_key = (self.loads, ty, req.granularity, diffing);
        let rows_fresh = self
            .rows_sent
            .as_ref()
            .is_none_or(|(k, q)| *k != rows_key || *q != req.table);
        let (mut rows, mut rows_matching, mut rows_total) = (Vec::new(), 0, 0);
        if rows_fresh {
            let all = {
                let mut cache = self.rows_cache.borrow_mut();
                match cache.as_ref() {
                    Some((k, r)) if *k == rows_key => r.clone(),
                    _ => {
                        // Free the old table before building the new one.
                        *cache = None;
                        let split = l.split.filter(|_| diffing);
                        let r = std::rc::Rc::new(all_rows(p, ttree, ty, split));
                        *cache = Some((rows_key, r.clone()));
                        r
                    }
                }
            };
            let q = &req.table;
            let okey = (rows_key, q.sort, q.desc, q.filter.trim().to_lowercase());
            let ord = {
                let mut cache = self.order_cache.borrow_mut();
                match cache.as_ref() {
                    Some((k, o)) if *k == okey => o.clone(),
                    _ => {
                        let o = std::rc::Rc::new(crate::table::order(
                            &all,
                            &ttree.keys.names,
                            q.sort,
                            q.desc,
                            &q.filter,
                        ));
                        *cache = Some((okey, o.clone()));
                        o
                    }
                }
            };
            rows = ord
                .iter()
                .take(q.limit as usize)
                .filter_map(|&i| all.get(i as usize))
                .map(|e| entry_row(p, ttree, e))
                .collect();
            rows_matching = ord.len() as u32;
            rows_total = all.len() as u32;
        }

        let peek = selected_key.map(|k| {
            let cache_key = (self.loads, ty, k, diffing);
            if let Some((ck, data)) = self.peek_cache.borrow().as_ref() {
                if *ck == cache_key {
                    return data.clone();
                }
            }
            let pk = peek(tree, col, k as u32);
            let name_of = |key: u32| tree.keys.names[key as usize].clone();
            let data = PeekData {
                name: tree.keys.names[k].clone(),
                flat: pk.flat,
                cum: pk.cum,
                callers: pk
                    .callers
                    .iter()
                    .map(|(k, v)| (k.map_or_else(|| "(root)".to_string(), name_of), *v))
                    .collect(),
                callees: pk.callees.iter().map(|(k, v)| (name_of(*k), *v)).collect(),
                lines: {
                    let name = &tree.keys.names[k];
                    crate::list::lines_where(p, ty, |n| n == name)
                },
            };
            *self.peek_cache.borrow_mut() = Some((cache_key, data.clone()));
            data
        });

        let diff = if diffing {
            let (new, base) = (self.profile.as_ref()?, self.base.as_ref()?);
            let impact = new
                .profile
                .sample_types
                .iter()
                .enumerate()
                .map(|(t, st)| Impact {
                    sample_type: st.ty.clone(),
                    unit: st.unit.clone(),
                    base: base.profile.signed_total(t),
                    new: new.profile.signed_total(t),
                })
                .collect();
            let mut f = vec![0i64; tree.keys.len()];
            let mut c = vec![0i64; tree.keys.len()];
            crate::top::key_values(tree, col, &mut f, &mut c);
            let mut by_flat: Vec<(String, i64)> = f
                .iter()
                .enumerate()
                .filter(|(_, &v)| v != 0)
                .map(|(k, &v)| (tree.keys.names[k].clone(), v))
                .collect();
            crate::sorting::sort_by_key(&mut by_flat, |(_, v)| std::cmp::Reverse(*v));
            let grew: Vec<(String, i64)> = by_flat
                .iter()
                .filter(|(_, v)| *v > 0)
                .take(5)
                .cloned()
                .collect();
            let shrank: Vec<(String, i64)> = by_flat
                .iter()
                .rev()
                .filter(|(_, v)| *v < 0)
                .take(5)
                .cloned()
                .collect();
            let hot_ty = new
                .profile
                .sample_types
                .iter()
                .position(|t| t.ty == "alloc_objects")
                .unwrap_or(ty);
            let cached = self
                .hot_cache
                .borrow()
                .as_ref()
                .filter(|(k, _)| *k == (self.loads, hot_ty))
                .map(|(_, v)| v.clone());
            let (hot_type, hot) = match cached {
                Some(v) => v,
                None => {
                    let split = l.split.unwrap_or(0);
                    let n = p.num_samples();
                    let nk = tree.keys.len();
                    let share =
                        |range: std::ops::Range<usize>, negate: bool, total: i64| -> Vec<f64> {
                            let c = tree.column_of(p, hot_ty, range, negate);
                            let (mut f, mut cu) = (vec![0i64; nk], vec![0i64; nk]);
                            crate::top::key_values(tree, &c, &mut f, &mut cu);
                            f.iter()
                                .map(|&v| {
                                    if total != 0 {
                                        v as f64 * 100.0 / total as f64
                                    } else {
                                        0.0
                                    }
                                })
                                .collect()
                        };
                    let ns = share(0..split, false, new.profile.signed_total(hot_ty));
                    let bs = share(split..n, true, base.profile.signed_total(hot_ty));
                    let mut hot: Vec<(String, f64, f64)> = (0..nk)
                        .filter(|&k| ns[k] >= 5.0 || bs[k] >= 5.0)
                        .map(|k| (tree.keys.names[k].clone(), bs[k], ns[k]))
                        .collect();
                    crate::sorting::sort_by(&mut hot, |a, b| b.1.max(b.2).total_cmp(&a.1.max(a.2)));
                    let v = (new.profile.sample_types[hot_ty].ty.clone(), hot);
                    *self.hot_cache.borrow_mut() = Some(((self.loads, hot_ty), v.clone()));
                    v
                }
            };
            Some(DiffSummary {
                base_name: base.name.clone(),
                new_name: new.name.clone(),
                impact,
                grew,
                shrank,
                hot_type,
                hot,
            })
        } else {
            None
        };

        let diff_error = if req.diff && self.base.is_some() && !diffing {
            self.diff_error.clone()
        } else {
            None
        };
        Some(ViewData {
            diff,
            diff_error,
            seq: req.seq,
            sample_type: ty,
            unit,
            total: l.total,
            zoom,
            crumbs,
            names,
            rects,
            depth: lay.rows,
            culled: lay.culled,
            deeper: lay.deeper,
            matched,
            search_error,
            focus: focus_kept,
            focus_error,
            rows,
            rows_fresh,
            rows_matching,
            rows_total,
            granularity: req.granularity,
            peek,
        })
    }
}

/// Every row of the top table of `ttree`, in pprof's order; in a diff
/// (`split`: where the base's samples start) with the base's own values.
fn all_rows(p: &Profile, ttree: &CallTree, ty: usize, split: Option<usize>) -> Vec<Entry> {
    let t = crate::top::top_keys(p, ttree, &TopOptions::new(ty));
    // The base's own flat and cum per row, in a diff.
    let (base_flat, base_cum) = match split {
        Some(split) => {
            let bcol = ttree.column_of(p, ty, split..p.num_samples(), true);
            let mut f = vec![0i64; ttree.keys.len()];
            let mut c = vec![0i64; ttree.keys.len()];
            crate::top::key_values(ttree, &bcol, &mut f, &mut c);
            (f, c)
        }
        None => (Vec::new(), Vec::new()),
    };
    t.rows
        .into_iter()
        .map(|r| Entry {
            key: r.key,
            flat: r.flat,
            cum: r.cum,
            base_flat: base_flat.get(r.key as usize).copied().unwrap_or(0),
            base_cum: base_cum.get(r.key as usize).copied().unwrap_or(0),
            inline: r.inline,
        })
        .collect()
}

/// A table row as the page shows it.
fn entry_row(p: &Profile, ttree: &CallTree, e: &Entry) -> Row {
    let k = e.key as usize;
    let name = ttree.keys.names.get(k).cloned().unwrap_or_default();
    let f = ttree.keys.function.get(k).copied().unwrap_or(NONE);
    let function = match p.functions.get(f as usize) {
        Some(func) if ttree.keys.granularity != Granularity::Functions => {
            let n = p.str(func.name);
            if n.is_empty() {
                name.clone()
            } else {
                n.to_string()
            }
        }
        _ => name.clone(),
    };
    Row {
        name,
        function,
        flat: e.flat,
        cum: e.cum,
        base_flat: e.base_flat,
        base_cum: e.base_cum,
        mark: e.inline.as_str().to_string(),
    }
}

fn frame_name(p: &Profile, tree: &CallTree, key: usize) -> FrameName {
    let name = tree.keys.names[key].clone();
    let f = tree.keys.function[key];
    let file = if f == NONE {
        String::new()
    } else {
        let func = &p.functions[f as usize];
        let file = p.str(func.filename);
        if file.is_empty() {
            String::new()
        } else if func.start_line > 0 {
            format!("{file}:{}", func.start_line)
        } else {
            file.to_string()
        }
    };
    let package = package_of(&name).to_string();
    FrameName {
        name,
        file,
        package,
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

fn info(l: &Loaded) -> ProfileInfo {
    let p = &l.profile;
    let sample_types = p
        .sample_types
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let total = p.total(i);
            SampleTypeInfo {
                name: t.ty.clone(),
                unit: t.unit.clone(),
                total,
                total_label: units::label(total, &t.unit),
            }
        })
        .collect();
    let period = match &p.period_type {
        Some(pt) if p.period != 0 => format!("{} ({})", units::label(p.period, &pt.unit), pt.ty),
        _ if p.period != 0 => p.period.to_string(),
        _ => String::new(),
    };
    ProfileInfo {
        file_name: l.name.clone(),
        file_size: p.stats.input_bytes,
        inflated_size: p.stats.decoded_bytes,
        gzipped: p.stats.gzipped,
        kind: p.kind().to_string(),
        sample_types,
        default_type: p.default_sample_type(),
        samples: p.num_samples(),
        locations: p.locations.len(),
        functions: p.functions.len(),
        main_binary: p
            .mappings
            .first()
            .map(|m| base_name(p.str(m.file)).to_string())
            .unwrap_or_default(),
        period,
        time: if p.time_nanos != 0 {
            units::format_time(p.time_nanos)
        } else {
            String::new()
        },
        duration: if p.duration_nanos != 0 {
            units::label(p.duration_nanos, "nanoseconds")
        } else {
            String::new()
        },
        drop_frames: p.drop_frames.clone(),
        keep_frames: p.keep_frames.clone(),
        comments: p.comments.clone(),
        warnings: p.warnings.clone(),
        tree_nodes: l.functions.len(),
        memstats: p.memstats.clone(),
        label_keys: {
            let mut keys: Vec<String> = p
                .labels
                .distinct()
                .iter()
                .map(|l| p.str(l.key).to_string())
                .collect();
            crate::sorting::sort_by(&mut keys, |a, b| a.cmp(b));
            keys.dedup();
            keys
        },
    }
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
