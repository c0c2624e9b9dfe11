//! The viewer session the web worker runs, natively: loading, the view for
//! each sample type equal to the top table, search, zoom, callers/callees,
//! rows sent only when they change, and a failed load keeping the profile.

// Test helpers: a failure stops the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use heaplens_analysis::{top, CallTree, Granularity, TopOptions};
use heaplens_profile::decode;
use heaplens_view::params::{DiffParams, TableParams, ViewParams};
use heaplens_view::session::{ExportKind, Session, Slot, ViewRequest, ANCESTOR, MATCHED, SELECTED};
use heaplens_view::table::{Column, PAGE};

fn demo() -> (Vec<u8>, heaplens_profile::Profile) {
    let bytes = std::fs::read(common::repo_root().join("tests/testdata/scheduler/optimized.prof"))
        .expect("demo profile");
    let p = decode(&bytes).expect("decodes");
    (bytes, p)
}

/// The view's rows as (name, flat, cum).
fn view_values(rows: &[heaplens_view::table::Row]) -> Vec<(&str, i64, i64)> {
    rows.iter()
        .map(|r| (r.name.as_str(), r.flat, r.cum))
        .collect()
}

/// A top table's rows as (name, flat, cum).
fn top_values(rows: &[heaplens_analysis::TopRow]) -> Vec<(&str, i64, i64)> {
    rows.iter()
        .map(|r| (r.name.as_str(), r.flat, r.cum))
        .collect()
}

/// The scheduler's baseline and optimized profiles, as bytes.
fn scheduler_pair() -> (Vec<u8>, Vec<u8>) {
    let root = common::repo_root().join("tests/testdata/scheduler");
    (
        std::fs::read(root.join("baseline.prof")).expect("baseline"),
        std::fs::read(root.join("optimized.prof")).expect("optimized"),
    )
}

/// A session with `new` as the profile and `base` as the base.
fn pair_session(base: &[u8], new: &[u8]) -> Session {
    let mut s = Session::new();
    s.load(Slot::Profile, "optimized.prof", new, &mut |_, _, _| {})
        .expect("loads");
    s.load(Slot::Base, "baseline.prof", base, &mut |_, _, _| {})
        .expect("loads");
    s
}

#[test]
fn views_match_the_top_table_for_every_sample_type() {
    let (bytes, p) = demo();
    let mut s = Session::new();
    let mut stages = Vec::new();
    let info = s
        .load(Slot::Profile, "optimized.prof", &bytes, &mut |st, _, _| {
            stages.push(st.to_string())
        })
        .expect("loads");
    assert_eq!(info.sample_types.len(), 4);
    assert_eq!(info.sample_types[info.default_type].name, "alloc_space");
    assert!(stages.iter().any(|s| s == "samples") && stages.iter().any(|s| s == "tree"));
    let tree = CallTree::build(&p, Granularity::Functions);
    for ty in 0..4 {
        let v = s
            .view(&ViewRequest {
                params: ViewParams {
                    sample_type: Some(ty.to_string()),
                    ..ViewParams::default()
                },
                rows: u32::MAX,
                ..ViewRequest::default()
            })
            .expect("view");
        assert_eq!(v.sample_type, ty);
        assert!(v.rows_fresh);
        let want = top(&p, &tree, &TopOptions::new(ty));
        let got = view_values(&v.rows);
        let want = top_values(&want.rows);
        assert_eq!(got, want, "type {ty}");
        assert_eq!(v.total, p.total(ty));
        // Rectangles fit in the unit width and their totals are the node totals.
        assert!(v
            .rects
            .iter()
            .all(|r| r.x >= 0.0 && r.x + r.w <= 1.0 + 1e-9));
        // The same request again: the rows did not change, so none are sent.
        let again = s
            .view(&ViewRequest {
                params: ViewParams {
                    sample_type: Some(ty.to_string()),
                    ..ViewParams::default()
                },
                rows: u32::MAX,
                ..ViewRequest::default()
            })
            .expect("view");
        assert!(!again.rows_fresh && again.rows.is_empty());
    }
}

#[test]
fn the_table_is_sorted_filtered_and_paged_by_the_session() {
    let (bytes, p) = demo();
    let mut s = Session::new();
    s.load(Slot::Profile, "optimized.prof", &bytes, &mut |_, _, _| {})
        .expect("loads");
    let ty = p.default_sample_type();
    let want = top(
        &p,
        &CallTree::build(&p, Granularity::Functions),
        &TopOptions::new(ty),
    );
    assert!(
        want.rows.len() > PAGE as usize,
        "the demo has more rows than a page"
    );
    let ask = |s: &mut Session, (table, rows): (TableParams, u32)| {
        s.view(&ViewRequest {
            params: ViewParams {
                table,
                ..ViewParams::default()
            },
            rows,
            ..ViewRequest::default()
        })
        .expect("view")
    };
    // The first page, in pprof's order, with the counts.
    let v = ask(&mut s, (TableParams::default(), PAGE));
    assert_eq!(v.rows.len(), PAGE as usize);
    assert_eq!(
        (v.rows_matching, v.rows_total),
        (want.rows.len() as u32, want.rows.len() as u32)
    );
    assert!(v
        .rows
        .iter()
        .zip(&want.rows)
        .all(|(a, b)| a.name == b.name && a.flat == b.flat));
    // More rows: the same first ones and then the next.
    let more = ask(&mut s, (TableParams::default(), PAGE * 2));
    assert!(more.rows_fresh);
    assert_eq!(more.rows.len(), (PAGE as usize * 2).min(want.rows.len()));
    assert_eq!(more.rows[..PAGE as usize], v.rows[..]);
    // By cum, filtered: only matching rows, largest |cum| first.
    let q = (
        TableParams {
            sort: Column::Cum,
            descending: true,
            filter: "JSON".into(),
        },
        PAGE,
    );
    let f = ask(&mut s, q.clone());
    let matching = want
        .rows
        .iter()
        .filter(|r| r.name.to_lowercase().contains("json"))
        .count();
    assert!(matching > 0);
    assert_eq!(f.rows_matching as usize, matching);
    assert!(f
        .rows
        .iter()
        .all(|r| r.name.to_lowercase().contains("json")));
    assert!(f.rows.windows(2).all(|w| w[0].cum.abs() >= w[1].cum.abs()));
    // The same query again sends nothing; the export holds every row.
    assert!(!ask(&mut s, q.clone()).rows_fresh);
    let req = ViewRequest {
        params: ViewParams {
            table: q.0,
            ..ViewParams::default()
        },
        rows: q.1,
        ..ViewRequest::default()
    };
    let (name, _, tsv) = s
        .export(ExportKind::Table { csv: false }, &req)
        .expect("export");
    assert!(name.ends_with(".top.tsv"), "{name}");
    let tsv = String::from_utf8(tsv).expect("utf-8");
    assert_eq!(tsv.lines().count(), want.rows.len() + 1);
    let first = want.rows.first().expect("a row");
    assert_eq!(
        tsv.lines().nth(1),
        Some(format!("{}\t{}\t{}", first.name, first.flat, first.cum).as_str())
    );
}

#[test]
fn the_selected_function_comes_with_its_lines() {
    let (bytes, p) = demo();
    let mut s = Session::new();
    s.load(Slot::Profile, "optimized.prof", &bytes, &mut |_, _, _| {})
        .expect("loads");
    let ty = p.default_sample_type();
    let name = "encoding/json.mapEncoder.encode";
    let v = s
        .view(&ViewRequest {
            params: ViewParams {
                selected: Some(name.into()),
                ..ViewParams::default()
            },
            ..ViewRequest::default()
        })
        .expect("view");
    let peek = v.peek.expect("a selection has a peek");
    let want = heaplens_analysis::list::lines_where(&p, ty, |n| n == name);
    assert!(!want.is_empty() && want.iter().all(|f| !f.lines.is_empty()));
    assert_eq!(peek.lines, want);
    // The lines share out the function's flat.
    assert_eq!(peek.lines.iter().map(|f| f.flat).sum::<i64>(), peek.flat);
}

#[test]
fn a_label_filter_keeps_the_matching_samples_and_the_whole_total() {
    let bytes = std::fs::read(common::repo_root().join("tests/testdata/scheduler/baseline.prof"))
        .expect("baseline");
    let p = decode(&bytes).expect("decodes");
    let mut s = Session::new();
    s.load(Slot::Profile, "baseline.prof", &bytes, &mut |_, _, _| {})
        .expect("loads");
    let ask = |s: &mut Session, tagfocus: &str| {
        s.view(&ViewRequest {
            params: ViewParams {
                tagfocus: tagfocus.into(),
                ..ViewParams::default()
            }, // Wide enough that no frame is culled.
            width_px: 100_000_000,
            rows: u32::MAX,
            ..ViewRequest::default()
        })
        .expect("view")
    };
    let ty = p.default_sample_type();
    let mut focused = p.clone();
    let f = heaplens_profile::tags::TagFocus::parse("bytes=1kb:").expect("parses");
    let kept = heaplens_profile::tags::apply(&mut focused, &f);
    let want = top(
        &focused,
        &CallTree::build(&focused, Granularity::Functions),
        &TopOptions::new(ty),
    );
    let v = ask(&mut s, "bytes=1kb:");
    assert_eq!(v.focus, Some((kept, p.num_samples())));
    assert!(kept > 0 && kept < p.num_samples());
    assert_eq!(
        v.total,
        p.total(ty),
        "percentages stay of the whole profile"
    );
    let got = view_values(&v.rows);
    let want = top_values(&want.rows);
    assert_eq!(got, want);
    // The flame graph is the filtered one: its top row adds up to the kept value.
    let top_row: i64 = v
        .rects
        .iter()
        .filter(|r| r.depth == 0)
        .map(|r| r.total)
        .sum();
    assert_eq!(top_row, focused.total(ty));
    // No filter: the whole profile again; a bad one is explained.
    let all = ask(&mut s, "");
    assert!(all.rows_fresh && all.focus.is_none());
    assert_eq!(
        all.rows_total as usize,
        top(
            &p,
            &CallTree::build(&p, Granularity::Functions),
            &TopOptions::new(ty)
        )
        .rows
        .len()
    );
    let bad = ask(&mut s, "thread=(");
    assert!(bad
        .focus_error
        .as_deref()
        .is_some_and(|e| e.contains("label filter")));
}

#[test]
fn search_zoom_and_peek() {
    let (bytes, _) = demo();
    let mut s = Session::new();
    s.load(Slot::Profile, "optimized.prof", &bytes, &mut |_, _, _| {})
        .expect("loads");
    let v = s
        .view(&ViewRequest {
            params: ViewParams {
                search: "json".into(),
                ..ViewParams::default()
            },
            ..ViewRequest::default()
        })
        .expect("view");
    let (matched, n) = v.matched.expect("matched");
    assert!(matched > 0 && matched <= v.total && n > 5);
    assert!(v.rects.iter().any(|r| r.flags & MATCHED != 0));
    assert!(v.rects.iter().all(|r| (r.flags & MATCHED != 0)
        == v.names[r.name as usize]
            .name
            .to_lowercase()
            .contains("json")));
    let bad = s
        .view(&ViewRequest {
            params: ViewParams {
                search: "/(/".into(),
                ..ViewParams::default()
            },
            ..ViewRequest::default()
        })
        .expect("view");
    assert!(bad.search_error.is_some() && bad.matched.is_none());

    // Zoom on a frame three rows down: it fills the width, its ancestors stay above.
    let target = v
        .rects
        .iter()
        .find(|r| r.depth == 3 && r.w > 0.1)
        .expect("a wide frame on row 3");
    let z = s
        .view(&ViewRequest {
            params: ViewParams {
                zoom: v.path_to(target.node).expect("a frame of the view"),
                ..ViewParams::default()
            },
            ..ViewRequest::default()
        })
        .expect("view");
    assert_eq!(z.crumbs.len(), 4);
    assert_eq!(z.crumbs.last().map(|c| c.node), Some(target.node));
    let zr = z
        .rects
        .iter()
        .find(|r| r.node == target.node)
        .expect("zoomed frame");
    assert_eq!((zr.x, zr.w, zr.depth), (0.0, 1.0, 3));
    assert_eq!(
        z.rects.iter().filter(|r| r.flags & ANCESTOR != 0).count(),
        3
    );

    // Select a function: its frames are flagged and peek adds up.
    let name = v.names[target.name as usize].name.clone();
    let p = s
        .view(&ViewRequest {
            params: ViewParams {
                selected: Some(name.clone()),
                ..ViewParams::default()
            },
            ..ViewRequest::default()
        })
        .expect("view");
    assert!(p.rects.iter().any(|r| r.flags & SELECTED != 0));
    let peek = p.peek.expect("peek");
    assert_eq!(peek.name, name);
    let callers: i64 = peek.callers.iter().map(|c| c.1).sum();
    assert_eq!(callers, peek.cum, "callers account for the whole cum");
    let callees: i64 = peek.callees.iter().map(|c| c.1).sum();
    assert_eq!(
        callees + peek.flat,
        peek.cum,
        "callees plus flat make the cum (no recursion here)"
    );
}

#[test]
fn lines_granularity_and_failed_loads() {
    let (bytes, p) = demo();
    let mut s = Session::new();
    s.load(Slot::Profile, "optimized.prof", &bytes, &mut |_, _, _| {})
        .expect("loads");
    let v = s
        .view(&ViewRequest {
            params: ViewParams {
                granularity: Granularity::Lines,
                ..ViewParams::default()
            },
            ..ViewRequest::default()
        })
        .expect("view");
    let tree = CallTree::build(&p, Granularity::Lines);
    let want = top(&p, &tree, &TopOptions::new(p.default_sample_type()));
    assert_eq!(v.rows_total as usize, want.rows.len());
    assert!(v
        .rows
        .iter()
        .all(|r| r.name.starts_with(&r.function) && r.name.contains(":")));
    // Addresses: pprof's -addresses rows, each naming its function.
    let v = s
        .view(&ViewRequest {
            params: ViewParams {
                granularity: Granularity::Addresses,
                ..ViewParams::default()
            },
            ..ViewRequest::default()
        })
        .expect("view");
    let tree = CallTree::build(&p, Granularity::Addresses);
    let want = top(&p, &tree, &TopOptions::new(p.default_sample_type()));
    assert!(v.rows_fresh && v.rows_total as usize == want.rows.len());
    assert!(v.rows.iter().all(|r| {
        let (addr, rest) = r.name.split_once(' ').unwrap_or_default();
        addr.len() == 16 && rest.starts_with(&r.function)
    }));

    let err = s
        .load(
            Slot::Profile,
            "notes.txt",
            b"not a profile at all\n",
            &mut |_, _, _| {},
        )
        .unwrap_err();
    assert!(err.contains("not a pprof profile"), "{err}");
    // The previous profile is still there.
    let again = s.view(&ViewRequest::default()).expect("view");
    assert!(!again.rects.is_empty());
}

#[test]
fn diff_view_is_net_with_base_values_beside() {
    let (base_bytes, new_bytes) = scheduler_pair();
    let (base, new) = (
        decode(&base_bytes).expect("base"),
        decode(&new_bytes).expect("new"),
    );
    let mut s = pair_session(&base_bytes, &new_bytes);
    let ty = 0; // alloc_objects
    let v = s
        .view(&ViewRequest {
            params: ViewParams {
                sample_type: Some(ty.to_string()),
                ..ViewParams::default()
            },
            ..ViewRequest::default()
        })
        .expect("view");
    let d = v.diff.as_ref().expect("a diff");
    assert_eq!(d.impact[ty].base, base.signed_total(ty));
    assert_eq!(d.impact[ty].new, new.signed_total(ty));
    assert!(d.grew.iter().all(|g| g.1 > 0) && d.shrank.iter().all(|g| g.1 < 0));
    // Rows are pprof's -diff_base rows: net values, base total for percentages.
    let combined =
        heaplens_profile::diff::combine(&new, &base, Default::default()).expect("combine");
    let tree = CallTree::build(&combined, Granularity::Functions);
    let want = top(&combined, &tree, &TopOptions::new(ty));
    let got = view_values(&v.rows);
    let want_rows = top_values(&want.rows);
    assert_eq!(got, want_rows);
    assert_eq!(v.total, combined.total(ty));
    // Base values beside: base + net = the new profile's own numbers.
    let new_tree = CallTree::build(&new, Granularity::Functions);
    let new_top = top(&new, &new_tree, &TopOptions::new(ty));
    for r in &v.rows {
        let own = new_top
            .rows
            .iter()
            .find(|n| n.name == r.name)
            .map_or((0, 0), |n| (n.flat, n.cum));
        assert_eq!(
            (r.base_flat + r.flat, r.base_cum + r.cum),
            own,
            "{}",
            r.name
        );
    }
    // Frames: widths from the new profile, base totals beside.
    let main_rect = v.rects.iter().find(|r| r.depth == 0).expect("a root frame");
    assert!(main_rect.base_total > 0 && main_rect.total > 0);
    // Without the diff, the plain profile again.
    let plain = s
        .view(&ViewRequest {
            params: ViewParams {
                sample_type: Some(ty.to_string()),
                diff: DiffParams {
                    show: false,
                    ..DiffParams::default()
                },
                ..ViewParams::default()
            },
            ..ViewRequest::default()
        })
        .expect("view");
    assert!(plain.diff.is_none() && plain.rows_fresh);
    assert_eq!(plain.total, new.total(ty));
}

#[test]
fn swap_and_frame_width_modes() {
    let (base_bytes, new_bytes) = scheduler_pair();
    let mut s = pair_session(&base_bytes, &new_bytes);
    use heaplens_view::params::WidthBy;
    let by = |s: &mut Session, w: WidthBy| {
        let v = s
            .view(&ViewRequest {
                params: ViewParams {
                    sample_type: Some(0.to_string()),
                    diff: DiffParams {
                        width_by: w,
                        ..DiffParams::default()
                    },
                    ..ViewParams::default()
                },
                ..ViewRequest::default()
            })
            .expect("view");
        // The widest root frame's width relative to its total.
        v.rects
            .iter()
            .filter(|r| r.depth == 0)
            .map(|r| (r.w, r.total, r.base_total))
            .fold((0.0, 0, 0), |a, b| if b.0 > a.0 { b } else { a })
    };
    let (_, new_total, base_total) = by(&mut s, WidthBy::New);
    assert!(
        base_total > new_total,
        "the optimized profile allocates less"
    );
    // By base or max, frames gone from the new profile still take room: more rectangles.
    let count = |s: &mut Session, w: WidthBy| {
        s.view(&ViewRequest {
            params: ViewParams {
                sample_type: Some(0.to_string()),
                diff: DiffParams {
                    width_by: w,
                    ..DiffParams::default()
                },
                ..ViewParams::default()
            },
            ..ViewRequest::default()
        })
        .expect("view")
        .rects
        .len()
    };
    assert!(count(&mut s, WidthBy::Max) >= count(&mut s, WidthBy::New));
    assert!(count(&mut s, WidthBy::Base) > 0);
    // Swap: the base becomes the profile, the diff flips sign.
    let (p, b) = s.swap().expect("swap");
    assert_eq!(
        (p.file_name.as_str(), b.file_name.as_str()),
        ("baseline.prof", "optimized.prof")
    );
    let v = s
        .view(&ViewRequest {
            params: ViewParams {
                sample_type: Some(0.to_string()),
                ..ViewParams::default()
            },
            ..ViewRequest::default()
        })
        .expect("view");
    let d = v.diff.expect("diff");
    assert!(d.impact[0].new > d.impact[0].base);
}

#[test]
fn hot_allocation_sites() {
    let (base_bytes, new_bytes) = scheduler_pair();
    let new = decode(&new_bytes).expect("new");
    let mut s = pair_session(&base_bytes, &new_bytes);
    let v = s.view(&ViewRequest::default()).expect("view");
    let d = v.diff.expect("diff");
    assert_eq!(d.hot_type, "alloc_objects");
    assert!(!d.hot.is_empty());
    assert!(d.hot.iter().all(|(_, b, n)| *b >= 5.0 || *n >= 5.0));
    // The new share of a hot site is its flat alloc_objects over the new total.
    let tree = CallTree::build(&new, Granularity::Functions);
    let t = top(&new, &tree, &TopOptions::new(0));
    for (name, _, n) in &d.hot {
        let flat = t
            .rows
            .iter()
            .find(|r| &r.name == name)
            .map_or(0, |r| r.flat);
        assert!(
            (flat as f64 * 100.0 / new.signed_total(0) as f64 - n).abs() < 1e-9,
            "{name}"
        );
    }
}

/// A zoom the page paints at once from the view it has agrees with the
/// worker's layout of that zoom: the same frames where both have one, and
/// only frames too narrow to be laid out before missing.
#[test]
fn local_zoom_agrees_with_the_worker() {
    for diff in [false, true] {
        let (base, new) = scheduler_pair();
        let mut s = pair_session(&base, &new);
        let req = ViewRequest {
            params: ViewParams {
                diff: DiffParams {
                    show: diff,
                    ..DiffParams::default()
                },
                ..ViewParams::default()
            },
            width_px: 1200,
            ..ViewRequest::default()
        };
        let v = s.view(&req).expect("view");
        let min_w = 0.5 / 1200.0;
        let mut checked = 0;
        for target in v.rects.iter().filter(|r| r.depth >= 1 && r.w > 0.05) {
            let local = v.zoomed_locally(target.node).expect("a frame of the view");
            let exact = s
                .view(&ViewRequest {
                    params: ViewParams {
                        zoom: v.path_to(target.node).expect("a frame of the view"),
                        ..req.params.clone()
                    },
                    zoom_node: Some(target.node),
                    ..req.clone()
                })
                .expect("zoomed view");
            assert_eq!(local.zoom, exact.zoom);
            assert_eq!(local.crumbs, exact.crumbs, "diff {diff}");
            for r in &local.rects {
                let e = exact
                    .rects
                    .iter()
                    .find(|e| e.node == r.node)
                    .unwrap_or_else(|| panic!("node {:?} not in the worker's zoom", r.node));
                assert_eq!(
                    (e.depth, e.total, e.flags & ANCESTOR),
                    (r.depth, r.total, r.flags & ANCESTOR)
                );
                assert!(
                    (e.x - r.x).abs() < 1e-9 && (e.w - r.w).abs() < 1e-9,
                    "{e:?} vs {r:?}"
                );
            }
            // Whatever the worker lays out that was wide enough before is there.
            for e in &exact.rects {
                if e.w * target.w >= min_w * 1.001 {
                    assert!(
                        local.rects.iter().any(|r| r.node == e.node),
                        "{e:?} missing"
                    );
                }
            }
            // The zoom by names (a share link's) reaches the same frame.
            let by_names = s
                .view(&ViewRequest {
                    params: ViewParams {
                        zoom: exact.crumbs.iter().map(|c| c.name.clone()).collect(),
                        ..req.params.clone()
                    },
                    ..req.clone()
                })
                .expect("zoomed by names");
            assert_eq!(by_names.zoom, target.node);
            // Back out to an ancestor: not predictable from the zoomed view.
            if let Some(up) = exact.crumbs.first().filter(|c| c.node != target.node) {
                assert!(exact.zoomed_locally(up.node).is_none());
            }
            checked += 1;
        }
        assert!(checked >= 3, "diff {diff}: only {checked} frames tried");
        // Not a frame of the view: nothing to predict.
        assert!(v
            .zoomed_locally(heaplens_view::session::NodeId(u32::MAX))
            .is_none());
    }
}

/// A share link's profiles open with the numbers of the originals; a budget
/// trims them until they fit, keeping every total; exports are real files.
#[test]
fn share_and_export() {
    use heaplens_view::session::ExportKind;
    use heaplens_view::share::unbase64url;
    let (base, new) = scheduler_pair();
    let mut s = pair_session(&base, &new);
    let full = s.share(Some(1), None).expect("share");
    assert_eq!(full.trim_type, "alloc_space");
    assert_eq!(full.profile.name, "optimized.prof");
    assert!(full.profile.trimmed.is_none());
    let shared = unbase64url(&full.profile.data).expect("base64url");
    let (p, q) = (
        decode(&new).expect("decodes"),
        decode(&shared).expect("decodes"),
    );
    for ty in 0..p.num_types() {
        let (tp, tq) = (
            CallTree::build(&p, Granularity::Functions),
            CallTree::build(&q, Granularity::Functions),
        );
        let rows = |p, t| {
            top(p, t, &TopOptions::new(ty))
                .rows
                .into_iter()
                .map(|r| (r.name, r.flat, r.cum))
                .collect::<Vec<_>>()
        };
        assert_eq!(rows(&p, &tp), rows(&q, &tq), "type {ty}");
    }
    let base_len = full.base.as_ref().expect("base shared").data.len();
    // A budget of a third: trimmed, fitting, totals kept.
    let budget = (full.profile.data.len() + base_len) / 3;
    let small = s.share(Some(1), Some(budget)).expect("trimmed share");
    let b = small.base.as_ref().expect("base");
    assert!(small.profile.data.len() + b.data.len() <= budget);
    assert!(small.profile.trimmed.is_some() && b.trimmed.is_some());
    let t = decode(&unbase64url(&small.profile.data).expect("b64")).expect("decodes");
    for ty in 0..p.num_types() {
        assert_eq!(t.total(ty), p.total(ty));
    }
    assert!(s.share(None, Some(10)).is_err());

    // Exports of the diff view.
    let req = ViewRequest {
        params: ViewParams {
            sample_type: Some(1.to_string()),
            diff: DiffParams {
                show: true,
                ..DiffParams::default()
            },
            ..ViewParams::default()
        },
        ..ViewRequest::default()
    };
    let (name, _, report) = s.export(ExportKind::Report, &req).expect("report");
    assert_eq!(name, "optimized.alloc_space.diff.txt");
    let report = String::from_utf8(report).expect("text");
    assert!(
        report.contains("flat  flat%   sum%        cum   cum%"),
        "{report}"
    );
    let (_, _, folded) = s.export(ExportKind::Folded, &req).expect("folded");
    assert!(String::from_utf8(folded).expect("text").lines().count() > 10);
    let (name, _, pb) = s.export(ExportKind::Profile, &req).expect("profile");
    assert_eq!(name, "optimized.pb.gz");
    assert_eq!(decode(&pb).expect("decodes").num_samples(), p.num_samples());
}

/// A stack 100 000 frames deep: the view lays out at most `MAX_ROWS` rows
/// and says there is more; zoomed deep down, it shows the nearest
/// ancestors above the zoomed frame and what is below it.
#[test]
fn deep_stacks_are_laid_out_a_window_at_a_time() {
    use heaplens_analysis::layout::{MAX_ANCESTORS, MAX_ROWS};
    use prost::Message;
    const DEPTH: usize = 100_000;
    let bytes = common::deep_chain(DEPTH).encode_to_vec();
    let mut s = Session::new();
    s.load(Slot::Profile, "deep.pb", &bytes, &mut |_, _, _| {})
        .expect("loads");
    let v = s.view(&ViewRequest::default()).expect("view");
    assert_eq!(v.depth, MAX_ROWS);
    assert_eq!(v.rects.len(), MAX_ROWS as usize);
    assert!(v.deeper);
    // Zoom on the deepest frame drawn: its nearest ancestors above it, and
    // the next rows below.
    let bottom = v.rects.iter().max_by_key(|r| r.depth).expect("frames");
    let z = s
        .view(&ViewRequest {
            params: ViewParams {
                zoom: v.path_to(bottom.node).expect("a frame of the view"),
                ..ViewParams::default()
            },
            ..ViewRequest::default()
        })
        .expect("zoomed");
    let ancestors = z.rects.iter().filter(|r| r.flags & ANCESTOR != 0).count();
    assert_eq!(ancestors, MAX_ANCESTORS);
    assert_eq!(
        z.crumbs.len(),
        MAX_ROWS as usize,
        "the breadcrumb has the whole path"
    );
    let names_of = |v: &heaplens_view::session::ViewData| {
        v.rects
            .iter()
            .map(|r| v.names[r.name as usize].name.clone())
            .collect::<Vec<_>>()
    };
    let zn = names_of(&z);
    // Row d of the whole graph is f{DEPTH - 1 - d} (the root is the last).
    let rows = MAX_ROWS as usize;
    assert_eq!(zn[MAX_ANCESTORS], format!("f{}", DEPTH - rows));
    let deepest = DEPTH - rows - (rows - MAX_ANCESTORS - 1);
    assert_eq!(zn.last(), Some(&format!("f{deepest}")));
    assert!(z.deeper);
}
