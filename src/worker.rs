//! The analysis worker: decodes profiles and answers view requests with
//! [`heaplens_core::view::Session`], reporting progress while it decodes.

use gloo_worker::{HandlerId, Worker, WorkerScope};
use heaplens_core::view::{Request, Response, Session, Slot};

pub struct AnalysisWorker {
    session: Session,
}

impl Worker for AnalysisWorker {
    type Message = ();
    type Input = Request;
    type Output = Response;

    fn create(_scope: &WorkerScope<Self>) -> Self {
        AnalysisWorker {
            session: Session::new(),
        }
    }

    fn update(&mut self, _scope: &WorkerScope<Self>, _msg: ()) {}

    fn received(&mut self, scope: &WorkerScope<Self>, msg: Request, id: HandlerId) {
        match msg {
            Request::Load { slot, name, bytes } if Session::is_bench(&bytes) => {
                let resp = self.session.load_bench(slot, &name, &bytes);
                scope.respond(
                    id,
                    resp.unwrap_or_else(|message| failed(slot, name, message)),
                );
            }
            Request::Load { slot, name, bytes } => {
                let mut last = 0.0f64;
                let mut progress = |stage: &str, done: u64, total: u64| {
                    // At most one message every 50 ms, plus every stage end.
                    let now = now_ms();
                    if now - last >= 50.0 || (total > 0 && done == total) {
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
                };
                let result = self.session.load(slot, &name, &bytes, &mut progress);
                drop(bytes);
                let resp = match result {
                    Ok(info) => Response::Loaded {
                        slot,
                        info: Box::new(info),
                    },
                    Err(message) => failed(slot, name, message),
                };
                scope.respond(id, resp);
            }
            Request::Swap => {
                if let Some((profile, base)) = self.session.swap() {
                    scope.respond(
                        id,
                        Response::Loaded {
                            slot: Slot::Base,
                            info: Box::new(base),
                        },
                    );
                    scope.respond(
                        id,
                        Response::Loaded {
                            slot: Slot::Profile,
                            info: Box::new(profile),
                        },
                    );
                }
            }
            Request::View(req) => {
                if let Some(view) = self.session.view(&req) {
                    scope.respond(id, Response::View(Box::new(view)));
                }
            }
        }
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
