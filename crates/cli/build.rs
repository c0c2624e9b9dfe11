//! Builds the web app's site into the binary for `heaplens web`: when
//! `dist/` (./scripts/build's output) holds an index.html, every file under
//! it is embedded with `include_bytes!` ($OUT_DIR/site.rs: `(path, bytes)`
//! pairs, paths relative to dist/ with `/` separators). Without a built
//! site the list is empty and `heaplens web` looks for one at run time.

use std::error::Error;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() -> Result<(), Box<dyn Error>> {
    println!("cargo:rerun-if-changed=build.rs");
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR")?);
    let dist = manifest.join("../../dist");
    let mut files = Vec::new();
    if dist.join("index.html").is_file() {
        let dist = dist.canonicalize()?;
        // The folder (cargo scans it whole: a file added or removed) and
        // each file.
        println!("cargo:rerun-if-changed={}", dist.display());
        collect(&dist, "", &mut files)?;
    } else {
        // A path that does not exist makes cargo run this script again on
        // every build, so a site built later is picked up.
        println!(
            "cargo:rerun-if-changed={}",
            dist.join("index.html").display()
        );
    }
    files.sort();
    let mut code = String::from(
        "/// The site built into heaplens (dist/ when it was compiled): (path, bytes).\n\
         pub static FILES: &[(&str, &[u8])] = &[\n",
    );
    for (rel, path) in &files {
        println!("cargo:rerun-if-changed={}", path.display());
        let abs = path.canonicalize()?;
        writeln!(
            code,
            "    ({rel:?}, include_bytes!({:?})),",
            abs.to_string_lossy()
        )?;
    }
    code.push_str("];\n");
    let out = PathBuf::from(std::env::var("OUT_DIR")?).join("site.rs");
    // Unchanged output keeps its timestamp.
    if std::fs::read_to_string(&out).ok().as_deref() != Some(code.as_str()) {
        std::fs::write(&out, code)?;
    }
    Ok(())
}

/// The files under `dir` (hidden ones aside: Trunk stages its builds in
/// dist/.stage), as (path relative to dist/, path).
fn collect(
    dir: &Path,
    prefix: &str,
    out: &mut Vec<(String, PathBuf)>,
) -> Result<(), Box<dyn Error>> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        let rel = format!("{prefix}{name}");
        let path = entry.path();
        if path.is_dir() {
            collect(&path, &format!("{rel}/"), out)?;
        } else if path.is_file() {
            out.push((rel, path));
        }
    }
    Ok(())
}
