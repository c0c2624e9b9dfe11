//! Bytes per object in the top table: for every function row of the
//! scheduler's profile, its cum space over its cum objects, with both cums
//! taken from `go tool pprof -top`'s goldens (alloc_space, alloc_objects).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::collections::BTreeMap;

use heaplens_analysis::{CallTree, Granularity};
use heaplens_view::session::rows::{all_rows, entry_row, object_pair};

/// name → cum of a pprof function golden of the baseline.
fn cums(file: &str) -> BTreeMap<String, i64> {
    cums_of("baseline", file)
}

/// name → cum of a pprof function golden of `variant`.
fn cums_of(variant: &str, file: &str) -> BTreeMap<String, i64> {
    let path = common::repo_root()
        .join(format!(
            "tests/golden/pprof/testdata/scheduler/{variant}.prof"
        ))
        .join(file);
    let text = std::fs::read_to_string(path).unwrap();
    common::parse_rows(&text)
        .into_iter()
        .map(|r| (r.name, r.cum))
        .collect()
}

#[test]
fn bytes_per_object_is_pprofs_cum_space_over_cum_objects() {
    let p = heaplens_profile::decode(&common::scheduler("baseline.prof")).unwrap();
    let tree = CallTree::build(&p, Granularity::Functions);
    let space = cums("functions.1.alloc_space.txt");
    let objects = cums("functions.0.alloc_objects.txt");
    for ty in [0, 1] {
        assert_eq!(object_pair(&p, ty), Some((1, 0)));
        let rows = all_rows(&p, &tree, ty, None, false);
        let mut checked = 0;
        for e in &rows {
            let row = entry_row(&p, &tree, e);
            let (s, o) = (space[&row.name], objects[&row.name]);
            let want = (o > 0).then(|| (s as f64 / o as f64).round() as u64);
            assert_eq!(row.per_object, want, "{}", row.name);
            checked += usize::from(want.is_some());
        }
        assert!(checked > 100, "{checked}");
    }
    // inuse_space pairs with inuse_objects; a profile without pairs has none.
    assert_eq!(object_pair(&p, 3), Some((3, 2)));
    let folded = heaplens_profile::decode(b"main;alloc 10\n").unwrap();
    assert_eq!(object_pair(&folded, 0), None);
    let rows = all_rows(
        &folded,
        &CallTree::build(&folded, Granularity::Functions),
        0,
        None,
        false,
    );
    assert!(rows.iter().all(|e| e.per_object.is_none()));
}

#[test]
fn a_diff_has_each_profiles_bytes_per_object() {
    let base = heaplens_profile::decode(&common::scheduler("baseline.prof")).unwrap();
    let new = heaplens_profile::decode(&common::scheduler("optimized.prof")).unwrap();
    let (p, split) =
        heaplens_profile::diff::combine_split(&new, &base, Default::default()).unwrap();
    let tree = CallTree::build(&p, Granularity::Functions);
    let want = |variant: &str, name: &str| {
        let s = cums_of(variant, "functions.1.alloc_space.txt");
        let o = cums_of(variant, "functions.0.alloc_objects.txt");
        let (s, o) = (s.get(name).copied(), o.get(name).copied());
        match (s, o) {
            (Some(s), Some(o)) if o > 0 => Some((s as f64 / o as f64).round() as u64),
            _ => None,
        }
    };
    let (mut both, mut one_side) = (0, 0);
    for e in all_rows(&p, &tree, 1, Some(split), false) {
        let row = entry_row(&p, &tree, &e);
        assert_eq!(row.per_object, want("optimized", &row.name), "{}", row.name);
        assert_eq!(
            row.base_per_object,
            want("baseline", &row.name),
            "{}",
            row.name
        );
        match (row.per_object, row.base_per_object) {
            (Some(_), Some(_)) => both += 1,
            (Some(_), None) | (None, Some(_)) => one_side += 1,
            _ => {}
        }
    }
    assert!(both > 50 && one_side > 0, "{both} {one_side}");
}
