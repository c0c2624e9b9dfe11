//! One shared sort for heaplens's many small, cold sorts (peek lists,
//! links, exports, benchmark ranks...). Each `sort_by` with its own closure
//! is a separate copy of the standard library's sort, several kilobytes of
//! WebAssembly apiece; these go through a single copy with the comparison
//! as a dynamic call. Hot sorts (the top table, node order in the call
//! tree) keep their own.

use std::cmp::Ordering;

/// Sorts `v` stably by `cmp`.
pub fn sort_by<T>(v: &mut [T], cmp: impl Fn(&T, &T) -> Ordering) {
    let mut order = sorted_indices(v.len(), &|a, b| cmp(&v[a], &v[b]));
    // Apply the permutation in place, cycle by cycle: position j gets the
    // element that was at order[j].
    for i in 0..order.len() {
        let mut j = i;
        loop {
            let k = order[j] as usize;
            order[j] = j as u32;
            if k == i {
                break;
            }
            v.swap(j, k);
            j = k;
        }
    }
}

/// Sorts `v` stably by the key `key` gives.
pub fn sort_by_key<T, K: Ord>(v: &mut [T], key: impl Fn(&T) -> K) {
    sort_by(v, |a, b| key(a).cmp(&key(b)));
}

/// `0..n` in the order `cmp` gives (stable).
#[inline(never)]
fn sorted_indices(n: usize, cmp: &dyn Fn(usize, usize) -> Ordering) -> Vec<u32> {
    let mut idx: Vec<u32> = (0..n as u32).collect();
    idx.sort_by(|&a, &b| cmp(a as usize, b as usize));
    idx
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_stably_like_the_standard_sort() {
        let mut seed = 7u64;
        for n in [0usize, 1, 2, 3, 10, 100, 1000] {
            let v: Vec<(u8, usize)> = (0..n)
                .map(|i| {
                    seed = seed
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    ((seed >> 60) as u8, i)
                })
                .collect();
            let mut want = v.clone();
            want.sort_by_key(|x| x.0);
            let mut got = v.clone();
            sort_by_key(&mut got, |x| x.0);
            assert_eq!(got, want, "n = {n}");
            let mut rev = v;
            sort_by(&mut rev, |a, b| b.0.cmp(&a.0));
            let mut want_rev = want.clone();
            want_rev.sort_by_key(|x| std::cmp::Reverse(x.0));
            assert_eq!(rev, want_rev);
        }
    }
}
