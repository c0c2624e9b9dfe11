//! Shared helpers of the engine tests: the test profiles of heaplens-
//! profile's tests (`support`, included by path so both crates build
//! profiles one way), and lookups by name in a tree or a table.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(dead_code)]

#[path = "../../../profile/tests/common/support.rs"]
mod support;

pub use support::*;

use heaplens_analysis::{CallTree, Top};

/// The key id of `name` in the tree's keys.
pub fn key(tree: &CallTree, name: &str) -> u32 {
    tree.keys
        .names
        .iter()
        .position(|n| n == name)
        .unwrap_or_else(|| panic!("no key {name:?} in {:?}", tree.keys.names)) as u32
}

/// The name of a key id.
pub fn name(tree: &CallTree, key: u32) -> &str {
    &tree.keys.names[key as usize]
}

/// A top table's rows as (name, flat, cum), in order.
pub fn rows(t: &Top) -> Vec<(&str, i64, i64)> {
    t.rows
        .iter()
        .map(|r| (r.name.as_str(), r.flat, r.cum))
        .collect()
}
