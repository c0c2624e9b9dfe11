//! The web app's files `heaplens web` serves: a folder given at run time
//! (`--dist DIR`, then `$HEAPLENS_DIST`), else the site built into the
//! binary (build.rs embeds dist/ when it exists at compile time), else
//! `dist/` beside the executable.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/site.rs"));
}

/// Where the site's files come from.
pub enum Site {
    /// Built into the binary: (path relative to dist/, bytes).
    Embedded(&'static [(&'static str, &'static [u8])]),
    /// A folder read on each request (a rebuilt site shows on reload).
    Dir(PathBuf),
}

/// The error when no site is found.
pub const NO_SITE: &str =
    "no site built; run ./scripts/build (then cargo install --path crates/cli) or give --dist DIR";

impl Site {
    /// The site to serve: `dist` (from `--dist`), then `$HEAPLENS_DIST`,
    /// then the embedded one, then `dist/` beside the executable.
    pub fn locate(dist: Option<&Path>) -> Result<Site, String> {
        let given = dist
            .map(Path::to_path_buf)
            .or_else(|| std::env::var_os("HEAPLENS_DIST").map(PathBuf::from));
        if let Some(dir) = given {
            if !dir.join("index.html").is_file() {
                return Err(format!(
                    "{} has no index.html (give the dist/ folder ./scripts/build makes)",
                    dir.display()
                ));
            }
            return Ok(Site::Dir(dir));
        }
        if embedded::FILES.iter().any(|(p, _)| *p == "index.html") {
            return Ok(Site::Embedded(embedded::FILES));
        }
        let beside = std::env::current_exe()
            .ok()
            .and_then(|exe| exe.parent().map(|d| d.join("dist")));
        match beside {
            Some(dir) if dir.join("index.html").is_file() => Ok(Site::Dir(dir)),
            _ => Err(NO_SITE.into()),
        }
    }

    /// Where the files come from, for the startup lines.
    pub fn describe(&self) -> String {
        match self {
            Site::Embedded(files) => format!("built into heaplens ({} files)", files.len()),
            Site::Dir(dir) => dir.display().to_string(),
        }
    }

    /// The file at the decoded path `segments` (none: index.html), with
    /// its content type; None when there is no such file.
    pub fn get(&self, segments: &[String]) -> Option<(Cow<'static, [u8]>, &'static str)> {
        let rel = if segments.is_empty() {
            "index.html".to_string()
        } else {
            segments.join("/")
        };
        // Hidden files are never served.
        if segments.iter().any(|s| s.starts_with('.')) {
            return None;
        }
        let body = match self {
            Site::Embedded(files) => files
                .iter()
                .find(|(p, _)| *p == rel)
                .map(|(_, bytes)| Cow::Borrowed(*bytes))?,
            Site::Dir(dir) => {
                // A Windows drive or stream name is not a file name here.
                if segments.iter().any(|s| s.contains(':')) {
                    return None;
                }
                let path = dir.join(&rel);
                if !path.is_file() {
                    return None;
                }
                Cow::Owned(std::fs::read(path).ok()?)
            }
        };
        Some((body, content_type(&rel)))
    }
}

/// The Content-Type of a file by its extension (application/wasm matters:
/// browsers compile a module while it downloads only when it is sent so).
pub fn content_type(path: &str) -> &'static str {
    let ext = path
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "wasm" => "application/wasm",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "json" | "map" => "application/json",
        "webmanifest" => "application/manifest+json",
        "txt" | "log" => "text/plain; charset=utf-8",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_types() {
        assert_eq!(content_type("heaplens-app_bg.wasm"), "application/wasm");
        assert_eq!(content_type("index.html"), "text/html; charset=utf-8");
        assert_eq!(
            content_type("static/worker.js"),
            "text/javascript; charset=utf-8"
        );
        assert_eq!(content_type("style.CSS"), "text/css; charset=utf-8");
        assert_eq!(content_type("favicon.svg"), "image/svg+xml");
        assert_eq!(content_type("a.prof"), "application/octet-stream");
        assert_eq!(content_type("noext"), "application/octet-stream");
    }

    #[test]
    fn embedded_files_are_found_by_path() {
        let site = Site::Embedded(&[("index.html", b"<p>"), ("static/w.js", b"x")]);
        let (body, ty) = site.get(&[]).expect("index");
        assert_eq!((&*body, ty), (&b"<p>"[..], "text/html; charset=utf-8"));
        let seg = |s: &[&str]| s.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(site.get(&seg(&["static", "w.js"])).is_some());
        assert!(site.get(&seg(&["static"])).is_none());
        assert!(site.get(&seg(&["missing.js"])).is_none());
    }
}
