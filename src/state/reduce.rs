//! The one reducer: every [`Action`] → the next [`AppState`]. Worker
//! answers are taken in [`on_response`]; a change of what the worker is
//! asked bumps `seq`, which makes the page send a new request.

use std::rc::Rc;

use heaplens_view::encode::TRIMMED_MARK;
use heaplens_view::params::{ColorBy, ViewParams};
use heaplens_view::session::{NodeId, ProfileInfo, Response, Slot, ViewData};
use heaplens_view::table;
use yew::Reducible;

use super::{Action, AppState, Bench, Busy};

impl Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        let mut before = next.asked();
        match action {
            Action::Worker(resp) => {
                if !on_response(&mut next, *resp, &mut before) {
                    // A stale answer: nothing else changes.
                    return Rc::new(next);
                }
            }
            other => on_action(&mut next, other),
        }
        if next.asked() != before || next.loaded != self.loaded {
            next.seq = next.seq.wrapping_add(1);
        }
        Rc::new(next)
    }
}

/// Every action but the worker's answers.
fn on_action(next: &mut AppState, action: Action) {
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
        Action::Worker(_) => {}
        Action::SampleType(t) => next.sample_type(t),
        Action::Zoom(z) => next.zoom(z),
        Action::ClickFrame(z, name) => {
            next.zoom(z);
            next.cursor = Some(z).filter(|&z| z != NodeId::ROOT);
            next.cursor_path = next.params.zoom.clone();
            next.params.selected = Some(name);
        }
        Action::ClickOtherHalf(z, name) => next.zoom_other_half(z, name),
        Action::Move(m) => next.move_cursor(m),
        Action::ZoomIn => next.zoom_in(),
        Action::ZoomOut => next.zoom_out(),
        Action::Search(s) => next.params.search = s,
        Action::Select(s) => {
            // A function picked in a table: no frame of it in particular.
            next.cursor = None;
            next.cursor_path.clear();
            next.params.selected = s;
        }
        Action::Granularity(g) => next.params.granularity = g,
        Action::Orientation(o) => next.params.orientation = o,
        // A sandwich's other half becomes the main one: the halves keep
        // their zooms (and hovered values), the cursor starts again.
        Action::Graph(g) if next.params.other_half().as_ref() == Some(&g) => {
            next.params.graph = g;
            let p = &mut next.params;
            std::mem::swap(&mut p.zoom, &mut p.sandwich_zoom);
            std::mem::swap(&mut next.frame_values, &mut next.other_values);
            next.zoom_node = None;
            next.cursor = None;
            next.cursor_path.clear();
        }
        // Another tree: other node ids.
        Action::Graph(g) => {
            next.params.graph = g;
            next.forget_frames();
        }
        Action::Recursion(r) => {
            next.params.recursion = r;
            next.forget_frames();
        }
        Action::CallGraph(n) => next.params.call_graph = n,
        Action::Timeline(t) => next.params.timeline = t,
        Action::CloseTimeline => {
            next.timeline = None;
            next.snapshots = Rc::default();
        }
        Action::SnapshotSources(s) => {
            next.snapshots = s;
            next.sources = (None, None);
        }
        Action::Live(l) => next.live = l,
        Action::ColorBySelf(b) => {
            next.params.diff.color_by = if b {
                ColorBy::SelfValue
            } else {
                ColorBy::Total
            }
        }
        Action::ToggleTheme => next.theme = next.theme.next(),
        Action::Error(e) => next.error = Some(e),
        Action::Notice(n) => next.notice = n,
        Action::Refused(r) => next.refused = r,
        // Other stacks: other node ids.
        Action::Refine(r) => {
            next.params.refine = r;
            next.refine_menu = None;
            next.forget_frames();
        }
        Action::RefineWith(kind, name) => {
            next.params.refine.add_function(kind, &name);
            next.refine_menu = None;
            next.forget_frames();
        }
        Action::RefineMenu(m) => next.refine_menu = m,
        Action::Sources(s) => next.sources = s,
        Action::SourceOf(Slot::Profile, s) => next.sources.0 = s,
        Action::SourceOf(Slot::Base, s) => next.sources.1 = s,
        Action::Recent(r) => next.recent = r,
        Action::WorkerFailed(msg) => worker_failed(next, msg),
        other => on_view_change(next, other),
    }
}

/// Actions that change the diff, the table, the width, links or sharing.
fn on_view_change(next: &mut AppState, action: Action) {
    match action {
        // These change which frames there are: node ids from the old
        // layout mean nothing in the new one.
        Action::Subtract(b) => {
            next.params.diff.mode = if b {
                heaplens_profile::diff::DiffMode::Base
            } else {
                heaplens_profile::diff::DiffMode::DiffBase
            };
            next.forget_frames();
        }
        Action::Normalize(b) => {
            next.params.diff.normalize = b;
            next.forget_frames();
        }
        Action::WidthBy(w) => {
            next.params.diff.width_by = w;
            next.forget_frames();
        }
        Action::Diff(d) => {
            next.params.diff.show = d;
            next.forget_frames();
        }
        // Another tree: other node ids.
        Action::TagFocus(f) if f.trim() != next.params.tagfocus => {
            next.params.tagfocus = f.trim().to_string();
            next.forget_frames();
        }
        Action::Width(w) => {
            // Culling only needs the width roughly; small changes do not
            // warrant a new layout.
            let old = f64::from(next.width_px);
            if (f64::from(w) - old).abs() > old * 0.02 {
                next.width_px = w.max(1);
            }
        }
        Action::TableSort((sort, descending)) => {
            let t = &mut next.params.table;
            (t.sort, t.descending) = (sort, descending);
            next.rows_limit = table::PAGE;
        }
        Action::TableFilter(f) => {
            next.params.table.filter = f;
            next.rows_limit = table::PAGE;
        }
        Action::TableMore => next.rows_limit = next.rows_limit.saturating_add(table::PAGE * 5),
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
        Action::AddSources(files) => {
            let mut code = (*next.code).clone();
            for (name, text) in files {
                let name = heaplens_analysis::keys::base_name(&name).to_string();
                code.insert(name, text);
            }
            next.code = Rc::new(code);
        }
        _ => {}
    }
}

/// Takes a worker's answer; false when it is a stale view answer (nothing
/// but its rows is kept). `before` is what the worker was asked: a zoom
/// the worker found by names is not a new question.
fn on_response(next: &mut AppState, resp: Response, before: &mut (ViewParams, u32, u32)) -> bool {
    match resp {
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
        } => loaded_profile(next, Rc::from(info)),
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
        Response::View(view) => return on_view(next, view, before),
        Response::Details(d) => {
            // The frames stay as they are (the canvas is not repainted):
            // only the panels of the selected function change.
            let filled = next.view.as_ref().and_then(|v| v.with_details(*d));
            let Some(v) = filled else { return false };
            next.view = Some(Rc::new(v));
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
        Response::Diagnostics { names, count } => {
            next.busy = None;
            next.error = None;
            next.diagnostics = Some(Rc::new((names, count)));
            // Views carry the diagnostics from now on: ask again.
            next.loaded += 1;
        }
        Response::Opened { profile, base } => {
            // A snapshot of the timeline: the reader's view stays.
            next.busy = None;
            next.error = None;
            next.info = Some(Rc::from(profile));
            next.base_info = base.map(Rc::from);
            next.view = None;
            next.rows = Rc::default();
            next.forget_frames();
            next.zoom_node = None;
            next.loaded += 1;
            if let Some(v) = next.pending.take() {
                let info = next.info.clone();
                next.apply_view(&v, info.as_deref());
            }
        }
        Response::Timeline(t) => {
            next.busy = None;
            // Snapshots left out are named in the alert; the rest is shown.
            if !t.refused.is_empty() {
                next.refused = Some(format!("Not opened: {}.", t.refused.join("; ")));
            }
            next.timeline = Some(Rc::from(t));
        }
        Response::Gc(data) => {
            next.busy = None;
            next.error = None;
            next.gc = Some(Rc::from(data));
        }
        Response::Share(data) => {
            next.sharing = false;
            next.shared = Some(Rc::from(data));
        }
        Response::Failed(message) => {
            next.sharing = false;
            next.busy = None;
            next.error = Some(message);
        }
        // Downloaded by the page as it arrives.
        Response::Export { .. } => {}
        Response::Values {
            node,
            other,
            values,
        } => {
            let half = if other {
                &mut next.other_values
            } else {
                &mut next.frame_values
            };
            *half = Some(Rc::new((node, values)));
            return false;
        }
        Response::BaseCleared => {
            next.base_info = None;
            next.forget_frames();
            next.loaded += 1;
        }
        Response::Error {
            slot,
            name,
            message,
        } => load_failed(next, slot, &name, &message),
    }
    true
}

/// A new profile: new frames, so no zoom, selection or search; the
/// reader's choices of layout stay. A waiting link's view is taken on.
fn loaded_profile(next: &mut AppState, info: Rc<ProfileInfo>) {
    // One profile opened: the timeline it was part of, if any, closes.
    next.timeline = None;
    next.snapshots = Rc::default();
    next.busy = None;
    next.error = None;
    next.info = Some(info);
    next.view = None;
    next.rows = Rc::default();
    next.cursor = None;
    next.cursor_path.clear();
    next.frame_values = None;
    next.other_values = None;
    next.params = next.params.for_new_profile();
    next.zoom_node = None;
    next.rows_limit = table::PAGE;
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
            "This profile was slimmed to fit in its share link: {}.",
            c.trim_start_matches(TRIMMED_MARK)
                .trim_start_matches(':')
                .trim()
        ));
    }
    next.loaded += 1;
}

/// A view answer. Rows are sent once per table and query: they are kept
/// even from an otherwise stale answer, or the worker and the page would
/// disagree on which rows the page has.
fn on_view(
    next: &mut AppState,
    mut view: Box<ViewData>,
    before: &mut (ViewParams, u32, u32),
) -> bool {
    if view.rows_fresh {
        next.rows = Rc::new(std::mem::take(&mut view.rows));
        next.rows_matching = view.rows_matching;
        next.rows_total = view.rows_total;
    }
    if view.seq != next.seq {
        return false;
    }
    // The zoom the worker found (by names, for a link's): from now on it
    // is also known by its node. Where names were not found, the zoom is
    // what was found.
    let found: Vec<String> = view.crumbs.iter().map(|c| c.name.clone()).collect();
    if next.params.zoom != found {
        next.params.zoom = found.clone();
        before.0.zoom = found;
    }
    next.zoom_node = Some(view.zoom);
    // A new layout may number its frames anew (a regrown tree): hovered
    // values are asked for again.
    next.frame_values = None;
    next.other_values = None;
    next.view = Some(Rc::from(view));
    true
}

fn load_failed(next: &mut AppState, slot: Option<Slot>, name: &str, message: &str) {
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

fn worker_failed(next: &mut AppState, msg: String) {
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
