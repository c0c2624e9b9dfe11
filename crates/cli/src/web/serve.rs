//! `heaplens web`'s routes: the profiles given on the command line
//! (`/_heaplens/files/<i>/<name>`), the live service's target
//! (`/_heaplens/live`) and its `/debug/pprof/…` pages (proxied), and the
//! site's files for everything else. GET only.

use std::io::{Cursor, Read};
use std::sync::Arc;

use tiny_http::{Header, Request, Response, StatusCode};

use super::live::{self, Target};
use super::site::Site;
use super::url;

/// A profile given on the command line, read at startup.
pub struct Preloaded {
    /// The file's name (no folders): the last segment of its path.
    pub name: String,
    pub bytes: Arc<Vec<u8>>,
}

impl Preloaded {
    /// Where profile `index` is served.
    pub fn path(&self, index: usize) -> String {
        format!(
            "/_heaplens/files/{index}/{}",
            url::encode_segment(&self.name)
        )
    }
}

/// What the server serves.
pub struct State {
    pub site: Site,
    pub files: Vec<Preloaded>,
    pub live: Option<Target>,
    /// Only loopback names in the Host header (the server listens on a
    /// loopback address): a web page whose name was rebound to 127.0.0.1
    /// cannot read it.
    pub loopback_only: bool,
    pub agent: ureq::Agent,
}

impl State {
    pub fn new(site: Site, files: Vec<Preloaded>, live: Option<Target>, loopback: bool) -> State {
        State {
            site,
            files,
            live,
            loopback_only: loopback,
            agent: live::agent(None),
        }
    }
}

/// A response with its body boxed: the site's bytes or a streamed body.
type Reply = Response<Box<dyn Read + Send>>;

/// Answers one request (errors writing the answer are the client's
/// going away, and ignored).
pub fn handle(req: Request, state: &State) {
    let reply = route(&req, state);
    let _ = req.respond(reply);
}

fn route(req: &Request, state: &State) -> Reply {
    if *req.method() != tiny_http::Method::Get {
        let r = text(405, "only GET is served here");
        return with(r, "Allow", "GET");
    }
    if state.loopback_only && !host_is_loopback(req) {
        return text(421, "this server answers only to 127.0.0.1 and localhost");
    }
    let target = req.url();
    // Only origin-form targets (`/path?query`): an absolute URL is a
    // request to proxy somewhere, which this server never does.
    if !target.starts_with('/') {
        return text(400, "only paths are served here");
    }
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let Some(segments) = url::segments(path) else {
        return text(400, "bad path");
    };
    let seg: Vec<&str> = segments.iter().map(String::as_str).collect();
    match seg.as_slice() {
        ["debug", "pprof", ..] if path.starts_with("/debug/pprof/") => proxy(state, path, query),
        ["_heaplens", "live"] => match &state.live {
            Some(t) => {
                let json = format!("{{\"target\":{}}}\n", url::json_string(&t.origin));
                bytes(200, json, "application/json")
            }
            None => text(404, "no live service was given to heaplens web"),
        },
        ["_heaplens", "files", index, name] => {
            let file = index
                .parse::<usize>()
                .ok()
                .and_then(|i| state.files.get(i))
                .filter(|f| f.name == *name);
            match file {
                Some(f) => bytes(200, Shared(f.bytes.clone()), "application/octet-stream"),
                None => text(404, "no such profile"),
            }
        }
        ["_heaplens", ..] => text(404, "not found"),
        _ => match state.site.get(&segments) {
            Some((body, ty)) => bytes(200, body, ty),
            None => text(404, "not found"),
        },
    }
}

/// `GET /debug/pprof/…?…` at the live service, passed back as it answers.
fn proxy(state: &State, path: &str, query: &str) -> Reply {
    let Some(target) = &state.live else {
        return text(
            404,
            "no live service was given to heaplens web (heaplens web http://HOST:PORT)",
        );
    };
    let path_and_query = if query.is_empty() {
        path.to_string()
    } else {
        format!("{path}?{query}")
    };
    let up = match target.fetch(&state.agent, &path_and_query) {
        Ok(up) => up,
        Err(e) => return text(502, &format!("heaplens web: cannot fetch {e}")),
    };
    let mut headers = common_headers();
    for (name, value) in [
        ("Content-Type", &up.content_type),
        ("Content-Disposition", &up.content_disposition),
    ] {
        if let Some(h) = value.as_deref().and_then(|v| header(name, v)) {
            headers.push(h);
        }
    }
    let length = up.length.and_then(|n| usize::try_from(n).ok());
    Response::new(StatusCode(up.status), headers, up.body, length, None)
}

/// Whether the request's Host names this machine's loopback (or is absent,
/// as in HTTP/1.0).
fn host_is_loopback(req: &Request) -> bool {
    let Some(host) = req
        .headers()
        .iter()
        .find(|h| h.field.equiv("Host"))
        .map(|h| h.value.as_str().to_ascii_lowercase())
    else {
        return true;
    };
    let name = match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => host.split(':').next().unwrap_or_default(),
    };
    name == "localhost"
        || name.ends_with(".localhost")
        || name == "::1"
        || name
            .parse::<std::net::Ipv4Addr>()
            .is_ok_and(|ip| ip.is_loopback())
}

fn header(name: &str, value: &str) -> Option<Header> {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).ok()
}

/// The headers every answer has (those of the end-to-end tests' server,
/// tests/e2e/server.mjs: nothing is cached, so a rebuilt site shows).
fn common_headers() -> Vec<Header> {
    [
        ("Cache-Control", "no-store"),
        ("X-Content-Type-Options", "nosniff"),
    ]
    .iter()
    .filter_map(|(n, v)| header(n, v))
    .collect()
}

fn with(mut r: Reply, name: &str, value: &str) -> Reply {
    if let Some(h) = header(name, value) {
        r.add_header(h);
    }
    r
}

/// A profile's bytes, shared by the answers that send them.
struct Shared(Arc<Vec<u8>>);

impl AsRef<[u8]> for Shared {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

fn bytes<B>(status: u16, body: B, content_type: &str) -> Reply
where
    B: AsRef<[u8]> + Send + 'static,
{
    let mut headers = common_headers();
    headers.extend(header("Content-Type", content_type));
    let len = body.as_ref().len();
    let body: Box<dyn Read + Send> = Box::new(Cursor::new(body));
    Response::new(StatusCode(status), headers, body, Some(len), None)
}

/// A one-line plain-text answer.
fn text(status: u16, line: &str) -> Reply {
    bytes(status, format!("{line}\n"), "text/plain; charset=utf-8")
}
