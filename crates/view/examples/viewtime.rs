//! Times the viewer session on one profile: load, the first view, and zooms:
//! `cargo run --release -p heaplens-view --example viewtime -- FILE`.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::time::Instant;

/// Counts live heap bytes and their high-water mark, so each stage can
/// print what it holds and what it peaked at.
struct Counting;
static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        let now = LIVE.fetch_add(l.size(), Relaxed) + l.size();
        PEAK.fetch_max(now, Relaxed);
        unsafe { System.alloc(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        LIVE.fetch_sub(l.size(), Relaxed);
        unsafe { System.dealloc(p, l) }
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, new: usize) -> *mut u8 {
        if new > l.size() {
            let now = LIVE.fetch_add(new - l.size(), Relaxed) + new - l.size();
            PEAK.fetch_max(now, Relaxed);
        } else {
            LIVE.fetch_sub(l.size() - new, Relaxed);
        }
        unsafe { System.realloc(p, l, new) }
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

/// "live X MB, peak Y MB" of the heap so far.
fn mem() -> String {
    format!(
        "live {:>6.1} MB, peak {:>6.1} MB",
        LIVE.load(Relaxed) as f64 / 1e6,
        PEAK.load(Relaxed) as f64 / 1e6
    )
}

use heaplens_view::params::ViewParams;
use heaplens_view::session::{Session, Slot, ViewRequest};

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
    let mut stage = String::new();
    let mut progress = |st: &str, _: u64, _: u64| {
        if st != stage {
            println!("  {st:<8} from {:>8.1} ms", t.elapsed().as_secs_f64() * 1e3);
            stage = st.to_string();
        }
    };
    if let Err(e) = s.load(Slot::Profile, &path, &bytes, &mut progress) {
        eprintln!("{path}: {e}");
        std::process::exit(2);
    }
    println!(
        "load     {:>8.1} ms  {}",
        t.elapsed().as_secs_f64() * 1e3,
        mem()
    );
    let t = Instant::now();
    let Some(v) = s.view(&ViewRequest::default()) else {
        return;
    };
    println!(
        "view     {:>8.1} ms  ({} rects)  {}",
        t.elapsed().as_secs_f64() * 1e3,
        v.rects.len(),
        mem()
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
            params: ViewParams {
                zoom: v.path_to(r.node).unwrap_or_default(),
                selected: Some(name),
                ..ViewParams::default()
            },
            zoom_node: Some(r.node),
            ..ViewRequest::default()
        });
        println!(
            "zoom d{depth}  {:>8.1} ms  ({} rects)",
            t.elapsed().as_secs_f64() * 1e3,
            z.map_or(0, |z| z.rects.len())
        );
    }
}
