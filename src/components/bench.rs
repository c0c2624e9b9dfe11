//! Benchmark outputs beside the profiles: a benchstat-like table of
//! `go test -bench -benchmem` results, base against new, per unit.

use std::rc::Rc;

use heaplens_view::benchfmt::{short, Comparison};
use yew::prelude::*;

use crate::state::Bench;

#[derive(Properties, PartialEq)]
pub struct BenchPanelProps {
    pub bench: Rc<Bench>,
}

fn cell((mean, var, n): (f64, f64, usize)) -> String {
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

#[component]
pub fn BenchPanel(props: &BenchPanelProps) -> Html {
    let b = &props.bench;
    let Some(rows) = &b.comparison else {
        let (have, missing) = if b.new_name.is_empty() {
            (&b.base_name, "new (the profile input)")
        } else {
            (&b.new_name, "base")
        };
        return html! {
            <section class="bench" id="bench" aria-label="Benchmarks">
                <p>{ format!("Benchmark output {have} loaded; add the {missing} output to compare.") }</p>
            </section>
        };
    };
    let mut body = Vec::new();
    let mut last = String::new();
    for c in rows {
        if c.unit != last {
            last = c.unit.clone();
            body.push(html! { <tr class="unit"><th colspan="4">{ c.unit.clone() }</th></tr> });
        }
        let (d, tone) = delta(c);
        body.push(html! {
            <tr data-bench={c.name.clone()} data-unit={c.unit.clone()}>
                <td class="name">{ c.name.clone() }</td>
                <td class="num">{ cell(c.base) }</td>
                <td class="num">{ cell(c.new) }</td>
                <td class={classes!("num", tone)}>{ d }</td>
            </tr>
        });
    }
    html! {
        <section class="bench" id="bench" aria-label="Benchmarks">
            <h2>{ format!("Benchmarks: {} → {}", b.base_name, b.new_name) }</h2>
            <table id="bench-table">
                <thead><tr><th>{ "benchmark" }</th><th class="num">{ "base" }</th><th class="num">{ "new" }</th><th class="num">{ "change" }</th></tr></thead>
                <tbody>{ for body }</tbody>
            </table>
            <p class="hint">{ "Mean ± largest deviation over the runs; the change is significant when the Mann–Whitney U test gives p < 0.05." }</p>
        </section>
    }
}
