//! Step 5 of the graph layout: coordinates. Layers are horizontal bands;
//! within a layer, vertices are pulled toward their neighbours in the
//! adjacent layers, sweep after sweep, and each layer is placed as close to
//! those wishes as its minimum gaps allow.

use super::layered::Layered;

/// Down-and-up sweep pairs, then sweeps toward both sides.
const ROUNDS: usize = 10;
const SMOOTHING: usize = 3;
/// Roughly how many vertex and segment visits the sweeps may take.
const BUDGET: usize = 1_500_000;
/// The pull on a vertex with no neighbour on the side looked at: it stays
/// where it is unless a neighbour pushes it.
const IDLE: f64 = 0.01;

/// Each layer's band: the y of its top and bottom.
#[derive(Debug, Clone)]
pub struct Bands {
    pub top: Vec<f64>,
    pub bottom: Vec<f64>,
}

/// The layers' bands from y = 0 down: each as tall as its tallest node,
/// `gap` between them.
pub fn bands(g: &Layered, heights: &[f64], gap: f64) -> Bands {
    let mut tall = vec![0.0f64; g.layers.len()];
    for (v, &h) in heights.iter().enumerate() {
        if let Some(t) = g.layer.get(v).and_then(|&l| tall.get_mut(l)) {
            *t = t.max(h);
        }
    }
    let (mut top, mut bottom) = (Vec::with_capacity(tall.len()), Vec::new());
    let mut y = 0.0;
    for h in tall {
        top.push(y);
        bottom.push(y + h);
        y += h + gap;
    }
    Bands { top, bottom }
}

/// Which neighbours a sweep pulls toward.
#[derive(Clone, Copy, PartialEq)]
enum Side {
    Above,
    Below,
    Both,
}

/// Each vertex's horizontal centre.
pub fn x_centres(g: &Layered, node_gap: f64, edge_gap: f64) -> Vec<f64> {
    let seps: Vec<Vec<f64>> = g
        .layers
        .iter()
        .map(|layer| {
            layer
                .windows(2)
                .map(|w| separation(g, w[0], w[1], node_gap, edge_gap))
                .collect()
        })
        .collect();
    let mut x = vec![0.0; g.layer.len()];
    // Start packed from the left, each layer centred on 0.
    for (layer, sep) in g.layers.iter().zip(&seps) {
        let mut at = 0.0;
        for (i, &v) in layer.iter().enumerate() {
            x[v] = at;
            at += sep.get(i).copied().unwrap_or(0.0);
        }
        for &v in layer {
            x[v] -= at / 2.0;
        }
    }
    let size = g.layer.len() + 2 * g.segs.len() + 1;
    let rounds = (BUDGET / size / 2).clamp(1, ROUNDS);
    let count = g.layers.len();
    let mut sweeps: Vec<(Side, Vec<usize>)> = Vec::new();
    for _ in 0..rounds {
        sweeps.push((Side::Above, (1..count).collect()));
        sweeps.push((Side::Below, (0..count.saturating_sub(1)).rev().collect()));
    }
    for _ in 0..SMOOTHING.min(rounds) {
        sweeps.push((Side::Both, (0..count).collect()));
    }
    let mut wish = Vec::new();
    for (side, layers) in sweeps {
        for l in layers {
            wish.clear();
            wish.extend(g.layers[l].iter().map(|&v| pull(g, &x, v, side)));
            let placed = fit(&wish, &seps[l]);
            for (&v, p) in g.layers[l].iter().zip(placed) {
                x[v] = p;
            }
        }
    }
    x
}

/// The least distance between the centres of `a` and its right neighbour
/// `b`: half of each, the room on `a`'s right, and the gap (`edge_gap` if
/// either is a dummy).
fn separation(g: &Layered, a: usize, b: usize, node_gap: f64, edge_gap: f64) -> f64 {
    let gap = if g.is_dummy(a) || g.is_dummy(b) {
        edge_gap
    } else {
        node_gap
    };
    g.width[a] / 2.0 + g.extra[a] + gap + g.width[b] / 2.0
}

/// Where `v` would like to be and how strongly: the weighted mean of its
/// neighbours' centres on `side`. A segment between dummies weighs most
/// (long edges run straight), one between a dummy and a node next.
fn pull(g: &Layered, x: &[f64], v: usize, side: Side) -> (f64, f64) {
    let (mut sum, mut total) = (0.0, 0.0);
    let mut add = |segs: &[usize], above: bool| {
        for &s in segs {
            let seg = &g.segs[s];
            let other = if above { seg.upper } else { seg.lower };
            let dummies = usize::from(g.is_dummy(v)) + usize::from(g.is_dummy(other));
            let w = seg.weight * [1.0, 2.0, 8.0][dummies];
            sum += w * x[other];
            total += w;
        }
    };
    if side != Side::Below {
        add(&g.up[v], true);
    }
    if side != Side::Above {
        add(&g.down[v], false);
    }
    if total > 0.0 {
        (sum / total, total)
    } else {
        (x[v], IDLE)
    }
}

/// The positions, left to right, nearest (weighted least squares) to the
/// wished `(position, weight)` ones with at least `sep[i]` between the
/// i-th and the next: with `z = x - offset` the gaps become `z` not
/// decreasing, solved by pooling adjacent violators.
fn fit(wish: &[(f64, f64)], sep: &[f64]) -> Vec<f64> {
    let mut offset = Vec::with_capacity(wish.len());
    let mut at = 0.0;
    for i in 0..wish.len() {
        offset.push(at);
        at += sep.get(i).copied().unwrap_or(0.0);
    }
    // Blocks of pooled vertices: (weight, weighted sum of targets, count).
    let mut blocks: Vec<(f64, f64, usize)> = Vec::with_capacity(wish.len());
    for (&(p, w), &o) in wish.iter().zip(&offset) {
        let mut block = (w, w * (p - o), 1);
        while let Some(&last) = blocks.last() {
            if last.1 / last.0 <= block.1 / block.0 {
                break;
            }
            blocks.pop();
            block = (last.0 + block.0, last.1 + block.1, last.2 + block.2);
        }
        blocks.push(block);
    }
    let mut x = Vec::with_capacity(wish.len());
    for (w, s, count) in blocks {
        let z = s / w;
        for _ in 0..count {
            x.push(z + offset[x.len()]);
        }
    }
    // Rounding must not bring two vertices closer than their gap.
    for i in 1..x.len() {
        let least = x[i - 1] + sep.get(i - 1).copied().unwrap_or(0.0);
        if x[i] < least {
            x[i] = least;
        }
    }
    x
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_keeps_gaps_and_centres_a_crowd() {
        // Three vertices all wishing to be at 0, 10 apart: centred on 0.
        let x = fit(&[(0.0, 1.0), (0.0, 1.0), (0.0, 1.0)], &[10.0, 10.0]);
        assert_eq!(x, vec![-10.0, 0.0, 10.0]);
        // Far enough apart already: where they wish.
        let x = fit(&[(0.0, 1.0), (50.0, 1.0)], &[10.0]);
        assert_eq!(x, vec![0.0, 50.0]);
        // A heavy vertex moves less.
        let x = fit(&[(0.0, 3.0), (0.0, 1.0)], &[8.0]);
        assert_eq!(x, vec![-2.0, 6.0]);
    }
}
