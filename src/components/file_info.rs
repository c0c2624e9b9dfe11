//! What was read from each file input: name and size, or that a read is in progress.

use yew::prelude::*;

use crate::format;
use crate::state::{Slot, SlotState};

#[derive(Properties, PartialEq)]
pub struct FileInfoProps {
    pub profile: SlotState,
    pub base: SlotState,
}

#[component]
pub fn FileInfo(props: &FileInfoProps) -> Html {
    let rows = [(Slot::Profile, &props.profile), (Slot::Base, &props.base)]
        .into_iter()
        .filter_map(|(slot, state)| row(slot, state))
        .collect::<Vec<Html>>();
    html! {
        <section id="file-info" class="file-info" aria-live="polite" aria-label="Loaded files">
            if rows.is_empty() {
                <p class="empty">{ "No profile loaded yet." }</p>
            } else {
                <dl>{ for rows }</dl>
            }
        </section>
    }
}

fn row(slot: Slot, state: &SlotState) -> Option<Html> {
    let detail = if let Some(name) = &state.reading {
        html! { <><span class="name">{ name }</span>{ " — reading…" }</> }
    } else {
        let file = state.file.as_ref()?;
        let size = file.size();
        html! {
            <>
                <span class="name">{ &file.name }</span>
                { " — " }
                <span class="size" title={format!("{} bytes", format::grouped(size))}>
                    { format::bytes(size) }
                </span>
            </>
        }
    };
    Some(html! {
        <div class="row">
            <dt>{ slot.label() }</dt>
            <dd>{ detail }</dd>
        </div>
    })
}
