//! Text reports over the analyses: a top table that reads like
//! `go tool pprof -top`, tables as TSV or CSV (one writer for the CLI and
//! the page's exports), and the profile summary (`info`).

use std::fmt::Write as _;

use heaplens_analysis::keys::base_name;
use heaplens_analysis::top::Top;
use heaplens_profile::model::Profile;
use heaplens_profile::units;

/// Header lines pprof prints above a report (File, Build ID, comments, Type,
/// Time, Duration).
pub fn profile_labels(
    p: &Profile,
    ty: usize,
    total: i64,
    fmt_total: &dyn Fn(i64) -> String,
) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(m) = p.mappings.first() {
        let file = p.str(m.file);
        if !file.is_empty() {
            out.push(format!("File: {}", base_name(file)));
        }
        let bid = p.str(m.build_id);
        if !bid.is_empty() {
            out.push(format!("Build ID: {bid}"));
        }
    }
    let mut seen = rustc_hash::FxHashSet::default();
    for c in &p.comments {
        if !c.starts_with('#') && seen.insert(c.as_str()) {
            out.push(c.clone());
        }
    }
    if let Some(st) = p.sample_types.get(ty).filter(|st| !st.ty.is_empty()) {
        out.push(format!("Type: {}", st.ty));
    }
    if p.time_nanos != 0 {
        out.push(format!("Time: {}", units::format_time(p.time_nanos)));
    }
    if p.duration_nanos != 0 {
        let unit = p.sample_types.get(ty).map_or("", |s| s.unit.as_str());
        let duration = units::label(p.duration_nanos, "nanoseconds");
        let (total_ns, total_unit) = units::scale(total, unit, "nanoseconds");
        let ratio = if total_unit == "ns" && total_ns != 0.0 {
            format!("({})", units::percentage(total_ns as i64, p.duration_nanos))
        } else {
            String::new()
        };
        out.push(format!(
            "Duration: {duration}, Total samples = {} {ratio}",
            fmt_total(total)
        ));
    }
    out
}

/// pprof's "minimum" output unit for a report of `values` (flat, cum of
/// each row or node): the unit of the smallest value shown (its flat, or
/// its cum when the flat is 0), scaled up when it is far below the total;
/// "minimum" itself when nothing is shown.
pub fn minimum_unit(
    values: impl Iterator<Item = (i64, i64)>,
    sample_unit: &str,
    total: i64,
) -> String {
    let mut any = false;
    let min = values
        .inspect(|_| any = true)
        .map(|(flat, cum)| {
            if flat != 0 {
                flat.wrapping_abs()
            } else {
                cum.wrapping_abs()
            }
        })
        .filter(|&v| v > 0)
        .min()
        .unwrap_or(0);
    if any {
        units::output_unit(sample_unit, min, total)
    } else {
        "minimum".to_string()
    }
}

/// pprof's line for what a report left out: `Dropped 3 nodes (cum <= 0.48MB)`.
pub fn dropped(n: usize, what: &str, by: &str, cutoff: &str) -> String {
    let plural = if n > 1 { "s" } else { "" };
    format!("Dropped {n} {what}{plural} ({by} <= {cutoff})")
}

/// Options for the text top table.
#[derive(Debug, Clone, Default)]
pub struct TextOptions {
    /// Output unit ("" picks one like pprof's "minimum"); e.g. "B", "ns".
    pub unit: String,
    pub node_fraction: f64,
    pub node_count: usize,
    /// Filters applied (e.g. `tagfocus=bytes=1kB:`), listed under "Active
    /// filters" as pprof lists them.
    pub filters: Vec<String>,
}

/// The text top table, laid out like `go tool pprof -top`.
pub fn top_text(p: &Profile, ty: usize, top: &Top, opts: &TextOptions) -> String {
    let sample_unit = p.sample_types.get(ty).map_or("", |s| s.unit.as_str());
    let out_unit = if opts.unit.is_empty() {
        minimum_unit(
            top.rows.iter().map(|r| (r.flat, r.cum)),
            sample_unit,
            top.total,
        )
    } else {
        opts.unit.clone()
    };
    let fmt_v = |v: i64| units::scaled_label(v, sample_unit, &out_unit);
    let mut s = String::new();
    for l in profile_labels(p, ty, top.total, &fmt_v) {
        s.push_str(&l);
        s.push('\n');
    }
    if !opts.filters.is_empty() {
        s.push_str("Active filters:\n");
        for f in &opts.filters {
            let _ = writeln!(s, "   {f}");
        }
    }
    let flat_sum: i64 = top.rows.iter().fold(0i64, |a, r| a.wrapping_add(r.flat));
    let _ = writeln!(
        s,
        "Showing nodes accounting for {}, {} of {} total",
        fmt_v(flat_sum),
        units::percentage(flat_sum, top.total).trim(),
        fmt_v(top.total)
    );
    if top.total != 0 {
        if top.dropped > 0 {
            let cutoff = ((top.total as f64 * opts.node_fraction) as i64).wrapping_abs();
            let _ = writeln!(s, "{}", dropped(top.dropped, "node", "cum", &fmt_v(cutoff)));
        }
        if !top.rows.is_empty() && top.rows.len() < top.rows_before_count {
            let _ = writeln!(
                s,
                "Showing top {} nodes out of {}",
                top.rows.len(),
                top.rows_before_count
            );
        }
    }
    let _ = writeln!(
        s,
        "{:>10} {:>5}% {:>5}% {:>10} {:>5}%",
        "flat", "flat", "sum", "cum", "cum"
    );
    let mut sum = 0i64;
    for r in &top.rows {
        sum = sum.wrapping_add(r.flat);
        let mark = r.inline.as_str();
        let _ = writeln!(
            s,
            "{:>10} {} {} {:>10} {}  {}{}{}",
            fmt_v(r.flat),
            units::percentage(r.flat, top.total),
            units::percentage(sum, top.total),
            fmt_v(r.cum),
            units::percentage(r.cum, top.total),
            r.name,
            if mark.is_empty() { "" } else { " " },
            mark
        );
    }
    s
}

/// How [`table`] writes rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TableFormat {
    /// Comma-separated (quoted as needed) instead of tab-separated.
    pub csv: bool,
    /// A first line naming the columns.
    pub header: bool,
    /// The base's and the new profile's flat and cum after the net values.
    pub diff: bool,
}

impl TableFormat {
    /// The CLI's `--format tsv`: `name<TAB>flat<TAB>cum`, no header.
    pub const TSV: TableFormat = TableFormat {
        csv: false,
        header: false,
        diff: false,
    };
}

/// One row for [`table`]: a name, net flat and cum, and in a diff the
/// base's flat and cum.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TableLine<'a> {
    pub name: &'a str,
    pub flat: i64,
    pub cum: i64,
    pub base_flat: i64,
    pub base_cum: i64,
}

/// The one writer of tables as text, in raw integers: `name, flat, cum`
/// (net values in a diff, then `base_flat, new_flat, base_cum, new_cum`
/// with `format.diff`), one line per row. Tabs and line breaks in names
/// become spaces in TSV; CSV quotes them.
pub fn table<'a>(rows: impl IntoIterator<Item = TableLine<'a>>, format: TableFormat) -> String {
    let sep = if format.csv { "," } else { "\t" };
    let field = |s: &str| {
        if format.csv && s.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else if format.csv {
            s.to_string()
        } else {
            s.replace(['\t', '\n', '\r'], " ")
        }
    };
    let mut out = String::new();
    if format.header {
        let mut head = vec!["name", "flat", "cum"];
        if format.diff {
            head.extend(["base_flat", "new_flat", "base_cum", "new_cum"]);
        }
        out.push_str(&head.join(sep));
        out.push('\n');
    }
    for r in rows {
        let _ = write!(out, "{}{sep}{}{sep}{}", field(r.name), r.flat, r.cum);
        if format.diff {
            let _ = write!(
                out,
                "{sep}{}{sep}{}{sep}{}{sep}{}",
                r.base_flat,
                r.base_flat.wrapping_add(r.flat),
                r.base_cum,
                r.base_cum.wrapping_add(r.cum)
            );
        }
        out.push('\n');
    }
    out
}

/// The rows of a top table for [`table`] (no base values).
pub fn top_lines(top: &Top) -> impl Iterator<Item = TableLine<'_>> {
    top.rows.iter().map(|r| TableLine {
        name: &r.name,
        flat: r.flat,
        cum: r.cum,
        base_flat: 0,
        base_cum: 0,
    })
}

/// A human summary of the profile: sample types with totals, counts,
/// period, time, duration, comments, drop/keep frames, the Go runtime's
/// MemStats of a legacy text heap profile, warnings.
pub fn info_text(p: &Profile) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "Kind: {}", p.kind());
    let _ = writeln!(
        s,
        "Size: {}{}",
        units::count(p.stats.input_bytes, "byte", "bytes"),
        if p.stats.gzipped {
            format!(
                " (gzip; {} inflated)",
                units::count(p.stats.decoded_bytes, "byte", "bytes")
            )
        } else {
            String::new()
        }
    );
    let def = p.default_sample_type();
    let _ = writeln!(s, "Sample types:");
    for (i, st) in p.sample_types.iter().enumerate() {
        let total = p.signed_total(i);
        let _ = writeln!(
            s,
            "  {i}: {}/{}  total {} ({}){}",
            st.ty,
            if st.unit.is_empty() { "-" } else { &st.unit },
            units::label(total, &st.unit),
            total,
            if i == def { "  [default]" } else { "" }
        );
    }
    let _ = writeln!(s, "Samples: {}", p.num_samples());
    let _ = writeln!(s, "Locations: {}", p.locations.len());
    let _ = writeln!(s, "Functions: {}", p.functions.len());
    let _ = writeln!(s, "Mappings: {}", p.mappings.len());
    if let Some(m) = p.mappings.first() {
        let file = p.str(m.file);
        if !file.is_empty() {
            let _ = writeln!(s, "Main binary: {file}");
        }
    }
    if let Some(pt) = &p.period_type {
        let _ = writeln!(
            s,
            "Period: {} ({}/{})",
            units::label(p.period, &pt.unit),
            pt.ty,
            pt.unit
        );
    } else if p.period != 0 {
        let _ = writeln!(s, "Period: {}", p.period);
    }
    if p.time_nanos != 0 {
        let _ = writeln!(s, "Time: {}", units::format_time(p.time_nanos));
    }
    if p.duration_nanos != 0 {
        let _ = writeln!(
            s,
            "Duration: {}",
            units::label(p.duration_nanos, "nanoseconds")
        );
    }
    if !p.drop_frames.is_empty() {
        let _ = writeln!(s, "Drop frames: {}", p.drop_frames);
    }
    if !p.keep_frames.is_empty() {
        let _ = writeln!(s, "Keep frames: {}", p.keep_frames);
    }
    let labelled = p.labels.labelled_samples();
    if labelled > 0 {
        let mut keys: Vec<&str> = p.labels.distinct().iter().map(|l| p.str(l.key)).collect();
        keys.sort_unstable();
        keys.dedup();
        let _ = writeln!(
            s,
            "Labels: {} labelled; keys: {}",
            units::count(labelled as u64, "sample", "samples"),
            keys.join(", ")
        );
    }
    for c in &p.comments {
        let _ = writeln!(s, "Comment: {c}");
    }
    if !p.memstats.is_empty() {
        let _ = writeln!(s, "MemStats:");
        for (k, v) in &p.memstats {
            let _ = writeln!(s, "  {k} = {v}");
        }
    }
    for w in &p.warnings {
        let _ = writeln!(s, "Warning: {w}");
    }
    s
}
