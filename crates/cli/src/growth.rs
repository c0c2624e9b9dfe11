//! `heaplens growth SNAP...` and `heaplens gate --max-growth LIMIT SNAP...`:
//! the functions that keep growing across heap snapshots taken over time
//! (heaplens-view's [`growth`] analysis, which the page's timeline shows
//! too), ranked as text or TSV, or held to a limit on their growth rate.

use std::io::Write;
use std::rc::Rc;

use heaplens_view::growth::{self, limit, text, Series};

use crate::inputs::{load, write_err};
use crate::Args;

/// The series of `a`'s snapshot files, seen through its filters; `what`
/// names the command in errors.
fn read_series(a: &Args, what: &str) -> Result<Series, String> {
    if a.files.len() < 2 {
        return Err(format!(
            "{what}: give two or more heap snapshots, taken over time ({} given)",
            a.files.len()
        ));
    }
    if a.base.is_some() {
        return Err(format!(
            "{what}: the snapshots are compared with each other; --base is not read"
        ));
    }
    let mut snaps = Vec::with_capacity(a.files.len());
    for path in &a.files {
        snaps.push((path.clone(), Rc::new(load(path)?)));
    }
    growth::series(&snaps, &a.params, !a.order_given)
}

/// `heaplens growth SNAP...`: the growth suspects of the sample type asked
/// (pprof's default otherwise), by flat value or by cum.
pub fn growth(a: &Args, out: &mut dyn Write) -> Result<(), String> {
    let series = read_series(a, "growth")?;
    let ty = series.type_index(a.params.sample_type.as_deref())?;
    let text = if a.format == "tsv" {
        text::tsv(&series, ty, a.cum)
    } else {
        text::report(&series, ty, a.cum)
    };
    out.write_all(text.as_bytes()).map_err(write_err)
}

/// The checks of `heaplens gate --max-growth`: (their lines, failed,
/// count), as the other gates give them.
pub fn gate(a: &Args) -> Result<(String, usize, usize), String> {
    if !a.max.is_empty() {
        return Err(
            "gate: --max compares a base with a new profile and --max-growth a series of snapshots; run them as two gates"
                .into(),
        );
    }
    let limits = a
        .max_growth
        .iter()
        .map(|m| limit::parse(m))
        .collect::<Result<Vec<_>, _>>()?;
    let series = read_series(a, "gate --max-growth")?;
    let checks = limit::evaluate(&series, &limits)?;
    let mut text = String::new();
    for line in checks.iter().flat_map(limit::GrowthCheck::lines) {
        text.push_str(&line);
        text.push('\n');
    }
    let failed = checks.iter().filter(|c| !c.pass()).count();
    Ok((text, failed, checks.len()))
}
