//! Dropped folders: the files in them, read recursively (the Go compiler's
//! `-gcflags=-json=0,DIR` writes one diagnostics file per package under
//! DIR). The entries must be taken while the drop event runs; their files
//! are read after.

use wasm_bindgen::{JsCast, JsValue};

// Chromium does not expose the entry interfaces as globals, so `dyn_into`
// (an `instanceof` check) fails on them: entries are told apart by
// `isDirectory` / `isFile` and cast unchecked.
use wasm_bindgen_futures::JsFuture;
use web_sys::{DataTransfer, FileSystemDirectoryEntry, FileSystemEntry, FileSystemFileEntry};

/// At most this many files are taken from dropped folders.
const MAX_FILES: usize = 2000;

/// The dropped entries when at least one is a folder (else None: the
/// drop's file list is all there is).
pub fn folder_entries(t: &DataTransfer) -> Option<Vec<FileSystemEntry>> {
    let items = t.items();
    let entries: Vec<FileSystemEntry> = (0..items.length())
        .filter_map(|i| items.get(i))
        .filter(|item| item.kind() == "file")
        .filter_map(|item| item.webkit_get_as_entry().ok().flatten())
        .collect();
    entries
        .iter()
        .any(FileSystemEntry::is_directory)
        .then_some(entries)
}

/// Every file under `entries` (folders read recursively, in name order)
/// with the name of the dropped folder it is in ("" for a dropped file),
/// and how many were left out over [`MAX_FILES`].
pub async fn files_under(entries: Vec<FileSystemEntry>) -> (Vec<(web_sys::File, String)>, usize) {
    let mut files = Vec::new();
    let mut left_out = 0;
    let mut stack: Vec<(FileSystemEntry, String)> = entries
        .into_iter()
        .rev()
        .map(|e| {
            let top = if e.is_directory() {
                e.name()
            } else {
                String::new()
            };
            (e, top)
        })
        .collect();
    while let Some((e, top)) = stack.pop() {
        if e.is_directory() {
            let dir = e.unchecked_into::<FileSystemDirectoryEntry>();
            let mut children = read_all(&dir).await;
            children.sort_by_key(|c| std::cmp::Reverse(c.name()));
            stack.extend(children.into_iter().map(|c| (c, top.clone())));
        } else if files.len() >= MAX_FILES {
            left_out += 1;
        } else if e.is_file() {
            if let Some(file) = file_of(e.unchecked_ref::<FileSystemFileEntry>()).await {
                files.push((file, top));
            }
        }
    }
    (files, left_out)
}

/// Every entry of a folder: its reader gives them in batches until an
/// empty one.
async fn read_all(dir: &FileSystemDirectoryEntry) -> Vec<FileSystemEntry> {
    let reader = dir.create_reader();
    let mut out = Vec::new();
    loop {
        let batch = js_sys::Promise::new(&mut |resolve, reject| {
            if let Err(e) = reader.read_entries_with_callback_and_callback(&resolve, &reject) {
                // An error thrown at once fails the promise too.
                let _ = reject.call1(&JsValue::NULL, &e);
            }
        });
        let Ok(batch) = JsFuture::from(batch).await else {
            break;
        };
        let batch = js_sys::Array::from(&batch);
        if batch.length() == 0 {
            break;
        }
        out.extend(
            batch
                .iter()
                .filter(|v| v.is_object())
                .map(|v| v.unchecked_into::<FileSystemEntry>()),
        );
    }
    out
}

/// The file of a file entry.
async fn file_of(entry: &FileSystemFileEntry) -> Option<web_sys::File> {
    let p = js_sys::Promise::new(&mut |resolve, reject| {
        entry.file_with_callback_and_callback(&resolve, &reject);
    });
    JsFuture::from(p)
        .await
        .ok()
        .and_then(|v: JsValue| v.dyn_into::<web_sys::File>().ok())
}
