//! GC view links: `#gctrace=URL[&gctrace-base=URL]` (logs to fetch), or
//! the parsed series themselves, `#v=1&g=…&gn=NAME[&gb=…&gbn=NAME]`
//! (base64url of [`crate::gc::series`], never the raw log). A fragment
//! with neither is not a GC link (the profile link reads it).

use super::{check_url, decode, unbase64url};

/// Where a log of a GC link comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GcSource {
    Url(String),
    /// A compact series and its file name.
    Series {
        name: String,
        bytes: Vec<u8>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GcLink {
    pub new: GcSource,
    pub base: Option<GcSource>,
}

/// The GC link in `fragment`, if it is one.
pub fn parse(fragment: &str) -> Option<Result<GcLink, String>> {
    let f = fragment.strip_prefix('#').unwrap_or(fragment);
    let mut parts = std::collections::HashMap::new();
    for part in f.split('&').filter(|p| !p.is_empty()) {
        let (key, raw) = part.split_once('=').unwrap_or((part, ""));
        if matches!(key, "gctrace" | "gctrace-base" | "g" | "gn" | "gb" | "gbn") {
            parts.insert(key, raw);
        }
    }
    let has = |k| parts.contains_key(k);
    if !(has("gctrace") || has("g")) {
        return None;
    }
    let source =
        |url_key: &str, data_key: &str, name_key: &str| -> Result<Option<GcSource>, String> {
            let text = |k: &str| {
                parts
                    .get(k)
                    .map(|raw| decode(raw).map_err(|e| format!("its {k:?} part {e}")))
                    .transpose()
            };
            if let Some(data) = text(data_key)? {
                let bytes = unbase64url(&data).map_err(|e| format!("its GC series {e}"))?;
                let name = text(name_key)?.unwrap_or_else(|| "shared gctrace".into());
                return Ok(Some(GcSource::Series { name, bytes }));
            }
            match text(url_key)? {
                Some(u) => {
                    check_url(&u).map_err(|e| format!("its {url_key:?} URL {e}"))?;
                    Ok(Some(GcSource::Url(u)))
                }
                None => Ok(None),
            }
        };
    Some((|| {
        let new = source("gctrace", "g", "gn")?.ok_or("it names no GC log")?;
        let base = source("gctrace-base", "gb", "gbn")?;
        Ok(GcLink { new, base })
    })())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_series_and_other_links() {
        assert_eq!(parse("#v=1&sample=alloc_space"), None);
        let l = parse("#gctrace=https%3A%2F%2Fx.test%2Fnew.log&gctrace-base=old.log")
            .expect("a GC link")
            .expect("valid");
        assert_eq!(l.new, GcSource::Url("https://x.test/new.log".into()));
        assert_eq!(l.base, Some(GcSource::Url("old.log".into())));
        let l = parse("v=1&g=AQA&gn=a.log")
            .expect("a GC link")
            .expect("valid");
        assert_eq!(
            l.new,
            GcSource::Series {
                name: "a.log".into(),
                bytes: vec![1, 0]
            }
        );
        assert!(parse("#gctrace=javascript:alert(1)")
            .expect("a GC link")
            .is_err());
        assert!(parse("#g=!!").expect("a GC link").is_err());
    }
}
