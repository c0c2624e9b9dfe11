//! The sandwich: a function's callers graph comes with its callees graph
//! (and the other way round) as the answer's other half, which is exactly
//! the view of that graph alone, zoomed as `sandwich_zoom` says, with the
//! same values on hover; other graphs have no other half.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use heaplens_analysis::GraphView;
use heaplens_view::session::{Session, Slot, ViewData, ViewRequest};

/// The flame graph's part of a view: frames by name, place and values,
/// rows, breadcrumbs.
fn frames(v: &ViewData) -> Vec<(String, String, u32, i64, i64)> {
    let mut out: Vec<_> = v
        .rects
        .iter()
        .map(|r| {
            (
                v.names[r.name as usize].name.clone(),
                format!("{:.9} {:.9}", r.x, r.w),
                r.depth,
                r.self_value,
                r.total,
            )
        })
        .collect();
    out.sort();
    out
}

fn crumbs(v: &ViewData) -> Vec<String> {
    v.crumbs.iter().map(|c| c.name.clone()).collect()
}

#[test]
fn the_other_half_is_the_other_graph_alone() {
    let mut s = Session::new();
    // The optimized profile does not log: the baseline is the profile.
    for (slot, name) in [
        (Slot::Profile, "baseline.prof"),
        (Slot::Base, "optimized.prof"),
    ] {
        let bytes = common::scheduler(name);
        s.load(slot, name, &bytes, &mut |_, _, _| {})
            .expect("loads");
    }
    let f = "heaplens/testgen/scheduler.(*Scheduler).logEvent";
    let mut checked = 0;
    // The profile alone, then its diff with the base.
    for diff in [false, true] {
        let mut req = ViewRequest::default();
        req.params.diff.show = diff;
        req.params.graph = GraphView::TopDown;
        assert!(s.view(&req).unwrap().other_half.is_none());
        req.params.graph = GraphView::BottomUp;
        assert!(s.view(&req).unwrap().other_half.is_none());
        for (graph, other) in [
            (GraphView::Callers(f.into()), GraphView::Callees(f.into())),
            (GraphView::Callees(f.into()), GraphView::Callers(f.into())),
        ] {
            for half_zoom in [vec![], vec![f.to_string(), "fmt.Sprintf".to_string()]] {
                let mut req = req.clone();
                req.params.graph = graph.clone();
                req.params.sandwich_zoom = half_zoom.clone();
                let v = s.view(&req).unwrap();
                let half = v.other_half.as_ref().expect("a sandwich has two halves");
                // Every sample type's values of the other half's frames
                // (hovered), by frame.
                let half_params = req.params.other_half_params().unwrap();
                let hovered: Vec<_> = half
                    .rects
                    .iter()
                    .map(|r| {
                        let values = s.frame_values(&half_params, r.node, true).expect("values");
                        assert_eq!(values.len(), 4);
                        (
                            (half.names[r.name as usize].name.clone(), r.depth, r.x),
                            values,
                        )
                    })
                    .collect();
                let mut alone = req.clone();
                alone.params.graph = other.clone();
                alone.params.zoom = half_zoom.clone();
                let a = s.view(&alone).unwrap();
                assert!(a.other_half.is_some());
                // The function is the other half's first row.
                let first = half.rects.iter().find(|r| r.depth == 0).expect("frames");
                assert_eq!(half.names[first.name as usize].name, f);
                assert!(half.rects.len() > 2, "{graph:?} zoom {half_zoom:?}");
                assert_eq!(frames(half), frames(&a), "{graph:?} zoom {half_zoom:?}");
                assert_eq!(crumbs(half), crumbs(&a));
                assert_eq!((half.depth, half.culled), (a.depth, a.culled));
                // They are that graph's own, drawn alone.
                for ((name, depth, x), values) in &hovered {
                    let r = (a.rects.iter())
                        .find(|r| {
                            a.names[r.name as usize].name == *name && r.depth == *depth && r.x == *x
                        })
                        .expect("the same frame");
                    let main = s.frame_values(&alone.params, r.node, false);
                    assert_eq!(main.as_ref(), Some(values), "{name} in {other:?}");
                }
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 8);
}
