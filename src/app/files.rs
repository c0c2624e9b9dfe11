//! Opening files: picked or dropped local files (handed to the worker as
//! blob: addresses), several merged into one profile, URLs and the demo
//! (fetched by the worker), source files for the line view (read here),
//! and the two-files dialog that asks which one is the base, or merges
//! them (drops are sorted out in [`super::drops`]).

use std::rc::Rc;

use heaplens_profile::units;
use heaplens_view::pipeline::MERGE_JOIN;
use heaplens_view::session::Slot;
use heaplens_view::share::Source;
use yew::prelude::*;

use super::channel::{refresh_recent, SharedChannel};
use crate::link;
use crate::state::{Action, AppState};

/// Source files larger than this are not read for the line view.
const MAX_SOURCE_BYTES: f64 = 16.0 * 1024.0 * 1024.0;
/// The demo pair shipped in `static/demo/`.
const DEMO_PROFILE: &str = "./static/demo/scheduler-optimized.prof";
const DEMO_BASE: &str = "./static/demo/scheduler-baseline.prof";
/// The demo's `go test -bench -benchmem -count=5` outputs.
const DEMO_BASE_BENCH: &str = "./static/demo/scheduler-baseline.txt";
const DEMO_NEW_BENCH: &str = "./static/demo/scheduler-optimized.txt";

/// What the page can open, as callbacks.
#[derive(Clone, PartialEq)]
pub struct Openers {
    /// A local file into a slot.
    pub file: Callback<(Slot, web_sys::File)>,
    /// Several local files merged into the profile, as `go tool pprof
    /// a.prof b.prof` merges them.
    pub merge: Callback<Vec<web_sys::File>>,
    /// Several local files opened as the snapshots of a timeline.
    pub series: Callback<Vec<web_sys::File>>,
    /// A local `go test -bench` output into a side of the comparison.
    pub bench: Callback<(Slot, web_sys::File)>,
    /// Source files for the line view.
    pub sources: Callback<Vec<web_sys::File>>,
    /// The demo pair and its benchmark outputs.
    pub demo: Callback<()>,
    /// An http(s) URL typed by the reader, as the profile.
    pub url: Callback<String>,
    /// A file this browser keeps (by id), as the profile.
    pub recent: Callback<String>,
    /// Forgets a kept file (by id), or all of them.
    pub forget: Callback<Option<String>>,
}

#[hook]
pub fn use_openers(state: &UseReducerHandle<AppState>, channel: &SharedChannel) -> Openers {
    let d = state.dispatcher();
    let file = {
        let (channel, d) = (channel.clone(), d.clone());
        Callback::from(move |(slot, file): (Slot, web_sys::File)| {
            // A local file: the address bar names it by its id among the
            // files this browser keeps (a share link carries it inside).
            let (id, name) = (crate::recent::id_of(&file), file.name());
            d.dispatch(Action::SourceOf(
                slot,
                Some(Source::Local {
                    id,
                    name: name.clone(),
                }),
            ));
            channel
                .borrow_mut()
                .keep_when_open(slot, file.clone(), name);
            read_file(slot, file, &channel, &d);
        })
    };
    let merge = {
        let (channel, d) = (channel.clone(), d.clone());
        Callback::from(move |files: Vec<web_sys::File>| open_merged(files, &channel, &d))
    };
    let series = {
        let (channel, d, params) = (channel.clone(), d.clone(), state.params.clone());
        Callback::from(move |files: Vec<web_sys::File>| {
            super::series::open_files(files, &params, &channel, &d)
        })
    };
    let bench = {
        let (channel, d) = (channel.clone(), d.clone());
        Callback::from(move |(slot, file): (Slot, web_sys::File)| {
            read_file(slot, file, &channel, &d);
        })
    };
    let sources = {
        let d = d.clone();
        Callback::from(move |files: Vec<web_sys::File>| read_sources(files, d.clone()))
    };
    let demo = {
        let (channel, d) = (channel.clone(), d.clone());
        Callback::from(move |_: ()| {
            d.dispatch(Action::Sources((
                Some(Source::Url(DEMO_PROFILE.into())),
                Some(Source::Url(DEMO_BASE.into())),
            )));
            // The benchmark outputs first (small), then the profile pair.
            for (slot, url) in [
                (Slot::Base, DEMO_BASE_BENCH),
                (Slot::Profile, DEMO_NEW_BENCH),
                (Slot::Base, DEMO_BASE),
                (Slot::Profile, DEMO_PROFILE),
            ] {
                fetch_into(slot, url.to_string(), &channel, &d);
            }
        })
    };
    let url = {
        let (channel, state) = (channel.clone(), state.clone());
        Callback::from(move |u: String| open_url(&u, &state, &channel))
    };
    {
        let d = d.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move { refresh_recent(&d).await });
        });
    }
    let recent = {
        let (channel, d) = (channel.clone(), d.clone());
        Callback::from(move |id: String| open_recent(id, channel.clone(), d.clone()))
    };
    let forget = Callback::from(move |id: Option<String>| {
        let d = d.clone();
        wasm_bindgen_futures::spawn_local(async move {
            if let Err(e) = crate::recent::forget(id.as_deref()).await {
                d.dispatch(Action::Error(format!("Could not forget: {e}.")));
            }
            refresh_recent(&d).await;
        });
    });
    Openers {
        file,
        merge,
        series,
        bench,
        sources,
        demo,
        url,
        recent,
        forget,
    }
}

/// Opens a file this browser keeps, as the profile (and makes it the most
/// recent).
fn open_recent(id: String, channel: SharedChannel, d: UseReducerDispatcher<AppState>) {
    wasm_bindgen_futures::spawn_local(async move {
        let kept = crate::recent::get(&id).await;
        let Ok(Some((name, blob))) = kept else {
            d.dispatch(Action::Error(
                "That file is no longer kept in this browser; open it again from disk.".into(),
            ));
            refresh_recent(&d).await;
            return;
        };
        let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
            d.dispatch(Action::Error(format!(
                "{name} could not be read from this browser's storage."
            )));
            return;
        };
        d.dispatch(Action::SourceOf(
            Slot::Profile,
            Some(Source::Local {
                id: id.clone(),
                name: name.clone(),
            }),
        ));
        d.dispatch(Action::Reading { name: name.clone() });
        channel
            .borrow_mut()
            .fetch(Slot::Profile, name.clone(), url, true);
        let _ = crate::recent::keep(&blob, &id, &name).await;
        refresh_recent(&d).await;
    });
}

fn open_url(u: &str, state: &UseReducerHandle<AppState>, channel: &SharedChannel) {
    let u = u.trim().to_string();
    if u.is_empty() {
        return;
    }
    if !(u.starts_with("https://") || u.starts_with("http://")) {
        state.dispatch(Action::Error(format!(
            "Only http:// and https:// URLs can be opened, not {u:?}. For a file on this machine, drop it here or use the file picker."
        )));
        return;
    }
    let base = state.sources.1.clone();
    state.dispatch(Action::Sources((Some(Source::Url(u.clone())), base)));
    fetch_into(Slot::Profile, u, channel, &state.dispatcher());
}

/// Reads source files here (they stay in the page) for the line view.
fn read_sources(files: Vec<web_sys::File>, d: UseReducerDispatcher<AppState>) {
    yew::platform::spawn_local(async move {
        let mut read = Vec::new();
        for f in files {
            let name = f.name();
            if f.size() > MAX_SOURCE_BYTES {
                d.dispatch(Action::Error(format!(
                    "{name} is {}; source files of more than {} are not read.",
                    units::label(f.size() as i64, "bytes"),
                    units::label(MAX_SOURCE_BYTES as i64, "bytes"),
                )));
                continue;
            }
            match wasm_bindgen_futures::JsFuture::from(f.text()).await {
                Ok(t) => read.push((name, t.as_string().unwrap_or_default())),
                Err(_) => d.dispatch(Action::Error(format!("{name} could not be read."))),
            }
        }
        if !read.is_empty() {
            d.dispatch(Action::AddSources(read));
        }
    });
}

/// Hands a local file to the worker, which reads it itself through a
/// blob: address: its bytes never pass through the page.
fn read_file(
    slot: Slot,
    file: web_sys::File,
    channel: &SharedChannel,
    d: &UseReducerDispatcher<AppState>,
) {
    let name = file.name();
    if slot == Slot::Profile {
        d.dispatch(Action::Reading { name: name.clone() });
    }
    match web_sys::Url::create_object_url_with_blob(&file) {
        Ok(url) => channel.borrow_mut().fetch(slot, name, url, true),
        Err(_) => d.dispatch(Action::ReadFailed {
            message: format!("Could not read {name}: the browser would not open it. Is it still there, and readable?"),
        }),
    }
}

/// Hands several local files to the worker, which opens their merge as
/// the profile. A merge is not one file the address bar could name or the
/// browser keep among the recent ones: the link holds the view alone.
fn open_merged(
    files: Vec<web_sys::File>,
    channel: &SharedChannel,
    d: &UseReducerDispatcher<AppState>,
) {
    let names: Vec<String> = files.iter().map(|f| f.name()).collect();
    d.dispatch(Action::SourceOf(Slot::Profile, None));
    d.dispatch(Action::Reading {
        name: names.join(MERGE_JOIN),
    });
    if let Some(list) = super::series::blob_urls(&files, d) {
        channel.borrow_mut().fetch_merged(Slot::Profile, list);
    }
}

/// Has the worker fetch `url` (same origin, or CORS-enabled) into `slot`.
pub fn fetch_into(
    slot: Slot,
    url: String,
    channel: &SharedChannel,
    d: &UseReducerDispatcher<AppState>,
) {
    let name = Source::Url(url.clone()).name();
    match link::resolve(&url) {
        Ok(abs) => {
            if slot == Slot::Profile {
                d.dispatch(Action::Reading { name: name.clone() });
            }
            channel.borrow_mut().fetch(slot, name, abs, false);
        }
        Err(e) => d.dispatch(Action::ReadFailed {
            message: format!("Could not open {name}: its address {e}."),
        }),
    }
}

/// Two dropped profiles: (guessed new, guessed base), until the reader
/// confirms.
pub type Pair = Option<Rc<(web_sys::File, web_sys::File)>>;

/// Asks which of two dropped files is the base, or whether to merge them.
pub fn pair_dialog(
    files: &Rc<(web_sys::File, web_sys::File)>,
    pair: UseStateHandle<Pair>,
    open: &Openers,
) -> Html {
    let (load, merge, series) = (open.file.clone(), open.merge.clone(), open.series.clone());
    let (new, base) = (files.0.clone(), files.1.clone());
    let choose = |new: web_sys::File, base: web_sys::File| {
        let pair = pair.clone();
        let load = load.clone();
        Callback::from(move |_: MouseEvent| {
            load.emit((Slot::Base, base.clone()));
            load.emit((Slot::Profile, new.clone()));
            pair.set(None);
        })
    };
    let merged = {
        let (pair, files) = (pair.clone(), vec![base.clone(), new.clone()]);
        Callback::from(move |_: MouseEvent| {
            merge.emit(files.clone());
            pair.set(None);
        })
    };
    let timeline = {
        let (pair, files) = (pair.clone(), vec![base.clone(), new.clone()]);
        Callback::from(move |_: MouseEvent| {
            series.emit(files.clone());
            pair.set(None);
        })
    };
    let cancel = {
        let pair = pair.clone();
        Callback::from(move |_: MouseEvent| pair.set(None))
    };
    html! {
        <div class="pair-dialog" role="dialog" aria-label="Which file is the base?" id="pair-dialog">
            <p>{ "Two files: which one is the base (before) and which the new profile (after)? Or merge them into one profile." }</p>
            <button class="primary" id="pair-as-guessed" onclick={choose(new.clone(), base.clone())} autofocus=true>
                { format!("Base: {} → new: {}", base.name(), new.name()) }
            </button>
            <button id="pair-swapped" onclick={choose(base.clone(), new.clone())}>
                { format!("Base: {} → new: {}", new.name(), base.name()) }
            </button>
            <button id="pair-merge" onclick={merged}>{ format!("Merge {} + {}", base.name(), new.name()) }</button>
            <button id="pair-timeline" onclick={timeline}>{ "Timeline of the two snapshots" }</button>
            <button onclick={cancel}>{ "Cancel" }</button>
        </div>
    }
}
