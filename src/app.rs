//! The root component: page frame, the two file inputs, and reading picked files into [`AppState`].

use std::cell::RefCell;
use std::rc::Rc;

use yew::prelude::*;

use crate::components::{ErrorAlert, FileInfo, FilePicker};
use crate::state::{Action, AppState, Slot};

#[component]
pub fn App() -> Html {
    let state = use_reducer(AppState::default);
    // One counter for both inputs: every pick gets a fresh generation, synchronously, so a slow
    // read can never overwrite the result of a later pick.
    let generations = use_mut_ref(|| 0u32);

    let on_pick = |slot: Slot| {
        let dispatcher = state.dispatcher();
        let generations = generations.clone();
        Callback::from(move |file| pick(slot, file, &generations, dispatcher.clone()))
    };

    html! {
        <div class="page">
            <header class="masthead">
                <h1><img class="logo" src="static/favicon.svg" alt="" width="28" height="28" />{ "heaplens" }</h1>
                <p class="tagline">
                    { "A viewer for pprof profiles that runs entirely in your browser: files are read in this tab and never uploaded." }
                </p>
            </header>
            <main>
                <section class="pickers" aria-label="Choose profiles">
                    <FilePicker
                        id="profile-input"
                        label="Profile"
                        hint="A pprof profile: .pb.gz, raw protobuf, or Go's legacy text heap profile."
                        on_pick={on_pick(Slot::Profile)}
                    />
                    <FilePicker
                        id="base-input"
                        label="Base (optional)"
                        hint="An earlier profile of the same program to compare against."
                        on_pick={on_pick(Slot::Base)}
                    />
                </section>
                <ErrorAlert message={state.error.clone().map(AttrValue::from)} />
                <FileInfo profile={state.profile.clone()} base={state.base.clone()} />
            </main>
        </div>
    }
}

/// Starts reading `file` into `slot`, or clears the slot when the input was emptied.
fn pick(
    slot: Slot,
    file: Option<web_sys::File>,
    generations: &Rc<RefCell<u32>>,
    dispatcher: UseReducerDispatcher<AppState>,
) {
    let generation = {
        let mut g = generations.borrow_mut();
        *g += 1;
        *g
    };
    let Some(file) = file else {
        dispatcher.dispatch(Action::Cleared { slot, generation });
        return;
    };
    let file = gloo_file::File::from(file);
    let name = file.name();
    dispatcher.dispatch(Action::Picked {
        slot,
        generation,
        name: name.clone(),
    });
    yew::platform::spawn_local(async move {
        let result = gloo_file::futures::read_as_bytes(&file)
            .await
            .map_err(|err| err.to_string());
        dispatcher.dispatch(Action::Read {
            slot,
            generation,
            name,
            result,
        });
    });
}

#[cfg(all(test, target_arch = "wasm32"))]
mod tests {
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::App;

    fn mount() -> web_sys::Element {
        let document = web_sys::window().unwrap().document().unwrap();
        let root = document.create_element("div").unwrap();
        document.body().unwrap().append_child(&root).unwrap();
        yew::Renderer::<App>::with_root(root.clone()).render();
        root
    }

    #[wasm_bindgen_test]
    async fn mounting_renders_both_file_inputs_and_an_empty_alert() {
        let root = mount();
        yew::scheduler::flush().await;

        let profile = root
            .query_selector("input#profile-input[type=file]")
            .unwrap();
        assert!(
            profile.is_some(),
            "no #profile-input in {}",
            root.inner_html()
        );
        let base = root.query_selector("input#base-input[type=file]").unwrap();
        assert!(base.is_some(), "no #base-input in {}", root.inner_html());

        let labels: Vec<String> = (0..2)
            .map(|i| {
                let label = root.query_selector_all("label").unwrap().item(i).unwrap();
                label.text_content().unwrap_or_default()
            })
            .collect();
        assert_eq!(labels, ["Profile", "Base (optional)"]);

        let alert = root
            .query_selector("[role=alert]")
            .unwrap()
            .expect("alert region");
        assert_eq!(alert.text_content().as_deref(), Some(""));
        let info = root
            .query_selector("#file-info")
            .unwrap()
            .expect("#file-info");
        assert_eq!(
            info.text_content().as_deref(),
            Some("No profile loaded yet.")
        );
    }
}
