//! The files a command reads: reading and decoding one (errors name the
//! file), the inputs of the pipeline (several FILEs merged as pprof merges
//! them, and the base), and `heaplens merge`, which writes such a merge as
//! a profile.

use std::io;

use heaplens_profile::Profile;
use heaplens_view::encode::{encode, gzip, EncodeOptions};
use heaplens_view::pipeline::{Input, Inputs};

pub fn load(path: &str) -> Result<Profile, String> {
    let bytes =
        std::fs::read(path).map_err(|e| format!("{path}: cannot read: {}", io_reason(&e)))?;
    heaplens_profile::decode(&bytes).map_err(|e| format!("{path}: {e}"))
}

/// The one-line error of output that could not be written.
pub fn write_err(e: io::Error) -> String {
    format!("cannot write output: {e}")
}

pub fn io_reason(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::NotFound => "no such file".into(),
        io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => {
            if e.raw_os_error() == Some(21) {
                "it is a directory".into()
            } else {
                e.to_string()
            }
        }
    }
}

/// What a command does with `--base`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Base {
    /// Not read (`top`).
    Ignored,
    /// A diff when given (`list`, `folded`).
    Optional,
    /// Always a diff (`diff`).
    Required,
}

/// The merge of `paths` (one path: that profile), as the page merges
/// several files ([`Input::merged`]).
fn merged(paths: &[String]) -> Result<Input, String> {
    let mut parts = Vec::with_capacity(paths.len());
    for path in paths {
        parts.push((path.clone(), load(path)?));
    }
    Input::merged(parts)
}

/// The inputs of `command`: its `files` (merged when several), and the
/// base (`base_path`) as `base` says.
pub fn inputs(
    command: &str,
    files: &[String],
    base_path: Option<&str>,
    base: Base,
) -> Result<Inputs, String> {
    if files.is_empty() {
        return Err(format!("{command}: no FILE given"));
    }
    let mut inputs = Inputs::default();
    inputs.set_profile(merged(files)?);
    match (base_path, base) {
        (_, Base::Ignored) | (None, Base::Optional) => {}
        (Some(b), _) => inputs.set_base(Input::new(b, load(b)?)),
        (None, Base::Required) => {
            return Err("diff: no base given (heaplens diff --base BASE NEW)".into())
        }
    }
    Ok(inputs)
}

/// `heaplens merge -o OUT FILE...`: the merge of the FILEs written to OUT
/// as a gzipped pprof profile, whole (labels, addresses and mappings kept),
/// which `go tool pprof` and heaplens open.
pub fn merge(output: Option<&str>, files: &[String]) -> Result<(), String> {
    let usage = "merge: give the output and the files (heaplens merge -o OUT FILE...)";
    let out = output.ok_or(usage)?;
    if files.is_empty() {
        return Err(usage.into());
    }
    let input = merged(files)?;
    let bytes = gzip(&encode(&input.profile, EncodeOptions::FULL).protobuf);
    std::fs::write(out, bytes).map_err(|e| format!("{out}: cannot write: {}", io_reason(&e)))
}
