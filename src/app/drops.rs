//! Drag and drop anywhere in the window. Every dropped file is used or
//! named in a message: sources go to the line view, `go test -bench`
//! outputs to the benchmark comparison, profiles open by their number (one
//! is the profile, two ask which is the base, or to merge them, three or
//! more ask whether they are a timeline of snapshots or are to be merged
//! as `go tool pprof a.prof b.prof c.prof` merges them),
//! and the rest is refused by name.

use std::rc::Rc;

use gloo_events::{EventListener, EventListenerOptions};
use heaplens_view::session::Slot;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::DragEvent;
use yew::prelude::*;

use super::files::{Openers, Pair};
use super::series::Many;
use crate::state::{Action, AppState};

/// How much of a file is read to tell what it is.
const HEAD_BYTES: f64 = 64.0 * 1024.0;

/// Drops: whether something is dragged over the window, and the pair of
/// profiles waiting for the reader's choice.
pub struct Dropping {
    pub dragging: bool,
    pub pair: UseStateHandle<Pair>,
    /// Three or more profiles, waiting for the reader's choice.
    pub many: UseStateHandle<Many>,
}

/// Listens for drags and drops on the whole window for as long as the app
/// is mounted (the browser's default, opening the file, never runs).
#[hook]
pub fn use_dropping(open: &Openers, d: UseReducerDispatcher<AppState>) -> Dropping {
    let dragging = use_state(|| false);
    let pair = use_state(|| None::<Rc<(web_sys::File, web_sys::File)>>);
    let many = use_state(|| None::<Rc<Vec<web_sys::File>>>);
    {
        let (dragging, pair, open) = (dragging.clone(), (pair.clone(), many.clone()), open.clone());
        use_effect_with((), move |_| {
            let listeners = web_sys::window().map(|w| listen(&w, dragging, pair, open, d));
            move || drop(listeners)
        });
    }
    Dropping {
        dragging: *dragging,
        pair,
        many,
    }
}

/// Dropped profiles waiting for the reader's choice: two, or more.
type Waiting = (UseStateHandle<Pair>, UseStateHandle<Many>);

fn listen(
    w: &web_sys::Window,
    dragging: UseStateHandle<bool>,
    pair: Waiting,
    open: Openers,
    d: UseReducerDispatcher<AppState>,
) -> [EventListener; 3] {
    let opts = EventListenerOptions::enable_prevent_default;
    let over = {
        let dragging = dragging.clone();
        EventListener::new_with_options(w, "dragover", opts(), move |e| {
            e.prevent_default();
            dragging.set(true);
        })
    };
    let leave = {
        let dragging = dragging.clone();
        EventListener::new(w, "dragleave", move |e| {
            // Leaving the window (no related target) ends the drag.
            let out = e
                .dyn_ref::<DragEvent>()
                .is_none_or(|e| e.related_target().is_none());
            if out {
                dragging.set(false);
            }
        })
    };
    let dropped = EventListener::new_with_options(w, "drop", opts(), move |e| {
        e.prevent_default();
        dragging.set(false);
        let transfer = e.dyn_ref::<DragEvent>().and_then(|e| e.data_transfer());
        // A folder: its files (read recursively) are what was dropped.
        if let Some(entries) = transfer.as_ref().and_then(super::folders::folder_entries) {
            let (pair, open, d) = (pair.clone(), open.clone(), d.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let (list, left_out) = super::folders::files_under(entries).await;
                sort_out(list, &pair, &open, &d).await;
                if left_out > 0 {
                    d.dispatch(Action::Refused(Some(format!(
                        "Not opened: {left_out} more files of the dropped folders (at most 2000 are read)."
                    ))));
                }
            });
            return;
        }
        if let Some(files) = transfer.and_then(|t| t.files()) {
            let list: Vec<(web_sys::File, String)> = (0..files.length())
                .filter_map(|i| files.get(i))
                .map(|f| (f, String::new()))
                .collect();
            let (pair, open, d) = (pair.clone(), open.clone(), d.clone());
            wasm_bindgen_futures::spawn_local(async move {
                sort_out(list, &pair, &open, &d).await;
            });
        }
    });
    [over, leave, dropped]
}

/// What a dropped file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Source,
    Bench,
    /// A `GODEBUG=gctrace=1` log.
    GcLog,
    /// The Go compiler's `-gcflags=-m` diagnostics (or a `-json=0` file).
    Diagnostics,
    Profile,
    /// Clearly something else: what it is.
    Other(&'static str),
}

/// Tells what a file is from its name and first bytes.
pub fn classify(name: &str, head: &[u8]) -> Kind {
    if crate::components::is_source_file(name) {
        return Kind::Source;
    }
    let magic: [(&[u8], &str); 8] = [
        (b"\x89PNG", "a PNG image"),
        (b"\xff\xd8\xff", "a JPEG image"),
        (b"GIF8", "a GIF image"),
        (b"%PDF", "a PDF document"),
        (b"PK\x03\x04", "a zip archive"),
        (b"\x7fELF", "a program (ELF binary)"),
        (b"BM", "a BMP image"),
        (b"<svg", "an SVG image"),
    ];
    if let Some((_, what)) = magic.iter().find(|(m, _)| head.starts_with(m)) {
        // "BM" starts some text too: only a BMP when binary follows.
        if *what != "a BMP image" || head.iter().take(64).any(|&b| b == 0) {
            return Kind::Other(what);
        }
    }
    if head.len() >= 12 && &head[..4] == b"RIFF" && &head[8..12] == b"WEBP" {
        return Kind::Other("a WebP image");
    }
    if heaplens_view::benchfmt::looks_like_bench(head) {
        return Kind::Bench;
    }
    if heaplens_view::session::Session::is_gctrace(head) {
        return Kind::GcLog;
    }
    if heaplens_view::session::Session::is_diagnostics(head) {
        return Kind::Diagnostics;
    }
    Kind::Profile
}

/// The first bytes of `f`.
async fn head_of(f: &web_sys::File) -> Vec<u8> {
    let Ok(part) = f.slice_with_f64_and_f64(0.0, HEAD_BYTES) else {
        return Vec::new();
    };
    match JsFuture::from(part.array_buffer()).await {
        Ok(b) => js_sys::Uint8Array::new(&b).to_vec(),
        Err(_) => Vec::new(),
    }
}

/// Uses every dropped file or names it in a message.
async fn sort_out(
    files: Vec<(web_sys::File, String)>,
    pair: &Waiting,
    open: &Openers,
    d: &UseReducerDispatcher<AppState>,
) {
    d.dispatch(Action::Refused(None));
    let (mut code, mut benches, mut profiles, mut refused) = (vec![], vec![], vec![], vec![]);
    let mut logs = vec![];
    // Each file with the dropped folder it came from ("" for a file).
    for (f, folder) in files {
        let head = head_of(&f).await;
        match classify(&f.name(), &head) {
            Kind::Source => code.push(f),
            Kind::Bench => benches.push(f),
            Kind::GcLog => logs.push(f),
            // Read by the worker, by content, beside the profile: the base
            // build's when its name says so.
            Kind::Diagnostics => {
                // Named by its folder when it came in one (`-json=0,DIR`
                // names its files after the sources).
                let name = if folder.is_empty() { f.name() } else { folder };
                let slot = if looks_like_base(&name) {
                    Slot::Base
                } else {
                    Slot::Profile
                };
                open.bench.emit((slot, f));
            }
            Kind::Profile => profiles.push(f),
            Kind::Other(what) => refused.push(format!("{} ({what}, not a profile)", f.name())),
        }
    }
    if !code.is_empty() {
        open.sources.emit(code);
    }
    // Benchmark outputs and gctrace logs first (small), each kind as a
    // pair at most: base and new by their names; the worker reads them by
    // content.
    for (mut files, what) in [(benches, "benchmark outputs"), (logs, "gctrace logs")] {
        for f in files.drain(2.min(files.len())..) {
            refused.push(format!(
                "{} (only two {what} are compared at a time)",
                f.name()
            ));
        }
        match files.as_slice() {
            [one] => open.bench.emit((Slot::Profile, one.clone())),
            [a, b] => {
                let (base, new) = guess_base(a, b);
                open.bench.emit((Slot::Base, base.clone()));
                open.bench.emit((Slot::Profile, new.clone()));
            }
            _ => {}
        }
    }
    match profiles.as_slice() {
        [one] => open.file.emit((Slot::Profile, one.clone())),
        [a, b] => {
            let (base, new) = guess_base(a, b);
            pair.0.set(Some(Rc::new((new.clone(), base.clone()))));
        }
        [] => {}
        // Three or more: a timeline or a merge, as the reader says.
        _ => pair.1.set(Some(Rc::new(profiles))),
    }
    if !refused.is_empty() {
        d.dispatch(Action::Refused(Some(format!(
            "Not opened: {}.",
            refused.join("; ")
        ))));
    }
}

/// (base, new) of two files: the one whose name says base/before/old is
/// the base, else the second.
fn guess_base<'a>(
    a: &'a web_sys::File,
    b: &'a web_sys::File,
) -> (&'a web_sys::File, &'a web_sys::File) {
    if looks_like_base(&a.name()) && !looks_like_base(&b.name()) {
        (a, b)
    } else {
        (b, a)
    }
}

pub fn looks_like_base(name: &str) -> bool {
    let n = name.to_lowercase();
    ["base", "before", "old", "orig"]
        .iter()
        .any(|w| n.contains(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_a_dropped_file_is() {
        assert_eq!(classify("main.go", b"package main"), Kind::Source);
        assert_eq!(
            classify("shot.png", b"\x89PNG\r\n\x1a\n...."),
            Kind::Other("a PNG image")
        );
        assert_eq!(classify("doc", b"%PDF-1.7"), Kind::Other("a PDF document"));
        assert_eq!(
            classify("a.webp", b"RIFF\x10\x00\x00\x00WEBPVP8 "),
            Kind::Other("a WebP image")
        );
        let bench = b"goos: linux\ngoarch: amd64\nBenchmarkX-8   \t 1000\t  1234 ns/op\t 56 B/op\t 7 allocs/op\n";
        assert_eq!(classify("new.txt", bench), Kind::Bench);
        let gc = b"api-1  | gc 7 @0.310s 2%: 0.01+1.1+0.02 ms clock, 0.02+0.1/0.5/0.9+0.04 ms cpu, 4->4->1 MB, 5 MB goal, 0 MB stacks, 0 MB globals, 2 P\n";
        assert_eq!(classify("gc.log", gc), Kind::GcLog);
        assert_eq!(
            classify("notes.log", b"gc is on\nno trace here\n"),
            Kind::Profile
        );
        assert_eq!(classify("mem.prof", b"\x1f\x8b\x08\x00"), Kind::Profile);
        assert_eq!(
            classify("BMx.txt", b"BM is not a bitmap here"),
            Kind::Profile
        );
        assert!(looks_like_base("heap-before.pb.gz"));
        assert!(!looks_like_base("heap-after.pb.gz"));
    }
}
