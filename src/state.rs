//! App state, changed only through [`Action`] by one reducer. It holds what
//! the page shows (the worker's last answers) and the view parameters that
//! the next request to the worker is made of.

use std::rc::Rc;

use heaplens_core::benchfmt::Comparison;
use heaplens_core::encode::TRIMMED_MARK;
use heaplens_core::share::ViewState;
use heaplens_core::view::{
    ProfileInfo, Response, Row, ShareData, Slot, ViewData, ViewRequest, WidthBy,
};

use heaplens_core::table::{self, Column as SortColumn, TableQuery};

/// Benchmark outputs loaded beside the profiles.
#[derive(Clone, Debug, PartialEq)]
pub struct Bench {
    pub base_name: String,
    pub new_name: String,
    /// Set once both outputs are loaded.
    pub comparison: Option<Vec<Comparison>>,
}
use heaplens_core::Granularity;
use yew::Reducible;

/// Root on top (pprof's default) or at the bottom.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Orientation {
    #[default]
    Icicle,
    Flame,
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

/// What the next view request asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Params {
    pub sample_type: Option<usize>,
    pub zoom: u32,
    pub search: String,
    pub selected: Option<String>,
    pub granularity: Granularity,
    pub width_px: u32,
    /// Show the profile minus the base (when a base is loaded).
    pub diff: bool,
    pub width_by: WidthBy,
    /// pprof's `-base` (percent of the net total) instead of `-diff_base`.
    pub subtract: bool,
    /// pprof's `-normalize`: the new profile scaled to the base's total.
    pub normalize: bool,
    /// A share link's zoom, by names, until the worker has found it.
    pub zoom_path: Vec<String>,
    /// The top table's sort, filter and how many rows it shows.
    pub table: TableQuery,
    /// Label filter (pprof's -tagfocus), "" for none.
    pub tagfocus: String,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            sample_type: None,
            zoom: 0,
            search: String::new(),
            selected: None,
            granularity: Granularity::Functions,
            width_px: 1200,
            diff: true,
            width_by: WidthBy::New,
            subtract: false,
            normalize: false,
            zoom_path: Vec::new(),
            table: TableQuery::default(),
            tagfocus: String::new(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Default)]
pub struct AppState {
    pub busy: Option<Busy>,
    pub info: Option<Rc<ProfileInfo>>,
    pub base_info: Option<Rc<ProfileInfo>>,
    pub error: Option<String>,
    pub view: Option<Rc<ViewData>>,
    pub bench: Option<Rc<Bench>>,
    /// The top rows the table shows (sorted, filtered and paged by the
    /// worker), how many pass the filter, and how many there are.
    pub rows: Rc<Vec<Row>>,
    pub rows_matching: u32,
    pub rows_total: u32,
    pub params: Params,
    pub orientation: Orientation,
    /// In a diff, colour frames by the change of their self value.
    pub color_by_self: bool,
    pub theme: Theme,
    /// The frame the keyboard cursor is on (a node id of the current view).
    pub cursor: Option<u32>,
    /// Bumped on every successful load of the main profile.
    pub loaded: u32,
    /// Bumped on every change of `params` or `loaded`.
    pub seq: u32,
    /// A share link's view, applied once its profile has loaded.
    pub pending: Option<Rc<ViewState>>,
    /// The profiles of the last share link made, and whether one is being made.
    pub shared: Option<Rc<ShareData>>,
    pub sharing: bool,
    /// Something to tell that is not an error (e.g. a trimmed profile).
    pub notice: Option<String>,
    /// Source files the reader gave for the line view, by file name.
    pub code: crate::components::Sources,
}

impl AppState {
    /// Drops the zoom and the keyboard cursor (node ids of the old frames).
    fn forget_frames(&mut self) {
        self.params.zoom = 0;
        self.params.zoom_path.clear();
        self.cursor = None;
    }

    /// Takes on a share link's view (`info`: the profile it applies to).
    fn apply_view(&mut self, v: &ViewState, info: Option<&ProfileInfo>) {
        let p = &mut self.params;
        // No sample type named: the profile's default.
        p.sample_type = None;
        if let Some(t) = &v.sample_type {
            match info.and_then(|i| i.sample_types.iter().position(|s| &s.name == t)) {
                Some(i) => p.sample_type = Some(i),
                None if info.is_some() => {
                    self.notice = Some(format!(
                        "The link asks for sample type {t:?}, which this profile does not have; showing its default."
                    ))
                }
                None => {}
            }
        }
        p.diff = v.diff;
        p.subtract = v.subtract;
        p.normalize = v.normalize;
        p.width_by = v.width_by;
        p.granularity = v.granularity;
        p.search = v.search.clone();
        p.tagfocus = v.tagfocus.clone();
        p.selected = v.selected.clone();
        p.zoom = 0;
        p.zoom_path = v.zoom.clone();
        self.cursor = None;
        self.orientation = if v.flame {
            Orientation::Flame
        } else {
            Orientation::Icicle
        };
        self.color_by_self = v.color_by_self;
        let (sort, desc) = SortColumn::from_link_text(&v.sort).unwrap_or((SortColumn::Flat, true));
        p.table = TableQuery {
            sort,
            desc,
            filter: v.filter.clone(),
            limit: table::PAGE,
        };
    }

    /// The current view as a share link writes it.
    pub fn view_state(&self) -> ViewState {
        let p = &self.params;
        let zoom = if !p.zoom_path.is_empty() {
            p.zoom_path.clone()
        } else {
            match &self.view {
                Some(v) if v.zoom == p.zoom && p.zoom != 0 => {
                    v.crumbs.iter().map(|c| c.name.clone()).collect()
                }
                _ => Vec::new(),
            }
        };
        let sample_type = match (p.sample_type, &self.info) {
            (Some(t), Some(i)) => i.sample_types.get(t).map(|s| s.name.clone()),
            _ => None,
        };
        ViewState {
            sample_type,
            flame: self.orientation == Orientation::Flame,
            diff: p.diff,
            subtract: p.subtract,
            normalize: p.normalize,
            width_by: p.width_by,
            color_by_self: self.color_by_self,
            zoom,
            selected: p.selected.clone(),
            search: p.search.clone(),
            granularity: p.granularity,
            filter: p.table.filter.clone(),
            sort: SortColumn::link_text((p.table.sort, p.table.desc)),
            tagfocus: p.tagfocus.clone(),
        }
    }

    /// Zooms into frame `z`; paints at once what the current view already
    /// holds of the zoom (the worker's exact layout follows).
    fn zoom(&mut self, z: u32) {
        if z != self.params.zoom {
            if let Some(v) = self.view.as_ref().and_then(|v| v.zoomed_locally(z)) {
                self.view = Some(Rc::new(v));
            }
        }
        self.params.zoom = z;
        self.cursor = Some(z).filter(|&z| z != 0);
    }

    /// The request the worker should answer for the current state.
    pub fn request(&self) -> ViewRequest {
        ViewRequest {
            seq: self.seq,
            sample_type: self.params.sample_type,
            zoom: self.params.zoom,
            width_px: self.params.width_px,
            search: self.params.search.clone(),
            selected: self.params.selected.clone(),
            zoom_path: self.params.zoom_path.clone(),
            granularity: self.params.granularity,
            diff: self.params.diff,
            width_by: self.params.width_by,
            subtract: self.params.subtract,
            normalize: self.params.normalize,
            table: self.params.table.clone(),
            tagfocus: self.params.tagfocus.clone(),
        }
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
    SampleType(usize),
    Zoom(u32),
    /// A click on a frame: zoom into it and select its function.
    ClickFrame(u32, String),
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
    ColorBySelf(bool),
    Cursor(Option<u32>),
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
    OpenLink(Rc<ViewState>),
    /// Back or forward to a view of the same profiles.
    ApplyView(Rc<ViewState>),
    /// A share link is being made.
    Sharing,
    /// Closes the share panel.
    CloseShare,
    Notice(Option<String>),
    /// Source files read (name, text): the line view shows their code.
    AddSources(Vec<(String, String)>),
}

impl Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        let mut before = next.params.clone();
        match action {
            Action::Reading { name } => {
                next.busy = Some(Busy {
                    name,
                    stage: "read".into(),
                    done: 0,
                    total: 0,
                });
                next.error = None;
            }
            Action::ReadFailed { message } => {
                next.busy = None;
                next.error = Some(message);
                // A link's view is for its own profile, not the next one opened.
                next.pending = None;
            }
            Action::Worker(resp) => match *resp {
                Response::Progress { stage, done, total } => {
                    if let Some(b) = next.busy.as_mut() {
                        b.stage = stage;
                        b.done = done;
                        b.total = total;
                    }
                }
                Response::Loaded {
                    slot: Slot::Profile,
                    info,
                } => {
                    next.busy = None;
                    next.error = None;
                    next.info = Some(Rc::from(info));
                    next.view = None;
                    next.rows = Rc::default();
                    next.cursor = None;
                    // A new profile: new frames, so no zoom, selection or
                    // search; the reader's choices of layout stay.
                    let old = next.params.clone();
                    next.params = Params {
                        width_px: old.width_px,
                        granularity: old.granularity,
                        diff: old.diff,
                        width_by: old.width_by,
                        subtract: old.subtract,
                        normalize: old.normalize,
                        table: TableQuery {
                            limit: table::PAGE,
                            ..old.table
                        },
                        ..Params::default()
                    };
                    next.shared = None;
                    next.notice = None;
                    if let Some(v) = next.pending.take() {
                        let info = next.info.clone();
                        next.apply_view(&v, info.as_deref());
                    }
                    if let Some(c) = next
                        .info
                        .as_ref()
                        .and_then(|i| i.comments.iter().find(|c| c.starts_with(TRIMMED_MARK)))
                    {
                        next.notice = Some(format!(
                            "This profile was trimmed to fit in its share link: {}.",
                            c.trim_start_matches(TRIMMED_MARK)
                                .trim_start_matches(':')
                                .trim()
                        ));
                    }
                    next.loaded += 1;
                }
                Response::Loaded {
                    slot: Slot::Base,
                    info,
                } => {
                    next.busy = None;
                    next.base_info = Some(Rc::from(info));
                    // The view becomes a diff: other frames, other node ids.
                    next.forget_frames();
                    next.loaded += 1;
                }
                Response::View(mut view) => {
                    // Rows are sent once per (profile, type, granularity,
                    // diff); keep them even from an answer that is otherwise
                    // stale, or the worker and the page would disagree on
                    // which rows the page has.
                    if view.rows_fresh {
                        next.rows = Rc::new(std::mem::take(&mut view.rows));
                        next.rows_matching = view.rows_matching;
                        next.rows_total = view.rows_total;
                    }
                    if view.seq == next.seq {
                        // A zoom by names is found: from now on it is a node.
                        if !next.params.zoom_path.is_empty() {
                            next.params.zoom_path.clear();
                            next.params.zoom = view.zoom;
                            before.zoom_path.clear();
                            before.zoom = view.zoom;
                        }
                        if let Some(c) = next.cursor {
                            if !view.rects.iter().any(|r| r.node == c) {
                                next.cursor = None;
                            }
                        }
                        next.view = Some(Rc::from(view));
                    } else {
                        return Rc::new(next);
                    }
                }
                Response::Bench {
                    comparison, names, ..
                } => {
                    next.busy = None;
                    next.error = None;
                    next.bench = Some(Rc::new(Bench {
                        base_name: names.0,
                        new_name: names.1,
                        comparison,
                    }));
                }
                Response::Share(data) => {
                    next.sharing = false;
                    next.shared = Some(Rc::from(data));
                }
                Response::Failed(message) => {
                    next.sharing = false;
                    next.error = Some(message);
                }
                // Downloaded by the page as it arrives.
                Response::Export { .. } => {}
                Response::BaseCleared => {
                    next.base_info = None;
                    next.forget_frames();
                    next.loaded += 1;
                }
                Response::Error {
                    slot,
                    name,
                    message,
                } => {
                    next.busy = None;
                    let which = match slot {
                        Some(Slot::Base) => "base profile ",
                        _ => "",
                    };
                    let keep = if next.info.is_some() {
                        " The previous profile is still open."
                    } else {
                        ""
                    };
                    next.error = Some(format!("Could not open {which}{name}: {message}.{keep}"));
                    if slot != Some(Slot::Base) {
                        next.pending = None;
                    }
                }
            },
            Action::SampleType(t) => next.params.sample_type = Some(t),
            Action::Zoom(z) => next.zoom(z),
            Action::ClickFrame(z, name) => {
                next.zoom(z);
                next.params.selected = Some(name);
            }
            Action::Search(s) => next.params.search = s,
            Action::Select(s) => next.params.selected = s,
            Action::Granularity(g) => next.params.granularity = g,
            // These change which frames there are: node ids from the old
            // layout mean nothing in the new one.
            Action::Subtract(b) => {
                next.params.subtract = b;
                next.forget_frames();
            }
            Action::Normalize(b) => {
                next.params.normalize = b;
                next.forget_frames();
            }
            Action::WidthBy(w) => {
                next.params.width_by = w;
                next.forget_frames();
            }
            Action::Diff(d) => {
                next.params.diff = d;
                next.forget_frames();
            }
            Action::Width(w) => {
                // Culling only needs the width roughly; small changes do not
                // warrant a new layout.
                let old = f64::from(next.params.width_px);
                if (f64::from(w) - old).abs() > old * 0.02 {
                    next.params.width_px = w.max(1);
                }
            }
            Action::Orientation(o) => next.orientation = o,
            Action::ColorBySelf(b) => next.color_by_self = b,
            Action::Cursor(c) => next.cursor = c,
            Action::ToggleTheme => next.theme = next.theme.next(),
            Action::Error(e) => next.error = Some(e),
            Action::TableSort((sort, desc)) => {
                let t = &mut next.params.table;
                (t.sort, t.desc, t.limit) = (sort, desc, table::PAGE);
            }
            Action::TableFilter(f) => {
                let t = &mut next.params.table;
                (t.filter, t.limit) = (f, table::PAGE);
            }
            Action::TagFocus(f) => {
                if f.trim() != next.params.tagfocus {
                    next.params.tagfocus = f.trim().to_string();
                    // Another tree: other node ids.
                    next.forget_frames();
                }
            }
            Action::TableMore => {
                let t = &mut next.params.table;
                t.limit = t.limit.saturating_add(table::PAGE * 5);
            }
            Action::OpenLink(v) => {
                next.pending = Some(v);
                next.error = None;
            }
            Action::ApplyView(v) => {
                let info = next.info.clone();
                next.apply_view(&v, info.as_deref());
            }
            Action::Sharing => {
                next.sharing = true;
                next.shared = None;
            }
            Action::CloseShare => {
                next.sharing = false;
                next.shared = None;
            }
            Action::Notice(n) => next.notice = n,
            Action::AddSources(files) => {
                let mut code = (*next.code).clone();
                for (name, text) in files {
                    let name = heaplens_core::keys::base_name(&name).to_string();
                    code.insert(name, text);
                }
                next.code = Rc::new(code);
            }
            Action::WorkerFailed(msg) => {
                next.busy = None;
                next.info = None;
                next.base_info = None;
                next.view = None;
                next.rows = Rc::default();
                next.cursor = None;
                next.error = Some(format!(
                    "The analysis stopped on an internal error ({msg}). It has been restarted: open the profile again. If it happens again with this file, please report it."
                ));
                next.loaded += 1;
            }
        }
        if next.params != before || next.loaded != self.loaded {
            next.seq = next.seq.wrapping_add(1);
        }
        Rc::new(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info() -> ProfileInfo {
        ProfileInfo {
            file_name: "mem.prof".into(),
            file_size: 10,
            inflated_size: 20,
            gzipped: true,
            kind: "Go heap".into(),
            sample_types: vec![],
            default_type: 0,
            samples: 1,
            locations: 1,
            functions: 1,
            main_binary: String::new(),
            period: String::new(),
            time: String::new(),
            duration: String::new(),
            drop_frames: String::new(),
            keep_frames: String::new(),
            comments: vec![],
            warnings: vec![],
            tree_nodes: 2,
            memstats: vec![],
            label_keys: vec![],
        }
    }

    #[test]
    fn loading_resets_the_view_and_bumps_the_sequence() {
        let s = Rc::new(AppState::default());
        let s = s.reduce(Action::Zoom(5));
        let seq = s.seq;
        let s = s.reduce(Action::Reading {
            name: "mem.prof".into(),
        });
        assert!(s.busy.is_some());
        let s = s.reduce(Action::Worker(Box::new(Response::Loaded {
            slot: Slot::Profile,
            info: Box::new(info()),
        })));
        assert_eq!(s.params.zoom, 0);
        assert!(s.busy.is_none() && s.info.is_some());
        assert!(s.seq > seq);
    }

    #[test]
    fn errors_keep_the_previous_profile() {
        let s = Rc::new(AppState::default());
        let s = s.reduce(Action::Worker(Box::new(Response::Loaded {
            slot: Slot::Profile,
            info: Box::new(info()),
        })));
        let s = s.reduce(Action::Worker(Box::new(Response::Error {
            slot: Some(Slot::Profile),
            name: "bad.txt".into(),
            message: "the file is empty".into(),
        })));
        assert!(s.info.is_some());
        assert_eq!(
            s.error.as_deref(),
            Some("Could not open bad.txt: the file is empty. The previous profile is still open.")
        );
    }

    /// A view answer with these frames and nothing else.
    fn view_data(
        seq: u32,
        names: Vec<heaplens_core::view::FrameName>,
        rects: Vec<heaplens_core::view::FlameRect>,
    ) -> ViewData {
        let mut v = ViewData::of_frames(names, rects);
        v.seq = seq;
        v.rows_fresh = true;
        v
    }

    #[test]
    fn stale_views_are_dropped() {
        let s = Rc::new(AppState::default());
        let s = s.reduce(Action::Search("x".into()));
        let view = view_data(s.seq.wrapping_sub(1), vec![], vec![]);
        let s2 = s
            .clone()
            .reduce(Action::Worker(Box::new(Response::View(Box::new(view)))));
        assert!(s2.view.is_none());
    }

    #[test]
    fn a_click_zooms_at_once_and_asks_once() {
        use heaplens_core::view::{FlameRect, FrameName};
        let name = |n: &str| FrameName {
            name: n.into(),
            file: String::new(),
            package: String::new(),
        };
        let rect = |node, x, w, depth, name| FlameRect {
            node,
            x,
            w,
            depth,
            name,
            self_value: 0,
            total: 1,
            base_self: 0,
            base_total: 0,
            flags: 0,
        };
        let s = Rc::new(AppState::default());
        let seq = s.seq;
        let view = view_data(
            seq,
            vec![name("main"), name("a"), name("b"), name("x")],
            vec![
                rect(1, 0.0, 1.0, 0, 0),
                rect(2, 0.0, 0.5, 1, 1),
                rect(3, 0.5, 0.5, 1, 2),
                rect(4, 0.5, 0.25, 2, 3),
            ],
        );
        let s = s.reduce(Action::Worker(Box::new(Response::View(Box::new(view)))));
        let s = s.reduce(Action::ClickFrame(3, "b".into()));
        assert_eq!(
            s.seq,
            seq.wrapping_add(1),
            "one request for zoom and selection"
        );
        assert_eq!(
            (s.params.zoom, s.params.selected.as_deref()),
            (3, Some("b"))
        );
        let v = s.view.as_ref().expect("a view");
        assert_eq!(v.zoom, 3);
        let names: Vec<&str> = v.crumbs.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["main", "b"]);
        let x: Vec<(u32, f64, f64)> = v.rects.iter().map(|r| (r.node, r.x, r.w)).collect();
        assert_eq!(x, [(1, 0.0, 1.0), (3, 0.0, 1.0), (4, 0.0, 0.5)]);
    }

    #[test]
    fn a_link_view_waits_for_its_profile() {
        use heaplens_core::view::SampleTypeInfo;
        let ty = |name: &str| SampleTypeInfo {
            name: name.into(),
            unit: "bytes".into(),
            total: 1,
            total_label: "1B".into(),
        };
        let mut with_types = info();
        with_types.sample_types = vec![ty("alloc_space"), ty("inuse_space")];
        let view = ViewState {
            sample_type: Some("inuse_space".into()),
            flame: true,
            zoom: vec!["main.main".into(), "main.work".into()],
            search: "json".into(),
            filter: "enc".into(),
            sort: "-cum".into(),
            ..ViewState::default()
        };
        // A link whose profile cannot be read leaves no view behind.
        let s = Rc::new(AppState::default()).reduce(Action::OpenLink(Rc::new(view.clone())));
        let failed = s.clone().reduce(Action::ReadFailed {
            message: "404".into(),
        });
        assert!(failed.pending.is_none());
        // Its profile arrives: the view is taken on.
        let s = s.reduce(Action::Worker(Box::new(Response::Loaded {
            slot: Slot::Profile,
            info: Box::new(with_types),
        })));
        assert!(s.pending.is_none());
        assert_eq!(s.params.sample_type, Some(1));
        assert_eq!(s.params.zoom_path, view.zoom);
        assert_eq!(s.params.search, "json");
        assert_eq!(s.orientation, Orientation::Flame);
        assert_eq!(s.params.table.filter, "enc");
        assert_eq!(
            (s.params.table.sort, s.params.table.desc),
            (SortColumn::Cum, false)
        );
        assert_eq!(s.view_state(), view);
        // The worker finds the zoom by names: from then on it is a node,
        // without another request.
        let seq = s.seq;
        let mut answer = view_data(seq, vec![], vec![]);
        answer.zoom = 42;
        let s = s.reduce(Action::Worker(Box::new(Response::View(Box::new(answer)))));
        assert_eq!(
            (s.params.zoom, s.params.zoom_path.len(), s.seq),
            (42, 0, seq)
        );
    }

    #[test]
    fn source_files_are_kept_by_name_and_replaced_by_a_newer_one() {
        let s = Rc::new(AppState::default()).reduce(Action::AddSources(vec![
            ("api.go".into(), "package a".into()),
            ("dir/baseline.go".into(), "old".into()),
        ]));
        let s = s.reduce(Action::AddSources(vec![(
            "baseline.go".into(),
            "new".into(),
        )]));
        assert_eq!(s.code.len(), 2);
        assert_eq!(s.code.get("baseline.go").map(String::as_str), Some("new"));
        assert_eq!(s.code.get("api.go").map(String::as_str), Some("package a"));
        // Sources are not view parameters: no new request.
        assert_eq!(s.seq, 0);
    }
}
