//! What the objects are: a histogram of the object sizes of a Go heap
//! profile. Go's runtime labels each heap sample with `bytes`, the size of
//! its objects (the size class they were rounded up to); the histogram sums
//! a sample type over Go's size classes, for the whole view or the samples
//! through one function, and in a diff for each profile. The page and the
//! CLI's callers share it.

use heaplens_analysis::{CallTree, Granularity};
use heaplens_profile::model::{Profile, NONE};
use serde::{Deserialize, Serialize};

/// Go's small-object size classes (bytes; `runtime/sizeclasses.go`, the
/// same from Go 1.12 through at least 1.23). Larger objects get their own
/// spans and are binned by powers of two here.
pub const SIZE_CLASSES: [u64; 67] = [
    8, 16, 24, 32, 48, 64, 80, 96, 112, 128, 144, 160, 176, 192, 208, 224, 240, 256, 288, 320, 352,
    384, 416, 448, 480, 512, 576, 640, 704, 768, 896, 1024, 1152, 1280, 1408, 1536, 1792, 2048,
    2304, 2688, 3072, 3200, 3456, 4096, 4864, 5376, 6144, 6528, 6784, 6912, 8192, 9472, 9728,
    10240, 10880, 12288, 13568, 14336, 16384, 18432, 19072, 20480, 21760, 24576, 27264, 28672,
    32768,
];

/// The largest small object; above it, objects are large.
pub const MAX_SMALL: u64 = 32768;

/// One bar: the objects of sizes in `lo+1..=hi`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bin {
    /// The size class (or, for large objects, the power of two) bounding
    /// the bin from above, in bytes.
    pub hi: u64,
    /// The bin below's bound (0 for the first).
    pub lo: u64,
    /// The sample type's value of the samples in the bin (the new
    /// profile's in a diff).
    pub value: i64,
    /// In a diff: the base profile's value (0 otherwise).
    pub base: i64,
}

/// The histogram of a view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Histogram {
    /// Bins with a value on either side, smallest first.
    pub bins: Vec<Bin>,
    /// The function whose samples are counted (None: every sample).
    pub function: Option<String>,
    /// The value of the counted samples with no `bytes` label.
    pub unlabelled: i64,
    pub diff: bool,
}

/// The bin (lo, hi) of an object of `size` bytes.
pub fn bin_of(size: u64) -> (u64, u64) {
    if size > MAX_SMALL {
        let hi = size.next_power_of_two();
        return ((hi / 2).max(MAX_SMALL), hi);
    }
    let i = SIZE_CLASSES.partition_point(|&c| c < size);
    let hi = SIZE_CLASSES.get(i).copied().unwrap_or(MAX_SMALL);
    let lo = if i == 0 { 0 } else { SIZE_CLASSES[i - 1] };
    (lo, hi)
}

/// The indices of the string `bytes` in `p`'s string table (a diff's
/// profile may hold it twice), when the profile's samples carry numeric
/// `bytes` labels.
fn bytes_keys(p: &Profile) -> Option<Vec<u32>> {
    let keys: Vec<u32> = p
        .strings
        .iter()
        .enumerate()
        .filter(|(_, s)| *s == "bytes")
        .map(|(i, _)| i as u32)
        .collect();
    p.labels
        .distinct()
        .iter()
        .any(|l| keys.contains(&l.key) && l.str == 0)
        .then_some(keys)
}

/// The histogram of sample type `ty` over `p`'s samples, or of those
/// through a function named `function`; `split` is where a diff's base
/// samples (negated) start. None when no sample carries a `bytes` label.
pub fn histogram(
    p: &Profile,
    ty: usize,
    split: Option<usize>,
    function: Option<&str>,
) -> Option<Histogram> {
    let through: Option<Vec<bool>> = function.map(|name| {
        p.locations
            .iter()
            .map(|l| {
                p.frames[l.frame_range()].iter().any(|f| {
                    p.functions
                        .get(f.function as usize)
                        .is_some_and(|func| p.str(func.name) == name)
                })
            })
            .collect()
    });
    let mask = through.as_deref().unwrap_or(&[]);
    binned(p, ty, split, function, |s| {
        through.is_none()
            || p.stack(s)
                .iter()
                .any(|loc| mask.get(loc as usize).copied().unwrap_or(false))
    })
}

/// [`histogram`] with `p`'s function tree `tree` telling which samples
/// pass through `function` (one look per sample, not a walk of its stack).
pub fn histogram_by_tree(
    p: &Profile,
    tree: &CallTree,
    ty: usize,
    split: Option<usize>,
    function: Option<&str>,
) -> Option<Histogram> {
    if tree.keys.granularity != Granularity::Functions || tree.leaf.len() != p.num_samples() {
        return histogram(p, ty, split, function);
    }
    let Some(name) = function else {
        return binned(p, ty, split, None, |_| true);
    };
    // The nodes at or below one of the function.
    let key = tree.keys.names.iter().position(|n| n == name);
    let mut below = vec![false; tree.len()];
    for n in 1..tree.len() {
        let at = key.is_some_and(|k| tree.key_of(n as u32) as usize == k);
        below[n] = at || below[tree.parent[n] as usize];
    }
    binned(p, ty, split, function, |s| {
        let l = tree.leaf[s];
        l != NONE && below[l as usize]
    })
}

/// The histogram of the samples `through` keeps.
fn binned(
    p: &Profile,
    ty: usize,
    split: Option<usize>,
    function: Option<&str>,
    through: impl Fn(usize) -> bool,
) -> Option<Histogram> {
    let keys = bytes_keys(p)?;
    if ty >= p.num_types() {
        return None;
    }
    let split = split.unwrap_or(p.num_samples());
    // Each label set's bin once (a heap profile's million samples share a
    // few hundred sets): its place among the bins, Go's size classes then
    // a power of two each; None without a size.
    let places: Vec<Option<(usize, u64, u64)>> = (0..p.labels.sets() as u32)
        .map(|k| {
            let size = p
                .labels
                .set(k)
                .iter()
                .find(|l| keys.contains(&l.key) && l.str == 0)
                .map(|l| l.num)
                .filter(|&n| n > 0)?;
            let (lo, hi) = bin_of(size as u64);
            let place = if hi > MAX_SMALL {
                SIZE_CLASSES.len() + hi.trailing_zeros() as usize
            } else {
                SIZE_CLASSES.partition_point(|&c| c < hi)
            };
            Some((place, lo, hi))
        })
        .collect();
    let mut bins: Vec<Option<Bin>> = vec![None; SIZE_CLASSES.len() + 64];
    let mut unlabelled = 0i64;
    for s in 0..p.num_samples() {
        let v = p.value(s, ty);
        if v == 0 || !through(s) {
            continue;
        }
        let set = p.labels.set_of(s) as usize;
        let Some(&Some((place, lo, hi))) = places.get(set) else {
            unlabelled = unlabelled.wrapping_add(v.abs());
            continue;
        };
        let Some(slot) = bins.get_mut(place) else {
            continue;
        };
        let bin = slot.get_or_insert(Bin {
            hi,
            lo,
            value: 0,
            base: 0,
        });
        if s < split {
            bin.value = bin.value.wrapping_add(v);
        } else {
            // A diff's base samples are negated.
            bin.base = bin.base.wrapping_sub(v);
        }
    }
    Some(Histogram {
        bins: bins
            .into_iter()
            .flatten()
            .filter(|b| b.value != 0 || b.base != 0)
            .collect(),
        function: function.map(str::to_string),
        unlabelled,
        diff: split < p.num_samples(),
    })
}

/// A bin's label: `48 B`, `1 KiB`, `32–64 KiB`.
pub fn bin_label(b: &Bin) -> String {
    let size = |n: u64| {
        if n >= 1024 && n.is_multiple_of(1024) {
            format!("{} KiB", n / 1024)
        } else {
            format!("{n} B")
        }
    };
    if b.hi > MAX_SMALL {
        let kib = |n: u64| (n / 1024).to_string();
        if b.hi >= 1 << 20 && b.hi.is_multiple_of(1 << 20) {
            return format!("{}–{} MiB", b.lo as f64 / f64::from(1u32 << 20), b.hi >> 20);
        }
        return format!("{}–{} KiB", kib(b.lo), kib(b.hi));
    }
    size(b.hi)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_go_to_their_size_class() {
        assert_eq!(bin_of(1), (0, 8));
        assert_eq!(bin_of(8), (0, 8));
        assert_eq!(bin_of(9), (8, 16));
        assert_eq!(bin_of(48), (32, 48));
        assert_eq!(bin_of(3073), (3072, 3200));
        assert_eq!(bin_of(32768), (28672, 32768));
        assert_eq!(bin_of(32769), (32768, 65536));
        assert_eq!(bin_of(200_000), (131072, 262144));
        assert!(SIZE_CLASSES.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn labels_read_as_people_write_sizes() {
        let bin = |size| {
            let (lo, hi) = bin_of(size);
            bin_label(&Bin {
                lo,
                hi,
                value: 1,
                base: 0,
            })
        };
        assert_eq!(bin(40), "48 B");
        assert_eq!(bin(1000), "1 KiB");
        assert_eq!(bin(40_000), "32–64 KiB");
        assert_eq!(bin(3 << 20), "2–4 MiB");
    }
}
