//! The compiler's diagnostics in the worker: loaded beside the profile,
//! then every view carries [`WhyView`](crate::why::view::WhyView).

use super::{Response, Session};
use crate::why::view::Loaded;

impl Session {
    /// Whether `bytes` (a file's start) are the compiler's diagnostics.
    pub fn is_diagnostics(bytes: &[u8]) -> bool {
        heaplens_text::escape::looks_like_diagnostics(&bytes[..bytes.len().min(64 << 10)])
    }

    /// Adds a diagnostics file (`-m`, `-m=2` output or a `-json=0` file)
    /// to those loaded; views carry them from now on.
    pub fn load_diagnostics(&mut self, name: &str, bytes: &[u8]) -> Result<Response, String> {
        let d = crate::why::parse(&String::from_utf8_lossy(bytes)).map_err(|e| e.to_string())?;
        let loaded = self.diagnostics.get_or_insert_with(Loaded::default);
        if !loaded.names.iter().any(|n| n == name) {
            loaded.names.push(name.to_string());
        }
        loaded.diags.lines += d.lines;
        loaded.diags.ignored_lines += d.ignored_lines;
        loaded.diags.diags.extend(d.diags);
        Ok(Response::Diagnostics {
            names: loaded.names.clone(),
            count: loaded.diags.diags.len(),
        })
    }
}
