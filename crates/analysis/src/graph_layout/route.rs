//! Step 6 of the graph layout: edge routes. A chain leaves its upper box
//! through a port on the box's bottom, runs down to the bottom of the band,
//! crosses to the next band, runs straight down each band it crosses at its
//! dummy's x and enters its lower box through a port on the box's top.
//! Ports are spread along a box's side in the order of the vertices they
//! lead to, so edges leaving one box do not cross there.

use super::layered::Layered;
use super::place::Bands;

/// A box: left, top, width, height.
pub type Box4 = (f64, f64, f64, f64);

/// The room a self loop takes on its box's right side (kept free there).
pub fn loop_width(node_gap: f64) -> f64 {
    (node_gap / 2.0).clamp(0.0, 12.0)
}

/// Each edge's route from its upper end to its lower end (from source to
/// destination when reversed, so every route runs from its source), a
/// loop for a self edge, nothing for an edge naming a missing node.
pub fn routes(
    g: &Layered,
    x: &[f64],
    bands: &Bands,
    boxes: &[Box4],
    edges: &[(usize, usize)],
    reversed: &[bool],
    loop_w: f64,
) -> Vec<Vec<(f64, f64)>> {
    let (bottom_port, top_port) = ports(g, x, boxes);
    let mut out = Vec::with_capacity(g.chains.len());
    for (e, chain) in g.chains.iter().enumerate() {
        let Some(&(s, d)) = edges.get(e) else {
            out.push(Vec::new());
            continue;
        };
        if s == d {
            out.push(
                boxes
                    .get(s)
                    .map_or_else(Vec::new, |&b| self_loop(b, loop_w)),
            );
            continue;
        }
        let mut points = chain_points(g, x, bands, boxes, chain, (&bottom_port, &top_port));
        if reversed.get(e).copied().unwrap_or(false) {
            points.reverse();
        }
        out.push(simplify(points));
    }
    out
}

/// A loop on the right side of box `b`, `w` wide.
fn self_loop(b: Box4, w: f64) -> Vec<(f64, f64)> {
    let (x, y, bw, h) = b;
    let r = x + bw;
    vec![
        (r, y + h * 0.3),
        (r + w, y + h * 0.3),
        (r + w, y + h * 0.7),
        (r, y + h * 0.7),
    ]
}

/// Each segment's x where it leaves its upper vertex and where it enters
/// its lower one: a dummy's centre, or a port on a node's bottom (top)
/// side, spread evenly in the order of the vertices at the other ends.
fn ports(g: &Layered, x: &[f64], boxes: &[Box4]) -> (Vec<f64>, Vec<f64>) {
    let mut bottom: Vec<f64> = g.segs.iter().map(|s| x[s.upper]).collect();
    let mut top: Vec<f64> = g.segs.iter().map(|s| x[s.lower]).collect();
    let mut segs: Vec<usize> = Vec::new();
    for (v, &(left, _, w, _)) in boxes.iter().enumerate().take(g.real) {
        for (list, going_down) in [(&g.down[v], true), (&g.up[v], false)] {
            segs.clear();
            segs.extend(list.iter().copied());
            let other = |s: usize| {
                let seg = &g.segs[s];
                x[if going_down { seg.lower } else { seg.upper }]
            };
            segs.sort_by(|&a, &b| other(a).total_cmp(&other(b)).then(a.cmp(&b)));
            let m = segs.len() as f64;
            for (k, &s) in segs.iter().enumerate() {
                let px = left + w * (k as f64 + 1.0) / (m + 1.0);
                if going_down {
                    bottom[s] = px;
                } else {
                    top[s] = px;
                }
            }
        }
    }
    (bottom, top)
}

/// The points of one chain of segments, top to bottom.
fn chain_points(
    g: &Layered,
    x: &[f64],
    bands: &Bands,
    boxes: &[Box4],
    chain: &[usize],
    (bottom_port, top_port): (&[f64], &[f64]),
) -> Vec<(f64, f64)> {
    let mut points = Vec::with_capacity(chain.len() * 2 + 2);
    let Some(&first) = chain.first() else {
        return points;
    };
    let upper = g.segs[first].upper;
    let l = g.layer[upper];
    let px = bottom_port[first];
    let box_bottom = boxes.get(upper).map_or(bands.bottom[l], |b| b.1 + b.3);
    points.push((px, box_bottom));
    if box_bottom < bands.bottom[l] {
        points.push((px, bands.bottom[l]));
    }
    for &s in chain {
        let lower = g.segs[s].lower;
        let l = g.layer[lower];
        if g.is_dummy(lower) {
            let dx = x[lower];
            points.push((dx, bands.top[l]));
            if bands.bottom[l] > bands.top[l] {
                points.push((dx, bands.bottom[l]));
            }
        } else {
            let px = top_port[s];
            let box_top = boxes.get(lower).map_or(bands.top[l], |b| b.1);
            if box_top > bands.top[l] {
                points.push((px, bands.top[l]));
            }
            points.push((px, box_top));
        }
    }
    points
}

/// The points without those in the middle of a straight run.
fn simplify(points: Vec<(f64, f64)>) -> Vec<(f64, f64)> {
    let mut out: Vec<(f64, f64)> = Vec::with_capacity(points.len());
    for p in points {
        if let [.., a, b] = out[..] {
            let cross = (b.0 - a.0) * (p.1 - a.1) - (b.1 - a.1) * (p.0 - a.0);
            let between = (b.0 - a.0) * (p.0 - b.0) + (b.1 - a.1) * (p.1 - b.1) >= 0.0;
            if cross.abs() < 1e-9 && between {
                out.pop();
            }
        }
        if out.last() != Some(&p) {
            out.push(p);
        }
    }
    out
}
