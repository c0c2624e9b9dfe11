//! The call graph of the heaviest functions, built and trimmed as pprof
//! builds the graph of `-dot`/`-web` and its web UI's graph view: one node
//! per function, edges weighted by the value flowing from caller to
//! callee, residual edges across nodes that were dropped, inline edges for
//! calls the compiler inlined. Selection follows pprof's report: nodes
//! under the node fraction of the total (by cum) go first, the rest are
//! ordered by pprof's "entropy" score and the first `node_count` kept
//! (each node's label nodelets counting against the budget), edges under
//! the edge fraction are dropped and residual edges implied by others
//! removed. Every step but the ordering rebuilds the graph from the samples
//! with the kept nodes, as pprof does, so values stay exact.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use heaplens_profile::model::{Profile, NONE};
use heaplens_profile::units;

use crate::keys::{Granularity, Keys};

mod build;
mod tally;

/// pprof's nodelets per node: label boxes hanging off a node in the graph,
/// at most this many of them count when nodes are selected.
pub const MAX_NODELETS: usize = 4;

/// pprof's default `-nodecount` for graphs.
pub const NODE_COUNT: usize = 80;

/// The graph's settings, pprof's flags of the same names.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GraphOptions {
    /// `-nodecount` (pprof's default for graphs: 80; 0: no limit).
    pub node_count: usize,
    /// `-nodefraction` (default 0.005).
    pub node_fraction: f64,
    /// `-edgefraction` (default 0.001).
    pub edge_fraction: f64,
}

impl Default for GraphOptions {
    fn default() -> Self {
        GraphOptions {
            node_count: NODE_COUNT,
            node_fraction: 0.005,
            edge_fraction: 0.001,
        }
    }
}

/// A node: a function.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// The function's key (see [`Keys`]) and printable name.
    pub key: u32,
    pub name: String,
    /// Named by a function (else by its binary: `[libc.so]`).
    pub symbolized: bool,
    pub flat: i64,
    pub cum: i64,
    /// Label tags, largest first (by cum, then flat, then name), as pprof
    /// tags its nodes: the samples' string labels joined (`key:value`,
    /// sorted, `\n` between), and each numeric label's value scaled
    /// (`48B`, `1.50kB`) under the string labels of its samples.
    pub tags: Vec<Tag>,
}

/// A node's tag: samples with one set of string labels, or one numeric
/// label value, and their values at the node.
#[derive(Debug, Clone, PartialEq)]
pub struct Tag {
    pub name: String,
    pub flat: i64,
    pub cum: i64,
    /// Of a numeric tag: the value, its unit, and the string labels of its
    /// samples (the name of the node's label tag it hangs under; "" when
    /// they have none).
    pub numeric: Option<(i64, String, String)>,
}

/// An edge from caller to callee (indices into [`Graph::nodes`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Edge {
    pub src: usize,
    pub dst: usize,
    pub weight: i64,
    /// Goes over nodes that were dropped.
    pub residual: bool,
    /// Every call along it was inlined.
    pub inline: bool,
}

/// The trimmed graph and what trimming left out.
#[derive(Debug, Clone, PartialEq)]
pub struct Graph {
    /// In pprof's order (the entropy score's).
    pub nodes: Vec<Node>,
    /// Heaviest first (then source and destination names).
    pub edges: Vec<Edge>,
    /// The nodes before the count limit, and the nodes under the node
    /// fraction and edges under the edge fraction that were dropped.
    pub orig_count: usize,
    pub dropped_nodes: usize,
    pub dropped_edges: usize,
}

/// One build of the graph from the samples, with the kept keys only.
struct Built {
    /// Nodes with a value, by key.
    nodes: Vec<u32>,
    flat: Vec<i64>,
    cum: Vec<i64>,
    /// (src key, dst key) → (weight, residual, inline).
    edges: HashMap<(u32, u32), (i64, bool, bool)>,
    /// Each key's tags: (tag, flat, cum).
    tags: HashMap<u32, Vec<(u32, i64, i64)>>,
}

/// Each sample's tags: the joined string labels (if any) and its numeric
/// labels' values scaled, each under the joined string labels, as indices
/// into a table of tags; made once per distinct set of labels (a million
/// samples have a few hundred).
struct SampleTags {
    names: Vec<String>,
    /// Of each tag: None for joined string labels; for a numeric value,
    /// the value, its unit, and the joined string labels it is under.
    numeric: Vec<Option<(i64, String, String)>>,
    /// Tags of each label set ([`heaplens_profile::model::SampleLabels::set_of`]).
    of_set: Vec<Vec<u32>>,
}

fn sample_tags(p: &Profile) -> SampleTags {
    let mut t = SampleTags {
        names: Vec::new(),
        numeric: Vec::new(),
        of_set: Vec::with_capacity(p.labels.sets()),
    };
    let mut index: HashMap<(String, String), u32> = HashMap::default();
    // A tag is its name under the string labels of its samples.
    let mut intern = |t: &mut SampleTags, under: &str, name: String, numeric| -> u32 {
        let key = (under.to_string(), name);
        if let Some(&i) = index.get(&key) {
            return i;
        }
        let i = t.names.len() as u32;
        t.names.push(key.1.clone());
        t.numeric.push(numeric);
        index.insert(key, i);
        i
    };
    for set in 0..p.labels.sets() {
        let labels = p.labels.set(set as u32);
        let mut strs: Vec<String> = labels
            .iter()
            .filter(|l| l.str != 0 && p.str(l.key) != "pprof::base")
            .map(|l| format!("{}:{}", p.str(l.key), p.str(l.str)))
            .collect();
        strs.sort();
        let joined = strs.join("\\n");
        let mut tags = Vec::new();
        if !joined.is_empty() {
            // String tags are apart from numeric tags of the same name.
            tags.push(intern(&mut t, "\u{0}", joined.clone(), None));
        }
        // pprof reads a number with neither value nor unit as no label.
        for l in labels
            .iter()
            .filter(|l| l.str == 0 && (l.num != 0 || l.unit != 0))
        {
            let unit = match p.str(l.unit) {
                "" => p.str(l.key),
                u => u,
            };
            let name = units::scaled_label(l.num, unit, "minimum");
            let numeric = Some((l.num, unit.to_string(), joined.clone()));
            tags.push(intern(&mut t, &joined, name, numeric));
        }
        t.of_set.push(tags);
    }
    t
}

/// Builds the graph of sample type `ty` over the nodes `kept` allows (all
/// with None), as pprof's `graph.New`.
fn build(p: &Profile, ty: usize, keys: &Keys, tags: &SampleTags, kept: Option<&[bool]>) -> Built {
    let build::Sums {
        flat,
        cum,
        present,
        mut tally,
        ..
    } = build::pass(p, ty, keys, (&tags.of_set, tags.names.len()), kept);
    let nodes = (0..flat.len() as u32)
        .filter(|&k| present[k as usize] && (flat[k as usize] != 0 || cum[k as usize] != 0))
        .collect();
    Built {
        nodes,
        flat,
        cum,
        tags: group_tags(tally.tag_values()),
        edges: tally.edges.into_iter().map(|(k, e, _)| (k, e)).collect(),
    }
}

/// (key, tag) → (flat, cum) grouped by key, so a node's tags are found
/// without going over every node's.
fn group_tags(values: HashMap<(u32, u32), (i64, i64)>) -> HashMap<u32, Vec<(u32, i64, i64)>> {
    let mut out: HashMap<u32, Vec<(u32, i64, i64)>> = HashMap::default();
    for ((k, t), (f, c)) in values {
        out.entry(k).or_default().push((t, f, c));
    }
    out
}

impl Built {
    /// Each node's in and out edges: (other key, weight), both ways.
    fn adjacency(&self) -> (HashMap<u32, Vec<i64>>, HashMap<u32, Vec<i64>>) {
        let (mut ins, mut outs): (HashMap<u32, Vec<i64>>, HashMap<u32, Vec<i64>>) =
            Default::default();
        for (&(src, dst), &(w, _, _)) in &self.edges {
            outs.entry(src).or_default().push(w);
            ins.entry(dst).or_default().push(w);
        }
        (ins, outs)
    }

    /// pprof's entropy score of every node (favouring entries, leaves and
    /// nodes whose value spreads over many edges), by key.
    fn entropy(&self) -> HashMap<u32, i64> {
        let (ins, outs) = self.adjacency();
        let spread = |edges: &[i64], own: i64| -> f64 {
            let total = own
                + edges
                    .iter()
                    .filter(|&&w| w > 0)
                    .map(|w| w.abs())
                    .sum::<i64>();
            if total == 0 {
                return 0.0;
            }
            let term = |v: i64| {
                let frac = v.abs() as f64 / total as f64;
                -frac * frac.log2()
            };
            let mut score: f64 = edges.iter().map(|&w| term(w)).sum();
            if own > 0 {
                score += term(own);
            }
            score
        };
        self.nodes
            .iter()
            .map(|&k| {
                let (flat, cum) = (self.flat[k as usize], self.cum[k as usize]);
                let mut score = 0.0;
                match ins.get(&k) {
                    Some(e) if !e.is_empty() => score += spread(e, 0),
                    _ => score += 1.0,
                }
                match outs.get(&k) {
                    Some(e) if !e.is_empty() => score += spread(e, flat),
                    _ => score += 1.0,
                }
                (k, go_int(score * cum as f64).wrapping_add(flat))
            })
            .collect()
    }

    /// The nodes in pprof's order for graphs.
    fn sort(&mut self, names: &[String]) {
        let score = self.entropy();
        let name = |k: u32| names.get(k as usize).map_or("", String::as_str);
        let (flat, _) = (&self.flat, &self.cum);
        self.nodes.sort_by(|&a, &b| {
            // Go's abs64 of the smallest int64 is itself (negative).
            let (sa, sb) = (score[&a].wrapping_abs(), score[&b].wrapping_abs());
            sb.cmp(&sa)
                .then_with(|| name(a).cmp(name(b)))
                .then_with(|| flat[b as usize].abs().cmp(&flat[a as usize].abs()))
        });
    }

    /// Tags of `k` kept at `cutoff`: (tag, flat, cum).
    fn kept_tags(&self, k: u32, cutoff: i64) -> impl Iterator<Item = (u32, i64, i64)> + '_ {
        self.tags
            .get(&k)
            .into_iter()
            .flatten()
            .filter(move |(_, f, c)| f.abs() >= cutoff || c.abs() >= cutoff)
            .copied()
    }

    /// Drops the edges lighter than `cutoff`; how many.
    fn trim_edges(&mut self, cutoff: i64) -> usize {
        let before = self.edges.len();
        self.edges.retain(|_, (w, _, _)| w.abs() >= cutoff);
        before - self.edges.len()
    }
}

/// Builds and trims the graph of sample type `ty` of `p` as pprof's
/// `-dot` does.
pub fn graph(p: &Profile, ty: usize, opts: &GraphOptions) -> Graph {
    let keys = Keys::build(p, Granularity::Functions);
    graph_with(p, ty, opts, &keys, None)
}

/// Each function's flat and cum (by key of the [`Keys`] at function
/// granularity), known beforehand (from the call tree:
/// [`crate::top::key_values`]): the first pass over the samples, which
/// finds them, is saved.
pub struct Known<'a> {
    pub flat: &'a [i64],
    pub cum: &'a [i64],
}

/// [`graph`] with the function keys given, and each function's values
/// when they are `known`.
pub fn graph_with(
    p: &Profile,
    ty: usize,
    opts: &GraphOptions,
    keys: &Keys,
    known: Option<Known<'_>>,
) -> Graph {
    let tags = sample_tags(p);
    let (present, total, first) = first_values(p, ty, keys, &tags, known);
    let node_cutoff = ((total as f64 * opts.node_fraction) as i64).abs();
    let edge_cutoff = ((total as f64 * opts.edge_fraction) as i64).abs();
    let mut dropped_nodes = 0;
    let mut kept = None;
    if node_cutoff > 0 {
        let k = keep(
            keys,
            present
                .iter()
                .filter(|&&(_, cum)| cum.abs() >= node_cutoff)
                .map(|&(k, _)| k),
        );
        let n_kept = k.iter().filter(|&&b| b).count();
        if n_kept != present.len() {
            dropped_nodes = present.len() - n_kept;
            kept = Some(k);
        }
    }
    let mut g = match (first, kept) {
        (Some(g), None) => g,
        (_, kept) => build(p, ty, keys, &tags, kept.as_deref()),
    };
    let orig_count = g.nodes.len();
    g.sort(&keys.names);
    if opts.node_count > 0 {
        g.trim_edges(edge_cutoff);
        let mut max = opts.node_count;
        let mut count = 0;
        for (i, &k) in g.nodes.iter().enumerate() {
            let tags = g.kept_tags(k, node_cutoff).filter(|t| t.1 != 0).count();
            count += tags.min(MAX_NODELETS) + 1;
            if count >= max {
                max = i + 1;
                break;
            }
        }
        if max < g.nodes.len() {
            let kept = keep(keys, g.nodes[..max].iter().copied());
            g = build(p, ty, keys, &tags, Some(&kept));
            g.sort(&keys.names);
        }
    }
    let dropped_edges = g.trim_edges(edge_cutoff);
    let mut edges = remove_redundant(&g, &keys.names);
    let index: HashMap<u32, usize> = g.nodes.iter().enumerate().map(|(i, &k)| (k, i)).collect();
    let name = |k: u32| keys.names.get(k as usize).map_or("", String::as_str);
    edges.sort_by(|a, b| {
        b.1 .0
            .abs()
            .cmp(&a.1 .0.abs())
            .then_with(|| name(a.0 .0).cmp(name(b.0 .0)))
            .then_with(|| name(a.0 .1).cmp(name(b.0 .1)))
    });
    let nodes = g
        .nodes
        .iter()
        .map(|&k| {
            let mut t: Vec<Tag> = g
                .kept_tags(k, node_cutoff)
                .map(|(t, flat, cum)| Tag {
                    name: tags.names[t as usize].clone(),
                    flat,
                    cum,
                    numeric: tags.numeric[t as usize].clone(),
                })
                .collect();
            t.sort_by(|a, b| {
                b.cum
                    .abs()
                    .cmp(&a.cum.abs())
                    .then(b.flat.abs().cmp(&a.flat.abs()))
                    .then_with(|| a.name.cmp(&b.name))
            });
            Node {
                key: k,
                name: name(k).to_string(),
                symbolized: keys.function.get(k as usize).is_some_and(|&f| f != NONE),
                flat: g.flat[k as usize],
                cum: g.cum[k as usize],
                tags: t,
            }
        })
        .collect();
    Graph {
        nodes,
        edges: edges
            .into_iter()
            .filter_map(|((s, d), (w, residual, inline))| {
                Some(Edge {
                    src: *index.get(&s)?,
                    dst: *index.get(&d)?,
                    weight: w,
                    residual,
                    inline,
                })
            })
            .collect(),
        orig_count,
        dropped_nodes,
        dropped_edges,
    }
}

/// The nodes with a value and their cum, the total, and the graph when
/// it had to be built to find them.
type FirstValues = (Vec<(u32, i64)>, i64, Option<Built>);

fn first_values(
    p: &Profile,
    ty: usize,
    keys: &Keys,
    tags: &SampleTags,
    known: Option<Known<'_>>,
) -> FirstValues {
    match known {
        Some(k) => {
            let present: Vec<(u32, i64)> = (0..keys.names.len())
                .filter_map(|i| {
                    let (f, c) = (*k.flat.get(i)?, *k.cum.get(i)?);
                    (f != 0 || c != 0).then_some((i as u32, c))
                })
                .collect();
            let total = k.flat.iter().fold(0i64, |a, &f| a.wrapping_add(f));
            (present, total, None)
        }
        None => {
            let g = build(p, ty, keys, tags, None);
            let present = g.nodes.iter().map(|&k| (k, g.cum[k as usize])).collect();
            let total: i64 = g.nodes.iter().map(|&k| g.flat[k as usize]).sum();
            (present, total, Some(g))
        }
    }
}

/// Go's `int64(f)` on amd64: NaN and values out of range become the
/// smallest int64 (a negative flow's entropy can be NaN).
fn go_int(f: f64) -> i64 {
    // 2^63: the first value out of range either way.
    const LIMIT: f64 = 9_223_372_036_854_775_808.0;
    if (-LIMIT..LIMIT).contains(&f) {
        f as i64
    } else {
        i64::MIN
    }
}

/// A kept-set over the keys.
fn keep(keys: &Keys, kept: impl Iterator<Item = u32>) -> Vec<bool> {
    let mut out = vec![false; keys.names.len()];
    for k in kept {
        if let Some(b) = out.get_mut(k as usize) {
            *b = true;
        }
    }
    out
}

type EdgeEntry = ((u32, u32), (i64, bool, bool));

/// pprof's `RemoveRedundantEdges`: from the last node up, its residual in
/// edges, lightest first, go when their source reaches the node another
/// way; the remaining edges.
fn remove_redundant(g: &Built, names: &[String]) -> Vec<EdgeEntry> {
    let mut edges: HashMap<(u32, u32), (i64, bool, bool)> = g.edges.clone();
    let name = |k: u32| names.get(k as usize).map_or("", String::as_str);
    for &n in g.nodes.iter().rev() {
        let mut ins: Vec<EdgeEntry> = edges
            .iter()
            .filter(|((_, d), _)| *d == n)
            .map(|(&k, &v)| (k, v))
            .collect();
        ins.sort_by(|a, b| {
            b.1 .0
                .abs()
                .cmp(&a.1 .0.abs())
                .then_with(|| name(a.0 .0).cmp(name(b.0 .0)))
        });
        for &((src, dst), (_, residual, _)) in ins.iter().rev() {
            if !residual {
                break;
            }
            if reaches_another_way(&edges, src, dst) {
                edges.remove(&(src, dst));
            }
        }
    }
    edges.into_iter().collect()
}

/// Whether `src` reaches `dst` other than by their direct edge (walking
/// in edges back from `dst`).
fn reaches_another_way(edges: &HashMap<(u32, u32), (i64, bool, bool)>, src: u32, dst: u32) -> bool {
    let mut seen: HashSet<u32> = HashSet::default();
    seen.insert(dst);
    let mut queue = std::collections::VecDeque::from([dst]);
    while let Some(n) = queue.pop_front() {
        for &(s, d) in edges.keys() {
            if d != n || (s == src && d == dst) || seen.contains(&s) {
                continue;
            }
            if s == src {
                return true;
            }
            seen.insert(s);
            queue.push_back(s);
        }
    }
    false
}
