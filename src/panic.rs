//! A panic hook: a Rust panic must never leave a dead page. On the page it
//! writes the message into the `role="alert"` element (yew may not render
//! again after a panic) and offers a reload; everywhere it logs to the
//! console.

use wasm_bindgen::JsCast;

pub fn install() {
    std::panic::set_hook(Box::new(|info| {
        let msg = info.to_string();
        web_sys::console::error_1(&format!("heaplens: {msg}").into());
        show(&format!(
            "heaplens hit an internal error and stopped: {msg}. Reload the page to continue; please report this with the file that caused it."
        ));
    }));
}

/// Shows `text` in the page's alert region, directly through the DOM.
pub fn show(text: &str) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    if let Ok(Some(el)) = doc.query_selector("[role=alert]") {
        el.set_text_content(Some(text));
        if let Ok(html) = el.dyn_into::<web_sys::HtmlElement>() {
            let _ = html.set_attribute("data-fatal", "true");
        }
    }
}
