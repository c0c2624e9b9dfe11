//! A labelled file input that reports the chosen files (none when the
//! choice is cleared; several only when it takes several) and names the
//! file that is open in its slot, however it was opened (picked, dropped, a
//! link, a recent profile; of a merge, its files).

use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct FilePickerProps {
    /// The input's element id, also what the label points at.
    pub id: AttrValue,
    pub label: AttrValue,
    /// One line under the label saying what to pick.
    pub hint: AttrValue,
    /// The file open in this slot, if any.
    #[prop_or_default]
    pub open: Option<AttrValue>,
    /// Whether several files can be chosen at once.
    #[prop_or_default]
    pub multiple: bool,
    pub on_pick: Callback<Vec<web_sys::File>>,
}

#[component]
pub fn FilePicker(props: &FilePickerProps) -> Html {
    let onchange = {
        let on_pick = props.on_pick.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let files = input
                .files()
                .map(|l| (0..l.length()).filter_map(|i| l.get(i)).collect())
                .unwrap_or_default();
            on_pick.emit(files);
            // Picking the same file again is a new choice too.
            input.set_value("");
        })
    };
    let hint_id = format!("{}-hint", props.id);
    let name_id = format!("{}-open", props.id);
    let described = format!("{name_id} {hint_id}");
    html! {
        <div class="picker">
            <label for={props.id.clone()} class="pick">{ &props.label }</label>
            <input type="file" class="visually-hidden" id={props.id.clone()} aria-describedby={described} multiple={props.multiple} {onchange} />
            <span class={classes!("open-name", props.open.is_none().then_some("none"))} id={name_id} title={props.open.clone()}>
                { props.open.clone().unwrap_or_else(|| AttrValue::from("none open")) }
            </span>
            <p class="hint" id={hint_id}>{ &props.hint }</p>
        </div>
    }
}
