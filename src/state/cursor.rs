//! One cursor: the selected frame. Arrows move it among the frames drawn
//! (the widest child first), `+`/Enter zoom into it, `-` zooms out one
//! level leaving the frame it left selected (so `+` goes back in), `0`
//! and the breadcrumb zoom out without losing it.

use heaplens_view::session::NodeId;

use super::AppState;
use crate::paint::{self, Move};

impl AppState {
    /// Selects frame `node` of the current view: its function becomes the
    /// selection (callers and callees, the link).
    pub(super) fn select_frame(&mut self, node: Option<NodeId>) {
        let Some(view) = self.view.clone() else {
            return;
        };
        let Some(node) = node else {
            self.cursor = None;
            self.cursor_path.clear();
            return;
        };
        let Some(path) = view.path_to(node) else {
            return;
        };
        self.cursor = Some(node);
        // The root is no function: it selects nothing.
        self.params.selected = path.last().cloned();
        self.cursor_path = path;
    }

    /// An arrow key.
    pub(super) fn move_cursor(&mut self, m: Move) {
        let Some(view) = self.view.clone() else {
            return;
        };
        let next = paint::step(&view, self.cursor, m);
        self.select_frame(next);
    }

    /// `+` or Enter.
    pub(super) fn zoom_in(&mut self) {
        let Some(view) = self.view.clone() else {
            return;
        };
        let zoomed = self.zoom_node.unwrap_or(NodeId::ROOT);
        let target = match self.cursor {
            Some(c) if c != zoomed => c,
            // On the zoomed frame, or nothing selected: its widest child.
            _ => match paint::widest_below_zoom(&view) {
                Some(n) if n != zoomed => {
                    self.select_frame(Some(n));
                    n
                }
                _ => return,
            },
        };
        if view.rects.iter().any(|r| r.node == target) {
            self.zoom(target);
        } else if !self.cursor_path.is_empty() {
            // Too narrow to be drawn here: the worker finds it by names.
            self.params.zoom = self.cursor_path.clone();
            self.zoom_node = None;
        }
    }

    /// `-`: one level out; the frame left becomes the selection.
    pub(super) fn zoom_out(&mut self) {
        let Some(view) = self.view.clone() else {
            return;
        };
        let Some(zoomed) = self.zoom_node.filter(|&z| z != NodeId::ROOT) else {
            return;
        };
        let n = view.crumbs.len();
        let up = if n >= 2 {
            view.crumbs[n - 2].node
        } else {
            NodeId::ROOT
        };
        let left = self.params.zoom.clone();
        self.zoom(up);
        self.cursor = Some(zoomed);
        self.params.selected = left.last().cloned();
        self.cursor_path = left;
    }
}
