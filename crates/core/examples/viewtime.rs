//! Times the viewer session on one profile: load, the first view, and zooms:
//! `cargo run --release -p heaplens-core --example viewtime -- FILE`.

use std::time::Instant;

use heaplens_core::view::{Session, Slot, ViewRequest};

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: viewtime FILE");
        std::process::exit(2);
    };
    let Ok(bytes) = std::fs::read(&path) else {
        eprintln!("{path}: cannot read");
        std::process::exit(2);
    };
    let mut s = Session::new();
    let t = Instant::now();
    if let Err(e) = s.load(Slot::Profile, &path, &bytes, &mut |_, _, _| {}) {
        eprintln!("{path}: {e}");
        std::process::exit(2);
    }
    println!("load     {:>8.1} ms", t.elapsed().as_secs_f64() * 1e3);
    let t = Instant::now();
    let Some(v) = s.view(&ViewRequest::default()) else {
        return;
    };
    println!(
        "view     {:>8.1} ms  ({} rects)",
        t.elapsed().as_secs_f64() * 1e3,
        v.rects.len()
    );
    for depth in [2u32, 5, 8] {
        let Some(r) = v
            .rects
            .iter()
            .filter(|r| r.depth == depth)
            .max_by(|a, b| a.w.total_cmp(&b.w))
        else {
            continue;
        };
        let t = Instant::now();
        // A click zooms and selects the frame's function (callers/callees).
        let name = v.names[r.name as usize].name.clone();
        let z = s.view(&ViewRequest {
            zoom: r.node,
            selected: Some(name),
            ..ViewRequest::default()
        });
        println!(
            "zoom d{depth}  {:>8.1} ms  ({} rects)",
            t.elapsed().as_secs_f64() * 1e3,
            z.map_or(0, |z| z.rects.len())
        );
    }
}
