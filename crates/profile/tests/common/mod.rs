//! Shared helpers of the profile tests: the test profiles of
//! [`support`] (shared with heaplens-analysis's tests), a sample's stack by
//! name and its labels.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(dead_code)]

mod support;

pub use support::*;

use heaplens_profile::Profile;

/// Sample `s`'s stack as function names (each location's first frame),
/// leaf first.
pub fn stack_names(p: &Profile, s: usize) -> Vec<&str> {
    p.stack(s)
        .iter()
        .map(|l| p.str(p.functions[p.location_frames(l)[0].function as usize].name))
        .collect()
}

/// Sample `s`'s labels as (key, string value) pairs.
pub fn labels(p: &Profile, s: usize) -> Vec<(&str, &str)> {
    p.sample_labels(s)
        .iter()
        .map(|l| (p.str(l.key), p.str(l.str)))
        .collect()
}
