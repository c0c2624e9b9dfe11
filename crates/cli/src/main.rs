//! The `heaplens` command line: a thin front end over heaplens-view's
//! pipeline, the same the web app runs. Flags set the view's parameters
//! ([`ViewParams`]) as the page's controls do. Every failure is one plain
//! line on stderr and exit code 2; output goes through a buffered writer
//! that treats a closed pipe as a normal end.

use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

use heaplens_analysis::folded::{self, DiffFormat};
use heaplens_analysis::{list, Granularity, TopOptions};
use heaplens_profile::diff::DiffMode;
use heaplens_view::params::ViewParams;
use heaplens_view::pipeline::{Inputs, Pipeline, Prepared};
use heaplens_view::report::TableFormat;
use heaplens_view::{benchfmt, benchtab, gate as gates, report};

mod dot;
mod gc;
mod growth;
mod inputs;
mod refine_flags;
mod usage;
mod web;
mod why;

use inputs::{inputs, io_reason, load, write_err, Base};

#[derive(Default)]
pub(crate) struct Args {
    command: String,
    /// The FILE arguments (several for `top`, `folded`, `list` and
    /// `merge`: their merge is read).
    files: Vec<String>,
    /// merge: where the merged profile is written (`-o`).
    output: Option<String>,
    /// What the view shows: sample type, granularity, diff mode, filters.
    params: ViewParams,
    format: String,
    node_count: Option<usize>,
    node_fraction: Option<f64>,
    /// dot: `--edgefraction`.
    edge_fraction: Option<f64>,
    unit: String,
    base: Option<String>,
    /// Gate limits (`--max TYPE:LIMIT`, `--max 'func=REGEX:TYPE:LIMIT'`).
    max: Vec<String>,
    /// gate: growth limits across snapshots (`--max-growth TYPE:10MB/h`).
    max_growth: Vec<String>,
    /// growth: rank by cum, not flat.
    cum: bool,
    /// growth, gate --max-growth: the snapshots in the order given, not by time.
    order_given: bool,
    /// list: the function name pattern.
    pattern: Option<String>,
    /// list: the source directory.
    source: Option<String>,
    /// folded --base: how the diff is written.
    diff_format: Option<DiffFormat>,
    /// gctrace, gate: the process of a log that holds several.
    process: Option<String>,
    /// why, list: the compiler's diagnostics (`--escape DIAG`).
    escape: Vec<String>,
    /// why --base: the base build's diagnostics (`--base-escape DIAG`).
    base_escape: Vec<String>,
}

impl Args {
    /// The first FILE argument.
    pub(crate) fn file(&self) -> Option<&str> {
        self.files.first().map(String::as_str)
    }
}

fn parse_args(argv: &[String]) -> Result<Args, String> {
    let mut a = Args {
        format: "text".into(),
        ..Args::default()
    };
    let mut it = argv.iter().peekable();
    let mut positional: Vec<String> = Vec::new();
    while let Some(arg) = it.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with('-') => (f.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        let mut value = |name: &str| -> Result<String, String> {
            if let Some(v) = inline.clone() {
                return Ok(v);
            }
            it.next()
                .cloned()
                .ok_or_else(|| format!("{name} needs a value"))
        };
        if let Some(set) = refine_flags::set(&flag, &mut a.params, &mut value) {
            set?;
            continue;
        }
        match flag.as_str() {
            "--sample-index" | "--sample_index" | "-sample_index" => {
                a.params.sample_type = Some(value(&flag)?)
            }
            "--granularity" => {
                let v = value(&flag)?;
                a.params.granularity = Granularity::parse(&v).ok_or_else(|| {
                    format!("--granularity must be functions, lines or addresses, not {v:?}")
                })?;
            }
            "--lines" | "-lines" => a.params.granularity = Granularity::Lines,
            "--addresses" | "-addresses" => a.params.granularity = Granularity::Addresses,
            "--functions" => a.params.granularity = Granularity::Functions,
            "--format" => {
                let v = value(&flag)?;
                if v != "text" && v != "tsv" {
                    return Err(format!("--format must be text or tsv, not {v:?}"));
                }
                a.format = v;
            }
            "--nodecount" => {
                let v = value(&flag)?;
                a.node_count = Some(
                    v.parse()
                        .map_err(|_| format!("--nodecount must be a whole number, not {v:?}"))?,
                );
            }
            "--nodefraction" => a.node_fraction = Some(fraction(&flag, &value(&flag)?)?),
            "--edgefraction" => a.edge_fraction = Some(fraction(&flag, &value(&flag)?)?),
            "--unit" => a.unit = value(&flag)?,
            "--base" | "--diff_base" | "--diff-base" | "-base" | "-diff_base" => {
                a.base = Some(value(&flag)?)
            }
            "--normalize" | "-normalize" => a.params.diff.normalize = true,
            "--subtract" => a.params.diff.mode = DiffMode::Base,
            "--max" => a.max.push(value(&flag)?),
            "--max-growth" | "--max_growth" => a.max_growth.push(value(&flag)?),
            "--cum" | "-cum" => a.cum = true,
            "--order" => {
                let v = value(&flag)?;
                a.order_given = match v.as_str() {
                    "given" => true,
                    "time" => false,
                    _ => return Err(format!("--order must be time or given, not {v:?}")),
                };
            }
            "--process" => a.process = Some(value(&flag)?),
            "--escape" => a.escape.push(value(&flag)?),
            "--base-escape" => a.base_escape.push(value(&flag)?),
            "-o" | "--output" => a.output = Some(value(&flag)?),
            "--source" | "--source_path" | "-source_path" => a.source = Some(value(&flag)?),
            "--tagfocus" | "-tagfocus" => a.params.tagfocus = value(&flag)?,
            "--diff-format" => {
                let v = value(&flag)?;
                a.diff_format = Some(DiffFormat::parse(&v).ok_or_else(|| {
                    format!("--diff-format must be two-column or new, not {v:?}")
                })?);
            }
            "-h" | "--help" | "help" if a.command.is_empty() || flag != "help" => {
                a.command = "help".into();
                return Ok(a);
            }
            "-V" | "--version" => {
                a.command = "version".into();
                return Ok(a);
            }
            f if f.starts_with('-') && f.len() > 1 => {
                return Err(format!("unknown option {f} (see heaplens --help)"))
            }
            _ => positional.push(arg.clone()),
        }
    }
    let mut pos = positional.into_iter();
    a.command = pos.next().ok_or("no command given (see heaplens --help)")?;
    if a.command == "list" {
        a.pattern = pos.next();
    }
    a.files = pos.collect();
    if a.diff_format.is_some() && (a.command != "folded" || a.base.is_none()) {
        return Err("--diff-format is for folded --base BASE NEW".into());
    }
    let most = match a.command.as_str() {
        "top" | "folded" | "list" | "merge" | "growth" | "gate" => usize::MAX,
        "bench" => 2,
        _ => 1,
    };
    if let Some(extra) = a.files.get(most) {
        return Err(format!(
            "unexpected argument {extra:?} (one FILE per command; top, folded, list and merge take several)"
        ));
    }
    Ok(a)
}

fn run(a: &Args, out: &mut dyn Write) -> Result<(), String> {
    match a.command.as_str() {
        "help" => usage::write_help(out),
        "version" => writeln!(out, "heaplens {}", env!("CARGO_PKG_VERSION")).map_err(write_err),
        "info" => {
            let path = a.file().ok_or("info: no FILE given")?;
            let p = load(path)?;
            out.write_all(report::info_text(&p).as_bytes())
                .map_err(write_err)
        }
        "top" | "folded" | "diff" => top(a, out),
        "gate" => gate(a, out),
        "growth" => growth::growth(a, out),
        "list" => list(a, out),
        "merge" => inputs::merge(a.output.as_deref(), &a.files),
        "bench" => bench(a, out),
        "why" => why::why(a, out),
        "dot" => dot::dot(a, out),
        "gctrace" => gc::gctrace(
            a.file(),
            a.base.as_deref(),
            a.process.as_deref(),
            a.format == "tsv",
            out,
        ),
        other => Err(format!(
            "unknown command {other:?} (commands: top, diff, list, why, dot, gate, growth, bench, gctrace, folded, merge, info, web; see heaplens --help)"
        )),
    }
}

/// A fraction flag's value: a number from 0 to 1.
fn fraction(flag: &str, v: &str) -> Result<f64, String> {
    let f: f64 = v
        .parse()
        .map_err(|_| format!("{flag} must be a number, not {v:?}"))?;
    if !(0.0..=1.0).contains(&f) {
        return Err(format!("{flag} must be between 0 and 1, not {v}"));
    }
    Ok(f)
}

/// `heaplens bench BASE.txt [NEW.txt]`: the benchstat-like table of one
/// output's values or of two outputs compared, as text or TSV.
fn bench(a: &Args, out: &mut dyn Write) -> Result<(), String> {
    let b = a
        .file()
        .ok_or("bench: give one or two files (heaplens bench BASE.txt [NEW.txt])")?;
    let read = |path: &str| -> Result<benchfmt::BenchSet, String> {
        let bytes =
            std::fs::read(path).map_err(|e| format!("{path}: cannot read: {}", io_reason(&e)))?;
        benchfmt::parse(&String::from_utf8_lossy(&bytes)).map_err(|e| format!("{path}: {e}"))
    };
    let base = read(b)?;
    let file_name = |p: &str| {
        std::path::Path::new(p)
            .file_name()
            .map_or(p.to_string(), |f| f.to_string_lossy().into_owned())
    };
    let (rows, names, config) = match a.files.get(1).map(String::as_str) {
        Some(n) => {
            let new = read(n)?;
            let rows = benchtab::compare(&base, &new);
            if rows.is_empty() {
                return Err(format!("{b} and {n} have no benchmark in common"));
            }
            let config = benchtab::common_config(&[&base, &new]);
            (rows, (file_name(b), file_name(n)), config)
        }
        None => (
            benchtab::single(&base),
            (String::new(), file_name(b)),
            base.config.clone(),
        ),
    };
    let text = if a.format == "tsv" {
        benchtab::tsv(&rows)
    } else {
        benchtab::text(&rows, (&names.0, &names.1), &config)
    };
    out.write_all(text.as_bytes()).map_err(write_err)
}

/// Runs the pipeline for `a`'s parameters; its problems are errors here,
/// said as the CLI says them.
pub(crate) fn prepare<'p>(
    a: &Args,
    inputs: &Inputs,
    pipeline: &'p mut Pipeline,
) -> Result<&'p mut Prepared, String> {
    let prepared = pipeline.prepare(inputs, &a.params)?;
    let path = inputs.profile().map_or("", |p| p.name.as_str());
    let problems = &prepared.problems;
    if let (Some(e), Some(base)) = (&problems.diff, inputs.base()) {
        return Err(format!("{} vs {path}: {e}", base.name));
    }
    if let Some(e) = &problems.sample_type {
        return Err(format!("{path}: {e}"));
    }
    if let Some(e) = &problems.filters {
        return Err(e.clone());
    }
    for w in &prepared.filter_warnings {
        eprintln!("{w}");
    }
    Ok(prepared)
}

/// `heaplens top`, `diff` and `folded`: the top table (text or TSV) or the
/// folded stacks of the prepared view.
fn top(a: &Args, out: &mut dyn Write) -> Result<(), String> {
    let base = match a.command.as_str() {
        "diff" => Base::Required,
        "folded" => Base::Optional,
        _ => Base::Ignored,
    };
    let inputs = inputs(&a.command, &a.files, a.base.as_deref(), base)?;
    let mut pipeline = Pipeline::default();
    let prepared = prepare(a, &inputs, &mut pipeline)?;
    if let Some(note) = &prepared.sample_type_note {
        let path = inputs.profile().map_or("", |p| p.name.as_str());
        eprintln!("heaplens: {path}: {note}");
    }
    // A diff no longer needs the two profiles it was made of.
    drop(inputs);
    let ty = prepared.sample_type;
    if a.command == "folded" {
        let shape = a.params.shape();
        let tree = if shape.is_identity() {
            prepared.tree(a.params.granularity)
        } else {
            prepared.graph_tree(&shape)
        };
        let p = &prepared.profile;
        return match prepared.split {
            Some(split) => {
                let format = a.diff_format.unwrap_or_default();
                folded::write_folded_diff(p, &tree, ty, split, format, out)
            }
            None => folded::write_folded(p, &tree, ty, out),
        }
        .map_err(write_err);
    }
    let mut opts = TopOptions::new(ty);
    opts.drop_negative = a.params.refine.drop_negative;
    if a.format == "text" {
        opts.node_fraction = a.node_fraction.unwrap_or(0.005);
        opts.node_count = a.node_count.unwrap_or(0);
    } else {
        opts.inline_marks = false;
    }
    // Its total is the whole profile's: pprof's percentages stay of it.
    let top = prepared.top(a.params.granularity, &opts);
    let p = &prepared.profile;
    let text = if a.format == "tsv" {
        report::table(report::top_lines(&top), TableFormat::TSV)
    } else {
        let topts = report::TextOptions {
            unit: a.unit.clone(),
            node_fraction: opts.node_fraction,
            node_count: opts.node_count,
            filters: prepared.filters.clone(),
        };
        report::top_text(p, ty, &top, &topts)
    };
    out.write_all(text.as_bytes()).map_err(write_err)
}

/// `heaplens list REGEX FILE`: the line listing of the matching functions,
/// with their source where it is found.
fn list(a: &Args, out: &mut dyn Write) -> Result<(), String> {
    let usage = "list: give a pattern and a file (heaplens list REGEX FILE)";
    let pattern = a.pattern.as_deref().ok_or(usage)?;
    a.file().ok_or(usage)?;
    let inputs = inputs(&a.command, &a.files, a.base.as_deref(), Base::Optional)?;
    let mut pipeline = Pipeline::default();
    let prepared = prepare(a, &inputs, &mut pipeline)?;
    drop(inputs);
    let (p, ty) = (&prepared.profile, prepared.sample_type);
    let funcs = list::lines(p, ty, pattern).map_err(|e| e.to_string())?;
    if funcs.is_empty() {
        return Err(format!("no matches found for regexp: {pattern}"));
    }
    if a.format == "tsv" {
        // Raw integers, one row per line with a value: for scripts and tests.
        let mut text = String::from("function\tfile\tline\tflat\tcum\n");
        for f in &funcs {
            for l in &f.lines {
                let name = f.name.replace(['\t', '\n', '\r'], " ");
                let file = f.file.replace(['\t', '\n', '\r'], " ");
                text.push_str(&format!(
                    "{name}\t{file}\t{}\t{}\t{}\n",
                    l.line, l.flat, l.cum
                ));
            }
        }
        return out.write_all(text.as_bytes()).map_err(write_err);
    }
    let mut cache: std::collections::HashMap<String, Option<String>> = Default::default();
    let mut source = |f: &list::FunctionLines| -> Option<String> {
        cache
            .entry(f.file.clone())
            .or_insert_with(|| {
                let candidates = match a.source.as_deref() {
                    Some(dir) => list::source_candidates(dir, &f.file),
                    None => vec![f.file.clone()],
                };
                candidates.iter().find_map(|c| {
                    std::fs::read(c)
                        .ok()
                        .map(|b| String::from_utf8_lossy(&b).into_owned())
                })
            })
            .clone()
    };
    let opts = list::TextOptions {
        unit: a.unit.clone(),
    };
    let diags = (!a.escape.is_empty())
        .then(|| why::read_diagnostics(&a.escape))
        .transpose()?;
    let all;
    let index = match &diags {
        Some(d) => {
            all = list::lines_where(p, ty, |_| true);
            let index = heaplens_view::why::Index::new(&d.diags, &all);
            if let Some(note) = index.nothing_matched(&a.escape.join(", ")) {
                eprintln!("heaplens: {note}");
            }
            index
        }
        None => heaplens_view::why::Index::default(),
    };
    let text = list::text_annotated(p, ty, &funcs, &opts, &mut source, &mut why::notes(&index));
    out.write_all(text.as_bytes()).map_err(write_err)
}

/// `heaplens gate`: exit 0 when every limit holds, 1 (naming the culprits)
/// when one is exceeded.
fn gate(a: &Args, out: &mut dyn Write) -> Result<(), String> {
    let (mut text, failed, count) = if a.max_growth.is_empty() {
        base_gate(a)?
    } else {
        growth::gate(a)?
    };
    text.push_str(&match (failed, count) {
        (0, 1) => "gate: the limit holds\n".to_string(),
        (_, 1) => "gate: the limit is exceeded\n".to_string(),
        (0, n) => format!("gate: all {n} limits hold\n"),
        (f, n) => format!("gate: {f} of {n} limits exceeded\n"),
    });
    out.write_all(text.as_bytes()).map_err(write_err)?;
    if failed > 0 {
        Err(GATE_FAILED.into())
    } else {
        Ok(())
    }
}

/// The checks of a gate of a new profile (or gctrace log) against its
/// base: (their lines, failed, count).
fn base_gate(a: &Args) -> Result<(String, usize, usize), String> {
    if let Some(extra) = a.files.get(1) {
        return Err(format!(
            "unexpected argument {extra:?} (gate --base BASE takes one NEW file; --max-growth takes several snapshots)"
        ));
    }
    let path = a
        .file()
        .ok_or("gate: no NEW profile given (heaplens gate --base BASE NEW --max TYPE:+5%)")?;
    let base_path = a
        .base
        .as_deref()
        .ok_or("gate: no base given (--base BASE)")?;
    if a.max.is_empty() {
        return Err(
            "gate: no limits given (--max alloc_space:+5%, --max 'func=REGEX:alloc_space:+1MB')"
                .into(),
        );
    }
    let limits = a
        .max
        .iter()
        .map(|m| gates::parse_limit(m).map_err(|e| e.to_string()))
        .collect::<Result<Vec<_>, _>>()?;
    if gc::is_gctrace(path) {
        gc::gate(path, base_path, a.process.as_deref(), &limits)
    } else {
        profile_gate(path, base_path, &limits)
    }
}

/// The checks of a profile gate: (their lines, failed, count).
fn profile_gate(
    path: &str,
    base_path: &str,
    limits: &[gates::Limit],
) -> Result<(String, usize, usize), String> {
    let new = load(path)?;
    let base = load(base_path)?;
    let checks =
        gates::evaluate(&new, &base, limits).map_err(|e| format!("{base_path} vs {path}: {e}"))?;
    let mut text = String::new();
    for c in &checks {
        text.push_str(&c.line());
        text.push('\n');
        for (name, v) in &c.culprits {
            text.push_str(&format!(
                "       +{} {name}\n",
                heaplens_profile::units::label(*v, &c.unit)
            ));
        }
    }
    let failed = checks.iter().filter(|c| !c.pass).count();
    Ok((text, failed, checks.len()))
}

/// Marker error: the gate ran and a limit was exceeded (exit code 1).
const GATE_FAILED: &str = "\u{0}gate failed";

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    if argv.first().is_some_and(|c| c == "web") {
        return web::main(&argv[1..]);
    }
    let args = match parse_args(&argv) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("heaplens: {e}");
            return ExitCode::from(2);
        }
    };
    let stdout = io::stdout();
    let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
    let result = run(&args, &mut out)
        .and_then(|()| out.flush().map_err(|e| format!("cannot write output: {e}")));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        // A closed pipe (`heaplens folded f | head`) is a normal end.
        Err(e) if e.contains("Broken pipe") => ExitCode::SUCCESS,
        Err(e) if e == GATE_FAILED => ExitCode::from(1),
        Err(e) => {
            eprintln!("heaplens: {e}");
            ExitCode::from(2)
        }
    }
}
