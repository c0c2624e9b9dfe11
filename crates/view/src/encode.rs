//! Writes a [`Profile`] back out as a pprof protobuf (`.pb.gz`): whole, or
//! slimmed for a share link (only what the views need: names, files, lines
//! and values), or trimmed to the samples that carry most of one sample
//! type's value. `go tool pprof` and heaplens read all of them.
//!
//! Stacks are written as decoded, so `drop_frames`/`keep_frames` (already
//! applied) are not written again; a comment says they were applied.

use rustc_hash::FxHashMap as HashMap;

use prost::Message;

use heaplens_profile::model::{Profile, NONE};
use heaplens_profile::proto;
use heaplens_profile::units;

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
    /// Keep the samples that make up this share of `trim_type`'s value
    /// (largest first), and merge the rest into one `(trimmed)` frame, so
    /// that every total stays as it was. `None`: keep every sample.
    pub trim: Option<Trim>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Trim {
    pub sample_type: usize,
    /// Largest samples kept (after merging equal stacks).
    pub keep_samples: usize,
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

/// The comment a trimmed profile carries (the app shows it as a warning).
pub const TRIMMED_MARK: &str = "heaplens: trimmed";

/// What [`encode`] did.
#[derive(Debug, Clone, PartialEq)]
pub struct Encoded {
    /// The pprof protobuf, not compressed (natively [`gzip`] compresses it;
    /// in the browser the worker has the browser compress it).
    pub protobuf: Vec<u8>,
    /// Samples written (after merging), not counting the `(trimmed)` one.
    pub samples: usize,
    /// When trimmed: the samples merged into `(trimmed)` and the share of
    /// the trim type's value the kept samples hold.
    pub trimmed: Option<(usize, f64)>,
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

/// One sample to write: an index into the profile (its stack and labels)
/// and its values (summed over merged samples).
struct Out {
    sample: usize,
    values: Vec<i64>,
}

/// Encodes `p` as a pprof protobuf (not compressed).
pub fn encode(p: &Profile, opts: EncodeOptions) -> Encoded {
    let negative = p.values.iter().any(|&v| v < 0);
    let labels = opts.labels || negative;
    let mut out = samples_out(p, labels);
    let rest = opts.trim.and_then(|t| trim(&mut out, t, p.num_types()));
    let mut st = Strings::new();
    let mut pb = header(p, &mut st, opts.trim, out.len(), rest.as_ref());
    let loc_id = write_locations(p, &out, opts.addresses, &mut st, &mut pb);
    let written = out.len();
    pb.sample = out
        .into_iter()
        .map(|o| write_sample(p, o, &loc_id, labels, &mut st))
        .collect();
    let trimmed = rest.map(|r| {
        if r.dropped > 0 {
            append_trimmed(&mut pb, &mut st, r.sum);
        }
        (r.dropped, r.kept_share)
    });
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
                });
            }
        }
    }
    out
}

/// What trimming left out: how many samples, their summed values, and the
/// share of the trim type's value the kept ones hold.
struct Trimmed {
    dropped: usize,
    sum: Vec<i64>,
    kept_share: f64,
}

/// Keeps the largest samples of `out` by the trim type (in the profile's
/// order); None when there is nothing to trim.
fn trim(out: &mut Vec<Out>, t: Trim, n: usize) -> Option<Trimmed> {
    if t.sample_type >= n || t.keep_samples >= out.len() {
        return None;
    }
    let ty = t.sample_type;
    heaplens_profile::sorting::sort_by(out, |a, b| {
        b.values[ty]
            .unsigned_abs()
            .cmp(&a.values[ty].unsigned_abs())
            .then(a.sample.cmp(&b.sample))
    });
    let dropped = out.split_off(t.keep_samples);
    let mut sum = vec![0i64; n];
    for d in &dropped {
        for (v, w) in sum.iter_mut().zip(&d.values) {
            *v = v.wrapping_add(*w);
        }
    }
    let abs = |o: &Out| u128::from(o.values[ty].unsigned_abs());
    let all: u128 = out.iter().chain(&dropped).map(abs).sum();
    let kept: u128 = out.iter().map(abs).sum();
    let kept_share = if all > 0 {
        kept as f64 / all as f64
    } else {
        1.0
    };
    // Back in the profile's order, so untrimmed parts read the same.
    heaplens_profile::sorting::sort_by_key(out, |o| o.sample);
    Some(Trimmed {
        dropped: dropped.len(),
        sum,
        kept_share,
    })
}

/// Sample types, period, times, the default type and the comments (with
/// what was applied and what trimming kept).
fn header(
    p: &Profile,
    st: &mut Strings,
    trim: Option<Trim>,
    kept: usize,
    rest: Option<&Trimmed>,
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
    if let (Some(t), Some(r)) = (trim, rest) {
        comments.push(format!(
            "{TRIMMED_MARK}: the {} by {} ({:.1}% of it) kept; {} merged into (trimmed)",
            units::count(kept as u64, "largest sample", "largest samples"),
            p.sample_types
                .get(t.sample_type)
                .map_or("", |v| v.ty.as_str()),
            r.kept_share * 100.0,
            units::count(r.dropped as u64, "smaller one", "smaller ones")
        ));
    }
    pb.comment = comments.iter().map(|c| st.add(c)).collect();
    pb
}

/// Writes the locations, functions and mappings the samples use, numbered
/// from 1 in order of first use; returns the id of each location (0 for
/// unused ones).
fn write_locations(
    p: &Profile,
    out: &[Out],
    addresses: bool,
    st: &mut Strings,
    pb: &mut proto::Profile,
) -> Vec<u64> {
    let mut loc_id = vec![0u64; p.locations.len()];
    let mut fn_id = vec![0u64; p.functions.len()];
    let mut map_id = vec![0u64; p.mappings.len()];
    for o in out {
        for l in p.stack(o.sample) {
            let li = l as usize;
            if loc_id[li] != 0 {
                continue;
            }
            let loc = &p.locations[li];
            let frames = p.location_frames(l);
            let mut w = proto::Location {
                id: pb.location.len() as u64 + 1,
                ..proto::Location::default()
            };
            if addresses || frames.is_empty() {
                w.address = loc.address;
                if loc.mapping != NONE {
                    w.mapping_id = mapping_id(p, loc.mapping as usize, &mut map_id, st, pb);
                }
            }
            for fr in frames {
                w.line.push(proto::Line {
                    function_id: function_id(
                        p,
                        fr.function as usize,
                        addresses,
                        &mut fn_id,
                        st,
                        pb,
                    ),
                    line: fr.line,
                    column: 0,
                });
            }
            loc_id[li] = w.id;
            pb.location.push(w);
        }
    }
    loc_id
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
fn write_sample(
    p: &Profile,
    o: Out,
    loc_id: &[u64],
    labels: bool,
    st: &mut Strings,
) -> proto::Sample {
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
    proto::Sample {
        location_id: p
            .stack(o.sample)
            .iter()
            .map(|l| loc_id[l as usize])
            .collect(),
        value: o.values,
        label,
    }
}

/// The `(trimmed)` frame and its one sample holding what was left out.
fn append_trimmed(pb: &mut proto::Profile, st: &mut Strings, values: Vec<i64>) {
    let f = proto::Function {
        id: pb.function.len() as u64 + 1,
        name: st.add("(trimmed)"),
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
    pb.sample.push(proto::Sample {
        location_id: vec![l.id],
        value: values,
        label: Vec::new(),
    });
    pb.function.push(f);
    pb.location.push(l);
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
