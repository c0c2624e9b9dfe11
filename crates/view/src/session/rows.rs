//! The top table's part of a view: every row of the table (pprof's order,
//! in a diff with the base's own values), kept by the session; the rows the
//! page asked for, sorted, filtered and paged; rows as the page and the
//! exports show them.

use std::rc::Rc;

use heaplens_analysis::top::{key_values, top_keys_of};
use heaplens_analysis::tree::Column;
use heaplens_analysis::{CallTree, Granularity, TopOptions};
use heaplens_profile::model::{Profile, NONE};

use super::caches::{shared_column, Caches, OrderKey, RowsKey};
use crate::params::TableParams;
use crate::table::{order, Entry, Row};

/// What the page asked the table for: its order and filter, and how many
/// rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowsAsked {
    pub table: TableParams,
    pub limit: u32,
}

/// The rows sent: the first `limit` in the asked order, how many pass the
/// filter, and how many there are.
pub struct Sent {
    pub rows: Vec<Row>,
    pub matching: u32,
    pub total: u32,
}

/// The rows of table `key` (over `tree`, the shown profile `p` at the
/// table's granularity; `functions` when it is the function tree, whose
/// columns the caches share) that `asked` wants; `split` is where a diff's
/// base samples start.
pub fn rows(
    caches: &mut Caches,
    key: RowsKey,
    p: &Profile,
    (tree, functions): (&CallTree, bool),
    split: Option<usize>,
    asked: &RowsAsked,
    why: Option<&crate::why::Index>,
) -> Sent {
    let Caches {
        rows: kept, others, ..
    } = &mut *caches;
    let all = kept
        .get_or(key, || {
            // The function tree's columns are the view's.
            let of = (key.column.generation, p);
            let mut shared = |t: usize| shared_column(others, of, tree, t);
            let whole: Option<WholeColumn> = functions.then_some(&mut shared);
            Rc::new(all_rows_of(
                p,
                (tree, whole),
                key.column.sample_type,
                split,
                key.drop_negative,
            ))
        })
        .clone();
    let q = &asked.table;
    let okey = OrderKey {
        rows: key,
        sort: q.sort,
        descending: q.descending,
        filter: q.filter.trim().to_string(),
    };
    let ord = caches
        .order
        .get_or(okey, || {
            Rc::new(order(
                &all,
                &tree.keys.names,
                q.sort,
                q.descending,
                &q.filter,
            ))
        })
        .clone();
    Sent {
        rows: ord
            .iter()
            .take(asked.limit as usize)
            .filter_map(|&i| all.get(i as usize))
            .map(|e| {
                let mut r = entry_row(p, tree, e);
                if let Some(index) = why {
                    r.why = why_of_row(p, tree, e, index);
                }
                r
            })
            .collect(),
        matching: ord.len() as u32,
        total: all.len() as u32,
    }
}

/// Every row of the top table of `tree`, in pprof's order; in a diff
/// (`split`: where the base's samples start) with the base's own values;
/// with `drop_negative`, pprof's `-drop_negative`.
pub fn all_rows(
    p: &Profile,
    tree: &CallTree,
    ty: usize,
    split: Option<usize>,
    drop_negative: bool,
) -> Vec<Entry> {
    all_rows_of(p, (tree, None), ty, split, drop_negative)
}

/// The tree's column of a sample type over every sample, kept where it
/// was made (the function tree's are shared by the whole view).
pub type WholeColumn<'a> = &'a mut dyn FnMut(usize) -> Rc<Column>;

/// [`all_rows`] with `whole`, when the tree's columns over every sample
/// are kept.
pub fn all_rows_of(
    p: &Profile,
    (tree, mut whole): (&CallTree, Option<WholeColumn>),
    ty: usize,
    split: Option<usize>,
    drop_negative: bool,
) -> Vec<Entry> {
    let opts = TopOptions {
        drop_negative,
        ..TopOptions::new(ty)
    };
    let shown = match whole.as_mut() {
        Some(w) => w(ty),
        None => Rc::new(tree.column(p, ty)),
    };
    let t = top_keys_of(tree, &shown, &opts);
    // The base's own flat and cum per row, in a diff.
    let (base_flat, base_cum) = match split {
        Some(split) => {
            let bcol = tree.column_of(p, ty, split..p.num_samples(), true);
            let mut f = vec![0i64; tree.keys.len()];
            let mut c = vec![0i64; tree.keys.len()];
            key_values(tree, &bcol, &mut f, &mut c);
            (f, c)
        }
        None => (Vec::new(), Vec::new()),
    };
    let n = p.num_samples();
    // Without a base, the new samples are every sample.
    let mut kept = |t: usize| match whole.as_mut() {
        Some(w) => w(t),
        None if t == ty => shown.clone(),
        None => Rc::new(tree.column(p, t)),
    };
    let whole: Option<WholeColumn> = split.is_none().then_some(&mut kept);
    let new_per_object = per_object(p, (tree, whole), ty, 0..split.unwrap_or(n));
    let base_per_object = split.map_or(Vec::new(), |s| per_object(p, (tree, None), ty, s..n));
    t.rows
        .into_iter()
        .map(|r| Entry {
            key: r.key,
            flat: r.flat,
            cum: r.cum,
            base_flat: base_flat.get(r.key as usize).copied().unwrap_or(0),
            base_cum: base_cum.get(r.key as usize).copied().unwrap_or(0),
            inline: r.inline,
            per_object: new_per_object.get(r.key as usize).copied().flatten(),
            base_per_object: base_per_object.get(r.key as usize).copied().flatten(),
        })
        .collect()
}

/// The sample types (space, objects) of the pair `ty` belongs to:
/// `X_space` and `X_objects` (Go's alloc and inuse pairs).
pub fn object_pair(p: &Profile, ty: usize) -> Option<(usize, usize)> {
    let name = p.sample_types.get(ty)?.ty.as_str();
    let stem = name
        .strip_suffix("_space")
        .or_else(|| name.strip_suffix("_objects"))?;
    let find = |n: String| p.sample_types.iter().position(|t| t.ty == n);
    Some((
        find(format!("{stem}_space"))?,
        find(format!("{stem}_objects"))?,
    ))
}

/// Bytes per object of each key's samples in `range` (cum over cum),
/// where `ty` is one of a pair (a diff's new samples come first, its
/// base's negated ones after: either part gives its profile's figure).
/// Empty without a pair.
fn per_object(
    p: &Profile,
    (tree, mut whole): (&CallTree, Option<WholeColumn>),
    ty: usize,
    range: std::ops::Range<usize>,
) -> Vec<Option<u64>> {
    let Some((space, objects)) = object_pair(p, ty) else {
        return Vec::new();
    };
    let mut cum = |t: usize| {
        let col = match whole.as_mut() {
            Some(w) => w(t),
            None => Rc::new(tree.column_of(p, t, range.clone(), false)),
        };
        let mut f = vec![0i64; tree.keys.len()];
        let mut c = vec![0i64; tree.keys.len()];
        key_values(tree, &col, &mut f, &mut c);
        c
    };
    let (s, o) = (cum(space), cum(objects));
    s.iter()
        .zip(&o)
        .map(|(&s, &o)| {
            // A diff's base part is negated: the ratio of two negatives.
            let (s, o) = if o < 0 { (-s, -o) } else { (s, o) };
            (o > 0 && s >= 0).then(|| ((s as f64) / (o as f64)).round() as u64)
        })
        .collect()
}

/// A table row as the page shows it.
pub fn entry_row(p: &Profile, tree: &CallTree, e: &Entry) -> Row {
    let k = e.key as usize;
    let name = tree.keys.names.get(k).cloned().unwrap_or_default();
    let f = tree.keys.function.get(k).copied().unwrap_or(NONE);
    let function = match p.functions.get(f as usize) {
        Some(func) if tree.keys.granularity != Granularity::Functions => {
            let n = p.str(func.name);
            if n.is_empty() {
                name.clone()
            } else {
                n.to_string()
            }
        }
        _ => name.clone(),
    };
    Row {
        name,
        function,
        flat: e.flat,
        cum: e.cum,
        base_flat: e.base_flat,
        base_cum: e.base_cum,
        mark: e.inline.as_str().to_string(),
        per_object: e.per_object,
        base_per_object: e.base_per_object,
        why: String::new(),
    }
}

/// What the compiler said about a line-granularity row's line (its
/// function's file, the line its name ends with), joined by ` | `.
pub fn why_of_row(p: &Profile, tree: &CallTree, e: &Entry, index: &crate::why::Index) -> String {
    if tree.keys.granularity != Granularity::Lines {
        return String::new();
    }
    let k = e.key as usize;
    let Some(func) = tree
        .keys
        .function
        .get(k)
        .and_then(|&f| p.functions.get(f as usize))
    else {
        return String::new();
    };
    let line = tree
        .keys
        .names
        .get(k)
        .and_then(|n| n.rsplit_once(':'))
        .and_then(|(_, l)| l.parse::<i64>().ok());
    let Some(line) = line else {
        return String::new();
    };
    let file = heaplens_analysis::list::clean_file(p.str(func.filename));
    // As `heaplens why --format tsv`'s last column.
    let mut m: Vec<&str> = index
        .at(&file, line)
        .iter()
        .map(|d| d.message.as_str())
        .collect();
    m.dedup();
    m.join(" | ")
}
