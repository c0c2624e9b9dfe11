//! Step 4 of the graph layout: crossing reduction. Each layer is sorted by
//! the weighted barycenter of its vertices' neighbours in the layer above
//! (sweeping down) or below (sweeping up); vertices without neighbours on
//! that side keep their places. After each sweep, neighbours in a layer
//! trade places wherever that removes crossings (every other pair of
//! sweeps, also where it removes none, to leave a plateau). The order with
//! the fewest crossings seen is kept.

use super::layered::Layered;

/// Sweeps at most (down and up in turn).
const MAX_SWEEPS: usize = 48;
/// Sweeps in a row without a better order before giving up.
const PATIENCE: usize = 8;
/// Transposition passes after each sweep at most.
const TRANSPOSE_PASSES: usize = 4;
/// How much work (vertex and segment visits) the sweeps, transpositions
/// and crossing counts may take in all, so a huge graph gets fewer sweeps:
/// 80-node call graphs stay well within it, graphs of several hundred
/// nodes and thousands of dummies stop early.
const BUDGET: usize = 1_000_000;

/// Reorders `g`'s layers to reduce edge crossings; the crossings left.
pub fn reduce(g: &mut Layered) -> u64 {
    let mut pos = positions(g);
    let mut best = crossings(g, &pos);
    let mut best_layers = g.layers.clone();
    let size = g.layer.len() + g.segs.len() + 1;
    let mut work = size;
    let mut stale = 0;
    for round in 0..MAX_SWEEPS {
        if best == 0 || stale >= PATIENCE || work > BUDGET {
            break;
        }
        sweep(g, &mut pos, round % 2 == 0);
        work += size + transpose(g, &mut pos, round % 4 >= 2);
        let c = crossings(g, &pos);
        work += size;
        if c < best {
            best = c;
            best_layers.clone_from(&g.layers);
            stale = 0;
        } else {
            stale += 1;
        }
    }
    g.layers = best_layers;
    best
}

/// Each vertex's index in its layer.
fn positions(g: &Layered) -> Vec<usize> {
    let mut pos = vec![0; g.layer.len()];
    for layer in &g.layers {
        for (i, &v) in layer.iter().enumerate() {
            pos[v] = i;
        }
    }
    pos
}

/// One barycenter sweep, down (each layer after the one above it) or up.
fn sweep(g: &mut Layered, pos: &mut [usize], down: bool) {
    let count = g.layers.len();
    let order: Vec<usize> = if down {
        (1..count).collect()
    } else {
        (0..count.saturating_sub(1)).rev().collect()
    };
    for l in order {
        let layer = std::mem::take(&mut g.layers[l]);
        let mut fixed: Vec<Option<usize>> = Vec::with_capacity(layer.len());
        let mut moving: Vec<(f64, usize, usize)> = Vec::new();
        for (i, &v) in layer.iter().enumerate() {
            let segs = if down { &g.up[v] } else { &g.down[v] };
            let (mut sum, mut total) = (0.0, 0.0);
            for &s in segs {
                let seg = &g.segs[s];
                let other = if down { seg.upper } else { seg.lower };
                sum += seg.weight * pos[other] as f64;
                total += seg.weight;
            }
            if total > 0.0 {
                moving.push((sum / total, i, v));
                fixed.push(None);
            } else {
                fixed.push(Some(v));
            }
        }
        moving.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let mut next = moving.into_iter().map(|m| m.2);
        let sorted: Vec<usize> = fixed
            .into_iter()
            .filter_map(|f| f.or_else(|| next.next()))
            .collect();
        for (i, &v) in sorted.iter().enumerate() {
            pos[v] = i;
        }
        g.layers[l] = sorted;
    }
}

/// Swaps neighbours in a layer wherever that alone removes crossings (with
/// `ties`, also where it leaves as many, if any), pass after pass while
/// some swap is made (a few passes at most; after the first, only the
/// layers next to a swap are looked at again). The work done.
fn transpose(g: &mut Layered, pos: &mut [usize], ties: bool) -> usize {
    let count = g.layers.len();
    let mut look = vec![true; count];
    let mut work = 0;
    for _ in 0..TRANSPOSE_PASSES {
        let mut swapped = vec![false; count];
        for l in (0..count).filter(|&l| look[l]) {
            work += g.layers[l].len();
            for i in 1..g.layers[l].len() {
                let (u, v) = (g.layers[l][i - 1], g.layers[l][i]);
                let (now, then) = (pair_crossings(g, pos, u, v), pair_crossings(g, pos, v, u));
                work += g.up[u].len() + g.down[u].len() + g.up[v].len() + g.down[v].len();
                if then < now || (ties && then == now && now > 0) {
                    g.layers[l].swap(i - 1, i);
                    pos[u] = i;
                    pos[v] = i - 1;
                    swapped[l] = true;
                }
            }
        }
        if !swapped.contains(&true) {
            break;
        }
        for (l, k) in look.iter_mut().enumerate() {
            *k = swapped[l.saturating_sub(1)..(l + 2).min(count)].contains(&true);
        }
    }
    work
}

/// The crossings between `u`'s and `v`'s segments (up and down) when `u`
/// is left of `v`.
fn pair_crossings(g: &Layered, pos: &[usize], u: usize, v: usize) -> u64 {
    let mut count = 0;
    for (a, b, upper) in [(&g.up[u], &g.up[v], true), (&g.down[u], &g.down[v], false)] {
        let end = |s: usize| {
            let seg = &g.segs[s];
            pos[if upper { seg.upper } else { seg.lower }]
        };
        for &x in a {
            let px = end(x);
            count += b.iter().filter(|&&y| end(y) < px).count() as u64;
        }
    }
    count
}

/// The number of pairs of segments that cross, for the order `pos`.
pub fn crossings(g: &Layered, pos: &[usize]) -> u64 {
    let mut by_layer: Vec<Vec<(usize, usize)>> = vec![Vec::new(); g.layers.len()];
    for seg in &g.segs {
        let l = g.layer[seg.upper];
        if g.layer[seg.lower] == l + 1 {
            by_layer[l].push((pos[seg.upper], pos[seg.lower]));
        }
    }
    let mut total = 0;
    for (l, mut pairs) in by_layer.into_iter().enumerate() {
        let below = g.layers.get(l + 1).map_or(0, Vec::len);
        pairs.sort_unstable();
        total += inversions(&pairs, below);
    }
    total
}

/// Pairs i < j with `pairs[j].1 < pairs[i].1` (a Fenwick tree over the
/// second values, which are below `size`).
fn inversions(pairs: &[(usize, usize)], size: usize) -> u64 {
    let mut tree = vec![0u64; size + 1];
    let mut count = 0u64;
    for (inserted, &(_, b)) in pairs.iter().enumerate() {
        // Values inserted so far that are <= b.
        let mut at_most = 0;
        let mut i = b + 1;
        while i > 0 {
            at_most += tree.get(i).copied().unwrap_or(0);
            i &= i - 1;
        }
        count += inserted as u64 - at_most;
        let mut i = b + 1;
        while i <= size {
            tree[i] += 1;
            i += i & i.wrapping_neg();
        }
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inversions_count_crossing_pairs() {
        let mut pairs = vec![(0, 2), (1, 1), (2, 0)];
        pairs.sort_unstable();
        assert_eq!(inversions(&pairs, 3), 3);
        // Shared endpoints do not cross.
        let pairs = [(0, 0), (0, 1), (1, 0), (1, 1)];
        assert_eq!(inversions(&pairs, 2), 1);
    }
}
