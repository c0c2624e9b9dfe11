//! gzip by the browser itself (`DecompressionStream`, `CompressionStream`),
//! for the worker: heaplens-profile's Rust gzip is built natively only, which
//! keeps zlib out of the page's WebAssembly. Inflating stops at a cap, and
//! earlier when the data inflates far more than any profile
//! (heaplens-profile's gzip ratio bound): a gzip bomb is refused, not run.

use heaplens_profile::decode::gzip as gz;
use heaplens_profile::Error;
use js_sys::{Array, Reflect, Uint8Array};
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

// One call reads a whole blob through the browser's DecompressionStream and
// hands each inflated chunk to WebAssembly as it comes (a JS promise per
// chunk, but no round trip through Rust futures), stopping at the cap
// (false), or past `floor` inflated bytes when they exceed `ratio` times the
// compressed bytes read so far ([inflated, read]); true when done.
#[wasm_bindgen(inline_js = r#"
export async function inflateBlob(blob, cap, ratio, floor, sink) {
  // The blob in slices (64 KiB, growing with what was read up to 1 MiB;
  // up to 256 KiB whole),
  // each read when the inflater asks for more, so that `read` stays near
  // what was inflated (blob.stream() may hand over the whole file at once).
  let read = 0;
  const slices = new ReadableStream({
    async pull(out) {
      if (read >= blob.size) {
        out.close();
        return;
      }
      // A small file (a heap snapshot) in one slice: fewer round trips.
      const step = blob.size <= (1 << 18) ? blob.size : Math.min(1 << 20, Math.max(1 << 16, read >> 3));
      const end = Math.min(read + step, blob.size);
      const bytes = new Uint8Array(await blob.slice(read, end).arrayBuffer());
      read = end;
      out.enqueue(bytes);
    }
  }, { highWaterMark: 0 });
  const reader = slices.pipeThrough(new DecompressionStream('gzip')).getReader();
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return true;
    total += value.length;
    if (total > cap) {
      reader.cancel();
      return false;
    }
    if (total > floor && total > read * ratio) {
      reader.cancel();
      return [total, read];
    }
    sink(value);
  }
}
"#)]
extern "C" {
    #[wasm_bindgen(js_name = inflateBlob, catch)]
    async fn inflate_blob_js(
        blob: &web_sys::Blob,
        cap: f64,
        ratio: f64,
        floor: f64,
        sink: &js_sys::Function,
    ) -> Result<JsValue, JsValue>;
}

/// A blob holding `bytes`.
pub fn blob_of(bytes: &[u8]) -> Result<web_sys::Blob, String> {
    web_sys::Blob::new_with_u8_array_sequence(&Array::of1(&Uint8Array::from(bytes)))
        .map_err(|e| format!("the browser could not hold the data: {}", text_of(&e)))
}

/// Whether `blob` starts like gzip.
pub async fn blob_is_gzip(blob: &web_sys::Blob) -> bool {
    let Ok(head) = blob.slice_with_i32_and_i32(0, 2) else {
        return false;
    };
    match JsFuture::from(head.array_buffer()).await {
        Ok(b) => Uint8Array::new(&b).to_vec() == [0x1f, 0x8b],
        Err(_) => false,
    }
}

/// Inflates the gzip in `blob`, at most `cap` bytes, into WebAssembly
/// memory (presized from the gzip trailer when it is plausible); `progress`
/// gets the bytes so far every 4 MiB and at the end.
pub async fn inflate(
    blob: &web_sys::Blob,
    cap: u64,
    mut progress: impl FnMut(u64) + 'static,
) -> Result<Vec<u8>, String> {
    if Reflect::get(&js_sys::global(), &"DecompressionStream".into())
        .is_ok_and(|v| v.is_undefined())
    {
        return Err("this browser has no DecompressionStream; use a current Chrome, Edge, Firefox or Safari".into());
    }
    let size = blob.size() as u64;
    let trailer = match blob.slice_with_f64_and_f64((size.saturating_sub(4)) as f64, size as f64) {
        Ok(t) => JsFuture::from(t.array_buffer())
            .await
            .map(|b| Uint8Array::new(&b).to_vec())
            .unwrap_or_default(),
        Err(_) => Vec::new(),
    };
    let hint = gz::size_hint(size, <[u8; 4]>::try_from(trailer.as_slice()).ok(), cap);
    let out = std::rc::Rc::new(std::cell::RefCell::new(Vec::<u8>::with_capacity(hint)));
    let sink = {
        let out = out.clone();
        let mut reported = 0usize;
        wasm_bindgen::closure::Closure::<dyn FnMut(Uint8Array)>::new(move |chunk: Uint8Array| {
            let mut o = out.borrow_mut();
            let at = o.len();
            o.resize(at + chunk.length() as usize, 0);
            chunk.copy_to(&mut o[at..]);
            if o.len() - reported >= 1 << 22 {
                reported = o.len();
                progress(reported as u64);
            }
        })
    };
    let result = inflate_blob_js(
        blob,
        cap as f64,
        gz::MAX_RATIO as f64,
        gz::RATIO_FLOOR as f64,
        sink.as_ref().unchecked_ref(),
    )
    .await;
    drop(sink);
    let complete = result.map_err(|e| {
        Error::Gzip {
            detail: text_of(&e),
        }
        .to_string()
    })?;
    if complete.as_bool() == Some(false) {
        return Err(Error::DecompressedTooLarge { limit: cap }.to_string());
    }
    if Array::is_array(&complete) {
        let at = |i: u32| Array::from(&complete).get(i).as_f64().unwrap_or(0.0) as u64;
        return Err(Error::GzipBomb {
            inflated: at(0),
            compressed: at(1),
        }
        .to_string());
    }
    let out = std::rc::Rc::try_unwrap(out)
        .map(|c| c.into_inner())
        .unwrap_or_default();
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
