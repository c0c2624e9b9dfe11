//! What the objects are: the object sizes of a Go heap profile's samples
//! (the runtime's `bytes` label) as bars over Go's size classes, for the
//! selected function or the whole view; in a diff, base and new side by
//! side. The same numbers as a table under the chart.

use heaplens_profile::units;
use heaplens_view::sizes::{bin_label, Histogram};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct SizesPanelProps {
    pub sizes: Box<Histogram>,
    pub unit: AttrValue,
    /// The sample type's name (`alloc_space`).
    pub type_name: AttrValue,
}

const HEIGHT: f64 = 150.0;
const TOP: f64 = 16.0;
const BOTTOM: f64 = 46.0;
const LEFT: f64 = 56.0;
const SLOT: f64 = 30.0;

#[component]
pub fn SizesPanel(props: &SizesPanelProps) -> Html {
    let h = &props.sizes;
    let unit = props.unit.to_string();
    let max = h
        .bins
        .iter()
        .map(|b| b.value.max(b.base).max(0))
        .max()
        .unwrap_or(0)
        .max(1);
    let total: i64 = h.bins.iter().map(|b| b.value).sum();
    let base_total: i64 = h.bins.iter().map(|b| b.base).sum();
    let width = LEFT + SLOT * h.bins.len() as f64 + 8.0;
    let plot = HEIGHT - TOP - BOTTOM;
    let y = |v: i64| TOP + plot * (1.0 - (v.max(0) as f64 / max as f64));
    let of = h
        .function
        .as_deref()
        .map_or("all samples".to_string(), |f| {
            crate::paint::truncate(f, 80).to_string()
        });
    let bars = h.bins.iter().enumerate().map(|(i, b)| {
        let x = LEFT + SLOT * i as f64 + 4.0;
        let label = bin_label(b);
        let share = |v: i64, t: i64| units::percentage(v, t).trim().to_string();
        let tip = if h.diff {
            format!(
                "{label} objects: {} → {} of {}",
                units::label(b.base, &unit),
                units::label(b.value, &unit),
                props.type_name
            )
        } else {
            format!(
                "{label} objects: {} ({}) of {}",
                units::label(b.value, &unit),
                share(b.value, total),
                props.type_name
            )
        };
        let w = SLOT - 8.0;
        html! {
            <g class="bin" data-hi={b.hi.to_string()} data-value={b.value.to_string()} data-base={b.base.to_string()}>
                <title>{ tip }</title>
                if h.diff {
                    <rect class="bar base" x={fmt(x)} y={fmt(y(b.base))} width={fmt(w / 2.0)} height={fmt(TOP + plot - y(b.base))} />
                    <rect class="bar" x={fmt(x + w / 2.0)} y={fmt(y(b.value))} width={fmt(w / 2.0)} height={fmt(TOP + plot - y(b.value))} />
                } else {
                    <rect class="bar" x={fmt(x)} y={fmt(y(b.value))} width={fmt(w)} height={fmt(TOP + plot - y(b.value))} />
                }
                <text class="tick" x={fmt(x + w / 2.0)} y={fmt(TOP + plot + 10.0)}
                    transform={format!("rotate(-40 {} {})", fmt(x + w / 2.0), fmt(TOP + plot + 10.0))}
                    text-anchor="end">{ label }</text>
            </g>
        }
    });
    html! {
        <section class="sizes" id="sizes-panel" aria-label="Object sizes">
            <h2>{ "Object sizes" }<span class="hint">{ format!(" — {} of {of}, by Go size class{}", props.type_name, if h.diff { " (grey: base, orange: new)" } else { "" }) }</span></h2>
            if h.bins.is_empty() {
                <p class="muted">{ "No sample here carries an object size." }</p>
            } else {
                <svg class="sizes-chart" role="img" aria-label={format!("{} by object size", props.type_name)}
                    viewBox={format!("0 0 {} {HEIGHT}", fmt(width))} width={fmt(width)} height={fmt(HEIGHT)}>
                    <line class="axis" x1={fmt(LEFT)} x2={fmt(width - 4.0)} y1={fmt(TOP + plot)} y2={fmt(TOP + plot)} />
                    <text class="tick" x={fmt(LEFT - 4.0)} y={fmt(TOP + 4.0)} text-anchor="end">{ units::label(max, &unit) }</text>
                    <text class="tick" x={fmt(LEFT - 4.0)} y={fmt(TOP + plot)} text-anchor="end">{ "0" }</text>
                    { for bars }
                </svg>
                <details class="sizes-table">
                    <summary>{ "As a table" }</summary>
                    <table id="sizes-table">
                        <thead><tr>
                            <th>{ "size class" }</th>
                            if h.diff { <th class="num">{ "base" }</th><th class="num">{ "new" }</th> } else { <th class="num">{ props.type_name.to_string() }</th><th class="num">{ "share" }</th> }
                        </tr></thead>
                        <tbody>{ for h.bins.iter().map(|b| html! {
                            <tr data-hi={b.hi.to_string()} data-value={b.value.to_string()} data-base={b.base.to_string()}>
                                <td>{ bin_label(b) }</td>
                                if h.diff {
                                    <td class="num">{ units::label(b.base, &unit) }</td>
                                    <td class="num">{ units::label(b.value, &unit) }</td>
                                } else {
                                    <td class="num">{ units::label(b.value, &unit) }</td>
                                    <td class="num">{ units::percentage(b.value, total).trim().to_string() }</td>
                                }
                            </tr>
                        }) }</tbody>
                    </table>
                </details>
            }
            if h.unlabelled != 0 {
                <p class="muted">{ format!("{} of samples without an object size are not shown.", units::label(h.unlabelled, &unit)) }</p>
            }
            if h.diff {
                <p class="muted">{ format!("In all: {} in the base, {} in the new profile.", units::label(base_total, &unit), units::label(total, &unit)) }</p>
            }
        </section>
    }
}

/// A coordinate with one decimal.
fn fmt(v: f64) -> String {
    format!("{v:.1}")
}
