//! The diff summary above the flame graph: every sample type's total in the
//! base and the new profile with the change, the functions that grew and
//! shrank most, and the switch between the difference and the profile alone.

use heaplens_profile::units;
use heaplens_view::params::WidthBy;
use heaplens_view::session::summary::DiffSummary;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ImpactPanelProps {
    /// The summary when the view is a diff.
    pub diff: Option<DiffSummary>,
    /// Name of the loaded base (shown when the difference is off).
    pub base_name: AttrValue,
    pub showing_diff: bool,
    pub unit: AttrValue,
    pub width_by: WidthBy,
    pub on_toggle: Callback<bool>,
    pub on_width_by: Callback<WidthBy>,
    /// Exchange the profile and the base.
    pub on_swap: Callback<()>,
    /// Why the two cannot be compared, if so.
    #[prop_or_default]
    pub error: Option<AttrValue>,
    /// Frames coloured by the change of their self value (else total).
    #[prop_or_default]
    pub color_by_self: bool,
    #[prop_or_default]
    pub on_color_by_self: Callback<bool>,
    /// pprof's `-base` and `-normalize`.
    #[prop_or_default]
    pub subtract: bool,
    #[prop_or_default]
    pub normalize: bool,
    #[prop_or_default]
    pub on_subtract: Callback<bool>,
    #[prop_or_default]
    pub on_normalize: Callback<bool>,
}

/// `96.06MB → 34.93MB (−63.6%)`.
pub fn change_text(base: i64, new: i64, unit: &str) -> String {
    let pct = units::change_percent(new.wrapping_sub(base), base)
        .map(|p| format!(" ({p:+.1}%)"))
        .unwrap_or_default();
    format!(
        "{} → {}{pct}",
        units::label(base, unit),
        units::label(new, unit)
    )
    .replace('-', "−")
}

#[component]
pub fn ImpactPanel(props: &ImpactPanelProps) -> Html {
    let toggle = diff_toggle(props);
    let swap = swap_button(&props.on_swap);
    let width = width_select(props);
    let Some(d) = &props.diff else {
        return html! {
            <section class="impact off" aria-label="Comparison">
                { toggle }
                <span class="muted">{ format!(" (base: {})", props.base_name) }</span>
                if let Some(e) = &props.error {
                    <p class="error-text" id="diff-error">{ format!("Cannot compare: {e}.") }</p>
                }
            </section>
        };
    };
    let unit = props.unit.to_string();
    html! {
        <section class="impact" id="impact" aria-label="Comparison">
            <div class="impact-head">
                <strong>{ format!("{} → {}", d.base_name, d.new_name) }</strong>
                { swap }
                { width }
                { color_select(props) }
                { toggle }
            </div>
            <p class="impact-types" id="impact-summary">
                { for d.impact.iter().map(|i| {
                    let cls = if i.new < i.base { "down" } else if i.new > i.base { "up" } else { "" };
                    html! { <span class={classes!("impact-type", cls)}><b>{ i.sample_type.clone() }</b>{ " " }{ change_text(i.base, i.new, &i.unit) }</span> }
                }) }
            </p>
            { options(props) }
            <div class="impact-lists">
                <div><h3>{ "Biggest reductions (flat)" }</h3><ul class="down">{ change_list(&d.shrank, &unit) }</ul></div>
                <div><h3>{ "Biggest increases (flat)" }</h3><ul class="up">{ change_list(&d.grew, &unit) }</ul></div>
            </div>
            if !d.hot.is_empty() {
                { hot_sites(d) }
            }
        </section>
    }
}

/// The "show the difference" checkbox.
fn diff_toggle(props: &ImpactPanelProps) -> Html {
    let onchange = {
        let cb = props.on_toggle.clone();
        let on = props.showing_diff;
        Callback::from(move |_: Event| cb.emit(!on))
    };
    html! {
        <label class="diff-toggle">
            <input id="diff-toggle" type="checkbox" checked={props.showing_diff} {onchange} />
            { " Show the difference to the base" }
        </label>
    }
}

/// The button that exchanges the profile and the base.
fn swap_button(on_swap: &Callback<()>) -> Html {
    let cb = on_swap.clone();
    html! { <button id="swap-button" title="Use the profile as the base and the base as the profile"
    onclick={Callback::from(move |_| cb.emit(()))}>{ "Swap ⇄" }</button> }
}

/// The frame width choice: new profile, base, or the larger of the two.
fn width_select(props: &ImpactPanelProps) -> Html {
    let cb = props.on_width_by.clone();
    let onchange = Callback::from(move |e: Event| {
        let sel: HtmlSelectElement = e.target_unchecked_into();
        cb.emit(match sel.value().as_str() {
            "base" => WidthBy::Base,
            "max" => WidthBy::Max,
            _ => WidthBy::New,
        })
    });
    let opt = |v: &str, label: &str, w: WidthBy| html! { <option value={v.to_string()} selected={props.width_by == w}>{ label.to_string() }</option> };
    html! {
        <label class="width-by">{ "Frame width: " }
            <select id="width-by" {onchange}>
                { opt("new", "new profile", WidthBy::New) }
                { opt("base", "base", WidthBy::Base) }
                { opt("max", "larger of the two (shows removed work)", WidthBy::Max) }
            </select>
        </label>
    }
}

/// The colour choice: change of total or change of self.
fn color_select(props: &ImpactPanelProps) -> Html {
    html! {
        <label class="width-by">{ "Colour by: " }
            <select id="color-by" onchange={{
                let cb = props.on_color_by_self.clone();
                Callback::from(move |e: Event| {
                    let sel: HtmlSelectElement = e.target_unchecked_into();
                    cb.emit(sel.value() == "self")
                })
            }}>
                <option value="total" selected={!props.color_by_self}>{ "change of total" }</option>
                <option value="self" selected={props.color_by_self}>{ "change of self" }</option>
            </select>
        </label>
    }
}

/// The `-normalize` and `-base` checkboxes.
fn options(props: &ImpactPanelProps) -> Html {
    html! {
        <div class="impact-options">
            <label title="pprof -normalize: scale the new profile so each sample type's total equals the base's">
                <input id="normalize" type="checkbox" checked={props.normalize}
                    onchange={{ let cb = props.on_normalize.clone(); let v = props.normalize; Callback::from(move |_: Event| cb.emit(!v)) }} />
                { " normalize" }
            </label>
            <label title="pprof -base instead of -diff_base: percentages of the net total, not of the base's">
                <input id="subtract" type="checkbox" checked={props.subtract}
                    onchange={{ let cb = props.on_subtract.clone(); let v = props.subtract; Callback::from(move |_: Event| cb.emit(!v)) }} />
                { " percentages of the net total (-base)" }
            </label>
        </div>
    }
}

/// The list items of functions that grew or shrank, with their change.
fn change_list(items: &[(String, i64)], unit: &str) -> Html {
    items
        .iter()
        .map(|(name, v)| {
            let label = units::label(*v, unit);
            html! {
                <li title={name.clone()}>
                    <span class="v">{ if *v > 0 { format!("+{label}") } else { label.replace('-', "−") } }</span>
                    { " " }{ crate::paint::truncate(name, 70) }
                </li>
            }
        })
        .collect::<Html>()
}

/// The hot allocation sites: their share in the base and in the new profile.
fn hot_sites(d: &DiffSummary) -> Html {
    html! {
        <div class="hot" id="hot-sites">
            <h3>{ format!("Hot allocation sites (≥ 5% of {} in either profile)", d.hot_type) }</h3>
            <ul>
                { for d.hot.iter().map(|(name, b, n)| html! {
                    <li title={name.clone()}>
                        <span class="v">{ format!("{b:.1}% → {n:.1}%") }</span>{ " " }{ crate::paint::truncate(name, 80) }
                    </li>
                }) }
            </ul>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::change_text;

    #[test]
    fn change_texts() {
        assert_eq!(
            change_text(100_730_856, 36_626_632, "bytes"),
            "96.06MB → 34.93MB (−63.6%)"
        );
        assert_eq!(change_text(0, 5, "count"), "0 → 5");
    }
}
