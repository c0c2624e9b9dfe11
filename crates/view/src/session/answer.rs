//! Answers a view request: runs the pipeline for the request's parameters,
//! then assembles the answer from the flame graph, the table rows the page
//! does not have yet, the selected function's callers, callees and lines,
//! and in a diff the summary, reusing what the caches kept.

use std::rc::Rc;

use heaplens_analysis::list::lines_where;
use heaplens_analysis::peek::peek;
use heaplens_analysis::tree::Column;
use heaplens_analysis::{CallTree, Granularity};

use super::caches::shared_column;
use super::caches::{Caches, ColumnKey, Columns, PeekKey, RowsKey};
use super::flame::{flame, min_width, selected_key, Flame};
use super::protocol::ViewRequest;
use super::render::{Details, NodeId, PeekData, ViewData};
use super::rows::{rows, RowsAsked};
use super::summary::{hot_sites, hot_type, impact, movers, DiffSummary};
use super::values::function_values;
use super::Session;
use crate::graphs::{draws_functions, GraphKey, Graphs};
use crate::params::ViewParams;
use crate::pipeline::{Inputs, Prepared};

impl Session {
    /// Answers a view request; None when no profile is open.
    pub fn view(&mut self, req: &ViewRequest) -> Option<ViewData> {
        self.answer(req, false)
    }

    /// As [`Session::view`], quicker when the selected function's details
    /// (callers, callees and lines, the compiler's reasons, object sizes)
    /// are not kept yet: they are left out and `details_pending` is set, so
    /// that the flame graph and the table are shown at once;
    /// [`Session::details`] makes them.
    pub fn view_first(&mut self, req: &ViewRequest) -> Option<ViewData> {
        self.answer(req, true)
    }

    /// The selected function's details for `req` (the view answered
    /// before them by [`Session::view_first`]).
    pub fn details(&mut self, req: &ViewRequest) -> Option<Details> {
        let Session {
            inputs,
            pipeline,
            caches,
            diagnostics,
            ..
        } = self;
        let prepared = pipeline.prepare(inputs, &req.params).ok()?;
        let functions = prepared.tree(Granularity::Functions);
        let ckey = ColumnKey {
            generation: prepared.generation,
            sample_type: prepared.sample_type,
        };
        let cols = function_columns(caches, prepared, &functions, ckey);
        // The flame graph's trees share the function tree's keys.
        let selected = selected_key(&functions, req.params.selected.as_deref());
        let joined = diagnostics.joined(prepared);
        let why = joined.as_deref().map(|j| (diagnostics.sides(), j));
        let (peek, why, sizes) =
            details_of(caches, prepared, (&*functions, &*cols, ckey), selected, why);
        Some(Details {
            seq: req.seq,
            peek,
            why,
            sizes,
        })
    }

    fn answer(&mut self, req: &ViewRequest, defer: bool) -> Option<ViewData> {
        let Session {
            inputs,
            pipeline,
            caches,
            rows_sent,
            diagnostics,
            call_graph,
            ..
        } = self;
        let prepared = pipeline.prepare(inputs, &req.params).ok()?;
        let ty = prepared.sample_type;
        let functions = prepared.tree(Granularity::Functions);
        let table_tree = prepared.tree(req.params.granularity);
        let ckey = ColumnKey {
            generation: prepared.generation,
            sample_type: ty,
        };
        let cols = function_columns(caches, prepared, &functions, ckey);
        let flame = drawn(
            prepared,
            caches,
            (ckey, false),
            (&req.params, req.width_px, req.zoom_node),
            (&functions, &cols),
        );
        let other_half = other_half(prepared, caches, ckey, req, (&functions, &cols));

        // Rows, when the page does not have them yet.
        let rkey = RowsKey {
            column: ckey,
            granularity: req.params.granularity,
            drop_negative: req.params.refine.drop_negative,
        };
        let asked = RowsAsked {
            table: req.params.table.clone(),
            limit: req.rows,
        };
        let fresh = rows_sent
            .as_ref()
            .is_none_or(|(k, a)| *k != rkey || *a != asked);
        let joined = diagnostics.joined(prepared);
        let sent = fresh.then(|| {
            let p = &prepared.profile;
            let index = joined.as_ref().map(|j| &j.0.index);
            // The function tree's column is made (a table of lines or
            // addresses has its own tree).
            let tree = (table_tree.as_ref(), Rc::ptr_eq(&table_tree, &functions));
            rows(caches, rkey, p, tree, prepared.split, &asked, index)
        });
        if fresh {
            *rows_sent = Some((rkey, asked));
        }

        // The details wait for their own answer when any of them is to be
        // made (each is a pass over the whole tree or every sample).
        let pending = defer && !details_kept(caches, (prepared, &functions), ckey, flame.selected);
        let (peek, why, sizes) = if pending {
            (None, None, None)
        } else {
            let why = joined.as_deref().map(|j| (diagnostics.sides(), j));
            let of = (&*functions, &*cols, ckey);
            details_of(caches, prepared, of, flame.selected, why)
        };
        let diff = prepared
            .split
            .and_then(|split| diff_summary(inputs, caches, prepared, &functions, &cols, split));
        let diff_error = diff_error(inputs, prepared, req.params.diff.show);
        let call_graph = req
            .params
            .call_graph
            .map(|n| call_graph_of(call_graph, prepared, n, (&functions, &cols.shown)));
        let (rows, rows_matching, rows_total) =
            sent.map_or((Vec::new(), 0, 0), |s| (s.rows, s.matching, s.total));
        Some(ViewData {
            seq: req.seq,
            sample_type: ty,
            unit: (prepared.profile.sample_types.get(ty)).map_or(String::new(), |t| t.unit.clone()),
            total: prepared.total(),
            zoom: flame.zoom,
            crumbs: flame.crumbs,
            names: flame.names,
            rects: flame.rects,
            depth: flame.depth,
            culled: flame.culled,
            deeper: flame.deeper,
            matched: flame.matched,
            search_error: flame.search_error,
            focus: prepared.kept,
            focus_error: prepared.problems.filters.clone(),
            filter_warnings: prepared.filter_warnings.clone(),
            kept_total: req
                .params
                .refine
                .any_node_filter()
                .then(|| kept_total(&functions, &cols)),
            rows,
            rows_fresh: fresh,
            rows_matching,
            rows_total,
            granularity: req.params.granularity,
            peek,
            diff,
            diff_error,
            sample_type_note: prepared.sample_type_note.clone(),
            why,
            sizes,
            details_pending: pending,
            call_graph,
            other_half,
        })
    }
}

/// The function tree's columns of `ckey`; the shown column is the one
/// every sample type's values share (made once per type).
fn function_columns(
    caches: &mut Caches,
    prepared: &Prepared,
    functions: &CallTree,
    ckey: ColumnKey,
) -> Rc<Columns> {
    let Caches {
        columns: kept,
        others,
        ..
    } = caches;
    kept.get_or(ckey, || {
        let of = (prepared.generation, &*prepared.profile);
        let shown = shared_column(others, of, functions, ckey.sample_type);
        Rc::new(columns(prepared, functions, ckey.sample_type, Some(shown)))
    })
    .clone()
}

/// Whether the details of a view whose selected function has key
/// `selected` (in the function tree) are kept: its callers and callees,
/// and the object sizes (of its samples, or of all without a selection).
fn details_kept(
    caches: &Caches,
    (prepared, functions): (&Prepared, &CallTree),
    column: ColumnKey,
    selected: Option<usize>,
) -> bool {
    let name = |k: usize| functions.keys.names.get(k).cloned();
    let peek_kept = selected.is_none_or(|k| {
        caches
            .peek
            .get(&PeekKey {
                column,
                key: k as u32,
            })
            .is_some()
    });
    peek_kept
        && (caches
            .sizes
            .get(&sizes_key(prepared, selected.and_then(name))))
        .is_some()
}

/// The object sizes' key: the prepared profile, its sample type and the
/// selected function's name (None: every sample).
fn sizes_key(prepared: &Prepared, function: Option<String>) -> super::caches::SizesKey {
    (prepared.generation, prepared.sample_type, function)
}

/// Why a diff asked for (`show`) cannot be made, naming the two files.
fn diff_error(inputs: &Inputs, prepared: &Prepared, show: bool) -> Option<String> {
    match (inputs.profile(), inputs.base(), &prepared.problems.diff) {
        (Some(new), Some(base), Some(e)) if show => {
            Some(format!("{} and {}: {e}", base.name, new.name))
        }
        _ => None,
    }
}

/// The tree and columns the flame graph draws: the function tree's, or
/// the tree of the stacks in the shape `params` asks for (bottom-up, a
/// sandwich, recursion collapsed) with its columns. `other` is a
/// sandwich's other half (its own grown trees).
fn graph(
    prepared: &mut Prepared,
    caches: &mut Caches,
    (ckey, other): (ColumnKey, bool),
    (params, width_px): (&ViewParams, u32),
    (functions, cols): (&Rc<CallTree>, &Rc<Columns>),
) -> (Rc<CallTree>, Rc<Columns>) {
    let shape = params.shape();
    if draws_functions(&shape, functions) {
        return (functions.clone(), cols.clone());
    }
    let key = GraphKey {
        shape,
        sample_type: ckey.sample_type,
        width_by: params.diff.width_by,
        zoom: params.zoom.clone(),
        min_width: min_width(width_px),
    };
    let graphs = if other {
        &mut prepared.other_half
    } else {
        &mut prepared.graphs
    };
    let (tree, grown) = graphs.grown(&prepared.profile, functions, prepared.split, key);
    let c = caches
        .graph_columns
        .get_or((ckey, other, grown), || {
            Rc::new(columns(prepared, &tree, ckey.sample_type, None))
        })
        .clone();
    (tree, c)
}

/// A search's matched total in a shaped graph, whose tree is grown only as
/// far as it is drawn: taken from the shape's stacks (None for the function
/// tree, which has every frame).
fn matched_in<'a>(
    graphs: &'a Graphs,
    graph: &Rc<CallTree>,
    functions: &'a CallTree,
) -> impl Fn(&[bool]) -> Option<i64> + 'a {
    let shaped = !std::ptr::eq(graph.as_ref(), functions);
    move |m: &[bool]| shaped.then(|| graphs.matched_total(functions, m)).flatten()
}

/// The flame graph of `params` for a canvas `width_px` wide (`zoom_node`:
/// the page's guess of the zoomed node); `other` for a sandwich's other
/// half, which has its own grown trees.
fn drawn(
    prepared: &mut Prepared,
    caches: &mut Caches,
    (ckey, other): (ColumnKey, bool),
    (params, width_px, zoom_node): (&ViewParams, u32, Option<NodeId>),
    (functions, cols): (&Rc<CallTree>, &Rc<Columns>),
) -> Flame {
    let (tree, tcols) = graph(
        prepared,
        caches,
        (ckey, other),
        (params, width_px),
        (functions, cols),
    );
    let graphs = prepared.graphs_of(other);
    flame(
        &prepared.profile,
        (&tree, &tcols),
        params,
        width_px,
        zoom_node,
        &matched_in(graphs, &tree, functions),
    )
}

/// A sandwich's other half (the callees graph beside a callers graph, and
/// the other way round), as a view of its frames alone.
fn other_half(
    prepared: &mut Prepared,
    caches: &mut Caches,
    ckey: ColumnKey,
    req: &ViewRequest,
    (functions, cols): (&Rc<CallTree>, &Rc<Columns>),
) -> Option<Box<ViewData>> {
    let params = req.params.other_half_params()?;
    let f = drawn(
        prepared,
        caches,
        (ckey, true),
        (&params, req.width_px, None),
        (functions, cols),
    );
    let mut v = ViewData::of_frames(f.names, f.rects);
    v.seq = req.seq;
    v.sample_type = ckey.sample_type;
    v.unit = (prepared.profile.sample_types.get(ckey.sample_type))
        .map_or(String::new(), |t| t.unit.clone());
    v.total = prepared.total();
    v.zoom = f.zoom;
    v.crumbs = f.crumbs;
    v.depth = f.depth;
    v.culled = f.culled;
    v.deeper = f.deeper;
    v.matched = f.matched;
    v.search_error = f.search_error;
    Some(Box::new(v))
}

/// The column of sample type `ty` over `tree` (the function tree or a
/// shaped one), and in a diff the new and the base profile's apart;
/// `shown`, the column over every sample, when it is made.
fn columns(prepared: &Prepared, tree: &CallTree, ty: usize, shown: Option<Rc<Column>>) -> Columns {
    let p = &prepared.profile;
    Columns {
        shown: shown.unwrap_or_else(|| Rc::new(tree.column(p, ty))),
        split: prepared.split.map(|split| {
            let n = p.num_samples();
            (
                tree.column_of(p, ty, 0..split, false),
                tree.column_of(p, ty, split..n, true),
            )
        }),
    }
}

/// Callers, callees and source lines of the function with key `k` of the
/// function tree `tree` (the walk over the whole tree is the most expensive
/// part of a view; zooming keeps the selection, so it is kept), with its
/// values of every sample type.
fn peek_data(
    caches: &mut Caches,
    prepared: &Prepared,
    (tree, cols, column): (&CallTree, &Columns, ColumnKey),
    k: usize,
) -> PeekData {
    let key = PeekKey {
        column,
        key: k as u32,
    };
    let p = &prepared.profile;
    let types = || function_values(prepared, tree, k as u32);
    caches
        .peek
        .get_or(key, || {
            let pk = peek(tree, &cols.shown, k as u32);
            let name_of = |key: u32| tree.keys.names[key as usize].clone();
            let name = tree.keys.names[k].clone();
            PeekData {
                flat: pk.flat,
                cum: pk.cum,
                callers: pk
                    .callers
                    .iter()
                    .map(|(k, v)| (k.map_or_else(|| "(root)".to_string(), name_of), *v))
                    .collect(),
                callees: pk.callees.iter().map(|(k, v)| (name_of(*k), *v)).collect(),
                lines: lines_where(p, column.sample_type, |n| n == name),
                name,
                types: types(),
            }
        })
        .clone()
}

/// The summary of a diff (`split`: where the base's samples start).
fn diff_summary(
    inputs: &Inputs,
    caches: &mut Caches,
    prepared: &Prepared,
    tree: &CallTree,
    cols: &Columns,
    split: usize,
) -> Option<DiffSummary> {
    let (new, base) = (inputs.profile()?, inputs.base()?);
    let (grew, shrank) = movers(tree, &cols.shown);
    let hot_ty = hot_type(&new.profile, prepared.sample_type);
    let key = ColumnKey {
        generation: prepared.generation,
        sample_type: hot_ty,
    };
    let (hot_type, hot) = caches
        .hot
        .get_or(key, || {
            let totals = (
                new.profile.signed_total(hot_ty),
                base.profile.signed_total(hot_ty),
            );
            hot_sites(&prepared.profile, tree, split, hot_ty, totals)
        })
        .clone();
    Some(DiffSummary {
        base_name: base.name.clone(),
        new_name: new.name.clone(),
        impact: impact(&new.profile, &base.profile),
        grew,
        shrank,
        hot_type,
        hot,
    })
}

/// The view's part of the compiler's diagnostics: for the sample type
/// shown, with the selected function's lines noted.
/// A view's details: callers, callees and lines, the compiler's reasons,
/// the object sizes.
type DetailParts = (
    Option<PeekData>,
    Option<Box<crate::why::view::WhyView>>,
    Option<Box<crate::sizes::Histogram>>,
);

/// The details of the function with key `selected` in the function tree
/// (none selected: the sizes of every sample): its callers, callees and
/// lines, the compiler's reasons when diagnostics are `why` joined to the
/// profile, the object sizes.
fn details_of(
    caches: &mut Caches,
    prepared: &Prepared,
    (functions, cols, ckey): (&CallTree, &Columns, ColumnKey),
    selected: Option<usize>,
    why: Option<(crate::why::view::Sides, &super::why::Joined)>,
) -> DetailParts {
    let peek = selected.map(|k| peek_data(caches, prepared, (functions, cols, ckey), k));
    let why = why.map(|(sides, j)| why_view(sides, j, prepared, peek.as_ref()));
    let sizes = sizes_of(caches, prepared, functions, peek.as_ref());
    (peek, why, sizes)
}

fn why_view(
    sides: crate::why::view::Sides,
    joined: &super::why::Joined,
    prepared: &Prepared,
    peek: Option<&PeekData>,
) -> Box<crate::why::view::WhyView> {
    let lines = peek.map_or(&[][..], |p| p.lines.as_slice());
    let (p, ty) = (&prepared.profile, prepared.sample_type);
    let (shown, base) = (&joined.0, joined.1.as_ref());
    Box::new(crate::why::view::view(sides, shown, base, p, ty, lines))
}

/// The object sizes of the selected function's samples (or all), kept in
/// the caches for the next view of the same profile, type and function.
fn sizes_of(
    caches: &mut Caches,
    prepared: &Prepared,
    functions: &CallTree,
    peek: Option<&PeekData>,
) -> Option<Box<crate::sizes::Histogram>> {
    let key = sizes_key(prepared, peek.map(|p| p.name.clone()));
    let (p, ty) = (&prepared.profile, prepared.sample_type);
    caches
        .sizes
        .get_or(key.clone(), || {
            crate::sizes::histogram_by_tree(p, functions, ty, prepared.split, key.2.as_deref())
                .map(Box::new)
        })
        .clone()
}

/// The call graph of `node_count` nodes of the view, laid out; kept in
/// `last` for the next view of the same profile and sample type.
fn call_graph_of(
    last: &mut Option<(super::CallGraphKey, Rc<crate::callgraph::GraphScene>)>,
    prepared: &mut Prepared,
    node_count: u32,
    tree: (&CallTree, &Column),
) -> Rc<crate::callgraph::GraphScene> {
    let key = (prepared.generation, prepared.sample_type, node_count);
    if let Some((k, scene)) = last.as_ref() {
        if *k == key {
            return scene.clone();
        }
    }
    let total = prepared.total();
    let input = crate::callgraph::SceneInput {
        profile: &prepared.profile,
        sample_type: prepared.sample_type,
        total,
        diff: prepared.split.is_some(),
        filters: prepared.filters.clone(),
        options: heaplens_analysis::graph::GraphOptions {
            node_count: node_count as usize,
            ..Default::default()
        },
        tree: Some(tree),
    };
    let scene = Rc::new(crate::callgraph::scene(&input));
    *last = Some((key, scene.clone()));
    scene
}

/// The value the node filters keep: the sum over the tree's roots.
fn kept_total(functions: &CallTree, cols: &Columns) -> i64 {
    functions
        .children_of(heaplens_analysis::tree::ROOT)
        .iter()
        .map(|&c| cols.shown.totals[c as usize])
        .sum()
}
