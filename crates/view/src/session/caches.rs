//! What the session keeps between views of the same prepared profile, each
//! entry under a named key. Keys start from the prepared profile's
//! generation ([`crate::pipeline::Prepared::generation`]), so a new profile,
//! base, diff mode or filter makes every entry stale at once.

use std::rc::Rc;

use heaplens_analysis::tree::Column;
use heaplens_analysis::Granularity;

use super::render::PeekData;
use super::summary::HotSites;
use crate::sizes::Histogram;
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
/// new and the base profile's columns apart. (The shown column of a
/// profile that is not a diff is shared with [`Caches::others`].)
pub struct Columns {
    pub shown: Rc<Column>,
    pub split: Option<(Column, Column)>,
}

/// The values last made and the keys they were made for: one, or two
/// ([`Cached::two`], so that going back to the view before, e.g. taking a
/// filter off, finds its values).
pub struct Cached<K, V> {
    /// Most recently used first.
    entries: Vec<(K, V)>,
    room: usize,
}

impl<K, V> Default for Cached<K, V> {
    fn default() -> Self {
        Cached {
            entries: Vec::new(),
            room: 1,
        }
    }
}

impl<K: PartialEq, V> Cached<K, V> {
    /// A cache that keeps two values.
    pub fn two() -> Self {
        Cached {
            entries: Vec::new(),
            room: 2,
        }
    }

    /// The value for `key`, made by `make` unless it is kept (the least
    /// recently used value is dropped before `make` runs when there is no
    /// room).
    pub fn get_or(&mut self, key: K, make: impl FnOnce() -> V) -> &V {
        self.get_or_mut(key, make)
    }

    /// As [`Cached::get_or`], to change in place.
    pub fn get_or_mut(&mut self, key: K, make: impl FnOnce() -> V) -> &mut V {
        match self.entries.iter().position(|(k, _)| *k == key) {
            Some(i) => self.entries[..=i].rotate_right(1),
            None => {
                self.entries.truncate(self.room.saturating_sub(1));
                let v = make();
                self.entries.insert(0, (key, v));
            }
        }
        &mut self.entries[0].1
    }

    /// The value kept for `key`, if it is kept.
    pub fn get(&self, key: &K) -> Option<&V> {
        self.entries.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    pub fn clear(&mut self) {
        self.entries.clear();
    }
}

/// Everything kept between views.
pub struct Caches {
    pub columns: Cached<ColumnKey, Rc<Columns>>,
    /// The flame graph's columns when its shape is not the function tree's
    /// (by the number of the tree grown, `crate::graphs::Graphs::grown`).
    /// (A sandwich's other half has its own trees, numbered apart: the
    /// flag.)
    pub graph_columns: Cached<(ColumnKey, bool, u64), Rc<Columns>>,
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
    pub graph_others: Cached<(u64, bool, u64), Vec<Rc<Column>>>,
    /// Object-size histograms: (prepared generation, sample type, the
    /// selected function) and the histogram (None without `bytes` labels).
    pub sizes: Cached<SizesKey, Option<Box<Histogram>>>,
}

/// What an object-size histogram depends on.
pub type SizesKey = (u64, usize, Option<String>);

impl Default for Caches {
    fn default() -> Self {
        Caches {
            columns: Cached::two(),
            graph_columns: Cached::two(),
            rows: Cached::two(),
            order: Cached::two(),
            peek: Cached::two(),
            hot: Cached::default(),
            others: Cached::default(),
            graph_others: Cached::default(),
            sizes: Cached::two(),
        }
    }
}

impl Caches {
    /// Drops the tables (the largest entries), e.g. before loading a
    /// profile, to leave it room.
    pub fn drop_tables(&mut self) {
        self.rows.clear();
        self.order.clear();
    }
}

/// The function tree's column of sample type `t` over every sample of `p`
/// (the prepared profile of this generation), made once and kept in
/// `others`: the view's columns, the table's bytes per object and every
/// type's values share them.
pub fn shared_column(
    others: &mut Cached<u64, Vec<Option<Rc<Column>>>>,
    (generation, p): (u64, &heaplens_profile::Profile),
    functions: &heaplens_analysis::CallTree,
    t: usize,
) -> Rc<Column> {
    let cols = others.get_or_mut(generation, Vec::new);
    if cols.len() <= t {
        cols.resize(t + 1, None);
    }
    cols[t]
        .get_or_insert_with(|| Rc::new(functions.column(p, t)))
        .clone()
}

#[cfg(test)]
mod tests {
    use super::Cached;

    #[test]
    fn two_values_are_kept_the_least_recent_goes() {
        let mut c: Cached<u32, String> = Cached::two();
        let mut made = 0;
        let mut get = |c: &mut Cached<u32, String>, k: u32| {
            c.get_or(k, || {
                made += 1;
                format!("v{k}")
            })
            .clone()
        };
        assert_eq!(get(&mut c, 1), "v1");
        assert_eq!(get(&mut c, 2), "v2");
        // 1 is still there, and is now the most recent.
        assert_eq!(get(&mut c, 1), "v1");
        // 3 pushes out 2, the least recently used.
        assert_eq!(get(&mut c, 3), "v3");
        assert_eq!((c.get(&1).cloned(), c.get(&2)), (Some("v1".into()), None));
        assert_eq!(made, 3);
        let mut one: Cached<u32, u32> = Cached::default();
        one.get_or(1, || 10);
        one.get_or(2, || 20);
        assert_eq!((one.get(&1), one.get(&2)), (None, Some(&20)));
    }
}
