//! gzip by the browser itself (`DecompressionStream`, `CompressionStream`),
//! for the worker: the engine's Rust gzip is built natively only, which
//! keeps zlib out of the page's WebAssembly. Inflating stops at a cap (a
//! gzip bomb is refused, not run).

use heaplens_core::Error;
use js_sys::{Array, Reflect, Uint8Array};
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

// Reading the inflated chunks in JavaScript and handing the whole result to
// WebAssembly once is about twice as fast as a round trip per 64 KiB chunk.
#[wasm_bindgen(inline_js = r#"
export async function inflateCapped(bytes, cap, progress) {
  const reader = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip')).getReader();
  const chunks = [];
  let total = 0;
  let reported = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > cap) {
      reader.cancel();
      return null;
    }
    chunks.push(value);
    if (total - reported >= 4194304) {
      reported = total;
      progress(total);
    }
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
"#)]
extern "C" {
    #[wasm_bindgen(js_name = inflateCapped, catch)]
    async fn inflate_capped(
        bytes: Uint8Array,
        cap: f64,
        progress: &js_sys::Function,
    ) -> Result<JsValue, JsValue>;
}

/// Whether `bytes` start like gzip.
pub fn is_gzip(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0x1f, 0x8b])
}

/// Inflates `bytes`, at most `cap` bytes; `progress` gets the bytes so far
/// (every 4 MiB, and at the end).
pub async fn inflate(
    bytes: &[u8],
    cap: u64,
    progress: impl FnMut(u64) + 'static,
) -> Result<Vec<u8>, String> {
    if Reflect::get(&js_sys::global(), &"DecompressionStream".into())
        .is_ok_and(|v| v.is_undefined())
    {
        return Err("this browser has no DecompressionStream; use a current Chrome, Edge, Firefox or Safari".into());
    }
    // Progress comes back through a JS callback, dropped once done.
    let progress = std::rc::Rc::new(std::cell::RefCell::new(progress));
    let cb = {
        let progress = progress.clone();
        wasm_bindgen::closure::Closure::<dyn FnMut(f64)>::new(move |n: f64| {
            (progress.borrow_mut())(n as u64)
        })
    };
    let result = inflate_capped(
        Uint8Array::from(bytes),
        cap as f64,
        cb.as_ref().unchecked_ref(),
    )
    .await;
    drop(cb);
    let value = result.map_err(|e| {
        Error::Gzip {
            detail: text_of(&e),
        }
        .to_string()
    })?;
    if value.is_null() {
        return Err(Error::DecompressedTooLarge { limit: cap }.to_string());
    }
    let out = value.unchecked_into::<Uint8Array>().to_vec();
    (progress.borrow_mut())(out.len() as u64);
    Ok(out)
}

/// Compresses `bytes` as gzip.
pub async fn deflate(bytes: &[u8]) -> Result<Vec<u8>, String> {
    let reader = pipe(bytes, "CompressionStream")?;
    let mut out = Vec::new();
    loop {
        let r = JsFuture::from(reader.read())
            .await
            .map_err(|e| format!("the browser could not compress: {}", text_of(&e)))?;
        if Reflect::get(&r, &"done".into())
            .ok()
            .and_then(|d| d.as_bool())
            .unwrap_or(true)
        {
            break;
        }
        if let Ok(v) = Reflect::get(&r, &"value".into()) {
            let chunk: Uint8Array = v.unchecked_into();
            out.extend_from_slice(&chunk.to_vec());
        }
    }
    Ok(out)
}

/// A reader of `bytes` piped through a new `class` ("gzip" format).
fn pipe(bytes: &[u8], class: &str) -> Result<web_sys::ReadableStreamDefaultReader, String> {
    let missing =
        || format!("this browser has no {class}; use a current Chrome, Edge, Firefox or Safari");
    let ctor = Reflect::get(&js_sys::global(), &class.into()).map_err(|_| missing())?;
    let ctor: js_sys::Function = ctor.dyn_into().map_err(|_| missing())?;
    let stream = Reflect::construct(&ctor, &Array::of1(&"gzip".into())).map_err(|_| missing())?;
    let parts = Array::of1(&Uint8Array::from(bytes));
    let blob = web_sys::Blob::new_with_u8_array_sequence(&parts)
        .map_err(|e| format!("the browser could not hold the data: {}", text_of(&e)))?;
    let piped = blob.stream().pipe_through(stream.unchecked_ref());
    Ok(piped.get_reader().unchecked_into())
}

/// The message of a JS error (or its text).
fn text_of(e: &JsValue) -> String {
    e.dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "unknown error".to_string())
}
