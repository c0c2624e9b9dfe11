//! pprof's node filters, applied as `go tool pprof` applies them before any
//! report (its driver's `applyFocus`, then `-noinlines`):
//!
//! - `focus` / `ignore`: keep the samples with a location that matches
//!   `focus` and none that matches `ignore`.
//! - `hide`: drop the matching frames (lines of a location) from stacks.
//! - `show`: keep only the matching frames.
//! - `show_from`: drop the frames above (towards the root) the highest
//!   match; samples without a match go.
//! - `tagfocus` / `tagignore`: label filters ([`crate::tags`]).
//! - `tagshow` / `taghide`: keep / drop labels by key ([`crate::labelframes`]).
//! - `prune_from`: drop the frames below (towards the leaf) the lowest
//!   match.
//! - `tagroot` / `tagleaf` (first of all): label values as pseudo-frames at
//!   the root / the leaf of every stack.
//! - `noinlines` (last): each location keeps only its outermost function.
//!
//! A location matches a regular expression when the name or the file of
//! one of its functions (its inlined frames included) or its binary's path
//! does; `prune_from` matches simplified function names only (as pprof's
//! `drop_frames`). A sample that goes keeps its place with values 0 (as with
//! [`crate::tags`]), so a diff's base/new split is unchanged.

use regex_lite::Regex;

use crate::error::{Error, Result};
use crate::gorx;
use crate::labelframes;
use crate::model::{Frame, Profile, StackLocs, NONE};
use crate::prune::simplify_func;
use crate::tags::TagFocus;

/// The filters as text, pprof's option values ("" for none).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct RefineSpec {
    pub focus: String,
    pub ignore: String,
    pub hide: String,
    pub show: String,
    pub show_from: String,
    pub prune_from: String,
    pub tagfocus: String,
    pub tagignore: String,
    pub tagshow: String,
    pub taghide: String,
    pub tagroot: String,
    pub tagleaf: String,
    pub noinlines: bool,
}

impl RefineSpec {
    /// Whether nothing is asked for.
    pub fn is_empty(&self) -> bool {
        *self == RefineSpec::default()
    }

    /// The filters set, as pprof lists them under "Active filters" (in its
    /// order; `prune_from`, `tagroot`, `tagleaf` and `noinlines` are not
    /// listed by pprof).
    pub fn active(&self) -> Vec<String> {
        [
            ("focus", &self.focus),
            ("ignore", &self.ignore),
            ("hide", &self.hide),
            ("show", &self.show),
            ("show_from", &self.show_from),
            ("tagfocus", &self.tagfocus),
            ("tagignore", &self.tagignore),
            ("tagshow", &self.tagshow),
            ("taghide", &self.taghide),
        ]
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={v}"))
        .collect()
    }
}

/// Compiled filters.
#[derive(Debug, Clone, Default)]
pub struct Refine {
    focus: Option<Regex>,
    ignore: Option<Regex>,
    hide: Option<Regex>,
    show: Option<Regex>,
    show_from: Option<Regex>,
    prune_from: Option<Regex>,
    tagfocus: Option<TagFocus>,
    tagignore: Option<TagFocus>,
    tagshow: Option<Regex>,
    taghide: Option<Regex>,
    tagroot: Vec<String>,
    tagleaf: Vec<String>,
    noinlines: bool,
}

/// What [`Refine::apply`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Applied {
    /// Samples kept (of every sample of the profile).
    pub kept: usize,
    /// pprof's warnings, e.g. "Focus expression matched no samples".
    pub warnings: Vec<String>,
    /// Set when the filters only took locations out of the kept samples'
    /// stacks (and frames out of locations), never reordered or added
    /// any: the locations taken out, by index. A call tree of the filtered
    /// profile then follows from the unfiltered one's (focus, ignore, hide,
    /// show and the label filters; not show_from, prune_from, tagroot,
    /// tagleaf or noinlines).
    pub removed: Option<Vec<bool>>,
}

fn regex(option: &str, value: &str) -> Result<Option<Regex>> {
    if value.is_empty() {
        return Ok(None);
    }
    gorx::compile(value)
        .map(Some)
        .map_err(|reason| Error::Invalid {
            what: format!("parsing {option} regexp: {reason}"),
        })
}

fn tag_filter(value: &str) -> Result<Option<TagFocus>> {
    if value.trim().is_empty() {
        return Ok(None);
    }
    TagFocus::parse(value).map(Some)
}

fn keys(value: &str) -> Vec<String> {
    value
        .split(',')
        .filter(|k| !k.is_empty())
        .map(str::to_string)
        .collect()
}

impl Refine {
    /// Compiles `spec`; the first error in pprof's order (focus, ignore,
    /// hide, show, show_from, tagfocus, tagignore, prune_from, tagshow,
    /// taghide).
    pub fn parse(spec: &RefineSpec) -> Result<Refine> {
        Ok(Refine {
            focus: regex("focus", &spec.focus)?,
            ignore: regex("ignore", &spec.ignore)?,
            hide: regex("hide", &spec.hide)?,
            show: regex("show", &spec.show)?,
            show_from: regex("show_from", &spec.show_from)?,
            tagfocus: tag_filter(&spec.tagfocus)?,
            tagignore: tag_filter(&spec.tagignore)?,
            prune_from: regex("prune_from", &spec.prune_from)?,
            tagshow: regex("tagshow", &spec.tagshow)?,
            taghide: regex("taghide", &spec.taghide)?,
            tagroot: keys(&spec.tagroot),
            tagleaf: keys(&spec.tagleaf),
            noinlines: spec.noinlines,
        })
    }

    /// Applies the filters to `p` in pprof's order. `unit` is the output
    /// unit numeric label values are written in by `tagroot`/`tagleaf`
    /// ("" for pprof's default, each value in its best unit).
    pub fn apply(&self, p: &mut Profile, unit: &str) -> Applied {
        let mut warnings = Vec::new();
        if !self.tagroot.is_empty() || !self.tagleaf.is_empty() {
            let unit = if unit.is_empty() { "minimum" } else { unit };
            let (rootm, leafm) = labelframes::add(p, &self.tagroot, &self.tagleaf, unit);
            warn(&mut warnings, self.tagroot.is_empty() || rootm, "TagRoot");
            warn(&mut warnings, self.tagleaf.is_empty() || leafm, "TagLeaf");
        }
        let offsets = std::mem::take(&mut p.stack_offsets);
        let locs = std::mem::take(&mut p.stack_locs);
        self.filter(p, (&offsets, &locs), warnings)
    }

    /// [`Refine::apply`] to a copy of `p`, made without copying the
    /// stacks it writes anew.
    pub fn applied(&self, p: &Profile, unit: &str) -> (Profile, Applied) {
        if !self.tagroot.is_empty() || !self.tagleaf.is_empty() {
            let mut q = p.clone();
            let a = self.apply(&mut q, unit);
            return (q, a);
        }
        let mut q = without_stacks(p);
        let a = self.filter(&mut q, (&p.stack_offsets, &p.stack_locs), Vec::new());
        (q, a)
    }

    /// Every filter but tagroot/tagleaf, on `p` whose samples' stacks are
    /// `stacks` (offsets and locations); sets `p`'s stacks.
    fn filter(
        &self,
        p: &mut Profile,
        (offsets, locs): (&[u32], &StackLocs),
        mut warnings: Vec<String>,
    ) -> Applied {
        let names = self.mark_locations(p, &mut warnings);
        let n = p.num_types();
        let mut new_locs = StackLocs::for_locations(p.locations.len(), locs.len());
        let mut new_offsets = Vec::with_capacity(offsets.len());
        new_offsets.push(0u32);
        let (mut kept, mut tfm, mut tim) = (0, false, false);
        // Focus, ignore, hide and show alone: every stack cut in one pass.
        let alone = names.cuts_alone() && self.tagfocus.is_none() && self.tagignore.is_none();
        let values = &mut p.values;
        let mut zero = |s: usize| {
            if let Some(v) = values.get_mut(s * n..(s + 1) * n) {
                v.fill(0);
            }
        };
        let cut = match (locs, &mut new_locs) {
            (StackLocs::Narrow(a), StackLocs::Narrow(b)) if alone => {
                Some(names.cut(offsets, a, b, &mut new_offsets, &mut zero))
            }
            (StackLocs::Wide(a), StackLocs::Wide(b)) if alone => {
                Some(names.cut(offsets, a, b, &mut new_offsets, &mut zero))
            }
            _ => None,
        };
        // Else each stack on its own, with every other filter.
        let rest = match cut {
            Some(k) => {
                kept = k;
                0
            }
            None => offsets.len().saturating_sub(1),
        };
        let mut stack = Vec::new();
        for s in 0..rest {
            stack.clear();
            stack.extend(
                locs.range(offsets[s] as usize, offsets[s + 1] as usize)
                    .iter(),
            );
            let mut keep = names.sample(&mut stack);
            if keep {
                let labels = p.sample_labels(s);
                let focused = self.tagfocus.as_ref().is_none_or(|f| f.matches(p, labels));
                let ignored = self
                    .tagignore
                    .as_ref()
                    .is_some_and(|f| f.matches(p, labels));
                (tfm, tim) = (tfm || focused, tim || ignored);
                keep = focused && !ignored;
            }
            if keep {
                names.prune(&mut stack);
                kept += 1;
            } else if let Some(v) = p.values.get_mut(s * n..(s + 1) * n) {
                v.fill(0);
            }
            new_locs.extend(stack.iter().copied());
            new_offsets.push(new_locs.len() as u32);
        }
        p.stack_locs = new_locs;
        p.stack_offsets = new_offsets;
        warn(&mut warnings, self.tagfocus.is_none() || tfm, "TagFocus");
        warn(&mut warnings, self.tagignore.is_none() || tim, "TagIgnore");
        if self.tagshow.is_some() || self.taghide.is_some() {
            let (sm, hm) =
                labelframes::filter_keys(p, self.tagshow.as_ref(), self.taghide.as_ref());
            warn(&mut warnings, self.tagshow.is_none() || sm, "TagShow");
            warn(&mut warnings, self.taghide.is_none() || hm, "TagHide");
        }
        if self.noinlines {
            for loc in &mut p.locations {
                if loc.frames_end > loc.frames_start + 1 {
                    loc.frames_start = loc.frames_end - 1;
                }
            }
        }
        let only_removed = self.show_from.is_none()
            && self.prune_from.is_none()
            && self.tagroot.is_empty()
            && self.tagleaf.is_empty()
            && !self.noinlines;
        let removed = only_removed.then(|| {
            (0..p.locations.len() as u32)
                .map(|l| names.any_name_filter && names.has(l, HIDDEN))
                .collect()
        });
        Applied {
            kept,
            warnings,
            removed,
        }
    }

    /// The location-level part of every name filter, in pprof's order:
    /// which locations focus, ignore, hide, start a shown stack or prune
    /// it; their frames cut as pprof cuts their lines.
    fn mark_locations(&self, p: &mut Profile, warnings: &mut Vec<String>) -> NameMarks {
        let nloc = p.locations.len();
        let mut marks = NameMarks {
            flags: vec![0; nloc],
            any_name_filter: self.focus.is_some()
                || self.ignore.is_some()
                || self.hide.is_some()
                || self.show.is_some(),
            show_from: self.show_from.is_some(),
            prune_from: self.prune_from.is_some(),
        };
        let (mut fm, mut im, mut hm, mut hnm, mut sfm) = (false, false, false, false, false);
        for li in 0..nloc {
            let mut frames: Vec<Frame> = p.location_frames(li as u32).to_vec();
            let mapping = mapping_file(p, li);
            let matches = |re: &Regex, frames: &[Frame]| {
                frames.iter().any(|f| frame_matches(p, f, re)) || on_mapping(re, mapping)
            };
            let mut flags = 0;
            if self.ignore.as_ref().is_some_and(|re| matches(re, &frames)) {
                im = true;
                flags |= IGNORE;
            } else if self.focus.as_ref().is_none_or(|re| matches(re, &frames)) {
                fm = true;
                flags |= FOCUS;
            }
            let mut changed = false;
            if let Some(re) = self.hide.as_ref().filter(|re| matches(re, &frames)) {
                hm = true;
                if on_mapping(re, mapping) {
                    frames.clear();
                } else {
                    frames.retain(|f| !frame_matches(p, f, re));
                }
                changed = true;
                if frames.is_empty() {
                    flags |= HIDDEN;
                }
            }
            if let Some(re) = &self.show {
                if !on_mapping(re, mapping) {
                    frames.retain(|f| frame_matches(p, f, re));
                }
                changed = true;
                if frames.is_empty() {
                    flags |= HIDDEN;
                } else {
                    hnm = true;
                }
            }
            if let Some(re) = &self.show_from {
                if on_mapping(re, mapping) {
                    flags |= SHOW_FROM;
                } else if let Some(i) = frames.iter().rposition(|f| frame_matches(p, f, re)) {
                    frames.truncate(i + 1);
                    changed = true;
                    flags |= SHOW_FROM;
                }
                sfm |= flags & SHOW_FROM != 0;
            }
            if let Some(re) = &self.prune_from {
                let hit = frames.iter().position(|f| {
                    let name = p.str(p.functions[f.function as usize].name);
                    !name.is_empty() && re.is_match(simplify_func(name))
                });
                if let Some(i) = hit {
                    frames.drain(..i);
                    changed = true;
                    flags |= PRUNE_FROM;
                }
            }
            marks.flags[li] = flags;
            if changed {
                set_frames(p, li, &frames);
            }
        }
        warn(warnings, self.focus.is_none() || fm, "Focus");
        warn(warnings, self.ignore.is_none() || im, "Ignore");
        warn(warnings, self.hide.is_none() || hm, "Hide");
        warn(warnings, self.show.is_none() || hnm, "Show");
        warn(warnings, self.show_from.is_none() || sfm, "ShowFrom");
        marks
    }
}

fn warn(warnings: &mut Vec<String>, matched: bool, option: &str) {
    if !matched {
        warnings.push(format!("{option} expression matched no samples"));
    }
}

const FOCUS: u8 = 1;
const IGNORE: u8 = 2;
const HIDDEN: u8 = 4;
const SHOW_FROM: u8 = 8;
const PRUNE_FROM: u8 = 16;

/// Each location's verdicts, for the sample-level part of the filters.
struct NameMarks {
    flags: Vec<u8>,
    any_name_filter: bool,
    show_from: bool,
    prune_from: bool,
}

impl NameMarks {
    fn has(&self, loc: u32, flag: u8) -> bool {
        self.flags.get(loc as usize).is_some_and(|f| f & flag != 0)
    }

    /// Whether a sample with this stack (leaf first) stays after focus,
    /// ignore, hide, show and show_from; the stack cut as they cut it.
    fn sample(&self, stack: &mut Vec<u32>) -> bool {
        // Without any of focus/ignore/hide/show every location is focused:
        // a sample without locations goes all the same.
        let mut focused = false;
        for &l in stack.iter() {
            if self.has(l, IGNORE) {
                return false;
            }
            focused |= self.has(l, FOCUS);
        }
        if !focused {
            return false;
        }
        if self.any_name_filter {
            stack.retain(|&l| !self.has(l, HIDDEN));
            if stack.is_empty() {
                return false;
            }
        }
        if self.show_from {
            match stack.iter().rposition(|&l| self.has(l, SHOW_FROM)) {
                Some(i) => stack.truncate(i + 1),
                None => return false,
            }
        }
        true
    }

    /// Whether [`NameMarks::cut`] does all these filters do: focus,
    /// ignore, hide and show alone.
    fn cuts_alone(&self) -> bool {
        self.any_name_filter && !self.show_from && !self.prune_from
    }

    /// [`NameMarks::sample`] on every stack (`offsets` into `locs`), the
    /// stacks as it leaves them written to `out` and their ends to
    /// `ends`, `dropped` called with each sample it drops; how many it
    /// keeps. Most stacks are copied whole.
    fn cut<T: Copy + Into<u32>>(
        &self,
        offsets: &[u32],
        locs: &[T],
        out: &mut Vec<T>,
        ends: &mut Vec<u32>,
        dropped: &mut impl FnMut(usize),
    ) -> usize {
        let flag = |l: T| self.flags.get(l.into() as usize).copied().unwrap_or(0);
        let mut kept = 0;
        for (s, w) in offsets.windows(2).enumerate() {
            let stack = locs.get(w[0] as usize..w[1] as usize).unwrap_or(&[]);
            let any = stack.iter().fold(0, |a, &l| a | flag(l));
            let keep = if any & IGNORE != 0 || any & FOCUS == 0 {
                // Dropped as sampled.
                out.extend_from_slice(stack);
                false
            } else if any & HIDDEN == 0 {
                out.extend_from_slice(stack);
                true
            } else {
                let start = out.len();
                out.extend(stack.iter().copied().filter(|&l| flag(l) & HIDDEN == 0));
                out.len() > start
            };
            if keep {
                kept += 1;
            } else {
                dropped(s);
            }
            ends.push(out.len() as u32);
        }
        kept
    }

    /// prune_from: the stack from its lowest match up.
    fn prune(&self, stack: &mut Vec<u32>) {
        if self.prune_from {
            if let Some(i) = stack.iter().position(|&l| self.has(l, PRUNE_FROM)) {
                stack.drain(..i);
            }
        }
    }
}

/// The path of a location's binary; None without a mapping.
fn mapping_file(p: &Profile, loc: usize) -> Option<&str> {
    let m = p.locations[loc].mapping;
    if m == NONE {
        return None;
    }
    p.mappings.get(m as usize).map(|m| p.str(m.file))
}

fn on_mapping(re: &Regex, mapping: Option<&str>) -> bool {
    mapping.is_some_and(|m| re.is_match(m))
}

fn frame_matches(p: &Profile, f: &Frame, re: &Regex) -> bool {
    let func = &p.functions[f.function as usize];
    re.is_match(p.str(func.name)) || re.is_match(p.str(func.filename))
}

/// Gives location `li` these frames: its own range cut when they are a part
/// of it, else new frames at the end of the table.
fn set_frames(p: &mut Profile, li: usize, frames: &[Frame]) {
    let range = p.locations[li].frame_range();
    let old = &p.frames[range.clone()];
    if let Some(start) = (0..=old.len().saturating_sub(frames.len()))
        .find(|&s| old.get(s..s + frames.len()) == Some(frames))
    {
        let loc = &mut p.locations[li];
        loc.frames_start = (range.start + start) as u32;
        loc.frames_end = loc.frames_start + frames.len() as u32;
        return;
    }
    let start = p.frames.len() as u32;
    p.frames.extend_from_slice(frames);
    let loc = &mut p.locations[li];
    loc.frames_start = start;
    loc.frames_end = p.frames.len() as u32;
}

/// A copy without the samples' stacks (no samples until they are set):
/// for a filter that writes every stack anew.
fn without_stacks(p: &Profile) -> Profile {
    let Profile {
        strings,
        sample_types,
        default_sample_type_name,
        period_type,
        period,
        time_nanos,
        duration_nanos,
        comments,
        drop_frames,
        keep_frames,
        mappings,
        functions,
        locations,
        frames,
        stack_offsets: _,
        stack_locs: _,
        values,
        labels,
        warnings,
        stats,
        memstats,
    } = p;
    Profile {
        strings: strings.clone(),
        sample_types: sample_types.clone(),
        default_sample_type_name: default_sample_type_name.clone(),
        period_type: period_type.clone(),
        period: *period,
        time_nanos: *time_nanos,
        duration_nanos: *duration_nanos,
        comments: comments.clone(),
        drop_frames: drop_frames.clone(),
        keep_frames: keep_frames.clone(),
        mappings: mappings.clone(),
        functions: functions.clone(),
        locations: locations.clone(),
        frames: frames.clone(),
        stack_offsets: Vec::new(),
        stack_locs: StackLocs::default(),
        values: values.clone(),
        labels: labels.clone(),
        warnings: warnings.clone(),
        stats: *stats,
        memstats: memstats.clone(),
    }
}
