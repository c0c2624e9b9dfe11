//! `heaplens web` as a user runs it: the binary started with
//! `--no-browser --port 0` and a site folder of the test's own (`--dist`,
//! so nothing depends on whether dist/ was built), asked over plain HTTP.

// Test helpers: a failure stops the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{mpsc, Arc, Mutex};
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(20);

fn testdata(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/testdata/scheduler")
        .join(name)
}

/// A fresh folder of the test's own under the system's temp folder.
fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("heaplens-web-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A small site: what dist/ holds, in miniature.
fn site(name: &str) -> PathBuf {
    let dir = temp_dir(name);
    let files: [(&str, &[u8]); 5] = [
        ("index.html", b"<!doctype html><title>test site</title>"),
        ("heaplens-app_bg.wasm", b"\0asm\x01\0\0\0"),
        ("heaplens-app.js", b"export default 1;"),
        ("style.css", b"body{}"),
        ("static/worker.js", b"import('../heaplens-app.js');"),
    ];
    for (path, bytes) in files {
        let p = dir.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }
    dir
}

/// A running `heaplens web`, killed when dropped.
struct Web {
    child: Child,
    /// `http://127.0.0.1:PORT` (no trailing slash).
    origin: String,
    /// The startup lines after the first.
    lines: Vec<String>,
}

impl Web {
    fn start(dist: &Path, args: &[&str]) -> Web {
        let mut child = Command::new(env!("CARGO_BIN_EXE_heaplens"))
            .args(["web", "--no-browser", "--port", "0", "--dist"])
            .arg(dist)
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run heaplens web");
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                if tx.send(line.unwrap_or_default()).is_err() {
                    break;
                }
            }
        });
        let first = rx.recv_timeout(WAIT).unwrap_or_else(|_| {
            let _ = child.kill();
            let mut err = String::new();
            child
                .stderr
                .take()
                .unwrap()
                .read_to_string(&mut err)
                .unwrap();
            panic!("heaplens web did not start: {err}")
        });
        let origin = first
            .strip_prefix("heaplens: serving ")
            .and_then(|u| u.strip_suffix('/'))
            .unwrap_or_else(|| panic!("first line {first:?}"))
            .to_string();
        assert!(origin.starts_with("http://127.0.0.1:"), "{origin}");
        let mut lines = Vec::new();
        loop {
            let line = rx.recv_timeout(WAIT).expect("startup lines");
            if line == "Ctrl-C to stop" {
                break;
            }
            lines.push(line);
        }
        Web {
            child,
            origin,
            lines,
        }
    }

    /// The page URL's fragment (after `#`), "" without one.
    fn fragment(&self) -> String {
        let page = self
            .lines
            .iter()
            .find_map(|l| l.trim().strip_prefix("page:"))
            .unwrap_or_else(|| panic!("no page line in {:?}", self.lines))
            .trim();
        assert!(page.starts_with(&format!("{}/", self.origin)), "{page}");
        page.split_once('#').map_or("", |(_, f)| f).to_string()
    }

    fn get(&self, target: &str) -> Reply {
        request(&self.origin, "GET", target, "127.0.0.1")
    }
}

impl Drop for Web {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// One HTTP/1.0 request with `target` written as is (so `..` and absolute
/// URLs reach the server unchanged); the body is read to the end.
fn request(origin: &str, method: &str, target: &str, host: &str) -> Reply {
    let addr = origin.strip_prefix("http://").unwrap();
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(WAIT)).unwrap();
    write!(s, "{method} {target} HTTP/1.0\r\nHost: {host}\r\n\r\n").unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no header end in {:?}", String::from_utf8_lossy(&raw)));
    let head = String::from_utf8(raw[..split].to_vec()).unwrap();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    Reply {
        status,
        headers,
        body: raw[split + 4..].to_vec(),
    }
}

/// Percent-decoding, for the page URL's fragment.
fn decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

#[test]
fn the_site_is_served_with_its_content_types() {
    let dist = site("site");
    let web = Web::start(&dist, &[]);
    assert_eq!(web.fragment(), "");
    for (path, ty, file) in [
        ("/", "text/html; charset=utf-8", "index.html"),
        ("/index.html", "text/html; charset=utf-8", "index.html"),
        (
            "/heaplens-app_bg.wasm",
            "application/wasm",
            "heaplens-app_bg.wasm",
        ),
        (
            "/heaplens-app.js",
            "text/javascript; charset=utf-8",
            "heaplens-app.js",
        ),
        ("/style.css", "text/css; charset=utf-8", "style.css"),
        (
            "/static/worker.js",
            "text/javascript; charset=utf-8",
            "static/worker.js",
        ),
    ] {
        let r = web.get(path);
        assert_eq!(r.status, 200, "{path}");
        assert_eq!(r.header("Content-Type"), Some(ty), "{path}");
        assert_eq!(r.header("Cache-Control"), Some("no-store"), "{path}");
        assert_eq!(r.body, std::fs::read(dist.join(file)).unwrap(), "{path}");
    }
    assert_eq!(web.get("/missing.js").status, 404);
    assert_eq!(web.get("/_heaplens/live").status, 404);
    assert_eq!(web.get("/_heaplens/files/0/x.prof").status, 404);
    // Without a live service nothing is proxied.
    assert_eq!(web.get("/debug/pprof/heap").status, 404);
    // Nothing outside the site folder.
    assert_eq!(web.get("/../web.rs").status, 400);
    assert_eq!(web.get("/static/%2e%2e/%2e%2e/web.rs").status, 400);
    assert_eq!(request(&web.origin, "POST", "/", "127.0.0.1").status, 405);
    // A name rebound to 127.0.0.1 by another site is refused.
    let rebound = request(&web.origin, "GET", "/", "evil.example:80");
    assert_eq!(rebound.status, 421);
    assert_eq!(request(&web.origin, "GET", "/", "localhost").status, 200);
    drop(web);
    let _ = std::fs::remove_dir_all(dist);
}

#[test]
fn preloaded_files_are_served_at_the_paths_in_the_page_url() {
    let dist = site("files");
    let dir = temp_dir("files-in");
    let spaced = dir.join("my heap (2).prof");
    std::fs::copy(testdata("optimized.prof"), &spaced).unwrap();
    let baseline = testdata("baseline.prof");
    let web = Web::start(
        &dist,
        &[baseline.to_str().unwrap(), spaced.to_str().unwrap()],
    );
    let fragment = web.fragment();
    let paths: Vec<String> = fragment
        .split('&')
        .map(|p| decode(p.strip_prefix("profile=").expect(&fragment)))
        .collect();
    assert_eq!(
        paths,
        [
            "/_heaplens/files/0/baseline.prof",
            "/_heaplens/files/1/my%20heap%20%282%29.prof"
        ]
    );
    for (path, file) in paths.iter().zip([&baseline, &spaced]) {
        let r = web.get(path);
        assert_eq!(r.status, 200, "{path}");
        assert_eq!(r.body, std::fs::read(file).unwrap(), "{path}");
    }
    // The index and the name go together.
    assert_eq!(web.get("/_heaplens/files/1/baseline.prof").status, 404);
    assert_eq!(web.get("/_heaplens/files/2/baseline.prof").status, 404);
    drop(web);
    let _ = std::fs::remove_dir_all(dist);
    let _ = std::fs::remove_dir_all(dir);
}

/// A Go service's net/http/pprof in miniature: `/debug/pprof/` and
/// `/debug/pprof/heap` (a real profile's bytes), `/debug/pprof/profile`
/// (the same, of no stated length, once let through); it records every
/// request target it gets.
struct Fake {
    origin: String,
    seen: Arc<Mutex<Vec<String>>>,
    server: Arc<tiny_http::Server>,
    thread: std::thread::JoinHandle<()>,
    /// Lets `/debug/pprof/profile` answer (as a CPU profile does after
    /// `?seconds=N`).
    gate: mpsc::Sender<()>,
}

impl Fake {
    fn start() -> Fake {
        let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").unwrap());
        let port = server.server_addr().to_ip().unwrap().port();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let profile = std::fs::read(testdata("baseline.prof")).unwrap();
        let (s, log) = (Arc::clone(&server), Arc::clone(&seen));
        let (gate, wait) = mpsc::channel::<()>();
        let thread = std::thread::spawn(move || {
            for req in s.incoming_requests() {
                log.lock().unwrap().push(req.url().to_string());
                let path = req.url().split('?').next().unwrap_or("").to_string();
                let header = |n: &str, v: &str| tiny_http::Header::from_bytes(n, v).unwrap();
                let _ = match path.as_str() {
                    "/debug/pprof/" => req.respond(
                        tiny_http::Response::from_string("<html>pprof</html>")
                            .with_header(header("Content-Type", "text/html; charset=utf-8")),
                    ),
                    "/debug/pprof/heap" => req.respond(
                        tiny_http::Response::from_data(profile.clone())
                            .with_header(header("Content-Type", "application/octet-stream"))
                            .with_header(header(
                                "Content-Disposition",
                                "attachment; filename=\"heap\"",
                            )),
                    ),
                    "/debug/pprof/profile" => {
                        wait.recv_timeout(WAIT).unwrap();
                        let body = std::io::Cursor::new(profile.clone());
                        let ty = header("Content-Type", "application/octet-stream");
                        req.respond(tiny_http::Response::new(
                            tiny_http::StatusCode(200),
                            vec![ty],
                            body,
                            None,
                            None,
                        ))
                    }
                    _ => req.respond(
                        tiny_http::Response::from_string("404 page not found")
                            .with_status_code(404),
                    ),
                };
            }
        });
        Fake {
            origin: format!("http://127.0.0.1:{port}"),
            seen,
            server,
            thread,
            gate,
        }
    }

    /// Stops it: its port is closed once this returns.
    fn stop(self) {
        self.server.unblock();
        self.thread.join().unwrap();
        drop(self.server);
    }

    fn seen(&self) -> Vec<String> {
        self.seen.lock().unwrap().clone()
    }
}

#[test]
fn a_live_service_is_proxied_under_debug_pprof_only() {
    let dist = site("live");
    let fake = Fake::start();
    let baseline = testdata("baseline.prof");
    let url = format!("{}/debug/pprof/heap", fake.origin);
    let web = Web::start(&dist, &[&url, baseline.to_str().unwrap()]);
    // The startup check.
    assert_eq!(fake.seen(), ["/debug/pprof/"]);
    assert_eq!(
        web.fragment(),
        "profile=/_heaplens/files/0/baseline.prof&live=1"
    );

    let live = web.get("/_heaplens/live");
    assert_eq!(live.status, 200);
    assert_eq!(live.header("Content-Type"), Some("application/json"));
    let json = String::from_utf8(live.body).unwrap();
    assert_eq!(json.trim(), format!("{{\"target\":\"{}\"}}", fake.origin));

    let heap = web.get("/debug/pprof/heap?gc=1");
    assert_eq!(heap.status, 200);
    assert_eq!(heap.body, std::fs::read(&baseline).unwrap());
    assert_eq!(
        heap.header("Content-Type"),
        Some("application/octet-stream")
    );
    assert_eq!(
        heap.header("Content-Disposition"),
        Some("attachment; filename=\"heap\"")
    );
    assert_eq!(
        fake.seen().last().map(String::as_str),
        Some("/debug/pprof/heap?gc=1")
    );
    // A slow profile holds one request, not the server; its body, of no
    // stated length, streams through.
    let slow = {
        let origin = web.origin.clone();
        std::thread::spawn(move || {
            request(
                &origin,
                "GET",
                "/debug/pprof/profile?seconds=30",
                "127.0.0.1",
            )
        })
    };
    let asked = "/debug/pprof/profile?seconds=30".to_string();
    let start = std::time::Instant::now();
    while !fake.seen().contains(&asked) {
        assert!(start.elapsed() < WAIT, "the profile was not asked for");
        std::thread::sleep(Duration::from_millis(5));
    }
    assert_eq!(web.get("/").status, 200);
    assert_eq!(web.get("/_heaplens/live").status, 200);
    fake.gate.send(()).unwrap();
    let profile = slow.join().unwrap();
    assert_eq!(profile.status, 200);
    assert_eq!(profile.body, std::fs::read(&baseline).unwrap());

    // The service's own statuses pass through.
    assert_eq!(web.get("/debug/pprof/missing").status, 404);
    let before = fake.seen().len();

    // Not proxied: climbing out of /debug/pprof/, other paths, absolute
    // request targets (an open proxy), other methods.
    assert_eq!(web.get("/debug/pprof/../etc").status, 400);
    assert_eq!(web.get("/debug/pprof/%2e%2e/etc").status, 400);
    assert_eq!(web.get("/other").status, 404);
    assert_eq!(web.get("/debug/pprof").status, 404);
    let absolute = format!("{}/debug/pprof/heap", fake.origin);
    assert_eq!(web.get(&absolute).status, 400);
    let post = request(&web.origin, "POST", "/debug/pprof/heap", "127.0.0.1");
    assert_eq!(post.status, 405);
    assert_eq!(fake.seen().len(), before, "{:?}", fake.seen());

    // A service gone away: 502 with one line.
    fake.stop();
    let gone = web.get("/debug/pprof/heap");
    assert_eq!(gone.status, 502);
    let text = String::from_utf8(gone.body).unwrap();
    assert_eq!(text.lines().count(), 1, "{text}");
    // Refused, or reset by the stopping server.
    assert!(
        text.starts_with("heaplens web: cannot fetch http://127.0.0.1:"),
        "{text}"
    );
    drop(web);
    let _ = std::fs::remove_dir_all(dist);
}

/// Runs `heaplens web ARGS` expecting it to fail at startup: (code, stderr).
fn fails(args: &[&str]) -> (Option<i32>, String) {
    let dist = site("fails");
    let o = Command::new(env!("CARGO_BIN_EXE_heaplens"))
        .args(["web", "--no-browser", "--port", "0", "--dist"])
        .arg(&dist)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run heaplens web");
    assert!(
        o.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    (o.status.code(), String::from_utf8(o.stderr).unwrap())
}

#[test]
fn startup_problems_are_one_line_and_exit_2() {
    // A closed port: bound, then let go.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let closed = format!("http://127.0.0.1:{port}");
    let (code, err) = fails(&[&closed]);
    assert_eq!(code, Some(2));
    assert_eq!(
        err,
        format!("heaplens: web: {closed} is not reachable: connection refused\n")
    );

    let (code, err) = fails(&["no-such-file.prof"]);
    assert_eq!(code, Some(2));
    assert_eq!(
        err,
        "heaplens: web: cannot read no-such-file.prof: no such file\n"
    );

    for args in [
        &["http://127.0.0.1:1", "http://127.0.0.1:2"][..],
        &["https://127.0.0.1:1"],
        &["--port", "http"],
        &["--dist", "/no/such/site"],
    ] {
        let (code, err) = fails(args);
        assert_eq!(code, Some(2), "{args:?}");
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(err.starts_with("heaplens: web: "), "{args:?}: {err}");
    }
    let _ = std::fs::remove_dir_all(site("fails"));
}

#[test]
fn the_help_says_what_is_listened_on_and_proxied() {
    let o = Command::new(env!("CARGO_BIN_EXE_heaplens"))
        .args(["web", "--help"])
        .output()
        .expect("run heaplens web --help");
    assert!(o.status.success());
    let help = String::from_utf8(o.stdout).unwrap();
    for s in [
        "heaplens web",
        "127.0.0.1 only",
        "/debug/pprof/",
        "--dist DIR",
        "--no-browser",
    ] {
        assert!(help.contains(s), "{s} in help");
    }
}
