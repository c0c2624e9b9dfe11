//! `heaplens web [--port N] [--host ADDR] [--no-browser] [--dist DIR]
//! [FILE|URL]…`: the web app served on this machine and opened in the
//! browser, as `go tool pprof -http=:8080 FILE_OR_URL` does.
//!
//! The URL contract with the page:
//! - `GET /` and the site's files (the page, its wasm, js, css, worker);
//! - `GET /_heaplens/files/<i>/<name>`: the i-th FILE (0-based) as given,
//!   `<name>` its file name percent-encoded;
//! - `GET /_heaplens/live`: `{"target":"http://host:port"}` when a live
//!   service was given (404 otherwise);
//! - `GET /debug/pprof/<anything>?<query>`: that service's page, proxied;
//! - the page opened: `/#profile=<path>&profile=<path>…` (one per FILE, in
//!   order, each path percent-encoded) and `live=1` with a live service.

use std::io::Write;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

mod live;
mod serve;
mod site;
mod url;

use live::Target;
use serve::{Preloaded, State};
use site::Site;

/// Threads answering requests: a slow proxied profile (`?seconds=30`)
/// holds one while the others serve the page.
const WORKERS: usize = 16;
/// pprof's usual port; a free one when it is taken (and no --port given).
const DEFAULT_PORT: u16 = 8080;

struct Options {
    port: Option<u16>,
    host: String,
    browser: bool,
    dist: Option<PathBuf>,
    files: Vec<String>,
    live: Option<String>,
}

/// Runs `heaplens web` with the arguments after `web`; errors are one
/// line on stderr and exit code 2.
pub fn main(argv: &[String]) -> ExitCode {
    let result = match parse(argv) {
        Ok(Some(o)) => run(&o),
        Ok(None) => help(),
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("heaplens: web: {e}");
            ExitCode::from(2)
        }
    }
}

fn help() -> Result<(), String> {
    crate::usage::write_help(&mut std::io::stdout().lock())
}

/// The options; None for --help.
fn parse(argv: &[String]) -> Result<Option<Options>, String> {
    let mut o = Options {
        port: None,
        host: "127.0.0.1".into(),
        browser: true,
        dist: None,
        files: Vec::new(),
        live: None,
    };
    let mut it = argv.iter();
    while let Some(arg) = it.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with('-') => (f, Some(v.to_string())),
            _ => (arg.as_str(), None),
        };
        let mut value = || {
            inline
                .clone()
                .or_else(|| it.next().cloned())
                .ok_or_else(|| format!("{flag} needs a value"))
        };
        match flag {
            "--port" => {
                let v = value()?;
                let port = v.parse().map_err(|_| {
                    format!("--port must be a port number (0: any free one), not {v:?}")
                })?;
                o.port = Some(port);
            }
            "--host" => o.host = value()?,
            "--no-browser" => o.browser = false,
            "--dist" => o.dist = Some(PathBuf::from(value()?)),
            "-h" | "--help" => return Ok(None),
            f if f.starts_with('-') && f.len() > 1 => {
                return Err(format!("unknown option {f} (see heaplens --help)"))
            }
            _ if live::is_url(arg) => {
                if o.live.is_some() {
                    return Err("give at most one live service (http://HOST:PORT)".into());
                }
                o.live = Some(arg.clone());
            }
            _ => o.files.push(arg.clone()),
        }
    }
    Ok(Some(o))
}

fn run(o: &Options) -> Result<(), String> {
    let site = Site::locate(o.dist.as_deref())?;
    let files = o
        .files
        .iter()
        .map(|f| read(f))
        .collect::<Result<Vec<_>, _>>()?;
    let live = o.live.as_deref().map(Target::parse).transpose()?;
    if let Some(t) = &live {
        t.check()?;
    }
    let (server, addr) = listen(&o.host, o.port)?;
    let base = format!("http://{}/", browse_host(addr));
    let state = State::new(site, files, live, addr.ip().is_loopback());
    let page = page_url(&base, &state);
    announce(&base, &page, &o.files, &state);
    if o.browser {
        open_browser(&page);
    }
    serve(server, state)
}

/// A FILE argument, read whole.
fn read(path: &str) -> Result<Preloaded, String> {
    let bytes = std::fs::read(path)
        .map_err(|e| format!("cannot read {path}: {}", crate::inputs::io_reason(&e)))?;
    let name = Path::new(path)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "profile".into());
    Ok(Preloaded {
        name,
        bytes: Arc::new(bytes),
    })
}

/// The listening server on `host`: on `port`, or on 8080 else any free
/// port when none was given.
fn listen(host: &str, port: Option<u16>) -> Result<(tiny_http::Server, SocketAddr), String> {
    let host = if host.contains(':') && !host.starts_with('[') {
        format!("[{host}]")
    } else {
        host.to_string()
    };
    let bind = |p: u16| tiny_http::Server::http(format!("{host}:{p}"));
    let server = match port {
        Some(p) => bind(p).map_err(|e| format!("cannot listen on {host}:{p}: {e}"))?,
        None => bind(DEFAULT_PORT)
            .or_else(|_| bind(0))
            .map_err(|e| format!("cannot listen on {host}: {e}"))?,
    };
    let addr = server
        .server_addr()
        .to_ip()
        .ok_or_else(|| format!("cannot listen on {host}: no IP address"))?;
    Ok((server, addr))
}

/// The host part of the page's URL: the address listened on (this
/// machine's loopback for an unspecified one, 0.0.0.0 or ::).
fn browse_host(addr: SocketAddr) -> String {
    let ip = match addr.ip() {
        IpAddr::V4(v4) if v4.is_unspecified() => IpAddr::from([127, 0, 0, 1]),
        IpAddr::V6(v6) if v6.is_unspecified() => IpAddr::V6(std::net::Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    SocketAddr::new(ip, addr.port()).to_string()
}

/// The page with the profiles and the live service in its fragment.
fn page_url(base: &str, state: &State) -> String {
    let mut parts: Vec<String> = state
        .files
        .iter()
        .enumerate()
        .map(|(i, f)| format!("profile={}", heaplens_view::share::encode(&f.path(i))))
        .collect();
    if state.live.is_some() {
        parts.push("live=1".into());
    }
    if parts.is_empty() {
        base.to_string()
    } else {
        format!("{base}#{}", parts.join("&"))
    }
}

/// The startup lines on stdout, the first `heaplens: serving URL`.
fn announce(base: &str, page: &str, args: &[String], state: &State) {
    let mut text = format!("heaplens: serving {base}\n");
    text.push_str(&format!("  site:    {}\n", state.site.describe()));
    for (i, (f, arg)) in state.files.iter().zip(args).enumerate() {
        text.push_str(&format!(
            "  profile: {arg} ({} bytes) at {}\n",
            f.bytes.len(),
            f.path(i)
        ));
    }
    if let Some(t) = &state.live {
        text.push_str(&format!(
            "  live:    {} (its /debug/pprof/ pages, fetched through this server)\n",
            t.origin
        ));
    }
    text.push_str(&format!("  page:    {page}\nCtrl-C to stop\n"));
    let mut out = std::io::stdout().lock();
    // A closed stdout does not stop the server.
    let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
}

/// Opens `url` in the default browser; a failure is a warning.
fn open_browser(url: &str) {
    let (program, args): (&str, Vec<String>) = if cfg!(target_os = "macos") {
        ("open", vec![url.into()])
    } else if cfg!(windows) {
        // cmd reads `&` as a command separator.
        let escaped = url.replace('&', "^&");
        (
            "cmd",
            vec!["/c".into(), "start".into(), String::new(), escaped],
        )
    } else {
        ("xdg-open", vec![url.into()])
    };
    let spawned = std::process::Command::new(program)
        .args(&args)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    let warn = |why: String| {
        eprintln!("heaplens: web: warning: cannot open a browser ({why}); open the page above")
    };
    match spawned {
        Ok(mut child) => {
            std::thread::spawn(move || match child.wait() {
                Ok(status) if !status.success() => warn(format!("{program}: {status}")),
                Err(e) => warn(format!("{program}: {e}")),
                Ok(_) => {}
            });
        }
        Err(e) => warn(format!("{program}: {}", crate::inputs::io_reason(&e))),
    }
}

/// Answers requests on [`WORKERS`] threads until the process is stopped.
fn serve(server: tiny_http::Server, state: State) -> Result<(), String> {
    let server = Arc::new(server);
    let state = Arc::new(state);
    let mut workers = Vec::with_capacity(WORKERS);
    for i in 0..WORKERS {
        let (server, state) = (Arc::clone(&server), Arc::clone(&state));
        let worker = std::thread::Builder::new()
            .name(format!("heaplens-web-{i}"))
            .spawn(move || loop {
                match server.recv() {
                    Ok(req) => serve::handle(req, &state),
                    // An accept error (e.g. out of file descriptors): wait a bit.
                    Err(_) => std::thread::sleep(Duration::from_millis(50)),
                }
            })
            .map_err(|e| format!("cannot start a thread: {e}"))?;
        workers.push(worker);
    }
    for w in workers {
        let _ = w.join();
    }
    Ok(())
}
