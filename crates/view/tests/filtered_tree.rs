//! The function tree of a filtered profile made from the unfiltered tree
//! (`heaplens_analysis::derived`, the pipeline's filter step uses it when
//! the unfiltered tree is made) is the tree built from the filtered
//! profile's samples: the same nodes in the same order, keys, flags and
//! leaves, over the scheduler pair and the corpus with focus, ignore, hide,
//! show and label filters; and it declines when the frames taken out are
//! not whole functions.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use heaplens_analysis::{derived, CallTree, Granularity};
use heaplens_profile::refine::{Refine, RefineSpec};
use heaplens_profile::Profile;
use heaplens_view::params::go_quote_meta;

/// `name` as a regular expression matching it alone.
fn exactly(name: &str) -> String {
    format!("^{}$", go_quote_meta(name))
}

/// Filters to try on a profile: its widest and some other functions
/// hidden, focused on, ignored; packages shown and hidden.
fn specs(tree: &CallTree) -> Vec<RefineSpec> {
    let names = &tree.keys.names;
    let pick = |i: usize| names.get(i).map(|n| exactly(n)).unwrap_or_default();
    let first = tree
        .children_of(0)
        .first()
        .map(|&c| exactly(tree.name(c)))
        .unwrap_or_default();
    let (mid, last) = (pick(names.len() / 2), pick(names.len().saturating_sub(1)));
    let spec = |f: &dyn Fn(&mut RefineSpec)| {
        let mut s = RefineSpec::default();
        f(&mut s);
        s
    };
    vec![
        spec(&|s| s.hide = first.clone()),
        spec(&|s| s.hide = mid.clone()),
        spec(&|s| s.hide = format!("{mid}|{last}")),
        spec(&|s| s.hide = "^runtime\\.|^reflect\\.".into()),
        spec(&|s| s.hide = "\\.go$".into()),
        spec(&|s| s.show = "^main\\.|^github\\.com/".into()),
        spec(&|s| s.focus = mid.clone()),
        spec(&|s| s.ignore = last.clone()),
        spec(&|s| {
            s.focus = first.clone();
            s.hide = mid.clone();
        }),
        spec(&|s| s.tagfocus = "nothing-matches=1".into()),
    ]
}

/// Every part of two trees, or where they first differ.
fn same(a: &CallTree, b: &CallTree) -> Result<(), String> {
    let parts = [
        ("names", a.keys.names == b.keys.names),
        ("location keys", a.keys.loc_keys == b.keys.loc_keys),
        ("parents", a.parent == b.parent),
        ("keys", a.key == b.key),
        ("flags", a.flags == b.flags),
        ("leaves", a.leaf == b.leaf),
        (
            "children",
            a.child_offsets == b.child_offsets && a.children == b.children,
        ),
    ];
    match parts.iter().find(|(_, ok)| !ok) {
        Some((part, _)) => Err(format!("{part} differ ({} vs {} nodes)", a.len(), b.len())),
        None => Ok(()),
    }
}

/// The filtered profile, the locations taken out, and the tree made both
/// ways (derived when it can be).
fn both(p: &Profile, old: &CallTree, spec: &RefineSpec) -> Option<(CallTree, CallTree)> {
    let r = Refine::parse(spec).ok()?;
    let mut q = p.clone();
    let applied = r.apply(&mut q, "");
    // The copy made without copying the stacks is the same.
    let (c, also) = r.applied(p, "");
    assert_eq!(also, applied);
    assert_eq!((&c.stack_offsets, &c.values), (&q.stack_offsets, &q.values));
    assert!((0..q.num_samples()).all(|s| c.stack(s).iter().eq(q.stack(s).iter())));
    // With a label filter that keeps every sample, each stack is cut on
    // its own (focus, ignore, hide and show alone cut them all at once):
    // the same stacks.
    if spec.tagfocus.is_empty() {
        let each = RefineSpec {
            tagignore: "no-sample-has-this-label=x".into(),
            ..spec.clone()
        };
        let (e, one) = Refine::parse(&each).ok()?.applied(p, "");
        assert_eq!((one.kept, &one.removed), (applied.kept, &applied.removed));
        assert_eq!((&e.stack_offsets, &e.values), (&q.stack_offsets, &q.values));
        assert!((0..q.num_samples()).all(|s| e.stack(s).iter().eq(q.stack(s).iter())));
    }
    let removed = applied.removed.expect("these filters only take out");
    let made = derived::filtered(old, &q, &removed)?;
    Some((made, CallTree::build(&q, Granularity::Functions)))
}

#[test]
fn derived_filtered_trees_are_the_built_ones() {
    let (mut derived, mut declined, mut smaller) = (0, 0, 0);
    let mut failures = Vec::new();
    for (name, p) in common::shape_profiles() {
        if p.num_samples() > 60_000 {
            continue;
        }
        let old = CallTree::build(&p, Granularity::Functions);
        for spec in specs(&old) {
            match both(&p, &old, &spec) {
                Some((made, built)) => {
                    derived += 1;
                    smaller += usize::from(built.len() < old.len());
                    if let Err(e) = same(&made, &built) {
                        failures.push(format!("{name} {spec:?}: {e}"));
                    }
                }
                None => declined += 1,
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // Most filters are of whole functions; many change the tree.
    assert!(
        derived >= 300 && smaller >= 100 && declined < derived / 4,
        "{derived} derived ({smaller} smaller), {declined} declined"
    );
}

#[test]
fn a_function_taken_out_of_one_location_only_is_declined() {
    // b is inlined into a in one location and alone in another: hiding a
    // leaves b's inlined frame as the location's outermost one, so its
    // node's inline mark changes and only a new build is right.
    let mut b = common::Builder::new(&[("alloc_space", "bytes")]);
    let inl = b.inlined_loc(&["b", "a"]);
    let main = b.loc("main");
    b.sample_locs(&[inl, main], &[10], &[]);
    b.sample(&["b", "main"], &[5]);
    let p = b.build();
    let old = CallTree::build(&p, Granularity::Functions);
    let spec = RefineSpec {
        hide: "^a$".into(),
        ..RefineSpec::default()
    };
    assert!(both(&p, &old, &spec).is_none());
    // Hiding b (inlined in one place, alone in the other) is whole.
    let spec = RefineSpec {
        hide: "^b$".into(),
        ..RefineSpec::default()
    };
    let (made, built) = both(&p, &old, &spec).expect("b is taken out everywhere");
    same(&made, &built).unwrap();
    assert!(built.len() < old.len());
}
