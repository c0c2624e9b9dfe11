//! The reducer's tests: loading, errors, stale answers, zooms and links.

use std::rc::Rc;

use heaplens_view::session::{ProfileInfo, Response, Slot, ViewData};
use yew::Reducible;

use super::*;
use heaplens_view::session::NodeId;

fn info() -> ProfileInfo {
    ProfileInfo {
        file_name: "mem.prof".into(),
        merged_from: Vec::new(),
        file_size: 10,
        inflated_size: 20,
        gzipped: true,
        kind: "Go heap".into(),
        sample_types: vec![],
        default_type: 0,
        samples: 1,
        locations: 1,
        functions: 1,
        main_binary: String::new(),
        period: String::new(),
        time: String::new(),
        duration: String::new(),
        drop_frames: String::new(),
        keep_frames: String::new(),
        comments: vec![],
        warnings: vec![],
        tree_nodes: 2,
        memstats: vec![],
        label_keys: vec![],
        label_suggestions: vec![],
    }
}

#[test]
fn loading_resets_the_view_and_bumps_the_sequence() {
    let zoomed = ViewParams {
        zoom: vec!["main.main".into()],
        ..ViewParams::default()
    };
    let s = Rc::new(AppState::default()).reduce(Action::ApplyView(Rc::new(zoomed)));
    let seq = s.seq;
    let s = s.reduce(Action::Reading {
        name: "mem.prof".into(),
    });
    assert!(s.busy.is_some());
    let s = s.reduce(Action::Worker(Box::new(Response::Loaded {
        slot: Slot::Profile,
        info: Box::new(info()),
    })));
    assert!(s.params.zoom.is_empty() && s.zoom_node.is_none());
    assert!(s.busy.is_none() && s.info.is_some());
    assert!(s.seq > seq);
}

#[test]
fn errors_keep_the_previous_profile() {
    let s = Rc::new(AppState::default());
    let s = s.reduce(Action::Worker(Box::new(Response::Loaded {
        slot: Slot::Profile,
        info: Box::new(info()),
    })));
    let s = s.reduce(Action::Worker(Box::new(Response::Error {
        slot: Some(Slot::Profile),
        name: "bad.txt".into(),
        message: "the file is empty".into(),
    })));
    assert!(s.info.is_some());
    assert_eq!(
        s.error.as_deref(),
        Some("Could not open bad.txt: the file is empty. The previous profile is still open.")
    );
}

/// A view answer with these frames and nothing else.
fn view_data(
    seq: u32,
    names: Vec<heaplens_view::session::FrameName>,
    rects: Vec<heaplens_view::session::FlameRect>,
) -> ViewData {
    let mut v = ViewData::of_frames(names, rects);
    v.seq = seq;
    v.rows_fresh = true;
    v
}

#[test]
fn stale_views_are_dropped() {
    let s = Rc::new(AppState::default());
    let s = s.reduce(Action::Search("x".into()));
    let view = view_data(s.seq.wrapping_sub(1), vec![], vec![]);
    let s2 = s
        .clone()
        .reduce(Action::Worker(Box::new(Response::View(Box::new(view)))));
    assert!(s2.view.is_none());
}

#[test]
fn a_click_zooms_at_once_and_asks_once() {
    use heaplens_view::session::{FlameRect, FrameName};
    let name = |n: &str| FrameName {
        name: n.into(),
        file: String::new(),
        package: String::new(),
    };
    let rect = |node: u32, x, w, depth, name| FlameRect {
        node: NodeId(node),
        x,
        w,
        depth,
        name,
        self_value: 0,
        total: 1,
        base_self: 0,
        base_total: 0,
        flags: 0,
    };
    let s = Rc::new(AppState::default());
    let seq = s.seq;
    let view = view_data(
        seq,
        vec![name("main"), name("a"), name("b"), name("x")],
        vec![
            rect(1, 0.0, 1.0, 0, 0),
            rect(2, 0.0, 0.5, 1, 1),
            rect(3, 0.5, 0.5, 1, 2),
            rect(4, 0.5, 0.25, 2, 3),
        ],
    );
    let s = s.reduce(Action::Worker(Box::new(Response::View(Box::new(view)))));
    let s = s.reduce(Action::ClickFrame(NodeId(3), "b".into()));
    assert_eq!(
        s.seq,
        seq.wrapping_add(1),
        "one request for zoom and selection"
    );
    assert_eq!(
        (
            s.params.zoom.as_slice(),
            s.zoom_node,
            s.params.selected.as_deref()
        ),
        (
            ["main".to_string(), "b".to_string()].as_slice(),
            Some(NodeId(3)),
            Some("b")
        )
    );
    let v = s.view.as_ref().expect("a view");
    assert_eq!(v.zoom, NodeId(3));
    let names: Vec<&str> = v.crumbs.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["main", "b"]);
    let x: Vec<(u32, f64, f64)> = v.rects.iter().map(|r| (r.node.0, r.x, r.w)).collect();
    assert_eq!(x, [(1, 0.0, 1.0), (3, 0.0, 1.0), (4, 0.0, 0.5)]);
}

#[test]
fn a_link_view_waits_for_its_profile() {
    use heaplens_view::session::SampleTypeInfo;
    let ty = |name: &str| SampleTypeInfo {
        name: name.into(),
        unit: "bytes".into(),
        total: 1,
        total_label: "1B".into(),
    };
    let mut with_types = info();
    with_types.sample_types = vec![ty("alloc_space"), ty("inuse_space")];
    let view = ViewParams {
        sample_type: Some("inuse_space".into()),
        orientation: Orientation::Flame,
        zoom: vec!["main.main".into(), "main.work".into()],
        search: "json".into(),
        table: heaplens_view::params::TableParams {
            sort: SortColumn::Cum,
            descending: false,
            filter: "enc".into(),
        },
        ..ViewParams::default()
    };
    // A link whose profile cannot be read leaves no view behind.
    let s = Rc::new(AppState::default()).reduce(Action::OpenLink(Rc::new(view.clone())));
    let failed = s.clone().reduce(Action::ReadFailed {
        message: "404".into(),
    });
    assert!(failed.pending.is_none());
    // Its profile arrives: the view is taken on.
    let s = s.reduce(Action::Worker(Box::new(Response::Loaded {
        slot: Slot::Profile,
        info: Box::new(with_types),
    })));
    assert!(s.pending.is_none());
    assert_eq!(s.params.sample_type.as_deref(), Some("inuse_space"));
    assert_eq!(s.params.zoom, view.zoom);
    assert!(!s.zoom_found(), "the zoom is still to be found by names");
    assert_eq!(s.params.search, "json");
    assert_eq!(s.params.orientation, Orientation::Flame);
    assert_eq!(s.params.table.filter, "enc");
    assert_eq!(
        (s.params.table.sort, s.params.table.descending),
        (SortColumn::Cum, false)
    );
    assert_eq!(s.params, view);
    // The worker finds the zoom by names: from then on it is a node,
    // without another request.
    let seq = s.seq;
    let mut answer = view_data(seq, vec![], vec![]);
    answer.zoom = NodeId(42);
    answer.crumbs = vec![
        heaplens_view::session::Crumb {
            node: NodeId(7),
            name: "main.main".into(),
        },
        heaplens_view::session::Crumb {
            node: NodeId(42),
            name: "main.work".into(),
        },
    ];
    let s = s.reduce(Action::Worker(Box::new(Response::View(Box::new(answer)))));
    assert_eq!(
        (s.params.zoom.clone(), s.zoom_node, s.seq),
        (view.zoom.clone(), Some(NodeId(42)), seq)
    );
    assert!(s.zoom_found());
}

#[test]
fn source_files_are_kept_by_name_and_replaced_by_a_newer_one() {
    let s = Rc::new(AppState::default()).reduce(Action::AddSources(vec![
        ("api.go".into(), "package a".into()),
        ("dir/baseline.go".into(), "old".into()),
    ]));
    let s = s.reduce(Action::AddSources(vec![(
        "baseline.go".into(),
        "new".into(),
    )]));
    assert_eq!(s.code.len(), 2);
    assert_eq!(s.code.get("baseline.go").map(String::as_str), Some("new"));
    assert_eq!(s.code.get("api.go").map(String::as_str), Some("package a"));
    // Sources are not view parameters: no new request.
    assert_eq!(s.seq, 0);
}
