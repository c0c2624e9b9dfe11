//! A labelled file input that reports the chosen file (or `None` when the choice is cleared).

use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct FilePickerProps {
    /// The input's element id, also what the label points at.
    pub id: AttrValue,
    pub label: AttrValue,
    /// One line under the label saying what to pick.
    pub hint: AttrValue,
    pub on_pick: Callback<Option<web_sys::File>>,
}

#[component]
pub fn FilePicker(props: &FilePickerProps) -> Html {
    let onchange = {
        let on_pick = props.on_pick.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            on_pick.emit(input.files().and_then(|files| files.get(0)));
        })
    };
    let hint_id = format!("{}-hint", props.id);
    html! {
        <div class="picker">
            <label for={props.id.clone()}>{ &props.label }</label>
            <input type="file" id={props.id.clone()} aria-describedby={hint_id.clone()} {onchange} />
            <p class="hint" id={hint_id}>{ &props.hint }</p>
        </div>
    }
}
