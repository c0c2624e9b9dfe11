//! The analysis worker: decodes profiles and answers view requests with
//! [`heaplens_view::session::Session`], reporting progress while it decodes.
//!
//! Requests are handled one at a time, in the order they came: some wait
//! for the browser (inflating a gzipped profile, compressing a share link
//! or a download), and a later request must not overtake them.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

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
            let file = if kind == ExportKind::Profile {
                let raw = inner.borrow().session.profile_protobuf();
                match raw {
                    Some((name, raw)) => gzip::deflate(&raw).await.map(|bytes| {
                        let stem = heaplens_view::session::file_stem(&name);
                        (
                            format!("{stem}.pb.gz"),
                            "application/gzip".to_string(),
                            bytes,
                        )
                    }),
                    None => Err("no profile is open".to_string()),
                }
            } else {
                inner.borrow_mut().session.export(kind, &view)
            };
            respond(match file {
                Ok((file_name, mime, bytes)) => Response::Export {
                    file_name,
                    mime,
                    bytes,
                },
                Err(e) => Response::Failed(format!("Could not export: {e}.")),
            });
        }
        Request::ClearBase => {
            inner.borrow_mut().session.clear_base();
            respond(Response::BaseCleared);
        }
        Request::Values { params, node } => {
            let values = inner.borrow_mut().session.frame_values(&params, node);
            if let Some(values) = values {
                respond(Response::Values { node, values });
            }
        }
        Request::View(req) => {
            let view = inner.borrow_mut().session.view(&req);
            if let Some(view) = view {
                respond(Response::View(Box::new(view)));
            }
        }
    }
}

/// Reads a profile (or benchmark output) from `blob` into `slot`: gzip is
/// inflated by the browser straight into the session's memory (the
/// compressed bytes never enter it), with progress and a cap.
async fn load_blob(
    inner: &Rc<RefCell<Inner>>,
    scope: &WorkerScope<AnalysisWorker>,
    id: HandlerId,
    slot: Slot,
    name: String,
    blob: web_sys::Blob,
) {
    let respond = |r: Response| scope.respond(id, r);
    let size = blob.size() as u64;
    if size > BROWSER_LIMITS.max_input {
        let e = heaplens_profile::Error::InputTooLarge {
            size,
            limit: BROWSER_LIMITS.max_input,
        };
        respond(failed(slot, name, e.to_string()));
        return;
    }
    let (data, gzip_size) = if gzip::blob_is_gzip(&blob).await {
        let inflating = {
            let scope = scope.clone();
            move |n: u64| {
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
        match gzip::inflate(&blob, BROWSER_LIMITS.max_decoded, inflating).await {
            Ok(d) => (d, Some(size)),
            Err(message) => {
                respond(failed(slot, name, message));
                return;
            }
        }
    } else {
        match JsFuture::from(blob.array_buffer()).await {
            Ok(b) => (js_sys::Uint8Array::new(&b).to_vec(), None),
            Err(_) => {
                respond(failed(slot, name, "its contents could not be read".into()));
                return;
            }
        }
    };
    drop(blob);
    if gzip_size.is_none() && Session::is_bench(&data) {
        let resp = inner.borrow_mut().session.load_bench(slot, &name, &data);
        respond(resp.unwrap_or_else(|message| failed(slot, name, message)));
        return;
    }
    let mut last = 0.0f64;
    let mut progress = |stage: &str, done: u64, total: u64| {
        // At most one message every 50 ms, plus every stage end.
        let now = now_ms();
        if now - last >= 50.0 || (total > 0 && done == total) {
            last = now;
            respond(Response::Progress {
                stage: stage.to_string(),
                done,
                total,
            });
        }
    };
    let result =
        inner
            .borrow_mut()
            .session
            .load_inflated(slot, &name, &data, gzip_size, &mut progress);
    drop(data);
    respond(match result {
        Ok(info) => Response::Loaded {
            slot,
            info: Box::new(info),
        },
        Err(message) => failed(slot, name, message),
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

async fn compressed((profile, base, trim_type): SharedEncoded) -> Result<ShareData, String> {
    let b64 = |bytes: &[u8]| heaplens_view::share::base64url(bytes);
    let p = b64(&gzip::deflate(&profile.bytes).await?);
    let b = match base {
        Some(b) => {
            let data = b64(&gzip::deflate(&b.bytes).await?);
            Some(b.into_shared(data))
        }
        None => None,
    };
    Ok(ShareData {
        profile: profile.into_shared(p),
        base: b,
        trim_type,
    })
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
