//! The shape of the code, held by a test: no source file over 600 lines
//! and no function over 120 (test code aside), and no cycle among the
//! modules of a crate. It reads the Rust sources of `src/` and
//! `crates/*/src/` as text (rustfmt's layout: a function ends at the first
//! `}` at its own indentation; a file's tests are its trailing
//! `#[cfg(test)] mod tests { … }`).

// A test: a failure stops it loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![cfg(not(target_arch = "wasm32"))]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const MAX_FILE_LINES: usize = 600;
const MAX_FUNCTION_LINES: usize = 120;

/// One source file: its crate, its module path (`a::b`; "" for the crate's
/// root) and its lines without test code.
struct Source {
    krate: String,
    module: String,
    path: PathBuf,
    lines: Vec<String>,
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The crates' source roots: (crate name, src folder).
fn crate_roots() -> Vec<(String, PathBuf)> {
    let mut roots = vec![("heaplens".to_string(), root().join("src"))];
    let mut crates: Vec<PathBuf> = std::fs::read_dir(root().join("crates"))
        .expect("crates/")
        .map(|e| e.expect("entry").path())
        .collect();
    crates.sort();
    for c in crates {
        let name = c
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("")
            .to_string();
        if c.join("src").is_dir() {
            roots.push((name, c.join("src")));
        }
    }
    roots
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("read dir")
        .map(|e| e.expect("entry").path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// `a/b.rs` → `a::b`, `a/mod.rs` → `a`, `lib.rs`/`main.rs` → "".
fn module_of(src: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(src).expect("under src");
    let mut parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_string())
        .collect();
    if matches!(
        parts.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        parts.pop();
    }
    parts.join("::")
}

/// The file's lines before its trailing test module (test-only files have
/// none).
fn without_tests(path: &Path, text: &str) -> Vec<String> {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if name == "tests.rs" || name == "browser_tests.rs" {
        return Vec::new();
    }
    let lines: Vec<String> = text.lines().map(str::to_string).collect();
    let cut = lines
        .windows(2)
        .position(|w| w[0].trim() == "#[cfg(test)]" && w[1].trim_end().ends_with('{'))
        .unwrap_or(lines.len());
    lines[..cut].to_vec()
}

fn sources() -> Vec<Source> {
    let mut out = Vec::new();
    for (krate, src) in crate_roots() {
        let mut files = Vec::new();
        rust_files(&src, &mut files);
        for path in files {
            let text = std::fs::read_to_string(&path).expect("read");
            out.push(Source {
                krate: krate.clone(),
                module: module_of(&src, &path),
                lines: without_tests(&path, &text),
                path,
            });
        }
    }
    assert!(out.len() > 50, "only {} source files found", out.len());
    out
}

#[test]
fn no_file_is_too_long() {
    let long: Vec<String> = sources()
        .iter()
        .filter(|s| s.lines.len() > MAX_FILE_LINES)
        .map(|s| format!("{} ({} lines)", s.path.display(), s.lines.len()))
        .collect();
    assert!(
        long.is_empty(),
        "files over {MAX_FILE_LINES} lines: {long:#?}"
    );
}

/// Each function with a body: (first line index, length in lines, name).
fn functions(lines: &[String]) -> Vec<(usize, usize, String)> {
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let t = line.trim_start();
        let Some(name) = fn_name(t) else { continue };
        let indent = line.len() - t.len();
        let close = format!("{}}}", " ".repeat(indent));
        // A declaration without a body ends in `;` before any `{`.
        let mut body = false;
        for (j, l) in lines.iter().enumerate().skip(i) {
            if !body {
                if l.trim_end().ends_with(';') && !l.contains('{') {
                    break;
                }
                body = l.contains('{');
            }
            if body && l.trim_end() == close {
                out.push((i, j - i + 1, name.clone()));
                break;
            }
        }
    }
    out
}

/// The name of the function a line starts, if it starts one.
fn fn_name(t: &str) -> Option<String> {
    let mut rest = t;
    for prefix in [
        "pub(crate) ",
        "pub(super) ",
        "pub ",
        "const ",
        "async ",
        "unsafe ",
    ] {
        rest = rest.strip_prefix(prefix).unwrap_or(rest);
    }
    let rest = rest.strip_prefix("fn ")?;
    let name: String = rest
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    (!name.is_empty()).then_some(name)
}

#[test]
fn no_function_is_too_long() {
    let mut long = Vec::new();
    let mut counted = 0;
    for s in sources() {
        for (line, len, name) in functions(&s.lines) {
            counted += 1;
            if len > MAX_FUNCTION_LINES {
                long.push(format!(
                    "{}:{} {name} ({len} lines)",
                    s.path.display(),
                    line + 1
                ));
            }
        }
    }
    assert!(counted > 400, "only {counted} functions found");
    assert!(
        long.is_empty(),
        "functions over {MAX_FUNCTION_LINES} lines: {long:#?}"
    );
}

/// The module paths a file's code refers to: `crate::a::b`, `super::a`,
/// `self::a`, and `use a::…` of a child module, with `use` groups expanded.
/// Re-exports (`pub use`) and `mod` declarations are not dependencies.
fn references(s: &Source, modules: &BTreeSet<String>) -> BTreeSet<String> {
    let code: String = s
        .lines
        .iter()
        .map(|l| l.trim())
        .filter(|l| {
            !l.starts_with("//") && !l.starts_with("pub use") && !l.starts_with("pub(crate) use")
        })
        .collect::<Vec<_>>()
        .join("\n");
    let mut paths = Vec::new();
    // `use` statements, groups expanded.
    for stmt in code.split(';') {
        let stmt = stmt.trim();
        if let Some(u) = stmt.strip_prefix("use ") {
            expand(u, "", &mut paths);
        }
    }
    // Paths written out in code.
    for start in ["crate::", "super::", "self::"] {
        let mut rest = code.as_str();
        while let Some(i) = rest.find(start) {
            let before = rest[..i].chars().last();
            rest = &rest[i..];
            let len = rest
                .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
                .unwrap_or(rest.len());
            if !before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                paths.push(rest[..len].to_string());
            }
            rest = &rest[len..];
        }
    }
    let mut out = BTreeSet::new();
    for p in paths {
        if let Some(m) = resolve(&s.module, &p, modules) {
            if m != s.module {
                out.insert(m);
            }
        }
    }
    out
}

/// Expands `a::{b, c::{d}}` into `a::b`, `a::c::d`.
fn expand(u: &str, prefix: &str, out: &mut Vec<String>) {
    let u = u.trim();
    match u.find('{') {
        None => out.push(format!(
            "{prefix}{}",
            u.split(" as ").next().unwrap_or(u).trim()
        )),
        Some(i) => {
            let head = &u[..i];
            let inner = u[i + 1..].trim_end().trim_end_matches('}');
            let mut depth = 0;
            let mut part = String::new();
            for c in inner.chars() {
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    _ => {}
                }
                if c == ',' && depth == 0 {
                    expand(&part, &format!("{prefix}{head}"), out);
                    part.clear();
                } else {
                    part.push(c);
                }
            }
            if !part.trim().is_empty() {
                expand(&part, &format!("{prefix}{head}"), out);
            }
        }
    }
}

/// The module of `module`'s crate that `path` (as written in `module`)
/// names: the longest module path it starts with; None outside the crate.
fn resolve(module: &str, path: &str, modules: &BTreeSet<String>) -> Option<String> {
    let segs: Vec<&str> = path.split("::").filter(|s| !s.is_empty()).collect();
    let mut base: Vec<String> = if module.is_empty() {
        Vec::new()
    } else {
        module.split("::").map(str::to_string).collect()
    };
    let rest: &[&str] = match segs.first() {
        Some(&"crate") => {
            base.clear();
            &segs[1..]
        }
        Some(&"super") => {
            let mut i = 0;
            while segs.get(i) == Some(&"super") {
                base.pop();
                i += 1;
            }
            &segs[i..]
        }
        Some(&"self") => &segs[1..],
        // `use child::…` of a child module; anything else is another crate.
        Some(first) => {
            let child = join(&base, &[first]);
            if !modules.contains(&child) {
                return None;
            }
            &segs[..]
        }
        None => return None,
    };
    let mut found = join(&base, &[]);
    for n in 1..=rest.len() {
        let candidate = join(&base, &rest[..n]);
        if modules.contains(&candidate) {
            found = candidate;
        }
    }
    Some(found)
}

fn join(base: &[String], more: &[&str]) -> String {
    base.iter()
        .map(String::as_str)
        .chain(more.iter().copied())
        .collect::<Vec<_>>()
        .join("::")
}

#[test]
fn no_module_cycles() {
    let all = sources();
    let mut by_crate: BTreeMap<&str, Vec<&Source>> = BTreeMap::new();
    for s in &all {
        by_crate.entry(&s.krate).or_default().push(s);
    }
    let mut cycles = Vec::new();
    let mut edges_seen = 0;
    for (krate, files) in by_crate {
        let modules: BTreeSet<String> = files.iter().map(|s| s.module.clone()).collect();
        let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for s in &files {
            let refs = references(s, &modules);
            edges_seen += refs.len();
            graph.entry(s.module.clone()).or_default().extend(refs);
        }
        for cycle in strongly_connected(&graph) {
            cycles.push(format!("{krate}: {}", cycle.join(" <-> ")));
        }
    }
    assert!(
        edges_seen > 100,
        "only {edges_seen} module dependencies found"
    );
    assert!(cycles.is_empty(), "module cycles: {cycles:#?}");
}

/// The components of more than one module (Tarjan).
fn strongly_connected(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    struct T<'a> {
        graph: &'a BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on: BTreeSet<&'a str>,
        out: Vec<Vec<String>>,
    }
    fn visit<'a>(t: &mut T<'a>, v: &'a str) {
        let i = t.index.len();
        t.index.insert(v, i);
        t.low.insert(v, i);
        t.stack.push(v);
        t.on.insert(v);
        if let Some(next) = t.graph.get(v) {
            for w in next {
                let w = w.as_str();
                if !t.index.contains_key(w) {
                    visit(t, w);
                    let lw = t.low[w];
                    let lv = t.low[v];
                    t.low.insert(v, lv.min(lw));
                } else if t.on.contains(w) {
                    let iw = t.index[w];
                    let lv = t.low[v];
                    t.low.insert(v, lv.min(iw));
                }
            }
        }
        if t.low[v] == t.index[v] {
            let mut comp = Vec::new();
            while let Some(w) = t.stack.pop() {
                t.on.remove(w);
                comp.push(w.to_string());
                if w == v {
                    break;
                }
            }
            if comp.len() > 1 {
                comp.sort();
                t.out.push(comp);
            }
        }
    }
    let mut t = T {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on: BTreeSet::new(),
        out: Vec::new(),
    };
    for v in graph.keys() {
        if !t.index.contains_key(v.as_str()) {
            visit(&mut t, v);
        }
    }
    t.out
}

/// The checks themselves find what they look for.
#[test]
fn the_checks_see_functions_and_cycles() {
    let lines: Vec<String> =
        "fn a() {\n    x();\n}\n    pub fn b(&self) -> u8 {\n        1\n    }\nfn decl();\n"
            .lines()
            .map(str::to_string)
            .collect();
    let f = functions(&lines);
    assert_eq!(
        f.iter()
            .map(|(i, n, name)| (*i, *n, name.as_str()))
            .collect::<Vec<_>>(),
        [(0, 3, "a"), (3, 3, "b")]
    );
    let mut g = BTreeMap::new();
    g.insert("a".to_string(), BTreeSet::from(["b".to_string()]));
    g.insert("b".to_string(), BTreeSet::from(["a".to_string()]));
    g.insert("c".to_string(), BTreeSet::from(["a".to_string()]));
    assert_eq!(
        strongly_connected(&g),
        [vec!["a".to_string(), "b".to_string()]]
    );
    let modules: BTreeSet<String> = ["", "x", "x::y", "z"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(
        resolve("x::y", "super::super::z::T", &modules).as_deref(),
        Some("z")
    );
    assert_eq!(resolve("x", "y::T", &modules).as_deref(), Some("x::y"));
    assert_eq!(resolve("x", "serde::Serialize", &modules), None);
    let mut out = Vec::new();
    expand("a::{b, c::{d, e as f}}", "", &mut out);
    assert_eq!(out, ["a::b", "a::c::d", "a::c::e"]);
}
