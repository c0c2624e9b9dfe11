//! The heap a profile takes as the page's worker loads it: the bytes held
//! and the most held so far at the end of each stage (inflated, parsed,
//! samples read, tree built, first view, its details), counted by a global
//! allocator. The worker's WebAssembly memory never shrinks, so the most
//! held is what it keeps:
//! `cargo run --release -p heaplens-view --example heap -- FILE`.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

use heaplens_profile::decode::{gzip::gunzip, is_gzip, Limits};
use heaplens_view::session::{Session, Slot, ViewRequest};

/// The system allocator, counting the bytes held and their peak.
struct Counting;

static HELD: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn took(n: usize) {
    let now = HELD.fetch_add(n, Relaxed) + n;
    PEAK.fetch_max(now, Relaxed);
}

// SAFETY: every call is passed on to `System` unchanged; only counts are
// kept beside.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        took(l.size());
        // SAFETY: the caller's layout, as `GlobalAlloc::alloc` requires.
        unsafe { System.alloc(l) }
    }

    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        HELD.fetch_sub(l.size(), Relaxed);
        // SAFETY: `p` was allocated by `System` with `l`.
        unsafe { System.dealloc(p, l) }
    }

    unsafe fn realloc(&self, p: *mut u8, l: Layout, new: usize) -> *mut u8 {
        // Both blocks may be held at once while the old one is copied.
        took(new);
        HELD.fetch_sub(l.size(), Relaxed);
        // SAFETY: `p` was allocated by `System` with `l`.
        unsafe { System.realloc(p, l, new) }
    }
}

#[global_allocator]
static COUNTING: Counting = Counting;

fn show(stage: &str) {
    let mb = |n: usize| n as f64 / (1 << 20) as f64;
    println!(
        "{stage:<16} held {:>7.1} MB   most held {:>7.1} MB",
        mb(HELD.load(Relaxed)),
        mb(PEAK.load(Relaxed))
    );
}

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: heap FILE");
        std::process::exit(2);
    };
    let raw = match inflated(&path) {
        Ok(raw) => raw,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(2);
        }
    };
    // As in the page: the inflated bytes, sized exactly, are all it holds.
    PEAK.store(HELD.load(Relaxed), Relaxed);
    show("inflated");
    let mut s = Session::new();
    let mut stage = String::new();
    let loaded = s.load_inflated(Slot::Profile, &path, raw, None, &mut |st, _, _| {
        if st != stage {
            show(&format!("before {st}"));
            stage = st.to_string();
        }
    });
    if let Err(e) = loaded {
        eprintln!("{path}: {e}");
        std::process::exit(2);
    }
    show("loaded");
    let req = ViewRequest::default();
    drop(s.view_first(&req));
    show("first view");
    drop(s.details(&req));
    show("details");
}

/// The file's bytes, inflated when gzip (sized from the gzip trailer, as
/// the page sizes them).
fn inflated(path: &str) -> Result<Vec<u8>, String> {
    let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
    if !is_gzip(&bytes) {
        return Ok(bytes);
    }
    gunzip(&bytes, Limits::default().max_decoded, &mut |_, _, _| {}).map_err(|e| e.to_string())
}
