//! The progress bar shown while a profile is read, inflated and analysed.

use yew::prelude::*;

use crate::format;
use crate::state::Busy;

#[derive(Properties, PartialEq)]
pub struct ProgressBarProps {
    pub busy: Busy,
}

#[component]
pub fn ProgressBar(props: &ProgressBarProps) -> Html {
    let b = &props.busy;
    let (label, fraction) = match b.stage.as_str() {
        "read" => ("Reading".to_string(), None),
        "inflate" => (format!("Inflating gzip: {}", format::bytes(b.done)), None),
        "parse" => ("Parsing protobuf".to_string(), None),
        "samples" => (
            format!(
                "Reading samples: {} of {}",
                format::grouped(b.done),
                format::grouped(b.total)
            ),
            (b.total > 0).then(|| b.done as f64 / b.total as f64),
        ),
        "tree" => ("Building the call tree".to_string(), None),
        other => (other.to_string(), None),
    };
    let value = fraction.map(|f| format!("{:.0}", f * 100.0));
    html! {
        <div class="progress" id="progress" aria-live="polite">
            <span class="progress-label">{ format!("{} — {label}…", b.name) }</span>
            <progress max="100" value={value} aria-label="Loading progress"></progress>
        </div>
    }
}
