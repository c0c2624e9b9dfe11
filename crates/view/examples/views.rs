//! Times the worker session's answers to view switches on one profile, as
//! the page asks for them (top-down, bottom-up, recursion collapsed, the
//! callers of the widest function, a hidden function, the graph view, each
//! sample type of a Go heap profile in turn, twice):
//! `cargo run --release -p heaplens-view --example views -- FILE`.

use std::time::Instant;

use heaplens_analysis::{GraphView, Recursion};
use heaplens_view::params::go_quote_meta;
use heaplens_view::session::{Session, Slot, ViewRequest};

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: views FILE");
        std::process::exit(2);
    };
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(2);
        }
    };
    let mut s = Session::new();
    let t = Instant::now();
    if let Err(e) = s.load(Slot::Profile, &path, &bytes, &mut |_, _, _| {}) {
        eprintln!("{path}: {e}");
        std::process::exit(2);
    }
    println!(
        "load                {:>8.1} ms",
        t.elapsed().as_secs_f64() * 1e3
    );
    let mut req = ViewRequest::default();
    let mut view = |label: &str, req: &ViewRequest| {
        let t = Instant::now();
        let answer = s.view(req);
        let rects = answer.as_ref().map_or(0, |a| a.rects.len());
        println!(
            "{label:<20}{:>8.1} ms  ({rects} frames)",
            t.elapsed().as_secs_f64() * 1e3
        );
        answer
    };
    let first = view("top-down", &req);
    let selected = first
        .as_ref()
        .and_then(|a| a.rows.first())
        .map(|r| r.name.clone());
    req.params.selected = selected;
    view("selected", &req);
    let widest = first
        .as_ref()
        .and_then(|a| a.rows.first())
        .map(|r| r.name.clone())
        .unwrap_or_default();
    req.params.graph = GraphView::BottomUp;
    view("bottom-up", &req);
    req.params.graph = GraphView::TopDown;
    view("top-down", &req);
    req.params.recursion = Recursion::All;
    view("recursion all", &req);
    req.params.recursion = Recursion::Keep;
    req.params.graph = GraphView::Callers(widest.clone());
    view("callers", &req);
    req.params.graph = GraphView::TopDown;
    req.params.refine.hide = format!("^{}$", go_quote_meta(&widest));
    view("hide", &req);
    req.params.refine.hide.clear();
    view("hide removed", &req);
    req.params.call_graph = Some(80);
    view("graph view", &req);
    req.params.call_graph = None;
    view("flame again", &req);
    req.params.selected = None;
    // Twice: the second round finds every type's column made.
    for round in ["", " again"] {
        for ty in [
            "alloc_objects",
            "inuse_space",
            "inuse_objects",
            "alloc_space",
        ] {
            req.params.sample_type = Some(ty.to_string());
            view(&format!("{ty}{round}"), &req);
        }
    }
}
