//! Several profiles merged into one, as `go tool pprof a.prof b.prof`
//! merges its inputs (pprof's `profile.Merge`): the profiles must have the
//! same period type and the same sample types (type and unit, in the same
//! order); samples of value 0 are dropped; equal functions, locations and
//! samples (equal stacks and labels) become one, values summed; the period
//! is the largest, the time the earliest, durations are added, comments
//! are kept once each, and the default sample type is the first one set.
//!
//! The tables and samples are written end to end by the same steps that
//! combine a base and a new profile ([`crate::diff`]): [`header`],
//! [`append_tables`] and [`append_samples`].

use rustc_hash::FxHashSet as HashSet;

use crate::model::{Label, Profile, SampleLabelsBuilder, StackLocs, ValueType, NONE};

/// Why profiles could not be merged: profile `other` cannot be merged with
/// profile `first` (indices into the list given), and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    pub first: usize,
    pub other: usize,
    pub reason: String,
}

/// The merge of `profiles`, pprof's `profile.Merge`. Every profile is
/// checked against the first, as pprof checks them.
pub fn merge(profiles: &[&Profile]) -> Result<Profile, Mismatch> {
    let Some((first, rest)) = profiles.split_first() else {
        return Err(Mismatch {
            first: 0,
            other: 0,
            reason: "no profiles to merge".into(),
        });
    };
    for (i, p) in rest.iter().enumerate() {
        if let Some(reason) = mismatch(first, p) {
            return Err(Mismatch {
                first: 0,
                other: i + 1,
                reason,
            });
        }
    }
    let mut out = header(profiles);
    out.memstats.clear();
    out.stats = crate::model::DecodeStats {
        input_bytes: profiles.iter().map(|p| p.stats.input_bytes).sum(),
        decoded_bytes: profiles.iter().map(|p| p.stats.decoded_bytes).sum(),
        gzipped: profiles.iter().all(|p| p.stats.gzipped),
    };
    let mut shifts = Vec::with_capacity(profiles.len());
    for p in profiles {
        shifts.push(append_tables(&mut out, p));
    }
    let stack_len = profiles.iter().map(|p| p.stack_locs.len()).sum();
    out.stack_offsets = vec![0];
    out.stack_locs = StackLocs::for_locations(out.locations.len(), stack_len);
    let mut labels = SampleLabelsBuilder::default();
    for (p, &(str_shift, loc_shift)) in profiles.iter().zip(&shifts) {
        let n = p.num_types();
        let keep: Vec<bool> = (0..p.num_samples())
            .map(|s| p.values[s * n..(s + 1) * n].iter().any(|&v| v != 0))
            .collect();
        let side = Side {
            src: p,
            values: &p.values,
            keep: &keep,
            loc_shift,
            str_shift,
            base_label: None,
        };
        append_samples(&mut out, &mut labels, &side);
    }
    out.labels = labels.finish();
    canonicalize(&mut out);
    Ok(merged(&out, true))
}

fn describe(types: &[ValueType]) -> String {
    types
        .iter()
        .map(|t| format!("{}/{}", t.ty, t.unit))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Why two profiles cannot be merged or combined (pprof's rule: the same
/// period type, and the same sample types, type and unit, in the same
/// order), or `None` when they can: "period types differ (…)" or "their
/// sample types differ (…)".
pub fn mismatch(a: &Profile, b: &Profile) -> Option<String> {
    let pt = |p: &Profile| p.period_type.clone().unwrap_or_default();
    let (pa, pb) = (pt(a), pt(b));
    if pa != pb {
        return Some(format!(
            "period types differ ({}/{} and {}/{})",
            pa.ty, pa.unit, pb.ty, pb.unit
        ));
    }
    if a.sample_types != b.sample_types {
        return Some(format!(
            "their sample types differ ({} vs {})",
            describe(&a.sample_types),
            describe(&b.sample_types)
        ));
    }
    None
}

/// Points every frame at the first of its equal functions and every stack
/// at the first of its equal locations (pprof's equality), so that what
/// the inputs share is written once.
fn canonicalize(p: &mut Profile) {
    let (functions, locations) = crate::totals::canonical_tables(p);
    for f in &mut p.frames {
        f.function = functions[f.function as usize];
    }
    let mut stacks = StackLocs::for_locations(p.locations.len(), p.stack_locs.len());
    for s in 0..p.num_samples() {
        stacks.extend(p.stack(s).iter().map(|l| locations[l as usize]));
    }
    p.stack_locs = stacks;
}

/// `p` with equal samples merged into one (values summed), as pprof merges
/// a profile when it opens it; with `drop_zero`, merged samples whose
/// values are all 0 are left out, as pprof's `Merge` leaves them out. Only
/// the sample columns change.
pub(crate) fn merged(p: &Profile, drop_zero: bool) -> Profile {
    let n = p.num_types();
    let mut out = Profile {
        stack_offsets: vec![0],
        ..p.clone()
    };
    out.stack_locs.clear();
    out.values.clear();
    let mut labels = SampleLabelsBuilder::default();
    for g in crate::totals::sample_groups(p) {
        let first = g[0];
        let mut vals = p.sample_values(first).to_vec();
        for &s in &g[1..] {
            for (v, w) in vals.iter_mut().zip(p.sample_values(s)) {
                *v = v.wrapping_add(*w);
            }
        }
        if drop_zero && vals.iter().all(|&v| v == 0) {
            continue;
        }
        out.stack_locs.extend(p.stack(first));
        out.stack_offsets.push(out.stack_locs.len() as u32);
        out.values.extend_from_slice(&vals[..n]);
        labels.push(p.sample_labels(first));
    }
    out.labels = labels.finish();
    out
}

/// The merged profile's types, period, times and comments, as pprof's
/// `combineHeaders` makes them: the first profile's sample, period types
/// and drop/keep frames, the first default sample type set, the largest
/// period, the earliest time (a zero time wins), durations added, each
/// comment once. No tables or samples yet.
pub(crate) fn header(srcs: &[&Profile]) -> Profile {
    let Some(first) = srcs.first() else {
        return Profile::default();
    };
    let mut p = Profile {
        sample_types: first.sample_types.clone(),
        period_type: first.period_type.clone(),
        drop_frames: first.drop_frames.clone(),
        keep_frames: first.keep_frames.clone(),
        stats: first.stats,
        ..Profile::default()
    };
    let mut seen = HashSet::default();
    for (i, s) in srcs.iter().enumerate() {
        if i == 0 || p.time_nanos == 0 || s.time_nanos < p.time_nanos {
            p.time_nanos = s.time_nanos;
        }
        p.duration_nanos = p.duration_nanos.wrapping_add(s.duration_nanos);
        p.period = p.period.max(s.period);
        if p.default_sample_type_name.is_empty() {
            p.default_sample_type_name = s.default_sample_type_name.clone();
        }
        for c in &s.comments {
            if seen.insert(c.clone()) {
                p.comments.push(c.clone());
            }
        }
        p.warnings.extend(s.warnings.iter().cloned());
    }
    p
}

/// Appends `src`'s tables (strings, mappings, functions, frames,
/// locations) to `p`'s, its indices shifted past `p`'s entries. Returns the
/// shifts of its string and location indices.
pub(crate) fn append_tables(p: &mut Profile, src: &Profile) -> (u32, u32) {
    let so = p.strings.len() as u32;
    p.strings.extend(src.strings.iter().cloned());
    let shift = |v: u32, by: u32| if v == NONE { NONE } else { v + by };
    let mo = p.mappings.len() as u32;
    p.mappings.extend(src.mappings.iter().map(|m| {
        let mut m = m.clone();
        m.file += so;
        m.build_id += so;
        m
    }));
    let fo = p.functions.len() as u32;
    p.functions.extend(src.functions.iter().map(|f| {
        let mut f = f.clone();
        f.name += so;
        f.system_name += so;
        f.filename += so;
        f
    }));
    let fro = p.frames.len() as u32;
    p.frames.extend(src.frames.iter().map(|fr| {
        let mut fr = *fr;
        fr.function += fo;
        fr
    }));
    let lo = p.locations.len() as u32;
    p.locations.extend(src.locations.iter().map(|l| {
        let mut l = l.clone();
        l.mapping = shift(l.mapping, mo);
        l.frames_start += fro;
        l.frames_end += fro;
        l
    }));
    (so, lo)
}

/// One profile's samples being appended: its samples, their (scaled)
/// values, which are kept, the shifts of its tables, and for the base of a
/// `-diff_base` the `pprof::base=true` label (key, value strings).
pub(crate) struct Side<'a> {
    pub src: &'a Profile,
    pub values: &'a [i64],
    pub keep: &'a [bool],
    pub loc_shift: u32,
    pub str_shift: u32,
    pub base_label: Option<(u32, u32)>,
}

pub(crate) fn append_samples(p: &mut Profile, labels: &mut SampleLabelsBuilder, side: &Side) {
    let n = side.src.num_types();
    let mut these: Vec<Label> = Vec::new();
    for s in 0..side.src.num_samples() {
        if !side.keep[s] {
            continue;
        }
        p.stack_locs
            .extend(side.src.stack(s).iter().map(|l| l + side.loc_shift));
        p.stack_offsets.push(p.stack_locs.len() as u32);
        p.values.extend_from_slice(&side.values[s * n..(s + 1) * n]);
        these.clear();
        for l in side.src.sample_labels(s) {
            if side.base_label.is_some() && side.src.str(l.key) == "pprof::base" {
                continue;
            }
            // String index 0 means "none" (a numeric label has no string
            // value, a string label no unit): it stays 0.
            let shift = |i: u32| if i == 0 { 0 } else { i + side.str_shift };
            these.push(Label {
                key: shift(l.key),
                str: shift(l.str),
                num: l.num,
                unit: shift(l.unit),
            });
        }
        if let Some((key, value)) = side.base_label {
            these.push(Label {
                key,
                str: value,
                num: 0,
                unit: 0,
            });
        }
        labels.push(&these);
    }
}
