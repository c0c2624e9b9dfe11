//! The page's graph view: pprof's call graph ([`heaplens_analysis::graph`])
//! laid out ([`heaplens_analysis::graph_layout`]) and dressed as
//! `go tool pprof -http` draws it, ready to paint. Each box carries the
//! lines of pprof's label (the short name split at its dots, flat and
//! cum), its font size by flat and its colours by cum; each edge its route,
//! width and colour by weight, dashed when inlined, dotted when residual.
//! In a diff the colours say the sign: red grew, blue shrank, as the flame
//! graph's. Under a box hang its label nodelets, the rows `heaplens dot`
//! writes as pprof's tag boxes (string label sets, object sizes under
//! them), with room kept for them in the layout. Text is measured as a
//! monospace font is (`CHAR_WIDTH` of the font size per character), which
//! the page draws with, so boxes fit their labels without the worker
//! measuring text.
//!
//! [`svg`] writes the same scene as an SVG file.

pub mod svg;

use heaplens_analysis::graph::{graph_with, Graph, GraphOptions, Known};
use heaplens_analysis::graph_layout::{layout, Size, Spacing};
use heaplens_analysis::top::key_values;
use heaplens_analysis::tree::Column;
use heaplens_analysis::CallTree;
use heaplens_profile::model::Profile;
use heaplens_profile::units;
use serde::{Deserialize, Serialize};

use crate::dot::{dot_color, node_font, pen_width, short_name, value_lines, DotOptions};

/// A monospace character's width, as a share of the font size.
pub const CHAR_WIDTH: f64 = 0.6;
/// A line's height, as a share of the font size.
pub const LINE_HEIGHT: f64 = 1.25;
/// Space between a box's border and its text, in pixels at zoom 1.
pub const PAD: f64 = 6.0;
/// The edges' labels' font size.
pub const EDGE_FONT: f64 = 10.0;
/// The nodelets' font size (pprof's is 8 points).
pub const NODELET_FONT: f64 = 9.0;
/// A nodelet row's height, and how far a nested one is indented.
pub const NODELET_ROW: f64 = 16.0;
pub const NODELET_INDENT: f64 = 12.0;

/// One label nodelet under a box: the labels (or value range) and the
/// value there.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GraphNodelet {
    pub text: String,
    /// A numeric value under the string labels of the row above it.
    pub nested: bool,
    /// A leaf's cum that is not its flat (pprof dots it).
    pub dotted: bool,
}

/// One box.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GraphNode {
    /// The function's full name (what selecting it selects).
    pub name: String,
    /// The label's lines: the short name's parts, then the values.
    pub lines: Vec<String>,
    pub font: f64,
    /// Top-left corner and size, in pixels at zoom 1.
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
    pub flat: i64,
    pub cum: i64,
    /// Fill and border colours (CSS).
    pub fill: String,
    pub border: String,
    /// pprof's tooltip: `NAME (CUM)`.
    pub tip: String,
    /// The nodelets, drawn in rows under the box (from `y + h`); the
    /// layout keeps [`GraphNode::below`] pixels for them.
    pub nodelets: Vec<GraphNodelet>,
}

impl GraphNode {
    /// The room under the box its nodelets take.
    pub fn below(&self) -> f64 {
        if self.nodelets.is_empty() {
            0.0
        } else {
            self.nodelets.len() as f64 * NODELET_ROW + PAD
        }
    }

    /// Nodelet `k`'s box (x, y, width, height) and where its text starts
    /// (x, baseline): a row under the box, a nested one indented.
    pub fn nodelet_box(&self, k: usize) -> ((f64, f64, f64, f64), (f64, f64)) {
        let indent = match self.nodelets.get(k) {
            Some(n) if n.nested => NODELET_INDENT,
            _ => 0.0,
        };
        let (x, y) = (
            self.x + indent,
            self.y + self.h + PAD + k as f64 * NODELET_ROW,
        );
        let h = NODELET_ROW - 3.0;
        ((x, y, self.w - indent, h), (x + PAD, y + h * 0.72))
    }
}

/// One edge, from caller to callee.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GraphEdge {
    pub src: u32,
    pub dst: u32,
    /// The route's points, from the caller's box to the callee's.
    pub points: Vec<(f64, f64)>,
    pub weight: i64,
    /// The weight as pprof labels it (`10MB`), `(inline)` on a second line
    /// when inlined.
    pub label: String,
    /// Line width in pixels at zoom 1 (pprof's penwidth, 1 to 6).
    pub width: f64,
    pub color: String,
    pub inline: bool,
    pub residual: bool,
    /// pprof's tooltip: `A -> B (VALUE)` (`...` for a residual edge).
    pub tip: String,
}

/// The laid-out graph of a view.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct GraphScene {
    pub nodes: Vec<GraphNode>,
    pub edges: Vec<GraphEdge>,
    /// The bounding box of everything, in pixels at zoom 1.
    pub width: f64,
    pub height: f64,
    /// pprof's legend lines (the profile, the filters, what was shown and
    /// dropped).
    pub legend: Vec<String>,
    /// The node count asked for (0: no limit).
    pub node_count: u32,
}

/// What the scene is made of.
pub struct SceneInput<'a> {
    pub profile: &'a Profile,
    pub sample_type: usize,
    /// pprof's total (percentages are of it).
    pub total: i64,
    /// Colour by sign (a diff).
    pub diff: bool,
    pub filters: Vec<String>,
    pub options: GraphOptions,
    /// The profile's call tree at function granularity and its column of
    /// the sample type, when made already: each function's values come
    /// from it instead of a pass over the samples.
    pub tree: Option<(&'a CallTree, &'a Column)>,
}

/// The graph of `input`'s profile, built, trimmed and laid out.
pub fn scene(input: &SceneInput<'_>) -> GraphScene {
    let (p, ty) = (input.profile, input.sample_type);
    let g = match input.tree {
        Some((tree, col)) => {
            let n = tree.keys.names.len();
            let (mut flat, mut cum) = (vec![0i64; n], vec![0i64; n]);
            key_values(tree, col, &mut flat, &mut cum);
            let known = Known {
                flat: &flat,
                cum: &cum,
            };
            graph_with(p, ty, &input.options, &tree.keys, Some(known))
        }
        None => heaplens_analysis::graph::graph(p, ty, &input.options),
    };
    scene_of(input, &g)
}

/// The scene of graph `g` (built from `input`).
pub fn scene_of(input: &SceneInput<'_>, g: &Graph) -> GraphScene {
    let (p, ty, total) = (input.profile, input.sample_type, input.total);
    let sample_unit = p.sample_types.get(ty).map_or("", |s| s.unit.as_str());
    let unit =
        crate::report::minimum_unit(g.nodes.iter().map(|n| (n.flat, n.cum)), sample_unit, total);
    let fmt_v = |v: i64| units::scaled_label(v, sample_unit, &unit);
    let pct = |v: i64| units::percentage(v, total).trim().to_string();
    let share = |v: i64| {
        if total == 0 {
            0.0
        } else {
            v as f64 / total.unsigned_abs() as f64
        }
    };
    let color = |v: i64, background: bool| {
        if input.diff {
            diff_color(share(v), background)
        } else {
            dot_color(share(v), background)
        }
    };
    let max_flat = g.nodes.iter().map(|n| n.flat.abs()).max().unwrap_or(0) as f64;
    let mut nodes: Vec<GraphNode> = g
        .nodes
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let mut lines = name_lines(&n.name, n.symbolized);
            lines.extend(value_lines(n.flat, n.cum, &fmt_v, &pct));
            let font = node_font(n.flat, max_flat) as f64;
            let (w, h) = box_size(&lines, font);
            let inner = g.edges.iter().any(|e| e.src == i);
            let nodelets = nodelet_rows(&n.tags, inner, &fmt_v);
            let w = nodelets.iter().map(nodelet_width).fold(w, f64::max).ceil();
            GraphNode {
                name: n.name.clone(),
                tip: format!("{} ({})", n.name, fmt_v(n.cum)),
                lines,
                font,
                x: 0.0,
                y: 0.0,
                w,
                h,
                flat: n.flat,
                cum: n.cum,
                fill: color(n.cum, true),
                border: color(n.cum, false),
                nodelets,
            }
        })
        .collect();
    let sizes: Vec<Size> = (nodes.iter())
        .map(|n| Size {
            w: n.w,
            h: n.h + n.below(),
        })
        .collect();
    let pairs: Vec<(usize, usize)> = g.edges.iter().map(|e| (e.src, e.dst)).collect();
    let weights: Vec<f64> = g.edges.iter().map(|e| e.weight.abs() as f64).collect();
    let laid = layout(&sizes, &pairs, &weights, &Spacing::default());
    for (n, at) in nodes.iter_mut().zip(&laid.nodes) {
        n.x = at.x;
        n.y = at.y;
    }
    let edges = g
        .edges
        .iter()
        .zip(laid.edges)
        .map(|(e, route)| {
            let w = fmt_v(e.weight);
            let width = pen_width(e.weight, total);
            let arrow = if e.residual { "..." } else { "->" };
            let (src, dst) = (&g.nodes[e.src].name, &g.nodes[e.dst].name);
            GraphEdge {
                src: e.src as u32,
                dst: e.dst as u32,
                points: route.points,
                weight: e.weight,
                label: if e.inline {
                    format!("{w}\n(inline)")
                } else {
                    w.clone()
                },
                width: width as f64,
                color: color(e.weight, false),
                inline: e.inline,
                residual: e.residual,
                tip: format!("{src} {arrow} {dst} ({w})"),
            }
        })
        .collect();
    let opts = DotOptions {
        node_fraction: input.options.node_fraction,
        edge_fraction: input.options.edge_fraction,
        filters: input.filters.clone(),
    };
    let mut legend = crate::dot::legend(p, ty, g, total, &fmt_v, &opts);
    if let Some(last) = legend.last_mut() {
        // The link to pprof's guide is the DOT file's; the page says it
        // in its own words.
        if last.contains("git.io") {
            legend.pop();
        }
    }
    GraphScene {
        nodes,
        edges,
        width: laid.width,
        height: laid.height,
        legend,
        node_count: input.options.node_count as u32,
    }
}

/// The rows of a node's nodelets ([`crate::dot::nodelets::nodelets`]):
/// the labels (pprof joins a set's with line breaks; here commas) and the
/// value.
fn nodelet_rows(
    tags: &[heaplens_analysis::graph::Tag],
    inner: bool,
    fmt_v: &dyn Fn(i64) -> String,
) -> Vec<GraphNodelet> {
    crate::dot::nodelets::nodelets(tags, inner)
        .into_iter()
        .map(|n| GraphNodelet {
            text: format!("{}  {}", n.name.replace("\\n", ", "), fmt_v(n.value)),
            nested: n.label.is_some() && n.numeric.is_some(),
            dotted: n.dotted,
        })
        .collect()
}

/// The width a nodelet row needs (its box's width at least).
fn nodelet_width(n: &GraphNodelet) -> f64 {
    let indent = if n.nested { NODELET_INDENT } else { 0.0 };
    n.text.chars().count() as f64 * CHAR_WIDTH * NODELET_FONT + 2.0 * PAD + indent
}

/// A box's size for its lines at font size `font`.
pub fn box_size(lines: &[String], font: f64) -> (f64, f64) {
    let chars = lines.iter().map(|l| l.chars().count()).max().unwrap_or(0);
    let w = chars as f64 * CHAR_WIDTH * font + 2.0 * PAD;
    let h = lines.len() as f64 * LINE_HEIGHT * font + 2.0 * PAD;
    (w.ceil(), h.ceil())
}

/// The name's lines in a box: pprof's short name split at `::` and dots
/// (a binary's name, for a frame without symbols, whole).
pub fn name_lines(name: &str, symbolized: bool) -> Vec<String> {
    if !symbolized {
        return vec![name.to_string()];
    }
    short_name(name)
        .replace("::", "\n")
        .replace("[...]", "[…]")
        .replace('.', "\n")
        .split('\n')
        .map(str::to_string)
        .collect()
}

/// A diff's colour for a share of the total: red grew, blue shrank, grey
/// about even (the flame graph's hues), background pale, foreground deep.
pub fn diff_color(score: f64, background: bool) -> String {
    let s = score.clamp(-1.0, 1.0);
    let strength = (s.abs() / 0.2).min(1.0).max(s.abs().powf(0.3));
    let hue = if s < 0.0 { 214.0 } else { 4.0 };
    let (sat, light) = if background {
        (70.0 * strength, 93.0 - 10.0 * strength)
    } else {
        (75.0 * strength, 55.0 - 15.0 * strength)
    };
    format!("hsl({hue:.0} {sat:.0}% {light:.0}%)")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_pprofs() {
        assert_eq!(
            name_lines("heaplens/testgen/scheduler.(*Scheduler).Create", true),
            ["scheduler", "(*Scheduler)", "Create"]
        );
        assert_eq!(name_lines("[libc.so.6]", false), ["[libc.so.6]"]);
        let f = |v: i64| format!("{v}B");
        let p = |v: i64| format!("{}%", v / 10);
        assert_eq!(value_lines(10, 10, &f, &p), ["10B (1%)"]);
        assert_eq!(value_lines(10, 30, &f, &p), ["10B (1%)", "of 30B (3%)"]);
        assert_eq!(value_lines(0, 30, &f, &p), ["0 of 30B (3%)"]);
    }

    #[test]
    fn boxes_hold_their_lines() {
        let lines = vec!["abc".to_string(), "abcdef".to_string()];
        let (w, h) = box_size(&lines, 10.0);
        assert_eq!(w, (6.0 * 6.0 + 2.0 * PAD).ceil());
        assert_eq!(h, (2.0 * 12.5 + 2.0 * PAD).ceil());
    }

    #[test]
    fn diff_colours_say_the_sign() {
        assert!(diff_color(0.5, true).starts_with("hsl(4 "));
        assert!(diff_color(-0.5, true).starts_with("hsl(214 "));
        assert!(diff_color(0.0, false).contains(" 0% "));
    }
}
