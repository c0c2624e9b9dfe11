//! `heaplens why` and `list --escape`: the Go compiler's diagnostics
//! (`-gcflags=-m`, `-m=2` output, or `-json=0` files) joined to the
//! profile's lines through heaplens-view's `why` module, as the page shows
//! them.

use std::io::{self, Write};
use std::path::Path;

use heaplens_view::why::{self, Diagnostics, Index};

use crate::inputs::{io_reason, write_err};

/// Reads the diagnostics at each of `paths`: a `-m`/`-m=2` text file, a
/// `-json=0` file, or a directory of them (searched for `.json` files, as
/// `-json=0,DIR` writes them). Several are read as one.
pub fn read_diagnostics(paths: &[String]) -> Result<Diagnostics, String> {
    let mut all = Diagnostics::default();
    for path in paths {
        let mut files = Vec::new();
        collect(Path::new(path), &mut files)
            .map_err(|e| format!("{path}: cannot read: {}", io_reason(&e)))?;
        if files.is_empty() {
            return Err(format!(
                "{path}: no .json file of the compiler's -json=0 output in it"
            ));
        }
        for f in files {
            let shown = f.display().to_string();
            let bytes = std::fs::read(&f)
                .map_err(|e| format!("{shown}: cannot read: {}", io_reason(&e)))?;
            let d = why::parse(&String::from_utf8_lossy(&bytes))
                .map_err(|e| format!("{shown}: {e}"))?;
            all.lines += d.lines;
            all.ignored_lines += d.ignored_lines;
            all.diags.extend(d.diags);
        }
    }
    Ok(all)
}

fn collect(path: &Path, out: &mut Vec<std::path::PathBuf>) -> io::Result<()> {
    if !path.is_dir() {
        std::fs::metadata(path)?;
        out.push(path.to_path_buf());
        return Ok(());
    }
    let mut entries: Vec<_> = std::fs::read_dir(path)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.path());
    for e in entries {
        let p = e.path();
        if p.is_dir() {
            collect(&p, out)?;
        } else if p.extension().is_some_and(|x| x == "json") {
            out.push(p);
        }
    }
    Ok(())
}

/// `heaplens why FILE --escape DIAG`: the summary, or the TSV rows; with
/// `--base BASE --base-escape BASE_DIAG`, of the new build, then what
/// changed since the base's.
pub fn why(a: &crate::Args, out: &mut dyn Write) -> Result<(), String> {
    a.file().ok_or(
        "why: give a profile and the compiler's diagnostics (heaplens why FILE --escape DIAG)",
    )?;
    if a.escape.is_empty() {
        return Err("why: no diagnostics given (--escape DIAG: the output of go build -gcflags=-m, or a -json=0 directory)".into());
    }
    let compared = !a.base_escape.is_empty();
    if compared != a.base.is_some() {
        return Err(
            "why: a comparison needs both --base BASE and --base-escape BASE_DIAG (the base build's diagnostics)"
                .into(),
        );
    }
    let new = why::view::Loaded {
        names: a.escape.clone(),
        diags: read_diagnostics(&a.escape)?,
    };
    let base = compared
        .then(|| {
            Ok::<_, String>(why::view::Loaded {
                names: a.base_escape.clone(),
                diags: read_diagnostics(&a.base_escape)?,
            })
        })
        .transpose()?;
    let which = if compared {
        crate::inputs::Base::Required
    } else {
        crate::inputs::Base::Ignored
    };
    let inputs = crate::inputs::inputs(&a.command, &a.files, a.base.as_deref(), which)?;
    let mut pipeline = heaplens_view::pipeline::Pipeline::default();
    let prepared = crate::prepare(a, &inputs, &mut pipeline)?;
    let (p, ty) = (&prepared.profile, prepared.sample_type);
    let sides = why::view::Sides {
        new: Some(&new),
        base: base.as_ref(),
    };
    let (shown, base_analysis) =
        why::view::analyse(sides, p, ty, prepared.split).ok_or("why: no diagnostics")?;
    let (_, notes) = why::view::files_and_notes(sides, &shown, base_analysis.as_ref());
    for note in notes {
        eprintln!("heaplens: {note}");
    }
    let text = if a.format == "tsv" {
        why::tsv(&shown.rows)
    } else {
        let st = &p.sample_types[ty];
        let mut text = why::summary_text(&shown.summary, &st.ty, &st.unit);
        if let Some(b) = &base_analysis {
            text.push_str("\nSince the base:\n");
            let c = why::compare::compare(b, &shown);
            text.push_str(&why::compare::text(&c, &st.ty, &st.unit));
        }
        text
    };
    out.write_all(text.as_bytes()).map_err(write_err)
}

/// The notes `list --escape` prints under a line.
pub fn notes(
    index: &Index,
) -> impl FnMut(&heaplens_analysis::list::FunctionLines, i64) -> Vec<String> + '_ {
    move |f, line| {
        index
            .at(&f.file, line)
            .iter()
            .filter(|d| d.kind != why::Kind::Other)
            .map(|d| d.message.clone())
            .collect()
    }
}
