//! Object sizes: the histogram of the runtime's `bytes` label over Go's
//! size classes, against `go tool pprof -raw` (tests/golden/pprof-sizes:
//! every sample's values and labels as pprof prints them, whole or with a
//! function focused). Each bin's value is the sum, read from pprof's text,
//! of the samples whose `bytes` falls in the bin, for every sample type.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use heaplens_analysis::{CallTree, Granularity};
use heaplens_view::sizes::{self, SIZE_CLASSES};

/// A golden's samples: (values, bytes label).
fn raw_samples(text: &str) -> Vec<(Vec<i64>, Option<i64>)> {
    let mut out: Vec<(Vec<i64>, Option<i64>)> = Vec::new();
    let body = text.split_once("Samples:\n").unwrap().1;
    for line in body.lines().skip(1) {
        if !line.starts_with(' ') {
            break; // "Locations" and what follows.
        }
        if let Some((values, _stack)) = line
            .split_once(':')
            .filter(|(v, _)| v.split_whitespace().all(|x| x.parse::<i64>().is_ok()))
        {
            let v = values
                .split_whitespace()
                .map(|x| x.parse().unwrap())
                .collect();
            out.push((v, None));
        } else if let Some(rest) = line.trim().strip_prefix("bytes:[") {
            let n = rest.split(']').next().unwrap().parse().unwrap();
            out.last_mut().unwrap().1 = Some(n);
        }
    }
    out
}

#[test]
fn each_size_class_holds_the_value_of_its_samples() {
    let manifest = common::repo_root().join("tests/golden/pprof-sizes/MANIFEST.tsv");
    let manifest = std::fs::read_to_string(manifest).unwrap();
    let mut cases = 0;
    for row in manifest.lines().skip(1) {
        let f: Vec<&str> = row.split('\t').collect();
        let (golden, input, focus) = (f[0], f[1], f[2]);
        let text = std::fs::read_to_string(
            common::repo_root()
                .join("tests/golden/pprof-sizes")
                .join(golden),
        )
        .unwrap();
        let samples = raw_samples(&text);
        assert!(samples.len() > 10, "{golden}");
        let bytes = std::fs::read(common::repo_root().join(input)).unwrap();
        let p = heaplens_profile::decode(&bytes).unwrap();
        let tree = CallTree::build(&p, Granularity::Functions);
        // The focus is one function's name, anchored.
        let function = (focus != "-").then(|| {
            focus
                .trim_start_matches('^')
                .trim_end_matches('$')
                .replace('\\', "")
        });
        for ty in 0..p.num_types() {
            let h = sizes::histogram(&p, ty, None, function.as_deref()).expect("bytes labels");
            // The page's way, through the function tree, gives the same.
            let by_tree = sizes::histogram_by_tree(&p, &tree, ty, None, function.as_deref());
            assert_eq!(by_tree.as_ref(), Some(&h), "{golden} type {ty}");
            let mut bins_total = 0;
            for b in &h.bins {
                let want: i64 = samples
                    .iter()
                    .filter(|(_, n)| n.is_some_and(|n| (n as u64) > b.lo && (n as u64) <= b.hi))
                    .map(|(v, _)| v[ty])
                    .sum();
                assert_eq!(b.value, want, "{golden} type {ty} bin {}", b.hi);
                assert!(b.hi > 32768 || SIZE_CLASSES.contains(&b.hi));
                bins_total += b.value;
            }
            let unlabelled: i64 = samples
                .iter()
                .filter(|(_, n)| n.is_none())
                .map(|(v, _)| v[ty])
                .sum();
            assert_eq!(h.unlabelled, unlabelled, "{golden} type {ty}");
            let total: i64 = samples.iter().map(|(v, _)| v[ty]).sum();
            assert_eq!(bins_total + unlabelled, total, "{golden} type {ty}");
            assert!(h.bins.windows(2).all(|w| w[0].hi < w[1].hi));
        }
        cases += 1;
    }
    assert_eq!(cases, 3);
}

#[test]
fn a_diff_has_each_profiles_histogram() {
    let base = heaplens_profile::decode(&common::scheduler("baseline.prof")).unwrap();
    let new = heaplens_profile::decode(&common::scheduler("optimized.prof")).unwrap();
    let (p, split) =
        heaplens_profile::diff::combine_split(&new, &base, Default::default()).unwrap();
    let ty = 1;
    let d = sizes::histogram(&p, ty, Some(split), None).unwrap();
    let tree = CallTree::build(&p, Granularity::Functions);
    for f in [None, Some("heaplens/testgen/scheduler.(*Scheduler).Create")] {
        let by_tree = sizes::histogram_by_tree(&p, &tree, ty, Some(split), f);
        assert_eq!(by_tree, sizes::histogram(&p, ty, Some(split), f));
        assert!(by_tree.is_some_and(|h| !h.bins.is_empty()));
    }
    assert!(d.diff);
    let one = |q: &heaplens_profile::Profile| sizes::histogram(q, ty, None, None).unwrap();
    let (hb, hn) = (one(&base), one(&new));
    for b in &d.bins {
        let of = |h: &sizes::Histogram| h.bins.iter().find(|x| x.hi == b.hi).map_or(0, |x| x.value);
        assert_eq!(b.value, of(&hn), "bin {}", b.hi);
        assert_eq!(b.base, of(&hb), "bin {}", b.hi);
    }
    assert_eq!(
        d.bins.iter().map(|b| b.base).sum::<i64>(),
        hb.bins.iter().map(|b| b.value).sum::<i64>()
    );
    // Profiles without the label have no histogram.
    let folded = heaplens_profile::decode(b"main;alloc 10\n").unwrap();
    assert!(sizes::histogram(&folded, 0, None, None).is_none());
}
