//! The line view of the selected function (`go tool pprof -list`): its
//! source lines with flat and cum, and, once the reader drops or picks the
//! source file, the code itself with the hot lines shaded. Sources are read
//! in the page and never leave it.

use std::rc::Rc;

use heaplens_analysis::keys::base_name;
use heaplens_analysis::list::{self, FunctionLines, SourceRow};
use heaplens_profile::units;
use heaplens_view::why::view::LineNote;
use web_sys::HtmlInputElement;
use yew::prelude::*;

pub use crate::state::CodeFiles as Sources;

/// Whether a file name looks like source code rather than a profile.
pub fn is_source_file(name: &str) -> bool {
    const EXTENSIONS: [&str; 26] = [
        "go", "rs", "c", "h", "cc", "cpp", "cxx", "hh", "hpp", "hxx", "java", "kt", "scala", "py",
        "js", "mjs", "cjs", "ts", "rb", "cs", "swift", "m", "mm", "php", "zig", "s",
    ];
    name.rsplit_once('.').is_some_and(|(stem, ext)| {
        !stem.is_empty() && EXTENSIONS.contains(&ext.to_ascii_lowercase().as_str())
    })
}

#[derive(Properties, PartialEq)]
pub struct LinesPanelProps {
    pub lines: Rc<Vec<FunctionLines>>,
    pub sources: Sources,
    /// What the compiler said about lines (with diagnostics loaded).
    pub notes: Rc<Vec<LineNote>>,
    pub total: i64,
    pub unit: AttrValue,
    /// Values are net (new − base).
    pub diff: bool,
    /// Source files picked with the panel's input.
    pub on_sources: Callback<Vec<web_sys::File>>,
}

#[component]
pub fn LinesPanel(props: &LinesPanelProps) -> Html {
    let unit = props.unit.to_string();
    let onchange = {
        let cb = props.on_sources.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            if let Some(files) = input.files() {
                cb.emit((0..files.length()).filter_map(|i| files.get(i)).collect());
            }
            input.set_value("");
        })
    };
    let value = |v: i64| {
        if v == 0 {
            ".".to_string()
        } else if props.diff && v > 0 {
            format!("+{}", units::label(v, &unit))
        } else {
            units::label(v, &unit)
        }
    };
    let tone = |v: i64| match (props.diff, v.signum()) {
        (true, 1) => "up",
        (true, -1) => "down",
        _ => "",
    };
    let routine = |f: &FunctionLines| {
        let file = base_name(&f.file);
        let source = props.sources.get(file);
        let rows: Vec<SourceRow> = match source {
            Some(text) => list::annotate(f, text),
            None => f
                .lines
                .iter()
                .map(|l| SourceRow {
                    line: l.line,
                    text: String::new(),
                    flat: l.flat,
                    cum: l.cum,
                })
                .collect(),
        };
        // Shade by flat: the lines that allocate (or take the time)
        // themselves stand out from those that only call.
        let hottest = rows
            .iter()
            .map(|r| r.flat.unsigned_abs())
            .max()
            .unwrap_or(0)
            .max(1);
        let cols = if source.is_some() { "4" } else { "3" };
        let body = rows.iter().map(|r| {
            let heat = r.flat.unsigned_abs() as f64 / hottest as f64;
            let style = (r.flat != 0).then(|| format!("--heat:{:.3}", 0.12 + 0.55 * heat));
            let says: Vec<&LineNote> = props
                .notes
                .iter()
                .filter(|n| n.line == r.line && n.file == f.file)
                .collect();
            html! { <>
                <tr data-line={r.line.to_string()} data-flat={r.flat.to_string()} data-cum={r.cum.to_string()}
                    class={classes!((r.flat != 0).then_some("hot"), tone(r.flat))} {style}>
                    <td class="num" title={r.flat.to_string()}>{ value(r.flat) }</td>
                    <td class="num" title={r.cum.to_string()}>{ value(r.cum) }</td>
                    <td class="num lineno">{ r.line.to_string() }</td>
                    if source.is_some() {
                        <td class="code"><code>{ r.text.clone() }</code></td>
                    }
                </tr>
                if !says.is_empty() {
                    <tr class="why-line" data-line={r.line.to_string()}>
                        <td colspan={cols}>{ for says.iter().map(|n| note(n)) }</td>
                    </tr>
                }
            </> }
        });
        html! {
            <div class="routine" data-file={f.file.clone()}>
                <h3>
                    <span class="fn" title={f.name.clone()}>{ crate::paint::truncate(&f.name, 100) }</span>
                    <span class="file" title={f.file.clone()}>{ if f.file.is_empty() { "(no file)".to_string() } else { f.file.clone() } }</span>
                    <span class="peek-values">{ format!("flat {} · cum {} ({})", value(f.flat), value(f.cum), units::percentage(f.cum, props.total).trim()) }</span>
                </h3>
                if source.is_none() && !f.file.is_empty() {
                    <p class="hint">{ format!("Drop {file} on the page, or add it here, to see the code.") }</p>
                }
                <table class={classes!("source", source.is_some().then_some("with-code"))}>
                    <thead><tr>
                        <th scope="col" class="num">{ "flat" }</th>
                        <th scope="col" class="num">{ "cum" }</th>
                        <th scope="col" class="num">{ "line" }</th>
                        if source.is_some() { <th scope="col">{ "source" }</th> }
                    </tr></thead>
                    <tbody>{ for body }</tbody>
                </table>
            </div>
        }
    };
    html! {
        <section class="lines" id="lines-panel" aria-label="Source lines">
            <div class="lines-head">
                <h2>{ "Lines" }</h2>
                <label class="pick" title="Source files are read in this tab and never sent anywhere">
                    { "Add source files…" }
                    <input id="source-input" type="file" multiple=true {onchange} />
                </label>
                if !props.sources.is_empty() {
                    <span class="hint">{ format!("{} source file{} open", props.sources.len(), if props.sources.len() == 1 { "" } else { "s" }) }</span>
                }
            </div>
            { for props.lines.iter().map(routine) }
        </section>
    }
}

/// One diagnostic under its line: the message, and `-m=2`'s flow folded
/// under it.
fn note(n: &LineNote) -> Html {
    let class = classes!("why-say", n.allocates.then_some("allocates"));
    if n.flow.is_empty() {
        return html! { <div {class} data-kind={n.kind.clone()}>{ format!("▸ {}", n.message) }</div> };
    }
    html! {
        <details {class} data-kind={n.kind.clone()}>
            <summary>{ n.message.clone() }</summary>
            <pre>{ n.flow.join("\n") }</pre>
        </details>
    }
}

#[cfg(test)]
mod tests {
    use super::is_source_file;

    #[test]
    fn source_files_are_told_from_profiles() {
        for s in ["api.go", "main.rs", "Foo.JAVA", "a/b/x.cc", "app.py"] {
            assert!(is_source_file(s), "{s}");
        }
        for p in [
            "mem.prof",
            "heap.pb.gz",
            "cpu.pprof",
            "go",
            ".go",
            "heap",
            "stacks.folded",
        ] {
            assert!(!is_source_file(p), "{p}");
        }
    }
}
