//! Prints how long each stage (decode, tree, top) takes on one profile:
//! `cargo run --release -p heaplens-analysis --example stages -- FILE`.

use std::time::Instant;

use heaplens_analysis::pruned::{grow, ShapedStacks, Widths};
use heaplens_analysis::shape::{GraphView, Recursion, Shape};
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
    let widest = (1..tree.len() as u32)
        .filter(|&n| tree.parent[n as usize] != heaplens_analysis::tree::ROOT)
        .max_by_key(|&n| col.totals[n as usize])
        .map(|n| tree.name(n).to_string())
        .unwrap_or_default();
    for (label, view) in [
        ("bottom-up", GraphView::BottomUp),
        ("callers", GraphView::Callers(widest.clone())),
        ("callees", GraphView::Callees(widest.clone())),
    ] {
        shaped(&p, &tree, label, view, Recursion::Keep);
    }
    shaped(&p, &tree, "direct", GraphView::TopDown, Recursion::Direct);
    shaped(&p, &tree, "all", GraphView::TopDown, Recursion::All);
}

/// Times one shaped tree: whole, and grown as far as a 1200-pixel flame
/// graph shows it.
fn shaped(
    p: &heaplens_profile::model::Profile,
    plain: &CallTree,
    label: &str,
    view: GraphView,
    recursion: Recursion,
) {
    let shape = Shape { view, recursion };
    let t = Instant::now();
    let s = CallTree::build_shaped(p, Granularity::Functions, &shape);
    println!(
        "shaped {label:<10} {:>8.1} ms  ({} nodes)",
        t.elapsed().as_secs_f64() * 1e3,
        s.len()
    );
    drop(s);
    let ty = p.default_sample_type();
    let t = Instant::now();
    let mut stacks = ShapedStacks::new(plain, &shape);
    let stacks_ms = t.elapsed().as_secs_f64() * 1e3;
    let t = Instant::now();
    let v = stacks.values(plain, p, ty, 0..p.num_samples(), false);
    let values_ms = t.elapsed().as_secs_f64() * 1e3;
    stacks.set_widths(Widths::Abs(&v));
    // The best of five: one run is noisy on a shared machine.
    let timed = || {
        let t = Instant::now();
        let g = grow(plain, &stacks, &[], 0.5 / 1200.0);
        (g, t.elapsed().as_secs_f64() * 1e3)
    };
    let (g, mut grow_ms) = timed();
    for _ in 1..5 {
        grow_ms = grow_ms.min(timed().1);
    }
    let t = Instant::now();
    let col = g.column(p, ty);
    println!(
        "  grown: stacks {stacks_ms:.1} ms ({} stacks), values {values_ms:.1} ms, grow {grow_ms:.1} ms ({} nodes), column {:.1} ms ({})",
        stacks.len(),
        g.len(),
        t.elapsed().as_secs_f64() * 1e3,
        col.totals[0]
    );
}
