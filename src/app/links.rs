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
    let deps = (state.params.clone(), state.sources.clone(), ready);
    use_effect_with(deps, move |(params, sources, ready)| {
        if *ready {
            write_fragment(params, sources, &handled, &last_view);
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
    handled: &RefCell<String>,
    last_view: &RefCell<Option<ViewParams>>,
) {
    let (profile, base) = sources.clone();
    let frag = Link {
        view: params.clone(),
        profile,
        base,
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
    } = parsed.link;
    let view = Rc::new(view);
    let same = state.sources == (profile.clone(), base.clone());
    let Some(profile) = profile.filter(|_| !(same && has_profile)) else {
        // The same profiles (or none named): only the view changes.
        if has_profile {
            state.dispatch(Action::ApplyView(view));
        }
        return;
    };
    state.dispatch(Action::Sources((Some(profile.clone()), base.clone())));
    state.dispatch(Action::OpenLink(view));
    state.dispatch(Action::Reading {
        name: profile.name(),
    });
    let sent = load_sources(&profile, base.as_ref(), channel);
    if let Err(message) = sent {
        state.dispatch(Action::ReadFailed { message });
    }
}

/// Has the worker load a link's profiles: the base first, so that the
/// profile opens as a diff (the worker answers in order).
fn load_sources(
    profile: &Source,
    base: Option<&Source>,
    channel: &SharedChannel,
) -> Result<(), String> {
    let mut ch = channel.borrow_mut();
    if base.is_none() {
        ch.send(Request::ClearBase);
    }
    let mut send = |slot: Slot, src: &Source| -> Result<(), String> {
        match src {
            Source::Url(u) => {
                let url =
                    link::resolve(u).map_err(|e| format!("This link's profile address {e}."))?;
                ch.fetch(slot, src.name(), url, false);
            }
            Source::Embedded { name, .. } => {
                let bytes = src.bytes().map_err(|e| {
                    format!(
                        "The profile {name} inside this link {e}; the link was probably cut short."
                    )
                })?;
                ch.load(slot, name.clone(), bytes);
            }
        }
        Ok(())
    };
    if let Some(b) = base {
        send(Slot::Base, b)?;
    }
    send(Slot::Profile, profile)
}
