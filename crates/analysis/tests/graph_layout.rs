//! The layered call-graph layout: small graphs worked out by hand (a chain,
//! a diamond, a wide fan-out, a cycle, a self loop, a long edge, the empty
//! graph, one node), crossing reduction on crossed input orders, the call
//! graph of every readable profile of the shared corpus, and a random
//! graph of 400 nodes and 1200 edges with cycles. Every layout is checked
//! for overlapping boxes, routes through boxes, route ends on the right
//! sides of the right boxes, callers above callees and a bounding box that
//! holds everything.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use heaplens_analysis::graph::{graph, Graph, GraphOptions};
use heaplens_analysis::graph_layout::{
    edges_through_boxes, layout, overlapping_boxes, GraphLayout, Placed, Size, Spacing,
};

const CLOSE: f64 = 1e-6;

/// `n` boxes of the same size.
fn boxes(n: usize, w: f64, h: f64) -> Vec<Size> {
    vec![Size { w, h }; n]
}

fn on_bottom(p: (f64, f64), b: &Placed) -> bool {
    (p.1 - (b.y + b.h)).abs() < CLOSE && p.0 >= b.x - CLOSE && p.0 <= b.x + b.w + CLOSE
}

fn on_top(p: (f64, f64), b: &Placed) -> bool {
    (p.1 - b.y).abs() < CLOSE && p.0 >= b.x - CLOSE && p.0 <= b.x + b.w + CLOSE
}

fn on_right(p: (f64, f64), b: &Placed) -> bool {
    (p.0 - (b.x + b.w)).abs() < CLOSE && p.1 >= b.y - CLOSE && p.1 <= b.y + b.h + CLOSE
}

/// Everything a layout must hold, whatever the graph.
fn check(name: &str, sizes: &[Size], edges: &[(usize, usize)], l: &GraphLayout, s: &Spacing) {
    assert_eq!(l.nodes.len(), sizes.len(), "{name}: nodes");
    assert_eq!(l.edges.len(), edges.len(), "{name}: routes");
    for (p, size) in l.nodes.iter().zip(sizes) {
        assert_eq!((p.w, p.h), (size.w, size.h), "{name}: box size");
    }
    assert_eq!(overlapping_boxes(l), vec![], "{name}: overlapping boxes");
    assert_eq!(
        edges_through_boxes(l, edges),
        vec![],
        "{name}: routes through boxes"
    );
    let inside = |x: f64, y: f64| {
        x >= -CLOSE && y >= -CLOSE && x <= l.width + CLOSE && y <= l.height + CLOSE
    };
    for p in &l.nodes {
        assert!(
            inside(p.x, p.y) && inside(p.x + p.w, p.y + p.h),
            "{name}: {p:?} outside {}x{}",
            l.width,
            l.height
        );
    }
    for (e, (&(src, dst), r)) in edges.iter().zip(&l.edges).enumerate() {
        assert!(r.points.len() >= 2, "{name}: edge {e} has {:?}", r.points);
        for &(x, y) in &r.points {
            assert!(inside(x, y), "{name}: edge {e} point ({x}, {y}) outside");
        }
        let (a, b) = (&l.nodes[src], &l.nodes[dst]);
        let (first, last) = (r.points[0], *r.points.last().unwrap());
        if src == dst {
            assert!(r.self_loop && !r.reversed, "{name}: edge {e} flags");
            assert!(on_right(first, a) && on_right(last, a), "{name}: loop {e}");
            for &(x, _) in &r.points {
                assert!(x >= a.x + a.w - CLOSE, "{name}: loop {e} enters its box");
            }
        } else if r.reversed {
            assert!(!r.self_loop);
            assert!(
                b.y + b.h <= a.y + CLOSE,
                "{name}: back edge {e} points down"
            );
            assert!(
                on_top(first, a),
                "{name}: back edge {e} starts at {first:?}"
            );
            assert!(on_bottom(last, b), "{name}: back edge {e} ends at {last:?}");
        } else {
            assert!(!r.self_loop);
            assert!(a.y + a.h <= b.y + CLOSE, "{name}: edge {e} points up");
            assert!(on_bottom(first, a), "{name}: edge {e} starts at {first:?}");
            assert!(on_top(last, b), "{name}: edge {e} ends at {last:?}");
        }
        // Two points per layer crossed at most, and the ends.
        let dy = (last.1 - first.1).abs();
        let most = 6 + 2 * (dy / s.layer_gap) as usize;
        assert!(r.points.len() <= most, "{name}: edge {e}: {:?}", r.points);
    }
}

fn lay_out(name: &str, sizes: &[Size], edges: &[(usize, usize)]) -> GraphLayout {
    let s = Spacing::default();
    let weights = vec![1.0; edges.len()];
    let l = layout(sizes, edges, &weights, &s);
    check(name, sizes, edges, &l, &s);
    l
}

/// Pairs of route segments of different edges that cross properly.
fn crossings(l: &GraphLayout) -> usize {
    let orient = |a: (f64, f64), b: (f64, f64), c: (f64, f64)| {
        let v = (b.0 - a.0) * (c.1 - a.1) - (b.1 - a.1) * (c.0 - a.0);
        if v > 1e-9 {
            1
        } else if v < -1e-9 {
            -1
        } else {
            0
        }
    };
    type Point = (f64, f64);
    let segs: Vec<(usize, Point, Point)> = l
        .edges
        .iter()
        .enumerate()
        .flat_map(|(e, r)| r.points.windows(2).map(move |w| (e, w[0], w[1])))
        .collect();
    let mut count = 0;
    for (i, &(e, a, b)) in segs.iter().enumerate() {
        for &(f, c, d) in &segs[i + 1..] {
            if e != f
                && orient(a, b, c) * orient(a, b, d) < 0
                && orient(c, d, a) * orient(c, d, b) < 0
            {
                count += 1;
            }
        }
    }
    count
}

#[test]
fn a_chain_runs_straight_down() {
    let l = lay_out("chain", &boxes(4, 60.0, 20.0), &[(0, 1), (1, 2), (2, 3)]);
    for i in 0..3 {
        assert_eq!(l.nodes[i].x, l.nodes[i + 1].x);
        assert_eq!(l.edges[i].points.len(), 2, "{:?}", l.edges[i]);
    }
    assert_eq!((l.width, l.height), (60.0, 4.0 * 20.0 + 3.0 * 56.0));
}

#[test]
fn a_diamond_has_its_middle_side_by_side() {
    let edges = [(0, 1), (0, 2), (1, 3), (2, 3)];
    let l = lay_out("diamond", &boxes(4, 50.0, 20.0), &edges);
    let n = &l.nodes;
    assert_eq!(n[1].y, n[2].y);
    assert!(n[0].y < n[1].y && n[1].y < n[3].y);
    assert!(
        (n[1].x + n[1].w + 24.0 <= n[2].x + CLOSE) || (n[2].x + n[2].w + 24.0 <= n[1].x + CLOSE)
    );
    // The top and bottom sit between the two in the middle.
    let mid = (n[1].x + n[2].x + n[1].w) / 2.0;
    assert!((n[0].x + n[0].w / 2.0 - mid).abs() < 1.0);
    assert!((n[3].x + n[3].w / 2.0 - mid).abs() < 1.0);
    assert_eq!(crossings(&l), 0);
}

#[test]
fn a_wide_fan_out_is_one_row_under_its_caller() {
    let edges: Vec<(usize, usize)> = (1..=30).map(|i| (0, i)).collect();
    let l = lay_out("fan-out", &boxes(31, 40.0, 16.0), &edges);
    let row = l.nodes[1].y;
    assert!(l.nodes[1..].iter().all(|p| p.y == row));
    let (left, right) = l.nodes[1..].iter().fold((f64::MAX, 0.0f64), |(a, b), p| {
        (a.min(p.x), b.max(p.x + p.w))
    });
    assert_eq!((left, right), (0.0, 30.0 * 40.0 + 29.0 * 24.0));
    let centre = l.nodes[0].x + 20.0;
    assert!((centre - right / 2.0).abs() < 1.0, "caller at {centre}");
    assert_eq!(crossings(&l), 0);
}

#[test]
fn a_cycle_has_one_edge_pointing_up() {
    let l = lay_out("cycle", &boxes(3, 50.0, 20.0), &[(0, 1), (1, 2), (2, 0)]);
    let flags: Vec<bool> = l.edges.iter().map(|r| r.reversed).collect();
    assert_eq!(flags, vec![false, false, true]);
    assert!(l.nodes[0].y < l.nodes[1].y && l.nodes[1].y < l.nodes[2].y);
    // Two nodes apart: it goes around the middle one through its own slot.
    assert!(l.edges[2].points.len() >= 3);
}

#[test]
fn a_two_cycle_keeps_its_routes_apart() {
    let l = lay_out("two-cycle", &boxes(2, 50.0, 20.0), &[(0, 1), (1, 0)]);
    assert!(!l.edges[0].reversed && l.edges[1].reversed);
    assert_ne!(l.edges[0].points[0], *l.edges[1].points.last().unwrap());
}

#[test]
fn a_self_loop_stays_beside_its_box() {
    let edges = [(0, 1), (1, 1), (0, 2), (2, 3), (1, 3)];
    let l = lay_out("self loop", &boxes(4, 50.0, 20.0), &edges);
    assert!(l.edges[1].self_loop);
    assert_eq!(l.edges.iter().filter(|r| r.self_loop).count(), 1);
    // The loop keeps clear of the box beside it.
    let b1 = &l.nodes[1];
    let reach = l.edges[1].points.iter().map(|p| p.0).fold(0.0, f64::max);
    for (v, p) in l.nodes.iter().enumerate() {
        if v != 1 && p.y < b1.y + b1.h && b1.y < p.y + p.h && p.x > b1.x {
            assert!(p.x > reach, "loop reaches {reach}, box {v} at {}", p.x);
        }
    }
    assert!(l.width >= reach);
}

#[test]
fn a_long_edge_goes_around_the_chain() {
    // 0 -> 1 -> 2 -> 3 -> 4 -> 5 and 0 -> 5 over four layers, with wide
    // boxes in the middle layers.
    let mut sizes = boxes(6, 60.0, 20.0);
    sizes[2] = Size { w: 200.0, h: 40.0 };
    sizes[3] = Size { w: 120.0, h: 10.0 };
    let edges = [(0, 1), (1, 2), (2, 3), (3, 4), (4, 5), (0, 5)];
    let l = lay_out("long edge", &sizes, &edges);
    let long = &l.edges[5];
    assert!(!long.reversed);
    assert!(long.points.len() >= 4, "{:?}", long.points);
    for w in 1..5 {
        assert!(l.nodes[w - 1].y + l.nodes[w - 1].h <= l.nodes[w].y);
    }
}

#[test]
fn the_empty_graph_and_one_node() {
    let l = lay_out("empty", &[], &[]);
    assert_eq!(l, GraphLayout::default());
    let l = lay_out("one", &[Size { w: 30.0, h: 12.0 }], &[]);
    let want = Placed {
        x: 0.0,
        y: 0.0,
        w: 30.0,
        h: 12.0,
    };
    assert_eq!(l.nodes, vec![want]);
    assert_eq!((l.width, l.height), (30.0, 12.0));
}

#[test]
fn edges_to_missing_nodes_get_no_route() {
    let sizes = boxes(2, 20.0, 10.0);
    let l = layout(&sizes, &[(0, 1), (0, 7)], &[1.0], &Spacing::default());
    assert_eq!(l.edges[0].points.len(), 2);
    assert!(l.edges[1].points.is_empty());
    assert_eq!(overlapping_boxes(&l), vec![]);
}

#[test]
fn the_checks_see_overlaps_and_crossed_boxes() {
    let b = |x: f64, y: f64| Placed {
        x,
        y,
        w: 10.0,
        h: 10.0,
    };
    let route = |points: Vec<(f64, f64)>| heaplens_analysis::graph_layout::Route {
        points,
        reversed: false,
        self_loop: false,
    };
    let l = GraphLayout {
        nodes: vec![b(0.0, 0.0), b(5.0, 5.0), b(20.0, 0.0), b(0.0, 40.0)],
        edges: vec![
            // Through box 1, along box 2's border, into its own ends.
            route(vec![(5.0, 10.0), (8.0, 20.0), (3.0, 40.0)]),
            route(vec![(20.0, 10.0), (20.0, 30.0), (5.0, 40.0)]),
        ],
        width: 30.0,
        height: 50.0,
    };
    assert_eq!(overlapping_boxes(&l), vec![(0, 1)]);
    assert_eq!(edges_through_boxes(&l, &[(0, 3), (2, 3)]), vec![(0, 1)]);
}

/// `k` callers over `k` callees, each caller calling the callees at
/// `targets(i)`, callees numbered `k..2k`.
fn two_layers(k: usize, targets: impl Fn(usize) -> Vec<usize>) -> Vec<(usize, usize)> {
    (0..k)
        .flat_map(|i| targets(i).into_iter().map(move |t| (i, k + t)))
        .collect()
}

#[test]
fn crossed_input_orders_come_out_uncrossed() {
    let k = 8;
    // Reversed pairing: the input order crosses every pair.
    let reversed = two_layers(k, |i| vec![k - 1 - i]);
    // A shuffled ladder: caller i calls callees p(i) and p(i+1), a path
    // that zig-zags between the layers.
    let p = [5, 2, 7, 0, 3, 6, 1, 4, 8];
    let ladder: Vec<(usize, usize)> = (0..k)
        .flat_map(|i| [(i, k + p[i]), (i, k + p[i + 1])])
        .collect();
    // Three disjoint stars whose callees are interleaved.
    let stars = two_layers(3, |i| vec![i, i + 3, i + 6]);
    for (name, edges, n) in [
        ("reversed", reversed, 2 * k),
        ("ladder", ladder, 2 * k + 1),
        ("stars", stars, 12),
    ] {
        let weights: Vec<f64> = (0..edges.len()).map(|e| 1.0 + e as f64).collect();
        let sizes = boxes(n, 30.0, 14.0);
        let s = Spacing::default();
        let l = layout(&sizes, &edges, &weights, &s);
        check(name, &sizes, &edges, &l, &s);
        assert_eq!(crossings(&l), 0, "{name}: {l:?}");
    }
}

/// A node's box as the page would size it from its label: the name split
/// at '.' into lines, then the flat and cum lines, in a font growing with
/// the flat value.
fn label_size(name: &str, flat: i64, cum: i64, max_flat: i64) -> Size {
    let font = 8.0 + (16.0 * (flat.unsigned_abs() as f64 / max_flat.max(1) as f64).sqrt()).ceil();
    let mut lines: Vec<String> = name.split('.').map(str::to_string).collect();
    lines.push(format!("{flat} (12.34%)"));
    lines.push(format!("of {cum} (56.78%)"));
    let chars = lines.iter().map(|l| l.chars().count()).max().unwrap_or(0);
    Size {
        w: chars as f64 * 0.6 * font + 16.0,
        h: lines.len() as f64 * 1.25 * font + 12.0,
    }
}

/// One corpus graph laid out and checked: (nodes, edges, time taken).
fn corpus_graph(name: &str, g: &Graph) -> (usize, usize, std::time::Duration, GraphLayout) {
    let max_flat = g.nodes.iter().map(|n| n.flat.abs()).max().unwrap_or(0);
    let sizes: Vec<Size> = g
        .nodes
        .iter()
        .map(|n| label_size(&n.name, n.flat, n.cum, max_flat))
        .collect();
    let edges: Vec<(usize, usize)> = g.edges.iter().map(|e| (e.src, e.dst)).collect();
    let weights: Vec<f64> = g.edges.iter().map(|e| e.weight as f64).collect();
    let s = Spacing::default();
    let start = std::time::Instant::now();
    let l = layout(&sizes, &edges, &weights, &s);
    let took = start.elapsed();
    check(name, &sizes, &edges, &l, &s);
    (sizes.len(), edges.len(), took, l)
}

/// Every corpus file heaplens reads, decoded, with its name.
fn corpus_profiles() -> Vec<(String, heaplens_profile::Profile)> {
    common::corpus_files()
        .into_iter()
        .filter_map(|path| {
            let name = path.strip_prefix(common::corpus_dir()).unwrap();
            let name = name.display().to_string();
            let p = heaplens_profile::decode(&std::fs::read(&path).unwrap()).ok()?;
            Some((name, p))
        })
        .collect()
}

#[test]
fn every_corpus_call_graph_lays_out_cleanly() {
    let (mut checked, mut most) = (0, (0, 0, String::new()));
    let (mut total_crossings, mut slowest) = (0, (std::time::Duration::ZERO, String::new()));
    for (name, p) in corpus_profiles() {
        let (ty, _) = p.default_sample_type_with_values();
        let g = graph(&p, ty, &GraphOptions::default());
        let (nodes, edges, took, l) = corpus_graph(&name, &g);
        let c = crossings(&l);
        let back = l.edges.iter().filter(|r| r.reversed).count();
        eprintln!(
            "{name}: {nodes} nodes, {edges} edges ({back} reversed), {c} crossings, {:.0}x{:.0}, {took:?}",
            l.width, l.height
        );
        checked += 1;
        total_crossings += c;
        if nodes + edges > most.0 + most.1 {
            most = (nodes, edges, name.clone());
        }
        if took > slowest.0 {
            slowest = (took, name);
        }
    }
    eprintln!(
        "{checked} corpus graphs, {total_crossings} crossings in all; biggest {} ({} nodes, {} edges); slowest {} ({:?})",
        most.2, most.0, most.1, slowest.1, slowest.0
    );
    assert!(checked >= 55, "only {checked} corpus files read");
}

/// The corpus graphs untrimmed (no node limit): a few hundred nodes for
/// the larger profiles.
#[test]
fn every_untrimmed_corpus_call_graph_lays_out_cleanly() {
    let mut biggest = (0, 0, std::time::Duration::ZERO, String::new());
    let mut checked = 0;
    for (name, p) in corpus_profiles() {
        let (ty, _) = p.default_sample_type_with_values();
        let opts = GraphOptions {
            node_count: 0,
            ..GraphOptions::default()
        };
        let (nodes, edges, took, _) = corpus_graph(&name, &graph(&p, ty, &opts));
        checked += 1;
        if nodes + edges > biggest.0 + biggest.1 {
            biggest = (nodes, edges, took, name);
        }
    }
    let (nodes, edges, took, name) = biggest;
    eprintln!(
        "{checked} untrimmed corpus graphs; biggest {name}: {nodes} nodes, {edges} edges, {took:?}"
    );
    assert!(
        nodes >= 200,
        "the biggest untrimmed graph has {nodes} nodes"
    );
}

/// A small linear congruential generator: the same numbers every run.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, below: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) % below as u64) as usize
    }
}

#[test]
fn a_random_graph_with_cycles_lays_out_cleanly() {
    let (n, m) = (400, 1200);
    let mut rng = Lcg(0x5eed);
    let sizes: Vec<Size> = (0..n)
        .map(|_| Size {
            w: 30.0 + rng.next(150) as f64,
            h: 20.0 + rng.next(60) as f64,
        })
        .collect();
    let mut edges: Vec<(usize, usize)> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    while edges.len() < m {
        let s = rng.next(n);
        // Mostly toward later nodes, as calls go; a few back, a few loops.
        let d = match rng.next(10) {
            0 => rng.next(n),
            1 if rng.next(20) == 0 => s,
            _ => (s + 1 + rng.next(40)).min(n - 1),
        };
        if seen.insert((s, d)) {
            edges.push((s, d));
        }
    }
    let weights: Vec<f64> = (0..m).map(|_| rng.next(1000) as f64).collect();
    let s = Spacing::default();
    let start = std::time::Instant::now();
    let l = layout(&sizes, &edges, &weights, &s);
    let took = start.elapsed();
    check("random", &sizes, &edges, &l, &s);
    let back = l.edges.iter().filter(|r| r.reversed).count();
    let loops = l.edges.iter().filter(|r| r.self_loop).count();
    let points: usize = l.edges.iter().map(|r| r.points.len()).sum();
    eprintln!(
        "random: {n} nodes, {m} edges ({back} reversed, {loops} loops), {points} route points, {:.0}x{:.0}, {took:?}",
        l.width, l.height
    );
    assert!(back > 0 && loops > 0);
}
