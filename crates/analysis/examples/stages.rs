//! Prints how long each stage (decode, tree, top) takes on one profile:
//! `cargo run --release -p heaplens-analysis --example stages -- FILE`.

use std::time::Instant;

use heaplens_analysis::{top, CallTree, Granularity, TopOptions};
use heaplens_profile::decode;

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: stages FILE");
        std::process::exit(2);
    };
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(2);
        }
    };
    let t = Instant::now();
    let p = match decode(&bytes) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(2);
        }
    };
    println!(
        "decode   {:>8.1} ms  ({} samples)",
        t.elapsed().as_secs_f64() * 1e3,
        p.num_samples()
    );
    let t = Instant::now();
    let tree = CallTree::build(&p, Granularity::Functions);
    println!(
        "tree     {:>8.1} ms  ({} nodes)",
        t.elapsed().as_secs_f64() * 1e3,
        tree.len()
    );
    let ty = p.default_sample_type();
    let t = Instant::now();
    let totals = tree.column(&p, ty);
    println!("totals   {:>8.1} ms", t.elapsed().as_secs_f64() * 1e3);
    drop(totals);
    let t = Instant::now();
    let r = top(&p, &tree, &TopOptions::new(ty));
    println!(
        "top      {:>8.1} ms  ({} rows)",
        t.elapsed().as_secs_f64() * 1e3,
        r.rows.len()
    );
    let t = Instant::now();
    let total = p.total(ty);
    println!(
        "total    {:>8.1} ms  ({total})",
        t.elapsed().as_secs_f64() * 1e3
    );
    let t = Instant::now();
    let g = heaplens_analysis::graph::graph(&p, ty, &Default::default());
    println!(
        "graph    {:>8.1} ms  ({} nodes, {} edges)",
        t.elapsed().as_secs_f64() * 1e3,
        g.nodes.len(),
        g.edges.len()
    );
    let t = Instant::now();
    let col = tree.column(&p, ty);
    let n = tree.keys.names.len();
    let (mut flat, mut cum) = (vec![0i64; n], vec![0i64; n]);
    heaplens_analysis::top::key_values(&tree, &col, &mut flat, &mut cum);
    let known = heaplens_analysis::graph::Known {
        flat: &flat,
        cum: &cum,
    };
    let g =
        heaplens_analysis::graph::graph_with(&p, ty, &Default::default(), &tree.keys, Some(known));
    println!(
        "graph from the tree {:>8.1} ms  ({} nodes)",
        t.elapsed().as_secs_f64() * 1e3,
        g.nodes.len()
    );
}
