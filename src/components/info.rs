//! The profile info panel: file, kind, sample types, counts, period, time,
//! duration, drop_frames, comments, any warnings from decoding, and the Go
//! runtime's MemStats of a legacy text heap profile.

use heaplens_view::session::ProfileInfo;
use yew::prelude::*;

use crate::format;

/// Values longer than this many characters fold.
const LONG: usize = 80;

/// What a merge was made of: how many files, merged as pprof merges them.
fn merged(files: &[String]) -> String {
    if files.is_empty() {
        return String::new();
    }
    format!(
        "{} profiles, merged as go tool pprof merges them (samples summed)",
        files.len()
    )
}

#[derive(Properties, PartialEq)]
pub struct InfoPanelProps {
    pub info: std::rc::Rc<ProfileInfo>,
    pub base: Option<std::rc::Rc<ProfileInfo>>,
}

#[component]
pub fn InfoPanel(props: &InfoPanelProps) -> Html {
    let i = &props.info;
    let row = |k: &str, v: String| {
        if v.is_empty() {
            html! {}
        } else if v.chars().count() > LONG {
            // A long value (a drop_frames regex of a whole line) folds.
            let head: String = v.chars().take(LONG - 20).collect();
            html! { <><dt>{ k.to_string() }</dt><dd><details class="long"><summary>{ format!("{head}…") }</summary><code>{ v }</code></details></dd></> }
        } else {
            html! { <><dt>{ k.to_string() }</dt><dd>{ v }</dd></> }
        }
    };
    let size = if i.gzipped {
        format!(
            "{} (gzip; {} inflated)",
            format::bytes(i.file_size),
            format::bytes(i.inflated_size)
        )
    } else {
        format::bytes(i.file_size)
    };
    let types = i
        .sample_types
        .iter()
        .map(|t| {
            format!(
                "{} ({}): {}",
                t.name,
                if t.unit.is_empty() { "count" } else { &t.unit },
                t.total_label
            )
        })
        .collect::<Vec<_>>()
        .join(" · ");
    html! {
        <details class="info" id="info" open=true>
            <summary>{ "Profile" }</summary>
            <dl>
                { row("File", i.file_name.clone()) }
                { row("Merged", merged(&i.merged_from)) }
                { row("Size", size) }
                { row("Kind", i.kind.clone()) }
                { row("Binary", i.main_binary.clone()) }
                { row("Sample types", types) }
                { row("Samples", format::grouped(i.samples as u64)) }
                { row("Functions", format::grouped(i.functions as u64)) }
                { row("Locations", format::grouped(i.locations as u64)) }
                { row("Period", i.period.clone()) }
                { row("Time", i.time.clone()) }
                { row("Duration", i.duration.clone()) }
                { row("drop_frames", i.drop_frames.clone()) }
                { row("keep_frames", i.keep_frames.clone()) }
                { row("Comments", i.comments.join("\n")) }
                { row("Warnings", i.warnings.join("\n")) }
                { row("Base", props.base.as_ref().map(|b| b.file_name.clone()).unwrap_or_default()) }
            </dl>
            if !i.memstats.is_empty() {
                <details class="memstats" id="memstats">
                    <summary>{ format!("runtime.MemStats ({})", heaplens_profile::units::count(i.memstats.len() as u64, "value", "values")) }</summary>
                    <dl>
                        { for i.memstats.iter().map(|(k, v)| html! { <><dt>{ k.clone() }</dt><dd>{ v.clone() }</dd></> }) }
                    </dl>
                </details>
            }
        </details>
    }
}
