//! The one entry point of the page and of its analysis worker: with a
//! window it mounts [`heaplens::app::App`]; without one (in the worker that
//! `static/worker.js` starts) it runs [`heaplens::worker::AnalysisWorker`].

use gloo_worker::Registrable;

fn main() {
    heaplens::panic::install();
    if web_sys::window().is_some() {
        yew::Renderer::<heaplens::app::App>::new().render();
    } else {
        heaplens::worker::AnalysisWorker::registrar().register();
    }
}
