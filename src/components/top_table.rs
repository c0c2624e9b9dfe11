//! The top table (`#top-table`): flat, flat%, sum%, cum, cum%, name — the
//! numbers of `go tool pprof -top` — sortable by any column, filterable,
//! at function or line granularity, paged so long tables stay fast. Each
//! body row carries `data-name`, `data-flat` and `data-cum` (raw integers).

use std::rc::Rc;

use heaplens_core::units;
use heaplens_core::view::Row;
use heaplens_core::Granularity;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Column {
    Flat,
    Cum,
    Name,
    /// Diff columns: the base's and the new profile's values, and the
    /// change in percent of the base.
    BaseFlat,
    NewFlat,
    FlatPct,
    BaseCum,
    NewCum,
    CumPct,
}

impl Column {
    const ALL: [(Column, &'static str); 9] = [
        (Column::Flat, "flat"),
        (Column::Cum, "cum"),
        (Column::Name, "name"),
        (Column::BaseFlat, "base_flat"),
        (Column::NewFlat, "new_flat"),
        (Column::FlatPct, "flat_pct"),
        (Column::BaseCum, "base_cum"),
        (Column::NewCum, "new_cum"),
        (Column::CumPct, "cum_pct"),
    ];

    /// The sort as a share link writes it: "" for the default (flat,
    /// descending), the column's name, `-` first when ascending.
    pub fn link_text(sort: (Column, bool)) -> String {
        if sort == (Column::Flat, true) {
            return String::new();
        }
        let name = Column::ALL
            .iter()
            .find(|(c, _)| *c == sort.0)
            .map_or("flat", |(_, n)| n);
        format!("{}{name}", if sort.1 { "" } else { "-" })
    }

    /// Reads [`Column::link_text`]; None for anything else.
    pub fn from_link_text(s: &str) -> Option<(Column, bool)> {
        if s.is_empty() {
            return Some((Column::Flat, true));
        }
        let (asc, name) = match s.strip_prefix('-') {
            Some(n) => (true, n),
            None => (false, s),
        };
        Column::ALL
            .iter()
            .find(|(_, n)| *n == name)
            .map(|(c, _)| (*c, !asc))
    }
}

/// The value a diff column sorts by.
fn diff_key(r: &Row, c: Column) -> f64 {
    let pct =
        |d: i64, b: i64| units::change_percent(d, b).unwrap_or(f64::INFINITY.copysign(d as f64));
    match c {
        Column::BaseFlat => r.base_flat as f64,
        Column::NewFlat => r.base_flat.wrapping_add(r.flat) as f64,
        Column::FlatPct => pct(r.flat, r.base_flat),
        Column::BaseCum => r.base_cum as f64,
        Column::NewCum => r.base_cum.wrapping_add(r.cum) as f64,
        Column::CumPct => pct(r.cum, r.base_cum),
        _ => 0.0,
    }
}

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
    /// Sort column and whether descending; filter text (kept by the app,
    /// so that a share link restores them).
    pub sort: (Column, bool),
    pub filter: AttrValue,
    pub on_sort: Callback<(Column, bool)>,
    pub on_filter: Callback<String>,
}

const PAGE: usize = 200;

/// Indices of `rows` that pass `filter`, in the chosen order. Flat order is
/// pprof's own (the rows arrive sorted that way).
pub fn order(rows: &[Row], sort: Column, desc: bool, filter: &str) -> Vec<usize> {
    let f = filter.trim().to_lowercase();
    let mut idx: Vec<usize> = (0..rows.len())
        .filter(|&i| f.is_empty() || rows[i].name.to_lowercase().contains(&f))
        .collect();
    match sort {
        Column::Flat => {
            if !desc {
                idx.reverse();
            }
        }
        Column::Cum => {
            idx.sort_by(|&a, &b| {
                rows[b]
                    .cum
                    .unsigned_abs()
                    .cmp(&rows[a].cum.unsigned_abs())
                    .then(a.cmp(&b))
            });
            if !desc {
                idx.reverse();
            }
        }
        Column::Name => {
            idx.sort_by(|&a, &b| rows[a].name.cmp(&rows[b].name));
            if desc {
                idx.reverse();
            }
        }
        c => {
            idx.sort_by(|&a, &b| {
                diff_key(&rows[b], c)
                    .total_cmp(&diff_key(&rows[a], c))
                    .then(a.cmp(&b))
            });
            if !desc {
                idx.reverse();
            }
        }
    }
    idx
}

#[component]
pub fn TopTable(props: &TopTableProps) -> Html {
    let limit = use_state(|| PAGE);
    let ordered = {
        let rows = props.rows.clone();
        let (col, desc) = props.sort;
        let f = props.filter.to_string();
        use_memo(
            (Rc::as_ptr(&props.rows) as usize, col, desc, f.clone()),
            move |_| order(&rows, col, desc, &f),
        )
    };

    let header = |label: &str, col: Column, title: &str| {
        let is_pct = label.ends_with('%') && !label.ends_with("Δ%");
        let on_sort = props.on_sort.clone();
        let limit = limit.clone();
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
            limit.set(PAGE);
        });
        html! {
            <th scope="col" aria-sort={aria} class={classes!(if col == Column::Name { "name" } else { "num" })}>
                <button class="sort" {onclick} title={title.to_string()}>{ format!("{label}{arrow}") }</button>
            </th>
        }
    };
    let plain = |label: &str, title: &str| html! { <th scope="col" class="num" title={title.to_string()}>{ label.to_string() }</th> };

    let on_filter = {
        let cb = props.on_filter.clone();
        let limit = limit.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            cb.emit(input.value());
            limit.set(PAGE);
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
    let total = props.total;
    let mut sum = 0i64;
    let shown = ordered.len().min(*limit);
    let body = ordered[..shown].iter().map(|&i| {
        let r = &props.rows[i];
        sum = sum.wrapping_add(r.flat);
        let cb = props.on_select.clone();
        let function = r.function.clone();
        let selected = props.selected.as_deref() == Some(r.function.as_str());
        if props.diff {
            let new_cum = r.base_cum.wrapping_add(r.cum);
            let new_flat = r.base_flat.wrapping_add(r.flat);
            let pct_of = |d: i64, b: i64| units::change_percent(d, b).map(|p| format!("{p:+.1}%")).unwrap_or_default();
            let pct = pct_of(r.cum, r.base_cum);
            let flat_pct = pct_of(r.flat, r.base_flat);
            let marker = if r.base_cum == 0 && new_cum != 0 {
                "new"
            } else if new_cum == 0 && r.base_cum != 0 {
                "gone"
            } else {
                ""
            };
            let sign = |v: i64| if v > 0 { format!("+{}", units::label(v, &unit)) } else { units::label(v, &unit) };
            let tone = |v: i64| if v > 0 { "up" } else if v < 0 { "down" } else { "" };
            return html! {
                <tr data-name={r.name.clone()} data-flat={r.flat.to_string()} data-cum={r.cum.to_string()}
                    class={classes!(selected.then_some("selected"))}
                    onclick={Callback::from(move |_| cb.emit(function.clone()))}>
                    <td class={classes!("num", tone(r.flat))} title={r.flat.to_string()}>{ sign(r.flat) }</td>
                    <td class="num" title={r.base_flat.to_string()}>{ units::label(r.base_flat, &unit) }</td>
                    <td class="num" title={new_flat.to_string()}>{ units::label(new_flat, &unit) }</td>
                    <td class={classes!("num", tone(r.flat))}>{ flat_pct }</td>
                    <td class={classes!("num", tone(r.cum))} title={r.cum.to_string()}>{ sign(r.cum) }</td>
                    <td class="num" title={r.base_cum.to_string()}>{ units::label(r.base_cum, &unit) }</td>
                    <td class="num" title={new_cum.to_string()}>{ units::label(new_cum, &unit) }</td>
                    <td class={classes!("num", tone(r.cum))}>{ pct }</td>
                    <td class="name" title={r.name.clone()}>
                        <span class="fn">{ crate::paint::truncate(&r.name, 160) }</span>
                        if !marker.is_empty() { <span class={classes!("badge", marker)}>{ marker }</span> }
                    </td>
                </tr>
            };
        }
        html! {
            <tr data-name={r.name.clone()} data-flat={r.flat.to_string()} data-cum={r.cum.to_string()}
                class={classes!(selected.then_some("selected"))}
                onclick={Callback::from(move |_| cb.emit(function.clone()))}>
                <td class="num" title={r.flat.to_string()}>{ units::label(r.flat, &unit) }</td>
                <td class="num">{ units::percentage(r.flat, total).trim().to_string() }</td>
                <td class="num">{ units::percentage(sum, total).trim().to_string() }</td>
                <td class="num" title={r.cum.to_string()}>{ units::label(r.cum, &unit) }</td>
                <td class="num">{ units::percentage(r.cum, total).trim().to_string() }</td>
                <td class="name" title={r.name.clone()}>
                    <span class="fn">{ crate::paint::truncate(&r.name, 160) }</span>
                    if !r.mark.is_empty() { <span class="mark">{ format!(" {}", r.mark) }</span> }
                </td>
            </tr>
        }
    });
    let more = if ordered.len() > shown {
        let limit = limit.clone();
        let n = ordered.len();
        html! {
            <p class="more">
                { format!("Showing {shown} of {n} rows. ") }
                <button onclick={Callback::from(move |_| limit.set(*limit + PAGE * 5))}>{ "Show more" }</button>
            </p>
        }
    } else {
        html! {}
    };

    html! {
        <section class="top" aria-label="Top functions">
            <div class="table-tools">
                <h2>{ "Top" }</h2>
                <div class="segmented" role="group" aria-label="Granularity">
                    { gran(Granularity::Functions, "Functions") }
                    { gran(Granularity::Lines, "Lines") }
                </div>
                <input id="table-filter" type="search" placeholder="Filter rows" aria-label="Filter rows" oninput={on_filter} value={props.filter.clone()} />
                <span class="count">{ format!("{} rows", ordered.len()) }</span>
            </div>
            <div class="table-scroll">
                <table id="top-table">
                    <thead>
                        if props.diff {
                        <tr>
                            { header("flat Δ", Column::Flat, "Change of flat: new minus base") }
                            { header("flat base", Column::BaseFlat, "flat in the base profile") }
                            { header("flat new", Column::NewFlat, "flat in the new profile") }
                            { header("flat Δ%", Column::FlatPct, "change of flat in percent of the base") }
                            { header("cum Δ", Column::Cum, "Change of cum: new minus base") }
                            { header("cum base", Column::BaseCum, "cum in the base profile") }
                            { header("cum new", Column::NewCum, "cum in the new profile") }
                            { header("cum Δ%", Column::CumPct, "change of cum in percent of the base") }
                            { header("name", Column::Name, "Function (or function and line)") }
                        </tr>
                        } else {
                        <tr>
                            { header("flat", Column::Flat, "Value of samples whose innermost frame is this row") }
                            { header("flat%", Column::Flat, "flat as a share of the total") }
                            { plain("sum%", "running sum of flat% in this order") }
                            { header("cum", Column::Cum, "Value of every stack through this row, counted once") }
                            { header("cum%", Column::Cum, "cum as a share of the total") }
                            { header("name", Column::Name, "Function (or function and line)") }
                        </tr>
                        }
                    </thead>
                    <tbody>{ for body }</tbody>
                </table>
            </div>
            { more }
        </section>
    }
}

/// A row of a function alone (no base, no mark), for tests.
#[cfg(test)]
pub(crate) fn plain_row(name: &str, flat: i64, cum: i64) -> Row {
    Row {
        name: name.into(),
        function: name.into(),
        flat,
        cum,
        base_flat: 0,
        base_cum: 0,
        mark: String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows() -> Vec<Row> {
        let r = plain_row;
        vec![r("b", 5, 5), r("a", 3, 9), r("c", 0, 10)]
    }

    #[test]
    fn ordering_and_filtering() {
        let rs = rows();
        assert_eq!(order(&rs, Column::Flat, true, ""), vec![0, 1, 2]);
        assert_eq!(order(&rs, Column::Flat, false, ""), vec![2, 1, 0]);
        assert_eq!(order(&rs, Column::Cum, true, ""), vec![2, 1, 0]);
        assert_eq!(order(&rs, Column::Name, false, ""), vec![1, 0, 2]);
        assert_eq!(order(&rs, Column::Flat, true, "A"), vec![1]);
        // Diff columns: the new cum is base + net.
        let mut d = rows();
        d[0].base_cum = 100;
        assert_eq!(order(&d, Column::NewCum, true, "")[0], 0);
        assert_eq!(order(&d, Column::BaseCum, true, "")[0], 0);
    }
}
