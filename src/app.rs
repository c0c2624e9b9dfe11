//! The root component: owns the state reducer and the analysis worker,
//! reads dropped, picked, fetched and demo files into the worker, sends a
//! view request whenever the view parameters change (one in flight at a
//! time, the latest queued), keeps the view in the address bar's fragment
//! (share links, back and forward), handles the keyboard, and lays out the
//! page.

use std::cell::RefCell;
use std::rc::Rc;

use gloo_events::{EventListener, EventListenerOptions};
use gloo_worker::{Spawnable, WorkerBridge};
use heaplens_core::share::{limits, Link, Source, ViewState};
use heaplens_core::view::{ExportKind, Request, Response, Slot, ViewRequest};
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, HtmlInputElement, KeyboardEvent};
use yew::prelude::*;

use crate::components::{
    BenchPanel, ErrorAlert, Export, FilePicker, FlameGraph, ImpactPanel, InfoPanel, Landing,
    LinesPanel, PeekPanel, ProgressBar, ShareBar, SharePanel, Toolbar, TopTable,
};
use crate::link;
use crate::paint::{self, Move};
use crate::state::{Action, AppState, Orientation, Theme};
use crate::worker::AnalysisWorker;

/// The analysis worker's script: it starts the page's own module without a
/// page (relative, so any sub-path works).
const WORKER_LOADER: &str = "./static/worker.js";
/// Source files larger than this are not read for the line view.
const MAX_SOURCE_BYTES: f64 = 16.0 * 1024.0 * 1024.0;
/// The demo pair shipped in `static/demo/`.
const DEMO_PROFILE: &str = "./static/demo/scheduler-optimized.prof";
const DEMO_BASE: &str = "./static/demo/scheduler-baseline.prof";
/// The demo's `go test -bench -benchmem -count=5` outputs.
const DEMO_BASE_BENCH: &str = "./static/demo/scheduler-baseline.txt";
const DEMO_NEW_BENCH: &str = "./static/demo/scheduler-optimized.txt";

/// The worker bridge and the one-request-in-flight bookkeeping.
#[derive(Default)]
struct Channel {
    bridge: Option<WorkerBridge<AnalysisWorker>>,
    in_flight: bool,
    pending: Option<ViewRequest>,
    /// blob: addresses of files given to the worker, newest last.
    blobs: std::collections::VecDeque<String>,
}

impl Channel {
    fn load(&mut self, slot: Slot, name: String, bytes: Vec<u8>) {
        if let Some(b) = &self.bridge {
            b.send(Request::Load { slot, name, bytes });
        }
    }

    fn view(&mut self, req: ViewRequest) {
        if self.in_flight {
            self.pending = Some(req);
        } else if let Some(b) = &self.bridge {
            self.in_flight = true;
            b.send(Request::View(req));
        }
    }

    /// Has the worker fetch `url` into `slot`; `blob` marks a blob: address
    /// of ours (revoked once a few newer ones exist).
    fn fetch(&mut self, slot: Slot, name: String, url: String, blob: bool) {
        if blob {
            self.blobs.push_back(url.clone());
            while self.blobs.len() > 4 {
                if let Some(old) = self.blobs.pop_front() {
                    let _ = web_sys::Url::revoke_object_url(&old);
                }
            }
        }
        self.send(Request::Fetch { slot, name, url });
    }

    fn send(&self, req: Request) {
        if let Some(b) = &self.bridge {
            b.send(req);
        }
    }

    fn swap(&mut self) {
        if let Some(b) = &self.bridge {
            b.send(Request::Swap);
        }
    }

    /// An answer arrived: send the latest queued request, if any.
    fn answered(&mut self) {
        self.in_flight = false;
        if let Some(req) = self.pending.take() {
            self.view(req);
        }
    }
}

#[component]
pub fn App() -> Html {
    let state = use_reducer(AppState::default);
    let channel = use_mut_ref(Channel::default);
    let search_ref = use_node_ref();
    let dragging = use_state(|| false);
    let url = use_state(String::new);
    let latest = use_mut_ref(|| state.clone());
    *latest.borrow_mut() = state.clone();
    // Where the open profiles came from, as a share link names them (None
    // for local files), and the last fragment read or written.
    let sources: Sources = use_mut_ref(|| (None, None));
    let handled = use_mut_ref(String::new);
    let last_view = use_mut_ref(|| None::<ViewState>);
    let copied = use_state(|| None::<bool>);

    // A first guess of the flame graph's width, so the first layout is
    // already culled for it (the graph measures itself once shown).
    {
        let dispatcher = state.dispatcher();
        use_effect_with((), move |_| {
            if let Some(w) = web_sys::window()
                .and_then(|w| w.inner_width().ok())
                .and_then(|v| v.as_f64())
            {
                dispatcher.dispatch(Action::Width((w.min(1680.0) - 50.0).max(300.0) as u32));
            }
        });
    }

    // Start the worker once; if it dies (an uncaught error in a worker is
    // reported again on the page's window), say so and start a new one.
    {
        let channel = channel.clone();
        let dispatcher = state.dispatcher();
        use_effect_with((), move |_| {
            start_worker(&channel, dispatcher.clone());
            let ch = channel.clone();
            let listener = web_sys::window().map(|w| {
                EventListener::new(&w, "error", move |e| {
                    let Some(e) = e.dyn_ref::<web_sys::ErrorEvent>() else {
                        return;
                    };
                    let msg = e.message();
                    if !(e.filename().contains("worker") || msg.contains("unreachable")) {
                        return;
                    }
                    dispatcher.dispatch(Action::WorkerFailed(msg));
                    *ch.borrow_mut() = Channel::default();
                    start_worker(&ch, dispatcher.clone());
                })
            });
            move || drop(listener)
        });
    }

    // Open the link the page was opened with; later, follow back, forward
    // and hand edits of the fragment.
    {
        let ctx = LinkCtx {
            channel: channel.clone(),
            dispatcher: state.dispatcher(),
            sources: sources.clone(),
        };
        let handled = handled.clone();
        let latest = latest.clone();
        use_effect_with((), move |_| {
            let frag = link::fragment();
            *handled.borrow_mut() = frag.clone();
            if !frag.is_empty() {
                open_link(&frag, &ctx, false);
            }
            let follow = move |_: &web_sys::Event| {
                let frag = link::fragment();
                if *handled.borrow() == frag {
                    return;
                }
                *handled.borrow_mut() = frag.clone();
                let has_profile = latest.borrow().info.is_some();
                open_link(&frag, &ctx, has_profile);
            };
            let follow = Rc::new(follow);
            let listeners = web_sys::window().map(|w| {
                let (a, b) = (follow.clone(), follow);
                (
                    EventListener::new(&w, "popstate", move |e| a(e)),
                    EventListener::new(&w, "hashchange", move |e| b(e)),
                )
            });
            move || drop(listeners)
        });
    }

    // The view as a share link writes it (the fragment, the share panel).
    let view_state = state.view_state();

    // Keep the view in the fragment: a new history entry for each change
    // (so back and forward step through views), the entry replaced while
    // typing a search or filter.
    {
        let view_state = view_state.clone();
        let ready = state.info.is_some()
            && state.pending.is_none()
            && state.params.zoom_path.is_empty()
            && state.busy.is_none();
        let sources = sources.clone();
        let handled = handled.clone();
        let last_view = last_view.clone();
        use_effect_with((view_state, ready), move |(vs, ready)| {
            if *ready {
                let (profile, base) = sources.borrow().clone();
                let frag = Link {
                    view: vs.clone(),
                    profile,
                    base,
                }
                .fragment();
                if frag != link::fragment() {
                    let typing = last_view.borrow().as_ref().is_some_and(|lv| {
                        let mut a = lv.clone();
                        a.search = vs.search.clone();
                        a.filter = vs.filter.clone();
                        a == *vs
                    });
                    let first = last_view.borrow().is_none();
                    link::set_fragment(&frag, !(typing || first));
                }
                *handled.borrow_mut() = frag;
                *last_view.borrow_mut() = Some(vs.clone());
            }
        });
    }

    // Ask the worker for the view whenever its parameters change.
    {
        let channel = channel.clone();
        let req = state.request();
        let ready = state.info.is_some();
        use_effect_with((state.seq, ready), move |_| {
            if ready {
                channel.borrow_mut().view(req);
            }
        });
    }

    // Theme and title.
    {
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

    // Keyboard, like speedscope's.
    {
        let latest = latest.clone();
        let search_ref = search_ref.clone();
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

    let load_file = {
        let channel = channel.clone();
        let dispatcher = state.dispatcher();
        let sources = sources.clone();
        Callback::from(move |(slot, file): (Slot, web_sys::File)| {
            // A local file: a link can only carry it inside.
            *sources.borrow_mut() = (None, None);
            read_file(slot, file, channel.clone(), dispatcher.clone());
        })
    };
    // Source files for the line view: read here, kept in the page.
    let add_code = {
        let dispatcher = state.dispatcher();
        Callback::from(move |files: Vec<web_sys::File>| {
            let dispatcher = dispatcher.clone();
            yew::platform::spawn_local(async move {
                let mut read = Vec::new();
                for f in files {
                    let name = f.name();
                    if f.size() > MAX_SOURCE_BYTES {
                        dispatcher.dispatch(Action::Error(format!(
                            "{name} is {}; source files of more than {} are not read.",
                            heaplens_core::units::label(f.size() as i64, "bytes"),
                            heaplens_core::units::label(MAX_SOURCE_BYTES as i64, "bytes"),
                        )));
                        continue;
                    }
                    match wasm_bindgen_futures::JsFuture::from(f.text()).await {
                        Ok(t) => read.push((name, t.as_string().unwrap_or_default())),
                        Err(_) => {
                            dispatcher.dispatch(Action::Error(format!("{name} could not be read.")))
                        }
                    }
                }
                if !read.is_empty() {
                    dispatcher.dispatch(Action::AddSources(read));
                }
            });
        })
    };
    let on_pick = |slot: Slot| {
        let load = load_file.clone();
        Callback::from(move |file: Option<web_sys::File>| {
            if let Some(f) = file {
                load.emit((slot, f));
            }
        })
    };

    let on_demo = {
        let channel = channel.clone();
        let dispatcher = state.dispatcher();
        let sources = sources.clone();
        Callback::from(move |_: ()| {
            *sources.borrow_mut() = (
                Some(Source::Url(DEMO_PROFILE.into())),
                Some(Source::Url(DEMO_BASE.into())),
            );
            // The benchmark outputs first (small), then the profile pair.
            for (slot, url) in [
                (Slot::Base, DEMO_BASE_BENCH),
                (Slot::Profile, DEMO_NEW_BENCH),
            ] {
                fetch_into(slot, url.to_string(), channel.clone(), dispatcher.clone());
            }
            fetch_into(
                Slot::Base,
                DEMO_BASE.to_string(),
                channel.clone(),
                dispatcher.clone(),
            );
            fetch_into(
                Slot::Profile,
                DEMO_PROFILE.to_string(),
                channel.clone(),
                dispatcher.clone(),
            );
        })
    };
    let on_url_input = {
        let url = url.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            url.set(input.value());
        })
    };
    let on_url_submit = {
        let url = url.clone();
        let channel = channel.clone();
        let dispatcher = state.dispatcher();
        let sources = sources.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let u = url.trim().to_string();
            if u.is_empty() {
                return;
            }
            if !(u.starts_with("https://") || u.starts_with("http://")) {
                dispatcher.dispatch(Action::Error(format!(
                    "Only http:// and https:// URLs can be opened, not {u:?}. For a file on this machine, drop it here or use the file picker."
                )));
                return;
            }
            let base = sources.borrow().1.clone();
            *sources.borrow_mut() = (Some(Source::Url(u.clone())), base);
            fetch_into(Slot::Profile, u, channel.clone(), dispatcher.clone());
        })
    };

    // Drag and drop anywhere on the page.
    let ondragover = {
        let dragging = dragging.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            if !*dragging {
                dragging.set(true);
            }
        })
    };
    let ondragleave = {
        let dragging = dragging.clone();
        Callback::from(move |e: DragEvent| {
            // Leaving the window (no related target) ends the drag.
            if e.related_target().is_none() {
                dragging.set(false);
            }
        })
    };
    // Two dropped files: (guessed new, guessed base), until the reader confirms.
    let pair = use_state(|| None::<Rc<(web_sys::File, web_sys::File)>>);
    let ondrop = {
        let dragging = dragging.clone();
        let load = load_file.clone();
        let pair = pair.clone();
        let add_code = add_code.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            dragging.set(false);
            let Some(files) = e.data_transfer().and_then(|d| d.files()) else {
                return;
            };
            // Source files go to the line view; the rest are profiles.
            let (code, mut list): (Vec<web_sys::File>, Vec<web_sys::File>) = (0..files.length())
                .filter_map(|i| files.get(i))
                .partition(|f| crate::components::is_source_file(&f.name()));
            if !code.is_empty() {
                add_code.emit(code);
            }
            if list.len() >= 2 {
                // Two files: ask which is the base, proposing the one whose
                // name says base/before/old.
                let is_base = |f: &web_sys::File| looks_like_base(&f.name());
                if is_base(&list[0]) && !is_base(&list[1]) {
                    list.swap(0, 1);
                }
                let base = list.remove(1);
                let new = list.remove(0);
                pair.set(Some(Rc::new((new, base))));
                return;
            }
            if let Some(f) = list.into_iter().next() {
                load.emit((Slot::Profile, f));
            }
        })
    };

    // Sharing: the link is made of the profiles the worker slimmed and the
    // current view; a new one is copied to the clipboard when it arrives.
    let share_url = {
        let shared = state.shared.clone();
        use_memo(
            (
                state.shared.as_ref().map(|s| Rc::as_ptr(s) as usize),
                view_state.clone(),
            ),
            move |(_, vs)| {
                shared.map(|s| {
                    let embed = |p: &heaplens_core::view::SharedProfile| Source::Embedded {
                        name: p.name.clone(),
                        data: p.data.clone(),
                    };
                    link::address(&Link {
                        view: vs.clone(),
                        profile: Some(embed(&s.profile)),
                        base: s.base.as_ref().map(embed),
                    })
                })
            },
        )
    };
    {
        let copied = copied.clone();
        let url = share_url.clone();
        use_effect_with(
            state.shared.as_ref().map(|s| Rc::as_ptr(s) as usize),
            move |fresh| {
                copied.set(None);
                if let (Some(_), Some(u)) = (fresh, (*url).clone()) {
                    yew::platform::spawn_local(async move {
                        copied.set(Some(link::copy(&u).await));
                    });
                }
            },
        );
    }
    // With the share panel open: the shorter link by URL, when the
    // profiles came from URLs.
    let by_url = match (&state.shared, &*sources.borrow()) {
        (Some(_), (Some(Source::Url(p)), b)) if !matches!(b, Some(Source::Embedded { .. })) => {
            Some(link::address(&Link {
                view: view_state.clone(),
                profile: Some(Source::Url(p.clone())),
                base: b.clone(),
            }))
        }
        _ => None,
    };
    // `budget` gives the characters the profiles may take in the link.
    let share = |budget: Box<dyn Fn() -> Option<usize>>| {
        let channel = channel.clone();
        let d = state.dispatcher();
        let sample_type = state.view.as_ref().map(|v| v.sample_type);
        Callback::from(move |_: ()| {
            d.dispatch(Action::Sharing);
            channel.borrow().send(Request::Share {
                sample_type,
                budget: budget(),
            });
        })
    };
    let on_share = share(Box::new(|| None));
    // A trimmed link leaves room for the address and the view's part.
    let on_trim = {
        let view = view_state.clone();
        share(Box::new(move || {
            let bare = link::address(&Link {
                view: view.clone(),
                ..Link::default()
            });
            Some(limits::CHAT.saturating_sub(bare.len() + 64))
        }))
    };
    let on_export = {
        let channel = channel.clone();
        let latest = latest.clone();
        let d = state.dispatcher();
        Callback::from(move |e: Export| {
            let st = latest.borrow().clone();
            if let Err(msg) = export(e, &st, &channel) {
                d.dispatch(Action::Error(msg));
            }
        })
    };
    let on_copy = {
        let copied = copied.clone();
        let url = share_url.clone();
        Callback::from(move |_: ()| {
            let copied = copied.clone();
            if let Some(u) = (*url).clone() {
                yew::platform::spawn_local(async move {
                    copied.set(Some(link::copy(&u).await));
                });
            }
        })
    };
    let trimmed = state.shared.as_ref().and_then(|s| {
        let t = |p: &heaplens_core::view::SharedProfile| {
            p.trimmed.map(|(merged, share)| {
                format!(
                    "{}: the {} largest samples ({:.1}% of {}) kept, {merged} merged into (trimmed)",
                    p.name,
                    p.samples,
                    share * 100.0,
                    s.trim_type
                )
            })
        };
        let parts: Vec<String> = t(&s.profile)
            .into_iter()
            .chain(s.base.as_ref().and_then(t))
            .collect();
        (!parts.is_empty()).then(|| {
            format!(
                "Trimmed to fit: {}. The opened view says so; every total is exact.",
                parts.join("; ")
            )
        })
    });

    let d = state.dispatcher();
    let view_part = match (&state.view, &state.info) {
        (Some(view), Some(info)) => {
            let types = Rc::new(info.sample_types.clone());
            let crumbs = Rc::new(view.crumbs.clone());
            let dd = d.clone();
            let dark = is_dark(state.theme);
            let base_name = state.base_info.as_ref().map(|b| b.file_name.clone());
            html! {
                <>
                    if let Some(base_name) = base_name {
                        <ImpactPanel diff={view.diff.clone()} base_name={AttrValue::from(base_name)}
                            showing_diff={state.params.diff} unit={AttrValue::from(view.unit.clone())}
                            width_by={state.params.width_by}
                            error={view.diff_error.clone().map(AttrValue::from)}
                            color_by_self={state.color_by_self}
                            subtract={state.params.subtract}
                            normalize={state.params.normalize}
                            on_subtract={d.clone().callback_to(Action::Subtract)}
                            on_normalize={d.clone().callback_to(Action::Normalize)}
                            on_color_by_self={d.clone().callback_to(Action::ColorBySelf)}
                            on_toggle={d.clone().callback_to(Action::Diff)}
                            on_width_by={d.clone().callback_to(Action::WidthBy)}
                            on_swap={{
                                let channel = channel.clone();
                                Callback::from(move |_: ()| channel.borrow_mut().swap())
                            }} />
                    }
                    <ShareBar sharing={state.sharing} diff={view.diff.is_some()}
                        on_share={on_share.clone()} on_export={on_export.clone()} />
                    if let Some(url) = (*share_url).clone() {
                        <SharePanel url={AttrValue::from(url)} copied={*copied}
                            trimmed={trimmed.clone().map(AttrValue::from)}
                            by_url={by_url.clone().map(AttrValue::from)}
                            sharing={state.sharing}
                            on_trim={on_trim.clone()} on_copy={on_copy.clone()}
                            on_close={d.clone().callback_to(|_| Action::CloseShare)} />
                    }
                    <Toolbar
                        sample_types={types}
                        sample_type={view.sample_type}
                        orientation={state.orientation}
                        search={AttrValue::from(state.params.search.clone())}
                        search_ref={search_ref.clone()}
                        matched={view.matched}
                        search_error={view.search_error.clone().map(AttrValue::from)}
                        total={view.total}
                        unit={AttrValue::from(view.unit.clone())}
                        {crumbs}
                        on_sample_type={d.clone().callback_to(Action::SampleType)}
                        on_orientation={d.clone().callback_to(Action::Orientation)}
                        on_search={d.clone().callback_to(Action::Search)}
                        on_zoom={d.clone().callback_to(Action::Zoom)}
                        label_keys={Rc::new(info.label_keys.clone())}
                        tagfocus={AttrValue::from(state.params.tagfocus.clone())}
                        focus={view.focus}
                        focus_error={view.focus_error.clone().map(AttrValue::from)}
                        on_tagfocus={d.clone().callback_to(Action::TagFocus)}
                    />
                    <FlameGraph
                        view={view.clone()}
                        orientation={state.orientation}
                        cursor={state.cursor}
                        {dark}
                        by_self={state.color_by_self}
                        on_click={Callback::from(move |(node, name): (u32, String)| {
                            dd.dispatch(Action::ClickFrame(node, name));
                        })}
                        on_width={d.clone().callback_to(Action::Width)}
                    />
                    if let Some(peek) = view.peek.clone() {
                        <PeekPanel {peek} total={view.total} unit={AttrValue::from(view.unit.clone())}
                            on_select={d.clone().callback_to(|n| Action::Select(Some(n)))}
                            on_close={d.clone().callback_to(|_| Action::Select(None))} />
                    }
                    if let Some(lines) = view.peek.as_ref().map(|p| &p.lines).filter(|l| !l.is_empty()) {
                        <LinesPanel lines={Rc::new(lines.clone())} sources={state.code.clone()}
                            total={view.total} unit={AttrValue::from(view.unit.clone())}
                            diff={view.diff.is_some()} on_sources={add_code.clone()} />
                    }
                    <div class="lower">
                        <TopTable
                            rows={state.rows.clone()}
                            total={view.total}
                            unit={AttrValue::from(view.unit.clone())}
                            granularity={state.params.granularity}
                            selected={state.params.selected.clone().map(AttrValue::from)}
                            on_select={d.clone().callback_to(|n| Action::Select(Some(n)))}
                            on_granularity={d.clone().callback_to(Action::Granularity)}
                            diff={view.diff.is_some()}
                            sort={(state.params.table.sort, state.params.table.desc)}
                            filter={AttrValue::from(state.params.table.filter.clone())}
                            on_sort={d.clone().callback_to(Action::TableSort)}
                            on_filter={d.clone().callback_to(Action::TableFilter)}
                            matching={state.rows_matching}
                            all={state.rows_total}
                            on_more={d.clone().callback_to(|_| Action::TableMore)}
                        />
                        <InfoPanel info={info.clone()} base={state.base_info.clone()} />
                    </div>
                </>
            }
        }
        (None, Some(_)) => html! { <p class="working">{ "Analysing…" }</p> },
        _ if state.busy.is_none() && state.bench.is_none() => {
            html! { <Landing on_demo={on_demo.clone()} /> }
        }
        _ => html! {},
    };

    let theme_label = match state.theme {
        Theme::Auto => "Theme: auto",
        Theme::Light => "Theme: light",
        Theme::Dark => "Theme: dark",
    };
    html! {
        <div class={classes!("page", (*dragging).then_some("dragging"))} {ondragover} {ondragleave} {ondrop}>
            <header class="masthead">
                <h1><img class="logo" src="static/favicon.svg" alt="" width="24" height="24" />{ "heaplens" }</h1>
                <div class="pickers">
                    <FilePicker id="profile-input" label="Profile" hint="" on_pick={on_pick(Slot::Profile)} />
                    <FilePicker id="base-input" label="Base (optional)" hint="" on_pick={on_pick(Slot::Base)} />
                </div>
                <form class="url-form" onsubmit={on_url_submit}>
                    <input id="url-input" type="url" placeholder="https://…/profile.pb.gz" aria-label="Profile URL" oninput={on_url_input} value={(*url).clone()} />
                    <button type="submit">{ "Open URL" }</button>
                </form>
                <button class="demo" onclick={on_demo.reform(|_| ())}>{ "Open demo" }</button>
                <button class="theme" onclick={d.clone().callback_to(|_| Action::ToggleTheme)} title="Light, dark, or follow the system">{ theme_label }</button>
            </header>
            if let Some(p) = (*pair).clone() {
                { pair_dialog(&p, pair.clone(), load_file.clone()) }
            }
            if *dragging {
                <div class="drop-overlay" aria-hidden="true"><p>{ "Drop a profile to open it (two files: profile and base)" }</p></div>
            }
            <ErrorAlert message={state.error.clone().map(AttrValue::from)} />
            if let Some(n) = state.notice.clone() {
                <div class="notice" role="status">
                    <p>{ n }</p>
                    <button class="close" aria-label="Dismiss" onclick={d.callback_to(|_| Action::Notice(None))}>{ "×" }</button>
                </div>
            }
            if let Some(b) = state.busy.clone() { <ProgressBar busy={b} /> }
            <main>
                if let Some(bench) = state.bench.clone() { <BenchPanel {bench} /> }
                { view_part }
            </main>
            <footer class="keys">
                { "Keys: " }<kbd>{ "/" }</kbd>{ " search · " }<kbd>{ "Esc" }</kbd>{ " clear · " }<kbd>{ "0" }</kbd>{ " reset zoom · " }
                <kbd>{ "+" }</kbd>{ " / " }<kbd>{ "-" }</kbd>{ " zoom · arrows move · " }<kbd>{ "Enter" }</kbd>{ " zoom to the selected frame" }
            </footer>
        </div>
    }
}

fn start_worker(channel: &Rc<RefCell<Channel>>, dispatcher: UseReducerDispatcher<AppState>) {
    let ch = channel.clone();
    let bridge = AnalysisWorker::spawner()
        .callback(move |resp: Response| {
            if matches!(resp, Response::View(_)) {
                ch.borrow_mut().answered();
            }
            if let Response::Export {
                file_name,
                mime,
                bytes,
            } = &resp
            {
                if let Err(msg) = link::download(file_name, mime, bytes) {
                    dispatcher.dispatch(Action::Error(msg));
                }
                return;
            }
            dispatcher.dispatch(Action::Worker(Box::new(resp)));
        })
        .spawn_with_loader(WORKER_LOADER);
    channel.borrow_mut().bridge = Some(bridge);
}

/// Extension for dispatching from callbacks.
trait DispatchExt {
    fn callback_to<T: 'static>(self, f: impl Fn(T) -> Action + 'static) -> Callback<T>;
}

impl DispatchExt for UseReducerDispatcher<AppState> {
    fn callback_to<T: 'static>(self, f: impl Fn(T) -> Action + 'static) -> Callback<T> {
        Callback::from(move |v| self.dispatch(f(v)))
    }
}

/// Asks which of two dropped files is the base.
fn pair_dialog(
    files: &Rc<(web_sys::File, web_sys::File)>,
    pair: UseStateHandle<Option<Rc<(web_sys::File, web_sys::File)>>>,
    load: Callback<(Slot, web_sys::File)>,
) -> Html {
    let (new, base) = (files.0.clone(), files.1.clone());
    let choose = |new: web_sys::File, base: web_sys::File| {
        let pair = pair.clone();
        let load = load.clone();
        Callback::from(move |_: MouseEvent| {
            load.emit((Slot::Base, base.clone()));
            load.emit((Slot::Profile, new.clone()));
            pair.set(None);
        })
    };
    let cancel = {
        let pair = pair.clone();
        Callback::from(move |_: MouseEvent| pair.set(None))
    };
    html! {
        <div class="pair-dialog" role="dialog" aria-label="Which file is the base?" id="pair-dialog">
            <p>{ "Two files: which one is the base (before) and which the new profile (after)?" }</p>
            <button class="primary" id="pair-as-guessed" onclick={choose(new.clone(), base.clone())} autofocus=true>
                { format!("Base: {} → new: {}", base.name(), new.name()) }
            </button>
            <button id="pair-swapped" onclick={choose(base.clone(), new.clone())}>
                { format!("Base: {} → new: {}", new.name(), base.name()) }
            </button>
            <button onclick={cancel}>{ "Cancel" }</button>
        </div>
    }
}

fn looks_like_base(name: &str) -> bool {
    let n = name.to_lowercase();
    ["base", "before", "old", "orig"]
        .iter()
        .any(|w| n.contains(w))
}

fn is_dark(theme: Theme) -> bool {
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
    let flip = state.orientation == Orientation::Flame;
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
            state.dispatch(Action::Zoom(0));
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
                0
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

/// Where the open profile and base came from, as a share link names them.
type Sources = Rc<RefCell<(Option<Source>, Option<Source>)>>;

/// What opening a link needs.
struct LinkCtx {
    channel: Rc<RefCell<Channel>>,
    dispatcher: UseReducerDispatcher<AppState>,
    sources: Sources,
}

/// Opens a fragment: loads its profiles (unless they are the open ones)
/// and shows its view; a damaged one is explained and changes nothing.
fn open_link(frag: &str, ctx: &LinkCtx, has_profile: bool) {
    let d = &ctx.dispatcher;
    let parsed = match Link::parse(frag) {
        Ok(p) => p,
        Err(e) => {
            d.dispatch(Action::Error(format!(
                "This link's view could not be read: {e}. Was it copied whole? The page works as usual; open a profile or the demo."
            )));
            return;
        }
    };
    if !parsed.warnings.is_empty() {
        d.dispatch(Action::Notice(Some(format!(
            "Parts of this link were not understood and were left out: {}.",
            parsed.warnings.join("; ")
        ))));
    }
    let Link {
        view,
        profile,
        base,
    } = parsed.link;
    let view = Rc::new(view);
    let same = *ctx.sources.borrow() == (profile.clone(), base.clone());
    let Some(profile) = profile.filter(|_| !(same && has_profile)) else {
        // The same profiles (or none named): only the view changes.
        if has_profile {
            d.dispatch(Action::ApplyView(view));
        }
        return;
    };
    *ctx.sources.borrow_mut() = (Some(profile.clone()), base.clone());
    d.dispatch(Action::OpenLink(view));
    d.dispatch(Action::Reading {
        name: profile.name(),
    });
    // The base first, so that the profile opens as a diff (the worker
    // answers in order).
    let mut ch = ctx.channel.borrow_mut();
    if base.is_none() {
        ch.send(Request::ClearBase);
    }
    let mut send = |slot: Slot, src: &Source| -> Result<(), String> {
        match src {
            Source::Url(u) => {
                let url =
                    link::resolve(u).map_err(|e| format!("This link's profile address {e}."))?;
                ch.fetch(slot, src.name(), url, false);
            }
            Source::Embedded { name, .. } => {
                let bytes = src.bytes().map_err(|e| {
                    format!(
                        "The profile {name} inside this link {e}; the link was probably cut short."
                    )
                })?;
                ch.load(slot, name.clone(), bytes);
            }
        }
        Ok(())
    };
    let sent = match &base {
        Some(b) => send(Slot::Base, b),
        None => Ok(()),
    }
    .and_then(|_| send(Slot::Profile, &profile));
    drop(ch);
    if let Err(message) = sent {
        d.dispatch(Action::ReadFailed { message });
    }
}

/// Writes an export of the current view: drawn here (SVG, PNG, tables) or
/// by the worker (folded stacks, report, profile), which answers with the file.
fn export(e: Export, st: &AppState, channel: &Rc<RefCell<Channel>>) -> Result<(), String> {
    let view = st
        .view
        .as_ref()
        .ok_or("Nothing to export yet: open a profile.")?;
    let info = st
        .info
        .as_ref()
        .ok_or("Nothing to export yet: open a profile.")?;
    let stem = heaplens_core::view::file_stem(&info.file_name).to_string();
    let ty = info
        .sample_types
        .get(view.sample_type)
        .map(|t| t.name.clone())
        .unwrap_or_default();
    let what = if view.diff.is_some() { "diff" } else { "flame" };
    let kind = match e {
        Export::Svg => {
            let title = match &st.base_info {
                Some(b) if view.diff.is_some() => {
                    format!("{} − {} · {ty}", info.file_name, b.file_name)
                }
                _ => format!("{} · {ty}", info.file_name),
            };
            let svg = crate::svg::flame_svg(
                view,
                f64::from(st.params.width_px),
                st.orientation,
                st.color_by_self,
                &title,
            );
            return link::download(
                &format!("{stem}.{ty}.{what}.svg"),
                "image/svg+xml",
                svg.as_bytes(),
            );
        }
        Export::Png => {
            let canvas = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.get_element_by_id("flame"))
                .and_then(|c| c.dyn_into::<web_sys::HtmlCanvasElement>().ok())
                .ok_or("The flame graph is not on the page.")?;
            let url = canvas.to_data_url_with_type("image/png").map_err(|_| {
                "The browser could not turn the flame graph into an image.".to_string()
            })?;
            link::download_url(&format!("{stem}.{ty}.{what}.png"), &url);
            return Ok(());
        }
        Export::Tsv => ExportKind::Table { csv: false },
        Export::Csv => ExportKind::Table { csv: true },
        Export::Folded => ExportKind::Folded,
        Export::Report => ExportKind::Report,
        Export::Profile => ExportKind::Profile,
    };
    channel.borrow().send(Request::Export {
        kind,
        view: st.request(),
    });
    Ok(())
}

fn read_file(
    slot: Slot,
    file: web_sys::File,
    channel: Rc<RefCell<Channel>>,
    dispatcher: UseReducerDispatcher<AppState>,
) {
    let name = file.name();
    if slot == Slot::Profile {
        dispatcher.dispatch(Action::Reading { name: name.clone() });
    }
    // The worker reads the file itself through a blob: address: its bytes
    // never pass through the page.
    match web_sys::Url::create_object_url_with_blob(&file) {
        Ok(url) => channel.borrow_mut().fetch(slot, name, url, true),
        Err(_) => dispatcher.dispatch(Action::ReadFailed {
            message: format!("Could not read {name}: the browser would not open it. Is it still there, and readable?"),
        }),
    }
}

/// Has the worker fetch `url` (same origin, or CORS-enabled) into `slot`.
fn fetch_into(
    slot: Slot,
    url: String,
    channel: Rc<RefCell<Channel>>,
    dispatcher: UseReducerDispatcher<AppState>,
) {
    let name = Source::Url(url.clone()).name();
    match link::resolve(&url) {
        Ok(abs) => {
            if slot == Slot::Profile {
                dispatcher.dispatch(Action::Reading { name: name.clone() });
            }
            channel.borrow_mut().fetch(slot, name, abs, false);
        }
        Err(e) => dispatcher.dispatch(Action::ReadFailed {
            message: format!("Could not open {name}: its address {e}."),
        }),
    }
}
