//! Layered (Sugiyama-style) layout of a directed call graph, as Graphviz
//! dot draws `go tool pprof -dot`: callers above callees, edges pointing
//! down. Pure geometry: boxes of given sizes in, box positions and edge
//! routes (polylines) out, in the same units as the sizes.
//!
//! The steps, each in a submodule:
//!
//! 1. Cycle removal (`rank`): a depth-first search from the roots (nodes
//!    nobody calls, then any node left), in index order — the call graph's
//!    nodes come heaviest first — marks the edges that close a cycle. Those
//!    are laid out upside down, so what remains is acyclic. Self edges are
//!    left out of steps 2–5 and drawn as small loops.
//! 2. Layering (`rank`): longest path from the sources, then a few passes
//!    that move a node down (or up) to its nearest successors (predecessors)
//!    when it has more edges below (above), shortening long edges.
//! 3. Long edges (`layered`): an edge spanning several layers is split
//!    with a dummy vertex (`edge_gap` wide) in each layer it crosses, so it
//!    has a reserved slot there and never runs through a box. An initial
//!    order of each layer comes from a depth-first walk down the layers.
//! 4. Crossing reduction (`order`): weighted barycenter sweeps down and
//!    up, each followed by swaps of neighbours that remove crossings, a
//!    bounded number of times, keeping the order with the fewest crossings
//!    (counted exactly, layer pair by layer pair).
//! 5. Coordinates (`place`): each layer is a band as tall as its tallest
//!    box, boxes centred in it, `layer_gap` between bands. Horizontally,
//!    sweeps pull each vertex toward the weighted mean of its neighbours in
//!    the adjacent layer; each layer is then placed as close as possible to
//!    those wishes (least squares) while keeping `node_gap` between boxes
//!    (`edge_gap` next to a dummy). The drawing is shifted so it starts at 0.
//! 6. Routing (`route`): an edge leaves its upper box through a port on
//!    its bottom side, runs straight down to the bottom of that box's band,
//!    crosses the gap between layers, goes straight down each band it
//!    crosses at its dummy's x and enters the lower box through a port on
//!    its top side. Inside a band a route only ever occupies its own box's
//!    column or its dummy's slot, and the gaps between bands hold no boxes,
//!    so no route passes through a box. A reversed edge has the same
//!    geometry, listed from its real source (bottom) to its destination.
//!
//! Nothing here recurses; the crossing-reduction and placement sweeps are
//! cut short on very large graphs so the layout stays fast.

mod layered;
mod order;
mod place;
mod rank;
mod route;

use serde::{Deserialize, Serialize};

/// A node's box size.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Size {
    /// Width.
    pub w: f64,
    /// Height.
    pub h: f64,
}

/// Distances kept between the parts of the drawing (by default 24, 56
/// and 10).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Spacing {
    /// Horizontal gap between two boxes of a layer.
    pub node_gap: f64,
    /// Vertical gap between two layers' bands.
    pub layer_gap: f64,
    /// Width of an edge's slot where it crosses a layer, and its gap to
    /// its neighbours there.
    pub edge_gap: f64,
}

impl Default for Spacing {
    fn default() -> Self {
        Spacing {
            node_gap: 24.0,
            layer_gap: 56.0,
            edge_gap: 10.0,
        }
    }
}

/// A node's box as laid out: its top-left corner and its size.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Placed {
    /// Left side.
    pub x: f64,
    /// Top side (y grows downward).
    pub y: f64,
    /// Width.
    pub w: f64,
    /// Height.
    pub h: f64,
}

/// An edge's route: a polyline from its source box to its destination box.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Route {
    /// The polyline's points. The first is on the source box's border (its
    /// bottom side; its top side when `reversed`; its right side for a
    /// self loop), the last on the destination box's border (its top side;
    /// its bottom side when `reversed`). Empty for an edge naming a node
    /// that does not exist.
    pub points: Vec<(f64, f64)>,
    /// The edge closes a cycle and points up: it leaves its source's top
    /// and enters its destination's bottom.
    pub reversed: bool,
    /// The edge goes from a node to itself: a small loop on the box's
    /// right side.
    pub self_loop: bool,
}

/// A laid-out graph.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct GraphLayout {
    /// Each node's box, in input order.
    pub nodes: Vec<Placed>,
    /// Each edge's route, in input order.
    pub edges: Vec<Route>,
    /// The drawing's bounding box, from (0, 0): every box and route point
    /// lies within it.
    pub width: f64,
    pub height: f64,
}

/// Lays out the graph of `sizes.len()` nodes and `edges` (source,
/// destination) indices, callers above callees. `weights` are the edges'
/// weights, by absolute value (a diff's can be negative; missing or
/// non-finite ones count as 1): heavy edges pull their ends together more
/// and are kept straighter. Edges naming a node out of range get an empty
/// route; negative or non-finite sizes and spacings count as 0.
pub fn layout(
    sizes: &[Size],
    edges: &[(usize, usize)],
    weights: &[f64],
    spacing: &Spacing,
) -> GraphLayout {
    let n = sizes.len();
    let clean = |v: f64| if v.is_finite() { v.max(0.0) } else { 0.0 };
    let sizes: Vec<Size> = sizes
        .iter()
        .map(|s| Size {
            w: clean(s.w),
            h: clean(s.h),
        })
        .collect();
    let gaps = Spacing {
        node_gap: clean(spacing.node_gap),
        layer_gap: clean(spacing.layer_gap),
        edge_gap: clean(spacing.edge_gap),
    };
    let valid = |&(s, d): &(usize, usize)| s < n && d < n;
    let reversed = rank::back_edges(n, edges);
    let dag: Vec<(usize, usize)> = edges
        .iter()
        .zip(&reversed)
        .filter(|(e, _)| valid(e) && e.0 != e.1)
        .map(|(&(s, d), &r)| if r { (d, s) } else { (s, d) })
        .collect();
    let layers = rank::layers(n, &dag);
    let loop_w = route::loop_width(gaps.node_gap);
    let mut extra = vec![0.0; n];
    for &(s, d) in edges {
        if s == d && s < n {
            extra[s] = loop_w;
        }
    }
    let widths: Vec<f64> = sizes.iter().map(|s| s.w).collect();
    let heights: Vec<f64> = sizes.iter().map(|s| s.h).collect();
    let mut g = layered::Layered::build(&layered::Input {
        widths: &widths,
        extra: &extra,
        layer: &layers,
        edges,
        reversed: &reversed,
        weights,
        dummy_width: gaps.edge_gap,
    });
    order::reduce(&mut g);
    let x = place::x_centres(&g, gaps.node_gap, gaps.edge_gap);
    let bands = place::bands(&g, &heights, gaps.layer_gap);
    let mut nodes: Vec<Placed> = (0..n)
        .map(|v| {
            let l = g.layer[v];
            let (top, bottom) = (bands.top[l], bands.bottom[l]);
            let s = sizes[v];
            Placed {
                x: x[v] - s.w / 2.0,
                y: top + (bottom - top - s.h) / 2.0,
                w: s.w,
                h: s.h,
            }
        })
        .collect();
    let boxes: Vec<route::Box4> = nodes.iter().map(|p| (p.x, p.y, p.w, p.h)).collect();
    let points = route::routes(&g, &x, &bands, &boxes, edges, &reversed, loop_w);
    let mut routes: Vec<Route> = points
        .into_iter()
        .enumerate()
        .map(|(e, points)| Route {
            points,
            reversed: reversed.get(e).copied().unwrap_or(false),
            self_loop: edges.get(e).is_some_and(|&(s, d)| s == d && s < n),
        })
        .collect();
    let (width, height) = normalize(&mut nodes, &mut routes);
    GraphLayout {
        nodes,
        edges: routes,
        width,
        height,
    }
}

/// Shifts everything so the drawing starts at (0, 0); its width and height.
fn normalize(nodes: &mut [Placed], routes: &mut [Route]) -> (f64, f64) {
    let corners = nodes
        .iter()
        .flat_map(|p| [(p.x, p.y), (p.x + p.w, p.y + p.h)])
        .chain(routes.iter().flat_map(|r| r.points.iter().copied()));
    let (mut x0, mut y0) = (f64::INFINITY, f64::INFINITY);
    let mut any = false;
    for (x, y) in corners {
        any = true;
        x0 = x0.min(x);
        y0 = y0.min(y);
    }
    if !any {
        return (0.0, 0.0);
    }
    for p in nodes.iter_mut() {
        p.x -= x0;
        p.y -= y0;
    }
    for r in routes.iter_mut() {
        for p in &mut r.points {
            p.0 -= x0;
            p.1 -= y0;
        }
    }
    // Recomputed after the shift so nothing lies beyond the bounds by a
    // rounding error.
    let (mut w, mut h) = (0.0f64, 0.0f64);
    for p in nodes.iter() {
        w = w.max(p.x + p.w);
        h = h.max(p.y + p.h);
    }
    for r in routes.iter() {
        for &(x, y) in &r.points {
            w = w.max(x);
            h = h.max(y);
        }
    }
    (w, h)
}

/// How far inside a box a point must be to count as in its interior, so
/// that rounding on a border does not count.
const EPS: f64 = 1e-6;

/// The pairs of nodes (i < j) whose boxes overlap (share more than a
/// border), in order.
pub fn overlapping_boxes(l: &GraphLayout) -> Vec<(usize, usize)> {
    let mut by_x: Vec<usize> = (0..l.nodes.len()).collect();
    by_x.sort_by(|&a, &b| l.nodes[a].x.total_cmp(&l.nodes[b].x));
    let mut out = Vec::new();
    for (k, &a) in by_x.iter().enumerate() {
        let pa = &l.nodes[a];
        for &b in &by_x[k + 1..] {
            let pb = &l.nodes[b];
            if pb.x >= pa.x + pa.w - EPS {
                break;
            }
            let dx = (pa.x + pa.w).min(pb.x + pb.w) - pa.x.max(pb.x);
            let dy = (pa.y + pa.h).min(pb.y + pb.h) - pa.y.max(pb.y);
            if dx > EPS && dy > EPS {
                out.push((a.min(b), a.max(b)));
            }
        }
    }
    out.sort_unstable();
    out
}

/// The (edge index, node index) pairs where a segment of the edge's route
/// passes through the interior of the node's box, the edge's own source
/// and destination aside; in order. `edges` are the edges given to
/// [`layout`].
pub fn edges_through_boxes(l: &GraphLayout, edges: &[(usize, usize)]) -> Vec<(usize, usize)> {
    // Boxes by their top, so a segment only looks at those that can reach
    // its height.
    let mut by_y: Vec<usize> = (0..l.nodes.len()).collect();
    by_y.sort_by(|&a, &b| l.nodes[a].y.total_cmp(&l.nodes[b].y));
    let tops: Vec<f64> = by_y.iter().map(|&v| l.nodes[v].y).collect();
    let tallest = l.nodes.iter().map(|p| p.h).fold(0.0, f64::max);
    let mut out = Vec::new();
    let mut hit: Vec<usize> = Vec::new();
    for (e, r) in l.edges.iter().enumerate() {
        let ends = edges.get(e).copied();
        let segments = r.points.windows(2).map(|w| (w[0], w[1])).chain(
            r.points
                .first()
                .filter(|_| r.points.len() == 1)
                .map(|&p| (p, p)),
        );
        hit.clear();
        for (a, b) in segments {
            let (low, high) = (a.1.min(b.1), a.1.max(b.1));
            let from = tops.partition_point(|&y| y <= low - tallest);
            let to = tops.partition_point(|&y| y < high);
            for &v in &by_y[from..to.max(from)] {
                let own = ends.is_some_and(|(s, d)| v == s || v == d);
                if !own && !hit.contains(&v) && segment_in_box(a, b, &l.nodes[v]) {
                    hit.push(v);
                }
            }
        }
        hit.sort_unstable();
        out.extend(hit.iter().map(|&v| (e, v)));
    }
    out
}

/// Whether the segment a–b has a point strictly inside the box: the middle
/// of its part within the closed box (Liang–Barsky clipping) is inside the
/// open box exactly when some point is.
fn segment_in_box(a: (f64, f64), b: (f64, f64), r: &Placed) -> bool {
    let (x0, y0, x1, y1) = (r.x, r.y, r.x + r.w, r.y + r.h);
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let (mut t0, mut t1) = (0.0f64, 1.0f64);
    // Liang–Barsky: the point at t is inside where p·t <= q for each side.
    for (p, q) in [
        (-dx, a.0 - x0),
        (dx, x1 - a.0),
        (-dy, a.1 - y0),
        (dy, y1 - a.1),
    ] {
        if p == 0.0 {
            if q < 0.0 {
                return false;
            }
        } else if p < 0.0 {
            t0 = t0.max(q / p);
        } else {
            t1 = t1.min(q / p);
        }
    }
    if t0 > t1 {
        return false;
    }
    let t = (t0 + t1) / 2.0;
    let (mx, my) = (a.0 + dx * t, a.1 + dy * t);
    mx > x0 + EPS && mx < x1 - EPS && my > y0 + EPS && my < y1 - EPS
}
