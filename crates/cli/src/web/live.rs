//! The live Go service `heaplens web http://host:port` reads: its
//! net/http/pprof pages (`/debug/pprof/…`), fetched for the page through
//! `heaplens web`'s own origin (a browser may not read another origin's
//! responses without CORS headers, which net/http/pprof does not send).
//! Only that one service, only paths under `/debug/pprof/`: no open proxy.
//! Plain http only (ureq is built without TLS).

use std::io::Read;
use std::time::Duration;

use ureq::Agent;

/// A live service: `scheme://host[:port]`, as given, without a path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    pub origin: String,
}

/// Whether a command-line argument names a live service rather than a file.
pub fn is_url(arg: &str) -> bool {
    let lower = arg.to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

impl Target {
    /// The target of `http://host:port[/any/path]`.
    pub fn parse(arg: &str) -> Result<Target, String> {
        let (scheme, rest) = arg
            .split_once("://")
            .ok_or_else(|| format!("{arg} is not an http:// address"))?;
        let scheme = scheme.to_ascii_lowercase();
        if scheme == "https" {
            return Err(format!(
                "{arg}: https is not supported (this heaplens speaks plain http to a service; use http://, e.g. through an SSH tunnel)"
            ));
        }
        let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
        let ok = |c: char| c.is_ascii_alphanumeric() || ".-_:[]".contains(c);
        if authority.is_empty() || !authority.chars().all(ok) {
            return Err(format!(
                "{arg}: give the service as http://HOST:PORT (e.g. http://localhost:6060)"
            ));
        }
        Ok(Target {
            origin: format!("{scheme}://{authority}"),
        })
    }

    /// Checks that the service answers `GET /debug/pprof/` with 200.
    pub fn check(&self) -> Result<(), String> {
        let agent = agent(Some(Duration::from_secs(10)));
        let url = format!("{}/debug/pprof/", self.origin);
        match agent.get(&url).call() {
            Ok(r) if r.status().as_u16() == 200 => Ok(()),
            Ok(r) => Err(format!(
                "{} does not serve /debug/pprof/ (HTTP {}); is net/http/pprof imported and its server listening there?",
                self.origin,
                r.status().as_u16()
            )),
            Err(e) => Err(format!("{} is not reachable: {}", self.origin, reason(&e))),
        }
    }

    /// `GET` of `path_and_query` (already checked to be under
    /// `/debug/pprof/`) at the service: its response, the body streamed.
    pub fn fetch(&self, agent: &Agent, path_and_query: &str) -> Result<Upstream, String> {
        let url = format!("{}{path_and_query}", self.origin);
        let resp = agent
            .get(&url)
            .call()
            .map_err(|e| format!("{}: {}", self.origin, reason(&e)))?;
        let header = |name: &str| {
            resp.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let content_type = header("content-type");
        let content_disposition = header("content-disposition");
        let status = resp.status().as_u16();
        let length = resp.body().content_length();
        let body: Box<dyn Read + Send> = Box::new(resp.into_body().into_reader());
        Ok(Upstream {
            status,
            content_type,
            content_disposition,
            length,
            body,
        })
    }
}

/// A response of the live service, its body not yet read.
pub struct Upstream {
    pub status: u16,
    pub content_type: Option<String>,
    pub content_disposition: Option<String>,
    pub length: Option<u64>,
    pub body: Box<dyn Read + Send>,
}

/// The client: no proxy from the environment (the service is usually on
/// this machine), redirects and error statuses handed back as they are,
/// a new connection each time (a restarted service goes on working), a
/// long wait for the answer (`?seconds=30` takes 30 s) unless `global`.
pub fn agent(global: Option<Duration>) -> Agent {
    let wait = global.or(Some(Duration::from_secs(15 * 60)));
    Agent::config_builder()
        .proxy(None)
        .http_status_as_error(false)
        .max_redirects(0)
        .max_idle_connections(0)
        .user_agent(concat!("heaplens/", env!("CARGO_PKG_VERSION")))
        .timeout_global(global)
        .timeout_connect(Some(Duration::from_secs(10)))
        .timeout_recv_response(wait)
        .build()
        .new_agent()
}

/// A client error as a short reason ("connection refused").
fn reason(e: &ureq::Error) -> String {
    match e {
        ureq::Error::Io(io) => match io.kind() {
            std::io::ErrorKind::ConnectionRefused => "connection refused".into(),
            std::io::ErrorKind::ConnectionReset => "connection reset".into(),
            std::io::ErrorKind::TimedOut => "timed out".into(),
            _ => io.to_string(),
        },
        ureq::Error::HostNotFound => "host not found".into(),
        ureq::Error::Timeout(_) => "timed out".into(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_are_the_origin() {
        let t = |s: &str| Target::parse(s).map(|t| t.origin);
        assert_eq!(
            t("http://localhost:6060"),
            Ok("http://localhost:6060".into())
        );
        assert_eq!(
            t("HTTP://127.0.0.1:6060/debug/pprof/heap?gc=1"),
            Ok("http://127.0.0.1:6060".into())
        );
        assert_eq!(t("http://[::1]:6060/"), Ok("http://[::1]:6060".into()));
        assert!(t("https://example.com").is_err_and(|e| e.contains("https is not supported")));
        assert!(t("http://user@host:1").is_err());
        assert!(t("http:///x").is_err());
        assert!(is_url("http://x") && is_url("HTTPS://x") && !is_url("heap.prof"));
    }
}
