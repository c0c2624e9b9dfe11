//! Growing a shaped tree, one row at a time.

use super::types::{Place, Sums, HEAD};
use crate::layout::MAX_ROWS;
use crate::tree::ROOT;
use heaplens_profile::model::NONE;

/// A tree being grown, one row at a time. The items of a row's nodes are
/// records in one buffer, a node's records together: `[item, n, values,
/// keys]`, the item's `n` keys below the node and its width values (two
/// words each). Splitting a node copies its children's records to the
/// next row's buffer, less their first key: reading and writing in order
/// is what keeps growing fast (looking each item's stack up instead
/// misses the cache once per item and row).
pub(super) struct Grower<'a> {
    pub(super) names: &'a [String],
    /// For climbing records: whether direct calls fold, and the function
    /// tree's keys and parents.
    pub(super) climb: Option<(bool, &'a [u32], &'a [u32])>,
    pub(super) zoom: &'a [String],
    pub(super) min_width: f64,
    pub(super) parent: Vec<u32>,
    pub(super) key: Vec<u32>,
    pub(super) depth: Vec<u32>,
    pub(super) sums: Vec<Sums>,
    pub(super) item_node: Vec<u32>,
    /// The zoomed frame's width and row, once it is made.
    pub(super) zoomed: Option<(f64, u32)>,
    /// Scratch: each record's child bucket while a node is split, and the
    /// bucket of each key (valid where `stamp` holds the node).
    pub(super) bucket_of: Vec<u32>,
    pub(super) bucket_of_key: Vec<u32>,
    pub(super) stamp: Vec<u32>,
}

/// A node of the row being split: its records are `[start..end]` of the
/// row's buffer, the first `skip` keys of each already read (by its
/// ancestors).
#[derive(Debug, Clone, Copy)]
pub(super) struct Rowed {
    pub(super) node: u32,
    pub(super) place: Place,
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) skip: u32,
}

/// A child being made: its key, the words its records take once copied,
/// and its widths' sums.
#[derive(Debug, Clone, Copy)]
struct Bucket {
    key: u32,
    words: usize,
    sums: Sums,
}

impl Grower<'_> {
    pub(super) fn push(&mut self, parent: u32, key: u32, depth: u32, sums: Sums) -> u32 {
        let id = self.parent.len() as u32;
        self.parent.push(parent);
        self.key.push(key);
        self.depth.push(depth);
        self.sums.push(sums);
        id
    }

    /// Splits `at`'s records (in `buf`) among new children by their next
    /// key; the items whose stack ends there stay at it. The children that
    /// are grown get their records copied to `next` and are added to
    /// `row`. The frames all the records go on through are made at once
    /// ([`Grower::follow_prefix`]).
    pub(super) fn split(
        &mut self,
        at: Rowed,
        buf: &[u32],
        next: &mut Vec<u32>,
        row: &mut Vec<Rowed>,
    ) {
        if let Some(climb) = self.climb {
            return self.split_climbing(at, buf, climb, next, row);
        }
        let mut buckets: Vec<Bucket> = Vec::new();
        let mut at = at;
        let (first, places) = loop {
            match self.follow_prefix(at, buf) {
                Some(below) => at = below,
                None => return,
            }
            let ends = self.scan(at, buf, &mut buckets);
            let (first, places) = self.make_children(at, &buckets);
            match places.as_slice() {
                [only] if !ends && *only != Place::Aside => {
                    at = Rowed {
                        node: first,
                        place: *only,
                        skip: at.skip + 1,
                        ..at
                    };
                }
                _ => break (first, places),
            }
        };
        let mut cursor = self.rows_for(first, &places, &buckets, next, row);
        let skip = at.skip as usize;
        let mut pos = at.start;
        for &bucket in &self.bucket_of {
            let rem = buf[pos + 1] as usize - skip;
            let len = HEAD + skip + rem;
            if let Some(to) = cursor.get_mut(bucket as usize) {
                if *to == usize::MAX {
                    self.item_node[buf[pos] as usize] = first + bucket;
                } else {
                    let w = *to;
                    next[w..w + HEAD].copy_from_slice(&buf[pos..pos + HEAD]);
                    next[w + 1] = rem as u32 - 1;
                    let keys = pos + HEAD + skip + 1..pos + len;
                    next[w + HEAD..w + HEAD + rem - 1].copy_from_slice(&buf[keys]);
                    *to += HEAD + rem - 1;
                }
            }
            pos += len;
        }
    }

    /// Reads `at`'s records once: each one's next key, into `buckets` (a
    /// child each, in order of first appearance), its bucket in
    /// `bucket_of`; the items ending at `at` are given to it. Returns
    /// whether some end there.
    fn scan(&mut self, at: Rowed, buf: &[u32], buckets: &mut Vec<Bucket>) -> bool {
        let skip = at.skip as usize;
        buckets.clear();
        self.bucket_of.clear();
        let mut ends = false;
        let mut pos = at.start;
        while pos < at.end {
            let rem = buf[pos + 1] as usize - skip;
            if rem == 0 {
                self.item_node[buf[pos] as usize] = at.node;
                self.bucket_of.push(NONE);
                ends = true;
                pos += HEAD + skip;
                continue;
            }
            let b = self.bucket(at.node, buf[pos + HEAD + skip], buckets);
            buckets[b].words += HEAD + rem - 1;
            buckets[b].sums.add_record(buf, pos);
            pos += HEAD + skip + rem;
        }
        ends
    }

    /// The bucket of key `k` among node `n`'s children, made when new, and
    /// noted as the next record's.
    fn bucket(&mut self, n: u32, k: u32, buckets: &mut Vec<Bucket>) -> usize {
        let slot = k as usize;
        if self.stamp[slot] != n {
            self.stamp[slot] = n;
            self.bucket_of_key[slot] = buckets.len() as u32;
            buckets.push(Bucket {
                key: k,
                words: 0,
                sums: Sums::default(),
            });
        }
        let b = self.bucket_of_key[slot];
        self.bucket_of.push(b);
        b as usize
    }

    /// Makes `at`'s children, one per bucket; returns the first one's id
    /// and where each stands ([`Grower::places`]).
    fn make_children(&mut self, at: Rowed, buckets: &[Bucket]) -> (u32, Vec<Place>) {
        let depth = self.depth[at.node as usize] + 1;
        let first = self.parent.len() as u32;
        for b in buckets {
            self.push(at.node, b.key, depth, b.sums);
        }
        (first, self.places(at, first..self.parent.len() as u32))
    }

    /// Room in `next` for the records of each child that is grown, which
    /// is added to `row`: where each one's records go (`usize::MAX` for a
    /// child not grown).
    fn rows_for(
        &self,
        first: u32,
        places: &[Place],
        buckets: &[Bucket],
        next: &mut Vec<u32>,
        row: &mut Vec<Rowed>,
    ) -> Vec<usize> {
        let mut cursor = vec![usize::MAX; buckets.len()];
        for (i, b) in buckets.iter().enumerate() {
            if places[i] != Place::Aside {
                cursor[i] = next.len();
                row.push(Rowed {
                    node: first + i as u32,
                    place: places[i],
                    start: next.len(),
                    end: next.len() + b.words,
                    skip: 0,
                });
                next.resize(next.len() + b.words, 0);
            }
        }
        cursor
    }

    /// Follows `at` down the frames its records all have next (none ending
    /// before): one read of each record's keys, however long that common
    /// stack. Returns the last node made, or None when one of them is not
    /// grown (its items are then its own).
    fn follow_prefix(&mut self, at: Rowed, buf: &[u32]) -> Option<Rowed> {
        let skip = at.skip as usize;
        if at.start >= at.end {
            return Some(at);
        }
        let first_keys = |pos: usize| {
            let n = buf[pos + 1] as usize;
            &buf[pos + HEAD + skip..pos + HEAD + n]
        };
        let lead = first_keys(at.start);
        // Frames shared, each with a record going on below it.
        let mut common = lead.len().saturating_sub(1);
        let mut pos = at.start;
        while pos < at.end && common > 0 {
            let keys = first_keys(pos);
            let shared = keys
                .iter()
                .zip(lead)
                .take(common.min(keys.len().saturating_sub(1)))
                .take_while(|(a, b)| a == b)
                .count();
            common = common.min(shared);
            pos += HEAD + skip + keys.len();
        }
        let mut at = at;
        for &k in &lead[..common] {
            let sums = self.sums[at.node as usize];
            let depth = self.depth[at.node as usize] + 1;
            let child = self.push(at.node, k, depth, sums);
            let place = self.places(at, child..child + 1)[0];
            at = Rowed {
                node: child,
                place,
                skip: at.skip + 1,
                ..at
            };
            if place == Place::Aside {
                let mut pos = at.start;
                while pos < at.end {
                    self.item_node[buf[pos] as usize] = child;
                    pos += HEAD + buf[pos + 1] as usize;
                }
                return None;
            }
        }
        Some(at)
    }

    /// [`Grower::split`] for climbing records: a record's next key is its
    /// node's, and the copy for a grown child climbs to the node's parent
    /// (past its calls of itself, when direct calls fold).
    fn split_climbing(
        &mut self,
        at: Rowed,
        buf: &[u32],
        (direct, key, parent): (bool, &[u32], &[u32]),
        next: &mut Vec<u32>,
        row: &mut Vec<Rowed>,
    ) {
        let mut buckets: Vec<Bucket> = Vec::new();
        self.bucket_of.clear();
        for pos in (at.start..at.end).step_by(HEAD) {
            let from = buf[pos + 1];
            let Some(&k) = key.get(from as usize).filter(|_| from != ROOT) else {
                self.item_node[buf[pos] as usize] = at.node;
                self.bucket_of.push(NONE);
                continue;
            };
            let b = self.bucket(at.node, k, &mut buckets);
            buckets[b].words += HEAD;
            buckets[b].sums.add_record(buf, pos);
        }
        let (first, places) = self.make_children(at, &buckets);
        let mut cursor = self.rows_for(first, &places, &buckets, next, row);
        for (i, &bucket) in self.bucket_of.iter().enumerate() {
            let pos = at.start + i * HEAD;
            let Some(to) = cursor.get_mut(bucket as usize) else {
                continue;
            };
            if *to == usize::MAX {
                self.item_node[buf[pos] as usize] = first + bucket;
                continue;
            }
            let from = buf[pos + 1] as usize;
            let function = key[from] >> 1;
            let mut up = parent[from];
            while direct && up != ROOT && up != NONE && key[up as usize] >> 1 == function {
                up = parent[up as usize];
            }
            let w = *to;
            next[w..w + HEAD].copy_from_slice(&buf[pos..pos + HEAD]);
            next[w + 1] = up;
            *to += HEAD;
        }
    }

    /// Which of the new children `kids` of `at` are grown: the next frame
    /// of the zoom's path, and below the zoomed frame those the layout
    /// could draw (at least half its minimum width of the zoomed frame's,
    /// within its rows).
    fn places(&mut self, at: Rowed, kids: std::ops::Range<u32>) -> Vec<Place> {
        let mut places = vec![Place::Aside; kids.len()];
        if let Place::Path(i) = at.place {
            let next = kids.clone().position(|c| {
                self.names.get((self.key[c as usize] >> 1) as usize) == self.zoom.get(i)
            });
            match next {
                Some(c) if i + 1 < self.zoom.len() => places[c] = Place::Path(i + 1),
                Some(c) => {
                    let node = kids.start as usize + c;
                    self.zoomed = Some((self.sums[node].weight() as f64, self.depth[node]));
                    places[c] = Place::Below;
                }
                // The path names no child: the zoom stays at `at`.
                None => {
                    let node = at.node as usize;
                    self.zoomed = Some((self.sums[node].weight() as f64, self.depth[node]));
                    self.wide(kids, &mut places);
                }
            }
        } else if at.place == Place::Below {
            self.wide(kids, &mut places);
        }
        places
    }

    fn wide(&self, kids: std::ops::Range<u32>, places: &mut [Place]) {
        let Some((zw, zdepth)) = self.zoomed.filter(|z| z.0 > 0.0) else {
            return;
        };
        let scale = 1.0 / zw;
        for (i, c) in kids.enumerate() {
            let w = self.sums[c as usize].weight();
            // The layout stops MAX_ROWS rows down, asking only whether the
            // last row's frames have children (which these have).
            if w > 0
                && w as f64 * scale >= self.min_width * 0.5
                && self.depth[c as usize] <= zdepth + MAX_ROWS + 1
            {
                places[i] = Place::Below;
            }
        }
    }
}
