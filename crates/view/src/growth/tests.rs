#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::rc::Rc;

use heaplens_profile::decode::text::parse_folded;
use heaplens_profile::Profile;

use super::fit::{line, steadiness, suspects};
use super::{limit, series, text, Series};
use crate::params::ViewParams;

const HOUR: i64 = 3_600_000_000_000;

/// A snapshot at `hour` hours: `leak` grows, `churn` goes up and down,
/// `shrink` falls, `flat` stays.
fn snap(hour: i64, leak: i64, churn: i64, shrink: i64) -> (String, Rc<Profile>) {
    let text = format!("main;leak {leak}\nmain;churn {churn}\nmain;shrink {shrink}\nmain;flat 7\n");
    let mut p = parse_folded(&text).unwrap();
    p.time_nanos = 1_700_000_000_000_000_000 + hour * HOUR;
    (format!("snap-{hour}.pb.gz"), Rc::new(p))
}

fn three() -> Vec<(String, Rc<Profile>)> {
    vec![snap(0, 10, 5, 30), snap(1, 20, 7, 20), snap(2, 30, 5, 10)]
}

fn by_name(s: &Series, f: &str) -> usize {
    s.functions.iter().position(|n| n == f).unwrap()
}

#[test]
fn each_function_has_its_flat_and_cum_per_snapshot() {
    let s = series(&three(), &ViewParams::default(), true).unwrap();
    assert!(s.by_time);
    let t = &s.types[0];
    assert_eq!(t.flat[by_name(&s, "leak")], vec![10, 20, 30]);
    assert_eq!(t.flat[by_name(&s, "churn")], vec![5, 7, 5]);
    assert_eq!(t.flat[by_name(&s, "main")], vec![0, 0, 0]);
    assert_eq!(t.cum[by_name(&s, "main")], vec![52, 54, 52]);
    assert_eq!(t.totals, vec![52, 54, 52]);
    assert_eq!(s.hours().unwrap(), vec![0.0, 1.0, 2.0]);
}

#[test]
fn only_steady_growers_are_suspects_fastest_first() {
    let mut snaps = three();
    // Another grower, slower: 1 per hour.
    for (i, (_, p)) in snaps.iter_mut().enumerate() {
        let mut q = (**p).clone();
        let extra = parse_folded(&format!("main;slow {}\n", 3 + i)).unwrap();
        q = heaplens_profile::merge::merge(&[&q, &extra]).unwrap();
        q.time_nanos = p.time_nanos;
        *p = Rc::new(q);
    }
    let s = series(&snaps, &ViewParams::default(), true).unwrap();
    let sus = suspects(&s, 0, false);
    let names: Vec<&str> = sus.iter().map(|g| g.name.as_str()).collect();
    assert_eq!(names, ["leak", "slow"]);
    let leak = &sus[0];
    assert_eq!((leak.change, leak.first, leak.last), (20, 10, 30));
    assert!((leak.slope - 10.0).abs() < 1e-9, "{}", leak.slope);
    assert_eq!(leak.steadiness, 1.0);
    // By cum, main grows 52 → 54 → 52: not a suspect (ends where it began).
    let cum: Vec<String> = suspects(&s, 0, true).into_iter().map(|g| g.name).collect();
    assert_eq!(cum, ["leak", "slow"]);
}

#[test]
fn snapshots_are_ordered_by_time_unless_asked_or_timeless() {
    let mut snaps = three();
    snaps.reverse();
    let s = series(&snaps, &ViewParams::default(), true).unwrap();
    let given: Vec<usize> = s.snapshots.iter().map(|x| x.given).collect();
    assert_eq!(given, [2, 1, 0]);
    assert_eq!(s.types[0].flat[by_name(&s, "leak")], vec![10, 20, 30]);
    // As given: the leak now shrinks.
    let s = series(&snaps, &ViewParams::default(), false).unwrap();
    assert!(!s.by_time);
    assert_eq!(s.types[0].flat[by_name(&s, "leak")], vec![30, 20, 10]);
    assert_eq!(suspects(&s, 0, false)[0].name, "shrink");
    // Two snapshots with the same time: the order given, per snapshot.
    let mut snaps = three();
    let t = snaps[0].1.time_nanos;
    let mut p = (*snaps[1].1).clone();
    p.time_nanos = t;
    snaps[1].1 = Rc::new(p);
    let s = series(&snaps, &ViewParams::default(), true).unwrap();
    assert!(!s.by_time && s.hours().is_none());
    assert!(text::report(&s, 0, false).contains("slope/snapshot"));
}

#[test]
fn a_snapshot_of_another_kind_is_refused_by_name() {
    let mut snaps = three();
    let mut other = parse_folded("main;x 1\n").unwrap();
    other.sample_types[0].ty = "cpu".into();
    other.sample_types[0].unit = "nanoseconds".into();
    snaps.push(("cpu.pprof".into(), Rc::new(other)));
    let e = series(&snaps, &ViewParams::default(), true).unwrap_err();
    assert!(
        e.starts_with("cpu.pprof is not a snapshot of the same kind as snap-0.pb.gz"),
        "{e}"
    );
    // Given first, the stray one is still the one named: most are heaps.
    snaps.rotate_right(1);
    let e = series(&snaps, &ViewParams::default(), true).unwrap_err();
    assert!(
        e.starts_with("cpu.pprof is not a snapshot of the same kind as snap-0.pb.gz"),
        "{e}"
    );
}

#[test]
fn filters_apply_to_every_snapshot() {
    let mut params = ViewParams::default();
    params.refine.ignore = "^leak$".into();
    let s = series(&three(), &params, true).unwrap();
    assert!(!s.functions.iter().any(|f| f == "leak"));
    params.refine.ignore = "(".into();
    assert!(series(&three(), &params, true).is_err());
}

#[test]
fn the_fit_by_hand() {
    // y = 3x + 1 exactly; then a noisy line whose slope is known.
    assert!((line(&[0.0, 1.0, 2.0, 3.0], &[1, 4, 7, 10]).0 - 3.0).abs() < 1e-12);
    // xs 0..4, ys 2,1,4,3: mean x 1.5, mean y 2.5, sxy = 3, sxx = 5.
    assert!((line(&[0.0, 1.0, 2.0, 3.0], &[2, 1, 4, 3]).0 - 0.6).abs() < 1e-12);
    assert_eq!(line(&[1.0, 1.0], &[1, 5]).0, 0.0);
    assert_eq!(steadiness(&[2, 1, 4, 3]), 1.0 / 3.0);
    assert_eq!(steadiness(&[5, 5, 5]), 0.0);
    assert_eq!(steadiness(&[5]), 0.0);
    // R²: 1 on a line, 0 without variation; by hand for 2, 1, 4, 3:
    // sxy = 3, sxx = 5, syy = 5 → 9 / 25.
    assert!((line(&[0.0, 1.0, 2.0, 3.0], &[1, 4, 7, 10]).1 - 1.0).abs() < 1e-12);
    assert!((line(&[0.0, 1.0, 2.0, 3.0], &[2, 1, 4, 3]).1 - 0.36).abs() < 1e-12);
    assert_eq!(line(&[0.0, 1.0, 2.0], &[4, 4, 4]), (0.0, 0.0));
}

#[test]
fn a_value_that_wobbles_and_ends_high_is_not_a_suspect() {
    // Up in 6 of 11 steps, ends higher, slope > 0, but no trend (R² < 0.5).
    let ys = [8, 9, 8, 9, 8, 9, 8, 9, 8, 9, 8, 9];
    let xs: Vec<f64> = (0..ys.len()).map(|i| i as f64).collect();
    let (slope, r2) = line(&xs, &ys);
    assert!(slope > 0.0 && r2 < 0.5, "{slope} {r2}");
    assert!(steadiness(&ys) > 0.5);
}

#[test]
fn report_and_tsv() {
    let s = series(&three(), &ViewParams::default(), true).unwrap();
    let tsv = text::tsv(&s, 0, false);
    assert_eq!(tsv, "leak\t20\t10\t1.0000\t10\t30\t1.0000\n");
    let r = text::report(&s, 0, false);
    assert!(r.contains("over 3 snapshots"), "{r}");
    assert!(r.contains("(2h00m)"), "{r}");
    assert!(r.contains("1 of 5 functions"), "{r}");
    assert_eq!(text::span(90 * 1_000_000_000), "1m30s");
}

#[test]
fn growth_limits() {
    let s = series(&three(), &ViewParams::default(), true).unwrap();
    let ok = limit::parse("samples:10/h").unwrap();
    let fail = limit::parse("samples:9/h").unwrap();
    let other = limit::parse("func=^churn$:samples:1").unwrap();
    let checks = limit::evaluate(&s, &[ok, fail, other]).unwrap();
    assert!(checks[0].pass());
    assert!(!checks[1].pass());
    assert_eq!(checks[1].over[0].name, "leak");
    assert!(checks[1].lines()[0].starts_with("FAIL samples:9/h"));
    assert!(checks[2].pass());
    assert!(limit::parse("samples:+5%").is_err());
    let per_snap = limit::parse("samples:1/snapshot").unwrap();
    assert!(limit::evaluate(&s, &[per_snap]).is_err());
    let bad_type = limit::parse("bytes:1/h").unwrap();
    assert!(limit::evaluate(&s, &[bad_type]).is_err());
}
