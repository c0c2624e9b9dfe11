//! The flame graph's pixels: geometry (where each laid-out frame goes, what
//! is under the mouse, keyboard moves between frames) and the canvas
//! drawing itself. Layout happened in the worker; this only scales and
//! paints.

use heaplens_view::session::{FlameRect, NodeId, ViewData, ANCESTOR, MATCHED, SELECTED};
use web_sys::CanvasRenderingContext2d;

use crate::state::Orientation;

/// The 2D context of canvas `c`.
pub fn context_2d(c: &web_sys::HtmlCanvasElement) -> Option<CanvasRenderingContext2d> {
    use wasm_bindgen::JsCast;
    c.get_context("2d")
        .ok()
        .flatten()
        .and_then(|o| o.dyn_into::<CanvasRenderingContext2d>().ok())
}

/// Height of one row of frames, in CSS pixels.
pub const ROW_H: f64 = 18.0;

/// Canvas height for a view.
pub fn height(view: &ViewData) -> f64 {
    f64::from(view.depth.max(1)) * ROW_H
}

/// A frame's box in CSS pixels: (x, y, w, h).
pub fn frame_box(r: &FlameRect, rows: u32, width: f64, o: Orientation) -> (f64, f64, f64, f64) {
    let row = match o {
        Orientation::Icicle => r.depth,
        Orientation::Flame => rows.saturating_sub(1).saturating_sub(r.depth),
    };
    (
        r.x * width,
        f64::from(row) * ROW_H,
        r.w * width,
        ROW_H - 1.0,
    )
}

/// The index of the frame at (x, y), if any.
pub fn hit(view: &ViewData, x: f64, y: f64, width: f64, o: Orientation) -> Option<usize> {
    if width <= 0.0 || y < 0.0 {
        return None;
    }
    let row = (y / ROW_H) as u32;
    let depth = match o {
        Orientation::Icicle => row,
        Orientation::Flame => view.depth.checked_sub(1)?.checked_sub(row)?,
    };
    let fx = x / width;
    view.rects
        .iter()
        .position(|r| r.depth == depth && fx >= r.x && fx < r.x + r.w)
}

/// Keyboard moves over the laid-out frames.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Move {
    /// Towards the root.
    Parent,
    /// The widest child.
    Child,
    Left,
    Right,
}

/// The frame reached from `from` (a node id) by `m`; from nothing (or a
/// frame this view does not draw), the widest child of the zoomed frame.
pub fn step(view: &ViewData, from: Option<NodeId>, m: Move) -> Option<NodeId> {
    let rects = &view.rects;
    let Some(cur) = from.and_then(|n| rects.iter().find(|r| r.node == n)) else {
        return widest_below_zoom(view);
    };
    let mid = cur.x + cur.w / 2.0;
    let eps = 1e-12;
    let pick = match m {
        Move::Parent => rects
            .iter()
            .filter(|r| r.depth + 1 == cur.depth && r.x <= mid + eps && mid <= r.x + r.w + eps)
            .max_by(|a, b| a.w.total_cmp(&b.w)),
        Move::Child => rects
            .iter()
            .filter(|r| {
                r.depth == cur.depth + 1 && r.x + eps >= cur.x && r.x + r.w <= cur.x + cur.w + eps
            })
            .max_by(|a, b| a.w.total_cmp(&b.w)),
        Move::Left => rects
            .iter()
            .filter(|r| r.depth == cur.depth && r.x + r.w <= cur.x + eps)
            .max_by(|a, b| a.x.total_cmp(&b.x)),
        Move::Right => rects
            .iter()
            .filter(|r| r.depth == cur.depth && r.x + eps >= cur.x + cur.w)
            .min_by(|a, b| a.x.total_cmp(&b.x)),
    };
    pick.map(|r| r.node).or(Some(cur.node))
}

/// The widest frame drawn just below the zoomed one (the zoomed one when
/// it has none drawn).
pub fn widest_below_zoom(view: &ViewData) -> Option<NodeId> {
    let rects = &view.rects;
    // The root is not drawn: at the top, the first row is below the zoom.
    let top = rects.iter().find(|r| r.node == view.zoom);
    let below = match top {
        Some(t) => t.depth + 1,
        None => rects.iter().map(|r| r.depth).min()?,
    };
    rects
        .iter()
        .filter(|r| r.depth == below)
        .max_by(|a, b| a.w.total_cmp(&b.w))
        .or(top)
        .map(|r| r.node)
}

/// A stable colour for a package: warm hues like pprof's, varied by a hash
/// of the name. Returns (hue, saturation %, lightness %).
pub fn package_hsl(package: &str) -> (f64, f64, f64) {
    let mut h: u32 = 2166136261;
    for b in package.bytes() {
        h = (h ^ u32::from(b)).wrapping_mul(16777619);
    }
    let hue = 8.0 + f64::from(h % 44);
    let sat = 62.0 + f64::from((h >> 8) % 20);
    let light = 58.0 + f64::from((h >> 16) % 14);
    (hue, sat, light)
}

/// The colour of a frame in a diff: red where the value grew, blue where
/// it shrank (a pair colour-blind readers tell apart), stronger for larger
/// relative changes, grey when unchanged. Returns (hue, saturation %,
/// lightness %).
pub fn diff_hsl(new: i64, base: i64) -> (f64, f64, f64) {
    let delta = new as f64 - base as f64;
    let scale = (new as f64).abs().max((base as f64).abs());
    if scale == 0.0 || delta == 0.0 {
        return (0.0, 0.0, 82.0);
    }
    let rel = (delta / scale).clamp(-1.0, 1.0);
    let light = 86.0 - 38.0 * rel.abs().sqrt();
    if rel > 0.0 {
        (4.0, 78.0, light)
    } else {
        (214.0, 72.0, light)
    }
}

/// What to paint besides the view itself.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Highlights {
    pub hover: Option<NodeId>,
    pub cursor: Option<NodeId>,
    pub searching: bool,
    pub dark: bool,
    /// Diff colours from the change of self values instead of totals.
    pub by_self: bool,
}

/// Paints `view` on a canvas of `width` × `height(view)` CSS pixels.
pub fn paint(
    ctx: &CanvasRenderingContext2d,
    view: &ViewData,
    width: f64,
    o: Orientation,
    hl: Highlights,
    dpr: f64,
) {
    let h = height(view);
    let _ = ctx.set_transform(dpr, 0.0, 0.0, dpr, 0.0, 0.0);
    ctx.clear_rect(0.0, 0.0, width, h);
    ctx.set_font("11px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace");
    ctx.set_text_baseline("middle");
    let char_w = ctx
        .measure_text("M")
        .map(|m| m.width())
        .unwrap_or(7.0)
        .max(1.0);
    let text_color = "#1b1b1b";
    for r in &view.rects {
        let (x, y, w, bh) = frame_box(r, view.depth, width, o);
        if w < 0.5 {
            continue;
        }
        let name = &view.names[r.name as usize];
        let dim = hl.searching && r.flags & MATCHED == 0;
        let fill = fill(view, r, hl);
        ctx.set_fill_style_str(&fill);
        let gap = if w > 2.0 { 1.0 } else { 0.0 };
        ctx.fill_rect(x, y, (w - gap).max(0.5), bh);
        let outlined =
            Some(r.node) == hl.hover || Some(r.node) == hl.cursor || r.flags & SELECTED != 0;
        if outlined {
            ctx.set_stroke_style_str(if Some(r.node) == hl.cursor {
                "#0b57d0"
            } else if hl.dark {
                "#f5f5f5"
            } else {
                "#111"
            });
            ctx.set_line_width(if Some(r.node) == hl.cursor { 2.0 } else { 1.5 });
            ctx.stroke_rect(x + 0.75, y + 0.75, (w - gap - 1.5).max(0.5), bh - 1.5);
        }
        if w > char_w * 3.0 {
            let fit = ((w - 6.0) / char_w).floor() as usize;
            let label = truncate(&name.name, fit);
            ctx.set_fill_style_str(if dim && hl.dark {
                "#9a9a9a"
            } else {
                text_color
            });
            let _ = ctx.fill_text(&label, x + 3.0, y + bh / 2.0);
        }
    }
}

/// A frame's fill colour (CSS).
pub fn fill(view: &ViewData, r: &FlameRect, hl: Highlights) -> String {
    let name = &view.names[r.name as usize];
    let (hue, sat, light) = if view.diff.is_some() {
        if hl.by_self {
            diff_hsl(r.self_value, r.base_self)
        } else {
            diff_hsl(r.total, r.base_total)
        }
    } else {
        package_hsl(&name.package)
    };
    let dim = hl.searching && r.flags & MATCHED == 0;
    if r.flags & ANCESTOR != 0 {
        format!(
            "hsl({hue:.0} {:.0}% {:.0}%)",
            sat * 0.35,
            if hl.dark { 42.0 } else { 82.0 }
        )
    } else if dim {
        if hl.dark {
            "hsl(0 0% 28%)".to_string()
        } else {
            "hsl(0 0% 86%)".to_string()
        }
    } else if hl.searching {
        // Matches stand out in a cool colour.
        format!("hsl(200 80% {:.0}%)", light)
    } else {
        format!("hsl({hue:.0} {sat:.0}% {light:.0}%)")
    }
}

/// The last part of a function's name (after its package path), cut to
/// `max` characters.
pub fn name_tail(name: &str, max: usize) -> String {
    truncate(name.rsplit('/').next().unwrap_or(name), max)
}

/// `s` cut to at most `max` characters, ending in an ellipsis when cut.
pub fn truncate(s: &str, max: usize) -> String {
    let n = s.chars().count();
    if n <= max {
        return s.to_string();
    }
    if max == 0 {
        return String::new();
    }
    let mut out: String = s.chars().take(max - 1).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use heaplens_view::session::FrameName;

    fn view() -> ViewData {
        let r = |node: u32, x, w, depth| FlameRect {
            node: NodeId(node),
            x,
            w,
            depth,
            name: 0,
            self_value: 0,
            total: 0,
            base_self: 0,
            base_total: 0,
            flags: 0,
        };
        let mut v = ViewData::of_frames(
            vec![FrameName {
                name: "main".into(),
                file: String::new(),
                package: "main".into(),
            }],
            vec![
                r(1, 0.0, 1.0, 0),
                r(2, 0.0, 0.6, 1),
                r(3, 0.6, 0.4, 1),
                r(4, 0.1, 0.3, 2),
            ],
        );
        v.depth = 3;
        v
    }

    #[test]
    fn hit_testing_in_both_orientations() {
        let v = view();
        assert_eq!(hit(&v, 50.0, 5.0, 100.0, Orientation::Icicle), Some(0));
        assert_eq!(hit(&v, 70.0, 20.0, 100.0, Orientation::Icicle), Some(2));
        assert_eq!(hit(&v, 20.0, 40.0, 100.0, Orientation::Icicle), Some(3));
        assert_eq!(hit(&v, 5.0, 40.0, 100.0, Orientation::Icicle), None);
        // Flame: the root is the bottom row.
        assert_eq!(hit(&v, 50.0, 40.0, 100.0, Orientation::Flame), Some(0));
        assert_eq!(hit(&v, 20.0, 5.0, 100.0, Orientation::Flame), Some(3));
    }

    #[test]
    fn keyboard_moves() {
        let v = view();
        let n = |i| Some(NodeId(i));
        // From nothing: the widest frame of the first row (the root is
        // not drawn).
        assert_eq!(step(&v, None, Move::Child), n(1));
        assert_eq!(step(&v, n(99), Move::Left), n(1));
        assert_eq!(step(&v, n(1), Move::Child), n(2));
        assert_eq!(step(&v, n(2), Move::Right), n(3));
        assert_eq!(step(&v, n(3), Move::Left), n(2));
        assert_eq!(step(&v, n(2), Move::Child), n(4));
        assert_eq!(step(&v, n(4), Move::Parent), n(2));
        assert_eq!(step(&v, n(1), Move::Parent), n(1));
    }

    #[test]
    fn truncation_and_colours() {
        assert_eq!(truncate("runtime.mallocgc", 8), "runtime…");
        assert_eq!(truncate("abc", 3), "abc");
        assert_eq!(package_hsl("runtime"), package_hsl("runtime"));
        assert_ne!(package_hsl("runtime"), package_hsl("encoding/json"));
        // Growth is red, reduction blue, no change grey; bigger changes stronger.
        assert_eq!(diff_hsl(200, 100).0, 4.0);
        assert_eq!(diff_hsl(50, 100).0, 214.0);
        assert_eq!(diff_hsl(100, 100).1, 0.0);
        assert!(diff_hsl(1000, 10).2 < diff_hsl(110, 100).2);
    }
}
