//! gzip by the browser itself (`DecompressionStream`, `CompressionStream`),
//! for the worker: the engine's Rust gzip is built natively only, which
//! keeps zlib out of the page's WebAssembly. Inflating stops at a cap (a
//! gzip bomb is refused, not run).

use heaplens_core::Error;
use js_sys::{Array, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// Whether `bytes` start like gzip.
pub fn is_gzip(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0x1f, 0x8b])
}

/// Inflates `bytes`, at most `cap` bytes; `progress` gets the bytes so far.
pub async fn inflate(
    bytes: &[u8],
    cap: u64,
    progress: &mut dyn FnMut(u64),
) -> Result<Vec<u8>, String> {
    let damaged = |e: JsValue| {
        Error::Gzip {
            detail: text_of(&e),
        }
        .to_string()
    };
    let reader = pipe(bytes, "DecompressionStream")?;
    let mut out: Vec<u8> = Vec::with_capacity(bytes.len().saturating_mul(4).min(1 << 28));
    loop {
        let r = JsFuture::from(reader.read()).await.map_err(damaged)?;
        if Reflect::get(&r, &"done".into())
            .ok()
            .and_then(|d| d.as_bool())
            .unwrap_or(true)
        {
            break;
        }
        let chunk: Uint8Array = Reflect::get(&r, &"value".into())
            .map_err(damaged)?
            .unchecked_into();
        let n = chunk.length() as usize;
        if out.len() as u64 + n as u64 > cap {
            let _ = reader.cancel();
            return Err(Error::DecompressedTooLarge { limit: cap }.to_string());
        }
        let at = out.len();
        out.resize(at + n, 0);
        chunk.copy_to(&mut out[at..]);
        progress(out.len() as u64);
    }
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
