//! The top table (`#top-table`): flat, flat%, sum%, cum, cum%, name — the
//! numbers of `go tool pprof -top` — sortable by any column, filterable,
//! at function or line granularity. The worker sorts, filters and pages the
//! rows (`heaplens_view::table`), so the page holds only those it shows,
//! however many there are. Each body row carries `data-name`, `data-flat`
//! and `data-cum` (raw integers).

use std::rc::Rc;

use heaplens_analysis::Granularity;
use heaplens_profile::units;
use heaplens_view::table::Row;
use web_sys::HtmlInputElement;
use yew::prelude::*;

pub use heaplens_view::table::Column;

#[derive(Properties, PartialEq)]
pub struct TopTableProps {
    pub rows: Rc<Vec<Row>>,
    pub total: i64,
    pub unit: AttrValue,
    pub granularity: Granularity,
    pub selected: Option<AttrValue>,
    pub on_select: Callback<String>,
    pub on_granularity: Callback<Granularity>,
    /// Rows are net values (new − base) with the base's beside them.
    #[prop_or_default]
    pub diff: bool,
    /// In a diff, pprof's `-base` percentages: flat% and cum% of the net
    /// total, in their own columns.
    #[prop_or_default]
    pub net_pct: bool,
    /// Sort column and whether descending; filter text (kept by the app,
    /// so that a share link restores them).
    pub sort: (Column, bool),
    pub filter: AttrValue,
    pub on_sort: Callback<(Column, bool)>,
    pub on_filter: Callback<String>,
    /// Rows that pass the filter (`rows` are the first of them), and rows
    /// in all; "show more" asks for more of them.
    pub matching: u32,
    pub all: u32,
    pub on_more: Callback<()>,
    /// A right-click on a row: window pixels and the row's function.
    #[prop_or_default]
    pub on_menu: Callback<(f64, f64, String)>,
    /// With a timeline of snapshots open: each row's function over the
    /// snapshots, as a sparkline.
    #[prop_or_default]
    pub timeline: Option<Rc<heaplens_view::session::timeline::TimelineData>>,
}

/// The trend column's header, with a timeline open.
fn trend_header(props: &TopTableProps) -> Html {
    if props.timeline.is_none() {
        return html! {};
    }
    plain_header(
        "trend",
        "The function's value in each snapshot of the timeline (the largest functions)",
    )
}

/// A row's sparkline over the timeline's snapshots.
fn trend_cell(props: &TopTableProps, function: &str) -> Html {
    let Some(t) = &props.timeline else {
        return html! {};
    };
    match t.sparks.iter().find(|b| b.name == function) {
        Some(b) => {
            html! { <td class="spark" title={format!("{} snapshots", b.values.len())}>{ crate::components::sparkline(&b.values) }</td> }
        }
        None => html! { <td class="spark"></td> },
    }
}

/// The refine menu of a row's function on a right-click.
fn menu(props: &TopTableProps, function: &str) -> Callback<MouseEvent> {
    let (cb, function) = (props.on_menu.clone(), function.to_string());
    Callback::from(move |e: MouseEvent| {
        e.prevent_default();
        cb.emit((
            f64::from(e.client_x()),
            f64::from(e.client_y()),
            function.clone(),
        ));
    })
}

#[component]
pub fn TopTable(props: &TopTableProps) -> Html {
    let on_filter = {
        let cb = props.on_filter.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            cb.emit(input.value());
        })
    };
    let gran = |g: Granularity, label: &str| {
        let cb = props.on_granularity.clone();
        html! {
            <button class={classes!("seg", (props.granularity == g).then_some("on"))} aria-pressed={(props.granularity == g).to_string()}
                onclick={Callback::from(move |_| cb.emit(g))}>{ label.to_string() }</button>
        }
    };

    let unit = props.unit.to_string();
    let mut sum = 0i64;
    let shown = props.rows.len();
    let body = props.rows.iter().map(|r| {
        sum = sum.wrapping_add(r.flat);
        if props.diff {
            diff_row(props, r, &unit)
        } else {
            plain_row(props, r, sum, &unit)
        }
    });

    html! {
        <section class="top" aria-label="Top functions">
            <div class="table-tools">
                <h2>{ "Top" }</h2>
                <div class="segmented" role="group" aria-label="Granularity">
                    { gran(Granularity::Functions, "Functions") }
                    { gran(Granularity::Lines, "Lines") }
                    { gran(Granularity::Addresses, "Addresses") }
                </div>
                <input id="table-filter" type="search" placeholder="Filter rows (substring or /regex/)" aria-label="Filter rows (substring or /regex/)" oninput={on_filter} value={props.filter.clone()} />
                if let Err(e) = heaplens_analysis::search::Query::parse(&props.filter) {
                    <span class="error-text" id="table-filter-error">{ e.to_string() }</span>
                }
                <span class="count">{
                    if props.matching == props.all {
                        units::count(u64::from(props.all), "row", "rows")
                    } else {
                        format!("{} of {}", props.matching, units::count(u64::from(props.all), "row", "rows"))
                    }
                }</span>
            </div>
            <div class="table-scroll">
                <table id="top-table">
                    <thead>
                        if props.diff {
                        <tr>
                            { header(props, "flat Δ", Column::Flat, "Change of flat: new minus base") }
                            if props.net_pct { { plain_header("flat%", "flat Δ as a share of the total (pprof -base percentages)") } }
                            { header(props, "flat base", Column::BaseFlat, "flat in the base profile") }
                            { header(props, "flat new", Column::NewFlat, "flat in the new profile") }
                            { header(props, "flat Δ%", Column::FlatPct, "change of flat in percent of the base") }
                            { header(props, "cum Δ", Column::Cum, "Change of cum: new minus base") }
                            if props.net_pct { { plain_header("cum%", "cum Δ as a share of the total (pprof -base percentages)") } }
                            { header(props, "cum base", Column::BaseCum, "cum in the base profile") }
                            { header(props, "cum new", Column::NewCum, "cum in the new profile") }
                            { header(props, "cum Δ%", Column::CumPct, "change of cum in percent of the base") }
                            if per_object(props) { { plain_header("B/obj", "Bytes per object, base → new: the space of the row's samples over their objects (cum) in each profile") } }
                            if why(props) { { plain_header("why", "What the compiler said about the line (go build -gcflags=-m)") } }
                            { trend_header(props) }
                            { header(props, "name", Column::Name, "Function (or function and line)") }
                        </tr>
                        } else {
                        <tr>
                            { header(props, "flat", Column::Flat, "Value of samples whose innermost frame is this row") }
                            { header(props, "flat%", Column::Flat, "flat as a share of the total") }
                            { plain_header("sum%", "running sum of flat% in this order") }
                            { header(props, "cum", Column::Cum, "Value of every stack through this row, counted once") }
                            { header(props, "cum%", Column::Cum, "cum as a share of the total") }
                            if per_object(props) { { plain_header("B/obj", "Bytes per object: the space of the row's samples over their objects (cum)") } }
                            if why(props) { { plain_header("why", "What the compiler said about the line (go build -gcflags=-m)") } }
                            { trend_header(props) }
                            { header(props, "name", Column::Name, "Function (or function and line)") }
                        </tr>
                        }
                    </thead>
                    <tbody>{ for body }</tbody>
                </table>
            </div>
            { more(props, shown) }
        </section>
    }
}

/// A diff's base and new columns, which narrow windows leave out (the
/// changes and the names keep the room).
fn side(col: Column) -> Option<&'static str> {
    matches!(
        col,
        Column::BaseFlat | Column::NewFlat | Column::BaseCum | Column::NewCum
    )
    .then_some("side")
}

/// A column header that sorts by `col` when clicked (again: the other way).
fn header(props: &TopTableProps, label: &str, col: Column, title: &str) -> Html {
    let is_pct = label.ends_with('%') && !label.ends_with("Δ%");
    let on_sort = props.on_sort.clone();
    let (cur, desc) = props.sort;
    let aria = if cur == col && !is_pct {
        if desc {
            "descending"
        } else {
            "ascending"
        }
    } else {
        "none"
    };
    let arrow = if cur == col {
        if desc {
            " ▾"
        } else {
            " ▴"
        }
    } else {
        ""
    };
    let onclick = Callback::from(move |_| {
        on_sort.emit(if cur == col {
            (col, !desc)
        } else {
            (col, col != Column::Name)
        });
    });
    html! {
        <th scope="col" aria-sort={aria} class={classes!(if col == Column::Name { "name" } else { "num" }, side(col))}>
            <button class="sort" {onclick} title={title.to_string()}>{ format!("{label}{arrow}") }</button>
        </th>
    }
}

/// A column header that does not sort.
fn plain_header(label: &str, title: &str) -> Html {
    html! { <th scope="col" class="num" title={title.to_string()}>{ label.to_string() }</th> }
}

/// A body row of a diff: flat and cum as change, base, new and change in
/// percent, and the name with a "new" or "gone" badge.
fn diff_row(props: &TopTableProps, r: &Row, unit: &str) -> Html {
    let cb = props.on_select.clone();
    let function = r.function.clone();
    let selected = props.selected.as_deref() == Some(r.function.as_str());
    let new_cum = r.base_cum.wrapping_add(r.cum);
    let new_flat = r.base_flat.wrapping_add(r.flat);
    let pct_of = |d: i64, b: i64| {
        units::change_percent(d, b)
            .map(|p| format!("{p:+.1}%"))
            .unwrap_or_default()
    };
    let pct = pct_of(r.cum, r.base_cum);
    let flat_pct = pct_of(r.flat, r.base_flat);
    let marker = if r.base_cum == 0 && new_cum != 0 {
        "new"
    } else if new_cum == 0 && r.base_cum != 0 {
        "gone"
    } else {
        ""
    };
    let sign = |v: i64| {
        if v > 0 {
            format!("+{}", units::label(v, unit))
        } else {
            units::label(v, unit)
        }
    };
    let tone = |v: i64| {
        if v > 0 {
            "up"
        } else if v < 0 {
            "down"
        } else {
            ""
        }
    };
    html! {
        <tr data-name={r.name.clone()} data-flat={r.flat.to_string()} data-cum={r.cum.to_string()}
            data-per-object={r.per_object.map(|b| b.to_string())}
            data-base-per-object={r.base_per_object.map(|b| b.to_string())}
            class={classes!(selected.then_some("selected"))}
            oncontextmenu={menu(props, &r.function)}
            onclick={Callback::from(move |_| cb.emit(function.clone()))}>
            <td class={classes!("num", tone(r.flat))} title={r.flat.to_string()}>{ sign(r.flat) }</td>
            if props.net_pct { <td class="num net-pct">{ units::percentage(r.flat, props.total).trim().to_string() }</td> }
            <td class="num side" title={r.base_flat.to_string()}>{ units::label(r.base_flat, unit) }</td>
            <td class="num side" title={new_flat.to_string()}>{ units::label(new_flat, unit) }</td>
            <td class={classes!("num", tone(r.flat))}>{ flat_pct }</td>
            <td class={classes!("num", tone(r.cum))} title={r.cum.to_string()}>{ sign(r.cum) }</td>
            if props.net_pct { <td class="num net-pct">{ units::percentage(r.cum, props.total).trim().to_string() }</td> }
            <td class="num side" title={r.base_cum.to_string()}>{ units::label(r.base_cum, unit) }</td>
            <td class="num side" title={new_cum.to_string()}>{ units::label(new_cum, unit) }</td>
            <td class={classes!("num", tone(r.cum))}>{ pct }</td>
            if per_object(props) {
                <td class="num per-object">{ per_object_change(r) }</td>
            }
            if why(props) { { why_cell(r) } }
            { trend_cell(props, &r.function) }
            <td class="name" title={r.name.clone()}>
                <span class="fn">{ crate::paint::truncate(&r.name, 160) }</span>
                if !r.mark.is_empty() { <span class="mark">{ format!(" {}", r.mark) }</span> }
                if !marker.is_empty() { <span class={classes!("badge", marker)}>{ marker }</span> }
            </td>
        </tr>
    }
}

/// A body row of one profile: flat, flat%, sum% (`sum` is the running sum
/// of flat up to this row), cum, cum% and the name with its mark.
fn plain_row(props: &TopTableProps, r: &Row, sum: i64, unit: &str) -> Html {
    let cb = props.on_select.clone();
    let function = r.function.clone();
    let selected = props.selected.as_deref() == Some(r.function.as_str());
    let total = props.total;
    html! {
        <tr data-name={r.name.clone()} data-flat={r.flat.to_string()} data-cum={r.cum.to_string()}
            data-per-object={r.per_object.map(|b| b.to_string())}
            class={classes!(selected.then_some("selected"))}
            oncontextmenu={menu(props, &r.function)}
            onclick={Callback::from(move |_| cb.emit(function.clone()))}>
            <td class="num" title={r.flat.to_string()}>{ units::label(r.flat, unit) }</td>
            <td class="num">{ units::percentage(r.flat, total).trim().to_string() }</td>
            <td class="num">{ units::percentage(sum, total).trim().to_string() }</td>
            <td class="num" title={r.cum.to_string()}>{ units::label(r.cum, unit) }</td>
            <td class="num">{ units::percentage(r.cum, total).trim().to_string() }</td>
            if per_object(props) {
                <td class="num per-object">{ r.per_object.map(|b| units::label(b as i64, "bytes")).unwrap_or_default() }</td>
            }
            if why(props) { { why_cell(r) } }
            { trend_cell(props, &r.function) }
            <td class="name" title={r.name.clone()}>
                <span class="fn">{ crate::paint::truncate(&r.name, 160) }</span>
                if !r.mark.is_empty() { <span class="mark">{ format!(" {}", r.mark) }</span> }
            </td>
        </tr>
    }
}

/// Whether the rows carry bytes per object (an objects/space pair shown).
fn per_object(props: &TopTableProps) -> bool {
    props
        .rows
        .iter()
        .any(|r| r.per_object.is_some() || r.base_per_object.is_some())
}

/// Whether the rows carry the compiler's diagnostics (lines, with
/// diagnostics loaded).
fn why(props: &TopTableProps) -> bool {
    props.rows.iter().any(|r| !r.why.is_empty())
}

/// A diff row's bytes per object: `48 B → 32 B`, or one side's alone.
fn per_object_change(r: &Row) -> String {
    let b = |v: Option<u64>| v.map(|b| units::label(b as i64, "bytes"));
    match (b(r.base_per_object), b(r.per_object)) {
        (Some(base), Some(new)) if base == new => new,
        (Some(base), Some(new)) => format!("{base} → {new}"),
        (Some(base), None) => format!("{base} → –"),
        (None, Some(new)) => format!("– → {new}"),
        (None, None) => String::new(),
    }
}

/// The compiler's words about a row's line, cut short (all of it on hover).
fn why_cell(r: &Row) -> Html {
    html! {
        <td class="why-cell" title={r.why.clone()}>{ crate::paint::truncate(&r.why, 60) }</td>
    }
}

/// "Showing n of m rows" with a "Show more" button when rows are left out;
/// else nothing.
fn more(props: &TopTableProps, shown: usize) -> Html {
    if props.matching as usize > shown {
        let cb = props.on_more.clone();
        html! {
            <p class="more">
                { format!("Showing {shown} of {}. ", units::count(u64::from(props.matching), "row", "rows")) }
                <button onclick={Callback::from(move |_| cb.emit(()))}>{ "Show more" }</button>
            </p>
        }
    } else {
        html! {}
    }
}
