//! Share links: the whole view, and the profiles or where to fetch them,
//! in the URL fragment (`#…`), which browsers never send to a server.
//!
//! The fragment is `key=value` pairs joined by `&`, values percent-encoded:
//!
//! | key | meaning |
//! |---|---|
//! | `v` | format version (1) |
//! | `t` | sample type name |
//! | `o=flame` | root at the bottom (default: icicle, root on top) |
//! | `d=0` | show the profile alone, not its diff with the base |
//! | `sub=1`, `norm=1` | pprof's `-base` semantics; `-normalize` |
//! | `w=base` / `w=max` | what a frame's width stands for in a diff |
//! | `self=1` | diff colours by self value |
//! | `z` | zoom: the zoomed frame's path from the root, names joined by `,` |
//! | `sel`, `q` | selected function; search |
//! | `g=lines` | line granularity |
//! | `f`, `s` | top table filter; sort column (`-` prefix: ascending) |
//! | `profile`, `base` | http(s) URLs to fetch the profiles from |
//! | `p`, `b` | the profiles themselves: `.pb.gz` bytes, base64url |
//! | `pn`, `bn` | their file names |
//!
//! Nothing read from a fragment is ever treated as markup or code: every
//! value is plain text, URLs must be http(s), embedded data has a size cap.

use crate::keys::Granularity;
use crate::view::WidthBy;

/// The longest fragment opened (characters): about the most Chromium
/// keeps in a URL (2 MiB), with room.
pub const MAX_FRAGMENT: usize = 3 << 20;

/// Link lengths (whole URL, characters) that matter when sharing.
pub mod limits {
    /// Slack cuts a message at 40 000 characters; links up to this length
    /// paste whole into chat and pull-request comments (GitHub's limit is
    /// 65 536 characters).
    pub const CHAT: usize = 40_000;
    /// Chromium opens URLs up to 2 MiB; longer ones are refused.
    pub const BROWSER: usize = 2 << 20;
}

/// Where a profile of the link comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// An http(s) URL to fetch (CORS applies).
    Url(String),
    /// The profile itself: `.pb.gz` bytes as base64url, and a file name.
    Embedded { name: String, data: String },
}

impl Source {
    /// An embedded source holding `bytes`.
    pub fn embed(name: &str, bytes: &[u8]) -> Source {
        Source::Embedded {
            name: name.to_string(),
            data: base64url(bytes),
        }
    }

    /// The bytes of an embedded source.
    pub fn bytes(&self) -> Result<Vec<u8>, String> {
        match self {
            Source::Url(_) => Err("not embedded".into()),
            Source::Embedded { data, .. } => unbase64url(data),
        }
    }

    /// The file name to show.
    pub fn name(&self) -> String {
        match self {
            Source::Url(u) => u
                .split(['?', '#'])
                .next()
                .and_then(|p| p.rsplit('/').next())
                .filter(|s| !s.is_empty())
                .unwrap_or(u)
                .to_string(),
            Source::Embedded { name, .. } => name.clone(),
        }
    }
}

/// Everything about the view a link restores.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ViewState {
    pub sample_type: Option<String>,
    /// Root at the bottom.
    pub flame: bool,
    /// Show the diff when a base is there.
    pub diff: bool,
    pub subtract: bool,
    pub normalize: bool,
    pub width_by: WidthBy,
    pub color_by_self: bool,
    /// Names from the root's child down to the zoomed frame.
    pub zoom: Vec<String>,
    pub selected: Option<String>,
    pub search: String,
    /// Line granularity in the table.
    pub granularity: Granularity,
    pub filter: String,
    /// Table sort column ("" for the default), `-` first for ascending.
    pub sort: String,
    /// Label filter (`go tool pprof -tagfocus`), "" for none.
    pub tagfocus: String,
}

impl Default for ViewState {
    fn default() -> Self {
        ViewState {
            sample_type: None,
            flame: false,
            diff: true,
            subtract: false,
            normalize: false,
            width_by: WidthBy::New,
            color_by_self: false,
            zoom: Vec::new(),
            selected: None,
            search: String::new(),
            granularity: Granularity::Functions,
            filter: String::new(),
            sort: String::new(),
            tagfocus: String::new(),
        }
    }
}

/// A parsed fragment.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Link {
    pub view: ViewState,
    pub profile: Option<Source>,
    pub base: Option<Source>,
}

/// A fragment that could be opened, with what was ignored in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed {
    pub link: Link,
    /// Parts not understood (the rest of the link still works).
    pub warnings: Vec<String>,
}

impl Link {
    /// The fragment (without `#`) for this link.
    pub fn fragment(&self) -> String {
        let v = &self.view;
        let mut parts: Vec<String> = vec!["v=1".into()];
        let mut put = |k: &str, val: &str| parts.push(format!("{k}={}", encode(val)));
        if let Some(t) = &v.sample_type {
            put("t", t);
        }
        if v.flame {
            put("o", "flame");
        }
        if !v.diff {
            put("d", "0");
        }
        if v.subtract {
            put("sub", "1");
        }
        if v.normalize {
            put("norm", "1");
        }
        match v.width_by {
            WidthBy::New => {}
            WidthBy::Base => put("w", "base"),
            WidthBy::Max => put("w", "max"),
        }
        if v.color_by_self {
            put("self", "1");
        }
        if !v.zoom.is_empty() {
            let z: Vec<String> = v.zoom.iter().map(|n| encode(n)).collect();
            parts.push(format!("z={}", z.join(",")));
        }
        let mut put = |k: &str, val: &str| parts.push(format!("{k}={}", encode(val)));
        if let Some(s) = &v.selected {
            put("sel", s);
        }
        if !v.search.is_empty() {
            put("q", &v.search);
        }
        if v.granularity != Granularity::Functions {
            put("g", v.granularity.as_str());
        }
        if !v.filter.is_empty() {
            put("f", &v.filter);
        }
        if !v.sort.is_empty() {
            put("s", &v.sort);
        }
        if !v.tagfocus.is_empty() {
            put("tf", &v.tagfocus);
        }
        for (src, url_key, data_key, name_key) in [
            (&self.base, "base", "b", "bn"),
            (&self.profile, "profile", "p", "pn"),
        ] {
            match src {
                Some(Source::Url(u)) => put(url_key, u),
                Some(Source::Embedded { name, data }) => {
                    put(name_key, name);
                    // base64url is unchanged by the escaping.
                    put(data_key, data);
                }
                None => {}
            }
        }
        parts.join("&")
    }

    /// Reads a fragment (with or without its `#`). An empty one is the
    /// default view with no sources.
    pub fn parse(fragment: &str) -> Result<Parsed, String> {
        let f = fragment.strip_prefix('#').unwrap_or(fragment);
        if f.len() > MAX_FRAGMENT {
            return Err(format!(
                "the link is {} long, more than the {} a link may have here",
                size(f.len()),
                size(MAX_FRAGMENT)
            ));
        }
        let mut link = Link::default();
        let mut warnings = Vec::new();
        let (mut pn, mut bn) = (None, None);
        let (mut p, mut b) = (None, None);
        for part in f.split('&').filter(|p| !p.is_empty()) {
            let (key, raw) = part.split_once('=').unwrap_or((part, ""));
            let text = || decode(raw).map_err(|e| format!("its {key:?} part {e}"));
            let flag = |v: String| match v.as_str() {
                "1" | "true" => Ok(true),
                "0" | "false" => Ok(false),
                _ => Err(format!("its {key:?} part should be 0 or 1, not {v:?}")),
            };
            let v = &mut link.view;
            match key {
                "v" => {
                    let ver = text()?;
                    if ver != "1" {
                        return Err(format!(
                            "it is of version {ver:?}, which this heaplens cannot read (it reads version 1)"
                        ));
                    }
                }
                "t" => v.sample_type = Some(text()?).filter(|t| !t.is_empty()),
                "o" => {
                    v.flame = match text()?.as_str() {
                        "flame" => true,
                        "icicle" => false,
                        o => {
                            return Err(format!(
                                "its \"o\" part should be flame or icicle, not {o:?}"
                            ))
                        }
                    }
                }
                "d" => v.diff = flag(text()?)?,
                "sub" => v.subtract = flag(text()?)?,
                "norm" => v.normalize = flag(text()?)?,
                "self" => v.color_by_self = flag(text()?)?,
                "w" => {
                    v.width_by = match text()?.as_str() {
                        "new" => WidthBy::New,
                        "base" => WidthBy::Base,
                        "max" => WidthBy::Max,
                        w => {
                            return Err(format!(
                                "its \"w\" part should be new, base or max, not {w:?}"
                            ))
                        }
                    }
                }
                "z" => {
                    v.zoom = raw
                        .split(',')
                        .filter(|s| !s.is_empty())
                        .map(decode)
                        .collect::<Result<_, _>>()
                        .map_err(|e| format!("its \"z\" part {e}"))?
                }
                "sel" => v.selected = Some(text()?).filter(|s| !s.is_empty()),
                "q" => v.search = text()?,
                "g" => {
                    let g = text()?;
                    v.granularity = Granularity::parse(&g).ok_or_else(|| {
                        format!("its \"g\" part should be functions, lines or addresses, not {g:?}")
                    })?;
                }
                "f" => v.filter = text()?,
                "s" => v.sort = text()?,
                "tf" => v.tagfocus = text()?,
                "profile" | "base" => {
                    let u = text()?;
                    check_url(&u).map_err(|e| format!("its {key:?} URL {e}"))?;
                    if key == "profile" {
                        link.profile = Some(Source::Url(u));
                    } else {
                        link.base = Some(Source::Url(u));
                    }
                }
                "p" | "b" => {
                    // Read now, so a damaged link says so before anything
                    // loads, and kept in its canonical spelling.
                    let bytes = unbase64url(&text()?)
                        .map_err(|e| format!("the embedded {} {e}", which(key)))?;
                    let data = Some(base64url(&bytes));
                    if key == "p" {
                        p = data;
                    } else {
                        b = data;
                    }
                }
                "pn" => pn = Some(text()?),
                "bn" => bn = Some(text()?),
                _ => warnings.push(format!("ignored the unknown part {:?}", truncate(key, 40))),
            }
        }
        if let Some(data) = p {
            link.profile = Some(Source::Embedded {
                name: pn.unwrap_or_else(|| "shared profile".into()),
                data,
            });
        }
        if let Some(data) = b {
            link.base = Some(Source::Embedded {
                name: bn.unwrap_or_else(|| "shared base".into()),
                data,
            });
        }
        Ok(Parsed { link, warnings })
    }
}

fn which(key: &str) -> &'static str {
    if key == "p" {
        "profile"
    } else {
        "base"
    }
}

/// A URL a link may make the page fetch: absolute http(s), or a path on
/// the page's own server (`./…`, `/…`, or a plain relative name).
pub fn check_url(u: &str) -> Result<(), String> {
    let lower = u.trim().to_ascii_lowercase();
    if lower.is_empty() {
        return Err("is empty".into());
    }
    if lower.starts_with("http://") || lower.starts_with("https://") {
        return Ok(());
    }
    // Anything else with a scheme (javascript:, data:, file:, …) is refused.
    let scheme_end = lower.find(':');
    let path_start = lower.find(['/', '?', '#']).unwrap_or(lower.len());
    if lower.starts_with("//") || scheme_end.is_some_and(|c| c < path_start) {
        return Err(format!(
            "{:?} is not an http:// or https:// address",
            truncate(u, 80)
        ));
    }
    Ok(())
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(n).collect::<String>())
    }
}

/// "12.3 KB" style sizes of character counts.
pub fn size(n: usize) -> String {
    if n < 1000 {
        format!("{n} characters")
    } else if n < 1_000_000 {
        format!("{:.1} KB", n as f64 / 1e3)
    } else {
        format!("{:.1} MB", n as f64 / 1e6)
    }
}

/// Percent-encodes everything but letters, digits and `-_.~/:@!$'()*;`.
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for &b in s.as_bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~/:@!$'()*;".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Reverses [`encode`] (any `%XX` is decoded; the result must be UTF-8).
pub fn decode(s: &str) -> Result<String, String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = b
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(|| "has a broken %-escape".to_string())?;
            out.push(hex);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| "is not valid text (UTF-8)".to_string())
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// base64url without padding.
pub fn base64url(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for c in bytes.chunks(3) {
        let n = (u32::from(c[0]) << 16)
            | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
            | u32::from(*c.get(2).unwrap_or(&0));
        let chars = c.len() + 1;
        for k in 0..chars {
            out.push(B64[((n >> (18 - 6 * k)) & 63) as usize] as char);
        }
    }
    out
}

/// Reads base64url (or standard base64; padding optional).
pub fn unbase64url(s: &str) -> Result<Vec<u8>, String> {
    let s = s.trim_end_matches('=');
    let mut out = Vec::with_capacity(s.len() / 4 * 3 + 2);
    let (mut acc, mut bits) = (0u32, 0u32);
    for (i, ch) in s.bytes().enumerate() {
        let v = match ch {
            b'A'..=b'Z' => ch - b'A',
            b'a'..=b'z' => ch - b'a' + 26,
            b'0'..=b'9' => ch - b'0' + 52,
            b'-' | b'+' => 62,
            b'_' | b'/' => 63,
            _ => {
                return Err(format!(
                    "is damaged: character {} ({:?}) cannot be in it",
                    i + 1,
                    ch as char
                ))
            }
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    if bits >= 6 {
        return Err("is cut short".into());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64url_round_trips() {
        for n in 0..40 {
            let bytes: Vec<u8> = (0..n).map(|i| (i * 37 + 11) as u8).collect();
            let s = base64url(&bytes);
            assert!(s
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_'));
            assert_eq!(unbase64url(&s).unwrap(), bytes, "{n} bytes");
        }
        assert_eq!(base64url(b"hello"), "aGVsbG8");
        assert_eq!(unbase64url("aGVsbG8=").unwrap(), b"hello");
        assert!(unbase64url("aGVs!G8").unwrap_err().contains("character 5"));
        assert!(unbase64url("aGVsb").is_err() || unbase64url("a").is_err());
        assert_eq!(unbase64url("a").unwrap_err(), "is cut short");
    }

    #[test]
    fn percent_round_trips() {
        for s in [
            "",
            "a b",
            "runtime.mallocgc",
            "x&y=z,w#%",
            "é ünï",
            "github.com/a/b.(*T).F",
        ] {
            assert_eq!(decode(&encode(s)).unwrap(), s);
            assert!(!encode(s).contains(['&', '=', ',', '#', ' ']));
        }
        assert!(decode("%zz").is_err());
        assert!(decode("%c3").is_err());
    }

    #[test]
    fn links_round_trip() {
        let link = Link {
            view: ViewState {
                sample_type: Some("alloc_space".into()),
                flame: true,
                diff: false,
                subtract: true,
                normalize: true,
                width_by: WidthBy::Max,
                color_by_self: true,
                zoom: vec!["main.main".into(), "a,b&c=d".into()],
                selected: Some("runtime.mallocgc".into()),
                search: "sched|json".into(),
                granularity: Granularity::Addresses,
                filter: "Task".into(),
                sort: "-cum".into(),
                tagfocus: "bytes=1kB:".into(),
            },
            profile: Some(Source::embed("new.pb.gz", b"\x1f\x8b\x08 profile bytes")),
            base: Some(Source::Url(
                "https://example.com/p/base.pb.gz?x=1&y=2".into(),
            )),
        };
        let f = link.fragment();
        let back = Link::parse(&format!("#{f}")).unwrap();
        assert_eq!(back.link, link);
        assert!(back.warnings.is_empty());
        // The default view writes nothing but the version.
        assert_eq!(Link::default().fragment(), "v=1");
        assert_eq!(Link::parse("").unwrap().link, Link::default());
    }

    #[test]
    fn damaged_links_say_what_is_wrong() {
        let err = |f: &str| Link::parse(f).unwrap_err();
        assert!(err("v=2").contains("version"));
        assert!(err("o=sideways").contains("flame or icicle"));
        assert!(err("d=maybe").contains("0 or 1"));
        assert!(err("t=%E2%28").contains("UTF-8"));
        assert!(err("p=abc$def").contains("embedded profile is damaged"));
        assert!(err("profile=javascript:alert(1)").contains("not an http"));
        assert!(err("base=data%3Atext/html,x").contains("not an http"));
        assert!(err("profile=//evil.example/x").contains("not an http"));
        // Padding and escapes in embedded data are read, and written back
        // canonically (found by fuzzing).
        let padded = Link::parse("v=1&p=aGVsbG8%3D").unwrap().link;
        assert_eq!(padded.profile.as_ref().unwrap().bytes().unwrap(), b"hello");
        assert_eq!(Link::parse(&padded.fragment()).unwrap().link, padded);
        let big = format!("p={}", "A".repeat(MAX_FRAGMENT));
        assert!(err(&big).contains("more than"));
        let ok = Link::parse("t=inuse_space&zz=1").unwrap();
        assert_eq!(ok.link.view.sample_type.as_deref(), Some("inuse_space"));
        assert_eq!(ok.warnings.len(), 1);
        // Relative and absolute http(s) URLs are fine.
        for u in [
            "static/demo/a.prof",
            "./a.prof",
            "/x/a.prof",
            "https://h/a?b=c:d",
        ] {
            assert!(check_url(u).is_ok(), "{u}");
        }
    }
}
