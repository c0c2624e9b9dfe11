//! Recently opened local files, kept in this browser's own storage
//! (IndexedDB; nothing is sent anywhere) so that a reload can open them
//! again with the link's view, and the landing page can list them. At most
//! [`MAX_ENTRIES`] files and [`MAX_BYTES`] together; older ones go first.

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{IdbDatabase, IdbObjectStoreParameters, IdbRequest, IdbTransactionMode};

const DB: &str = "heaplens";
const STORE: &str = "recent";
pub const MAX_ENTRIES: usize = 8;
pub const MAX_BYTES: f64 = 256.0 * 1024.0 * 1024.0;

/// One kept file, without its bytes.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub id: String,
    pub name: String,
    pub size: f64,
    /// When it was last opened (ms since the epoch).
    pub opened: f64,
}

/// The id a file is kept under: the same file opened again is one entry.
pub fn id_of(file: &web_sys::File) -> String {
    let mut h: u32 = 2166136261;
    for b in file.name().bytes() {
        h = (h ^ u32::from(b)).wrapping_mul(16777619);
    }
    format!(
        "{:x}-{}-{}",
        h,
        file.size() as u64,
        file.last_modified() as u64
    )
}

/// Waits for an IndexedDB request; its result.
async fn done(req: &IdbRequest) -> Result<JsValue, String> {
    let promise = js_sys::Promise::new(&mut |resolve, reject| {
        let r = req.clone();
        let ok = Closure::once_into_js(move || {
            let _ = resolve.call1(&JsValue::NULL, &r.result().unwrap_or(JsValue::UNDEFINED));
        });
        let err = Closure::once_into_js(move || {
            let _ = reject.call0(&JsValue::NULL);
        });
        req.set_onsuccess(Some(ok.unchecked_ref()));
        req.set_onerror(Some(err.unchecked_ref()));
    });
    JsFuture::from(promise)
        .await
        .map_err(|_| "the browser's storage refused the request".to_string())
}

async fn open() -> Result<IdbDatabase, String> {
    let unavailable = || "this browser keeps no local storage here".to_string();
    let factory = web_sys::window()
        .and_then(|w| w.indexed_db().ok().flatten())
        .ok_or_else(unavailable)?;
    let req = factory.open_with_u32(DB, 1).map_err(|_| unavailable())?;
    let r = req.clone();
    let upgrade = Closure::once_into_js(move || {
        if let Ok(db) = r.result().and_then(|d| d.dyn_into::<IdbDatabase>()) {
            let params = IdbObjectStoreParameters::new();
            params.set_key_path(&JsValue::from_str("id"));
            let _ = db.create_object_store_with_optional_parameters(STORE, &params);
        }
    });
    req.set_onupgradeneeded(Some(upgrade.unchecked_ref()));
    done(&req)
        .await?
        .dyn_into::<IdbDatabase>()
        .map_err(|_| unavailable())
}

fn store(db: &IdbDatabase, write: bool) -> Result<web_sys::IdbObjectStore, String> {
    let mode = if write {
        IdbTransactionMode::Readwrite
    } else {
        IdbTransactionMode::Readonly
    };
    db.transaction_with_str_and_mode(STORE, mode)
        .and_then(|t| t.object_store(STORE))
        .map_err(|_| "the browser's storage could not be opened".to_string())
}

fn field(o: &JsValue, k: &str) -> JsValue {
    Reflect::get(o, &JsValue::from_str(k)).unwrap_or(JsValue::UNDEFINED)
}

fn entry_of(o: &JsValue) -> Option<Entry> {
    Some(Entry {
        id: field(o, "id").as_string()?,
        name: field(o, "name").as_string()?,
        size: field(o, "size").as_f64()?,
        opened: field(o, "opened").as_f64().unwrap_or(0.0),
    })
}

/// The kept files, most recently opened first.
pub async fn list() -> Result<Vec<Entry>, String> {
    let db = open().await?;
    let req = store(&db, false)?
        .get_all()
        .map_err(|_| "the browser's storage could not be read".to_string())?;
    let all: Array = done(&req).await?.unchecked_into();
    let mut out: Vec<Entry> = all.iter().filter_map(|o| entry_of(&o)).collect();
    out.sort_by(|a, b| b.opened.total_cmp(&a.opened));
    Ok(out)
}

/// Keeps `file` as `id` (again, if kept already: it becomes the most
/// recent), then drops the oldest beyond the caps. A file larger than the
/// cap is not kept.
pub async fn keep(file: &web_sys::Blob, id: &str, name: &str) -> Result<(), String> {
    if file.size() > MAX_BYTES {
        return Err(format!(
            "{name} is larger than the {} MB kept",
            MAX_BYTES / 1048576.0
        ));
    }
    let db = open().await?;
    let record = Object::new();
    let now = js_sys::Date::now();
    for (k, v) in [
        ("id", JsValue::from_str(id)),
        ("name", JsValue::from_str(name)),
        ("size", JsValue::from_f64(file.size())),
        ("opened", JsValue::from_f64(now)),
        ("blob", file.clone().into()),
    ] {
        let _ = Reflect::set(&record, &JsValue::from_str(k), &v);
    }
    let req = store(&db, true)?
        .put(&record)
        .map_err(|_| "the browser's storage refused the file".to_string())?;
    done(&req).await?;
    let (mut total, mut kept) = (0.0, 0);
    for e in list().await? {
        total += e.size;
        kept += 1;
        if kept > MAX_ENTRIES || total > MAX_BYTES {
            forget(Some(&e.id)).await?;
        }
    }
    Ok(())
}

/// A kept file by id: its name and bytes (as a blob).
pub async fn get(id: &str) -> Result<Option<(String, web_sys::Blob)>, String> {
    let db = open().await?;
    let req = store(&db, false)?
        .get(&JsValue::from_str(id))
        .map_err(|_| "the browser's storage could not be read".to_string())?;
    let o = done(&req).await?;
    if o.is_undefined() || o.is_null() {
        return Ok(None);
    }
    let name = field(&o, "name")
        .as_string()
        .unwrap_or_else(|| "profile".into());
    Ok(field(&o, "blob")
        .dyn_into::<web_sys::Blob>()
        .ok()
        .map(|b| (name, b)))
}

/// Forgets one kept file, or all (`None`).
pub async fn forget(id: Option<&str>) -> Result<(), String> {
    let db = open().await?;
    let s = store(&db, true)?;
    let req = match id {
        Some(id) => s.delete(&JsValue::from_str(id)),
        None => s.clear(),
    }
    .map_err(|_| "the browser's storage refused to forget".to_string())?;
    done(&req).await.map(|_| ())
}
