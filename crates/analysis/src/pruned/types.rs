//! What the stacks' records and the grower share: the records' head, the
//! widths, a node's sums and its place towards the zoom.

/// Words before an item's keys in its record: the item, its number of
/// keys (or the node it climbs from), and two width values of two words
/// each.
pub const HEAD: usize = 6;

/// What a frame's width is, per item: as [`crate::layout::Weight`] is per
/// node.
#[derive(Debug, Clone, Copy)]
pub enum Widths<'a> {
    Abs(&'a [i64]),
    Max(&'a [i64], &'a [i64]),
}

impl Widths<'_> {
    pub fn of(&self, item: u32, column: usize) -> i64 {
        let v = match (self, column) {
            (Widths::Abs(a), 0) | (Widths::Max(a, _), 0) => a,
            (Widths::Max(_, b), _) => b,
            (Widths::Abs(_), _) => return 0,
        };
        v.get(item as usize).copied().unwrap_or(0)
    }
}

/// A node's sums of the width's one or two columns.
#[derive(Debug, Clone, Copy, Default)]
pub struct Sums([i64; 2]);

impl Sums {
    /// Adds the width values of the record at `pos` of `buf`.
    pub fn add_record(&mut self, buf: &[u32], pos: usize) {
        for (c, sum) in self.0.iter_mut().enumerate() {
            let v = u64::from(buf[pos + 2 + 2 * c]) | u64::from(buf[pos + 3 + 2 * c]) << 32;
            *sum = sum.wrapping_add(v as i64);
        }
    }

    pub fn weight(self) -> u64 {
        self.0[0].unsigned_abs().max(self.0[1].unsigned_abs())
    }
}

/// Where a node stands towards the zoomed frame.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Place {
    /// On the path to the zoomed frame, which names the child at this
    /// index of the path next.
    Path(usize),
    /// The zoomed frame or below it, wide enough to be drawn: grown.
    Below,
    /// Beside the path or too narrow: never drawn, so never grown.
    Aside,
}
