//! Names of call-graph nodes at a granularity, exactly as pprof prints them:
//! one key per distinct printable name, and for every location the keys of
//! its frames from caller to innermost inlined callee.

use rustc_hash::FxHashMap as HashMap;

use heaplens_profile::model::{Profile, NONE};

/// What one node of a top table or call tree stands for.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
pub enum Granularity {
    /// A function (pprof's default `-functions`).
    #[default]
    Functions,
    /// A function at a source line (`-lines`): `name file:line`.
    Lines,
    /// A function at a source line at an address (`-addresses`):
    /// `0000000000401234 name file:line`, or `0000000000401234 [binary]`
    /// for a frame without symbols.
    Addresses,
}

impl Granularity {
    pub fn parse(s: &str) -> Option<Granularity> {
        match s {
            "functions" | "function" | "func" => Some(Granularity::Functions),
            "lines" | "line" => Some(Granularity::Lines),
            "addresses" | "address" => Some(Granularity::Addresses),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Granularity::Functions => "functions",
            Granularity::Lines => "lines",
            Granularity::Addresses => "addresses",
        }
    }
}

/// The node keys of a profile at one granularity.
#[derive(Debug, Clone)]
pub struct Keys {
    pub granularity: Granularity,
    /// Printable name of each key.
    pub names: Vec<String>,
    /// For each key, the function it came from (for file and tooltip), or
    /// [`NONE`] for unsymbolized frames.
    pub function: Vec<u32>,
    /// `loc_keys[loc_offsets[l]..loc_offsets[l + 1]]` are location l's node
    /// keys from caller to innermost, each `key << 1 | inlined`.
    pub loc_offsets: Vec<u32>,
    pub loc_keys: Vec<u32>,
}

impl Keys {
    pub fn build(p: &Profile, granularity: Granularity) -> Keys {
        let mut names: Vec<String> = Vec::new();
        let mut function: Vec<u32> = Vec::new();
        let mut by_name: rustc_hash::FxHashMap<String, u32> = Default::default();
        let mut intern = |name: &str, func: u32| -> u32 {
            if let Some(&k) = by_name.get(name) {
                return k;
            }
            let k = names.len() as u32;
            names.push(name.to_string());
            function.push(func);
            by_name.insert(name.to_string(), k);
            k
        };
        // At function granularity, each function's key once found.
        let mut of_function = if granularity == Granularity::Functions {
            vec![NONE; p.functions.len()]
        } else {
            Vec::new()
        };
        // Cleaned file names, once per string.
        let mut clean_files: HashMap<u32, String> = HashMap::default();
        let mut loc_offsets = Vec::with_capacity(p.locations.len() + 1);
        let mut loc_keys = Vec::with_capacity(p.frames.len() + p.locations.len());
        loc_offsets.push(0u32);
        for loc in &p.locations {
            let frames = &p.frames[loc.frame_range()];
            let objfile = if loc.mapping == NONE {
                ""
            } else {
                p.str(p.mappings[loc.mapping as usize].file)
            };
            // pprof's -addresses puts the location's address first.
            let address = if granularity == Granularity::Addresses && loc.address != 0 {
                format!("{:016x}", loc.address)
            } else {
                String::new()
            };
            let with_address = |s: String| {
                if address.is_empty() {
                    s
                } else if s.is_empty() {
                    address.clone()
                } else {
                    format!("{address} {s}")
                }
            };
            if frames.is_empty() {
                let k = intern(&with_address(objfile_name(objfile)), NONE);
                loc_keys.push(k << 1);
            }
            let last = frames.len().saturating_sub(1);
            for (i, fr) in frames.iter().enumerate().rev() {
                let f = &p.functions[fr.function as usize];
                let name = p.str(f.name);
                let inlined = u32::from(i != last);
                if let Some(&k) = of_function.get(fr.function as usize) {
                    if k != NONE {
                        loc_keys.push(k << 1 | inlined);
                        continue;
                    }
                }
                let printable = match granularity {
                    Granularity::Functions => {
                        if name.is_empty() {
                            objfile_name(objfile)
                        } else {
                            let k = intern(name, fr.function);
                            if let Some(slot) = of_function.get_mut(fr.function as usize) {
                                *slot = k;
                            }
                            loc_keys.push(k << 1 | inlined);
                            continue;
                        }
                    }
                    Granularity::Lines | Granularity::Addresses => {
                        let file = clean_files
                            .entry(f.filename)
                            .or_insert_with(|| clean_path(&trim_path(p.str(f.filename))));
                        let mut s = String::with_capacity(name.len() + file.len() + 8);
                        s.push_str(name);
                        let sep = |s: &mut String| {
                            if !s.is_empty() {
                                s.push(' ');
                            }
                        };
                        if fr.line != 0 {
                            sep(&mut s);
                            s.push_str(file);
                            s.push(':');
                            s.push_str(&fr.line.to_string());
                        } else if !file.is_empty() {
                            sep(&mut s);
                            s.push_str(file);
                        } else if name.is_empty() {
                            s = objfile_name(objfile);
                        }
                        with_address(s)
                    }
                };
                let k = intern(&printable, fr.function);
                loc_keys.push(k << 1 | inlined);
            }
            loc_offsets.push(loc_keys.len() as u32);
        }
        Keys {
            granularity,
            names,
            function,
            loc_offsets,
            loc_keys,
        }
    }

    /// Location `loc`'s keys, caller first (`key << 1 | inlined`).
    #[inline]
    pub fn of_location(&self, loc: u32) -> &[u32] {
        let a = self.loc_offsets[loc as usize] as usize;
        let b = self.loc_offsets[loc as usize + 1] as usize;
        &self.loc_keys[a..b]
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
}

/// pprof's name for a frame known only by its binary: `[binary]`.
fn objfile_name(objfile: &str) -> String {
    if objfile.is_empty() {
        "<unknown>".to_string()
    } else {
        format!("[{}]", base_name(objfile))
    }
}

/// The last element of a slash-separated path (Go's `filepath.Base`).
pub fn base_name(path: &str) -> &str {
    let trimmed = path.trim_end_matches('/');
    if trimmed.is_empty() {
        return if path.is_empty() { "." } else { "/" };
    }
    trimmed.rsplit('/').next().unwrap_or(trimmed)
}

/// Strips the `/proc/self/cwd/` prefixes that build systems leave in paths.
fn trim_path(path: &str) -> String {
    for prefix in ["/proc/self/cwd/./", "/proc/self/cwd/"] {
        if let Some(rest) = path.strip_prefix(prefix) {
            return rest.to_string();
        }
    }
    path.to_string()
}

/// Lexical path cleaning, as Go's `filepath.Clean` does on Unix. Empty
/// stays empty here (callers only clean non-empty names).
pub fn clean_path(path: &str) -> String {
    if path.is_empty() {
        return String::new();
    }
    let rooted = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|l| *l != "..") {
                    parts.pop();
                } else if !rooted {
                    parts.push("..");
                }
            }
            p => parts.push(p),
        }
    }
    let joined = parts.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".to_string(),
        (false, false) => joined,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_like_go() {
        for (a, b) in [
            ("a/b/../c", "a/c"),
            ("/../x", "/x"),
            ("./a//b/", "a/b"),
            ("../../a", "../../a"),
            ("a/..", "."),
            ("/", "/"),
            (
                "/usr/lib/go/src/runtime/malloc.go",
                "/usr/lib/go/src/runtime/malloc.go",
            ),
        ] {
            assert_eq!(clean_path(a), b, "{a}");
        }
        assert_eq!(base_name("/usr/local/bin/nicky"), "nicky");
        assert_eq!(base_name("nicky"), "nicky");
    }
}
