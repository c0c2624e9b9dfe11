//! Callers and callees of the selected function (pprof's `peek`).

use heaplens_profile::units;
use heaplens_view::session::PeekData;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct PeekPanelProps {
    pub peek: PeekData,
    pub total: i64,
    pub unit: AttrValue,
    /// Values are changes (new − base): shown with their sign.
    #[prop_or_default]
    pub diff: bool,
    pub on_select: Callback<String>,
    pub on_close: Callback<()>,
}

#[component]
pub fn PeekPanel(props: &PeekPanelProps) -> Html {
    let p = &props.peek;
    let unit = props.unit.to_string();
    let total = props.total;
    let label = |v: i64| {
        if props.diff && v > 0 {
            format!("+{}", units::label(v, &unit))
        } else {
            units::label(v, &unit)
        }
    };
    let table = |title: &str, rows: &[(String, i64)], id: &str| {
        let body = rows.iter().take(50).map(|(name, v)| {
            let cb = props.on_select.clone();
            let n = name.clone();
            let clickable = name != "(root)";
            html! {
                <tr onclick={Callback::from(move |_| if clickable { cb.emit(n.clone()) })}>
                    <td class="num" title={v.to_string()}>{ label(*v) }</td>
                    <td class="num">{ units::percentage(*v, total).trim().to_string() }</td>
                    <td class="name" title={name.clone()}>{ crate::paint::truncate(name, 120) }</td>
                </tr>
            }
        });
        html! {
            <div class="peek-part">
                <h3>{ title.to_string() }</h3>
                if rows.is_empty() {
                    <p class="empty">{ "none" }</p>
                } else {
                    <table id={id.to_string()}><tbody>{ for body }</tbody></table>
                }
            </div>
        }
    };
    let close = {
        let cb = props.on_close.clone();
        Callback::from(move |_| cb.emit(()))
    };
    html! {
        <section class="peek" aria-label="Callers and callees">
            <div class="peek-head">
                <h2 title={p.name.clone()}>{ crate::paint::truncate(&p.name, 100) }</h2>
                <span class="peek-values">
                    { format!("flat {} ({}) · cum {} ({})",
                        label(p.flat), units::percentage(p.flat, total).trim(),
                        label(p.cum), units::percentage(p.cum, total).trim()) }
                </span>
                <button class="close" onclick={close} aria-label="Clear the selection">{ "×" }</button>
            </div>
            if p.types.len() > 1 { { types(&p.types, props.diff) } }
            <div class="peek-tables">
                { table("Called from", &p.callers, "callers") }
                { table("Calls", &p.callees, "callees") }
            </div>
        </section>
    }
}

/// The function's flat and cum of every sample type, and bytes per object.
fn types(vals: &[heaplens_view::session::TypeValue], diff: bool) -> Html {
    let show = |v: i64, unit: &str| {
        if diff && v > 0 {
            format!("+{}", units::label(v, unit))
        } else {
            units::label(v, unit)
        }
    };
    let cells = vals.iter().map(|t| {
        html! { <span class="peek-type" data-type={t.name.clone()} data-flat={t.self_value.to_string()} data-cum={t.total.to_string()}><b>{ t.name.clone() }</b>{ format!(" flat {} · cum {}", show(t.self_value, &t.unit), show(t.total, &t.unit)) }</span> }
    });
    let per = heaplens_view::session::values::per_object(vals)
        .filter(|_| !diff)
        .map(|(stem, per, unit)| {
            format!("{} per object ({stem}, by cum)", units::label(per, &unit))
        });
    html! {
        <p class="peek-types" id="peek-types">
            { for cells }
            if let Some(p) = per { <span class="peek-type per-object">{ p }</span> }
        </p>
    }
}
