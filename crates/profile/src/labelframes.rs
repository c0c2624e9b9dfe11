//! Label filters that change stacks or labels rather than keep samples:
//! pprof's `-tagroot` / `-tagleaf` (each sample's values of some label keys
//! as pseudo-frames at the root or at the leaf of its stack) and
//! `-tagshow` / `-taghide` (labels kept or dropped by key).

use regex_lite::Regex;
use rustc_hash::FxHashMap;

use crate::model::{
    Frame, Function, Label, Location, Profile, SampleLabelsBuilder, StackLocs, NONE,
};
use crate::units;

/// A sample's values of label `key` as pprof writes them in a pseudo-frame:
/// its string values, then its numbers in `unit` (each in its own unit when
/// the key's labels have none).
fn label_values(p: &Profile, labels: &[Label], key: &str, unit: &str) -> Vec<String> {
    let of_key = || labels.iter().filter(|l| p.str(l.key) == key);
    let mut values: Vec<String> = of_key()
        .filter(|l| l.str != 0)
        .map(|l| p.str(l.str).to_string())
        .collect();
    // pprof reads a number label 0 without a unit as no label at all.
    let numbers = || of_key().filter(|l| l.str == 0 && (l.num != 0 || l.unit != 0));
    let with_units = numbers().any(|l| l.unit != 0);
    values.extend(numbers().map(|l| {
        if with_units {
            units::scaled_label(l.num, p.str(l.unit), unit)
        } else {
            units::scaled_label(l.num, "", "")
        }
    }));
    values
}

/// Pseudo-locations, one per (values, key), made when first needed.
struct Pseudo {
    locs: FxHashMap<(String, String), u32>,
    next_function_id: u64,
    next_location_id: u64,
}

impl Pseudo {
    fn new(p: &Profile) -> Pseudo {
        Pseudo {
            locs: FxHashMap::default(),
            next_function_id: p.functions.iter().map(|f| f.id).max().unwrap_or(0) + 1,
            next_location_id: p.locations.iter().map(|l| l.id).max().unwrap_or(0) + 1,
        }
    }

    fn location(&mut self, p: &mut Profile, name: String, key: &str) -> u32 {
        if let Some(&l) = self.locs.get(&(name.clone(), key.to_string())) {
            return l;
        }
        let mut string = |s: &str| {
            p.strings.push(s.to_string());
            (p.strings.len() - 1) as u32
        };
        let function = Function {
            id: self.next_function_id,
            name: string(&name),
            system_name: 0,
            filename: string(key),
            start_line: 0,
        };
        self.next_function_id += 1;
        p.functions.push(function);
        p.frames.push(Frame {
            function: (p.functions.len() - 1) as u32,
            line: 0,
        });
        p.locations.push(Location {
            id: self.next_location_id,
            address: 0,
            mapping: NONE,
            frames_start: (p.frames.len() - 1) as u32,
            frames_end: p.frames.len() as u32,
        });
        self.next_location_id += 1;
        let l = (p.locations.len() - 1) as u32;
        self.locs.insert((name, key.to_string()), l);
        l
    }
}

/// pprof's `-tagroot` and `-tagleaf`: for every sample, one pseudo-frame
/// per key (named by the sample's values of it joined by `,`, its file the
/// key), the first key nearest the root (or the leaf's caller). Returns
/// whether some sample had a value of a root key, of a leaf key.
pub fn add(p: &mut Profile, roots: &[String], leaves: &[String], unit: &str) -> (bool, bool) {
    let mut pseudo = Pseudo::new(p);
    let (mut rootm, mut leafm) = (false, false);
    let mut new_locs = StackLocs::for_locations(p.locations.len() + 64, p.stack_locs.len());
    let mut new_offsets = Vec::with_capacity(p.stack_offsets.len());
    new_offsets.push(0u32);
    let mut make = |p: &mut Profile, s: usize, keys: &[String], matched: &mut bool| {
        let mut locs = Vec::with_capacity(keys.len());
        for key in keys.iter().rev() {
            let values = label_values(p, p.sample_labels(s), key, unit);
            *matched |= !values.is_empty();
            locs.push(pseudo.location(p, values.join(","), key));
        }
        locs
    };
    for s in 0..p.num_samples() {
        let root_locs = make(p, s, roots, &mut rootm);
        let leaf_locs = make(p, s, leaves, &mut leafm);
        new_locs.extend(leaf_locs);
        new_locs.extend(p.stack(s).iter());
        new_locs.extend(root_locs);
        new_offsets.push(new_locs.len() as u32);
    }
    p.stack_locs = new_locs;
    p.stack_offsets = new_offsets;
    (rootm, leafm)
}

/// pprof's `-tagshow` / `-taghide`: every sample keeps only the labels
/// whose key matches `show` (when given) and not `hide`. Returns whether
/// some key matched `show`, `hide`.
pub fn filter_keys(p: &mut Profile, show: Option<&Regex>, hide: Option<&Regex>) -> (bool, bool) {
    let (mut sm, mut hm) = (false, false);
    // Per key: whether it matches show, hide.
    let mut verdicts: FxHashMap<u32, (bool, bool)> = FxHashMap::default();
    let mut builder = SampleLabelsBuilder::default();
    let mut kept = Vec::new();
    for s in 0..p.num_samples() {
        kept.clear();
        for l in p.sample_labels(s) {
            let (ms, mh) = *verdicts.entry(l.key).or_insert_with(|| {
                let key = p.str(l.key);
                (
                    show.is_none_or(|r| r.is_match(key)),
                    hide.is_some_and(|r| r.is_match(key)),
                )
            });
            (sm, hm) = (sm || ms, hm || mh);
            if ms && !mh {
                kept.push(*l);
            }
        }
        builder.push(&kept);
    }
    p.labels = builder.finish();
    (sm, hm)
}
