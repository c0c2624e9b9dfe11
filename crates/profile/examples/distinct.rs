//! Writes a Go-shaped allocation profile whose every sample allocates in a
//! function of its own, for the scaling benchmark (`scripts/bench-scale`):
//! a profile with as many distinct functions as samples, which no Go
//! program can make.
//!
//! `cargo run --release -p heaplens-profile --example distinct -- N OUT`
//!
//! Sample i's stack, root first: `main.main` → `app.handler{i % 1000}` →
//! `app.alloc{i}`, each frame a location of its own function in
//! `app/handlers.go`; values: alloc_objects, alloc_space, inuse_objects,
//! inuse_space (bytes), as `go test -memprofile` writes them. OUT is
//! gzipped. Exit status 2 on a bad command line or a file not written.

use std::io::Write;
use std::process::exit;

use heaplens_profile::proto;
use prost::Message;

/// Handlers under `main.main` (the middle level of every stack).
const HANDLERS: u64 = 1000;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(n), Some(out)) = (
        args.first().and_then(|a| a.parse::<u64>().ok()),
        args.get(1),
    ) else {
        eprintln!("usage: distinct N OUT (N samples, each in a function of its own; OUT gzipped)");
        exit(2);
    };
    let bytes = profile(n).encode_to_vec();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let written = gz.write_all(&bytes).and_then(|()| gz.finish());
    if let Err(e) = written.and_then(|z| std::fs::write(out, z)) {
        eprintln!("distinct: {out}: {e}");
        exit(2);
    }
}

/// The profile of `n` samples.
fn profile(n: u64) -> proto::Profile {
    let mut strings: Vec<Vec<u8>> = vec![Vec::new()];
    let mut string = |s: String| {
        strings.push(s.into_bytes());
        strings.len() as i64 - 1
    };
    let file = string("app/handlers.go".to_string());
    let value_types: Vec<proto::ValueType> = [
        ("alloc_objects", "count"),
        ("alloc_space", "bytes"),
        ("inuse_objects", "count"),
        ("inuse_space", "bytes"),
    ]
    .into_iter()
    .map(|(t, u)| proto::ValueType {
        r#type: string(t.to_string()),
        unit: string(u.to_string()),
    })
    .collect();
    // Function and location ids are equal: 1 main.main, 2.. the handlers,
    // then the allocating functions.
    let mut functions = Vec::new();
    let mut locations = Vec::new();
    let mut add = |name: String, line: i64| {
        let id = functions.len() as u64 + 1;
        functions.push(proto::Function {
            id,
            name: string(name),
            system_name: 0,
            filename: file,
            start_line: line,
        });
        locations.push(proto::Location {
            id,
            address: 0x40_0000 + id * 16,
            line: vec![proto::Line {
                function_id: id,
                line: line + 1,
                column: 0,
            }],
            ..Default::default()
        });
        id
    };
    let main = add("main.main".to_string(), 10);
    let handlers: Vec<u64> = (0..HANDLERS.min(n.max(1)))
        .map(|h| add(format!("app.handler{h}"), 20 + h as i64))
        .collect();
    let samples = (0..n)
        .map(|i| {
            let leaf = add(format!("app.alloc{i}"), 5000 + i as i64);
            let size = 16 * (1 + (i % 64) as i64);
            let count = 1 + (i % 7) as i64;
            let live = i64::from(i % 16 == 0);
            proto::Sample {
                location_id: vec![leaf, handlers[(i % HANDLERS) as usize], main],
                value: vec![count, count * size, live, live * size],
                label: Vec::new(),
            }
        })
        .collect();
    let period_type = value_types[1];
    proto::Profile {
        sample_type: value_types,
        sample: samples,
        location: locations,
        function: functions,
        string_table: strings,
        period_type: Some(period_type),
        period: 524_288,
        ..Default::default()
    }
}
