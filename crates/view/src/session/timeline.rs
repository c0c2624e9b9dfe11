//! The worker's timeline of heap snapshots: the decoded snapshots (as
//! given, and as recorded from a live service), their series for the
//! view's filters and order ([`crate::growth`], made again only when those
//! change, never decoded again), and the page's chart, suspects and
//! sparklines of one sample type. Opening a snapshot, or two as base and
//! new, puts them in the profile and base slots the other views show.

use std::rc::Rc;

use heaplens_profile::Profile;
use serde::{Deserialize, Serialize};

use super::{describe, ProfileInfo, Session};
use crate::growth::fit::{suspects, Growth};
use crate::growth::{self, filter_key, FilterKey, Series, SnapValues, Snapshot};
use crate::params::ViewParams;
use crate::pipeline::Input;

/// How many functions the chart stacks (the rest is one band).
pub const BANDS: usize = 8;
/// How many suspects are sent.
pub const SUSPECTS: usize = 100;
/// How many functions get a sparkline in the top table (the largest).
pub const SPARKS: usize = 400;

/// The snapshots loaded, and the series last made of them.
#[derive(Default)]
pub struct TimelineState {
    snaps: Vec<(String, Rc<Profile>)>,
    /// Each snapshot's values through the filters of `values_key`, made as
    /// it is added (while the next one is read), or when the filters change.
    values: Vec<Option<Rc<SnapValues>>>,
    values_key: Option<FilterKey>,
    refused: Vec<String>,
    series: Option<(SeriesKey, Rc<Series>)>,
    /// The snapshots open, by their place as given (so that they stay the
    /// ones open when the order changes): the profile, and the base.
    open: Option<(usize, Option<usize>)>,
}

/// What a series depends on: the filters, the order, the snapshots.
type SeriesKey = (FilterKey, bool, usize);

/// One function's values over the snapshots.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Band {
    pub name: String,
    pub values: Vec<i64>,
}

/// A growth suspect with its values, for its row and sparkline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SuspectRow {
    pub growth: Growth,
    pub values: Vec<i64>,
}

/// The timeline the page shows for one sample type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimelineData {
    /// In the series' order.
    pub snapshots: Vec<Snapshot>,
    pub by_time: bool,
    /// Whether the snapshots could be ordered by time (all have distinct
    /// times).
    pub has_times: bool,
    pub types: Vec<String>,
    pub sample_type: usize,
    pub unit: String,
    pub totals: Vec<i64>,
    /// The functions with the largest flat values, largest first; their
    /// sum and the rest make the totals.
    pub bands: Vec<Band>,
    pub suspects: Vec<SuspectRow>,
    /// How many functions were looked at.
    pub functions: usize,
    /// Flat (or cum) values of the largest functions, for the table.
    pub sparks: Vec<Band>,
    pub cum: bool,
    /// Snapshots left out, and why (one line each).
    pub refused: Vec<String>,
    /// The snapshots open (series order): the profile, and the base.
    pub open: Option<(usize, Option<usize>)>,
}

impl Session {
    /// Adds one decoded snapshot (name, profile) to the timeline, with its
    /// values through `params`' filters; refuses it, by name, when its
    /// sample types differ from the first one's (the others are kept).
    /// Returns the refusal.
    pub fn add_snapshot(
        &mut self,
        name: &str,
        profile: Profile,
        params: &ViewParams,
    ) -> Option<String> {
        let t = &mut self.timeline;
        if let Some((first, p)) = t.snaps.first() {
            let pair = [(first.clone(), &**p), (name.to_string(), &profile)];
            if let Some((_, m)) = growth::misfits(&pair).pop() {
                t.refused.push(m.clone());
                return Some(m);
            }
        }
        let profile = Rc::new(profile);
        let key = filter_key(params);
        if t.values_key.as_ref() != Some(&key) {
            t.values = vec![None; t.snaps.len()];
            t.values_key = Some(key);
        }
        t.values
            .push(growth::values(name, &profile, params).ok().map(Rc::new));
        t.snaps.push((name.to_string(), profile));
        t.series = None;
        None
    }

    /// A refusal of a file that could not be read as a snapshot.
    pub fn refuse_snapshot(&mut self, message: String) {
        self.timeline.refused.push(message);
    }

    /// Forgets every snapshot (a new timeline starts).
    pub fn clear_timeline(&mut self) {
        self.timeline = TimelineState::default();
    }

    /// The snapshots, in the order given (a share link embeds them).
    pub fn timeline_snapshots(&self) -> &[(String, Rc<Profile>)] {
        &self.timeline.snaps
    }

    /// Whether the newest snapshot (of the last series made) is the one
    /// open, or none is: a recording then moves on to each new one.
    pub fn shows_newest_snapshot(&self) -> bool {
        let t = &self.timeline;
        let newest = t.series.as_ref().and_then(|(_, s)| s.snapshots.last());
        match (t.open, newest) {
            (Some((at, _)), Some(n)) => at == n.given,
            _ => true,
        }
    }

    /// The files refused so far, one line each.
    pub fn refused_snapshots(&self) -> &[String] {
        &self.timeline.refused
    }

    /// How many snapshots are loaded.
    pub fn snapshot_count(&self) -> usize {
        self.timeline.snaps.len()
    }

    fn series(&mut self, params: &ViewParams) -> Result<Rc<Series>, String> {
        let t = &mut self.timeline;
        let fkey = filter_key(params);
        let key: SeriesKey = (fkey.clone(), !params.timeline.given_order, t.snaps.len());
        if let Some((k, s)) = &t.series {
            if *k == key {
                return Ok(s.clone());
            }
        }
        t.series = None;
        if t.values_key.as_ref() != Some(&fkey) {
            t.values = vec![None; t.snaps.len()];
            t.values_key = Some(fkey);
        }
        // The values the filters had not made yet (or could not).
        for (v, (name, p)) in t.values.iter_mut().zip(&t.snaps) {
            if v.is_none() {
                *v = Some(Rc::new(growth::values(name, p, params)?));
            }
        }
        let vals: Vec<Rc<SnapValues>> = t.values.iter().flatten().cloned().collect();
        let s = Rc::new(growth::assemble(&t.snaps, &vals, key.1)?);
        t.series = Some((key, s.clone()));
        Ok(s)
    }

    /// The timeline of the sample type `params` names (its default when
    /// none, or one it does not have).
    pub fn timeline(&mut self, params: &ViewParams) -> Result<TimelineData, String> {
        let s = self.series(params)?;
        let ty = s
            .type_index(params.sample_type_name())
            .unwrap_or(s.default_type);
        let ts = &s.types[ty];
        let cum = params.timeline.cum;
        let peak = |v: &Vec<i64>| v.iter().copied().max().unwrap_or(0);
        let mut big: Vec<usize> = (0..s.functions.len()).collect();
        big.sort_by_key(|&f| std::cmp::Reverse(peak(&ts.flat[f])));
        let band = |f: usize, values: &Vec<Vec<i64>>| Band {
            name: s.functions[f].clone(),
            values: values[f].clone(),
        };
        let bands = big
            .iter()
            .take(BANDS)
            .filter(|&&f| peak(&ts.flat[f]) > 0)
            .map(|&f| band(f, &ts.flat))
            .collect();
        let values = if cum { &ts.cum } else { &ts.flat };
        let mut by_value: Vec<usize> = (0..s.functions.len()).collect();
        by_value.sort_by_key(|&f| std::cmp::Reverse(peak(&values[f])));
        let sparks = by_value
            .iter()
            .take(SPARKS)
            .map(|&f| band(f, values))
            .collect();
        let suspects = suspects(&s, ty, cum)
            .into_iter()
            .take(SUSPECTS)
            .map(|g| SuspectRow {
                values: values[g.function].clone(),
                growth: g,
            })
            .collect();
        Ok(TimelineData {
            snapshots: s.snapshots.clone(),
            by_time: s.by_time,
            has_times: growth::has_times(
                &self
                    .timeline
                    .snaps
                    .iter()
                    .map(|(_, p)| p.time_nanos)
                    .collect::<Vec<_>>(),
            ),
            types: s.types.iter().map(|t| t.name.clone()).collect(),
            sample_type: ty,
            unit: ts.unit.clone(),
            totals: ts.totals.clone(),
            bands,
            suspects,
            functions: s.functions.len(),
            sparks,
            cum,
            refused: self.timeline.refused.clone(),
            open: self.timeline.open.and_then(|(at, base)| {
                let place = |g: usize| s.snapshots.iter().position(|x| x.given == g);
                Some((place(at)?, base.and_then(place)))
            }),
        })
    }

    /// Opens snapshot `at` (series order) as the profile, and `base`, when
    /// given, as the base (else the base is closed). Returns their infos.
    pub fn open_snapshots(
        &mut self,
        params: &ViewParams,
        at: usize,
        base: Option<usize>,
    ) -> Result<(ProfileInfo, Option<ProfileInfo>), String> {
        let s = self.series(params)?;
        let input = |i: usize| -> Result<Input, String> {
            let snap = s.snapshots.get(i).ok_or("no such snapshot")?;
            let (name, p) = self
                .timeline
                .snaps
                .get(snap.given)
                .ok_or("no such snapshot")?;
            Ok(Input::shared(name, p.clone()).with_functions())
        };
        let profile = input(at)?;
        let base_input = base.map(input).transpose()?;
        self.caches.drop_tables();
        let info = describe(&profile);
        self.inputs.set_profile(profile);
        let base_info = match base_input {
            Some(b) => {
                let i = describe(&b);
                self.inputs.set_base(b);
                Some(i)
            }
            None => {
                self.inputs.clear_base();
                None
            }
        };
        let given = |i: usize| s.snapshots.get(i).map(|x| x.given);
        self.timeline.open = given(at).map(|g| (g, base.and_then(given)));
        Ok((info, base_info))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use heaplens_profile::decode::text::parse_folded;

    fn snap(hour: i64, leak: i64) -> Profile {
        let mut p = parse_folded(&format!("main;leak {leak}\nmain;churn 5\n")).unwrap();
        p.time_nanos = 1_700_000_000_000_000_000 + hour * 3_600_000_000_000;
        p
    }

    #[test]
    fn snapshots_chart_rank_and_open() {
        let mut s = Session::new();
        // Given out of order: shown by time.
        for (i, h) in [2, 0, 1].into_iter().enumerate() {
            let p = ViewParams::default();
            assert!(s
                .add_snapshot(&format!("s{i}"), snap(h, 10 * (h + 1)), &p)
                .is_none());
        }
        let mut other = parse_folded("x 1\n").unwrap();
        other.sample_types[0].ty = "cpu".into();
        let refusal = s
            .add_snapshot("cpu.pprof", other, &ViewParams::default())
            .unwrap();
        assert!(
            refusal.starts_with("cpu.pprof is not a snapshot"),
            "{refusal}"
        );
        assert_eq!(s.snapshot_count(), 3);
        let params = ViewParams::default();
        let t = s.timeline(&params).unwrap();
        let names: Vec<&str> = t.snapshots.iter().map(|x| x.name.as_str()).collect();
        assert_eq!(names, ["s1", "s2", "s0"]);
        assert_eq!(t.totals, vec![15, 25, 35]);
        assert_eq!(t.bands[0].name, "leak");
        assert_eq!(t.suspects.len(), 1);
        assert_eq!(t.suspects[0].values, vec![10, 20, 30]);
        assert_eq!(t.refused.len(), 1);
        // Open the last, with the first as base: the views show their diff.
        let (info, base) = s.open_snapshots(&params, 2, Some(0)).unwrap();
        assert_eq!(info.file_name, "s0");
        assert_eq!(base.unwrap().file_name, "s1");
        assert_eq!(s.timeline(&params).unwrap().open, Some((2, Some(0))));
        assert!(s.shows_newest_snapshot());
        // In the order given (s0, s1, s2) the same two stay open.
        let mut given = params.clone();
        given.timeline.given_order = true;
        assert_eq!(s.timeline(&given).unwrap().open, Some((0, Some(1))));
        assert!(!s.shows_newest_snapshot());
        s.timeline(&params).unwrap();
        assert!(s.open_snapshots(&params, 9, None).is_err());
        // Another filter: the values are made again from the profiles.
        let mut ignoring = params.clone();
        ignoring.refine.ignore = "^leak$".into();
        let t = s.timeline(&ignoring).unwrap();
        // pprof's totals stay the whole profile's; the leak is gone.
        assert_eq!(t.totals, vec![15, 25, 35]);
        assert!(t.suspects.is_empty());
        assert!(t.bands.iter().all(|b| b.name != "leak"));
        ignoring.refine.ignore = "(".into();
        assert!(s.timeline(&ignoring).is_err());
        assert_eq!(s.timeline(&params).unwrap().suspects.len(), 1);
    }
}
