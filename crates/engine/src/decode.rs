//! Bytes → [`Profile`]: sniff gzip by its magic bytes, inflate up to a cap,
//! read the protobuf wire format (samples streamed straight into flat
//! columns, small messages through the prost types), then resolve ids and
//! strings and validate, and apply `drop_frames`/`keep_frames` as pprof does.
//! Legacy text profiles and folded stacks are read by heaplens-text and
//! copied into the same model (`crate::text`, [`crate::folded_in`]).

use std::collections::HashMap;
#[cfg(not(target_arch = "wasm32"))]
use std::io::Read;

use prost::Message;

use crate::error::{Error, Result};
use crate::model::{
    DecodeStats, Frame, Function, Label, Location, Mapping, Profile, ValueType, NONE,
};
use crate::proto;

/// Size caps. The defaults suit the CLI; the browser may pass lower ones.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest accepted input (compressed or not).
    pub max_input: u64,
    /// Largest accepted protobuf after inflating; inflating stops here.
    pub max_decoded: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_input: 1 << 30,
            max_decoded: 1 << 30,
        }
    }
}

/// Progress callback: (stage name, bytes done, bytes total if known).
pub type Progress<'a> = &'a mut dyn FnMut(&str, u64, u64);

/// Decodes a profile with the default limits.
pub fn decode(bytes: &[u8]) -> Result<Profile> {
    decode_with(bytes, Limits::default(), &mut |_, _, _| {})
}

/// Decodes a profile, reporting progress and enforcing `limits`.
pub fn decode_with(bytes: &[u8], limits: Limits, progress: Progress<'_>) -> Result<Profile> {
    if bytes.is_empty() {
        return Err(Error::Empty);
    }
    if bytes.len() as u64 > limits.max_input {
        return Err(Error::InputTooLarge {
            size: bytes.len() as u64,
            limit: limits.max_input,
        });
    }
    let gzipped = bytes.len() >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b;
    let inflated;
    let data: &[u8] = if gzipped {
        inflated = gunzip(bytes, limits.max_decoded, progress)?;
        &inflated
    } else {
        if bytes.len() as u64 > limits.max_decoded {
            return Err(Error::InputTooLarge {
                size: bytes.len() as u64,
                limit: limits.max_decoded,
            });
        }
        bytes
    };
    if data.is_empty() {
        return Err(Error::Empty);
    }
    // Legacy text profiles and folded stacks text have their own readers.
    let text = match crate::text::legacy(data) {
        Some(parsed) => Some(parsed?),
        None => crate::folded_in::read(data)?,
    };
    let mut p = match text {
        Some(p) => p,
        None => {
            if let Some(err) = sniff_other_format(data) {
                return Err(err);
            }
            parse(data, progress)?
        }
    };
    p.stats = DecodeStats {
        input_bytes: bytes.len() as u64,
        decoded_bytes: data.len() as u64,
        gzipped,
    };
    crate::prune::remove_uninteresting(&mut p)?;
    Ok(p)
}

/// How much room to make for inflating `gz`: the size its gzip trailer
/// records (ISIZE, the inflated size modulo 4 GiB) when that is plausible,
/// so a large profile is inflated without regrowing (and copying) its
/// buffer; never more than `cap`.
pub fn inflated_size_hint(gz: &[u8], cap: u64) -> usize {
    let trailer = gz
        .get(gz.len().saturating_sub(4)..)
        .and_then(|t| <[u8; 4]>::try_from(t).ok());
    size_hint(gz.len() as u64, trailer, cap)
}

/// [`inflated_size_hint`] from the gzip data's length and its last four
/// bytes.
pub fn size_hint(gz_len: u64, trailer: Option<[u8; 4]>, cap: u64) -> usize {
    let guess = gz_len.saturating_mul(4);
    let isize = trailer.map(|t| u64::from(u32::from_le_bytes(t)));
    // One member, not wrapped past 4 GiB: the trailer is the size; deflate
    // shrinks by at most ~1032×, so anything larger is not a real trailer.
    let hint = match isize {
        Some(n) if n >= gz_len / 2 && n <= gz_len.saturating_mul(1032) => n,
        _ => guess,
    };
    hint.min(cap).min(1 << 30) as usize
}

#[cfg(target_arch = "wasm32")]
fn gunzip(_: &[u8], _: u64, _: Progress<'_>) -> Result<Vec<u8>> {
    Err(Error::Gzip {
        detail: "this build reads gzip only once inflated (by the browser)".into(),
    })
}

#[cfg(not(target_arch = "wasm32"))]
fn gunzip(bytes: &[u8], cap: u64, progress: Progress<'_>) -> Result<Vec<u8>> {
    let mut dec = flate2::read::MultiGzDecoder::new(bytes);
    let mut out = Vec::with_capacity(inflated_size_hint(bytes, cap));
    let mut chunk = vec![0u8; 1 << 16];
    loop {
        let n = dec.read(&mut chunk).map_err(|e| Error::Gzip {
            detail: e.to_string(),
        })?;
        if n == 0 {
            break;
        }
        if out.len() as u64 + n as u64 > cap {
            return Err(Error::DecompressedTooLarge { limit: cap });
        }
        out.extend_from_slice(&chunk[..n]);
        if out.len() % (1 << 22) < n {
            progress("inflate", out.len() as u64, 0);
        }
    }
    progress("inflate", out.len() as u64, out.len() as u64);
    Ok(out)
}

/// Recognises inputs that are clearly something else, to say so plainly.
fn sniff_other_format(data: &[u8]) -> Option<Error> {
    let head = &data[..data.len().min(512)];
    // Legacy binary CPU profiles (gperftools, old Go): header words 0, 3, 0.
    let word = |i: usize, w: usize| -> Option<u64> {
        let b = data.get(i * w..(i + 1) * w)?;
        Some(b.iter().rev().fold(0u64, |a, &x| (a << 8) | u64::from(x)))
    };
    for w in [4usize, 8] {
        if word(0, w) == Some(0) && word(1, w) == Some(3) && word(2, w).is_some_and(|v| v <= 1) {
            return Some(Error::UnsupportedFormat {
                format: "a legacy binary CPU profile (gperftools or pre-2016 Go)".to_string(),
            });
        }
    }
    let text = String::from_utf8_lossy(head);
    let t = text.trim_start();
    let unsupported = |format: &str| {
        Some(Error::UnsupportedFormat {
            format: format.to_string(),
        })
    };
    if t.starts_with("heap_v2/") {
        return unsupported("a jemalloc text heap profile (heap_v2)");
    }
    if t.starts_with("--- ") {
        let kind = t.lines().next().unwrap_or("").trim();
        return unsupported(&format!("a legacy text profile ({kind})"));
    }
    if t.starts_with("Total:") || t.starts_with("contention") {
        return unsupported("a legacy text profile");
    }
    if t.starts_with('{') || t.starts_with('[') {
        return Some(Error::NotAProfile {
            hint: "it looks like JSON (a speedscope or Chrome trace file?)".to_string(),
        });
    }
    if t.starts_with('<') {
        return Some(Error::NotAProfile {
            hint: "it looks like HTML or XML (a saved web page?)".to_string(),
        });
    }
    if t.starts_with("goos:") || t.starts_with("Benchmark") || t.starts_with("PASS") {
        return Some(Error::NotAProfile {
            hint: "it looks like `go test -bench` output, not a profile".to_string(),
        });
    }
    // Folded stacks: printable text whose first line ends in a number.
    let printable = head
        .iter()
        .all(|&b| b == b'\n' || b == b'\t' || b == b'\r' || (0x20..0x7f).contains(&b) || b >= 0x80);
    if printable && head.len() >= 4 {
        // (Folded stacks text never gets here: crate::folded_in reads it.)
        let first = t.lines().next().unwrap_or("");
        if !head
            .iter()
            .any(|&b| b < 0x20 && b != b'\n' && b != b'\t' && b != b'\r')
        {
            let shown: String = first.chars().take(40).collect();
            return Some(Error::NotAProfile {
                hint: format!("it is plain text starting with {shown:?}"),
            });
        }
    }
    None
}

// ---------------------------------------------------------------------------
// Protobuf wire reading

struct Wire<'a> {
    buf: &'a [u8],
    pos: usize,
    /// Offset of `buf` in the whole input (for error messages).
    base: usize,
    context: &'static str,
}

impl<'a> Wire<'a> {
    fn new(buf: &'a [u8], base: usize, context: &'static str) -> Self {
        Wire {
            buf,
            pos: 0,
            base,
            context,
        }
    }

    fn err(&self, detail: &str) -> Error {
        Error::Protobuf {
            context: self.context.to_string(),
            at: self.base + self.pos,
            detail: detail.to_string(),
        }
    }

    fn done(&self) -> bool {
        self.pos >= self.buf.len()
    }

    #[inline]
    fn varint(&mut self) -> Result<u64> {
        let mut v: u64 = 0;
        let mut shift = 0u32;
        loop {
            let Some(&b) = self.buf.get(self.pos) else {
                return Err(self.err("truncated varint"));
            };
            self.pos += 1;
            if shift == 63 && b > 1 {
                return Err(self.err("varint too long"));
            }
            v |= u64::from(b & 0x7f) << shift;
            if b < 0x80 {
                return Ok(v);
            }
            shift += 7;
            if shift > 63 {
                return Err(self.err("varint too long"));
            }
        }
    }

    fn key(&mut self) -> Result<(u32, u8)> {
        let k = self.varint()?;
        let field = k >> 3;
        if field == 0 || field > u64::from(u32::MAX >> 3) {
            return Err(self.err("invalid field number"));
        }
        Ok((field as u32, (k & 7) as u8))
    }

    fn bytes(&mut self) -> Result<(usize, &'a [u8])> {
        let len = self.varint()?;
        let start = self.pos;
        let end = (start as u64)
            .checked_add(len)
            .filter(|&e| e <= self.buf.len() as u64);
        let Some(end) = end else {
            return Err(self.err("length runs past the end of the data"));
        };
        self.pos = end as usize;
        Ok((self.base + start, &self.buf[start..end as usize]))
    }

    fn skip(&mut self, wire_type: u8) -> Result<()> {
        match wire_type {
            0 => {
                self.varint()?;
            }
            1 => self.advance(8)?,
            2 => {
                self.bytes()?;
            }
            5 => self.advance(4)?,
            _ => return Err(self.err(&format!("unsupported wire type {wire_type}"))),
        }
        Ok(())
    }

    fn advance(&mut self, n: usize) -> Result<()> {
        if self.buf.len() - self.pos < n {
            return Err(self.err("truncated fixed-size field"));
        }
        self.pos += n;
        Ok(())
    }

    /// Reads a repeated scalar that may be packed (wire type 2) or not (0),
    /// calling `f` for each value.
    #[inline]
    fn repeated_varint(&mut self, wire_type: u8, mut f: impl FnMut(u64)) -> Result<()> {
        match wire_type {
            0 => {
                f(self.varint()?);
                Ok(())
            }
            2 => {
                let (base, body) = self.bytes()?;
                let mut inner = Wire::new(body, base, self.context);
                while !inner.done() {
                    f(inner.varint()?);
                }
                Ok(())
            }
            _ => Err(self.err("unexpected wire type for a repeated number")),
        }
    }
}

fn prost_msg<M: Message + Default>(body: &[u8], at: usize, context: &'static str) -> Result<M> {
    M::decode(body).map_err(|e| Error::Protobuf {
        context: context.to_string(),
        at,
        detail: e.to_string(),
    })
}

/// Maps file ids (arbitrary u64) to table indices.
struct IdMap {
    dense: Vec<u32>,
    sparse: HashMap<u64, u32>,
}

impl IdMap {
    fn build(ids: impl Iterator<Item = u64>, len: usize, kind: &'static str) -> Result<IdMap> {
        let dense_len = len.saturating_mul(2).saturating_add(1024);
        let mut m = IdMap {
            dense: vec![NONE; dense_len],
            sparse: HashMap::new(),
        };
        for (idx, id) in ids.enumerate() {
            if id == 0 {
                return Err(Error::ReservedId { kind });
            }
            let slot = if (id as usize) < dense_len && id < u64::from(u32::MAX) {
                &mut m.dense[id as usize]
            } else {
                m.sparse.entry(id).or_insert(NONE)
            };
            if *slot != NONE {
                return Err(Error::DuplicateId { kind, id });
            }
            *slot = idx as u32;
        }
        Ok(m)
    }

    #[inline]
    fn get(&self, id: u64) -> Option<u32> {
        let v = if id < self.dense.len() as u64 {
            self.dense[id as usize]
        } else {
            *self.sparse.get(&id)?
        };
        (v != NONE).then_some(v)
    }
}

fn string_at(strings: &[String], idx: i64, field: impl FnOnce() -> String) -> Result<u32> {
    if idx < 0 || idx as u64 >= strings.len() as u64 {
        return Err(Error::StringIndex {
            field: field(),
            index: idx,
            len: strings.len(),
        });
    }
    Ok(idx as u32)
}

/// Counts the location ids of all samples (a varint ends at a byte below
/// 0x80, so counting those bytes in a packed field counts its values).
/// Damaged data is left for the real pass to report.
fn count_location_ids(data: &[u8], ranges: &[(u32, u32)]) -> usize {
    let mut n = 0usize;
    for &(at, len) in ranges {
        let body = &data[at as usize..at as usize + len as usize];
        let mut w = Wire::new(body, at as usize, "sample");
        while !w.done() {
            let Ok((field, wt)) = w.key() else { break };
            match (field, wt) {
                (1, 2) => match w.bytes() {
                    Ok((_, b)) => n += b.iter().filter(|&&x| x < 0x80).count(),
                    Err(_) => break,
                },
                (1, 0) => {
                    n += 1;
                    if w.varint().is_err() {
                        break;
                    }
                }
                _ => {
                    if w.skip(wt).is_err() {
                        break;
                    }
                }
            }
        }
    }
    n
}

/// Parses and resolves the protobuf bytes of a profile.
fn parse(data: &[u8], progress: Progress<'_>) -> Result<Profile> {
    // Pass 1: everything but the samples, whose byte ranges are remembered.
    let mut sample_ranges: Vec<(u32, u32)> = Vec::new();
    let mut sample_types: Vec<proto::ValueType> = Vec::new();
    let mut mappings: Vec<proto::Mapping> = Vec::new();
    let mut locations: Vec<proto::Location> = Vec::new();
    let mut functions: Vec<proto::Function> = Vec::new();
    let mut strings: Vec<String> = Vec::new();
    let mut comments: Vec<i64> = Vec::new();
    let (mut drop_frames, mut keep_frames, mut time_nanos, mut duration_nanos) =
        (0i64, 0i64, 0i64, 0i64);
    let (mut period, mut default_type) = (0i64, 0i64);
    let mut period_type: Option<proto::ValueType> = None;
    let mut saw_field = false;

    let mut w = Wire::new(data, 0, "profile");
    while !w.done() {
        let (field, wt) = w.key()?;
        saw_field = true;
        match (field, wt) {
            (1, 2) => {
                let (at, b) = w.bytes()?;
                sample_types.push(prost_msg(b, at, "sample type")?);
            }
            (2, 2) => {
                let (at, b) = w.bytes()?;
                if at > u32::MAX as usize || b.len() > u32::MAX as usize {
                    return Err(Error::InputTooLarge {
                        size: data.len() as u64,
                        limit: u64::from(u32::MAX),
                    });
                }
                sample_ranges.push((at as u32, b.len() as u32));
            }
            (3, 2) => {
                let (at, b) = w.bytes()?;
                mappings.push(prost_msg(b, at, "mapping")?);
            }
            (4, 2) => {
                let (at, b) = w.bytes()?;
                locations.push(prost_msg(b, at, "location")?);
            }
            (5, 2) => {
                let (at, b) = w.bytes()?;
                functions.push(prost_msg(b, at, "function")?);
            }
            (6, 2) => {
                let (_, b) = w.bytes()?;
                strings.push(String::from_utf8_lossy(b).into_owned());
            }
            (7, 0) => drop_frames = w.varint()? as i64,
            (8, 0) => keep_frames = w.varint()? as i64,
            (9, 0) => time_nanos = w.varint()? as i64,
            (10, 0) => duration_nanos = w.varint()? as i64,
            (11, 2) => {
                let (at, b) = w.bytes()?;
                period_type = Some(prost_msg(b, at, "period type")?);
            }
            (12, 0) => period = w.varint()? as i64,
            (13, 0 | 2) => w.repeated_varint(wt, |v| comments.push(v as i64))?,
            (14, 0) => default_type = w.varint()? as i64,
            (1..=14, _) => {
                return Err(w.err(&format!("field {field} has the wrong wire type {wt}")))
            }
            _ => w.skip(wt)?,
        }
    }
    progress("parse", data.len() as u64, data.len() as u64);

    if !saw_field || (strings.is_empty() && sample_types.is_empty() && sample_ranges.is_empty()) {
        return Err(Error::NotAProfile {
            hint: "no profile fields found".to_string(),
        });
    }
    if strings.is_empty() {
        strings.push(String::new());
    }
    if !strings[0].is_empty() {
        return Err(Error::StringTableStart);
    }

    let mut p = Profile {
        warnings: Vec::new(),
        ..Profile::default()
    };

    // Sample types, period, comments.
    for (i, st) in sample_types.iter().enumerate() {
        let ty = string_at(&strings, st.r#type, || format!("sample type {i} (type)"))?;
        let unit = string_at(&strings, st.unit, || format!("sample type {i} (unit)"))?;
        p.sample_types.push(ValueType {
            ty: strings[ty as usize].clone(),
            unit: strings[unit as usize].clone(),
        });
    }
    if let Some(pt) = period_type {
        let ty = string_at(&strings, pt.r#type, || "period type (type)".to_string())?;
        let unit = string_at(&strings, pt.unit, || "period type (unit)".to_string())?;
        p.period_type = Some(ValueType {
            ty: strings[ty as usize].clone(),
            unit: strings[unit as usize].clone(),
        });
    }
    for (i, c) in comments.iter().enumerate() {
        let s = string_at(&strings, *c, || format!("comment {i}"))?;
        p.comments.push(strings[s as usize].clone());
    }
    let df = string_at(&strings, drop_frames, || "drop_frames".to_string())?;
    let kf = string_at(&strings, keep_frames, || "keep_frames".to_string())?;
    let dt = string_at(&strings, default_type, || "default_sample_type".to_string())?;
    p.drop_frames = strings[df as usize].clone();
    p.keep_frames = strings[kf as usize].clone();
    p.default_sample_type_name = strings[dt as usize].clone();
    p.period = period;
    p.time_nanos = time_nanos;
    p.duration_nanos = duration_nanos;

    // Mappings.
    let mapping_ids = IdMap::build(mappings.iter().map(|m| m.id), mappings.len(), "mapping")?;
    for m in &mappings {
        let file = string_at(&strings, m.filename, || {
            format!("mapping {} (filename)", m.id)
        })?;
        let build_id = string_at(&strings, m.build_id, || {
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
    drop(mappings);

    // Functions.
    let function_ids = IdMap::build(functions.iter().map(|f| f.id), functions.len(), "function")?;
    for f in &functions {
        let name = string_at(&strings, f.name, || format!("function {} (name)", f.id))?;
        let system_name = string_at(&strings, f.system_name, || {
            format!("function {} (system name)", f.id)
        })?;
        let filename = string_at(&strings, f.filename, || {
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
    drop(functions);

    // Locations and their frames.
    let location_ids = IdMap::build(locations.iter().map(|l| l.id), locations.len(), "location")?;
    let mut dangling_mappings = 0usize;
    for l in &locations {
        let mapping = if l.mapping_id == 0 {
            NONE
        } else {
            match mapping_ids.get(l.mapping_id) {
                Some(m) => m,
                None => {
                    dangling_mappings += 1;
                    NONE
                }
            }
        };
        let frames_start = p.frames.len() as u32;
        for ln in &l.line {
            let Some(function) = function_ids.get(ln.function_id) else {
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
    drop(locations);
    if dangling_mappings > 0 {
        p.warnings.push(format!(
            "{dangling_mappings} location(s) refer to a mapping that does not exist; shown without a binary name"
        ));
    }

    // Pass 2: samples, straight into the flat columns.
    let n_types = p.sample_types.len();
    let n_samples = sample_ranges.len();
    if n_samples > 0 && n_types == 0 {
        return Err(Error::NoSampleTypes);
    }
    p.stack_offsets.reserve_exact(n_samples + 1);
    // Size the stack column exactly (no regrowth: a million-sample profile
    // would otherwise copy it several times and keep the slack).
    p.stack_locs = crate::model::StackLocs::for_locations(
        p.locations.len(),
        count_location_ids(data, &sample_ranges),
    );
    p.stack_offsets.push(0);
    p.values.reserve_exact(n_samples * n_types);
    let mut labels = crate::model::SampleLabelsBuilder::default();
    let mut these: Vec<Label> = Vec::new();
    let report_every = (n_samples / 50).max(1);
    for (i, &(at, len)) in sample_ranges.iter().enumerate() {
        let body = &data[at as usize..at as usize + len as usize];
        let mut s = Wire::new(body, at as usize, "sample");
        let values_before = p.values.len();
        these.clear();
        let mut missing: Option<u64> = None;
        while !s.done() {
            let (field, wt) = s.key()?;
            match field {
                1 => {
                    let stack = &mut p.stack_locs;
                    s.repeated_varint(wt, |id| match location_ids.get(id) {
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
                    let key = string_at(&strings, l.key, || format!("sample {i} label (key)"))?;
                    let str = string_at(&strings, l.str, || format!("sample {i} label (value)"))?;
                    let unit =
                        string_at(&strings, l.num_unit, || format!("sample {i} label (unit)"))?;
                    these.push(Label {
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
        if got != n_types {
            return Err(Error::ValueCount {
                sample: i,
                got,
                want: n_types,
            });
        }
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
    p.strings = strings;
    Ok(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiny() -> proto::Profile {
        proto::Profile {
            sample_type: vec![proto::ValueType { r#type: 1, unit: 2 }],
            sample: vec![proto::Sample {
                location_id: vec![1],
                value: vec![5],
                label: vec![],
            }],
            location: vec![proto::Location {
                id: 1,
                line: vec![proto::Line {
                    function_id: 1,
                    line: 3,
                    column: 0,
                }],
                ..Default::default()
            }],
            function: vec![proto::Function {
                id: 1,
                name: 3,
                ..Default::default()
            }],
            string_table: vec![
                b"".to_vec(),
                b"samples".to_vec(),
                b"count".to_vec(),
                b"main".to_vec(),
            ],
            ..Default::default()
        }
    }

    #[test]
    fn decodes_raw_and_gzip_alike() {
        let raw = tiny().encode_to_vec();
        let a = decode(&raw).expect("raw decodes");
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        std::io::Write::write_all(&mut gz, &raw).expect("write");
        let gz = gz.finish().expect("finish");
        let b = decode(&gz).expect("gzip decodes");
        assert_eq!(a.values, b.values);
        assert_eq!(a.stack_locs, b.stack_locs);
        assert!(b.stats.gzipped && !a.stats.gzipped);
        assert_eq!(a.sample_types[0].ty, "samples");
        assert_eq!(a.str(a.functions[0].name), "main");
    }

    #[test]
    fn unpacked_repeated_fields_are_read() {
        // Hand-encode a sample with unpacked location ids and values.
        let mut p = tiny();
        p.sample.clear();
        let mut bytes = p.encode_to_vec();
        // field 2 (sample), body: 08 01 (loc 1), 10 07 (value 7)
        bytes.extend_from_slice(&[0x12, 0x04, 0x08, 0x01, 0x10, 0x07]);
        let d = decode(&bytes).expect("decodes");
        assert_eq!(d.values, vec![7]);
        assert_eq!(d.stack(0), &[0]);
    }

    #[test]
    fn errors_name_the_problem() {
        let mut p = tiny();
        p.sample[0].location_id = vec![9];
        let e = decode(&p.encode_to_vec()).unwrap_err();
        assert_eq!(
            e,
            Error::DanglingId {
                from: "sample 0".into(),
                kind: "location",
                id: 9
            }
        );

        let mut p = tiny();
        p.sample[0].value = vec![1, 2];
        let e = decode(&p.encode_to_vec()).unwrap_err();
        assert_eq!(
            e,
            Error::ValueCount {
                sample: 0,
                got: 2,
                want: 1
            }
        );

        let mut p = tiny();
        p.function[0].name = 99;
        let e = decode(&p.encode_to_vec()).unwrap_err();
        assert!(matches!(e, Error::StringIndex { index: 99, .. }), "{e}");

        let mut p = tiny();
        p.location[0].line[0].function_id = 4;
        let e = decode(&p.encode_to_vec()).unwrap_err();
        assert!(
            matches!(
                e,
                Error::DanglingId {
                    kind: "function",
                    id: 4,
                    ..
                }
            ),
            "{e}"
        );

        let mut p = tiny();
        p.location.push(p.location[0].clone());
        let e = decode(&p.encode_to_vec()).unwrap_err();
        assert_eq!(
            e,
            Error::DuplicateId {
                kind: "location",
                id: 1
            }
        );

        assert_eq!(decode(b"").unwrap_err(), Error::Empty);
        assert!(matches!(
            decode(b"hello world\n").unwrap_err(),
            Error::NotAProfile { .. }
        ));
        assert!(matches!(
            decode(b"main;foo;bar 12\nmain;foo\n").unwrap_err(),
            Error::Folded { line: 2, .. }
        ));
        let folded = decode(b"main;foo;bar 12\n").expect("folded stacks decode");
        assert_eq!(folded.total(0), 12);
    }

    #[test]
    fn truncated_input_is_an_error_at_every_cut() {
        let raw = tiny().encode_to_vec();
        for cut in 1..raw.len() {
            // Either a clean error or (rarely) a smaller valid profile; never a panic.
            let _ = decode(&raw[..cut]);
        }
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        std::io::Write::write_all(&mut gz, &raw).expect("write");
        let gz = gz.finish().expect("finish");
        let e = decode(&gz[..gz.len() - 6]).unwrap_err();
        assert!(matches!(e, Error::Gzip { .. }), "{e}");
    }

    #[test]
    fn gzip_bomb_stops_at_the_cap() {
        let zeros = vec![0u8; 8 << 20];
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        std::io::Write::write_all(&mut gz, &zeros).expect("write");
        let gz = gz.finish().expect("finish");
        let limits = Limits {
            max_input: 1 << 30,
            max_decoded: 1 << 20,
        };
        let e = decode_with(&gz, limits, &mut |_, _, _| {}).unwrap_err();
        assert_eq!(e, Error::DecompressedTooLarge { limit: 1 << 20 });
    }
}
