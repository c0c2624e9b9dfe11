//! The root component: owns the state reducer, and wires the hooks that
//! talk to the analysis worker ([`channel`]), open files and URLs
//! ([`files`]), keep the view in the address bar ([`links`]), handle the
//! keyboard ([`keys`]) and share or export the view ([`sharing`]); then
//! lays out the page ([`panels`]).

mod channel;
mod drops;
mod files;
mod folders;
mod keys;
mod links;
mod panels;
mod series;
mod sharing;

use heaplens_view::session::Slot;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::components::{BenchPanel, ErrorAlert, FilePicker, GcPanel, Landing, ProgressBar};
use crate::state::{Action, AppState, Theme};
use drops::Dropping;
use files::{pair_dialog, Openers};

#[component]
pub fn App() -> Html {
    let state = use_reducer(AppState::default);
    // The state as of this render, for listeners registered once.
    let latest: links::Latest = use_mut_ref(|| state.clone());
    *latest.borrow_mut() = state.clone();
    let channel = channel::use_worker(state.dispatcher());
    use_first_width(state.dispatcher());
    links::use_link_sync(&state, &channel, &latest);
    channel::use_view_requests(&state, &channel);
    series::use_timeline_requests(&state, &channel);
    use_theme_and_title(&state);
    use_gc_fragment(&state);
    let search_ref = use_node_ref();
    keys::use_keyboard(&latest, &search_ref);
    let open = files::use_openers(&state, &channel);
    let drop = drops::use_dropping(&open, state.dispatcher());
    let sharing = sharing::use_sharing(&state, &channel, &latest);
    let view_part = match (&state.view, &state.info) {
        (Some(view), Some(info)) => {
            panels::view_panels(&state, view, info, &channel, &sharing, &open, &search_ref)
        }
        (None, Some(_)) => html! { <p class="working">{ "Analysing…" }</p> },
        _ if state.busy.is_none() && state.bench.is_none() && state.gc.is_none() && !state.live => {
            html! { <Landing on_demo={open.demo.clone()} recent={state.recent.clone()} on_recent={open.recent.clone()} on_forget={open.forget.clone()} /> }
        }
        _ => html! {},
    };
    let view_part = html! {
        <>
            { series::live_bar(&state, &channel) }
            { series::panel(&state, &channel) }
            { view_part }
        </>
    };
    page(&state, &open, &drop, view_part)
}

/// The page around the view: header, dialogs, alerts, progress, footer.
fn page(
    state: &UseReducerHandle<AppState>,
    open: &Openers,
    drop: &Dropping,
    view_part: Html,
) -> Html {
    let d = state.dispatcher();
    // Several profiles picked at once are merged.
    let on_pick = |slot: Slot| {
        let (load, merge) = (open.file.clone(), open.merge.clone());
        Callback::from(move |mut files: Vec<web_sys::File>| match files.len() {
            0 => {}
            1 => load.emit((slot, files.remove(0))),
            _ => merge.emit(files),
        })
    };
    let theme_label = match state.theme {
        Theme::Auto => "Theme: auto",
        Theme::Light => "Theme: light",
        Theme::Dark => "Theme: dark",
    };
    html! {
        <div class={classes!("page", drop.dragging.then_some("dragging"))}>
            <header class="masthead">
                <h1><img class="logo" src="static/favicon.svg" alt="" width="24" height="24" />{ "heaplens" }</h1>
                <div class="pickers">
                    <FilePicker id="profile-input" label="Profile" hint="" multiple=true open={open_name(state.info.as_deref())} on_pick={on_pick(Slot::Profile)} />
                    <FilePicker id="base-input" label="Base (optional)" hint="" open={open_name(state.base_info.as_deref())} on_pick={on_pick(Slot::Base)} />
                    <FilePicker id="snapshots-input" label="Snapshots" hint="" multiple=true open={snapshots_name(state)} on_pick={open.series.clone()} />
                </div>
                <UrlForm on_open={open.url.clone()} />
                <button class="demo" onclick={open.demo.reform(|_| ())}>{ "Open demo" }</button>
                <button class="theme" onclick={d.callback_to(|_| Action::ToggleTheme)} title="Light, dark, or follow the system">{ theme_label }</button>
            </header>
            if let Some(p) = (*drop.pair).clone() {
                { pair_dialog(&p, drop.pair.clone(), open) }
            }
            if let Some(m) = (*drop.many).clone() {
                { series::many_dialog(&m, drop.many.clone(), open.series.clone(), open.merge.clone()) }
            }
            if drop.dragging {
                <div class="drop-overlay" aria-hidden="true"><p>{ "Drop profiles (two: base and new; several: a timeline of snapshots, or merged), go test -bench outputs, GODEBUG=gctrace=1 logs or source files" }</p></div>
            }
            <ErrorAlert message={alert_text(state)} />
            if let Some(n) = state.notice.clone() {
                <div class="notice" role="status">
                    <p>{ n }</p>
                    <button class="close" aria-label="Dismiss" onclick={d.callback_to(|_| Action::Notice(None))}>{ "×" }</button>
                </div>
            }
            if let Some(b) = state.busy.clone() { <ProgressBar busy={b} /> }
            <main>
                if let Some(gc) = state.gc.clone() { <GcPanel {gc} /> }
                if let Some(bench) = state.bench.clone() { <BenchPanel {bench} /> }
                { view_part }
            </main>
            <footer class="keys">
                { "Keys: " }<kbd>{ "/" }</kbd>{ " search · " }<kbd>{ "Esc" }</kbd>{ " clear · " }<kbd>{ "0" }</kbd>{ " reset zoom · " }
                <kbd>{ "+" }</kbd>{ " / " }<kbd>{ "-" }</kbd>{ " zoom · arrows move · " }<kbd>{ "Enter" }</kbd>{ " zoom to the selected frame · " }
                <kbd>{ "F" }</kbd><kbd>{ "I" }</kbd><kbd>{ "H" }</kbd><kbd>{ "S" }</kbd><kbd>{ "P" }</kbd>{ " refine by it · " }
                <kbd>{ "B" }</kbd>{ " bottom-up · " }<kbd>{ "C" }</kbd>{ " / " }<kbd>{ "E" }</kbd>{ " its callers / callees · " }<kbd>{ "T" }</kbd>{ " top-down · " }<kbd>{ "R" }</kbd>{ " recursion" }
            </footer>
        </div>
    }
}

/// The alert's text: the last error, then dropped files not opened.
fn alert_text(state: &AppState) -> Option<AttrValue> {
    let filters = state.view.as_ref().and_then(|v| v.focus_error.as_deref());
    let parts: Vec<&str> = [state.error.as_deref(), filters, state.refused.as_deref()]
        .into_iter()
        .flatten()
        .collect();
    (!parts.is_empty()).then(|| AttrValue::from(parts.join(" ")))
}

/// What the snapshots picker says: how many snapshots the timeline has.
fn snapshots_name(state: &AppState) -> Option<AttrValue> {
    state
        .timeline
        .as_ref()
        .map(|t| AttrValue::from(format!("{} snapshots", t.snapshots.len())))
}

/// The name of the file open in a slot.
fn open_name(info: Option<&heaplens_view::session::ProfileInfo>) -> Option<AttrValue> {
    info.map(|i| AttrValue::from(i.file_name.clone()))
}

#[derive(Properties, PartialEq)]
struct UrlFormProps {
    on_open: Callback<String>,
}

/// The URL box: an http(s) address of a profile, fetched by the browser.
#[component]
fn UrlForm(props: &UrlFormProps) -> Html {
    let url = use_state(String::new);
    let oninput = {
        let url = url.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            url.set(input.value());
        })
    };
    let onsubmit = {
        let (url, on_open) = (url.clone(), props.on_open.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            on_open.emit((*url).clone());
        })
    };
    html! {
        <form class="url-form" {onsubmit}>
            <input id="url-input" type="url" placeholder="https://…/mem.prof" aria-label="Profile URL" {oninput} value={(*url).clone()} />
            <button type="submit">{ "Open URL" }</button>
        </form>
    }
}

/// A first guess of the flame graph's width, so the first layout is
/// already culled for it (the graph measures itself once shown).
#[hook]
fn use_first_width(dispatcher: UseReducerDispatcher<AppState>) {
    use_effect_with((), move |_| {
        if let Some(w) = web_sys::window()
            .and_then(|w| w.inner_width().ok())
            .and_then(|v| v.as_f64())
        {
            dispatcher.dispatch(Action::Width((w.min(1680.0) - 50.0).max(300.0) as u32));
        }
    });
}

/// With a GC view and no profile open, the address bar holds the GC
/// view's link (in place of the current entry).
#[hook]
fn use_gc_fragment(state: &UseReducerHandle<AppState>) {
    let frag = state
        .gc
        .as_ref()
        .filter(|_| state.info.is_none())
        .and_then(|g| g.fragment.clone().ok());
    use_effect_with(frag, |frag| {
        if let Some(f) = frag {
            if crate::link::fragment() != *f {
                crate::link::set_fragment(f, false);
            }
        }
    });
}

/// The page's theme attribute and the tab's title.
#[hook]
fn use_theme_and_title(state: &UseReducerHandle<AppState>) {
    let theme = state.theme;
    let title = state.info.as_ref().map(|i| i.file_name.clone());
    use_effect_with((theme, title), move |(theme, title)| {
        if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
            if let Some(root) = doc.document_element() {
                let _ = root.set_attribute("data-theme", theme.as_str());
            }
            doc.set_title(&match title {
                Some(t) => format!("{t} — heaplens"),
                None => "heaplens".to_string(),
            });
        }
    });
}

/// Extension for dispatching from callbacks.
pub(crate) trait DispatchExt {
    fn callback_to<T: 'static>(&self, f: impl Fn(T) -> Action + 'static) -> Callback<T>;
}

impl DispatchExt for UseReducerDispatcher<AppState> {
    fn callback_to<T: 'static>(&self, f: impl Fn(T) -> Action + 'static) -> Callback<T> {
        let d = self.clone();
        Callback::from(move |v| d.dispatch(f(v)))
    }
}
