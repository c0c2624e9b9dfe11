//! Base vs new, combined the way `go tool pprof -base/-diff_base` combines
//! them: the profiles must have the same sample and period types; with
//! `normalize` the new profile is scaled so each sample type's sum equals
//! the base's (pprof's `-normalize`); the base's values are negated and its
//! samples appended (labelled `pprof::base=true` for `-diff_base`, so that
//! percentages are of the base total). Every analysis then works unchanged
//! on the combined profile, and its numbers are net values (new − base).

use rustc_hash::FxHashSet as HashSet;

use crate::error::{Error, Result};
use crate::model::{Label, Profile, ValueType, NONE};

/// pprof's two ways of subtracting a base.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
pub enum DiffMode {
    /// `-diff_base`: percentages relative to the base's total (default).
    #[default]
    DiffBase,
    /// `-base`: the base is subtracted and the result read as one profile.
    Base,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DiffOptions {
    pub mode: DiffMode,
    pub normalize: bool,
}

fn describe(types: &[ValueType]) -> String {
    types
        .iter()
        .map(|t| format!("{}/{}", t.ty, t.unit))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Checks that `base` can be subtracted from `new` (pprof's rule).
pub fn compatible(new: &Profile, base: &Profile) -> Result<()> {
    let pt = |p: &Profile| p.period_type.clone().unwrap_or_default();
    if pt(new) != pt(base) {
        return Err(Error::Invalid {
            what: format!(
                "the profiles cannot be compared: period types differ ({}/{} and {}/{})",
                pt(new).ty,
                pt(new).unit,
                pt(base).ty,
                pt(base).unit
            ),
        });
    }
    if new.sample_types != base.sample_types {
        return Err(Error::Invalid {
            what: format!(
                "the profiles cannot be compared: their sample types differ ({} vs {})",
                describe(&new.sample_types),
                describe(&base.sample_types)
            ),
        });
    }
    Ok(())
}

/// pprof's `ScaleN`: scales each value by its type's ratio (rounded), and
/// drops samples whose scaled values are all zero.
fn scale_values(p: &Profile, ratios: &[f64]) -> (Vec<bool>, Vec<i64>) {
    let n = p.num_types();
    let mut values = p.values.clone();
    let mut keep = vec![true; p.num_samples()];
    if ratios.iter().all(|&r| r == 1.0) {
        return (keep, values);
    }
    for (s, k) in keep.iter_mut().enumerate() {
        let mut any = false;
        for t in 0..n {
            if ratios[t] != 1.0 {
                let v = (values[s * n + t] as f64 * ratios[t]).round() as i64;
                values[s * n + t] = v;
                any |= v != 0;
            }
        }
        *k = any;
    }
    (keep, values)
}

/// `p` with equal samples merged into one (values summed), as pprof merges
/// a profile when it opens it. Only the sample columns change.
fn merged(p: &Profile) -> Profile {
    let n = p.num_types();
    let mut out = Profile {
        stack_offsets: vec![0],
        ..p.clone()
    };
    out.stack_locs.clear();
    out.values.clear();
    let mut labels = crate::model::SampleLabelsBuilder::default();
    for g in crate::totals::sample_groups(p) {
        let first = g[0];
        out.stack_locs.extend(p.stack(first));
        out.stack_offsets.push(out.stack_locs.len() as u32);
        let mut vals = p.sample_values(first).to_vec();
        for &s in &g[1..] {
            for (v, w) in vals.iter_mut().zip(p.sample_values(s)) {
                *v = v.wrapping_add(*w);
            }
        }
        out.values.extend_from_slice(&vals[..n]);
        labels.push(p.sample_labels(first));
    }
    out.labels = labels.finish();
    out
}

/// The combined (net) profile of `new` minus `base`.
pub fn combine(new: &Profile, base: &Profile, opts: DiffOptions) -> Result<Profile> {
    combine_split(new, base, opts).map(|(p, _)| p)
}

/// [`combine`], also returning how many of the combined samples come from
/// the new profile (they come first; the base's negated samples follow).
pub fn combine_split(new: &Profile, base: &Profile, opts: DiffOptions) -> Result<(Profile, usize)> {
    compatible(new, base)?;
    let n = new.num_types();
    // pprof merges equal samples before scaling (rounding happens per
    // merged sample), so do the same when scaling.
    let merged_new;
    let new_src = if opts.normalize {
        merged_new = merged(new);
        &merged_new
    } else {
        new
    };
    let (keep_new, new_values) = scale_values(new_src, &ratios(new, base, opts.normalize));
    let (keep_base, base_values) = scale_values(base, &vec![-1.0; n]);
    let mut p = header(new, base);
    let (so, lo) = append_tables(&mut p, new, base);

    // Samples: new (possibly scaled), then the negated base.
    let base_label = (opts.mode == DiffMode::DiffBase).then(|| {
        p.strings.push("pprof::base".to_string());
        p.strings.push("true".to_string());
        ((p.strings.len() - 2) as u32, (p.strings.len() - 1) as u32)
    });
    p.stack_offsets.push(0);
    p.stack_locs = crate::model::StackLocs::for_locations(
        p.locations.len(),
        new.stack_locs.len() + base.stack_locs.len(),
    );
    let mut labels = crate::model::SampleLabelsBuilder::default();
    let new_side = Side {
        src: new_src,
        values: &new_values,
        keep: &keep_new,
        loc_shift: 0,
        str_shift: 0,
        base_label: None,
    };
    append_samples(&mut p, &mut labels, &new_side);
    let split = keep_new.iter().filter(|&&k| k).count();
    let base_side = Side {
        src: base,
        values: &base_values,
        keep: &keep_base,
        loc_shift: lo,
        str_shift: so,
        base_label,
    };
    append_samples(&mut p, &mut labels, &base_side);
    p.labels = labels.finish();
    Ok((p, split))
}

/// Per sample type, the factor the new profile's values are scaled by: its
/// sum to the base's with `normalize` (pprof's `-normalize`), else 1.
fn ratios(new: &Profile, base: &Profile, normalize: bool) -> Vec<f64> {
    let n = new.num_types();
    if !normalize {
        return vec![1.0; n];
    }
    (0..n)
        .map(|t| {
            let b = base.signed_total(t);
            let s = new.signed_total(t);
            if s == 0 {
                0.0
            } else {
                b as f64 / s as f64
            }
        })
        .collect()
}

/// The combined profile's types, period, times and comments, as pprof
/// merges them: the earliest time (a zero time wins), durations added.
fn header(new: &Profile, base: &Profile) -> Profile {
    let mut p = Profile {
        sample_types: new.sample_types.clone(),
        default_sample_type_name: if new.default_sample_type_name.is_empty() {
            base.default_sample_type_name.clone()
        } else {
            new.default_sample_type_name.clone()
        },
        period_type: new.period_type.clone(),
        period: new.period.max(base.period),
        drop_frames: new.drop_frames.clone(),
        keep_frames: new.keep_frames.clone(),
        stats: new.stats,
        ..Profile::default()
    };
    p.time_nanos = new.time_nanos;
    if p.time_nanos == 0 || base.time_nanos < p.time_nanos {
        p.time_nanos = base.time_nanos;
    }
    p.duration_nanos = new.duration_nanos.wrapping_add(base.duration_nanos);
    let mut seen = HashSet::default();
    for c in new.comments.iter().chain(&base.comments) {
        if seen.insert(c.clone()) {
            p.comments.push(c.clone());
        }
    }
    p.warnings = new.warnings.iter().chain(&base.warnings).cloned().collect();
    p
}

/// The tables: the new profile's, then the base's with shifted indices.
/// Returns the base's string and location offsets.
fn append_tables(p: &mut Profile, new: &Profile, base: &Profile) -> (u32, u32) {
    let so = new.strings.len() as u32;
    p.strings = new.strings.iter().chain(&base.strings).cloned().collect();
    let shift = |v: u32, by: u32| if v == NONE { NONE } else { v + by };
    p.mappings = new.mappings.clone();
    let mo = p.mappings.len() as u32;
    p.mappings.extend(base.mappings.iter().map(|m| {
        let mut m = m.clone();
        m.file += so;
        m.build_id += so;
        m
    }));
    p.functions = new.functions.clone();
    let fo = p.functions.len() as u32;
    p.functions.extend(base.functions.iter().map(|f| {
        let mut f = f.clone();
        f.name += so;
        f.system_name += so;
        f.filename += so;
        f
    }));
    p.frames = new.frames.clone();
    let fro = p.frames.len() as u32;
    p.frames.extend(base.frames.iter().map(|fr| {
        let mut fr = *fr;
        fr.function += fo;
        fr
    }));
    p.locations = new.locations.clone();
    let lo = p.locations.len() as u32;
    p.locations.extend(base.locations.iter().map(|l| {
        let mut l = l.clone();
        l.mapping = shift(l.mapping, mo);
        l.frames_start += fro;
        l.frames_end += fro;
        l
    }));
    (so, lo)
}

/// One side of a diff being written: its samples, their (scaled) values,
/// which are kept, the shifts of its tables, and for the base of a
/// `-diff_base` the `pprof::base=true` label (key, value strings).
struct Side<'a> {
    src: &'a Profile,
    values: &'a [i64],
    keep: &'a [bool],
    loc_shift: u32,
    str_shift: u32,
    base_label: Option<(u32, u32)>,
}

fn append_samples(p: &mut Profile, labels: &mut crate::model::SampleLabelsBuilder, side: &Side) {
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
