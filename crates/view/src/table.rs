//! The top table's order, filter and paging, done where the rows live (the
//! web worker), so that the page only ever holds the rows it shows: a
//! profile of a million distinct functions has a million rows.

use heaplens_analysis::search::Query;
use serde::{Deserialize, Serialize};

use heaplens_profile::units;

/// A column the table sorts by.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Hash, Serialize, Deserialize)]
pub enum Column {
    Flat,
    Cum,
    Name,
    /// Diff columns: the base's and the new profile's values, and the
    /// change in percent of the base.
    BaseFlat,
    NewFlat,
    FlatPct,
    BaseCum,
    NewCum,
    CumPct,
}

impl Column {
    const ALL: [(Column, &'static str); 9] = [
        (Column::Flat, "flat"),
        (Column::Cum, "cum"),
        (Column::Name, "name"),
        (Column::BaseFlat, "base_flat"),
        (Column::NewFlat, "new_flat"),
        (Column::FlatPct, "flat_pct"),
        (Column::BaseCum, "base_cum"),
        (Column::NewCum, "new_cum"),
        (Column::CumPct, "cum_pct"),
    ];

    /// The sort as a share link writes it: "" for the default (flat,
    /// descending), the column's name, `-` first when ascending.
    pub fn link_text(sort: (Column, bool)) -> String {
        if sort == (Column::Flat, true) {
            return String::new();
        }
        let name = Column::ALL
            .iter()
            .find(|(c, _)| *c == sort.0)
            .map_or("flat", |(_, n)| n);
        format!("{}{name}", if sort.1 { "" } else { "-" })
    }

    /// Reads [`Column::link_text`]; None for anything else.
    pub fn from_link_text(s: &str) -> Option<(Column, bool)> {
        if s.is_empty() {
            return Some((Column::Flat, true));
        }
        let (asc, name) = match s.strip_prefix('-') {
            Some(n) => (true, n),
            None => (false, s),
        };
        Column::ALL
            .iter()
            .find(|(_, n)| *n == name)
            .map(|(c, _)| (*c, !asc))
    }
}

/// Rows shown at first, and added by each "show more".
pub const PAGE: u32 = 200;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Row {
    pub name: String,
    /// The function the row belongs to (equal to `name` at function
    /// granularity; without the `file:line` part at line granularity).
    pub function: String,
    /// Net values in a diff (new − base), as `go tool pprof -diff_base`.
    pub flat: i64,
    pub cum: i64,
    /// In a diff: the base's flat and cum (0 otherwise).
    pub base_flat: i64,
    pub base_cum: i64,
    /// "", "(inline)" or "(partial-inline)".
    pub mark: String,
    /// Bytes per object of the row's samples (cum space over cum objects)
    /// where the profile counts objects and their bytes (`X_objects` and
    /// `X_space`, the shown type one of them); in a diff, of the new
    /// profile's samples.
    #[serde(default)]
    pub per_object: Option<u64>,
    /// In a diff: bytes per object of the base profile's samples.
    #[serde(default)]
    pub base_per_object: Option<u64>,
    /// At line granularity with the compiler's diagnostics loaded: what it
    /// said about the row's line, joined by ` | ` ("" otherwise).
    #[serde(default)]
    pub why: String,
}

impl Row {
    /// A row of a function alone: no base, no inline mark.
    pub fn plain(name: &str, flat: i64, cum: i64) -> Row {
        Row {
            name: name.into(),
            function: name.into(),
            flat,
            cum,
            base_flat: 0,
            base_cum: 0,
            mark: String::new(),
            per_object: None,
            base_per_object: None,
            why: String::new(),
        }
    }
}

/// One row of a table as the session keeps it: numbers, and the key whose
/// name (in the tree) the row shows; no string of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    pub key: u32,
    pub flat: i64,
    pub cum: i64,
    pub base_flat: i64,
    pub base_cum: i64,
    pub inline: heaplens_analysis::top::InlineMark,
    /// See [`Row::per_object`] and [`Row::base_per_object`].
    pub per_object: Option<u64>,
    pub base_per_object: Option<u64>,
}

impl Entry {
    /// The value a diff column sorts by.
    fn diff_key(&self, c: Column) -> f64 {
        let pct = |d: i64, b: i64| {
            units::change_percent(d, b).unwrap_or(f64::INFINITY.copysign(d as f64))
        };
        match c {
            Column::BaseFlat => self.base_flat as f64,
            Column::NewFlat => self.base_flat.wrapping_add(self.flat) as f64,
            Column::FlatPct => pct(self.flat, self.base_flat),
            Column::BaseCum => self.base_cum as f64,
            Column::NewCum => self.base_cum.wrapping_add(self.cum) as f64,
            Column::CumPct => pct(self.cum, self.base_cum),
            _ => 0.0,
        }
    }
}

/// Whether `name` contains `needle` (already lower case), ignoring ASCII
/// and Unicode case, without allocating for ASCII names.
fn contains_folded(name: &str, needle: &str) -> bool {
    if needle.is_empty() {
        return true;
    }
    if name.is_ascii() && needle.is_ascii() {
        let (h, n) = (name.as_bytes(), needle.as_bytes());
        return h.len() >= n.len()
            && h.windows(n.len())
                .any(|w| w.iter().zip(n).all(|(a, b)| a.to_ascii_lowercase() == *b));
    }
    name.to_lowercase().contains(needle)
}

/// Indices of `rows` that pass `filter` (a substring, any case, or a
/// `/regex/` as the search takes; an invalid regex passes nothing), in the
/// chosen order; `names` by key. Flat order is pprof's own (the rows come
/// sorted that way); ties keep that order.
pub fn order(rows: &[Entry], names: &[String], sort: Column, desc: bool, filter: &str) -> Vec<u32> {
    let name = |i: u32| -> &str {
        rows.get(i as usize)
            .and_then(|r| names.get(r.key as usize))
            .map_or("", |n| n.as_str())
    };
    let query = Query::parse(filter);
    let f = filter.trim().to_lowercase();
    let keep = |n: &str| match &query {
        Ok(Some(q @ Query::Regex(_))) => q.is_match(n),
        Ok(_) => contains_folded(n, &f),
        Err(_) => false,
    };
    let mut idx: Vec<u32> = (0..rows.len() as u32).filter(|&i| keep(name(i))).collect();
    let row = |i: u32| &rows[i as usize];
    match sort {
        Column::Flat => {
            if !desc {
                idx.reverse();
            }
        }
        Column::Cum => {
            heaplens_profile::sorting::sort_by(&mut idx, |&a, &b| {
                row(b)
                    .cum
                    .unsigned_abs()
                    .cmp(&row(a).cum.unsigned_abs())
                    .then(a.cmp(&b))
            });
            if !desc {
                idx.reverse();
            }
        }
        Column::Name => {
            heaplens_profile::sorting::sort_by(&mut idx, |&a, &b| {
                name(a).cmp(name(b)).then(a.cmp(&b))
            });
            if desc {
                idx.reverse();
            }
        }
        c => {
            heaplens_profile::sorting::sort_by(&mut idx, |&a, &b| {
                row(b)
                    .diff_key(c)
                    .total_cmp(&row(a).diff_key(c))
                    .then(a.cmp(&b))
            });
            if !desc {
                idx.reverse();
            }
        }
    }
    idx
}

/// [`order`] over rows that carry their names (the page's, in tests).
pub fn order_rows(rows: &[Row], sort: Column, desc: bool, filter: &str) -> Vec<u32> {
    let names: Vec<String> = rows.iter().map(|r| r.name.clone()).collect();
    let entries: Vec<Entry> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| Entry {
            key: i as u32,
            flat: r.flat,
            cum: r.cum,
            base_flat: r.base_flat,
            base_cum: r.base_cum,
            inline: heaplens_analysis::top::InlineMark::None,
            per_object: r.per_object,
            base_per_object: r.base_per_object,
        })
        .collect();
    order(&entries, &names, sort, desc, filter)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(name: &str, flat: i64, cum: i64) -> Row {
        Row::plain(name, flat, cum)
    }

    fn rows() -> Vec<Row> {
        vec![r("b", 5, 5), r("a", 3, 9), r("c", 0, 10)]
    }

    #[test]
    fn ordering_and_filtering() {
        let rs = rows();
        assert_eq!(order_rows(&rs, Column::Flat, true, ""), vec![0, 1, 2]);
        assert_eq!(order_rows(&rs, Column::Flat, false, ""), vec![2, 1, 0]);
        assert_eq!(order_rows(&rs, Column::Cum, true, ""), vec![2, 1, 0]);
        assert_eq!(order_rows(&rs, Column::Name, false, ""), vec![1, 0, 2]);
        assert_eq!(order_rows(&rs, Column::Flat, true, "A"), vec![1]);
        assert_eq!(order_rows(&rs, Column::Flat, true, " b "), vec![0]);
        // Diff columns: the new cum is base + net.
        let mut d = rows();
        d[0].base_cum = 100;
        assert_eq!(order_rows(&d, Column::NewCum, true, "")[0], 0);
        assert_eq!(order_rows(&d, Column::BaseCum, true, "")[0], 0);
    }

    #[test]
    fn filter_takes_a_regex_between_slashes() {
        let rows = vec![
            r("encoding/json.Marshal", 1, 1),
            r("bytes.growSlice", 2, 2),
            r("json", 3, 3),
        ];
        let names = |o: Vec<u32>| -> Vec<String> {
            o.iter().map(|&i| rows[i as usize].name.clone()).collect()
        };
        assert_eq!(
            names(order_rows(&rows, Column::Flat, true, "/^json$/")),
            ["json"]
        );
        assert_eq!(
            names(order_rows(&rows, Column::Flat, true, "/Marshal|grow/")),
            ["encoding/json.Marshal", "bytes.growSlice"]
        );
        // Substrings ignore case; a regex does not; an invalid one keeps nothing.
        assert_eq!(order_rows(&rows, Column::Flat, true, "JSON").len(), 2);
        assert!(order_rows(&rows, Column::Flat, true, "/JSON/").is_empty());
        assert!(order_rows(&rows, Column::Flat, true, "/(/").is_empty());
    }

    #[test]
    fn filter_ignores_case_beyond_ascii() {
        let rs = vec![r("pkg.Ärger", 1, 1), r("pkg.ENCODE", 1, 1), r("x", 1, 1)];
        assert_eq!(order_rows(&rs, Column::Flat, true, "äR"), vec![0]);
        assert_eq!(order_rows(&rs, Column::Flat, true, "enc"), vec![1]);
        assert_eq!(order_rows(&rs, Column::Flat, true, "pkg."), vec![0, 1]);
    }

    #[test]
    fn sort_text_round_trips() {
        for c in Column::ALL.map(|(c, _)| c) {
            for desc in [true, false] {
                let t = Column::link_text((c, desc));
                assert_eq!(Column::from_link_text(&t), Some((c, desc)), "{t}");
            }
        }
        assert_eq!(Column::from_link_text("bogus"), None);
    }
}
