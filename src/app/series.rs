//! The page's side of the timeline of heap snapshots: several files, or
//! several `profile=` addresses of a link, opened as snapshots; the live
//! recorder of `heaplens web` (snapshots of the service's heap taken
//! through its same-origin proxy); the timeline asked for again when the
//! sample type, the filters or the timeline's options change; and the
//! dialog that asks whether several dropped profiles are a timeline or a
//! merge.

use std::rc::Rc;

use heaplens_view::params::ViewParams;
use heaplens_view::session::Request;
use heaplens_view::share::Source;
use yew::prelude::*;

use super::channel::SharedChannel;
use crate::components::TimelinePanel;
use crate::state::{Action, AppState};

/// What the live recorder fetches: the heap profile, after a GC (as
/// `net/http/pprof` does for `gc=1`), through `heaplens web`'s proxy.
pub const LIVE_HEAP: &str = "/debug/pprof/heap?gc=1";

/// Several dropped profiles, waiting for the reader's choice.
pub type Many = Option<Rc<Vec<web_sys::File>>>;

/// Opens local files as the snapshots of a new timeline.
pub fn open_files(
    files: Vec<web_sys::File>,
    params: &ViewParams,
    channel: &SharedChannel,
    d: &UseReducerDispatcher<AppState>,
) {
    let Some(list) = blob_urls(&files, d) else {
        return;
    };
    d.dispatch(Action::SnapshotSources(Rc::default()));
    d.dispatch(Action::SourceOf(
        heaplens_view::session::Slot::Profile,
        None,
    ));
    d.dispatch(Action::Reading {
        name: format!("{} snapshots", list.len()),
    });
    channel
        .borrow_mut()
        .fetch_series(list, false, params.clone());
}

/// Each local file's name and a blob: address the worker can fetch it
/// from; None (said in the alert) when the browser would not open one.
pub fn blob_urls(
    files: &[web_sys::File],
    d: &UseReducerDispatcher<AppState>,
) -> Option<Vec<(String, String)>> {
    let mut list = Vec::with_capacity(files.len());
    for f in files {
        let name = f.name();
        match web_sys::Url::create_object_url_with_blob(f) {
            Ok(url) => list.push((name, url)),
            Err(_) => {
                d.dispatch(Action::ReadFailed {
                    message: format!("Could not read {name}: the browser would not open it. Is it still there, and readable?"),
                });
                return None;
            }
        }
    }
    Some(list)
}

/// Opens a link's snapshots (addresses, or profiles embedded in it) as a
/// new timeline.
pub fn open_sources(
    sources: Rc<Vec<Source>>,
    params: &ViewParams,
    channel: &SharedChannel,
    d: &UseReducerDispatcher<AppState>,
) {
    let mut list = Vec::with_capacity(sources.len());
    for src in sources.iter() {
        let name = src.name();
        let url = match src {
            Source::Url(u) => crate::link::resolve(u).map_err(|e| format!("its address {e}")),
            Source::Embedded { .. } => src
                .bytes()
                .and_then(|b| crate::gzip::blob_of(&b))
                .and_then(|blob| {
                    web_sys::Url::create_object_url_with_blob(&blob)
                        .map_err(|_| "the browser would not hold it".to_string())
                })
                .map_err(|e| format!("the link's copy of it is damaged: {e}")),
            Source::Local { .. } => Err("it is a file of another computer".to_string()),
        };
        match url {
            Ok(u) => list.push((name, u)),
            Err(e) => {
                d.dispatch(Action::ReadFailed {
                    message: format!("Could not open {name}: {e}."),
                });
                return;
            }
        }
    }
    d.dispatch(Action::SnapshotSources(sources));
    d.dispatch(Action::Reading {
        name: format!("{} snapshots", list.len()),
    });
    channel
        .borrow_mut()
        .fetch_series(list, false, params.clone());
}

/// Takes a snapshot of the live service's heap and adds it to the
/// timeline (a new one when none is open).
pub fn take_snapshot(state: &AppState, channel: &SharedChannel) {
    let url = match crate::link::resolve(LIVE_HEAP) {
        Ok(u) => u,
        Err(_) => return,
    };
    let now = js_sys::Date::now() as i64 * 1_000_000;
    let name = format!(
        "heap-{}.pb.gz",
        crate::timeline_chart::clock(now).replace(':', "")
    );
    channel.borrow_mut().fetch_series(
        vec![(name, url)],
        state.timeline.is_some(),
        state.params.clone(),
    );
}

/// Asks the worker for the timeline again when what it shows changes.
#[hook]
pub fn use_timeline_requests(state: &UseReducerHandle<AppState>, channel: &SharedChannel) {
    let p = &state.params;
    let open = state.timeline.is_some();
    let deps = (
        open,
        p.sample_type.clone(),
        p.refine.clone(),
        p.tagfocus.clone(),
        p.timeline,
    );
    let (channel, params) = (channel.clone(), p.clone());
    // The first answer comes with the load; ask only on later changes.
    let first = use_mut_ref(|| true);
    use_effect_with(deps, move |(open, ..)| {
        let first = std::mem::replace(&mut *first.borrow_mut(), !*open);
        if *open && !first {
            channel.borrow().send(Request::Timeline { params });
        }
    });
}

/// The timeline panel, when one is open.
pub fn panel(state: &UseReducerHandle<AppState>, channel: &SharedChannel) -> Html {
    let Some(data) = state.timeline.clone() else {
        return html! {};
    };
    let d = state.dispatcher();
    let on_open = {
        let (channel, params) = (channel.clone(), state.params.clone());
        Callback::from(move |(at, base): (usize, Option<usize>)| {
            channel.borrow().send(Request::OpenSnapshots {
                params: params.clone(),
                at,
                base,
            })
        })
    };
    let on_params = {
        let d = d.clone();
        Callback::from(move |t| d.dispatch(Action::Timeline(t)))
    };
    let on_select = {
        let d = d.clone();
        Callback::from(move |name: String| d.dispatch(Action::Select(Some(name))))
    };
    html! {
        <TimelinePanel {data} params={state.params.timeline} selected={state.params.selected.clone()}
            {on_open} {on_params} {on_select} />
    }
}

/// The live recorder's bar, when the page records a live service.
pub fn live_bar(state: &UseReducerHandle<AppState>, channel: &SharedChannel) -> Html {
    if !state.live {
        return html! {};
    }
    let on_snapshot = {
        let (state, channel) = (state.clone(), channel.clone());
        Callback::from(move |_| take_snapshot(&state, &channel))
    };
    let count = state.timeline.as_ref().map_or(0, |t| t.snapshots.len());
    html! { <crate::components::Recorder {on_snapshot} {count} /> }
}

/// Asks whether several dropped profiles are snapshots over time or one
/// profile in parts.
pub fn many_dialog(
    files: &Rc<Vec<web_sys::File>>,
    many: UseStateHandle<Many>,
    series: Callback<Vec<web_sys::File>>,
    merge: Callback<Vec<web_sys::File>>,
) -> Html {
    let choose = |cb: Callback<Vec<web_sys::File>>| {
        let (many, files) = (many.clone(), files.clone());
        Callback::from(move |_: MouseEvent| {
            cb.emit((*files).clone());
            many.set(None);
        })
    };
    let cancel = {
        let many = many.clone();
        Callback::from(move |_: MouseEvent| many.set(None))
    };
    let n = files.len();
    html! {
        <div class="pair-dialog" role="dialog" aria-label="Timeline or merge?" id="many-dialog">
            <p>{ format!("{n} profiles: heap snapshots taken over time (a timeline that finds what keeps growing), or parts of one profile to merge as go tool pprof merges them?") }</p>
            <button class="primary" id="many-timeline" onclick={choose(series)} autofocus=true>{ format!("Timeline of {n} snapshots") }</button>
            <button id="many-merge" onclick={choose(merge)}>{ format!("Merge the {n} profiles") }</button>
            <button onclick={cancel}>{ "Cancel" }</button>
        </div>
    }
}
