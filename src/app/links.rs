//! The address bar's fragment and the view: the link the page was opened
//! with is opened (its profiles loaded, its view shown), back, forward and
//! hand edits are followed, and every change of the view is written back
//! (a new history entry per change, the entry replaced while typing).

use std::cell::RefCell;
use std::rc::Rc;

use gloo_events::EventListener;
use heaplens_view::params::ViewParams;
use heaplens_view::session::{Request, Slot};
use heaplens_view::share::{Link, Source};
use yew::prelude::*;

use super::channel::SharedChannel;
use crate::link;
use crate::state::{Action, AppState};

/// The state as of the last render, for listeners registered once.
pub type Latest = Rc<RefCell<UseReducerHandle<AppState>>>;

/// Opens the page's link, then follows the fragment (back, forward, hand
/// edits) and keeps the view in it.
#[hook]
pub fn use_link_sync(state: &UseReducerHandle<AppState>, channel: &SharedChannel, latest: &Latest) {
    // The last fragment read or written, so the page's own writes are not
    // read back as navigation; and the view last written. Both only matter
    // to this hook, between its effects: refs, not app state.
    let handled = use_mut_ref(String::new);
    let last_view = use_mut_ref(|| None::<ViewParams>);
    {
        let (channel, latest, handled) = (channel.clone(), latest.clone(), handled.clone());
        use_effect_with((), move |_| follow_fragment(channel, latest, handled));
    }
    let ready = state.info.is_some()
        && state.pending.is_none()
        && state.zoom_found()
        && state.busy.is_none();
    let series = (state.snapshots.clone(), state.live);
    let deps = (state.params.clone(), state.sources.clone(), series, ready);
    use_effect_with(deps, move |(params, sources, series, ready)| {
        if *ready {
            write_fragment(params, sources, series, &handled, &last_view);
        }
    });
}

/// Opens the fragment the page was opened with, and follows later changes.
fn follow_fragment(
    channel: SharedChannel,
    latest: Latest,
    handled: Rc<RefCell<String>>,
) -> impl FnOnce() {
    let frag = link::fragment();
    *handled.borrow_mut() = frag.clone();
    if !frag.is_empty() {
        open_link(&frag, &latest.borrow(), &channel, false);
    }
    let follow = Rc::new(move |_: &web_sys::Event| {
        let frag = link::fragment();
        if *handled.borrow() == frag {
            return;
        }
        *handled.borrow_mut() = frag.clone();
        let state = latest.borrow().clone();
        let has_profile = state.info.is_some();
        open_link(&frag, &state, &channel, has_profile);
    });
    let listeners = web_sys::window().map(|w| {
        let (a, b) = (follow.clone(), follow);
        (
            EventListener::new(&w, "popstate", move |e| a(e)),
            EventListener::new(&w, "hashchange", move |e| b(e)),
        )
    });
    move || drop(listeners)
}

/// Writes the view into the fragment: a new history entry for each change
/// (so back and forward step through views), the entry replaced while
/// typing a search or filter or moving the selection, and for the first
/// view.
fn write_fragment(
    params: &ViewParams,
    sources: &crate::state::Sources,
    (snapshots, live): &(Rc<Vec<Source>>, bool),
    handled: &RefCell<String>,
    last_view: &RefCell<Option<ViewParams>>,
) {
    let (profile, base) = sources.clone();
    let frag = Link {
        view: params.clone(),
        profile,
        base,
        snapshots: (**snapshots).clone(),
        live: *live,
    }
    .fragment();
    if frag != link::fragment() {
        let typing = last_view.borrow().as_ref().is_some_and(|lv| {
            let mut a = lv.clone();
            a.search = params.search.clone();
            a.table.filter = params.table.filter.clone();
            // Moving the selection (arrows, a table row) is not a view
            // to step back to either.
            a.selected = params.selected.clone();
            a == *params
        });
        let first = last_view.borrow().is_none();
        link::set_fragment(&frag, !(typing || first));
    }
    *handled.borrow_mut() = frag;
    *last_view.borrow_mut() = Some(params.clone());
}

/// Opens a fragment: loads its profiles (unless they are the open ones)
/// and shows its view; a damaged one is explained and changes nothing.
pub fn open_link(
    frag: &str,
    state: &UseReducerHandle<AppState>,
    channel: &SharedChannel,
    has_profile: bool,
) {
    if let Some(gc) = heaplens_view::share::gclink::parse(frag) {
        open_gc_link(gc, state, channel);
        return;
    }
    let parsed = match Link::parse(frag) {
        Ok(p) => p,
        Err(e) => {
            state.dispatch(Action::Error(format!(
                "This link's view could not be read: {e}. Was it copied whole? The page works as usual; open a profile or the demo."
            )));
            return;
        }
    };
    if !parsed.warnings.is_empty() {
        state.dispatch(Action::Notice(Some(format!(
            "Parts of this link were not understood and were left out: {}.",
            parsed.warnings.join("; ")
        ))));
    }
    let Link {
        view,
        profile,
        base,
        snapshots,
        live,
    } = parsed.link;
    if live != state.live {
        state.dispatch(Action::Live(live));
    }
    let view = Rc::new(view);
    if !snapshots.is_empty() {
        let snapshots = Rc::new(snapshots);
        if *state.snapshots == *snapshots && has_profile {
            state.dispatch(Action::ApplyView(view));
        } else {
            state.dispatch(Action::OpenLink(view.clone()));
            super::series::open_sources(snapshots, &view, channel, &state.dispatcher());
        }
        return;
    }
    let same = state.sources == (profile.clone(), base.clone());
    let Some(profile) = profile.filter(|_| !(same && has_profile)) else {
        // The same profiles (or none named): only the view changes.
        if has_profile {
            state.dispatch(Action::ApplyView(view));
        }
        return;
    };
    state.dispatch(Action::Sources((Some(profile.clone()), base.clone())));
    state.dispatch(Action::OpenLink(view.clone()));
    state.dispatch(Action::Reading {
        name: profile.name(),
    });
    let (channel, d) = (channel.clone(), state.dispatcher());
    wasm_bindgen_futures::spawn_local(async move {
        match load_sources(&profile, base.as_ref(), &channel).await {
            Ok(()) => {}
            Err(Failed::Said(message)) => d.dispatch(Action::ReadFailed { message }),
            Err(Failed::NotKept) => {
                let message = missing_local(&profile, base.as_ref());
                d.dispatch(Action::ReadFailed {
                    message: message.clone(),
                });
                // Opening the file again takes on the link's view (which
                // clears the error, so it is said again after).
                d.dispatch(Action::OpenLink(view));
                d.dispatch(Action::Error(message));
            }
        }
    });
}

/// Opens a GC view link: its logs fetched, or its series handed to the
/// worker.
fn open_gc_link(
    gc: Result<heaplens_view::share::gclink::GcLink, String>,
    state: &UseReducerHandle<AppState>,
    channel: &SharedChannel,
) {
    use heaplens_view::share::gclink::GcSource;
    let link = match gc {
        Ok(l) => l,
        Err(e) => {
            state.dispatch(Action::Error(format!(
                "This link's GC view could not be read: {e}. Was it copied whole?"
            )));
            return;
        }
    };
    let sources = link
        .base
        .map(|b| (Slot::Base, b))
        .into_iter()
        .chain([(Slot::Profile, link.new)]);
    for (slot, source) in sources {
        match source {
            GcSource::Url(u) => super::files::fetch_into(slot, u, channel, &state.dispatcher()),
            GcSource::Series { name, bytes } => {
                channel
                    .borrow_mut()
                    .send(Request::LoadGcSeries { slot, name, bytes })
            }
        }
    }
}

/// Why a link's profiles could not be handed to the worker.
enum Failed {
    Said(String),
    /// A local file this browser no longer keeps.
    NotKept,
}

fn missing_local(profile: &Source, base: Option<&Source>) -> String {
    let names: Vec<String> = [Some(profile), base]
        .into_iter()
        .flatten()
        .filter(|s| matches!(s, Source::Local { .. }))
        .map(Source::name)
        .collect();
    format!(
        "This view is of {}, opened from a file on this computer, which this browser no longer keeps (it keeps the last {} files, up to {} MB, until forgotten). Open the file again: this view will be shown.",
        names.join(" and "),
        crate::recent::MAX_ENTRIES,
        crate::recent::MAX_BYTES / 1048576.0
    )
}

/// A profile ready to hand to the worker.
enum Ready {
    Fetch {
        name: String,
        url: String,
        blob: bool,
    },
    Bytes {
        name: String,
        bytes: Vec<u8>,
    },
}

/// Finds a link's source: an address to fetch, a kept local file (as a
/// blob: address) or the bytes inside the link.
async fn ready(src: &Source) -> Result<Ready, Failed> {
    match src {
        Source::Url(u) => {
            let url = link::resolve(u)
                .map_err(|e| Failed::Said(format!("This link's profile address {e}.")))?;
            Ok(Ready::Fetch {
                name: src.name(),
                url,
                blob: false,
            })
        }
        Source::Embedded { name, .. } => {
            let bytes = src.bytes().map_err(|e| {
                Failed::Said(format!(
                    "The profile {name} inside this link {e}; the link was probably cut short."
                ))
            })?;
            Ok(Ready::Bytes {
                name: name.clone(),
                bytes,
            })
        }
        Source::Local { id, name } => {
            let kept = crate::recent::get(id).await.ok().flatten();
            let (_, blob) = kept.ok_or(Failed::NotKept)?;
            let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(|_| {
                Failed::Said(format!(
                    "{name} could not be read from this browser's storage."
                ))
            })?;
            Ok(Ready::Fetch {
                name: name.clone(),
                url,
                blob: true,
            })
        }
    }
}

/// Has the worker load a link's profiles: the base first, so that the
/// profile opens as a diff (the worker answers in order). Nothing is sent
/// unless both are found.
async fn load_sources(
    profile: &Source,
    base: Option<&Source>,
    channel: &SharedChannel,
) -> Result<(), Failed> {
    let base = match base {
        Some(b) => Some(ready(b).await?),
        None => None,
    };
    let profile = ready(profile).await?;
    let mut ch = channel.borrow_mut();
    if base.is_none() {
        ch.send(Request::ClearBase);
    }
    for (slot, r) in [(Slot::Base, base), (Slot::Profile, Some(profile))] {
        match r {
            Some(Ready::Fetch { name, url, blob }) => ch.fetch(slot, name, url, blob),
            Some(Ready::Bytes { name, bytes }) => ch.load(slot, name, bytes),
            None => {}
        }
    }
    Ok(())
}
