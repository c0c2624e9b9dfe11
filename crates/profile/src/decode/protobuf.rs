//! A pprof protobuf → [`Profile`], in two passes: the first reads every
//! message but the samples (whose byte ranges it remembers) and resolves the
//! tables (sample types, mappings, functions, locations with their frames);
//! the second streams the samples straight into the flat columns.

use crate::error::{Error, Result};
use crate::model::{
    Frame, Function, Label, Location, Mapping, Profile, SampleLabelsBuilder, StackLocs, ValueType,
    NONE,
};
use crate::proto;

use super::wire::{count_location_ids, prost_msg, string_at, IdMap, Wire};
use super::Progress;

/// What the first pass reads: the small messages as prost types, the
/// samples as byte ranges of the input.
#[derive(Default)]
struct TopLevel {
    sample_ranges: Vec<(u32, u32)>,
    sample_types: Vec<proto::ValueType>,
    mappings: Vec<proto::Mapping>,
    locations: Vec<proto::Location>,
    functions: Vec<proto::Function>,
    strings: Vec<String>,
    comments: Vec<i64>,
    drop_frames: i64,
    keep_frames: i64,
    time_nanos: i64,
    duration_nanos: i64,
    period: i64,
    default_type: i64,
    period_type: Option<proto::ValueType>,
    saw_field: bool,
}

/// Parses and resolves the protobuf bytes of a profile.
pub(super) fn parse(data: &[u8], progress: Progress<'_>) -> Result<Profile> {
    let mut top = read_top_level(data)?;
    progress("parse", data.len() as u64, data.len() as u64);
    if !top.saw_field
        || (top.strings.is_empty() && top.sample_types.is_empty() && top.sample_ranges.is_empty())
    {
        return Err(Error::NotAProfile {
            hint: "no profile fields found".to_string(),
        });
    }
    if top.strings.is_empty() {
        top.strings.push(String::new());
    }
    if !top.strings[0].is_empty() {
        return Err(Error::StringTableStart);
    }
    let mut p = Profile {
        warnings: Vec::new(),
        ..Profile::default()
    };
    resolve_header(&mut p, &top)?;
    // Each table's prost messages are dropped once resolved.
    let mappings = resolve_mappings(&mut p, std::mem::take(&mut top.mappings), &top.strings)?;
    let functions = resolve_functions(&mut p, std::mem::take(&mut top.functions), &top.strings)?;
    let locations = resolve_locations(
        &mut p,
        std::mem::take(&mut top.locations),
        &mappings,
        &functions,
    )?;
    read_samples(&mut p, data, &top, &locations, progress)?;
    p.strings = std::mem::take(&mut top.strings);
    Ok(p)
}

/// Pass 1: every top-level field; samples only as byte ranges.
fn read_top_level(data: &[u8]) -> Result<TopLevel> {
    let mut t = TopLevel::default();
    let mut w = Wire::new(data, 0, "profile");
    while !w.done() {
        let (field, wt) = w.key()?;
        t.saw_field = true;
        match (field, wt) {
            (1, 2) => {
                let (at, b) = w.bytes()?;
                t.sample_types.push(prost_msg(b, at, "sample type")?);
            }
            (2, 2) => {
                let (at, b) = w.bytes()?;
                if at > u32::MAX as usize || b.len() > u32::MAX as usize {
                    return Err(Error::InputTooLarge {
                        size: data.len() as u64,
                        limit: u64::from(u32::MAX),
                    });
                }
                t.sample_ranges.push((at as u32, b.len() as u32));
            }
            (3, 2) => {
                let (at, b) = w.bytes()?;
                t.mappings.push(prost_msg(b, at, "mapping")?);
            }
            (4, 2) => {
                let (at, b) = w.bytes()?;
                t.locations.push(prost_msg(b, at, "location")?);
            }
            (5, 2) => {
                let (at, b) = w.bytes()?;
                t.functions.push(prost_msg(b, at, "function")?);
            }
            (6, 2) => {
                let (_, b) = w.bytes()?;
                t.strings.push(String::from_utf8_lossy(b).into_owned());
            }
            (7, 0) => t.drop_frames = w.varint()? as i64,
            (8, 0) => t.keep_frames = w.varint()? as i64,
            (9, 0) => t.time_nanos = w.varint()? as i64,
            (10, 0) => t.duration_nanos = w.varint()? as i64,
            (11, 2) => {
                let (at, b) = w.bytes()?;
                t.period_type = Some(prost_msg(b, at, "period type")?);
            }
            (12, 0) => t.period = w.varint()? as i64,
            (13, 0 | 2) => w.repeated_varint(wt, |v| t.comments.push(v as i64))?,
            (14, 0) => t.default_type = w.varint()? as i64,
            (1..=14, _) => {
                return Err(w.err(&format!("field {field} has the wrong wire type {wt}")))
            }
            _ => w.skip(wt)?,
        }
    }
    Ok(t)
}

/// Sample types, period, comments, drop/keep frames, times.
fn resolve_header(p: &mut Profile, t: &TopLevel) -> Result<()> {
    let strings = &t.strings;
    let text = |idx: u32| strings[idx as usize].clone();
    for (i, st) in t.sample_types.iter().enumerate() {
        let ty = string_at(strings, st.r#type, || format!("sample type {i} (type)"))?;
        let unit = string_at(strings, st.unit, || format!("sample type {i} (unit)"))?;
        p.sample_types.push(ValueType {
            ty: text(ty),
            unit: text(unit),
        });
    }
    if let Some(pt) = &t.period_type {
        let ty = string_at(strings, pt.r#type, || "period type (type)".to_string())?;
        let unit = string_at(strings, pt.unit, || "period type (unit)".to_string())?;
        p.period_type = Some(ValueType {
            ty: text(ty),
            unit: text(unit),
        });
    }
    for (i, c) in t.comments.iter().enumerate() {
        let s = string_at(strings, *c, || format!("comment {i}"))?;
        p.comments.push(text(s));
    }
    let df = string_at(strings, t.drop_frames, || "drop_frames".to_string())?;
    let kf = string_at(strings, t.keep_frames, || "keep_frames".to_string())?;
    let dt = string_at(strings, t.default_type, || {
        "default_sample_type".to_string()
    })?;
    p.drop_frames = text(df);
    p.keep_frames = text(kf);
    p.default_sample_type_name = text(dt);
    p.period = t.period;
    p.time_nanos = t.time_nanos;
    p.duration_nanos = t.duration_nanos;
    Ok(())
}

fn resolve_mappings(
    p: &mut Profile,
    mappings: Vec<proto::Mapping>,
    strings: &[String],
) -> Result<IdMap> {
    let ids = IdMap::build(mappings.iter().map(|m| m.id), mappings.len(), "mapping")?;
    for m in &mappings {
        let file = string_at(strings, m.filename, || {
            format!("mapping {} (filename)", m.id)
        })?;
        let build_id = string_at(strings, m.build_id, || {
            format!("mapping {} (build id)", m.id)
        })?;
        p.mappings.push(Mapping {
            id: m.id,
            start: m.memory_start,
            limit: m.memory_limit,
            offset: m.file_offset,
            file,
            build_id,
            has_functions: m.has_functions,
        });
    }
    Ok(ids)
}

fn resolve_functions(
    p: &mut Profile,
    functions: Vec<proto::Function>,
    strings: &[String],
) -> Result<IdMap> {
    let ids = IdMap::build(functions.iter().map(|f| f.id), functions.len(), "function")?;
    for f in &functions {
        let name = string_at(strings, f.name, || format!("function {} (name)", f.id))?;
        let system_name = string_at(strings, f.system_name, || {
            format!("function {} (system name)", f.id)
        })?;
        let filename = string_at(strings, f.filename, || {
            format!("function {} (filename)", f.id)
        })?;
        p.functions.push(Function {
            id: f.id,
            name,
            system_name,
            filename,
            start_line: f.start_line,
        });
    }
    Ok(ids)
}

/// Locations and their frames; a location whose mapping does not exist is
/// kept without one (and counted in a warning).
fn resolve_locations(
    p: &mut Profile,
    locations: Vec<proto::Location>,
    mappings: &IdMap,
    functions: &IdMap,
) -> Result<IdMap> {
    let ids = IdMap::build(locations.iter().map(|l| l.id), locations.len(), "location")?;
    let mut dangling_mappings = 0usize;
    for l in &locations {
        let mapping = if l.mapping_id == 0 {
            NONE
        } else {
            mappings.get(l.mapping_id).unwrap_or_else(|| {
                dangling_mappings += 1;
                NONE
            })
        };
        let frames_start = p.frames.len() as u32;
        for ln in &l.line {
            let Some(function) = functions.get(ln.function_id) else {
                return Err(Error::DanglingId {
                    from: format!("location {}", l.id),
                    kind: "function",
                    id: ln.function_id,
                });
            };
            p.frames.push(Frame {
                function,
                line: ln.line,
            });
        }
        let frames_end = p.frames.len() as u32;
        p.locations.push(Location {
            id: l.id,
            address: l.address,
            mapping,
            frames_start,
            frames_end,
        });
    }
    if dangling_mappings > 0 {
        p.warnings.push(format!(
            "{dangling_mappings} location(s) refer to a mapping that does not exist; shown without a binary name"
        ));
    }
    Ok(ids)
}

/// Pass 2: the samples, straight into the flat columns.
fn read_samples(
    p: &mut Profile,
    data: &[u8],
    t: &TopLevel,
    locations: &IdMap,
    progress: Progress<'_>,
) -> Result<()> {
    let n_types = p.sample_types.len();
    let n_samples = t.sample_ranges.len();
    if n_samples > 0 && n_types == 0 {
        return Err(Error::NoSampleTypes);
    }
    p.stack_offsets.reserve_exact(n_samples + 1);
    // Size the stack column exactly (no regrowth: a million-sample profile
    // would otherwise copy it several times and keep the slack).
    p.stack_locs = StackLocs::for_locations(
        p.locations.len(),
        count_location_ids(data, &t.sample_ranges),
    );
    p.stack_offsets.push(0);
    p.values.reserve_exact(n_samples * n_types);
    let mut labels = SampleLabelsBuilder::default();
    let mut these: Vec<Label> = Vec::new();
    let report_every = (n_samples / 50).max(1);
    for (i, &(at, len)) in t.sample_ranges.iter().enumerate() {
        let body = &data[at as usize..at as usize + len as usize];
        these.clear();
        read_sample(p, body, at as usize, i, &t.strings, locations, &mut these)?;
        if p.stack_locs.len() > u32::MAX as usize {
            return Err(Error::InputTooLarge {
                size: data.len() as u64,
                limit: u64::from(u32::MAX),
            });
        }
        p.stack_offsets.push(p.stack_locs.len() as u32);
        labels.push(&these);
        if i % report_every == 0 {
            progress("samples", i as u64, n_samples as u64);
        }
    }
    progress("samples", n_samples as u64, n_samples as u64);
    p.labels = labels.finish();
    Ok(())
}

/// One sample: its location ids onto the stack column, its values onto the
/// value column, its labels into `labels`.
#[inline]
fn read_sample(
    p: &mut Profile,
    body: &[u8],
    at: usize,
    i: usize,
    strings: &[String],
    locations: &IdMap,
    labels: &mut Vec<Label>,
) -> Result<()> {
    let mut s = Wire::new(body, at, "sample");
    let values_before = p.values.len();
    let mut missing: Option<u64> = None;
    while !s.done() {
        let (field, wt) = s.key()?;
        match field {
            1 => {
                let stack = &mut p.stack_locs;
                s.repeated_varint(wt, |id| match locations.get(id) {
                    Some(idx) => stack.push(idx),
                    None => {
                        missing.get_or_insert(id);
                    }
                })?;
            }
            2 => {
                let values = &mut p.values;
                s.repeated_varint(wt, |v| values.push(v as i64))?;
            }
            3 if wt == 2 => {
                let (lat, lb) = s.bytes()?;
                let l: proto::Label = prost_msg(lb, lat, "sample label")?;
                let key = string_at(strings, l.key, || format!("sample {i} label (key)"))?;
                let str = string_at(strings, l.str, || format!("sample {i} label (value)"))?;
                let unit = string_at(strings, l.num_unit, || format!("sample {i} label (unit)"))?;
                labels.push(Label {
                    key,
                    str,
                    num: l.num,
                    unit,
                });
            }
            _ => s.skip(wt)?,
        }
    }
    if let Some(id) = missing {
        return Err(Error::DanglingId {
            from: format!("sample {i}"),
            kind: "location",
            id,
        });
    }
    let got = p.values.len() - values_before;
    if got != p.sample_types.len() {
        return Err(Error::ValueCount {
            sample: i,
            got,
            want: p.sample_types.len(),
        });
    }
    Ok(())
}
