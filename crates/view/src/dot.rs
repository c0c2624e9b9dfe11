//! The call graph as Graphviz DOT in the shape `go tool pprof -dot` writes
//! it: the legend box, one box per node labelled with its short name,
//! flat and cum (font size by flat, colours by cum), and edges labelled
//! with their weight, dotted when residual, `(inline)` when inlined, with
//! pprof's tooltips (`NAME (CUM)` on nodes, `A -> B (VALUE)` on edges), so
//! tools that read pprof's DOT read this one; with the label nodelets
//! pprof hangs off nodes (sample labels, object sizes: [`nodelets`]).

use std::fmt::Write as _;

use heaplens_analysis::graph::{Graph, GraphOptions};
use heaplens_profile::model::Profile;
use heaplens_profile::units;

pub mod nodelets;

/// What the legend says besides the profile's own labels.
#[derive(Debug, Clone, Default)]
pub struct DotOptions {
    pub node_fraction: f64,
    pub edge_fraction: f64,
    /// Filters applied, as pprof lists them under "Active filters".
    pub filters: Vec<String>,
}

/// pprof's `dotColor`: a red (positive) or green-blue (negative) shade
/// for a share of the total, foreground or background.
pub fn dot_color(score: f64, background: bool) -> String {
    let (mut saturation, value) = if background { (0.1, 0.93) } else { (1.0, 0.7) };
    let mut score = score.clamp(-1.0, 1.0);
    if score.abs() < 0.2 {
        saturation *= score.abs() / 0.2;
    }
    let shift = 0.7f64;
    if score > 0.0 {
        score = score.powf(1.0 - shift);
    }
    if score < 0.0 {
        score = -(-score).powf(1.0 - shift);
    }
    let (r, g) = if score < 0.0 {
        (value * (1.0 + saturation * score), value)
    } else {
        (value, value * (1.0 - saturation * score))
    };
    let b = value * (1.0 - saturation);
    // Go's uint8(x) of a float truncates.
    let byte = |x: f64| (x * 255.0) as u8;
    format!("#{:02x}{:02x}{:02x}", byte(r), byte(g), byte(b))
}

/// pprof's escaping of DOT strings: backslashes and quotes, and line
/// breaks as left-justified breaks.
pub fn escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\l")
}

/// A function name without its package path (`encoding/json.Marshal` →
/// `json.Marshal`), Java package and C++ namespaces, as pprof shortens
/// names in graphs.
pub fn short_name(name: &str) -> String {
    use std::sync::OnceLock;
    static RES: OnceLock<[regex_lite::Regex; 5]> = OnceLock::new();
    let [anon, gover, go, java, cpp] = RES.get_or_init(|| {
        let re = |s: &str| regex_lite::Regex::new(s).unwrap_or_else(|_| unreachable!());
        [
            re(r"^\(anonymous namespace\)::"),
            re(r"^(.*?)/v(?:[2-9]|[1-9][0-9]+)([./].*)$"),
            re(r"^(?:[A-Za-z0-9_\-\.]+/)+([^.]+\..+)"),
            re(r"^(?:[a-z][A-Za-z0-9_]*\.)*([A-Z][A-Za-z0-9_$]*\.(?:<init>|[a-z][A-Za-z0-9_$]*(?:\$\d+)?))(?:\(|$)"),
            re(r"^(?:[_a-zA-Z][A-Za-z0-9_]*::)+(_*[A-Z][A-Za-z0-9_]*::~?[_a-zA-Z][A-Za-z0-9_]*(?:<.*>)?)"),
        ]
    });
    let f = anon.replace_all(name, "");
    let f = gover.replace_all(&f, "${1}${2}").into_owned();
    for re in [go, java, cpp] {
        if let Some(c) = re.captures(&f) {
            let parts: String = c.iter().skip(1).flatten().map(|m| m.as_str()).collect();
            return parts;
        }
    }
    f
}

/// A node's name on several lines, as pprof labels its boxes.
fn multiline_name(name: &str) -> String {
    let short = escape(&short_name(name))
        .replace("::", "\\n")
        .replace("[...]", "[…]")
        .replace('.', "\\n");
    format!("{short}\\n")
}

/// The value lines of a node's label, as pprof writes them: `FLAT (P%)`
/// and `of CUM (P%)` when cum differs, `0 of CUM (P%)` when flat is 0.
pub fn value_lines(
    flat: i64,
    cum: i64,
    fmt_v: &dyn Fn(i64) -> String,
    pct: &dyn Fn(i64) -> String,
) -> Vec<String> {
    let mut out = vec![if flat != 0 {
        format!("{} ({})", fmt_v(flat), pct(flat))
    } else {
        "0".to_string()
    }];
    if cum != flat {
        let of = format!("of {} ({})", fmt_v(cum), pct(cum));
        match out.last_mut() {
            Some(last) if flat == 0 => {
                last.push(' ');
                last.push_str(&of);
            }
            _ => out.push(of),
        }
    }
    out
}

/// pprof's font size of a node's label: 8, plus up to 16 by the square
/// root of its flat's share of the largest flat (`max_flat`).
pub fn node_font(flat: i64, max_flat: f64) -> i64 {
    let mut font = 8;
    if max_flat != 0.0 && flat != 0 && flat.abs() as f64 <= max_flat {
        font += (16.0 * (flat.abs() as f64 / max_flat).sqrt()).ceil() as i64;
    }
    font
}

/// pprof's pen width of an edge: 1 to 6 by its weight's share of `total`.
pub fn pen_width(weight: i64, total: i64) -> i64 {
    if total == 0 {
        return 1;
    }
    1 + (weight.wrapping_mul(5) / total).abs().min(5)
}

/// The DOT text of the graph of `prepared`'s view with `opts`: what
/// `heaplens dot` prints and the page's graph view exports.
pub fn dot_of(prepared: &mut crate::pipeline::Prepared, opts: &GraphOptions) -> String {
    let total = prepared.total();
    let (p, ty) = (&prepared.profile, prepared.sample_type);
    let g = heaplens_analysis::graph::graph(p, ty, opts);
    let dot_opts = DotOptions {
        node_fraction: opts.node_fraction,
        edge_fraction: opts.edge_fraction,
        filters: prepared.filters.clone(),
    };
    dot(p, ty, total, &g, &dot_opts)
}

/// The DOT text of `g`, a graph of sample type `ty` of `p`; `total` is
/// pprof's total (of the profile before filters, unless relative).
pub fn dot(p: &Profile, ty: usize, total: i64, g: &Graph, opts: &DotOptions) -> String {
    let sample_unit = p.sample_types.get(ty).map_or("", |s| s.unit.as_str());
    let unit =
        crate::report::minimum_unit(g.nodes.iter().map(|n| (n.flat, n.cum)), sample_unit, total);
    let fmt_v = |v: i64| units::scaled_label(v, sample_unit, &unit);
    let pct = |v: i64| units::percentage(v, total).trim().to_string();
    let title = p
        .mappings
        .first()
        .map(|m| p.str(m.file))
        .filter(|f| !f.is_empty())
        .map(|f| heaplens_analysis::keys::base_name(f).to_string());
    let mut s = String::new();
    let _ = writeln!(
        s,
        "digraph \"{}\" {{",
        title.as_deref().unwrap_or("unnamed")
    );
    s.push_str("node [style=filled fillcolor=\"#f8f8f8\"]\n");
    let labels = legend(p, ty, g, total, &fmt_v, opts);
    if let Some(first) = labels.first() {
        let all: Vec<String> = labels.iter().map(|l| escape(l)).collect();
        let _ = write!(
            s,
            "subgraph cluster_L {{ \"{}\" [shape=box fontsize=16 label=\"{}\\l\"",
            escape(first),
            all.join("\\l")
        );
        if let Some(t) = &title {
            let _ = write!(s, " tooltip=\"{t}\"");
        }
        s.push_str("] }\n");
    }
    let max_flat = g.nodes.iter().map(|n| n.flat.abs()).max().unwrap_or(0) as f64;
    let share = |v: i64| v as f64 / total.unsigned_abs() as f64;
    let mut has_nodelets = vec![false; g.nodes.len()];
    for (i, n) in g.nodes.iter().enumerate() {
        // A frame without symbols is named by its binary, kept whole.
        let mut label = if n.symbolized {
            multiline_name(&n.name)
        } else {
            format!("{}\\n", escape(&n.name))
        };
        label.push_str(&value_lines(n.flat, n.cum, &fmt_v, &pct).join("\\n"));
        let cum_v = fmt_v(n.cum);
        let font = node_font(n.flat, max_flat);
        let _ = writeln!(
            s,
            "N{id} [label=\"{label}\" id=\"node{id}\" fontsize={font} shape=box tooltip=\"{} ({cum_v})\" color=\"{}\" fillcolor=\"{}\"]",
            escape(&n.name),
            dot_color(share(n.cum), false),
            dot_color(share(n.cum), true),
            id = i + 1,
        );
        let inner = g.edges.iter().any(|e| e.src == i);
        has_nodelets[i] = nodelets::write(&mut s, i + 1, &n.tags, inner, &fmt_v);
    }
    for e in &g.edges {
        let w = fmt_v(e.weight);
        let mut attr = format!(
            "label=\" {w}{}\"",
            if e.inline { "\\n (inline)" } else { "" }
        );
        if total != 0 {
            let weight = 1 + (e.weight.wrapping_mul(100) / total).abs().min(100);
            if weight > 1 {
                let _ = write!(attr, " weight={weight}");
            }
            let width = pen_width(e.weight, total);
            if width > 1 {
                let _ = write!(attr, " penwidth={width}");
            }
            let _ = write!(attr, " color=\"{}\"", dot_color(share(e.weight), false));
        }
        let arrow = if e.residual { "..." } else { "->" };
        let (src, dst) = (&g.nodes[e.src].name, &g.nodes[e.dst].name);
        let tip = format!("\"{} {arrow} {} ({w})\"", escape(src), escape(dst));
        let _ = write!(attr, " tooltip={tip} labeltooltip={tip}");
        if e.residual {
            attr.push_str(" style=\"dotted\"");
        }
        if has_nodelets.get(e.src).copied().unwrap_or(false) {
            // Callees further away from a node with nodelets.
            attr.push_str(" minlen=2");
        }
        let _ = writeln!(s, "N{} -> N{} [{attr}]", e.src + 1, e.dst + 1);
    }
    s.push_str("}\n");
    s
}

/// The legend's lines: the profile's labels, the filters, what the graph
/// shows and what it dropped.
pub(crate) fn legend(
    p: &Profile,
    ty: usize,
    g: &Graph,
    total: i64,
    fmt_v: &dyn Fn(i64) -> String,
    opts: &DotOptions,
) -> Vec<String> {
    let mut out = crate::report::profile_labels(p, ty, total, fmt_v);
    if !opts.filters.is_empty() {
        out.push("Active filters:".into());
        for f in &opts.filters {
            let f = match f.char_indices().nth(80) {
                Some((i, _)) => format!("{}…", &f[..i]),
                None => f.clone(),
            };
            out.push(format!("   {f}"));
        }
    }
    let flat_sum: i64 = g.nodes.iter().map(|n| n.flat).sum();
    out.push(format!(
        "Showing nodes accounting for {}, {} of {} total",
        fmt_v(flat_sum),
        units::percentage(flat_sum, total).trim(),
        fmt_v(total)
    ));
    if total != 0 {
        let cuts = [
            (g.dropped_nodes, "node", "cum", opts.node_fraction),
            (g.dropped_edges, "edge", "freq", opts.edge_fraction),
        ];
        for (n, what, by, fraction) in cuts {
            if n > 0 {
                let cut = ((total as f64 * fraction) as i64).abs();
                out.push(crate::report::dropped(n, what, by, &fmt_v(cut)));
            }
        }
        if !g.nodes.is_empty() && g.nodes.len() < g.orig_count {
            out.push(format!(
                "Showing top {} nodes out of {}",
                g.nodes.len(),
                g.orig_count
            ));
        }
    }
    out.push("\nSee https://git.io/JfYMW for how to read the graph".into());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_shortened_as_pprof_shortens_them() {
        assert_eq!(short_name("encoding/json.Marshal"), "json.Marshal");
        assert_eq!(
            short_name("heaplens/testgen/scheduler.(*Scheduler).Create"),
            "scheduler.(*Scheduler).Create"
        );
        assert_eq!(short_name("testing.(*B).launch"), "testing.(*B).launch");
        assert_eq!(short_name("github.com/x/y/v2/z.F"), "z.F");
        assert_eq!(
            multiline_name("testing.(*B).launch"),
            "testing\\n(*B)\\nlaunch\\n"
        );
    }

    #[test]
    fn colours_are_pprofs() {
        // From `go tool pprof -dot` on the scheduler's profile.
        assert_eq!(dot_color(0.9972, false), "#b20000");
        assert_eq!(dot_color(0.9972, true), "#edd5d5");
        assert_eq!(dot_color(0.0, true), "#ededed");
    }
}
