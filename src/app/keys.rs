//! The keyboard, as speedscope's: `/` search, `Esc` clear, `0` reset zoom,
//! `+`/`-` zoom in and out, arrows move the cursor, `Enter` zooms to it;
//! and whether the page is dark (for the flame graph's colours).

use gloo_events::{EventListener, EventListenerOptions};
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, HtmlInputElement, KeyboardEvent};
use yew::prelude::*;

use super::links::Latest;
use crate::paint::{self, Move};
use crate::state::{Action, AppState, Orientation, Theme};
use heaplens_view::session::NodeId;

/// Listens to the page's keys for as long as the app is mounted.
#[hook]
pub fn use_keyboard(latest: &Latest, search_ref: &NodeRef) {
    let (latest, search_ref) = (latest.clone(), search_ref.clone());
    use_effect_with((), move |_| {
        let listener = web_sys::window().and_then(|w| w.document()).map(|doc| {
            EventListener::new_with_options(
                &doc,
                "keydown",
                EventListenerOptions::enable_prevent_default(),
                move |e| {
                    let Some(e) = e.dyn_ref::<KeyboardEvent>() else {
                        return;
                    };
                    let state = latest.borrow().clone();
                    if on_key(e, &state, &search_ref) {
                        e.prevent_default();
                    }
                },
            )
        });
        move || drop(listener)
    });
}

pub fn is_dark(theme: Theme) -> bool {
    match theme {
        Theme::Dark => true,
        Theme::Light => false,
        Theme::Auto => web_sys::window()
            .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten())
            .is_some_and(|m| m.matches()),
    }
}

/// Handles a key; returns whether it was used.
fn on_key(e: &KeyboardEvent, state: &UseReducerHandle<AppState>, search: &NodeRef) -> bool {
    let key = e.key();
    if e.ctrl_key() || e.meta_key() || e.alt_key() {
        return false;
    }
    let in_input = e
        .target()
        .and_then(|t| t.dyn_into::<HtmlElement>().ok())
        .is_some_and(|el| matches!(el.tag_name().as_str(), "INPUT" | "SELECT" | "TEXTAREA"));
    if in_input {
        if key == "Escape" {
            if let Some(input) = search.cast::<HtmlInputElement>() {
                if e.target().is_some_and(|t| t == input.clone().into()) {
                    state.dispatch(Action::Search(String::new()));
                    let _ = input.blur();
                    return true;
                }
            }
        }
        return false;
    }
    let Some(view) = state.view.clone() else {
        return false;
    };
    let flip = state.params.orientation == Orientation::Flame;
    let mv = |m: Move| {
        let next = paint::step(&view, state.cursor, m);
        state.dispatch(Action::Cursor(next));
        true
    };
    match key.as_str() {
        "/" => {
            if let Some(input) = search.cast::<HtmlInputElement>() {
                let _ = input.focus();
                input.select();
            }
            true
        }
        "Escape" => {
            state.dispatch(Action::Search(String::new()));
            state.dispatch(Action::Select(None));
            state.dispatch(Action::Cursor(None));
            true
        }
        "0" => {
            state.dispatch(Action::Zoom(NodeId::ROOT));
            true
        }
        "+" | "=" => {
            if let Some(c) = state.cursor {
                state.dispatch(Action::Zoom(c));
            } else if let Some(r) = view
                .rects
                .iter()
                .find(|r| r.depth as usize == view.crumbs.len())
            {
                state.dispatch(Action::Zoom(r.node));
            }
            true
        }
        "-" | "_" => {
            let up = if view.crumbs.len() >= 2 {
                view.crumbs[view.crumbs.len() - 2].node
            } else {
                NodeId::ROOT
            };
            state.dispatch(Action::Zoom(up));
            true
        }
        "ArrowUp" => mv(if flip { Move::Child } else { Move::Parent }),
        "ArrowDown" => mv(if flip { Move::Parent } else { Move::Child }),
        "ArrowLeft" => mv(Move::Left),
        "ArrowRight" => mv(Move::Right),
        "Enter" => {
            if let Some(c) = state.cursor {
                if let Some(r) = view.rects.iter().find(|r| r.node == c) {
                    let name = view.names[r.name as usize].name.clone();
                    state.dispatch(Action::ClickFrame(c, name));
                }
            }
            true
        }
        _ => false,
    }
}
