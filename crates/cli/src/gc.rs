//! `heaplens gctrace` and `heaplens gate` over `GODEBUG=gctrace=1` logs:
//! the GC figures of one log, or of a base and a new log compared, through
//! heaplens-view's `gc` module (the page's GC view shows the same).

use std::io::Write;

use heaplens_text::gctrace::{self, Gc};
use heaplens_view::gate as gates;
use heaplens_view::gc::{self, report};

use crate::inputs::{io_reason, write_err};

/// A log read and its process chosen: (heading, GCs).
fn read(path: &str, process: Option<&str>) -> Result<(String, Vec<Gc>), String> {
    let bytes =
        std::fs::read(path).map_err(|e| format!("{path}: cannot read: {}", io_reason(&e)))?;
    let log =
        gctrace::parse(&String::from_utf8_lossy(&bytes)).map_err(|e| format!("{path}: {e}"))?;
    let p = gc::pick(&log, process).map_err(|e| format!("{path}: {e}"))?;
    let name = std::path::Path::new(path)
        .file_name()
        .map_or(path.to_string(), |f| f.to_string_lossy().into_owned());
    let figures = gc::summary(&p.gcs);
    let mut heading = report::heading(&name, &p.name, &figures);
    let skipped = log.malformed_lines;
    if skipped > 0 {
        heading.push_str(&format!(
            "; {} cut short or mangled, skipped",
            heaplens_text::count(skipped as u64, "GC line", "GC lines")
        ));
    }
    Ok((heading, p.gcs.clone()))
}

/// Whether the file at `path` is a gctrace log (by its first 64 KiB).
pub fn is_gctrace(path: &str) -> bool {
    use std::io::Read;
    let mut head = vec![0; 64 << 10];
    let n = std::fs::File::open(path)
        .and_then(|mut f| f.read(&mut head))
        .unwrap_or(0);
    gctrace::looks_like_gctrace(&head[..n])
}

/// `heaplens gctrace [--base BASE.log] NEW.log [--format text|tsv]`.
pub fn gctrace(
    new: Option<&str>,
    base: Option<&str>,
    process: Option<&str>,
    tsv: bool,
    out: &mut dyn Write,
) -> Result<(), String> {
    let path = new.ok_or("gctrace: no log given (heaplens gctrace [--base BASE.log] NEW.log)")?;
    let (heading, gcs) = read(path, process)?;
    let text = match base {
        None if tsv => report::tsv(&gc::summary(&gcs)),
        None => report::text(&heading, &gc::summary(&gcs)),
        Some(b) => {
            let (base_heading, base_gcs) = read(b, process)?;
            let rows = gc::compare(&base_gcs, &gcs);
            if tsv {
                report::compare_tsv(&rows)
            } else {
                report::compare_text((&base_heading, &heading), &rows)
            }
        }
    };
    out.write_all(text.as_bytes()).map_err(write_err)
}

/// `heaplens gate --base BASE.log NEW.log --max gc_pause_p99:+10%`: the
/// checks' lines and whether all held.
pub fn gate(
    new: &str,
    base: &str,
    process: Option<&str>,
    limits: &[gates::Limit],
) -> Result<(String, usize, usize), String> {
    let (_, new_gcs) = read(new, process)?;
    let (_, base_gcs) = read(base, process)?;
    let checks = gc::gate(&base_gcs, &new_gcs, limits)?;
    let text: String = checks.iter().map(|c| format!("{}\n", c.line())).collect();
    let failed = checks.iter().filter(|c| !c.pass).count();
    Ok((text, failed, checks.len()))
}
