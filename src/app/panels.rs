//! The view's panels, laid out from the state: the diff summary, the share
//! bar and panel, the toolbar, the flame graph, callers/callees, the line
//! view, the top table and the profile's info.

use std::rc::Rc;

use heaplens_view::params::DiffParams;
use heaplens_view::session::{NodeId, ProfileInfo, ViewData};
use yew::prelude::*;

use super::channel::SharedChannel;
use super::files::Openers;
use super::keys::is_dark;
use super::sharing::Sharing;
use super::DispatchExt;
use crate::components::{
    CallGraph, FlameGraph, ImpactPanel, InfoPanel, LinesPanel, PeekPanel, RefineBar, RefineMenu,
    ShareBar, SharePanel, SizesPanel, Toolbar, TopTable, WhyPanel,
};
use crate::state::{Action, AppState};

/// Every panel of an open view.
pub fn view_panels(
    state: &UseReducerHandle<AppState>,
    view: &Rc<ViewData>,
    info: &Rc<ProfileInfo>,
    channel: &SharedChannel,
    sharing: &Sharing,
    open: &Openers,
    search_ref: &NodeRef,
) -> Html {
    let d = state.dispatcher();
    let unit = AttrValue::from(view.unit.clone());
    html! {
        <>
            { impact(state, view, channel) }
            <ShareBar sharing={state.sharing} diff={view.diff.is_some()}
                call_graph={view.call_graph.is_some() && state.params.call_graph.is_some()}
                on_share={sharing.on_share.clone()} on_export={sharing.on_export.clone()} />
            if let Some(url) = sharing.url.clone() {
                <SharePanel url={AttrValue::from(url)} copied={sharing.copied}
                    trimmed={sharing.trimmed.clone().map(AttrValue::from)}
                    by_url={sharing.by_url.clone().map(AttrValue::from)}
                    sharing={state.sharing}
                    on_trim={sharing.on_trim.clone()} on_copy={sharing.on_copy.clone()}
                    on_close={d.callback_to(|_| Action::CloseShare)} />
            }
            { toolbar(state, view, info, search_ref) }
            <RefineBar refine={state.params.refine.clone()} kept={view.kept_total} total={view.total}
                unit={unit.clone()} warnings={view.filter_warnings.clone()}
                on_change={d.callback_to(Action::Refine)} />
            if let Some(m) = state.refine_menu.clone() {
                <RefineMenu x={m.0} y={m.1} name={AttrValue::from(m.2.clone())}
                    on_pick={d.callback_to(|(k, n)| Action::RefineWith(k, n))}
                    on_graph={d.callback_to(Action::Graph)}
                    on_close={d.callback_to(|_| Action::RefineMenu(None))} />
            }
            { main_view(state, view, info, channel) }
            if view.diff.is_some() { { diff_legend(&state.params.diff) } }
            if let Some(peek) = view.peek.clone() {
                <PeekPanel {peek} total={view.total} unit={unit.clone()} diff={view.diff.is_some()}
                    on_select={d.callback_to(|n| Action::Select(Some(n)))}
                    on_close={d.callback_to(|_| Action::Select(None))} />
            }
            if let Some(lines) = view.peek.as_ref().map(|p| &p.lines).filter(|l| !l.is_empty()) {
                <LinesPanel lines={Rc::new(lines.clone())} sources={state.code.clone()}
                    notes={Rc::new(view.why.as_ref().map(|w| w.notes.clone()).unwrap_or_default())}
                    total={view.total} unit={unit.clone()}
                    diff={view.diff.is_some()} on_sources={open.sources.clone()} />
            }
            if let Some(why) = view.why.clone() {
                <WhyPanel {why} unit={unit.clone()} />
            }
            if let Some(sizes) = view.sizes.clone().filter(|s| !s.bins.is_empty()) {
                <SizesPanel {sizes} unit={unit.clone()} type_name={type_name(info, view)} />
            }
            <div class="lower">
                { table(state, view) }
                <InfoPanel info={info.clone()} base={state.base_info.clone()} />
            </div>
        </>
    }
}

/// The flame graph, or the graph view when it is asked for.
fn main_view(
    state: &UseReducerHandle<AppState>,
    view: &Rc<ViewData>,
    info: &ProfileInfo,
    channel: &SharedChannel,
) -> Html {
    let d = state.dispatcher();
    let filtered = state.params.refine.any_node_filter() || !state.params.tagfocus.is_empty();
    if let (Some(scene), Some(_)) = (view.call_graph.clone(), state.params.call_graph) {
        return html! {
            <CallGraph {scene} unit={AttrValue::from(view.unit.clone())} total={view.total}
                diff={view.diff.is_some()} dark={is_dark(state.theme)} {filtered}
                selected={state.params.selected.clone().map(AttrValue::from)}
                on_select={d.callback_to(|n| Action::Select(Some(n)))}
                on_menu={d.callback_to(|m: (f64, f64, String)| Action::RefineMenu(Some(Rc::new(m))))}
                on_count={d.callback_to(|n| Action::CallGraph(Some(n)))} />
        };
    }
    let sandwich = state
        .params
        .graph
        .function()
        .map(|f| AttrValue::from(f.to_string()));
    let callers = matches!(state.params.graph, heaplens_analysis::GraphView::Callers(_));
    let on_menu = d.callback_to(|m: (f64, f64, String)| Action::RefineMenu(Some(Rc::new(m))));
    let main = html! {
            <FlameGraph
                view={view.clone()}
                orientation={state.params.drawn_orientation()}
                cursor={state.cursor}
                dark={is_dark(state.theme)}
                by_self={state.color_by_self()}
                on_click={d.callback_to(|(node, name): (NodeId, String)| Action::ClickFrame(node, name))}
                on_width={d.callback_to(Action::Width)}
                on_hover={frame_values(state, info, channel, false)}
                on_menu={on_menu.clone()}
                {filtered}
                sandwich={sandwich.clone()}
                {callers}
                values={state.frame_values.clone()}
            />
    };
    // A sandwich: the callers graph above the function, its callees below.
    let (Some(half), Some(params)) = (view.other_half.clone(), state.params.other_half_params())
    else {
        return main;
    };
    let id = if callers {
        "flame-callees"
    } else {
        "flame-callers"
    };
    let other = html! {
            <FlameGraph
                view={Rc::new(*half)}
                id={AttrValue::Static(id)}
                orientation={params.drawn_orientation()}
                cursor={None::<NodeId>}
                dark={is_dark(state.theme)}
                by_self={state.color_by_self()}
                on_click={d.callback_to(|(node, name): (NodeId, String)| Action::ClickOtherHalf(node, name))}
                on_width={Callback::noop()}
                on_hover={frame_values(state, info, channel, true)}
                values={state.other_values.clone()}
                {on_menu}
                {filtered}
                {sandwich}
                callers={!callers}
            />
    };
    let (top, bottom) = if callers {
        (main, other)
    } else {
        (other, main)
    };
    html! { <div class="sandwich">{ top }{ bottom }</div> }
}

/// Asks the worker for a hovered frame's values of every sample type
/// (when the profile has more than one, and they are not there yet); of
/// the sandwich's other half when `other`.
fn frame_values(
    state: &UseReducerHandle<AppState>,
    info: &ProfileInfo,
    channel: &SharedChannel,
    other: bool,
) -> Callback<Option<NodeId>> {
    let channel = channel.clone();
    let (params, known) = if other {
        let params = state.params.other_half_params();
        (params, state.other_values.as_ref())
    } else {
        (Some(state.params.clone()), state.frame_values.as_ref())
    };
    let known = known.map(|v| v.0);
    let several = info.sample_types.len() > 1;
    Callback::from(move |node: Option<NodeId>| {
        let Some(params) = params.as_ref() else {
            return;
        };
        if let Some(node) = node.filter(|n| several && Some(*n) != known) {
            channel
                .borrow()
                .send(heaplens_view::session::Request::Values {
                    params: params.clone(),
                    node,
                    other,
                });
        }
    })
}

/// What a diff's colours and widths mean, in the chosen modes.
fn diff_legend(diff: &DiffParams) -> Html {
    use heaplens_view::params::{ColorBy, WidthBy};
    let what = match diff.color_by {
        ColorBy::Total => "total (the frame and everything it calls)",
        ColorBy::SelfValue => "self value (the frame alone)",
    };
    let width = match diff.width_by {
        WidthBy::New => "the new profile's value (what is gone has no width)",
        WidthBy::Base => "the base's value",
        WidthBy::Max => "the larger of base and new (what is gone stays visible)",
    };
    html! {
        <p class="diff-legend" id="diff-legend">
            <span class="swatch up" aria-hidden="true"></span>{ " grew " }
            <span class="swatch down" aria-hidden="true"></span>{ " shrank " }
            <span class="swatch same" aria-hidden="true"></span>{ " unchanged: " }
            { format!("the change of each frame's {what}; the stronger the colour, the larger the change relative to the larger of its base and new values. Width: {width}.") }
        </p>
    }
}

/// The diff's summary and settings, when a base is open.
fn impact(state: &UseReducerHandle<AppState>, view: &ViewData, channel: &SharedChannel) -> Html {
    let Some(base) = state.base_info.as_ref() else {
        return html! {};
    };
    let d = state.dispatcher();
    let diff: &DiffParams = &state.params.diff;
    let on_swap = {
        let channel = channel.clone();
        Callback::from(move |_: ()| channel.borrow().send(heaplens_view::session::Request::Swap))
    };
    html! {
        <ImpactPanel diff={view.diff.clone()} base_name={AttrValue::from(base.file_name.clone())}
            showing_diff={diff.show} unit={AttrValue::from(view.unit.clone())}
            width_by={diff.width_by}
            error={view.diff_error.clone().map(AttrValue::from)}
            color_by_self={state.color_by_self()}
            subtract={diff.mode == heaplens_profile::diff::DiffMode::Base}
            normalize={diff.normalize}
            on_subtract={d.callback_to(Action::Subtract)}
            on_normalize={d.callback_to(Action::Normalize)}
            on_color_by_self={d.callback_to(Action::ColorBySelf)}
            on_toggle={d.callback_to(Action::Diff)}
            on_width_by={d.callback_to(Action::WidthBy)}
            {on_swap} />
    }
}

fn toolbar(
    state: &UseReducerHandle<AppState>,
    view: &ViewData,
    info: &ProfileInfo,
    search_ref: &NodeRef,
) -> Html {
    let d = state.dispatcher();
    html! {
        <Toolbar
            sample_types={Rc::new(info.sample_types.clone())}
            sample_type={view.sample_type}
            orientation={state.params.drawn_orientation()}
            orientation_fixed={state.params.other_half().is_some()}
            search={AttrValue::from(state.params.search.clone())}
            search_ref={search_ref.clone()}
            matched={view.matched}
            search_error={view.search_error.clone().map(AttrValue::from)}
            total={view.total}
            unit={AttrValue::from(view.unit.clone())}
            crumbs={Rc::new(view.crumbs.clone())}
            on_sample_type={d.callback_to(Action::SampleType)}
            on_orientation={d.callback_to(Action::Orientation)}
            on_search={d.callback_to(Action::Search)}
            on_zoom={d.callback_to(Action::Zoom)}
            label_keys={Rc::new(info.label_keys.clone())}
            label_suggestions={Rc::new(info.label_suggestions.clone())}
            tagfocus={AttrValue::from(state.params.tagfocus.clone())}
            focus={view.focus}
            focus_error={view.focus_error.clone().map(AttrValue::from)}
            on_tagfocus={d.callback_to(Action::TagFocus)}
            graph={state.params.graph.clone()}
            selected={state.params.selected.clone().map(AttrValue::from)}
            recursion={state.params.recursion}
            on_graph={d.callback_to(Action::Graph)}
            on_recursion={d.callback_to(Action::Recursion)}
            call_graph={state.params.call_graph}
            on_call_graph={d.callback_to(Action::CallGraph)}
        />
    }
}

fn table(state: &UseReducerHandle<AppState>, view: &ViewData) -> Html {
    let d = state.dispatcher();
    let t = &state.params.table;
    html! {
        <TopTable
            rows={state.rows.clone()}
            total={view.total}
            unit={AttrValue::from(view.unit.clone())}
            granularity={state.params.granularity}
            selected={state.params.selected.clone().map(AttrValue::from)}
            on_select={d.callback_to(|n| Action::Select(Some(n)))}
            on_granularity={d.callback_to(Action::Granularity)}
            diff={view.diff.is_some()}
            net_pct={state.params.diff.mode == heaplens_profile::diff::DiffMode::Base}
            sort={(t.sort, t.descending)}
            filter={AttrValue::from(t.filter.clone())}
            on_sort={d.callback_to(Action::TableSort)}
            on_filter={d.callback_to(Action::TableFilter)}
            matching={state.rows_matching}
            all={state.rows_total}
            on_more={d.callback_to(|_| Action::TableMore)}
            on_menu={d.callback_to(|m: (f64, f64, String)| Action::RefineMenu(Some(Rc::new(m))))}
            timeline={state.timeline.clone()}
        />
    }
}

/// The shown sample type's name.
fn type_name(info: &ProfileInfo, view: &ViewData) -> AttrValue {
    AttrValue::from(
        info.sample_types
            .get(view.sample_type)
            .map_or(String::new(), |t| t.name.clone()),
    )
}
