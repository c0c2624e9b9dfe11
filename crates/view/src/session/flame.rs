//! The flame graph of a view: the zoomed frame found from its path, the
//! layout culled for the canvas's width, and the rectangles with their flags
//! (search match, selection, inlined, ancestor of the zoom) and one shared
//! name table; breadcrumbs; what the search matches.

use heaplens_analysis::layout::{layout, Weight};
use heaplens_analysis::search::{matched_total, Query};
use heaplens_analysis::tree::{CallTree, Column, ROOT};
use heaplens_profile::model::{Profile, NONE};

use super::caches::Columns;
use super::render::{
    package_of, Crumb, FlameRect, FrameName, NodeId, ANCESTOR, INLINED, MATCHED, SELECTED,
};
use crate::params::{ViewParams, WidthBy};

/// The flame graph's part of a view.
pub struct Flame {
    pub zoom: NodeId,
    pub crumbs: Vec<Crumb>,
    pub names: Vec<FrameName>,
    pub rects: Vec<FlameRect>,
    /// Rows laid out.
    pub depth: u32,
    pub culled: usize,
    pub deeper: bool,
    /// Search: the value matched, and how many names match.
    pub matched: Option<(i64, usize)>,
    pub search_error: Option<String>,
    /// The key of the selected function, if the tree has it.
    pub selected: Option<usize>,
}

/// The share of the view under which a frame is not drawn, for a canvas
/// `width_px` wide: half a pixel.
pub fn min_width(width_px: u32) -> f64 {
    0.5 / f64::from(width_px.max(1))
}

/// The flame graph of `tree` (the function tree of `p`, or a shaped tree
/// of it) with its columns, for `params`, laid out for a canvas `width_px`
/// wide. `zoom_node` is the page's guess of the zoomed node (taken when its
/// path is `params.zoom`). `matched_in` gives a search's total when the
/// tree cannot (a tree grown only as far as it is drawn).
pub fn flame(
    p: &Profile,
    (tree, cols): (&CallTree, &Columns),
    params: &ViewParams,
    width_px: u32,
    zoom_node: Option<NodeId>,
    matched_in: &dyn Fn(&[bool]) -> Option<i64>,
) -> Flame {
    // In a diff, frames are as wide as the new profile's values and carry
    // the base's beside them; otherwise the column is the profile.
    let shown: &Column = cols.split.as_ref().map_or(&cols.shown, |(new, _)| new);
    let totals = &shown.totals;
    let weight = match &cols.split {
        Some((_, base)) if params.diff.width_by == WidthBy::Base => Weight::Abs(&base.totals),
        Some((new, base)) if params.diff.width_by == WidthBy::Max => {
            Weight::Max(&new.totals, &base.totals)
        }
        _ => Weight::Abs(totals),
    };
    let zoom = find_zoom(tree, &params.zoom, zoom_node);
    let lay = layout(tree, &weight, zoom, min_width(width_px));

    let (query, search_error) = match Query::parse(&params.search) {
        Ok(q) => (q, None),
        Err(e) => (None, Some(e.to_string())),
    };
    let key_matches = query.as_ref().map(|q| q.matching_keys(&tree.keys));
    let matched = key_matches.as_ref().map(|m| {
        (
            matched_in(m).unwrap_or_else(|| matched_total(tree, totals, m)),
            m.iter().filter(|&&b| b).count(),
        )
    });
    let selected_key = selected_key(tree, params.selected.as_deref());

    // Rectangles with a deduplicated name table.
    let mut names: Vec<FrameName> = Vec::new();
    let mut name_of_key = vec![NONE; tree.keys.len()];
    let mut rects = Vec::with_capacity(lay.rects.len());
    for (i, r) in lay.rects.iter().enumerate() {
        let k = tree.key_of(r.node) as usize;
        if name_of_key[k] == NONE {
            name_of_key[k] = names.len() as u32;
            names.push(frame_name(p, tree, k));
        }
        let mut flags = 0u8;
        if key_matches.as_ref().is_some_and(|m| m[k]) {
            flags |= MATCHED;
        }
        if selected_key == Some(k) {
            flags |= SELECTED;
        }
        if tree.is_inlined(r.node) {
            flags |= INLINED;
        }
        if i + 1 < lay.path {
            flags |= ANCESTOR;
        }
        rects.push(FlameRect {
            node: NodeId(r.node),
            x: r.x,
            w: r.w,
            depth: r.depth,
            name: name_of_key[k],
            self_value: shown.self_value(tree, r.node),
            total: totals[r.node as usize],
            base_self: cols
                .split
                .as_ref()
                .map_or(0, |(_, b)| b.self_value(tree, r.node)),
            base_total: cols
                .split
                .as_ref()
                .map_or(0, |(_, b)| b.totals[r.node as usize]),
            flags,
        });
    }
    let crumbs = tree
        .path(zoom)
        .into_iter()
        .map(|n| Crumb {
            node: NodeId(n),
            name: tree.name(n).to_string(),
        })
        .collect();
    Flame {
        zoom: NodeId(zoom),
        crumbs,
        names,
        rects,
        depth: lay.rows,
        culled: lay.culled,
        deeper: lay.deeper,
        matched,
        search_error,
        selected: selected_key,
    }
}

/// The key of the function named `selected`, if the tree has one.
pub(super) fn selected_key(tree: &CallTree, selected: Option<&str>) -> Option<usize> {
    selected.and_then(|s| tree.keys.names.iter().position(|n| n == s))
}

/// The node `path` names, from the root down (names not found leave it at
/// the last one found); `hint` when that is the node the path names.
pub fn find_zoom(tree: &CallTree, path: &[String], hint: Option<NodeId>) -> u32 {
    if let Some(h) = hint.map(|h| h.0).filter(|&h| (h as usize) < tree.len()) {
        let names = tree.path(h);
        if names.len() == path.len() && names.iter().zip(path).all(|(&n, p)| tree.name(n) == p) {
            return h;
        }
    }
    let mut node = ROOT;
    for name in path {
        match tree
            .children_of(node)
            .iter()
            .find(|&&c| tree.name(c) == name)
        {
            Some(&c) => node = c,
            None => break,
        }
    }
    node
}

fn frame_name(p: &Profile, tree: &CallTree, key: usize) -> FrameName {
    let name = tree.keys.names[key].clone();
    let f = tree.keys.function[key];
    let file = match p.functions.get(f as usize) {
        None => String::new(),
        Some(func) => {
            let file = p.str(func.filename);
            if file.is_empty() {
                String::new()
            } else if func.start_line > 0 {
                format!("{file}:{}", func.start_line)
            } else {
                file.to_string()
            }
        }
    };
    let package = package_of(&name).to_string();
    FrameName {
        name,
        file,
        package,
    }
}
