//! Writes a [`Profile`] back out as a pprof protobuf (`.pb.gz`): whole, or
//! slimmed for a share link (only what the views need: names, files, lines
//! and values), or also folded ([`fold`]): call-tree nodes under 1/N of one
//! sample type's total merged into `(other)` frames. `go tool pprof` and
//! heaplens read all of them.
//!
//! Stacks are written as decoded, so `drop_frames`/`keep_frames` (already
//! applied) are not written again; a comment says they were applied.

mod fold;

use rustc_hash::FxHashMap as HashMap;

use prost::Message;
use serde::{Deserialize, Serialize};

use heaplens_analysis::{CallTree, Granularity};
use heaplens_profile::model::{Frame, Profile, NONE};
use heaplens_profile::proto;

pub use fold::TrimInfo;

/// What to keep.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EncodeOptions {
    /// Sample labels. Without them, samples with equal stacks are merged
    /// (which leaves every pprof number as it was) unless a value is
    /// negative (a saved diff: pprof's totals depend on the labels then,
    /// so they are kept anyway).
    pub labels: bool,
    /// Mappings and addresses of symbolized locations (unsymbolized ones
    /// always keep theirs: they are named by them).
    pub addresses: bool,
    /// Fold the call tree (function granularity): keep the nodes holding
    /// at least 1/`n` of `sample_type`'s total, fold each kept node's
    /// smaller children into one `(other)` child, and merge samples ending
    /// at the same node, so that every total and every kept node's numbers
    /// stay as they were. `None`: keep every sample.
    pub trim: Option<Trim>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Trim {
    pub sample_type: usize,
    pub fold: Fold,
}

/// How far to fold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fold {
    /// Nodes under 1/`n` of the total are folded (0 counts as 1).
    pub n: u64,
    /// Below each `(other)`, keep the functions holding at least 1/`n` of
    /// the total and each stack's leaf function, so that the top table
    /// keeps every function's flat and those functions' cum (larger
    /// links); without, `(other)` is a leaf.
    pub tails: bool,
}

impl EncodeOptions {
    /// Everything the profile has.
    pub const FULL: EncodeOptions = EncodeOptions {
        labels: true,
        addresses: true,
        trim: None,
    };
    /// What the views need.
    pub const SLIM: EncodeOptions = EncodeOptions {
        labels: false,
        addresses: false,
        trim: None,
    };
}

/// The comment a folded profile starts with (the app shows the rest of it
/// as a notice). Links made before folding carry it too.
pub const TRIMMED_MARK: &str = "heaplens: trimmed";

/// The name of the frames folded nodes are merged into.
pub const OTHER: &str = "(other)";

/// What [`encode`] did.
#[derive(Debug, Clone, PartialEq)]
pub struct Encoded {
    /// The pprof protobuf, not compressed (natively [`gzip`] compresses it;
    /// in the browser the worker has the browser compress it).
    pub protobuf: Vec<u8>,
    /// Samples written (after merging).
    pub samples: usize,
    /// When folded: what was kept.
    pub trimmed: Option<TrimInfo>,
}

/// Interns strings into the table being written.
struct Strings {
    table: Vec<Vec<u8>>,
    index: HashMap<String, i64>,
}

impl Strings {
    fn new() -> Strings {
        Strings {
            table: vec![Vec::new()],
            index: [(String::new(), 0)].into_iter().collect(),
        }
    }

    fn add(&mut self, s: &str) -> i64 {
        if let Some(&i) = self.index.get(s) {
            return i;
        }
        let i = self.table.len() as i64;
        self.table.push(s.as_bytes().to_vec());
        self.index.insert(s.to_string(), i);
        i
    }
}

/// One sample to write: an index into the profile (its stack and labels),
/// its values (summed over merged samples), and where its stack is cut
/// (when folded: it ends in `(other)` there).
pub(crate) struct Out {
    sample: usize,
    values: Vec<i64>,
    cut: Option<Cut>,
}

/// A cut stack: its `whole` locations nearest the root, then the `part`
/// callers' frames of the next location (inlined frames below them are
/// cut), then `(other)`, then the `tail` frames from caller to leaf, one
/// location each: (location, index of the frame, or `NONE` for a location
/// without frames).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Cut {
    whole: usize,
    part: usize,
    tail: Vec<(u32, u32)>,
}

/// Encodes `p` as a pprof protobuf (not compressed).
pub fn encode(p: &Profile, opts: EncodeOptions) -> Encoded {
    encode_with(p, None, opts)
}

/// [`encode`] with `p`'s call tree at function granularity when the caller
/// has it (folding needs it; it is built when not given).
pub fn encode_with(p: &Profile, tree: Option<&CallTree>, opts: EncodeOptions) -> Encoded {
    let negative = p.values.iter().any(|&v| v < 0);
    let labels = opts.labels || negative;
    let (out, trimmed) = match opts.trim.filter(|t| t.sample_type < p.num_types()) {
        Some(t) => {
            let fits = |t: &&CallTree| {
                t.keys.granularity == Granularity::Functions && t.leaf.len() == p.num_samples()
            };
            let built;
            let tree = match tree.filter(fits) {
                Some(tree) => tree,
                None => {
                    built = CallTree::build(p, Granularity::Functions);
                    &built
                }
            };
            let (out, info) = fold::fold(p, tree, t.sample_type, t.fold, labels);
            (out, Some(info))
        }
        None => (samples_out(p, labels), None),
    };
    let mut st = Strings::new();
    let mut pb = header(p, &mut st, opts, labels, trimmed.as_ref());
    let ids = write_locations(p, &out, opts.addresses, &mut st, &mut pb);
    let written = out.len();
    pb.sample = out
        .into_iter()
        .map(|o| write_sample(p, o, &ids, labels, &mut st))
        .collect();
    pb.string_table = st.table;
    Encoded {
        protobuf: pb.encode_to_vec(),
        samples: written,
        trimmed,
    }
}

/// The samples to write: every one with labels, else merged by stack.
fn samples_out(p: &Profile, labels: bool) -> Vec<Out> {
    let mut out: Vec<Out> = Vec::with_capacity(p.num_samples());
    if labels {
        for s in 0..p.num_samples() {
            out.push(Out {
                sample: s,
                values: p.sample_values(s).to_vec(),
                cut: None,
            });
        }
        return out;
    }
    let mut by_stack: HashMap<Vec<u32>, usize> = HashMap::default();
    for s in 0..p.num_samples() {
        let stack = p.stack(s).to_vec();
        match by_stack.get(&stack) {
            Some(&i) => {
                for (v, w) in out[i].values.iter_mut().zip(p.sample_values(s)) {
                    *v = v.wrapping_add(*w);
                }
            }
            None => {
                by_stack.insert(stack, out.len());
                out.push(Out {
                    sample: s,
                    values: p.sample_values(s).to_vec(),
                    cut: None,
                });
            }
        }
    }
    out
}

/// Sample types, period, times, the default type and the comments (with
/// what was applied and what folding kept).
fn header(
    p: &Profile,
    st: &mut Strings,
    opts: EncodeOptions,
    labels: bool,
    info: Option<&TrimInfo>,
) -> proto::Profile {
    let mut pb = proto::Profile {
        sample_type: p
            .sample_types
            .iter()
            .map(|t| proto::ValueType {
                r#type: st.add(&t.ty),
                unit: st.add(&t.unit),
            })
            .collect(),
        ..proto::Profile::default()
    };
    if let Some(t) = &p.period_type {
        pb.period_type = Some(proto::ValueType {
            r#type: st.add(&t.ty),
            unit: st.add(&t.unit),
        });
    }
    pb.period = p.period;
    pb.time_nanos = p.time_nanos;
    pb.duration_nanos = p.duration_nanos;
    if !p.default_sample_type_name.is_empty() {
        pb.default_sample_type = st.add(&p.default_sample_type_name);
    }
    let mut comments: Vec<String> = p.comments.clone();
    if !p.drop_frames.is_empty() {
        comments.push(format!("drop_frames {:?} applied", p.drop_frames));
    }
    if !p.keep_frames.is_empty() {
        comments.push(format!("keep_frames {:?} applied", p.keep_frames));
    }
    if let (Some(t), Some(i)) = (opts.trim, info) {
        comments.push(slimmed_comment(p, t, opts, labels, i));
    }
    pb.comment = comments.iter().map(|c| st.add(c)).collect();
    pb
}

/// The comment of a folded profile: [`TRIMMED_MARK`], what was dropped,
/// and what was folded.
fn slimmed_comment(
    p: &Profile,
    t: Trim,
    opts: EncodeOptions,
    labels: bool,
    i: &TrimInfo,
) -> String {
    let ty = p
        .sample_types
        .get(t.sample_type)
        .map_or("", |v| v.ty.as_str());
    let mut dropped: Vec<&str> = Vec::new();
    if !opts.addresses {
        dropped.push("addresses");
    }
    if !labels {
        dropped.push("labels");
    }
    if !opts.addresses {
        dropped.push("binary names");
    }
    let dropped = match dropped.as_slice() {
        [] => String::new(),
        [one] => format!("{one} dropped; "),
        [init @ .., last] => format!("{} and {last} dropped; ", init.join(", ")),
    };
    let folded = if i.folded() {
        let below = if i.tails {
            format!("; below it, functions holding 1/{} and each stack's leaf function kept, so every function's flat is exact", i.n)
        } else {
            String::new()
        };
        format!(
            "call-tree nodes under 1/{} ({:.2}%) of {ty} folded into {OTHER}{below} ({} of {} nodes kept; {:.1}% of {ty} in stacks kept whole)",
            i.n,
            i.threshold() * 100.0,
            i.nodes_kept,
            i.nodes,
            i.whole_share * 100.0
        )
    } else {
        format!("every call-tree node of {ty} kept")
    };
    format!("{TRIMMED_MARK}: {dropped}{folded}; stacks through the same functions merged; every total is exact")
}

/// The written ids: of each location written whole (0 for unused ones),
/// of the callers' frames of cut locations by (location, frames), of the
/// `(other)` location, and of functions and mappings (0 for unused ones).
struct Ids {
    loc: Vec<u64>,
    part: HashMap<(u32, usize), u64>,
    frame: HashMap<(u32, u32), u64>,
    other: u64,
    func: Vec<u64>,
    map: Vec<u64>,
}

/// The location a cut stack keeps part of, if any.
fn part_location(stack: heaplens_profile::model::Stack<'_>, cut: &Cut) -> Option<u32> {
    if cut.part == 0 {
        return None;
    }
    stack
        .len()
        .checked_sub(cut.whole + 1)
        .and_then(|i| stack.get(i))
}

/// The locations of a stack written whole (all of them unless it is cut).
fn whole_locations<'a>(
    stack: heaplens_profile::model::Stack<'a>,
    cut: Option<&Cut>,
) -> heaplens_profile::model::Stack<'a> {
    match cut {
        Some(c) => stack.from(stack.len().saturating_sub(c.whole)),
        None => stack,
    }
}

/// Writes the locations, functions and mappings the samples use, numbered
/// from 1 in order of first use.
fn write_locations(
    p: &Profile,
    out: &[Out],
    addresses: bool,
    st: &mut Strings,
    pb: &mut proto::Profile,
) -> Ids {
    let mut ids = Ids {
        loc: vec![0; p.locations.len()],
        part: HashMap::default(),
        frame: HashMap::default(),
        other: 0,
        func: vec![0; p.functions.len()],
        map: vec![0; p.mappings.len()],
    };
    for o in out {
        let stack = p.stack(o.sample);
        for l in whole_locations(stack, o.cut.as_ref()) {
            write_whole(p, l, addresses, &mut ids, st, pb);
        }
        let Some(cut) = &o.cut else { continue };
        if let Some(l) = part_location(stack, cut) {
            if !ids.part.contains_key(&(l, cut.part)) {
                // Frames are innermost first: the callers' are the last.
                let frames = p.location_frames(l);
                let frames = &frames[frames.len().saturating_sub(cut.part)..];
                let id = write_location(p, l, frames, addresses, &mut ids, st, pb);
                ids.part.insert((l, cut.part), id);
            }
        }
        if ids.other == 0 {
            ids.other = write_other(st, pb);
        }
        for &(l, f) in &cut.tail {
            if f == NONE {
                write_whole(p, l, addresses, &mut ids, st, pb);
            } else if !ids.frame.contains_key(&(l, f)) {
                let frames = p.location_frames(l);
                let frames = frames.get(f as usize..=f as usize).unwrap_or_default();
                let id = write_location(p, l, frames, addresses, &mut ids, st, pb);
                ids.frame.insert((l, f), id);
            }
        }
    }
    ids
}

/// Writes location `l` whole, unless it is written already.
fn write_whole(
    p: &Profile,
    l: u32,
    addresses: bool,
    ids: &mut Ids,
    st: &mut Strings,
    pb: &mut proto::Profile,
) {
    if ids.loc[l as usize] == 0 {
        let frames = p.location_frames(l);
        ids.loc[l as usize] = write_location(p, l, frames, addresses, ids, st, pb);
    }
}

/// Writes location `l` with `frames` (its own, or its callers' ones).
fn write_location(
    p: &Profile,
    l: u32,
    frames: &[Frame],
    addresses: bool,
    ids: &mut Ids,
    st: &mut Strings,
    pb: &mut proto::Profile,
) -> u64 {
    let loc = &p.locations[l as usize];
    let mut w = proto::Location {
        id: pb.location.len() as u64 + 1,
        ..proto::Location::default()
    };
    if addresses || frames.is_empty() {
        w.address = loc.address;
        if loc.mapping != NONE {
            w.mapping_id = mapping_id(p, loc.mapping as usize, &mut ids.map, st, pb);
        }
    }
    for fr in frames {
        w.line.push(proto::Line {
            function_id: function_id(p, fr.function as usize, addresses, &mut ids.func, st, pb),
            line: fr.line,
            column: 0,
        });
    }
    let id = w.id;
    pb.location.push(w);
    id
}

/// Writes the `(other)` function and its location.
fn write_other(st: &mut Strings, pb: &mut proto::Profile) -> u64 {
    let f = proto::Function {
        id: pb.function.len() as u64 + 1,
        name: st.add(OTHER),
        ..proto::Function::default()
    };
    let l = proto::Location {
        id: pb.location.len() as u64 + 1,
        line: vec![proto::Line {
            function_id: f.id,
            line: 0,
            column: 0,
        }],
        ..proto::Location::default()
    };
    let id = l.id;
    pb.function.push(f);
    pb.location.push(l);
    id
}

/// The written id of mapping `mi`, writing it when first used.
fn mapping_id(
    p: &Profile,
    mi: usize,
    map_id: &mut [u64],
    st: &mut Strings,
    pb: &mut proto::Profile,
) -> u64 {
    if map_id[mi] == 0 {
        let m = &p.mappings[mi];
        map_id[mi] = pb.mapping.len() as u64 + 1;
        pb.mapping.push(proto::Mapping {
            id: map_id[mi],
            memory_start: m.start,
            memory_limit: m.limit,
            file_offset: m.offset,
            filename: st.add(p.str(m.file)),
            build_id: st.add(p.str(m.build_id)),
            has_functions: m.has_functions,
            ..proto::Mapping::default()
        });
    }
    map_id[mi]
}

/// The written id of function `fi`, writing it when first used.
fn function_id(
    p: &Profile,
    fi: usize,
    addresses: bool,
    fn_id: &mut [u64],
    st: &mut Strings,
    pb: &mut proto::Profile,
) -> u64 {
    if fn_id[fi] == 0 {
        let f = &p.functions[fi];
        fn_id[fi] = pb.function.len() as u64 + 1;
        let name = p.str(f.name);
        pb.function.push(proto::Function {
            id: fn_id[fi],
            name: st.add(name),
            system_name: if name.is_empty() || addresses {
                st.add(p.str(f.system_name))
            } else {
                0
            },
            filename: st.add(p.str(f.filename)),
            start_line: f.start_line,
        });
    }
    fn_id[fi]
}

/// One sample as written, with its labels when they are kept.
fn write_sample(p: &Profile, o: Out, ids: &Ids, labels: bool, st: &mut Strings) -> proto::Sample {
    let label = if labels {
        p.sample_labels(o.sample)
            .iter()
            .map(|l| proto::Label {
                key: st.add(p.str(l.key)),
                str: if l.str != 0 { st.add(p.str(l.str)) } else { 0 },
                num: l.num,
                num_unit: if l.unit != 0 {
                    st.add(p.str(l.unit))
                } else {
                    0
                },
            })
            .collect()
    } else {
        Vec::new()
    };
    let stack = p.stack(o.sample);
    let mut location_id = Vec::with_capacity(stack.len() + 1);
    if let Some(cut) = &o.cut {
        for &(l, f) in cut.tail.iter().rev() {
            location_id.push(if f == NONE {
                ids.loc[l as usize]
            } else {
                ids.frame.get(&(l, f)).copied().unwrap_or(0)
            });
        }
        location_id.push(ids.other);
        if let Some(l) = part_location(stack, cut) {
            location_id.extend(ids.part.get(&(l, cut.part)));
        }
    }
    location_id.extend(
        whole_locations(stack, o.cut.as_ref())
            .iter()
            .map(|l| ids.loc[l as usize]),
    );
    proto::Sample {
        location_id,
        value: o.values,
        label,
    }
}

/// Gzip at the best compression (links and downloads are written once).
/// Native only: the wasm build has the browser compress.
#[cfg(not(target_arch = "wasm32"))]
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    // Writing into a Vec cannot fail.
    let _ = enc.write_all(bytes);
    enc.finish().unwrap_or_default()
}
