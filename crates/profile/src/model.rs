//! The resolved profile: index-based tables (u32 ids), strings by index into
//! one table, and samples stored as flat columns (no allocation per sample).
//! Built by [`crate::decode`], read by every analysis.

/// "No entry" for optional u32 references (mapping of a location, etc.).
pub const NONE: u32 = u32::MAX;

/// A sample type or period type, e.g. `alloc_space` in `bytes`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ValueType {
    pub ty: String,
    pub unit: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mapping {
    pub id: u64,
    pub start: u64,
    pub limit: u64,
    pub offset: u64,
    /// String index of the binary's path.
    pub file: u32,
    pub build_id: u32,
    pub has_functions: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Function {
    pub id: u64,
    pub name: u32,
    pub system_name: u32,
    pub filename: u32,
    pub start_line: i64,
}

/// One entry of a location's `line` list: a function at a line. A location
/// with inlined calls expands into several frames.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Frame {
    /// Index into [`Profile::functions`].
    pub function: u32,
    pub line: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub id: u64,
    pub address: u64,
    /// Index into [`Profile::mappings`] or [`NONE`].
    pub mapping: u32,
    /// Range into [`Profile::frames`], innermost (inlined) frame first, the
    /// caller last, as in the file. Empty for unsymbolized locations.
    pub frames_start: u32,
    pub frames_end: u32,
}

impl Location {
    pub fn frame_range(&self) -> std::ops::Range<usize> {
        self.frames_start as usize..self.frames_end as usize
    }
}

/// A sample label: a string value (`str != 0`) or a number with a unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Label {
    pub key: u32,
    pub str: u32,
    pub num: i64,
    pub unit: u32,
}

/// Every sample's labels, each distinct set of labels stored once (a Go
/// heap profile labels each of its million samples with one of a few
/// hundred object sizes).
#[derive(Debug, Clone, Default)]
pub struct SampleLabels {
    /// Set k is `labels[set_offsets[k]..set_offsets[k + 1]]`; set 0 is empty.
    set_offsets: Vec<u32>,
    labels: Vec<Label>,
    /// Each sample's set; empty while no sample has labels.
    of_sample: Vec<u32>,
    /// Samples pushed so far.
    samples: usize,
}

impl SampleLabels {
    /// Sample `s`'s labels, in the order they were given.
    pub fn get(&self, s: usize) -> &[Label] {
        let Some(&k) = self.of_sample.get(s) else {
            return &[];
        };
        let k = k as usize;
        &self.labels[self.set_offsets[k] as usize..self.set_offsets[k + 1] as usize]
    }

    /// Sample `s`'s set of labels, as a number: samples with equal labels
    /// have the same set (0: no labels).
    pub fn set_of(&self, s: usize) -> u32 {
        self.of_sample.get(s).copied().unwrap_or(0)
    }

    /// How many distinct sets there are (set 0, the empty one, counted).
    pub fn sets(&self) -> usize {
        self.set_offsets.len().saturating_sub(1).max(1)
    }

    /// The labels of set `k` (see [`SampleLabels::set_of`]).
    pub fn set(&self, k: u32) -> &[Label] {
        let k = k as usize;
        match (self.set_offsets.get(k), self.set_offsets.get(k + 1)) {
            (Some(&a), Some(&b)) => self.labels.get(a as usize..b as usize).unwrap_or(&[]),
            _ => &[],
        }
    }

    /// Whether any sample has a label.
    pub fn any(&self) -> bool {
        !self.of_sample.is_empty()
    }

    /// How many samples have at least one label.
    pub fn labelled_samples(&self) -> usize {
        self.of_sample.iter().filter(|&&k| k != 0).count()
    }

    /// Each distinct label once per set it is in.
    pub fn distinct(&self) -> &[Label] {
        &self.labels
    }
}

/// Builds [`SampleLabels`] one sample at a time.
#[derive(Default)]
pub struct SampleLabelsBuilder {
    out: SampleLabels,
    index: rustc_hash::FxHashMap<Vec<Label>, u32>,
}

impl SampleLabelsBuilder {
    /// Appends the next sample's labels.
    pub fn push(&mut self, labels: &[Label]) {
        let out = &mut self.out;
        if labels.is_empty() && out.of_sample.is_empty() {
            out.samples += 1;
            return;
        }
        if out.of_sample.is_empty() {
            out.set_offsets = vec![0, 0];
            out.of_sample = vec![0; out.samples];
        }
        let k = if labels.is_empty() {
            0
        } else if let Some(&k) = self.index.get(labels) {
            k
        } else {
            let k = (out.set_offsets.len() - 1) as u32;
            out.labels.extend_from_slice(labels);
            out.set_offsets.push(out.labels.len() as u32);
            self.index.insert(labels.to_vec(), k);
            k
        };
        out.of_sample.push(k);
        out.samples += 1;
    }

    pub fn finish(self) -> SampleLabels {
        self.out
    }
}

/// Every sample's location indices, end to end: as u16 while the profile
/// has at most 65 536 locations (nearly all do), halving the largest column
/// of a big profile, else as u32.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StackLocs {
    Narrow(Vec<u16>),
    Wide(Vec<u32>),
}

impl Default for StackLocs {
    fn default() -> Self {
        StackLocs::Narrow(Vec::new())
    }
}

impl StackLocs {
    /// An empty column for a profile with `locations` locations, with room
    /// for `capacity` entries.
    pub fn for_locations(locations: usize, capacity: usize) -> StackLocs {
        if locations <= usize::from(u16::MAX) + 1 {
            StackLocs::Narrow(Vec::with_capacity(capacity))
        } else {
            StackLocs::Wide(Vec::with_capacity(capacity))
        }
    }

    pub fn len(&self) -> usize {
        match self {
            StackLocs::Narrow(v) => v.len(),
            StackLocs::Wide(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn clear(&mut self) {
        match self {
            StackLocs::Narrow(v) => v.clear(),
            StackLocs::Wide(v) => v.clear(),
        }
    }

    /// Appends one location index (widening the column if it does not fit).
    #[inline]
    pub fn push(&mut self, loc: u32) {
        match self {
            StackLocs::Narrow(v) => match u16::try_from(loc) {
                Ok(l) => v.push(l),
                Err(_) => {
                    self.widen();
                    self.push(loc);
                }
            },
            StackLocs::Wide(v) => v.push(loc),
        }
    }

    pub fn extend(&mut self, locs: impl IntoIterator<Item = u32>) {
        for l in locs {
            self.push(l);
        }
    }

    fn widen(&mut self) {
        if let StackLocs::Narrow(v) = self {
            let mut w = Vec::with_capacity(v.capacity().max(v.len() + 1));
            w.extend(v.iter().map(|&l| u32::from(l)));
            *self = StackLocs::Wide(w);
        }
    }

    /// Entries `a..b`.
    pub fn range(&self, a: usize, b: usize) -> Stack<'_> {
        match self {
            StackLocs::Narrow(v) => Stack::Narrow(&v[a..b]),
            StackLocs::Wide(v) => Stack::Wide(&v[a..b]),
        }
    }
}

/// One sample's stack: location indices, leaf first.
#[derive(Debug, Clone, Copy)]
pub enum Stack<'a> {
    Narrow(&'a [u16]),
    Wide(&'a [u32]),
}

impl<'a> Stack<'a> {
    pub fn len(&self) -> usize {
        match self {
            Stack::Narrow(s) => s.len(),
            Stack::Wide(s) => s.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The location index at position `i` (0 is the leaf).
    pub fn get(&self, i: usize) -> Option<u32> {
        match self {
            Stack::Narrow(s) => s.get(i).map(|&l| u32::from(l)),
            Stack::Wide(s) => s.get(i).copied(),
        }
    }

    /// Positions `from..` (towards the root).
    pub fn from(&self, from: usize) -> Stack<'a> {
        match *self {
            Stack::Narrow(s) => Stack::Narrow(&s[from.min(s.len())..]),
            Stack::Wide(s) => Stack::Wide(&s[from.min(s.len())..]),
        }
    }

    pub fn iter(&self) -> StackIter<'a> {
        match *self {
            Stack::Narrow(s) => StackIter::Narrow(s.iter()),
            Stack::Wide(s) => StackIter::Wide(s.iter()),
        }
    }

    pub fn to_vec(&self) -> Vec<u32> {
        self.iter().collect()
    }
}

impl<'a> IntoIterator for Stack<'a> {
    type Item = u32;
    type IntoIter = StackIter<'a>;
    fn into_iter(self) -> StackIter<'a> {
        self.iter()
    }
}

impl PartialEq<[u32]> for Stack<'_> {
    fn eq(&self, other: &[u32]) -> bool {
        self.len() == other.len() && self.iter().zip(other).all(|(a, &b)| a == b)
    }
}

impl<const N: usize> PartialEq<&[u32; N]> for Stack<'_> {
    fn eq(&self, other: &&[u32; N]) -> bool {
        *self == other[..]
    }
}

/// Iterator over a [`Stack`]'s location indices.
#[derive(Debug, Clone)]
pub enum StackIter<'a> {
    Narrow(std::slice::Iter<'a, u16>),
    Wide(std::slice::Iter<'a, u32>),
}

impl Iterator for StackIter<'_> {
    type Item = u32;
    #[inline]
    fn next(&mut self) -> Option<u32> {
        match self {
            StackIter::Narrow(i) => i.next().map(|&l| u32::from(l)),
            StackIter::Wide(i) => i.next().copied(),
        }
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = match self {
            StackIter::Narrow(i) => i.len(),
            StackIter::Wide(i) => i.len(),
        };
        (n, Some(n))
    }
}

impl DoubleEndedIterator for StackIter<'_> {
    #[inline]
    fn next_back(&mut self) -> Option<u32> {
        match self {
            StackIter::Narrow(i) => i.next_back().map(|&l| u32::from(l)),
            StackIter::Wide(i) => i.next_back().copied(),
        }
    }
}

impl ExactSizeIterator for StackIter<'_> {}

/// Sizes seen while decoding, for progress and the info panel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DecodeStats {
    pub input_bytes: u64,
    pub decoded_bytes: u64,
    pub gzipped: bool,
}

#[derive(Debug, Clone, Default)]
pub struct Profile {
    /// The string table; entry 0 is "". Invalid UTF-8 is replaced (U+FFFD).
    pub strings: Vec<String>,
    pub sample_types: Vec<ValueType>,
    /// The profile's own `default_sample_type` field ("" when unset).
    pub default_sample_type_name: String,
    pub period_type: Option<ValueType>,
    pub period: i64,
    pub time_nanos: i64,
    pub duration_nanos: i64,
    pub comments: Vec<String>,
    pub drop_frames: String,
    pub keep_frames: String,
    pub mappings: Vec<Mapping>,
    pub functions: Vec<Function>,
    pub locations: Vec<Location>,
    pub frames: Vec<Frame>,
    /// `stack_offsets[i]..stack_offsets[i + 1]` is sample i's range in
    /// `stack_locs` (location indices, leaf first).
    pub stack_offsets: Vec<u32>,
    pub stack_locs: StackLocs,
    /// Sample i's values are `values[i * n_types .. (i + 1) * n_types]`.
    pub values: Vec<i64>,
    pub labels: SampleLabels,
    /// Oddities that were survived (shown to the user, never fatal).
    pub warnings: Vec<String>,
    pub stats: DecodeStats,
    /// The `# runtime.MemStats` block of a Go legacy text heap profile
    /// (`debug=1` output), as (name, value) pairs in file order; empty for
    /// every other input.
    pub memstats: Vec<(String, String)>,
}

impl Profile {
    pub fn str(&self, idx: u32) -> &str {
        self.strings
            .get(idx as usize)
            .map(String::as_str)
            .unwrap_or("")
    }

    pub fn num_samples(&self) -> usize {
        self.stack_offsets.len().saturating_sub(1)
    }

    pub fn num_types(&self) -> usize {
        self.sample_types.len()
    }

    /// Sample i's stack as location indices, leaf first.
    pub fn stack(&self, i: usize) -> Stack<'_> {
        let a = self.stack_offsets[i] as usize;
        let b = self.stack_offsets[i + 1] as usize;
        self.stack_locs.range(a, b)
    }

    pub fn sample_values(&self, i: usize) -> &[i64] {
        let n = self.num_types();
        &self.values[i * n..(i + 1) * n]
    }

    pub fn value(&self, sample: usize, ty: usize) -> i64 {
        self.values[sample * self.num_types() + ty]
    }

    pub fn sample_labels(&self, i: usize) -> &[Label] {
        self.labels.get(i)
    }

    pub fn location_frames(&self, loc: u32) -> &[Frame] {
        &self.frames[self.locations[loc as usize].frame_range()]
    }

    pub fn sample_type_names(&self) -> Vec<String> {
        self.sample_types.iter().map(|t| t.ty.clone()).collect()
    }

    /// pprof's rule: the type named by `default_sample_type`, else the last.
    pub fn default_sample_type(&self) -> usize {
        if !self.default_sample_type_name.is_empty() {
            if let Some(i) = self
                .sample_types
                .iter()
                .position(|t| t.ty == self.default_sample_type_name)
            {
                return i;
            }
        }
        self.sample_types.len().saturating_sub(1)
    }

    /// Whether some sample has a non-zero value of type `ty`.
    pub fn has_values(&self, ty: usize) -> bool {
        let n = self.num_types();
        ty < n && self.values.iter().skip(ty).step_by(n).any(|&v| v != 0)
    }

    /// The sample type shown when none is asked for: pprof's default
    /// ([`Profile::default_sample_type`]), unless all its values are 0 while
    /// another type has values; then the first type with values, and a note
    /// that says so.
    pub fn default_sample_type_with_values(&self) -> (usize, Option<String>) {
        let def = self.default_sample_type();
        if self.has_values(def) {
            return (def, None);
        }
        let Some(first) = (0..self.num_types()).find(|&t| self.has_values(t)) else {
            return (def, None);
        };
        let name = |t: usize| self.sample_types.get(t).map_or("", |v| v.ty.as_str());
        let note = format!(
            "the default sample type {} is 0 in every sample; showing {}, the first sample type with values",
            name(def),
            name(first)
        );
        (first, Some(note))
    }

    /// Resolves a sample type the way `go tool pprof -sample_index` does: a
    /// number is an index, otherwise a name (with `inuse_` optional), and
    /// `None` or "" means the default.
    pub fn sample_type_index(&self, asked: Option<&str>) -> crate::Result<usize> {
        let unknown = || crate::Error::UnknownSampleType {
            asked: asked.unwrap_or("").to_string(),
            available: self.sample_type_names(),
        };
        if self.sample_types.is_empty() {
            return Err(unknown());
        }
        let asked_s = match asked {
            None | Some("") => return Ok(self.default_sample_type()),
            Some(s) => s,
        };
        if let Ok(i) = asked_s.parse::<i64>() {
            if i >= 0 && (i as usize) < self.sample_types.len() {
                return Ok(i as usize);
            }
            return Err(unknown());
        }
        let no_inuse = asked_s.strip_prefix("inuse_").unwrap_or(asked_s);
        self.sample_types
            .iter()
            .position(|t| t.ty == asked_s || t.ty == no_inuse)
            .ok_or_else(unknown)
    }

    /// Whether sample `s` carries pprof's `pprof::base=true` label.
    pub fn is_diff_base_sample(&self, s: usize) -> bool {
        self.sample_labels(s)
            .iter()
            .any(|l| self.str(l.key) == "pprof::base" && self.str(l.str) == "true")
    }

    /// The plain sum of a sample type's values (negative values subtract).
    pub fn signed_total(&self, ty: usize) -> i64 {
        let n = self.num_types();
        if ty >= n {
            return 0;
        }
        self.values
            .iter()
            .skip(ty)
            .step_by(n)
            .fold(0i64, |acc, v| acc.wrapping_add(*v))
    }

    /// A short name for the kind of profile, from its sample types.
    pub fn kind(&self) -> &'static str {
        let has = |name: &str| self.sample_types.iter().any(|t| t.ty == name);
        if has("alloc_space") || has("inuse_space") || has("alloc_objects") {
            "Go heap"
        } else if has("cpu") && has("samples") {
            "CPU"
        } else if has("contentions") || has("delay") {
            "contention"
        } else if has("goroutine") {
            "goroutine"
        } else if has("cpu") {
            "CPU"
        } else if has("wall") {
            "wall time"
        } else if self.sample_types.iter().any(|t| t.unit == "bytes") {
            "memory"
        } else {
            "profile"
        }
    }
}
