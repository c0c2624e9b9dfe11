//! The graph view's pixels: the camera (pan and zoom over the laid-out
//! scene), what is under the pointer, and the canvas drawing. The layout
//! happened in the worker; this only transforms and paints, culling what
//! is off screen and leaving out text too small to read, so a pan repaints
//! in a few milliseconds.

use heaplens_view::callgraph::{
    svg::label_at, GraphNode, GraphScene, EDGE_FONT, LINE_HEIGHT, NODELET_FONT, PAD,
};
use wasm_bindgen::JsValue;
use web_sys::CanvasRenderingContext2d;

/// Where the scene is on screen: screen = scene × scale + (tx, ty), in CSS
/// pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Camera {
    pub scale: f64,
    pub tx: f64,
    pub ty: f64,
}

/// The zoom's limits.
pub const MIN_SCALE: f64 = 0.05;
pub const MAX_SCALE: f64 = 4.0;
/// The smallest scale a scene is first shown at (8 px labels stay 6 px).
pub const READABLE: f64 = 0.75;
/// Room around the scene when it is fitted.
const MARGIN: f64 = 16.0;

impl Camera {
    /// The first view of a scene in a `w` × `h` view: its whole width
    /// when that keeps labels readable (a scale of at least `READABLE`, at
    /// most 1), else at that scale around its first node (pprof's most
    /// important); centred when it fits, from its top when it is taller.
    pub fn fit(scene: &GraphScene, w: f64, h: f64) -> Camera {
        let sw = scene.width + 2.0 * MARGIN;
        let whole = w / sw;
        let scale = whole.clamp(READABLE, 1.0);
        let tx = if whole >= scale {
            (w - scene.width * scale) / 2.0
        } else {
            let focus = scene.nodes.first().map_or(0.0, |n| n.x + n.w / 2.0);
            (w / 2.0 - focus * scale).clamp(w - MARGIN - scene.width * scale, MARGIN)
        };
        let ty = if scene.height * scale + 2.0 * MARGIN < h {
            (h - scene.height * scale) / 2.0
        } else {
            MARGIN
        };
        Camera { scale, tx, ty }
    }

    /// Zoomed by `factor` keeping the scene point under (x, y) in place.
    pub fn zoom_at(self, factor: f64, x: f64, y: f64) -> Camera {
        let scale = (self.scale * factor).clamp(MIN_SCALE, MAX_SCALE);
        let k = scale / self.scale;
        Camera {
            scale,
            tx: x - (x - self.tx) * k,
            ty: y - (y - self.ty) * k,
        }
    }

    /// Moved by (dx, dy) screen pixels.
    pub fn moved(self, dx: f64, dy: f64) -> Camera {
        Camera {
            tx: self.tx + dx,
            ty: self.ty + dy,
            ..self
        }
    }

    /// The scene point under screen point (x, y).
    pub fn to_scene(self, x: f64, y: f64) -> (f64, f64) {
        ((x - self.tx) / self.scale, (y - self.ty) / self.scale)
    }

    /// Moved so scene point (x, y) is at the middle of a `w` × `h` view.
    pub fn centred_on(self, x: f64, y: f64, w: f64, h: f64) -> Camera {
        Camera {
            tx: w / 2.0 - x * self.scale,
            ty: h / 2.0 - y * self.scale,
            ..self
        }
    }
}

/// The node whose box holds screen point (x, y).
pub fn hit(scene: &GraphScene, cam: Camera, x: f64, y: f64) -> Option<usize> {
    let (sx, sy) = cam.to_scene(x, y);
    scene
        .nodes
        .iter()
        .position(|n| sx >= n.x && sx <= n.x + n.w && sy >= n.y && sy <= n.y + n.h)
}

/// The edge whose route passes within a few pixels of screen point (x, y).
pub fn hit_edge(scene: &GraphScene, cam: Camera, x: f64, y: f64) -> Option<usize> {
    let (sx, sy) = cam.to_scene(x, y);
    let near = 5.0 / cam.scale;
    scene.edges.iter().position(|e| {
        e.points
            .windows(2)
            .any(|w| segment_distance((sx, sy), w[0], w[1]) <= near.max(e.width))
    })
}

fn segment_distance(p: (f64, f64), a: (f64, f64), b: (f64, f64)) -> f64 {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len2 = dx * dx + dy * dy;
    let t = if len2 == 0.0 {
        0.0
    } else {
        (((p.0 - a.0) * dx + (p.1 - a.1) * dy) / len2).clamp(0.0, 1.0)
    };
    (p.0 - a.0 - t * dx).hypot(p.1 - a.1 - t * dy)
}

/// What is drawn highlighted.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Marks {
    /// The selected function's node.
    pub selected: Option<usize>,
    /// The node the keyboard is on.
    pub focus: Option<usize>,
    pub hover: Option<usize>,
    pub dark: bool,
}

/// Paints `scene` through `cam` on a `w` × `h` CSS-pixel canvas at device
/// pixel ratio `dpr`.
pub fn paint(
    ctx: &CanvasRenderingContext2d,
    scene: &GraphScene,
    cam: Camera,
    (w, h, dpr): (f64, f64, f64),
    marks: Marks,
) {
    let _ = ctx.set_transform(dpr, 0.0, 0.0, dpr, 0.0, 0.0);
    ctx.clear_rect(0.0, 0.0, w, h);
    let _ = ctx.set_transform(
        dpr * cam.scale,
        0.0,
        0.0,
        dpr * cam.scale,
        dpr * cam.tx,
        dpr * cam.ty,
    );
    let (x0, y0) = cam.to_scene(0.0, 0.0);
    let (x1, y1) = cam.to_scene(w, h);
    let visible =
        |x: f64, y: f64, bw: f64, bh: f64| x <= x1 && x + bw >= x0 && y <= y1 && y + bh >= y0;
    let text = if marks.dark { "#e6e6e6" } else { "#333" };
    for e in &scene.edges {
        let (mut lo, mut hi) = ((f64::MAX, f64::MAX), (f64::MIN, f64::MIN));
        for &(x, y) in &e.points {
            lo = (lo.0.min(x), lo.1.min(y));
            hi = (hi.0.max(x), hi.1.max(y));
        }
        if !visible(lo.0, lo.1, hi.0 - lo.0, hi.1 - lo.1) {
            continue;
        }
        let on = marks
            .selected
            .is_some_and(|s| s == e.src as usize || s == e.dst as usize);
        edge(ctx, e, on);
        if EDGE_FONT * cam.scale >= 7.0 {
            if let Some((x, y)) = label_at(&e.points) {
                ctx.set_font(&format!("{EDGE_FONT}px monospace"));
                ctx.set_text_align("left");
                ctx.set_fill_style_str(text);
                for (k, line) in e.label.lines().enumerate() {
                    let _ = ctx.fill_text(line, x + 4.0, y + k as f64 * EDGE_FONT * LINE_HEIGHT);
                }
            }
        }
    }
    ctx.set_line_dash(&JsValue::from(js_sys::Array::new())).ok();
    for (i, n) in scene.nodes.iter().enumerate() {
        if !visible(n.x, n.y, n.w, n.h + n.below()) {
            continue;
        }
        nodelets(ctx, n, cam.scale, marks.dark);
        ctx.set_fill_style_str(&n.fill);
        ctx.fill_rect(n.x, n.y, n.w, n.h);
        let strong = marks.selected == Some(i) || marks.hover == Some(i);
        ctx.set_stroke_style_str(if strong { "#1565c0" } else { &n.border });
        ctx.set_line_width(if strong { 3.0 } else { 1.0 });
        ctx.stroke_rect(n.x, n.y, n.w, n.h);
        if marks.focus == Some(i) {
            ctx.set_stroke_style_str(if marks.dark { "#ffd54f" } else { "#000" });
            ctx.set_line_width(2.0 / cam.scale);
            ctx.stroke_rect(n.x - 4.0, n.y - 4.0, n.w + 8.0, n.h + 8.0);
        }
        if n.font * cam.scale < 3.0 {
            continue;
        }
        ctx.set_font(&format!("{}px monospace", n.font));
        ctx.set_text_align("center");
        ctx.set_fill_style_str("#1a1a1a");
        for (k, line) in n.lines.iter().enumerate() {
            let y = n.y + PAD + (k as f64 + 0.85) * n.font * LINE_HEIGHT;
            let _ = ctx.fill_text(line, n.x + n.w / 2.0, y);
        }
    }
}

/// A box's label nodelets: a small box per row under it, its labels (or
/// value range) and value inside, dotted where pprof dots it.
fn nodelets(ctx: &CanvasRenderingContext2d, n: &GraphNode, scale: f64, dark: bool) {
    let (fill, border, text) = if dark {
        ("#2b2b2b", "#777", "#e6e6e6")
    } else {
        ("#f8f8f8", "#999", "#333")
    };
    ctx.set_line_width(1.0);
    ctx.set_font(&format!("{NODELET_FONT}px monospace"));
    ctx.set_text_align("left");
    let dots = js_sys::Array::of2(&JsValue::from(2.0), &JsValue::from(2.0));
    for (k, d) in n.nodelets.iter().enumerate() {
        let ((x, y, w, h), (tx, ty)) = n.nodelet_box(k);
        ctx.set_fill_style_str(fill);
        ctx.fill_rect(x, y, w, h);
        if d.dotted {
            ctx.set_line_dash(&dots).ok();
        }
        ctx.set_stroke_style_str(border);
        ctx.stroke_rect(x, y, w, h);
        ctx.set_line_dash(&js_sys::Array::new()).ok();
        if NODELET_FONT * scale >= 4.0 {
            ctx.set_fill_style_str(text);
            let _ = ctx.fill_text(&d.text, tx, ty);
        }
    }
}

/// One edge: its route smoothed through its points, dashed when inlined,
/// dotted when residual, and an arrowhead at the callee.
fn edge(ctx: &CanvasRenderingContext2d, e: &heaplens_view::callgraph::GraphEdge, on: bool) {
    let pts = &e.points;
    let (Some(&first), Some(&last)) = (pts.first(), pts.last()) else {
        return;
    };
    let dash = js_sys::Array::new();
    let pattern: &[f64] = if e.residual {
        &[2.0, 3.0]
    } else if e.inline {
        &[6.0, 3.0]
    } else {
        &[]
    };
    for d in pattern {
        dash.push(&JsValue::from_f64(*d));
    }
    ctx.set_line_dash(&dash).ok();
    ctx.set_stroke_style_str(if on { "#1565c0" } else { &e.color });
    ctx.set_line_width(e.width + if on { 1.0 } else { 0.0 });
    ctx.begin_path();
    ctx.move_to(first.0, first.1);
    // Through the midpoints, bending at each point: a smooth curve that
    // stays near the route (and so off the boxes it avoids).
    for w in pts.windows(2).skip(1) {
        let mid = ((w[0].0 + w[1].0) / 2.0, (w[0].1 + w[1].1) / 2.0);
        ctx.quadratic_curve_to(w[0].0, w[0].1, mid.0, mid.1);
    }
    ctx.line_to(last.0, last.1);
    ctx.stroke();
    // The arrowhead, along the last segment.
    let prev = pts.len().checked_sub(2).and_then(|i| pts.get(i)).copied();
    if let Some(prev) = prev {
        let angle = (last.1 - prev.1).atan2(last.0 - prev.0);
        let size = 6.0 + e.width * 1.5;
        ctx.set_line_dash(&js_sys::Array::new()).ok();
        ctx.set_fill_style_str(if on { "#1565c0" } else { &e.color });
        ctx.begin_path();
        ctx.move_to(last.0, last.1);
        ctx.line_to(
            last.0 - size * (angle - 0.4).cos(),
            last.1 - size * (angle - 0.4).sin(),
        );
        ctx.line_to(
            last.0 - size * (angle + 0.4).cos(),
            last.1 - size * (angle + 0.4).sin(),
        );
        ctx.close_path();
        ctx.fill();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scene(w: f64, h: f64) -> GraphScene {
        GraphScene {
            width: w,
            height: h,
            ..GraphScene::default()
        }
    }

    #[test]
    fn a_small_graph_is_shown_whole_at_its_size() {
        let c = Camera::fit(&scene(200.0, 100.0), 800.0, 600.0);
        assert_eq!(c.scale, 1.0);
        assert_eq!((c.tx, c.ty), (300.0, 250.0));
    }

    #[test]
    fn a_wide_graph_is_shown_readable_from_its_first_node() {
        let c = Camera::fit(&scene(968.0, 400.0), 800.0, 600.0);
        assert!((c.scale - 0.8).abs() < 1e-9, "{c:?}");
        let mut wide = scene(8000.0, 400.0);
        wide.nodes.push(heaplens_view::callgraph::GraphNode {
            name: "f".into(),
            lines: Vec::new(),
            font: 8.0,
            x: 3000.0,
            y: 0.0,
            w: 100.0,
            h: 30.0,
            flat: 1,
            cum: 1,
            fill: String::new(),
            border: String::new(),
            tip: String::new(),
            nodelets: Vec::new(),
        });
        let c = Camera::fit(&wide, 800.0, 600.0);
        assert_eq!(c.scale, READABLE);
        // The first node's middle is in the middle of the view.
        assert!((3050.0 * c.scale + c.tx - 400.0).abs() < 1e-9, "{c:?}");
        let left = Camera::fit(&scene(8000.0, 400.0), 800.0, 600.0);
        assert_eq!(left.tx, MARGIN);
    }

    #[test]
    fn zooming_keeps_the_point_under_the_pointer() {
        let c = Camera {
            scale: 1.0,
            tx: 10.0,
            ty: 20.0,
        };
        let z = c.zoom_at(2.0, 110.0, 70.0);
        let before = c.to_scene(110.0, 70.0);
        let after = z.to_scene(110.0, 70.0);
        assert!((before.0 - after.0).abs() < 1e-9 && (before.1 - after.1).abs() < 1e-9);
        assert_eq!(c.zoom_at(1e9, 0.0, 0.0).scale, MAX_SCALE);
    }

    #[test]
    fn edges_are_hit_near_their_route() {
        assert_eq!(segment_distance((5.0, 3.0), (0.0, 0.0), (10.0, 0.0)), 3.0);
        assert_eq!(segment_distance((-4.0, 3.0), (0.0, 0.0), (10.0, 0.0)), 5.0);
    }
}
