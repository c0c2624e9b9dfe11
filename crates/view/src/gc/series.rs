//! A log's GCs in a few bytes each, for share links (the parsed series,
//! never the raw log): per GC, varints of the number and the start time
//! (ms) as deltas, the CPU percent, the three clock phases and the five
//! CPU parts in µs, the four heap figures in MiB, stacks and globals
//! (MiB + 1, 0 for absent), the P count and the forced flag. The runtime
//! prints times in ms with at most three decimals and heap figures in MiB,
//! so nothing of what it printed is lost.

use heaplens_text::gctrace::Gc;

/// Version byte first, so a later layout can be told apart.
const VERSION: u8 = 1;

/// The most GCs a link may hold (about 2 MB of link text).
pub const MAX_GCS: usize = 60_000;

/// The bytes of `gcs`.
pub fn encode(gcs: &[Gc]) -> Vec<u8> {
    let mut out = vec![VERSION];
    put(&mut out, gcs.len() as u64);
    let (mut num, mut at) = (0u64, 0u64);
    for g in gcs {
        let at_ms = (g.at_s * 1000.0).round() as u64;
        put(&mut out, g.num.wrapping_sub(num));
        put(&mut out, at_ms.wrapping_sub(at));
        (num, at) = (g.num, at_ms);
        put(&mut out, g.cpu_percent.round() as u64);
        for v in g.clock_ms.iter().chain(&g.cpu_ms) {
            put(&mut out, (v * 1000.0).round() as u64);
        }
        for v in [g.heap_start, g.heap_end, g.heap_live, g.goal] {
            put(&mut out, v >> 20);
        }
        for v in [g.stacks, g.globals] {
            put(&mut out, v.map_or(0, |b| (b >> 20) + 1));
        }
        put(&mut out, u64::from(g.procs) << 1 | u64::from(g.forced));
    }
    out
}

/// The GCs of [`encode`]'s bytes.
pub fn decode(bytes: &[u8]) -> Result<Vec<Gc>, String> {
    let bad = || "the link's GC series is damaged".to_string();
    let mut r = Reader { bytes, at: 0 };
    if r.byte().ok_or_else(bad)? != VERSION {
        return Err("the link's GC series is of a newer heaplens".into());
    }
    let n = r.get().ok_or_else(bad)? as usize;
    if n > MAX_GCS || n > bytes.len() {
        return Err(bad());
    }
    let mut out = Vec::with_capacity(n);
    let (mut num, mut at) = (0u64, 0u64);
    for _ in 0..n {
        let mut v = [0u64; 18];
        for x in &mut v {
            *x = r.get().ok_or_else(bad)?;
        }
        num = num.wrapping_add(v[0]);
        at = at.wrapping_add(v[1]);
        let us = |x: u64| x as f64 / 1000.0;
        let opt = |x: u64| x.checked_sub(1).map(|m| m.saturating_mul(1 << 20));
        out.push(Gc {
            num,
            at_s: at as f64 / 1000.0,
            cpu_percent: v[2] as f64,
            clock_ms: [us(v[3]), us(v[4]), us(v[5])],
            cpu_ms: [us(v[6]), us(v[7]), us(v[8]), us(v[9]), us(v[10])],
            heap_start: v[11].saturating_mul(1 << 20),
            heap_end: v[12].saturating_mul(1 << 20),
            heap_live: v[13].saturating_mul(1 << 20),
            goal: v[14].saturating_mul(1 << 20),
            stacks: opt(v[15]),
            globals: opt(v[16]),
            procs: u32::try_from(v[17] >> 1).map_err(|_| bad())?,
            forced: v[17] & 1 == 1,
        });
    }
    if r.at != bytes.len() {
        return Err(bad());
    }
    Ok(out)
}

fn put(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn byte(&mut self) -> Option<u8> {
        let b = *self.bytes.get(self.at)?;
        self.at += 1;
        Some(b)
    }

    fn get(&mut self) -> Option<u64> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Some(v);
            }
        }
        None
    }
}
