//! The keyboard, as speedscope's: `/` search, `Esc` clear, `0` reset zoom,
//! `+`/`-` zoom in and out, arrows move the cursor, `Enter` zooms to it;
//! `B` bottom-up, `T` top-down, `C`/`E` the selection's callers/callees,
//! `X` the sandwich's other half as the main one (the cursor's),
//! `R` the next recursion option; `G` the graph view or the flame graph;
//! and whether the page is dark (for the flame graph's colours).

use gloo_events::{EventListener, EventListenerOptions};
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, HtmlInputElement, KeyboardEvent};
use yew::prelude::*;

use super::links::Latest;

use crate::state::{Action, AppState, Move, Orientation, Theme};
use heaplens_analysis::{GraphView, Recursion};
use heaplens_view::params::NodeFilter;
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
    if state.view.is_none() {
        return false;
    }
    // The timeline's chart has keys of its own.
    let in_timeline = e
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .and_then(|el| el.closest("#timeline").ok().flatten())
        .is_some();
    if in_timeline {
        return false;
    }
    // The graph view's canvas moves and zooms itself (its own keys).
    let flame_keys = [
        "0",
        "+",
        "=",
        "Enter",
        "-",
        "_",
        "ArrowUp",
        "ArrowDown",
        "ArrowLeft",
        "ArrowRight",
    ];
    if state.params.call_graph.is_some() && flame_keys.contains(&key.as_str()) {
        return false;
    }
    let flip = state.params.drawn_orientation() == Orientation::Flame;
    let act = |a: Action| {
        state.dispatch(a);
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
            state.dispatch(Action::RefineMenu(None));
            state.dispatch(Action::Search(String::new()));
            act(Action::Select(None))
        }
        "0" => act(Action::Zoom(NodeId::ROOT)),
        "+" | "=" | "Enter" => act(Action::ZoomIn),
        "-" | "_" => act(Action::ZoomOut),
        "ArrowUp" => act(Action::Move(if flip { Move::Child } else { Move::Parent })),
        "ArrowDown" => act(Action::Move(if flip { Move::Parent } else { Move::Child })),
        "F" | "I" | "H" | "S" | "P" => match state.params.selected.clone() {
            Some(name) => {
                let kind = match key.as_str() {
                    "F" => NodeFilter::Focus,
                    "I" => NodeFilter::Ignore,
                    "H" => NodeFilter::Hide,
                    "S" => NodeFilter::ShowFrom,
                    _ => NodeFilter::PruneFrom,
                };
                act(Action::RefineWith(kind, name))
            }
            None => false,
        },
        "B" => act(Action::Graph(match state.params.graph {
            GraphView::BottomUp => GraphView::TopDown,
            _ => GraphView::BottomUp,
        })),
        "T" => act(Action::Graph(GraphView::TopDown)),
        "C" | "E" => match state.params.selected.clone() {
            Some(name) if key == "C" => act(Action::Graph(GraphView::Callers(name))),
            Some(name) => act(Action::Graph(GraphView::Callees(name))),
            None => false,
        },
        "X" => match state.params.other_half() {
            Some(g) => act(Action::Graph(g)),
            None => false,
        },
        "R" => act(Action::Recursion(match state.params.recursion {
            Recursion::Keep => Recursion::Direct,
            Recursion::Direct => Recursion::All,
            Recursion::All => Recursion::Keep,
        })),
        "G" => act(Action::CallGraph(match state.params.call_graph {
            Some(_) => None,
            None => Some(heaplens_analysis::graph::NODE_COUNT as u32),
        })),
        "ArrowLeft" => act(Action::Move(Move::Left)),
        "ArrowRight" => act(Action::Move(Move::Right)),
        _ => false,
    }
}
