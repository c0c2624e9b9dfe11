//! A [`GraphScene`] as a self-contained SVG file: boxes, labels, edges
//! with arrowheads and weights, and pprof's tooltips as `<title>`s that
//! viewers show on hover; the legend at the top left. Every text from the
//! profile is escaped.

use std::fmt::Write as _;

use super::{GraphScene, EDGE_FONT, LINE_HEIGHT, NODELET_FONT, PAD};

/// Room above the graph for the legend, per line.
const LEGEND_LINE: f64 = 16.0;

/// Escapes `s` for SVG (XML) text and attributes.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Control characters are not allowed in XML 1.0.
            c if (c as u32) < 0x20 && c != '\t' && c != '\n' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// The SVG text of `scene`; `title` heads it.
pub fn svg(scene: &GraphScene, title: &str) -> String {
    let margin = 16.0;
    let legend_h = scene.legend.len() as f64 * LEGEND_LINE + margin;
    let (w, h) = (
        scene.width + 2.0 * margin,
        scene.height + legend_h + 2.0 * margin,
    );
    let mut s = String::new();
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w:.0}" height="{h:.0}" viewBox="0 0 {w:.0} {h:.0}" font-family="monospace">"#
    );
    let _ = writeln!(s, "<title>{}</title>", escape(title));
    s.push_str(concat!(
        r#"<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="5" markerHeight="5" orient="auto-start-reverse">"#,
        r#"<path d="M0,0 L10,5 L0,10 z" fill="context-stroke"/></marker></defs>"#,
        "\n",
        r##"<rect width="100%" height="100%" fill="#ffffff"/>"##,
        "\n"
    ));
    for (i, line) in scene.legend.iter().enumerate() {
        let y = margin + (i as f64 + 0.8) * LEGEND_LINE;
        let _ = writeln!(
            s,
            r#"<text x="{margin}" y="{y:.1}" font-size="12" xml:space="preserve">{}</text>"#,
            escape(line.trim_start_matches('\n'))
        );
    }
    let _ = writeln!(
        s,
        r#"<g transform="translate({margin},{:.1})">"#,
        legend_h + margin
    );
    for e in &scene.edges {
        let d: Vec<String> = e
            .points
            .iter()
            .enumerate()
            .map(|(i, (x, y))| format!("{}{x:.1},{y:.1}", if i == 0 { "M" } else { "L" }))
            .collect();
        let dash = if e.residual {
            r#" stroke-dasharray="2,3""#
        } else if e.inline {
            r#" stroke-dasharray="6,3""#
        } else {
            ""
        };
        let _ = writeln!(
            s,
            r#"<g><title>{}</title><path d="{}" fill="none" stroke="{}" stroke-width="{}"{dash} marker-end="url(#arrow)"/>"#,
            escape(&e.tip),
            d.join(" "),
            e.color,
            e.width
        );
        if let Some((x, y)) = label_at(&e.points) {
            for (k, line) in e.label.lines().enumerate() {
                let _ = writeln!(
                    s,
                    r#"<text x="{:.1}" y="{:.1}" font-size="{EDGE_FONT}">{}</text>"#,
                    x + 4.0,
                    y + k as f64 * EDGE_FONT * LINE_HEIGHT,
                    escape(line)
                );
            }
        }
        s.push_str("</g>\n");
    }
    for n in &scene.nodes {
        let _ = writeln!(
            s,
            r#"<g><title>{}</title><rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" fill="{}" stroke="{}"/>"#,
            escape(&n.tip),
            n.x,
            n.y,
            n.w,
            n.h,
            n.fill,
            n.border
        );
        for (k, line) in n.lines.iter().enumerate() {
            let y = n.y + PAD + (k as f64 + 0.85) * n.font * LINE_HEIGHT;
            let _ = writeln!(
                s,
                r#"<text x="{:.1}" y="{y:.1}" font-size="{}" text-anchor="middle">{}</text>"#,
                n.x + n.w / 2.0,
                n.font,
                escape(line)
            );
        }
        for (k, d) in n.nodelets.iter().enumerate() {
            let ((x, y, w, h), (tx, ty)) = n.nodelet_box(k);
            let dash = if d.dotted {
                r#" stroke-dasharray="2,2""#
            } else {
                ""
            };
            let _ = writeln!(
                s,
                r##"<rect x="{x:.1}" y="{y:.1}" width="{w:.1}" height="{h:.1}" fill="#f8f8f8" stroke="#999999"{dash}/><text x="{tx:.1}" y="{ty:.1}" font-size="{NODELET_FONT}" xml:space="preserve">{}</text>"##,
                escape(&d.text)
            );
        }
        s.push_str("</g>\n");
    }
    s.push_str("</g>\n</svg>\n");
    s
}

/// Where an edge's label goes: the middle of its route's longest
/// segment.
pub fn label_at(points: &[(f64, f64)]) -> Option<(f64, f64)> {
    points
        .windows(2)
        .max_by(|a, b| seg_len(a).total_cmp(&seg_len(b)))
        .map(|w| ((w[0].0 + w[1].0) / 2.0, (w[0].1 + w[1].1) / 2.0))
}

fn seg_len(w: &[(f64, f64)]) -> f64 {
    match w {
        [a, b] => (b.0 - a.0).hypot(b.1 - a.1),
        _ => 0.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::callgraph::{GraphEdge, GraphNode};

    #[test]
    fn names_stay_text() {
        let node = GraphNode {
            name: "a<b>".into(),
            lines: vec!["a<b>".into(), "1B (100%)".into()],
            font: 24.0,
            x: 0.0,
            y: 0.0,
            w: 100.0,
            h: 40.0,
            flat: 1,
            cum: 1,
            fill: "#eee".into(),
            border: "#333".into(),
            tip: "a<b> (1B)".into(),
            nodelets: vec![crate::callgraph::GraphNodelet {
                text: "bytes:<64B>  1B".into(),
                nested: false,
                dotted: true,
            }],
        };
        let scene = GraphScene {
            nodes: vec![node.clone(), node],
            edges: vec![GraphEdge {
                src: 0,
                dst: 1,
                points: vec![(10.0, 40.0), (10.0, 100.0)],
                weight: 1,
                label: "1B\n(inline)".into(),
                width: 2.0,
                color: "#b20000".into(),
                inline: true,
                residual: false,
                tip: "a<b> -> a<b> (1B)".into(),
            }],
            width: 100.0,
            height: 140.0,
            legend: vec!["Type: alloc_space".into()],
            node_count: 80,
        };
        let s = svg(&scene, "t&t");
        assert!(s.contains("<title>t&amp;t</title>"));
        assert!(s.contains(">a&lt;b&gt;</text>"));
        assert!(!s.contains("a<b>"));
        assert!(s.contains(r#"stroke-dasharray="6,3""#));
        // Two boxes and their nodelets, dotted.
        assert_eq!(s.matches("<rect x=").count(), 4);
        assert_eq!(s.matches(">bytes:&lt;64B&gt;  1B</text>").count(), 2);
        assert_eq!(s.matches(r#"stroke-dasharray="2,2""#).count(), 2);
        assert_eq!(label_at(&scene.edges[0].points), Some((10.0, 70.0)));
    }
}
