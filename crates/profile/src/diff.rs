//! Base vs new, combined the way `go tool pprof -base/-diff_base` combines
//! them: the profiles must have the same sample and period types; with
//! `normalize` the new profile is scaled so each sample type's sum equals
//! the base's (pprof's `-normalize`); the base's values are negated and its
//! samples appended (labelled `pprof::base=true` for `-diff_base`, so that
//! percentages are of the base total). Every analysis then works unchanged
//! on the combined profile, and its numbers are net values (new − base).

use crate::error::{Error, Result};
use crate::merge::{append_samples, append_tables, header, merged, mismatch, Side};
use crate::model::Profile;

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

/// Checks that `base` can be subtracted from `new` (pprof's rule).
pub fn compatible(new: &Profile, base: &Profile) -> Result<()> {
    match mismatch(new, base) {
        Some(why) => Err(Error::Invalid {
            what: format!("the profiles cannot be compared: {why}"),
        }),
        None => Ok(()),
    }
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
        merged_new = merged(new, false);
        &merged_new
    } else {
        new
    };
    let (keep_new, new_values) = scale_values(new_src, &ratios(new, base, opts.normalize));
    let (keep_base, base_values) = scale_values(base, &vec![-1.0; n]);
    let mut p = header(&[new_src, base]);
    append_tables(&mut p, new_src);
    let (so, lo) = append_tables(&mut p, base);

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
