//! The label nodelets `go tool pprof -dot` hangs off a node: a box per
//! set of string labels (the four heaviest) and, under it or under the
//! node itself, up to four boxes of numeric label values (object sizes),
//! values grouped into ranges (`48B..64B`) when there are more. An inner
//! node shows its tags' flat values; a leaf their cum (dotted where cum is
//! not flat), which holds what trimmed callees carried.

use std::cmp::Ordering;
use std::fmt::Write as _;

use heaplens_analysis::graph::{Tag, MAX_NODELETS};
use heaplens_profile::units;

/// A tag as nodelets are made of it: name, flat, cum; a numeric one's
/// value and unit.
#[derive(Debug, Clone)]
struct Box3d {
    name: String,
    flat: i64,
    cum: i64,
    value: i64,
    unit: String,
}

/// pprof's order of tags: by |cum| (unless flat ones are shown), then
/// |flat|, then name.
fn sort_tags(t: &mut [Box3d], flat: bool) {
    t.sort_by(|a, b| {
        let by_cum = if !flat && a.cum != b.cum {
            b.cum.abs().cmp(&a.cum.abs())
        } else {
            Ordering::Equal
        };
        by_cum
            .then_with(|| {
                if a.flat != b.flat {
                    b.flat.abs().cmp(&a.flat.abs())
                } else {
                    Ordering::Equal
                }
            })
            .then_with(|| a.name.cmp(&b.name))
    });
}

/// One nodelet of a node: its label and the value it shows; which set of
/// string labels it is (`label`, pprof's order) and, for a numeric one,
/// which of its values (`numeric`), under that set or the node itself.
#[derive(Debug, Clone, PartialEq)]
pub struct Nodelet {
    pub name: String,
    pub value: i64,
    pub label: Option<usize>,
    pub numeric: Option<usize>,
    /// Shows the cum of a leaf's tag whose cum is not its flat (pprof
    /// dots its edge).
    pub dotted: bool,
}

/// The nodelets of a node with `tags` (the node's, kept at the node
/// cutoff), as pprof hangs them: `inner` when the node has callees in the
/// graph (its tags' flat values are shown, else their cum). Each string
/// label set comes before the numeric values under it; the numeric
/// values under no labels come last.
pub fn nodelets(tags: &[Tag], inner: bool) -> Vec<Nodelet> {
    let mut out = Vec::new();
    let mut labels: Vec<Box3d> = tags
        .iter()
        .filter(|t| t.numeric.is_none())
        .map(|t| boxed(t, 0, ""))
        .collect();
    sort_tags(&mut labels, inner);
    labels.truncate(MAX_NODELETS);
    for (i, t) in labels.iter().enumerate() {
        let value = if inner { t.flat } else { t.cum };
        if value == 0 {
            continue;
        }
        out.push(Nodelet {
            name: t.name.clone(),
            value,
            label: Some(i),
            numeric: None,
            dotted: false,
        });
        numeric(&mut out, &numeric_under(tags, &t.name), inner, Some(i));
    }
    numeric(&mut out, &numeric_under(tags, ""), inner, None);
    out
}

/// Writes node `id`'s nodelets of `tags` (as [`nodelets`]) to `s` as
/// pprof writes them. Whether it wrote any.
pub fn write(
    s: &mut String,
    id: usize,
    tags: &[Tag],
    inner: bool,
    fmt_v: &dyn Fn(i64) -> String,
) -> bool {
    let all = nodelets(tags, inner);
    for n in &all {
        let (source, me) = match (n.label, n.numeric) {
            (Some(i), None) => (format!("N{id}"), format!("N{id}_{i}")),
            (Some(i), Some(j)) => (format!("N{id}_{i}"), format!("NN{id}_{i}_{j}")),
            (None, j) => (format!("N{id}"), format!("NN{id}_{}", j.unwrap_or(0))),
        };
        let attr = if n.dotted { " style=\"dotted\"" } else { "" };
        nodelet(s, (&source, &me), &n.name, &fmt_v(n.value), attr);
    }
    !all.is_empty()
}

fn boxed(t: &Tag, value: i64, unit: &str) -> Box3d {
    Box3d {
        name: t.name.clone(),
        flat: t.flat,
        cum: t.cum,
        value,
        unit: unit.to_string(),
    }
}

/// The numeric tags under the string labels `under`.
fn numeric_under(tags: &[Tag], under: &str) -> Vec<Box3d> {
    tags.iter()
        .filter_map(|t| match &t.numeric {
            Some((value, unit, u)) if u == under => Some(boxed(t, *value, unit)),
            _ => None,
        })
        .collect()
}

/// The nodelets of numeric tags `nts`, under string label set `label`
/// (None: under the node).
fn numeric(out: &mut Vec<Nodelet>, nts: &[Box3d], inner: bool, label: Option<usize>) {
    if nts.is_empty() {
        return;
    }
    for (j, t) in collapsed(nts.to_vec(), inner).iter().enumerate() {
        let (value, dotted) = if inner || t.flat == t.cum {
            (t.flat, false)
        } else {
            (t.cum, true)
        };
        if value == 0 {
            continue;
        }
        out.push(Nodelet {
            name: t.name.clone(),
            value,
            label,
            numeric: Some(j),
            dotted,
        });
    }
}

/// One nodelet: box `id` labelled `name`, and its edge from `source`.
fn nodelet(s: &mut String, (source, id): (&str, &str), name: &str, weight: &str, attr: &str) {
    let _ = writeln!(
        s,
        "{id} [label = \"{name}\" id=\"{id}\" fontsize=8 shape=box3d tooltip=\"{weight}\"]"
    );
    let _ = writeln!(
        s,
        "{source} -> {id} [label=\" {weight}\" weight=100 tooltip=\"{weight}\" labeltooltip=\"{weight}\"{attr}]"
    );
}

/// pprof's `collapsedTags`: at most [`MAX_NODELETS`] tags; with more, the
/// heaviest start groups and each other tag joins the group whose first
/// value is nearest, a group named by its smallest and largest values.
fn collapsed(mut ts: Vec<Box3d>, flat: bool) -> Vec<Box3d> {
    sort_tags(&mut ts, flat);
    if ts.len() <= MAX_NODELETS {
        return ts;
    }
    let rest = ts.split_off(MAX_NODELETS);
    let mut groups: Vec<Vec<Box3d>> = ts.into_iter().map(|t| vec![t]).collect();
    for t in rest {
        let distance = |g: &Vec<Box3d>| {
            let v = units::scale(g[0].value, &g[0].unit, &t.unit).0;
            (v - t.value as f64).abs()
        };
        let mut best = 0;
        let mut d = distance(&groups[0]);
        for (i, g) in groups.iter().enumerate().skip(1) {
            let nd = distance(g);
            if nd < d {
                (best, d) = (i, nd);
            }
        }
        groups[best].push(t);
    }
    let mut out: Vec<Box3d> = groups.iter().map(|g| group(g)).collect();
    sort_tags(&mut out, flat);
    out
}

/// A group's tag: `MIN..MAX` (each value in its own best unit), the flat
/// and cum summed; a group of one is its tag with its value's label.
fn group(g: &[Box3d]) -> Box3d {
    let first = &g[0];
    if g.len() == 1 {
        return Box3d {
            name: units::label(first.value, &first.unit),
            ..first.clone()
        };
    }
    let (mut min, mut max) = (first, first);
    let (mut flat, mut cum) = (first.flat, first.cum);
    for t in &g[1..] {
        if (units::scale(t.value, &t.unit, &min.unit).0 as i64) < min.value {
            min = t;
        }
        if (units::scale(t.value, &t.unit, &max.unit).0 as i64) > max.value {
            max = t;
        }
        flat = flat.wrapping_add(t.flat);
        cum = cum.wrapping_add(t.cum);
    }
    Box3d {
        name: format!(
            "{}..{}",
            units::label(min.value, &min.unit),
            units::label(max.value, &max.unit)
        ),
        flat,
        cum,
        value: first.value,
        unit: first.unit.clone(),
    }
}
