//! The page's one `role="alert"` region; always in the DOM so screen readers announce new text.

use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ErrorAlertProps {
    pub message: Option<AttrValue>,
}

#[component]
pub fn ErrorAlert(props: &ErrorAlertProps) -> Html {
    html! {
        <p id="error" class="error" role="alert">{ props.message.clone().unwrap_or_default() }</p>
    }
}
