//! Share links: the whole view, and the profiles or where to fetch them,
//! in the URL fragment (`#…`), which browsers never send to a server.
//!
//! The fragment is `key=value` pairs joined by `&`, values percent-encoded
//! ([`escape`]): `v=1` (the format's version), the view ([`codec`] lists its
//! keys: exactly the fields of [`ViewParams`]), then the profiles:
//!
//! | key | meaning |
//! |---|---|
//! | `profile`, `base` | http(s) URLs to fetch the profiles from |
//! | `p`, `b` | the profiles themselves: `.pb.gz` bytes, base64url |
//! | `lp`, `lb` | local files this browser keeps (its recently opened), by id |
//! | `pn`, `bn` | their file names |
//!
//! [`trim`] makes links that are too long fit. Nothing read from a fragment
//! is ever treated as markup or code: every value is plain text, URLs must
//! be http(s), embedded data has a size cap.

pub mod codec;
pub mod escape;
pub mod gclink;
pub mod trim;

pub use escape::{base64url, decode, encode, size, unbase64url};

use crate::params::ViewParams;
use escape::truncate;

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
    /// A local file the browser keeps (recently opened): its id in the
    /// browser's storage and its name. Only that browser can open it.
    Local { id: String, name: String },
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
            Source::Url(_) | Source::Local { .. } => Err("not embedded".into()),
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
            Source::Embedded { name, .. } | Source::Local { name, .. } => name.clone(),
        }
    }
}

/// A parsed fragment.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Link {
    pub view: ViewParams,
    pub profile: Option<Source>,
    pub base: Option<Source>,
    /// A timeline of snapshots, in the order given: the addresses of two
    /// or more profiles (`profile=` given more than once), or profiles
    /// embedded in the link (`pn=` and `p=` given more than once).
    pub snapshots: Vec<Source>,
    /// `live=1`: the page is served by `heaplens web` for a live service,
    /// whose `/debug/pprof/` it can record snapshots of.
    pub live: bool,
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
        let mut parts: Vec<String> = vec!["v=1".into()];
        codec::write(&self.view, &mut parts);
        let mut put = |k: &str, val: &str| parts.push(format!("{k}={}", encode(val)));
        for (src, url_key, data_key, name_key, local_key) in [
            (&self.base, "base", "b", "bn", "lb"),
            (&self.profile, "profile", "p", "pn", "lp"),
        ] {
            match src {
                Some(Source::Url(u)) => put(url_key, u),
                Some(Source::Embedded { name, data }) => {
                    put(name_key, name);
                    // base64url is unchanged by the escaping.
                    put(data_key, data);
                }
                Some(Source::Local { id, name }) => {
                    put(name_key, name);
                    put(local_key, id);
                }
                None => {}
            }
        }
        for src in &self.snapshots {
            match src {
                Source::Url(u) => put("profile", u),
                Source::Embedded { name, data } => {
                    put("pn", name);
                    put("p", data);
                }
                // A local file is not put in a timeline's link.
                Source::Local { .. } => {}
            }
        }
        if self.live {
            parts.push("live=1".into());
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
        let (mut pn, mut bn) = (Vec::new(), None);
        let (mut p, mut b) = (Vec::new(), None);
        let (mut lp, mut lb) = (None, None);
        let mut profiles: Vec<String> = Vec::new();
        for part in f.split('&').filter(|p| !p.is_empty()) {
            let (key, raw) = part.split_once('=').unwrap_or((part, ""));
            let text = || decode(raw).map_err(|e| format!("its {key:?} part {e}"));
            match key {
                "v" => {
                    let ver = text()?;
                    if ver != "1" {
                        return Err(format!(
                            "it is of version {ver:?}, which this heaplens cannot read (it reads version 1)"
                        ));
                    }
                }
                "profile" | "base" => {
                    let u = text()?;
                    check_url(&u).map_err(|e| format!("its {key:?} URL {e}"))?;
                    if key == "profile" {
                        profiles.push(u);
                    } else {
                        link.base = Some(Source::Url(u));
                    }
                }
                "p" | "b" => {
                    // Read now, so a damaged link says so before anything
                    // loads, and kept in its canonical spelling.
                    let bytes = unbase64url(&text()?)
                        .map_err(|e| format!("the embedded {} {e}", which(key)))?;
                    let data = base64url(&bytes);
                    if key == "p" {
                        p.push(data);
                    } else {
                        b = Some(data);
                    }
                }
                "live" => link.live = text()? == "1",
                "lp" => lp = Some(text()?),
                "lb" => lb = Some(text()?),
                "pn" => pn.push(text()?),
                "bn" => bn = Some(text()?),
                _ => match codec::read(&mut link.view, key, raw) {
                    Some(read) => read?,
                    None => {
                        warnings.push(format!("ignored the unknown part {:?}", truncate(key, 40)))
                    }
                },
            }
        }
        if profiles.len() > 1 {
            link.snapshots = profiles.into_iter().map(Source::Url).collect();
        } else {
            link.profile = profiles.pop().map(Source::Url);
        }
        // Several embedded profiles: a timeline's snapshots, named in order.
        if p.len() > 1 {
            let mut names = pn.into_iter();
            link.snapshots = p
                .into_iter()
                .enumerate()
                .map(|(i, data)| Source::Embedded {
                    name: names
                        .next()
                        .unwrap_or_else(|| format!("snapshot {}", i + 1)),
                    data,
                })
                .collect();
            p = Vec::new();
            pn = Vec::new();
        }
        let (p, pn) = (p.pop(), pn.pop());
        // Embedded bytes win over an address; a local file is a fallback.
        for (slot, found) in [
            (&mut link.profile, sourced(p, lp, pn, "shared profile")),
            (&mut link.base, sourced(b, lb, bn, "shared base")),
        ] {
            if let Some(src) = found {
                if slot.is_none() || matches!(src, Source::Embedded { .. }) {
                    *slot = Some(src);
                }
            }
        }
        Ok(Parsed { link, warnings })
    }
}

/// An embedded source (`data`), else a local one (`local`), named `name`.
fn sourced(
    data: Option<String>,
    local: Option<String>,
    name: Option<String>,
    unnamed: &str,
) -> Option<Source> {
    let name = name.unwrap_or_else(|| unnamed.to_string());
    match (data, local) {
        (Some(data), _) => Some(Source::Embedded { name, data }),
        (None, Some(id)) => Some(Source::Local { id, name }),
        (None, None) => None,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::{ColorBy, DiffParams, Orientation, TableParams, WidthBy};
    use crate::table::Column;
    use heaplens_analysis::Granularity;
    use heaplens_profile::diff::DiffMode;

    #[test]
    fn local_files_are_named_by_id_and_name() {
        let link = Link {
            view: ViewParams::default(),
            profile: Some(Source::Local {
                id: "9f-123-456".into(),
                name: "mem after.prof".into(),
            }),
            base: Some(Source::Local {
                id: "1a-7-8".into(),
                name: "mem.prof".into(),
            }),
            ..Link::default()
        };
        let frag = link.fragment();
        assert!(
            frag.contains("lp=9f-123-456") && frag.contains("lb=1a-7-8"),
            "{frag}"
        );
        assert_eq!(Link::parse(&frag).map(|p| p.link), Ok(link));
        // A name without its id or bytes opens nothing.
        assert_eq!(
            Link::parse("v=1&pn=x.prof").map(|p| p.link.profile),
            Ok(None)
        );
    }

    #[test]
    fn links_round_trip() {
        let link = Link {
            view: ViewParams {
                sample_type: Some("alloc_space".into()),
                orientation: Orientation::Flame,
                diff: DiffParams {
                    show: false,
                    mode: DiffMode::Base,
                    normalize: true,
                    width_by: WidthBy::Max,
                    color_by: ColorBy::SelfValue,
                },
                zoom: vec!["main.main".into(), "a,b&c=d".into()],
                selected: Some("runtime.mallocgc".into()),
                search: "sched|json".into(),
                granularity: Granularity::Addresses,
                table: TableParams {
                    sort: Column::Cum,
                    descending: false,
                    filter: "Task".into(),
                },
                tagfocus: "bytes=1kB:".into(),
                refine: crate::params::RefineParams {
                    focus: "main\\.(a|b)".into(),
                    prune_from: "json&x=1".into(),
                    tagroot: "bytes,pod".into(),
                    noinlines: true,
                    drop_negative: true,
                    ..Default::default()
                },
                graph: heaplens_analysis::GraphView::Callees("main.(*T).Run".into()),
                recursion: heaplens_analysis::Recursion::Direct,
                sandwich_zoom: vec!["main.(*T).Run".into(), "b;c".into()],
                call_graph: Some(40),
                timeline: crate::params::TimelineParams {
                    cum: true,
                    given_order: true,
                },
            },
            profile: Some(Source::embed("new.pb.gz", b"\x1f\x8b\x08 profile bytes")),
            base: Some(Source::Url(
                "https://example.com/p/base.pb.gz?x=1&y=2".into(),
            )),
            ..Link::default()
        };
        let f = link.fragment();
        let back = Link::parse(&format!("#{f}")).unwrap();
        assert_eq!(back.link, link);
        assert!(back.warnings.is_empty());
        // Several profiles: a timeline, in the order given; live.
        let t = Link::parse("#profile=/a.pb.gz&profile=https://x.example/b?gc=1&live=1").unwrap();
        assert_eq!(
            t.link.snapshots,
            [
                Source::Url("/a.pb.gz".into()),
                Source::Url("https://x.example/b?gc=1".into())
            ]
        );
        assert!(t.link.live && t.link.profile.is_none());
        assert_eq!(Link::parse(&t.link.fragment()).unwrap().link, t.link);
        // Embedded snapshots: names and bytes in order.
        let e = Link {
            snapshots: vec![
                Source::embed("a 1.pb.gz", b"first"),
                Source::embed("b.pb.gz", b"second"),
                Source::embed("c.pb.gz", b"third"),
            ],
            ..Link::default()
        };
        let back = Link::parse(&e.fragment()).unwrap().link;
        assert_eq!(back, e);
        assert_eq!(back.snapshots[1].bytes().unwrap(), b"second");
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
