//! Sharing and exports: the share link (the worker slims and compresses the
//! profiles; the link is copied to the clipboard when it arrives), the
//! slimmed link that fits chat, the link by URL when the profiles came from
//! URLs, and the export menu (SVG and PNG drawn here, the rest written by
//! the worker).

use heaplens_view::session::{ExportKind, Request};
use heaplens_view::share::trim::{ShareData, SharedProfile};
use heaplens_view::share::{limits, Link, Source};
use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::channel::SharedChannel;
use super::links::Latest;
use crate::components::Export;
use crate::link;
use crate::state::{Action, AppState};

/// What the share bar and panel show and do.
#[derive(Clone, PartialEq)]
pub struct Sharing {
    /// The share link made last, whole.
    pub url: Option<String>,
    /// Whether it was copied to the clipboard (None: not tried yet).
    pub copied: Option<bool>,
    /// The shorter link naming the profiles' URLs, when they came from URLs.
    pub by_url: Option<String>,
    /// What folding kept, when the link's profiles are folded.
    pub trimmed: Option<String>,
    pub on_share: Callback<()>,
    pub on_trim: Callback<()>,
    pub on_copy: Callback<()>,
    pub on_export: Callback<Export>,
}

#[hook]
pub fn use_sharing(
    state: &UseReducerHandle<AppState>,
    channel: &SharedChannel,
    latest: &Latest,
) -> Sharing {
    let copied = use_state(|| None::<bool>);
    let fresh = state
        .shared
        .as_ref()
        .map(|s| std::rc::Rc::as_ptr(s) as usize);
    let url = {
        let shared = state.shared.clone();
        use_memo((fresh, state.params.clone()), move |(_, params)| {
            shared.map(|s| {
                let embed = |p: &SharedProfile| Source::Embedded {
                    name: p.name.clone(),
                    data: p.data.clone(),
                };
                if !s.snapshots.is_empty() {
                    // A timeline: its snapshots, in place of the open one.
                    return link::address(&Link {
                        view: params.clone(),
                        snapshots: s.snapshots.iter().map(embed).collect(),
                        ..Link::default()
                    });
                }
                link::address(&Link {
                    view: params.clone(),
                    profile: Some(embed(&s.profile)),
                    base: s.base.as_ref().map(embed),
                    ..Link::default()
                })
            })
        })
    };
    // A new link is copied to the clipboard when it arrives.
    {
        let (copied, url) = (copied.clone(), url.clone());
        use_effect_with(fresh, move |fresh| {
            copied.set(None);
            if let (Some(_), Some(u)) = (fresh, (*url).clone()) {
                yew::platform::spawn_local(async move {
                    copied.set(Some(link::copy(&u).await));
                });
            }
        });
    }
    let on_copy = {
        let (copied, url) = (copied.clone(), url.clone());
        Callback::from(move |_: ()| {
            let copied = copied.clone();
            if let Some(u) = (*url).clone() {
                yew::platform::spawn_local(async move {
                    copied.set(Some(link::copy(&u).await));
                });
            }
        })
    };
    let on_export = {
        let (channel, latest, d) = (channel.clone(), latest.clone(), state.dispatcher());
        Callback::from(move |e: Export| {
            let st = latest.borrow().clone();
            if let Err(msg) = export(e, &st, &channel) {
                d.dispatch(Action::Error(msg));
            }
        })
    };
    Sharing {
        url: (*url).clone(),
        copied: *copied,
        by_url: by_url(state),
        trimmed: state.shared.as_deref().and_then(trimmed),
        on_share: share(state, channel, None),
        on_trim: share(state, channel, Some(trim_budget(&state.params))),
        on_copy,
        on_export,
    }
}

/// With the share panel open: the shorter link by URL, when the profiles
/// came from URLs.
fn by_url(state: &AppState) -> Option<String> {
    // A timeline opened from addresses: the link lists them again.
    let by_address = state.snapshots.iter().all(|s| matches!(s, Source::Url(_)));
    if state.shared.is_some() && !state.snapshots.is_empty() && by_address {
        return Some(link::address(&Link {
            view: state.params.clone(),
            snapshots: (*state.snapshots).clone(),
            ..Link::default()
        }));
    }
    match (&state.shared, &state.sources) {
        (Some(_), (Some(Source::Url(p)), b)) if !matches!(b, Some(Source::Embedded { .. })) => {
            Some(link::address(&Link {
                view: state.params.clone(),
                profile: Some(Source::Url(p.clone())),
                base: b.clone(),
                ..Link::default()
            }))
        }
        _ => None,
    }
}

/// Asks the worker for the profiles of a share link; `budget` gives the
/// characters they may take.
fn share(
    state: &UseReducerHandle<AppState>,
    channel: &SharedChannel,
    budget: Option<usize>,
) -> Callback<()> {
    let (channel, d) = (channel.clone(), state.dispatcher());
    let sample_type = state.view.as_ref().map(|v| v.sample_type);
    Callback::from(move |_: ()| {
        d.dispatch(Action::Sharing);
        channel.borrow().send(Request::Share {
            sample_type,
            budget,
        });
    })
}

/// A slimmed link leaves room for the address and the view's part.
fn trim_budget(params: &heaplens_view::params::ViewParams) -> usize {
    let bare = link::address(&Link {
        view: params.clone(),
        ..Link::default()
    });
    limits::CHAT.saturating_sub(bare.len() + 64)
}

/// What folding kept, in words.
fn trimmed(s: &ShareData) -> Option<String> {
    let t = |p: &SharedProfile| {
        p.trimmed.map(|t| {
            let below = if t.tails {
                ", with the functions holding that much and every leaf function kept below it"
            } else {
                ""
            };
            format!(
                "{}: call paths under 1/{} ({:.2}%) of {} folded into (other){below}; {} of {} call-tree nodes kept",
                p.name,
                t.n,
                t.threshold() * 100.0,
                s.trim_type,
                t.nodes_kept,
                t.nodes
            )
        })
    };
    let parts: Vec<String> = t(&s.profile)
        .into_iter()
        .chain(s.base.as_ref().and_then(t))
        .collect();
    (!parts.is_empty()).then(|| {
        format!(
            "Slimmed to fit: {}. Addresses, labels and binary names are left out. The opened view says so; every total is exact.",
            parts.join("; ")
        )
    })
}

/// Writes an export of the current view: drawn here (SVG, PNG, tables) or
/// by the worker (folded stacks, report, profile), which answers with the file.
fn export(e: Export, st: &AppState, channel: &SharedChannel) -> Result<(), String> {
    let view = st
        .view
        .as_ref()
        .ok_or("Nothing to export yet: open a profile.")?;
    let info = st
        .info
        .as_ref()
        .ok_or("Nothing to export yet: open a profile.")?;
    let stem = heaplens_view::session::file_stem(&info.file_name).to_string();
    let ty = info
        .sample_types
        .get(view.sample_type)
        .map(|t| t.name.clone())
        .unwrap_or_default();
    let what = if view.diff.is_some() { "diff" } else { "flame" };
    let title = match &st.base_info {
        Some(b) if view.diff.is_some() => format!("{} − {} · {ty}", info.file_name, b.file_name),
        _ => format!("{} · {ty}", info.file_name),
    };
    let kind = match e {
        Export::Svg => {
            let svg = crate::svg::flame_svg(
                view,
                f64::from(st.width_px),
                st.params.orientation,
                st.color_by_self(),
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
            let url = titled_png(&canvas, &title).ok_or_else(|| {
                "The browser could not turn the flame graph into an image.".to_string()
            })?;
            link::download_url(&format!("{stem}.{ty}.{what}.png"), &url);
            return Ok(());
        }
        Export::Tsv => ExportKind::Table { csv: false },
        Export::Csv => ExportKind::Table { csv: true },
        Export::Folded => ExportKind::Folded,
        Export::FoldedDiff => ExportKind::FoldedDiff,
        Export::Report => ExportKind::Report,
        Export::Profile => ExportKind::Profile,
        Export::Dot => ExportKind::Dot,
        Export::GraphSvg => {
            let scene = view
                .call_graph
                .as_ref()
                .ok_or("The graph view is not open.")?;
            let svg = heaplens_view::callgraph::svg::svg(scene, &title);
            return link::download(
                &format!("{stem}.{ty}.graph.svg"),
                "image/svg+xml",
                svg.as_bytes(),
            );
        }
    };
    channel.borrow().send(Request::Export {
        kind,
        view: st.request(),
    });
    Ok(())
}

/// The flame graph's bitmap under a band with `title` (file and sample
/// type, as the SVG has), as a PNG data: URL.
fn titled_png(flame: &web_sys::HtmlCanvasElement, title: &str) -> Option<String> {
    let doc = web_sys::window()?.document()?;
    let out: web_sys::HtmlCanvasElement = doc.create_element("canvas").ok()?.dyn_into().ok()?;
    let dpr = web_sys::window()
        .map_or(1.0, |w| w.device_pixel_ratio())
        .max(1.0);
    let band = (24.0 * dpr).round();
    out.set_width(flame.width());
    out.set_height(flame.height() + band as u32);
    let ctx: web_sys::CanvasRenderingContext2d = out.get_context("2d").ok()??.dyn_into().ok()?;
    ctx.set_fill_style_str("#ffffff");
    ctx.fill_rect(0.0, 0.0, f64::from(out.width()), f64::from(out.height()));
    ctx.set_fill_style_str("#1b1b1b");
    ctx.set_font(&format!("{}px sans-serif", (13.0 * dpr).round()));
    ctx.set_text_baseline("middle");
    ctx.fill_text(title, 6.0 * dpr, band / 2.0).ok()?;
    ctx.draw_image_with_html_canvas_element(flame, 0.0, band)
        .ok()?;
    out.to_data_url_with_type("image/png").ok()
}
