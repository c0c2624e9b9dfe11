//! Entry point of the analysis web worker (see `heaplens::worker`).

use gloo_worker::Registrable;
use heaplens::worker::AnalysisWorker;

fn main() {
    heaplens::panic::install();
    AnalysisWorker::registrar().register();
}
