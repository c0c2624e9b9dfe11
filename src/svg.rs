//! The flame graph as a self-contained SVG file: the frames of the current
//! view with the canvas's colours, names cut to fit, and a `<title>` on each
//! frame (its full name, file and values) that viewers show on hover.
//! Every text from the profile is escaped: names stay text.

use std::fmt::Write;

use heaplens_view::session::ViewData;

use crate::paint::{self, Highlights, ROW_H};
use crate::state::Orientation;

/// Average advance of the 11 px monospace font, for cutting names.
const CHAR_W: f64 = 6.7;

pub use heaplens_view::callgraph::svg::escape;

/// The SVG of `view` at `width` CSS pixels; `title` heads it.
pub fn flame_svg(
    view: &ViewData,
    width: f64,
    o: Orientation,
    by_self: bool,
    title: &str,
) -> String {
    let head = 24.0;
    let h = paint::height(view) + head;
    let mut s = String::new();
    let _ = write!(
        s,
        r##"<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0}" height="{h:.0}" viewBox="0 0 {width:.0} {h:.0}" font-family="ui-monospace, SFMono-Regular, Menlo, Consolas, monospace" font-size="11">
<rect width="100%" height="100%" fill="#ffffff"/>
<text x="4" y="16" font-size="13" fill="#1b1b1b">{}</text>
<g transform="translate(0 {head})">
"##,
        escape(title)
    );
    let hl = Highlights {
        hover: None,
        cursor: None,
        searching: view.matched.is_some(),
        dark: false,
        by_self,
    };
    for r in &view.rects {
        let (x, y, w, bh) = paint::frame_box(r, view.depth, width, o);
        if w < 0.5 {
            continue;
        }
        let Some(name) = view.names.get(r.name as usize) else {
            continue;
        };
        let values = if view.diff.is_some() {
            format!(
                "self {}\ntotal {}",
                crate::format::change(r.base_self, r.self_value, &view.unit),
                crate::format::change(r.base_total, r.total, &view.unit)
            )
        } else {
            format!(
                "self {}\ntotal {}",
                crate::format::value(r.self_value, &view.unit, view.total),
                crate::format::value(r.total, &view.unit, view.total)
            )
        };
        let tip = if name.file.is_empty() {
            format!("{}\n{values}", name.name)
        } else {
            format!("{}\n{}\n{values}", name.name, name.file)
        };
        let gap = if w > 2.0 { 1.0 } else { 0.0 };
        let _ = write!(
            s,
            r#"<g><title>{}</title><rect x="{x:.2}" y="{y:.2}" width="{:.2}" height="{bh:.2}" fill="{}"/>"#,
            escape(&tip),
            (w - gap).max(0.5),
            paint::fill(view, r, hl)
        );
        if w > CHAR_W * 3.0 {
            let fit = ((w - 6.0) / CHAR_W).floor() as usize;
            let _ = write!(
                s,
                r##"<text x="{:.2}" y="{:.2}" dominant-baseline="central" fill="#1b1b1b">{}</text>"##,
                x + 3.0,
                y + ROW_H / 2.0,
                escape(&paint::truncate(&name.name, fit))
            );
        }
        s.push_str("</g>\n");
    }
    s.push_str("</g>\n</svg>\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use heaplens_view::session::{FlameRect, FrameName};

    #[test]
    fn names_stay_text() {
        let mut view = ViewData::of_frames(
            vec![FrameName {
                name: "<script>alert(1)</script>&\"x\"".into(),
                file: "<img src=x onerror=alert(2)>".into(),
                package: String::new(),
            }],
            vec![FlameRect {
                node: heaplens_view::session::NodeId(1),
                x: 0.0,
                w: 1.0,
                depth: 0,
                name: 0,
                self_value: 10,
                total: 10,
                base_self: 0,
                base_total: 0,
                flags: 0,
            }],
        );
        view.total = 10;
        let svg = flame_svg(&view, 800.0, Orientation::Icicle, false, "a <b> title");
        assert!(!svg.contains("<script") && !svg.contains("<img") && !svg.contains("<b>"));
        assert!(svg.contains("&lt;script&gt;alert(1)&lt;/script&gt;&amp;&quot;x&quot;"));
        assert_eq!(svg.matches("<rect").count(), 2);
        assert!(svg.contains("self 10B (100%)"), "{svg}");
    }
}
