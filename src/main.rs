//! The heaplens web app: mounts [`app::App`] into the page body.

mod app;
mod components;
mod format;
mod state;

#[cfg(all(test, target_arch = "wasm32"))]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

fn main() {
    yew::Renderer::<app::App>::new().render();
}
