//! Why lines allocate: with the Go compiler's diagnostics loaded
//! (`go build -gcflags=-m` or `-m=2` output, `-json=0` files; dropped or
//! picked, read in the tab), the share of the sample type at lines the
//! compiler reports as allocating on the heap, by reason, the hot functions
//! it could not inline, and the lines with the most, with what it said.

use heaplens_profile::units;
use heaplens_view::why::view::WhyView;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct WhyPanelProps {
    pub why: Box<WhyView>,
    pub unit: AttrValue,
}

#[component]
pub fn WhyPanel(props: &WhyPanelProps) -> Html {
    let w = &props.why;
    let unit = props.unit.to_string();
    let (head, rest) = w
        .summary
        .split_first()
        .map_or(("", &[][..]), |(h, r)| (h.as_str(), r));
    // The reasons, then a heading line and the functions not inlined.
    let split = rest
        .iter()
        .position(|l| !l.starts_with(' '))
        .unwrap_or(rest.len());
    let (reasons, not_inlined) = rest.split_at(split);
    html! {
        <section class="why" id="why-panel" aria-label="Why it allocates">
            <h2>{ "Why it allocates" }<span class="hint">{ format!(" — the compiler's diagnostics: {}", w.names.join(", ")) }</span></h2>
            if let Some(n) = &w.note {
                <p class="why-note" role="status">{ n.clone() }</p>
            }
            <p class="why-head" id="why-summary">{ head.to_string() }</p>
            <ul class="why-reasons">
                { for reasons.iter().map(|l| html! { <li>{ l.trim().to_string() }</li> }) }
            </ul>
            if let Some((title, fns)) = not_inlined.split_first() {
                <p class="why-head">{ title.clone() }</p>
                <ul class="why-inline">
                    { for fns.iter().map(|l| html! { <li>{ l.trim().to_string() }</li> }) }
                </ul>
            }
            if let Some((head, rest)) = w.compare.split_first() {
                <div class="why-compare" id="why-compare">
                    <h3>{ "Since the base build" }</h3>
                    <p class="why-head">{ head.clone() }</p>
                    <ul class="why-reasons">
                        { for rest.iter().take_while(|l| l.starts_with(' ')).map(|l| html! { <li>{ l.trim().to_string() }</li> }) }
                    </ul>
                    { for compare_lists(rest) }
                </div>
            }
            if !w.rows.is_empty() {
                <table id="why-table">
                    <thead><tr><th class="num">{ "flat" }</th><th class="num">{ "cum" }</th><th>{ "line" }</th><th>{ "the compiler says" }</th></tr></thead>
                    <tbody>
                        { for w.rows.iter().map(|r| html! {
                            <tr data-file={r.file.clone()} data-line={r.line.to_string()} data-flat={r.flat.to_string()} data-cum={r.cum.to_string()}>
                                <td class="num">{ units::label(r.flat, &unit) }</td>
                                <td class="num">{ units::label(r.cum, &unit) }</td>
                                <td class="file" title={r.file.clone()}>{ format!("{}:{}", heaplens_analysis::keys::base_name(&r.file), r.line) }</td>
                                <td class="says">{ r.messages.clone() }</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            }
        </section>
    }
}

/// The comparison's "Removed:" and "Added:" lists, each folded under its
/// heading.
fn compare_lists(lines: &[String]) -> Vec<Html> {
    let mut out = Vec::new();
    let mut i = lines.iter().position(|l| !l.starts_with(' '));
    while let Some(start) = i {
        let end = lines[start + 1..]
            .iter()
            .position(|l| !l.starts_with(' '))
            .map_or(lines.len(), |n| start + 1 + n);
        let title = lines[start].trim_end_matches(':').to_string();
        let items = &lines[start + 1..end];
        out.push(html! {
            <details class="why-sites" data-kind={title.to_lowercase()}>
                <summary>{ format!("{title} ({})", items.iter().filter(|l| !l.trim_start().starts_with('…')).count()) }</summary>
                <ul>{ for items.iter().map(|l| html! { <li>{ l.trim().to_string() }</li> }) }</ul>
            </details>
        });
        i = (end < lines.len()).then_some(end);
    }
    out
}
