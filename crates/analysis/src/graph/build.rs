//! One pass over the samples: the graph of a sample type over the nodes
//! kept, as pprof's `graph.New` builds it. Each location's kept frames are
//! worked out once (which keys, inlined or not, and where dropped frames
//! lie between them), so a sample's pass reads them instead of testing
//! every frame, in one loop per width of the stacks' location indices.

use heaplens_profile::model::{Profile, Stack};

use super::tally::Tally;
use crate::keys::Keys;

/// A kept frame of a location: its key, whether it was inlined, and
/// whether frames were dropped just before it (towards the root).
#[derive(Clone, Copy)]
struct Kept {
    key: u32,
    inlined: bool,
    dropped_before: bool,
}

/// Every location's kept frames, root-most first, and whether frames were
/// dropped after its last kept one.
struct Runs {
    offsets: Vec<u32>,
    frames: Vec<Kept>,
    dropped_after: Vec<bool>,
}

impl Runs {
    fn new(keys: &Keys, kept: Option<&[bool]>) -> Runs {
        let locs = keys.loc_offsets.len().saturating_sub(1);
        let mut runs = Runs {
            offsets: Vec::with_capacity(locs + 1),
            frames: Vec::new(),
            dropped_after: Vec::with_capacity(locs),
        };
        runs.offsets.push(0);
        for l in 0..locs {
            let (a, b) = (
                keys.loc_offsets[l] as usize,
                keys.loc_offsets[l + 1] as usize,
            );
            let mut dropped = false;
            for &packed in keys.loc_keys.get(a..b).unwrap_or(&[]) {
                let key = packed >> 1;
                let keep = kept.is_none_or(|kk| kk.get(key as usize).copied().unwrap_or(false));
                if !keep {
                    dropped = true;
                    continue;
                }
                runs.frames.push(Kept {
                    key,
                    inlined: packed & 1 == 1,
                    dropped_before: dropped,
                });
                dropped = false;
            }
            runs.offsets.push(runs.frames.len() as u32);
            runs.dropped_after.push(dropped);
        }
        runs
    }
}

/// The sums of one pass, by key.
pub(super) struct Sums {
    pub(super) flat: Vec<i64>,
    pub(super) cum: Vec<i64>,
    pub(super) present: Vec<bool>,
    /// The last sample that counted each key's cum.
    seen: Vec<usize>,
    pub(super) tally: Tally,
}

impl Sums {
    /// Sample `s` (weight `w`, tags `tags`) over its locations, root first.
    fn sample(
        &mut self,
        runs: &Runs,
        s: usize,
        w: i64,
        tags: &[u32],
        locs: impl Iterator<Item = usize>,
    ) {
        let mut parent: Option<u32> = None;
        let mut residual = false;
        for loc in locs {
            let (Some(&a), Some(&b)) = (runs.offsets.get(loc), runs.offsets.get(loc + 1)) else {
                continue;
            };
            for f in runs.frames.get(a as usize..b as usize).unwrap_or(&[]) {
                residual |= f.dropped_before;
                let ku = f.key as usize;
                self.present[ku] = true;
                if self.seen[ku] != s {
                    self.seen[ku] = s;
                    self.cum[ku] = self.cum[ku].wrapping_add(w);
                    for &t in tags {
                        let e = self.tally.tag(f.key, t);
                        e.1 = e.1.wrapping_add(w);
                    }
                }
                if let Some(par) = parent.filter(|&par| par != f.key) {
                    let i = self.tally.edge(par, f.key);
                    if let Some((_, e, last)) = self.tally.edges.get_mut(i) {
                        // Once per sample, as pprof counts an edge.
                        if *last != s {
                            *last = s;
                            e.0 = e.0.wrapping_add(w);
                            e.1 |= residual;
                            e.2 &= f.inlined;
                        }
                    }
                }
                parent = Some(f.key);
                residual = false;
            }
            residual |= runs.dropped_after.get(loc).copied().unwrap_or(false);
        }
        if let (Some(leaf), false) = (parent, residual) {
            let lu = leaf as usize;
            self.flat[lu] = self.flat[lu].wrapping_add(w);
            for &t in tags {
                let e = self.tally.tag(leaf, t);
                e.0 = e.0.wrapping_add(w);
            }
        }
    }
}

/// One pass over the samples of sample type `ty` over the nodes `kept`
/// allows (all with None), as pprof's `graph.New` makes it; `of_set`
/// holds the tags of each set of labels (of `n_tags` names).
pub(super) fn pass(
    p: &Profile,
    ty: usize,
    keys: &Keys,
    (of_set, n_tags): (&[Vec<u32>], usize),
    kept: Option<&[bool]>,
) -> Sums {
    let n = keys.names.len();
    let mut sums = Sums {
        flat: vec![0; n],
        cum: vec![0; n],
        present: vec![false; n],
        seen: vec![usize::MAX; n],
        tally: Tally::new(n, kept, n_tags),
    };
    let runs = Runs::new(keys, kept);
    for s in 0..p.num_samples() {
        let w = p.value(s, ty);
        if w == 0 {
            continue;
        }
        let set = p.labels.set_of(s) as usize;
        let t = of_set.get(set).map_or(&[][..], Vec::as_slice);
        match p.stack(s) {
            Stack::Narrow(v) => sums.sample(&runs, s, w, t, v.iter().rev().map(|&l| l as usize)),
            Stack::Wide(v) => sums.sample(&runs, s, w, t, v.iter().rev().map(|&l| l as usize)),
        }
    }
    sums
}
