//! The heaplens web app: a yew page ([`app`]) and an analysis web worker
//! ([`worker`]) that runs heaplens-view's session off the main thread.
//! The page sends view requests and paints the compact answers; it never
//! holds the profile itself.

pub mod app;
pub mod components;
pub mod format;
pub mod graph_paint;
pub mod gzip;
pub mod link;
pub mod paint;
pub mod panic;
pub mod recent;
pub mod state;
pub mod svg;
pub mod timeline_chart;
pub mod worker;

#[cfg(all(test, target_arch = "wasm32"))]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

#[cfg(all(test, target_arch = "wasm32"))]
mod browser_tests;
