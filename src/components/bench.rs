//! Benchmark outputs beside the profiles: a benchstat-like table of
//! `go test -bench -benchmem` results, base against new, per unit, with a
//! geomean row; one output alone shows its values.

use std::rc::Rc;

use heaplens_view::benchfmt::{short, Comparison};
use heaplens_view::benchtab::{count_hint, geomeans, Stat};
use yew::prelude::*;

use crate::state::Bench;

#[derive(Properties, PartialEq)]
pub struct BenchPanelProps {
    pub bench: Rc<Bench>,
}

fn cell((mean, var, n): Stat) -> String {
    let m = short(mean);
    if n >= 2 {
        format!("{m} ±{:.0}%", var * 100.0)
    } else {
        m
    }
}

fn delta(c: &Comparison) -> (String, &'static str) {
    match (c.delta_pct, c.p) {
        (Some(d), Some(p)) if p < 0.05 => (
            format!("{d:+.1}%  (p={p:.3})"),
            if d < 0.0 { "down" } else { "up" },
        ),
        (Some(_), Some(p)) => (format!("~  (p={p:.3}, not significant)"), ""),
        (Some(d), None) => (format!("{d:+.1}%  (single run)"), ""),
        (None, _) => ("?".to_string(), ""),
    }
}

/// Downloads the comparison as benchstat's text or as TSV.
fn save(b: &Rc<Bench>, tsv: bool) -> Callback<MouseEvent> {
    let b = b.clone();
    Callback::from(move |_| {
        let Some(rows) = &b.comparison else {
            return;
        };
        let (name, mime, body) = if tsv {
            (
                "benchmarks.tsv",
                "text/tab-separated-values",
                heaplens_view::benchtab::tsv(rows),
            )
        } else {
            let names = (b.base_name.as_str(), b.new_name.as_str());
            (
                "benchmarks.txt",
                "text/plain",
                heaplens_view::benchtab::text(rows, names, &[]),
            )
        };
        // A failed download leaves the table as it is; there is nothing to undo.
        let _ = crate::link::download(name, mime, body.as_bytes());
    })
}

#[component]
pub fn BenchPanel(props: &BenchPanelProps) -> Html {
    let b = &props.bench;
    let Some(rows) = &b.comparison else {
        return html! {};
    };
    let pair = rows.iter().any(|r| r.base.is_some());
    let geo = geomeans(rows);
    let cols = if pair { 4 } else { 2 };
    let mut body = Vec::new();
    for (i, c) in rows.iter().enumerate() {
        if i == 0 || rows[i - 1].unit != c.unit {
            body.push(html! { <tr class="unit"><th colspan={cols.to_string()}>{ c.unit.clone() }</th></tr> });
        }
        let (d, tone) = delta(c);
        body.push(html! {
            <tr data-bench={c.name.clone()} data-unit={c.unit.clone()}>
                <td class="name">{ c.name.clone() }</td>
                if let Some(base) = c.base { <td class="num">{ cell(base) }</td> }
                <td class="num">{ cell(c.new) }</td>
                if pair { <td class={classes!("num", tone)}>{ d }</td> }
            </tr>
        });
        let unit_ends = rows.get(i + 1).is_none_or(|n| n.unit != c.unit);
        if let Some(g) = geo.iter().find(|g| unit_ends && g.unit == c.unit) {
            body.push(html! {
                <tr class="geomean" data-bench="geomean" data-unit={g.unit.clone()}>
                    <td class="name">{ "geomean" }</td>
                    if let Some(base) = g.base { <td class="num">{ short(base) }</td> }
                    <td class="num">{ short(g.new) }</td>
                    if pair { <td class="num">{ g.delta_pct.map(|d| format!("{d:+.1}%")).unwrap_or_default() }</td> }
                </tr>
            });
        }
    }
    let (title, head) = if pair {
        (
            format!("Benchmarks: {} → {}", b.base_name, b.new_name),
            html! { <tr><th>{ "benchmark" }</th><th class="num">{ "base" }</th><th class="num">{ "new" }</th><th class="num">{ "change" }</th></tr> },
        )
    } else {
        let name = if b.new_name.is_empty() {
            &b.base_name
        } else {
            &b.new_name
        };
        (
            format!("Benchmarks: {name}"),
            html! { <tr><th>{ "benchmark" }</th><th class="num">{ "mean" }</th></tr> },
        )
    };
    let about = if pair {
        "Mean ± largest deviation over the runs; the change is significant when the Mann–Whitney U test gives p < 0.05."
    } else {
        "Mean ± largest deviation over the runs. Add a second output (base or new) to compare."
    };
    html! {
        <section class="bench" id="bench" aria-label="Benchmarks">
            <h2>{ title }</h2>
            <table id="bench-table">
                <thead>{ head }</thead>
                <tbody>{ for body }</tbody>
            </table>
            <p class="hint">{ about }</p>
            if let Some(hint) = count_hint(rows) {
                <p class="hint" id="bench-count-hint">{ hint }</p>
            }
            <p class="bench-export">
                <button id="bench-text" onclick={save(b, false)} title="The comparison as benchstat prints it">{ "Download as text" }</button>
                <button id="bench-tsv" onclick={save(b, true)} title="One row per benchmark and unit, raw numbers">{ "Download as TSV" }</button>
            </p>
        </section>
    }
}
