//! Criterion benchmarks of decoding and the analyses on real and large profiles: decode,
//! call-tree building and the top table, reported as throughput (input
//! bytes per second for decode, samples per second for the rest).
//! Large generated profiles are used when `./scripts/bench` has made them
//! (bench-data/allocs-200k.pb.gz).

use std::path::PathBuf;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use heaplens_analysis::{top, CallTree, Granularity, TopOptions};
use heaplens_profile::decode;

fn inputs() -> Vec<(String, Vec<u8>)> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let candidates = [
        (
            "pyroscope-cpu-118k",
            root.join("../shared/corpus/pyroscope/profile.pprof"),
        ),
        (
            "pprof-large-cpu",
            root.join("../shared/corpus/pprof/large.cpu"),
        ),
        ("go-heap-12k", root.join("../shared/corpus/pyroscope/heap")),
        ("allocs-200k", root.join("bench-data/allocs-200k.pb.gz")),
    ];
    candidates
        .into_iter()
        .filter_map(|(name, path)| std::fs::read(&path).ok().map(|b| (name.to_string(), b)))
        .collect()
}

fn benches(c: &mut Criterion) {
    for (name, bytes) in inputs() {
        let Ok(p) = decode(&bytes) else { continue };
        let mut g = c.benchmark_group(name.as_str());
        g.sample_size(10);
        g.throughput(Throughput::Bytes(bytes.len() as u64));
        g.bench_function("decode", |b| {
            b.iter(|| decode(&bytes).map(|p| p.num_samples()))
        });
        g.throughput(Throughput::Elements(p.num_samples() as u64));
        g.bench_function("tree", |b| {
            b.iter(|| CallTree::build(&p, Granularity::Functions).len())
        });
        let tree = CallTree::build(&p, Granularity::Functions);
        let ty = p.default_sample_type();
        g.bench_function("top", |b| {
            b.iter(|| top(&p, &tree, &TopOptions::new(ty)).rows.len())
        });
        g.finish();
    }
}

criterion_group!(core, benches);
criterion_main!(core);
