//! Floor probes: each product stage (inflate, decode, function tree, top)
//! timed beside the cheapest pass over the same data that any version of the
//! stage has to make, so the print shows how far a stage is from its floor:
//! `cargo run --release -p heaplens-analysis --example floors -- FILE [RUNS] [--markdown]`.
//!
//! FILE is a pprof protobuf profile, gzipped or not; every figure is the
//! best of RUNS runs (default 3). The floors:
//! - `gunzip`: the product's inflater (flate2 with zlib-rs) alone, straight
//!   into one buffer made once and reused, with no cap or ratio checks;
//! - `protobuf-walk`: one pass over the inflated bytes reading every field
//!   key of the Profile message and of each Sample message, and every varint
//!   of the samples' location ids and values, allocating nothing (the other
//!   messages are skipped by their length);
//! - `stack-hash`: one pass over the decoded samples' location ids, one hash
//!   per stack.
//!
//! The default output is tab-separated: `#` comment lines, a header line,
//! then one line per stage: `stage  ms  floor  floor_ms  ratio` (ratio is
//! ms / floor_ms). `--markdown` prints a line about the file and a Markdown
//! table instead (what `scripts/bench` shows).
//!
//! Exit status: 0; 1 when the walk's counts differ from the decoded
//! profile's (the walk would then not be a floor of the decoder's work); 2
//! for a bad command line or a file that cannot be read or decoded.

use std::hint::black_box;
use std::io::Read;
use std::process::exit;
use std::time::Instant;

use heaplens_analysis::{top, CallTree, Granularity, TopOptions};
use heaplens_profile::decode;
use heaplens_profile::decode::gzip::gunzip;
use heaplens_profile::decode::{decode_inflated, is_gzip, Limits};
use heaplens_profile::model::{Profile, StackLocs};

/// The command line.
struct Args {
    path: String,
    runs: usize,
    markdown: bool,
}

/// One product stage beside its floor.
struct Row {
    stage: &'static str,
    ms: f64,
    floor: &'static str,
    floor_ms: f64,
}

/// What the print says about the file besides the rows.
struct About {
    input_bytes: usize,
    inflated_bytes: usize,
    gzipped: bool,
    /// The gunzip floor, ms (0 when not gzipped).
    gunzip_ms: f64,
    walk: walk::Counts,
    nodes: usize,
    top_rows: usize,
}

fn main() {
    let args = parse_args();
    let bytes = std::fs::read(&args.path).unwrap_or_else(|e| fail(&args.path, &e.to_string()));
    let (rows, about) = measure(&args, &bytes);
    if args.markdown {
        print_markdown(&args, &about, &rows);
    } else {
        print_tsv(&args, &about, &rows);
    }
}

/// Reads FILE, RUNS and `--markdown`; exits 2 with the usage otherwise.
fn parse_args() -> Args {
    const USAGE: &str = "usage: floors FILE [RUNS] [--markdown]";
    let mut path = None;
    let mut runs = None;
    let mut markdown = false;
    for a in std::env::args().skip(1) {
        if a == "--markdown" {
            markdown = true;
        } else if path.is_none() {
            path = Some(a);
        } else if runs.is_none() {
            match a.parse::<usize>() {
                Ok(n) if n > 0 => runs = Some(n),
                _ => fail(
                    "floors",
                    &format!("RUNS must be a positive number, not {a:?}; {USAGE}"),
                ),
            }
        } else {
            fail("floors", USAGE);
        }
    }
    let Some(path) = path else {
        fail("floors", USAGE);
    };
    Args {
        path,
        runs: runs.unwrap_or(3),
        markdown,
    }
}

/// One line on stderr, exit status 2.
fn fail(what: &str, detail: &str) -> ! {
    eprintln!("{what}: {detail}");
    exit(2);
}

/// Runs `f` `runs` times (at least once): the best time in milliseconds
/// and the last run's result. The previous result is dropped before each
/// run, outside the clock, so only one is alive at a time.
fn best<T>(runs: usize, mut f: impl FnMut() -> T) -> (f64, T) {
    let t = Instant::now();
    let mut v = black_box(f());
    let mut ms = t.elapsed().as_secs_f64() * 1e3;
    for _ in 1..runs {
        drop(v);
        let t = Instant::now();
        v = black_box(f());
        ms = ms.min(t.elapsed().as_secs_f64() * 1e3);
    }
    (ms, v)
}

/// Times every stage and floor on `bytes` (the file as read).
fn measure(args: &Args, bytes: &[u8]) -> (Vec<Row>, About) {
    let (path, runs) = (args.path.as_str(), args.runs);
    let mut rows = Vec::new();
    let gzipped = is_gzip(bytes);
    let mut gunzip_ms = 0.0;
    let inflated_owned = if gzipped {
        let (ms, r) = best(runs, || {
            gunzip(bytes, Limits::default().max_decoded, &mut |_, _, _| {})
        });
        let inflated = r.unwrap_or_else(|e| fail(path, &e.to_string()));
        gunzip_ms = floor_gunzip(path, runs, bytes, &inflated);
        rows.push(Row {
            stage: "inflate",
            ms,
            floor: "gunzip",
            floor_ms: gunzip_ms,
        });
        Some(inflated)
    } else {
        None
    };
    let data = inflated_owned.as_deref().unwrap_or(bytes);

    let (decode_ms, p) = best(runs, || {
        decode_inflated(data, Limits::default(), &mut |_, _, _| {})
    });
    let p = p.unwrap_or_else(|e| fail(path, &e.to_string()));
    let (walk_ms, counts) = best(runs, || walk::profile(data));
    let counts = counts.unwrap_or_else(|e| {
        let why = "floors are for protobuf profiles";
        fail(
            path,
            &format!("decodes, but the protobuf walk stops: {e} ({why})"),
        )
    });
    check_counts(path, &counts, &p);
    rows.push(Row {
        stage: "decode",
        ms: decode_ms,
        floor: "protobuf-walk",
        floor_ms: walk_ms,
    });
    if gzipped {
        // The whole of `decode` on the file as read: inflating, then decoding
        // (its profile dropped outside the clock, as the others are).
        let (ms, r) = best(runs, || decode(bytes));
        if let Err(e) = r {
            fail(path, &e.to_string());
        }
        rows.push(Row {
            stage: "decode-gzip",
            ms,
            floor: "gunzip+walk",
            floor_ms: gunzip_ms + walk_ms,
        });
    }

    let (nodes, top_rows) = measure_analysis(runs, &p, &mut rows);
    let about = About {
        input_bytes: bytes.len(),
        inflated_bytes: data.len(),
        gzipped,
        gunzip_ms,
        walk: counts,
        nodes,
        top_rows,
    };
    (rows, about)
}

/// The floor of inflating: the same inflater into a buffer made once (one
/// byte longer than the product's result, so inflating more shows), best of
/// `runs` in ms. Exits 2 when it does not give the product's bytes.
fn floor_gunzip(path: &str, runs: usize, gz: &[u8], inflated: &[u8]) -> f64 {
    let mut buf = vec![0u8; inflated.len() + 1];
    let (ms, n) = best(runs, || gunzip_into(gz, &mut buf));
    let n = n.unwrap_or_else(|e| fail(path, &format!("gunzip: {e}")));
    if buf.get(..n) != Some(inflated) {
        fail(
            path,
            "the inflater alone gives other bytes than the product's inflating",
        );
    }
    ms
}

/// Inflates gzip `gz` (every member) into `out`; the number of bytes
/// written, which is `out.len()` when `out` was too short.
fn gunzip_into(gz: &[u8], out: &mut [u8]) -> std::io::Result<usize> {
    let mut dec = flate2::bufread::MultiGzDecoder::new(gz);
    let mut filled = 0;
    while let Some(rest) = out.get_mut(filled..).filter(|r| !r.is_empty()) {
        let n = dec.read(rest)?;
        if n == 0 {
            break;
        }
        filled += n;
    }
    Ok(filled)
}

/// Holds the walk's counts equal to the decoded profile's; exits 1 if not.
/// Frames dropped by the profile's `drop_frames` leave fewer location ids
/// in the decoded stacks than the file holds: then the walk's count is only
/// required to be the larger.
fn check_counts(path: &str, c: &walk::Counts, p: &Profile) {
    let locs = p.stack_locs.len() as u64;
    let locs_ok = if p.drop_frames.is_empty() {
        c.location_ids == locs
    } else {
        c.location_ids >= locs
    };
    if c.samples != p.num_samples() as u64 || !locs_ok || c.values != p.values.len() as u64 {
        eprintln!(
            "{path}: the walk found {} samples, {} location ids and {} values; the decoded profile has {}, {} and {}",
            c.samples,
            c.location_ids,
            c.values,
            p.num_samples(),
            locs,
            p.values.len()
        );
        exit(1);
    }
}

/// The function tree and top, each beside the stack hash. Returns the
/// tree's node count and top's row count.
fn measure_analysis(runs: usize, p: &Profile, rows: &mut Vec<Row>) -> (usize, usize) {
    let (hash_ms, h) = best(runs, || stack_hash(p));
    black_box(h);
    // The tree reads every sample's stack, root to leaf, and steps one node
    // per function of each location: one pass over every location id of
    // every stack is the least it can do.
    let (tree_ms, tree) = best(runs, || CallTree::build(p, Granularity::Functions));
    rows.push(Row {
        stage: "tree",
        ms: tree_ms,
        floor: "stack-hash",
        floor_ms: hash_ms,
    });
    // Top does not read the stacks again: it sums each sample's value into
    // its leaf node, the nodes into their parents and keys, then sorts the
    // keys. That is less per sample than the stack hash, but the tree has
    // up to one node per location id of the stacks, so the stack hash (one
    // pass over the same ids) is the scale top is held to: a ratio above 1
    // means top costs more than reading every stack once.
    let ty = p.default_sample_type();
    let (top_ms, t) = best(runs, || top(p, &tree, &TopOptions::new(ty)));
    rows.push(Row {
        stage: "top",
        ms: top_ms,
        floor: "stack-hash",
        floor_ms: hash_ms,
    });
    (tree.len(), t.rows.len())
}

/// One hash per sample's stack (location indices, leaf first), summed.
fn stack_hash(p: &Profile) -> u64 {
    match &p.stack_locs {
        StackLocs::Narrow(v) => hash_stacks(&p.stack_offsets, v),
        StackLocs::Wide(v) => hash_stacks(&p.stack_offsets, v),
    }
}

/// The stacks `locs[offsets[i]..offsets[i + 1]]`, each hashed with a
/// multiply-rotate step per id (as FxHash does), the hashes summed.
fn hash_stacks<T: Copy + Into<u64>>(offsets: &[u32], locs: &[T]) -> u64 {
    const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;
    let mut sum = 0u64;
    for w in offsets.windows(2) {
        let Some(stack) = locs.get(w[0] as usize..w[1] as usize) else {
            continue;
        };
        let mut h = 0u64;
        for &l in stack {
            h = (h.rotate_left(5) ^ l.into()).wrapping_mul(K);
        }
        sum = sum.wrapping_add(h);
    }
    sum
}

/// The tab-separated print: comments, a header, one line per stage.
fn print_tsv(args: &Args, a: &About, rows: &[Row]) {
    println!("# floors: {}, best of {}", args.path, args.runs);
    println!("# {}", sizes(a));
    println!(
        "# walk: {} samples, {} location ids, {} values (as decoded); tree: {} nodes; top: {} rows",
        a.walk.samples, a.walk.location_ids, a.walk.values, a.nodes, a.top_rows
    );
    println!("stage\tms\tfloor\tfloor_ms\tratio");
    for r in rows {
        println!(
            "{}\t{:.3}\t{}\t{:.3}\t{:.2}",
            r.stage,
            r.ms,
            r.floor,
            r.floor_ms,
            ratio(r)
        );
    }
}

/// The Markdown print: a line about the file, then the table.
fn print_markdown(args: &Args, a: &About, rows: &[Row]) {
    let name = std::path::Path::new(&args.path)
        .file_name()
        .map_or(args.path.clone(), |n| n.to_string_lossy().into_owned());
    println!(
        "`{name}`: {} samples, {} location ids; {}; best of {}",
        a.walk.samples,
        a.walk.location_ids,
        sizes(a),
        args.runs
    );
    println!();
    println!("| stage | ms | floor | floor ms | stage / floor |");
    println!("|---|---:|---|---:|---:|");
    for r in rows {
        println!(
            "| {} | {:.1} | {} | {:.1} | {:.1}× |",
            r.stage,
            r.ms,
            r.floor,
            r.floor_ms,
            ratio(r)
        );
    }
}

/// The input's sizes and, when gzipped, the gunzip floor's rate.
fn sizes(a: &About) -> String {
    let mb = |n: usize| n as f64 / 1e6;
    if !a.gzipped {
        return format!("{:.1} MB, not gzipped", mb(a.input_bytes));
    }
    let rate = if a.gunzip_ms > 0.0 {
        format!("{:.0} MB/s", mb(a.inflated_bytes) / (a.gunzip_ms / 1e3))
    } else {
        "-".to_string()
    };
    format!(
        "{:.1} MB gzip, {:.1} MB inflated; gunzip alone {rate} of inflated output",
        mb(a.input_bytes),
        mb(a.inflated_bytes)
    )
}

fn ratio(r: &Row) -> f64 {
    if r.floor_ms > 0.0 {
        r.ms / r.floor_ms
    } else {
        f64::INFINITY
    }
}

/// A minimal protobuf reader for the walk floor: a cursor over varints and
/// length-delimited fields that allocates nothing.
mod walk {
    use std::fmt;

    /// What one walk over a profile found.
    #[derive(Debug, Default, Clone, Copy)]
    pub struct Counts {
        pub samples: u64,
        pub location_ids: u64,
        pub values: u64,
        /// Every id and value read, summed, so no read is dead code.
        pub checksum: u64,
    }

    /// Where and why the walk stopped.
    #[derive(Debug)]
    pub struct Bad {
        at: usize,
        what: &'static str,
    }

    impl fmt::Display for Bad {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "{} at byte {}", self.what, self.at)
        }
    }

    struct Cursor<'a> {
        buf: &'a [u8],
        pos: usize,
        /// Offset of `buf` in the whole input.
        base: usize,
    }

    impl<'a> Cursor<'a> {
        fn bad(&self, what: &'static str) -> Bad {
            Bad {
                at: self.base + self.pos,
                what,
            }
        }

        #[inline(always)]
        fn varint(&mut self) -> Result<u64, Bad> {
            let mut v = 0u64;
            let mut shift = 0u32;
            while let Some(&b) = self.buf.get(self.pos) {
                self.pos += 1;
                v |= u64::from(b & 0x7f) << shift;
                if b < 0x80 {
                    return Ok(v);
                }
                shift += 7;
                if shift > 63 {
                    return Err(self.bad("varint too long"));
                }
            }
            Err(self.bad("truncated varint"))
        }

        /// A field key: (field number, wire type).
        #[inline(always)]
        fn key(&mut self) -> Result<(u64, u8), Bad> {
            let k = self.varint()?;
            if k >> 3 == 0 {
                return Err(self.bad("field number 0"));
            }
            Ok((k >> 3, (k & 7) as u8))
        }

        /// A length-delimited field's body, as a cursor of its own.
        #[inline(always)]
        fn nested(&mut self) -> Result<Cursor<'a>, Bad> {
            let len = self.varint()?;
            let start = self.pos;
            let body = usize::try_from(len)
                .ok()
                .and_then(|n| self.buf.get(start..start.checked_add(n)?));
            let Some(buf) = body else {
                return Err(self.bad("length runs past the end"));
            };
            self.pos += buf.len();
            Ok(Cursor {
                buf,
                pos: 0,
                base: self.base + start,
            })
        }

        fn skip(&mut self, wire_type: u8) -> Result<(), Bad> {
            let n = match wire_type {
                0 => return self.varint().map(drop),
                2 => return self.nested().map(drop),
                1 => 8,
                5 => 4,
                _ => return Err(self.bad("unsupported wire type")),
            };
            if self.buf.len() - self.pos < n {
                return Err(self.bad("truncated fixed-size field"));
            }
            self.pos += n;
            Ok(())
        }

        fn done(&self) -> bool {
            self.pos >= self.buf.len()
        }
    }

    /// Walks the Profile message in `data`: every top-level field, and
    /// every field of each Sample (field 2).
    pub fn profile(data: &[u8]) -> Result<Counts, Bad> {
        let mut c = Cursor {
            buf: data,
            pos: 0,
            base: 0,
        };
        let mut n = Counts::default();
        while !c.done() {
            match c.key()? {
                (2, 2) => {
                    sample(c.nested()?, &mut n)?;
                    n.samples += 1;
                }
                (_, wt) => c.skip(wt)?,
            }
        }
        Ok(n)
    }

    /// One Sample: location ids (1) and values (2), packed or not, are read
    /// varint by varint; labels (3) and anything else are skipped.
    fn sample(mut c: Cursor<'_>, n: &mut Counts) -> Result<(), Bad> {
        while !c.done() {
            match c.key()? {
                (1, 0) => {
                    n.checksum = n.checksum.wrapping_add(c.varint()?);
                    n.location_ids += 1;
                }
                (1, 2) => n.location_ids += packed(c.nested()?, &mut n.checksum)?,
                (2, 0) => {
                    n.checksum = n.checksum.wrapping_add(c.varint()?);
                    n.values += 1;
                }
                (2, 2) => n.values += packed(c.nested()?, &mut n.checksum)?,
                (_, wt) => c.skip(wt)?,
            }
        }
        Ok(())
    }

    /// A packed run of varints: how many, their sum added to `sum`.
    #[inline(always)]
    fn packed(mut c: Cursor<'_>, sum: &mut u64) -> Result<u64, Bad> {
        let mut count = 0;
        while !c.done() {
            *sum = sum.wrapping_add(c.varint()?);
            count += 1;
        }
        Ok(count)
    }
}
