//! The page's side of the analysis worker: the bridge, one view request in
//! flight at a time (the latest queued), blob: addresses of files handed to
//! the worker, and a new worker when one dies.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use gloo_events::EventListener;
use gloo_worker::{Spawnable, WorkerBridge};
use heaplens_view::session::{Request, Response, Slot, ViewRequest};
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::link;
use crate::state::{Action, AppState};
use crate::worker::AnalysisWorker;

/// The analysis worker's script: it starts the page's own module without a
/// page (relative, so any sub-path works).
const WORKER_LOADER: &str = "./static/worker.js";

/// The worker bridge and the one-request-in-flight bookkeeping. Kept
/// outside the reducer: it is the connection, not state the page shows.
#[derive(Default)]
pub struct Channel {
    bridge: Option<WorkerBridge<AnalysisWorker>>,
    in_flight: bool,
    pending: Option<ViewRequest>,
    /// blob: addresses of files given to the worker, newest last.
    blobs: VecDeque<String>,
    /// Local files to keep in the browser once they have opened, by slot.
    to_keep: Vec<(Slot, web_sys::File, String)>,
}

/// The channel, shared by the page's callbacks.
pub type SharedChannel = Rc<RefCell<Channel>>;

impl Channel {
    pub fn load(&mut self, slot: Slot, name: String, bytes: Vec<u8>) {
        self.send(Request::Load { slot, name, bytes });
    }

    pub fn view(&mut self, req: ViewRequest) {
        if self.in_flight {
            self.pending = Some(req);
        } else if let Some(b) = &self.bridge {
            self.in_flight = true;
            b.send(Request::View(req));
        }
    }

    /// Has the worker fetch `url` into `slot`; `blob` marks a blob: address
    /// of ours (revoked once a few newer ones exist).
    pub fn fetch(&mut self, slot: Slot, name: String, url: String, blob: bool) {
        if blob {
            self.remember_blobs(std::slice::from_ref(&url));
        }
        self.send(Request::Fetch { slot, name, url });
    }

    /// Has the worker read the merge of `files` (name, blob: address of
    /// ours) into `slot`.
    pub fn fetch_merged(&mut self, slot: Slot, files: Vec<(String, String)>) {
        let urls: Vec<String> = files.iter().map(|(_, u)| u.clone()).collect();
        self.remember_blobs(&urls);
        self.send(Request::FetchMerged { slot, files });
    }

    /// Has the worker read `files` (name, address; blob: ones are ours) as
    /// the snapshots of a timeline, a new one unless `append`.
    pub fn fetch_series(
        &mut self,
        files: Vec<(String, String)>,
        append: bool,
        params: heaplens_view::params::ViewParams,
    ) {
        let blobs: Vec<String> = files
            .iter()
            .filter(|(_, u)| u.starts_with("blob:"))
            .map(|(_, u)| u.clone())
            .collect();
        self.remember_blobs(&blobs);
        self.send(Request::FetchSeries {
            files,
            append,
            params,
        });
    }

    /// Keeps blob: addresses of ours until a few newer ones exist (at
    /// least those of the latest request, which the worker has yet to
    /// read), then revokes them.
    fn remember_blobs(&mut self, urls: &[String]) {
        self.blobs.extend(urls.iter().cloned());
        while self.blobs.len() > urls.len().max(4) {
            if let Some(old) = self.blobs.pop_front() {
                let _ = web_sys::Url::revoke_object_url(&old);
            }
        }
    }

    pub fn send(&self, req: Request) {
        if let Some(b) = &self.bridge {
            b.send(req);
        }
    }

    /// Keeps `file` (named `name`) among the recent ones once it has opened
    /// in `slot` (a file that does not open is not kept).
    pub fn keep_when_open(&mut self, slot: Slot, file: web_sys::File, name: String) {
        self.to_keep.retain(|(s, ..)| *s != slot);
        self.to_keep.push((slot, file, name));
    }

    /// The file `name` waiting to be kept for `slot`, once its load has
    /// ended.
    fn loaded(&mut self, slot: Slot, name: &str) -> Option<(web_sys::File, String)> {
        let i = self
            .to_keep
            .iter()
            .position(|(s, _, n)| *s == slot && n == name)?;
        let (_, f, n) = self.to_keep.remove(i);
        Some((f, n))
    }

    /// An answer arrived: send the latest queued request, if any.
    fn answered(&mut self) {
        self.in_flight = false;
        if let Some(req) = self.pending.take() {
            self.view(req);
        }
    }
}

/// Starts the worker once; if it dies (an uncaught error in a worker is
/// reported again on the page's window), says so and starts a new one.
#[hook]
pub fn use_worker(dispatcher: UseReducerDispatcher<AppState>) -> SharedChannel {
    let channel = use_mut_ref(Channel::default);
    {
        let channel = channel.clone();
        use_effect_with((), move |_| {
            start(&channel, dispatcher.clone());
            let ch = channel.clone();
            let listener = web_sys::window().map(|w| {
                EventListener::new(&w, "error", move |e| {
                    let Some(e) = e.dyn_ref::<web_sys::ErrorEvent>() else {
                        return;
                    };
                    let msg = e.message();
                    if !(e.filename().contains("worker") || msg.contains("unreachable")) {
                        return;
                    }
                    dispatcher.dispatch(Action::WorkerFailed(msg));
                    *ch.borrow_mut() = Channel::default();
                    start(&ch, dispatcher.clone());
                })
            });
            move || drop(listener)
        });
    }
    channel
}

fn start(channel: &SharedChannel, dispatcher: UseReducerDispatcher<AppState>) {
    let ch = channel.clone();
    let bridge = AnalysisWorker::spawner()
        .callback(move |resp: Response| {
            match &resp {
                Response::View(_) => ch.borrow_mut().answered(),
                Response::Loaded { slot, info } => {
                    let found = ch.borrow_mut().loaded(*slot, &info.file_name);
                    if let Some((file, name)) = found {
                        keep_recent(file, name, dispatcher.clone());
                    }
                }
                Response::Error {
                    slot: Some(slot),
                    name,
                    ..
                } => {
                    ch.borrow_mut().loaded(*slot, name);
                }
                _ => {}
            }
            if let Response::Export {
                file_name,
                mime,
                bytes,
            } = &resp
            {
                if let Err(msg) = link::download(file_name, mime, bytes) {
                    dispatcher.dispatch(Action::Error(msg));
                }
                return;
            }
            dispatcher.dispatch(Action::Worker(Box::new(resp)));
        })
        .spawn_with_loader(WORKER_LOADER);
    channel.borrow_mut().bridge = Some(bridge);
}

/// Asks the worker for the view whenever what it is asked changes.
#[hook]
pub fn use_view_requests(state: &UseReducerHandle<AppState>, channel: &SharedChannel) {
    let channel = channel.clone();
    let req = state.request();
    let ready = state.info.is_some();
    use_effect_with((state.seq, ready), move |_| {
        if ready {
            channel.borrow_mut().view(req);
        }
    });
}

/// Keeps an opened local file in the browser, then shows the new list.
fn keep_recent(file: web_sys::File, name: String, d: UseReducerDispatcher<AppState>) {
    wasm_bindgen_futures::spawn_local(async move {
        // Not kept (no storage here, too large): the file stays open, and
        // only a reload will not find it, which the page says then.
        let id = crate::recent::id_of(&file);
        let _ = crate::recent::keep(&file, &id, &name).await;
        refresh_recent(&d).await;
    });
}

/// Reads the list of kept files into the state.
pub async fn refresh_recent(d: &UseReducerDispatcher<AppState>) {
    if let Ok(list) = crate::recent::list().await {
        d.dispatch(Action::Recent(Rc::new(list)));
    }
}
