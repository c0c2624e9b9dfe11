//! The browser's side of share links and exports: the address bar's
//! fragment and history entries, the clipboard, and file downloads.

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// The page's fragment without its `#`.
pub fn fragment() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .map(|h| h.trim_start_matches('#').to_string())
        .unwrap_or_default()
}

/// The page's address without its fragment (the base of share links).
pub fn page_address() -> String {
    let Some(loc) = web_sys::window().map(|w| w.location()) else {
        return String::new();
    };
    let href = loc.href().unwrap_or_default();
    href.split('#').next().unwrap_or_default().to_string()
}

/// The page's address with `link` as its fragment.
pub fn address(link: &heaplens_view::share::Link) -> String {
    format!("{}#{}", page_address(), link.fragment())
}

/// Puts `frag` in the address bar: a new history entry (`push`), or in
/// place of the current one. Nothing is loaded or sent anywhere.
pub fn set_fragment(frag: &str, push: bool) {
    let Some(history) = web_sys::window().and_then(|w| w.history().ok()) else {
        return;
    };
    let url = format!("#{frag}");
    let _ = if push {
        history.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url))
    } else {
        history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url))
    };
}

/// `u` resolved against the page (so `static/demo/a.prof` works), if it
/// is http(s); else a plain-words error.
pub fn resolve(u: &str) -> Result<String, String> {
    heaplens_view::share::check_url(u)?;
    let url = web_sys::Url::new_with_base(u.trim(), &page_address())
        .map_err(|_| format!("{u:?} is not a valid address"))?;
    match url.protocol().as_str() {
        "http:" | "https:" => Ok(url.href()),
        p => Err(format!(
            "{u:?} is a {p} address; only http and https are fetched"
        )),
    }
}

/// Copies `text` to the clipboard; false when the browser refuses.
pub async fn copy(text: &str) -> bool {
    let Some(w) = web_sys::window() else {
        return false;
    };
    let clip = w.navigator().clipboard();
    JsFuture::from(clip.write_text(text)).await.is_ok()
}

/// Offers `bytes` as a file download named `name`.
pub fn download(name: &str, mime: &str, bytes: &[u8]) -> Result<(), String> {
    let fail = |what: &str| format!("Could not save {name}: {what}.");
    let array = js_sys::Uint8Array::from(bytes);
    let parts = js_sys::Array::of1(&array);
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type(mime);
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &opts)
        .map_err(|_| fail("the browser could not hold it"))?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)
        .map_err(|_| fail("no download address"))?;
    download_url(name, &url);
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}

/// Clicks a download link to `url` (a blob: or data: address of ours).
pub fn download_url(name: &str, url: &str) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Some(a) = doc
        .create_element("a")
        .ok()
        .and_then(|e| e.dyn_into::<web_sys::HtmlAnchorElement>().ok())
    else {
        return;
    };
    a.set_href(url);
    a.set_download(name);
    a.click();
}

/// Fetches `url` (absolute: a `blob:` address of a picked or dropped file,
/// or http(s)) from the page or the worker; the errors say what to do.
pub async fn fetch_blob(url: &str) -> Result<web_sys::Blob, String> {
    let global = js_sys::global();
    let fetch: js_sys::Function = js_sys::Reflect::get(&global, &"fetch".into())
        .ok()
        .and_then(|f| f.dyn_into().ok())
        .ok_or("this browser cannot fetch files")?;
    let blob_url = url.starts_with("blob:");
    let promise: js_sys::Promise = fetch
        .call1(&global, &url.into())
        .map_err(|_| format!("{url:?} is not an address that can be fetched"))?
        .unchecked_into();
    let resp = JsFuture::from(promise).await.map_err(|_| {
        if blob_url {
            "the file could not be read; is it still there, and readable?".to_string()
        } else {
            "the server is unreachable or does not allow this page to read it (CORS); serve the file \
             with the header Access-Control-Allow-Origin, or download it and drop it here"
                .to_string()
        }
    })?;
    let resp: web_sys::Response = resp
        .dyn_into()
        .map_err(|_| "the fetch did not return a response".to_string())?;
    if !resp.ok() {
        return Err(format!(
            "the server answered {} {}",
            resp.status(),
            resp.status_text()
        ));
    }
    let blob = resp
        .blob()
        .map_err(|_| "its contents could not be read".to_string())?;
    JsFuture::from(blob)
        .await
        .map_err(|_| "the download was interrupted".to_string())?
        .dyn_into()
        .map_err(|_| "its contents could not be read".to_string())
}
