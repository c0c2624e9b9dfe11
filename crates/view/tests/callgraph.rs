//! The graph view's scene, as the web worker answers it (a session's view
//! with `call_graph` set), on every profile of the shared corpus that
//! decodes: its nodes are the DOT graph's (held to `go tool pprof -dot` by
//! crates/cli/tests/dot.rs) with the same label nodelets, every label fits
//! its box, and the layout is readable: no two boxes (with the nodelets
//! under them) overlap, no edge is drawn through one, every edge runs from
//! its caller's box to its callee's.

// A test: a failure stops it loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use heaplens_analysis::graph::GraphOptions;
use heaplens_analysis::graph_layout::{
    edges_through_boxes, overlapping_boxes, GraphLayout, Placed, Route,
};
use heaplens_view::callgraph::{GraphScene, CHAR_WIDTH, NODELET_FONT};
use heaplens_view::params::ViewParams;
use heaplens_view::pipeline::{Input, Inputs, Pipeline};
use heaplens_view::session::{Session, Slot, ViewRequest};

/// The scene of `bytes` (default sample type) as the worker makes it.
fn scene_of(name: &str, bytes: &[u8], node_count: u32) -> Option<GraphScene> {
    let mut s = Session::new();
    s.load(Slot::Profile, name, bytes, &mut |_, _, _| {}).ok()?;
    let req = ViewRequest {
        params: ViewParams {
            call_graph: Some(node_count),
            ..ViewParams::default()
        },
        ..ViewRequest::default()
    };
    let view = s.view(&req)?;
    view.call_graph.map(|g| (*g).clone())
}

/// The scene's geometry as the layout's own types, for its checks.
fn geometry(scene: &GraphScene) -> (GraphLayout, Vec<(usize, usize)>) {
    let nodes = scene
        .nodes
        .iter()
        .map(|n| Placed {
            x: n.x,
            y: n.y,
            w: n.w,
            // A box with the nodelets under it.
            h: n.h + n.below(),
        })
        .collect();
    let edges = scene
        .edges
        .iter()
        .map(|e| Route {
            points: e.points.clone(),
            reversed: false,
            self_loop: e.src == e.dst,
        })
        .collect();
    let pairs = scene
        .edges
        .iter()
        .map(|e| (e.src as usize, e.dst as usize))
        .collect();
    let layout = GraphLayout {
        nodes,
        edges,
        width: scene.width,
        height: scene.height,
    };
    (layout, pairs)
}

/// Whether point `p` is on the border of box `b` (within a pixel).
fn on_border(p: (f64, f64), b: &heaplens_view::callgraph::GraphNode) -> bool {
    let inside_x = p.0 >= b.x - 1.0 && p.0 <= b.x + b.w + 1.0;
    let h = b.h + b.below();
    let inside_y = p.1 >= b.y - 1.0 && p.1 <= b.y + h + 1.0;
    let near_edge = (p.0 - b.x).abs() <= 1.0
        || (p.0 - b.x - b.w).abs() <= 1.0
        || (p.1 - b.y).abs() <= 1.0
        || (p.1 - b.y - h).abs() <= 1.0;
    inside_x && inside_y && near_edge
}

fn check(name: &str, scene: &GraphScene) {
    let (layout, pairs) = geometry(scene);
    assert_eq!(overlapping_boxes(&layout), vec![], "{name}: boxes overlap");
    assert_eq!(
        edges_through_boxes(&layout, &pairs),
        vec![],
        "{name}: edges through boxes"
    );
    for n in &scene.nodes {
        let chars = n.lines.iter().map(|l| l.chars().count()).max().unwrap_or(0);
        assert!(
            n.w >= chars as f64 * CHAR_WIDTH * n.font,
            "{name}: {} does not fit its box",
            n.name
        );
        assert!(
            n.x >= -0.5 && n.y >= -0.5,
            "{name}: {} off the scene",
            n.name
        );
        assert!(n.x + n.w <= scene.width + 0.5 && n.y + n.h + n.below() <= scene.height + 0.5);
        for (k, d) in n.nodelets.iter().enumerate() {
            let ((x, y, w, h), (tx, _)) = n.nodelet_box(k);
            let text = d.text.chars().count() as f64 * CHAR_WIDTH * NODELET_FONT;
            assert!(
                tx + text <= x + w,
                "{name}: {:?} does not fit its row",
                d.text
            );
            assert!(
                y >= n.y + n.h && y + h <= n.y + n.h + n.below(),
                "{name}: {:?}",
                d.text
            );
        }
    }
    for e in &scene.edges {
        let (src, dst) = (&scene.nodes[e.src as usize], &scene.nodes[e.dst as usize]);
        let (first, last) = (e.points[0], *e.points.last().unwrap());
        assert!(
            on_border(first, src),
            "{name}: {} starts off its caller",
            e.tip
        );
        assert!(
            on_border(last, dst),
            "{name}: {} ends off its callee",
            e.tip
        );
    }
}

#[test]
fn every_corpus_graph_is_readable() {
    let mut checked = 0;
    let mut nodes = 0;
    for path in common::corpus_files() {
        let name = common::corpus_name(&path);
        let bytes = std::fs::read(&path).unwrap();
        if common::decode_corpus(&name, &bytes).is_none() {
            continue;
        }
        let Some(scene) = scene_of(&name, &bytes, 80) else {
            continue;
        };
        check(&name, &scene);
        checked += 1;
        nodes += scene.nodes.len();
    }
    assert!(checked >= 60, "only {checked} corpus graphs");
    assert!(nodes >= checked * 10, "{nodes} nodes in {checked} graphs");
}

#[test]
fn larger_graphs_stay_readable() {
    // Every node over the node fraction (no count limit), and 200.
    for name in ["dd-trace-go/big-heap.pprof", "pyroscope/distributors.pb.gz"] {
        let path = common::repo_root().join("../shared/corpus").join(name);
        let bytes = std::fs::read(&path).unwrap();
        for count in [0, 200] {
            let scene = scene_of(name, &bytes, count).unwrap();
            assert!(scene.nodes.len() > 80, "{name}: {}", scene.nodes.len());
            check(name, &scene);
        }
    }
}

/// pprof's DOT escaping undone: `\\`, `\"` and `\l` (a line break).
fn unescape(t: &str) -> String {
    let mut out = String::new();
    let mut chars = t.chars();
    while let Some(c) = chars.next() {
        match (c, c == '\\') {
            (_, true) => match chars.next() {
                Some('l') => out.push('\n'),
                Some(n) => out.push(n),
                None => out.push('\\'),
            },
            (c, false) => out.push(c),
        }
    }
    out
}

/// The DOT of `p` (default view): its nodes' tooltips, its edge count
/// (nodelets aside), and its label nodelets' values, in order.
fn dot_nodes(name: &str, p: heaplens_profile::Profile) -> (Vec<String>, usize, Vec<String>) {
    let mut inputs = Inputs::default();
    inputs.set_profile(Input::new(name, p));
    let mut pipeline = Pipeline::default();
    let prepared = pipeline.prepare(&inputs, &ViewParams::default()).unwrap();
    let dot = heaplens_view::dot::dot_of(prepared, &GraphOptions::default());
    let tooltips = dot
        .lines()
        .filter(|l| l.starts_with('N') && l.contains(" [label=") && !l.contains(" -> "))
        .filter_map(|l| l.split(" tooltip=\"").nth(1))
        .filter_map(|t| t.split("\" color=").next())
        .map(unescape)
        .collect();
    // Edges between nodes, not to the label nodelets (`N3 -> NN3_0`).
    let edges = dot
        .lines()
        .filter_map(|l| l.split(" -> ").nth(1))
        .filter(|to| to.split(' ').next().is_some_and(|t| !t.contains('_')))
        .count();
    let nodelets = dot
        .lines()
        .filter(|l| l.contains("shape=box3d"))
        .filter_map(|l| l.split(" tooltip=\"").nth(1))
        .filter_map(|t| t.split('"').next())
        .map(str::to_string)
        .collect();
    (tooltips, edges, nodelets)
}

#[test]
fn the_scene_is_the_dot_graph() {
    // The page's graph takes each function's values from the call tree;
    // `heaplens dot` finds them in the samples: the same graph.
    let (mut checked, mut with_nodelets) = (0, 0);
    for path in common::corpus_files() {
        let name = common::corpus_name(&path);
        let bytes = std::fs::read(&path).unwrap();
        let Some(p) = common::decode_corpus(&name, &bytes) else {
            continue;
        };
        let Some(scene) = scene_of(&name, &bytes, 80) else {
            continue;
        };
        let (tips, edges, nodelets) = dot_nodes(&name, p);
        let shown: Vec<&str> = scene.nodes.iter().map(|n| n.tip.as_str()).collect();
        assert_eq!(shown, tips, "{name}");
        assert_eq!(scene.edges.len(), edges, "{name}");
        // The same nodelets under each node, with the same values.
        let values: Vec<String> = (scene.nodes.iter())
            .flat_map(|n| &n.nodelets)
            .filter_map(|d| d.text.rsplit("  ").next().map(str::to_string))
            .collect();
        assert_eq!(values, nodelets, "{name}");
        with_nodelets += usize::from(!nodelets.is_empty());
        checked += 1;
    }
    assert!(checked >= 60, "only {checked}");
    assert!(
        with_nodelets >= 20,
        "only {with_nodelets} graphs with nodelets"
    );
    let bytes = common::scheduler("baseline.prof");
    let scene = scene_of("baseline.prof", &bytes, 80).unwrap();
    assert!(scene.legend.iter().any(|l| l.starts_with("Showing nodes")));
    check("baseline.prof", &scene);
}
