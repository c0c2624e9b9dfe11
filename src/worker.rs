//! The analysis worker: decodes profiles and answers view requests with
//! [`heaplens_view::session::Session`], reporting progress while it decodes.
//!
//! Requests are handled one at a time, in the order they came: some wait
//! for the browser (inflating a gzipped profile, compressing a share link
//! or a download), and a later request must not overtake them.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use futures::StreamExt;
use gloo_worker::{HandlerId, Worker, WorkerScope};
use heaplens_view::session::{ExportKind, Request, Response, Session, Slot, BROWSER_LIMITS};
use heaplens_view::share::trim::{self, ShareData, SharedEncoded};

use wasm_bindgen_futures::JsFuture;

use crate::gzip;

#[derive(Default)]
struct Inner {
    session: Session,
    queue: VecDeque<(Request, HandlerId)>,
    running: bool,
}

pub struct AnalysisWorker {
    inner: Rc<RefCell<Inner>>,
}

impl Worker for AnalysisWorker {
    type Message = ();
    type Input = Request;
    type Output = Response;

    fn create(_scope: &WorkerScope<Self>) -> Self {
        AnalysisWorker {
            inner: Rc::default(),
        }
    }

    fn update(&mut self, _scope: &WorkerScope<Self>, _msg: ()) {}

    fn received(&mut self, scope: &WorkerScope<Self>, msg: Request, id: HandlerId) {
        let mut inner = self.inner.borrow_mut();
        inner.queue.push_back((msg, id));
        if inner.running {
            return;
        }
        inner.running = true;
        let (inner, scope) = (self.inner.clone(), scope.clone());
        wasm_bindgen_futures::spawn_local(async move {
            loop {
                let next = inner.borrow_mut().queue.pop_front();
                let Some((req, id)) = next else { break };
                handle(&inner, &scope, req, id).await;
            }
            inner.borrow_mut().running = false;
        });
    }
}

/// Answers one request (no borrow of the session is held across a wait).
async fn handle(
    inner: &Rc<RefCell<Inner>>,
    scope: &WorkerScope<AnalysisWorker>,
    req: Request,
    id: HandlerId,
) {
    let respond = |r: Response| scope.respond(id, r);
    match req {
        Request::Load { slot, name, bytes } => match gzip::blob_of(&bytes) {
            Ok(blob) => {
                drop(bytes);
                load_blob(inner, scope, id, slot, name, blob).await;
            }
            Err(message) => respond(failed(slot, name, message)),
        },
        Request::Fetch { slot, name, url } => match crate::link::fetch_blob(&url).await {
            Ok(blob) => load_blob(inner, scope, id, slot, name, blob).await,
            Err(message) => respond(failed(slot, name, message)),
        },
        Request::FetchMerged { slot, files } => load_merged(inner, scope, id, slot, files).await,
        Request::Swap => {
            let swapped = inner.borrow_mut().session.swap();
            if let Some((profile, base)) = swapped {
                respond(Response::Loaded {
                    slot: Slot::Base,
                    info: Box::new(base),
                });
                respond(Response::Loaded {
                    slot: Slot::Profile,
                    info: Box::new(profile),
                });
            }
        }
        Request::Share {
            sample_type,
            budget,
        } => {
            respond(match share(inner, sample_type, budget).await {
                Ok(data) => Response::Share(Box::new(data)),
                Err(e) => Response::Failed(format!("Could not make a share link: {e}.")),
            });
        }
        Request::Export { kind, view } => {
            respond(match export(inner, kind, &view).await {
                Ok((file_name, mime, bytes)) => Response::Export {
                    file_name,
                    mime,
                    bytes,
                },
                Err(e) => Response::Failed(format!("Could not export: {e}.")),
            });
        }
        Request::LoadGcSeries { slot, name, bytes } => {
            let resp = inner
                .borrow_mut()
                .session
                .load_gc_series(slot, &name, &bytes);
            respond(resp.unwrap_or_else(|message| failed(slot, name, message)));
        }
        Request::ClearBase => {
            inner.borrow_mut().session.clear_base();
            respond(Response::BaseCleared);
        }
        Request::Values {
            params,
            node,
            other,
        } => {
            let mut inner = inner.borrow_mut();
            if let Some(values) = inner.session.frame_values(&params, node, other) {
                respond(Response::Values {
                    node,
                    other,
                    values,
                });
            }
        }
        Request::FetchSeries {
            files,
            append,
            params,
        } => load_series(inner, scope, id, files, append, &params).await,
        Request::Timeline { params } => {
            let t = inner.borrow_mut().session.timeline(&params);
            respond(match t {
                Ok(t) => Response::Timeline(Box::new(t)),
                Err(e) => Response::Failed(format!("Could not chart the snapshots: {e}.")),
            });
        }
        Request::OpenSnapshots { params, at, base } => {
            let opened = inner.borrow_mut().session.open_snapshots(&params, at, base);
            respond(match opened {
                Ok((profile, base)) => Response::Opened {
                    profile: Box::new(profile),
                    base: base.map(Box::new),
                },
                Err(e) => Response::Failed(format!("Could not open the snapshot: {e}.")),
            });
            // The timeline marks the snapshots open.
            if let Ok(t) = inner.borrow_mut().session.timeline(&params) {
                respond(Response::Timeline(Box::new(t)));
            }
        }
        Request::View(req) => view(inner, scope, id, &req).await,
    }
}

/// Answers a view request: the flame graph and the table at once, the
/// selected function's details after them when they take a pass of their
/// own (unless a newer view was asked for meanwhile).
async fn view(
    inner: &Rc<RefCell<Inner>>,
    scope: &WorkerScope<AnalysisWorker>,
    id: HandlerId,
    req: &heaplens_view::session::ViewRequest,
) {
    let view = inner.borrow_mut().session.view_first(req);
    let Some(view) = view else { return };
    let pending = view.details_pending;
    scope.respond(id, Response::View(Box::new(view)));
    if !pending {
        return;
    }
    // Requests sent meanwhile arrive first: a newer view makes its own
    // details, and these would be stale.
    gloo_timers::future::TimeoutFuture::new(0).await;
    let newer = (inner.borrow().queue.iter()).any(|(r, _)| matches!(r, Request::View(_)));
    if newer {
        return;
    }
    let details = inner.borrow_mut().session.details(req);
    if let Some(d) = details {
        scope.respond(id, Response::Details(Box::new(d)));
    }
}

/// An export of the open profile: its file name, type and bytes (the
/// profile itself compressed by the browser).
async fn export(
    inner: &Rc<RefCell<Inner>>,
    kind: ExportKind,
    view: &heaplens_view::session::ViewRequest,
) -> Result<(String, String, Vec<u8>), String> {
    if kind != ExportKind::Profile {
        return inner.borrow_mut().session.export(kind, view);
    }
    let raw = inner.borrow().session.profile_protobuf();
    let Some((name, raw)) = raw else {
        return Err("no profile is open".to_string());
    };
    let bytes = gzip::deflate(&raw).await?;
    let stem = heaplens_view::session::file_stem(&name);
    Ok((format!("{stem}.pb.gz"), "application/gzip".into(), bytes))
}

/// The bytes of `blob`, inflated when gzipped (by the browser, straight
/// into the session's memory: the compressed bytes never enter it), with
/// progress (unless `quiet`: the caller reports its own) and a cap; and
/// the size of the gzip file, when it was one.
async fn blob_bytes(
    scope: &WorkerScope<AnalysisWorker>,
    id: HandlerId,
    blob: web_sys::Blob,
) -> Result<(Vec<u8>, Option<u64>), String> {
    blob_bytes_with(scope, id, blob, false).await
}

async fn blob_bytes_with(
    scope: &WorkerScope<AnalysisWorker>,
    id: HandlerId,
    blob: web_sys::Blob,
    quiet: bool,
) -> Result<(Vec<u8>, Option<u64>), String> {
    let size = blob.size() as u64;
    if size > BROWSER_LIMITS.max_input {
        let e = heaplens_profile::Error::InputTooLarge {
            size,
            limit: BROWSER_LIMITS.max_input,
        };
        return Err(e.to_string());
    }
    if gzip::blob_is_gzip(&blob).await {
        let inflating = {
            let scope = scope.clone();
            move |n: u64| {
                if quiet {
                    return;
                }
                scope.respond(
                    id,
                    Response::Progress {
                        stage: "inflate".into(),
                        done: n,
                        total: 0,
                    },
                )
            }
        };
        let data = gzip::inflate(&blob, BROWSER_LIMITS.max_decoded, inflating).await?;
        return Ok((data, Some(size)));
    }
    match JsFuture::from(blob.array_buffer()).await {
        Ok(b) => Ok((js_sys::Uint8Array::new(&b).to_vec(), None)),
        Err(_) => Err("its contents could not be read".into()),
    }
}

/// A progress reporter for decoding: at most one message every 50 ms, plus
/// every stage's end.
fn decode_progress(
    scope: &WorkerScope<AnalysisWorker>,
    id: HandlerId,
) -> impl FnMut(&str, u64, u64) + '_ {
    progress_every(scope, id, 50.0)
}

/// A progress reporter that sends at most one message every `ms`
/// milliseconds (each is a render of the page), plus every stage's end.
fn progress_every(
    scope: &WorkerScope<AnalysisWorker>,
    id: HandlerId,
    ms: f64,
) -> impl FnMut(&str, u64, u64) + '_ {
    let mut last = 0.0f64;
    move |stage: &str, done: u64, total: u64| {
        let now = now_ms();
        if now - last >= ms || (total > 0 && done == total) {
            last = now;
            scope.respond(
                id,
                Response::Progress {
                    stage: stage.to_string(),
                    done,
                    total,
                },
            );
        }
    }
}

/// Reads a profile (or benchmark output, or gctrace log) from `blob` into `slot`.
async fn load_blob(
    inner: &Rc<RefCell<Inner>>,
    scope: &WorkerScope<AnalysisWorker>,
    id: HandlerId,
    slot: Slot,
    name: String,
    blob: web_sys::Blob,
) {
    let respond = |r: Response| scope.respond(id, r);
    let (data, gzip_size) = match blob_bytes(scope, id, blob).await {
        Ok(read) => read,
        Err(message) => {
            respond(failed(slot, name, message));
            return;
        }
    };
    if gzip_size.is_none() && Session::is_bench(&data) {
        let resp = inner.borrow_mut().session.load_bench(slot, &name, &data);
        respond(resp.unwrap_or_else(|message| failed(slot, name, message)));
        return;
    }
    if gzip_size.is_none() && Session::is_diagnostics(&data) {
        let resp = inner
            .borrow_mut()
            .session
            .load_diagnostics(slot, &name, &data);
        respond(resp.unwrap_or_else(|message| failed(slot, name, message)));
        return;
    }
    if gzip_size.is_none() && Session::is_gctrace(&data) {
        let resp = inner.borrow_mut().session.load_gctrace(slot, &name, &data);
        respond(resp.unwrap_or_else(|message| failed(slot, name, message)));
        return;
    }
    let mut progress = decode_progress(scope, id);
    let result =
        inner
            .borrow_mut()
            .session
            .load_inflated(slot, &name, data, gzip_size, &mut progress);
    respond(match result {
        Ok(info) => Response::Loaded {
            slot,
            info: Box::new(info),
        },
        Err(message) => failed(slot, name, message),
    });
}

/// Reads every file of `files` (name, URL), decoding each as it comes, and
/// opens their merge in `slot`; the first file that cannot be read or
/// decoded, or two whose sample types differ, fail the whole merge (the
/// message names the file or files).
async fn load_merged(
    inner: &Rc<RefCell<Inner>>,
    scope: &WorkerScope<AnalysisWorker>,
    id: HandlerId,
    slot: Slot,
    files: Vec<(String, String)>,
) {
    let all = files
        .iter()
        .map(|(n, _)| n.as_str())
        .collect::<Vec<_>>()
        .join(heaplens_view::pipeline::MERGE_JOIN);
    let respond = |r: Response| scope.respond(id, r);
    let mut parts = Vec::with_capacity(files.len());
    for (name, url) in files {
        let read = match crate::link::fetch_blob(&url).await {
            Ok(blob) => blob_bytes(scope, id, blob).await,
            Err(message) => Err(message),
        };
        let decoded = read.and_then(|(data, gzip_size)| {
            let mut progress = decode_progress(scope, id);
            inner
                .borrow_mut()
                .session
                .decode_part(&name, &data, gzip_size, &mut progress)
        });
        match decoded {
            Ok(p) => parts.push((name, p)),
            Err(message) => {
                respond(failed(slot, all, named(&name, message)));
                return;
            }
        }
    }
    let mut progress = decode_progress(scope, id);
    let result = inner
        .borrow_mut()
        .session
        .install_merged(slot, parts, &mut progress);
    respond(match result {
        Ok(info) => Response::Loaded {
            slot,
            info: Box::new(info),
        },
        Err(message) => failed(slot, all, message),
    });
}

/// How many snapshot files are read ahead of the one being decoded.
const SERIES_LOOKAHEAD: usize = 4;

/// Reads heap snapshots (name, URL) into the timeline, a new one unless
/// `append`: each that cannot be read, or is of another kind than the
/// first, is refused by name and the rest kept. Opens the newest snapshot
/// when the timeline is new or was showing its last one, then answers the
/// timeline.
async fn load_series(
    inner: &Rc<RefCell<Inner>>,
    scope: &WorkerScope<AnalysisWorker>,
    id: HandlerId,
    files: Vec<(String, String)>,
    append: bool,
    params: &heaplens_view::params::ViewParams,
) {
    let respond = |r: Response| scope.respond(id, r);
    let (was, open_last) = {
        let mut i = inner.borrow_mut();
        if !append {
            i.session.clear_timeline();
        }
        (
            i.session.snapshot_count(),
            i.session.shows_newest_snapshot(),
        )
    };
    let total = files.len() as u64;
    // The next files are read (fetched and inflated by the browser) while
    // one is decoded and its values made.
    let reads = futures::stream::iter(files.into_iter().map(|(name, url)| async move {
        let read = match crate::link::fetch_blob(&url).await {
            Ok(blob) => blob_bytes_with(scope, id, blob, true).await,
            Err(message) => Err(message),
        };
        (name, read)
    }))
    .buffered(SERIES_LOOKAHEAD);
    let mut reads = std::pin::pin!(reads);
    let mut progress = progress_every(scope, id, 100.0);
    let mut k = 0u64;
    while let Some((name, read)) = reads.next().await {
        k += 1;
        progress(&format!("snapshot {k} of {total}"), k, total);
        let mut i = inner.borrow_mut();
        let decoded = read.and_then(|(data, gzip_size)| {
            i.session
                .decode_part(&name, &data, gzip_size, &mut |_, _, _| {})
        });
        match decoded {
            Ok(p) => {
                i.session.add_snapshot(&name, p, params);
            }
            Err(message) => i.session.refuse_snapshot(named(&name, message)),
        }
    }
    let n = inner.borrow().session.snapshot_count();
    if n == 0 {
        let refused = inner.borrow().session.refused_snapshots().join("; ");
        respond(Response::Failed(format!(
            "No snapshot could be opened: {refused}"
        )));
        return;
    }
    if n > was && open_last {
        let opened = inner
            .borrow_mut()
            .session
            .open_snapshots(params, n - 1, None);
        if let Ok((profile, base)) = opened {
            respond(Response::Opened {
                profile: Box::new(profile),
                base: base.map(Box::new),
            });
        }
    }
    let t = inner.borrow_mut().session.timeline(params);
    respond(match t {
        Ok(t) => Response::Timeline(Box::new(t)),
        Err(e) => Response::Failed(format!("Could not chart the snapshots: {e}.")),
    });
}

/// The open profiles for a share link: slimmed, compressed by the browser,
/// and trimmed until they fit `budget` characters when one is given.
async fn share(
    inner: &Rc<RefCell<Inner>>,
    sample_type: Option<usize>,
    budget: Option<usize>,
) -> Result<ShareData, String> {
    trim::fit(budget, |keep| {
        let encoded = inner.borrow().session.share_encode(sample_type, keep);
        async move { compressed(encoded?).await }
    })
    .await
}

async fn compressed((profile, base, trim_type, snaps): SharedEncoded) -> Result<ShareData, String> {
    let b64 = |bytes: &[u8]| heaplens_view::share::base64url(bytes);
    let p = b64(&gzip::deflate(&profile.bytes).await?);
    let b = match base {
        Some(b) => {
            let data = b64(&gzip::deflate(&b.bytes).await?);
            Some(b.into_shared(data))
        }
        None => None,
    };
    let mut snapshots = Vec::with_capacity(snaps.len());
    for s in snaps {
        let data = b64(&gzip::deflate(&s.bytes).await?);
        snapshots.push(s.into_shared(data));
    }
    Ok(ShareData {
        profile: profile.into_shared(p),
        base: b,
        snapshots,
        trim_type,
    })
}

/// `message` about file `name`, starting with its name.
fn named(name: &str, message: String) -> String {
    if message.starts_with(name) {
        message
    } else {
        format!("{name}: {message}")
    }
}

/// The answer to a load that failed.
fn failed(slot: Slot, name: String, message: String) -> Response {
    Response::Error {
        slot: Some(slot),
        name,
        message,
    }
}

fn now_ms() -> f64 {
    js_sys::Date::now()
}
