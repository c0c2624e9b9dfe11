//! What the session keeps between views of the same prepared profile, each
//! entry under a named key. Keys start from the prepared profile's
//! generation ([`crate::pipeline::Prepared::generation`]), so a new profile,
//! base, diff mode or filter makes every entry stale at once.

use std::rc::Rc;

use heaplens_analysis::tree::Column;
use heaplens_analysis::Granularity;

use super::render::PeekData;
use super::summary::HotSites;
use crate::table::{Column as SortColumn, Entry};

/// One sample type of one prepared profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ColumnKey {
    pub generation: u64,
    pub sample_type: usize,
}

/// A top table: a sample type at a granularity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RowsKey {
    pub column: ColumnKey,
    pub granularity: Granularity,
    /// pprof's `-drop_negative`.
    pub drop_negative: bool,
}

/// A table's rows in an order, filtered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderKey {
    pub rows: RowsKey,
    pub sort: SortColumn,
    pub descending: bool,
    /// Trimmed.
    pub filter: String,
}

/// Callers and callees of one function (a key of the function tree).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PeekKey {
    pub column: ColumnKey,
    pub key: u32,
}

/// Hot allocation sites of a diff, for one sample type.
pub type HotKey = ColumnKey;

/// The function tree's column of the sample type shown; in a diff also the
/// new and the base profile's columns apart.
pub struct Columns {
    pub shown: Column,
    pub split: Option<(Column, Column)>,
}

/// One cached value and the key it was made for.
pub struct Cached<K, V> {
    entry: Option<(K, V)>,
}

impl<K, V> Default for Cached<K, V> {
    fn default() -> Self {
        Cached { entry: None }
    }
}

impl<K: PartialEq, V> Cached<K, V> {
    /// The value for `key`, made by `make` unless it is the one kept (the
    /// old value is dropped before `make` runs).
    pub fn get_or(&mut self, key: K, make: impl FnOnce() -> V) -> &V {
        if self.entry.as_ref().is_some_and(|(k, _)| *k != key) {
            self.entry = None;
        }
        &self.entry.get_or_insert_with(|| (key, make())).1
    }

    /// As [`Cached::get_or`], to change in place.
    pub fn get_or_mut(&mut self, key: K, make: impl FnOnce() -> V) -> &mut V {
        if self.entry.as_ref().is_some_and(|(k, _)| *k != key) {
            self.entry = None;
        }
        &mut self.entry.get_or_insert_with(|| (key, make())).1
    }

    /// The value kept for `key`, if it is the one kept.
    pub fn get(&self, key: &K) -> Option<&V> {
        self.entry
            .as_ref()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v)
    }

    pub fn clear(&mut self) {
        self.entry = None;
    }
}

/// Everything kept between views.
#[derive(Default)]
pub struct Caches {
    pub columns: Cached<ColumnKey, Rc<Columns>>,
    /// The flame graph's columns when its shape is not the function tree's
    /// (by the number of the tree grown, `crate::graphs::Graphs::grown`).
    pub graph_columns: Cached<(ColumnKey, u64), Rc<Columns>>,
    /// Every row of the table last asked for, in pprof's order.
    pub rows: Cached<RowsKey, Rc<Vec<Entry>>>,
    /// Those rows in the order and with the filter last asked for.
    pub order: Cached<OrderKey, Rc<Vec<u32>>>,
    pub peek: Cached<PeekKey, PeekData>,
    pub hot: Cached<HotKey, HotSites>,
    /// The function tree's column of every sample type, as asked for, by
    /// the prepared profile's generation.
    pub others: Cached<u64, Vec<Option<Rc<Column>>>>,
    /// Every sample type's column of the shaped tree last grown, by the
    /// prepared profile's generation and the tree's number.
    pub graph_others: Cached<(u64, u64), Vec<Rc<Column>>>,
}

impl Caches {
    /// Drops the tables (the largest entries), e.g. before loading a
    /// profile, to leave it room.
    pub fn drop_tables(&mut self) {
        self.rows.clear();
        self.order.clear();
    }
}
