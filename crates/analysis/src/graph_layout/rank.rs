//! Steps 1 and 2 of the graph layout: which edges to lay out upside down
//! so the graph is acyclic, and each node's layer.

/// The edges leaving each node, as indices into `edges`, in input
/// order (self edges and edges naming a missing node left out).
fn out_lists(n: usize, edges: &[(usize, usize)]) -> Vec<Vec<usize>> {
    let mut out = vec![Vec::new(); n];
    for (e, &(s, d)) in edges.iter().enumerate() {
        if s < n && d < n && s != d {
            out[s].push(e);
        }
    }
    out
}

/// For each edge, whether it closes a cycle in a depth-first search that
/// starts from the nodes without callers, then from any node not reached
/// yet, in index order, and follows edges in input order. Reversing those
/// edges leaves an acyclic graph. Self edges are never marked.
pub fn back_edges(n: usize, edges: &[(usize, usize)]) -> Vec<bool> {
    let out = out_lists(n, edges);
    let mut has_caller = vec![false; n];
    for list in &out {
        for &e in list {
            has_caller[edges[e].1] = true;
        }
    }
    // 0: not seen, 1: on the search path, 2: done.
    let mut state = vec![0u8; n];
    let mut back = vec![false; edges.len()];
    let roots = (0..n).filter(|&v| !has_caller[v]).chain(0..n);
    let mut stack: Vec<(usize, usize)> = Vec::new();
    for root in roots {
        if state[root] != 0 {
            continue;
        }
        state[root] = 1;
        stack.push((root, 0));
        while let Some(top) = stack.last_mut() {
            let (v, k) = *top;
            match out[v].get(k) {
                Some(&e) => {
                    top.1 += 1;
                    let d = edges[e].1;
                    match state[d] {
                        0 => {
                            state[d] = 1;
                            stack.push((d, 0));
                        }
                        1 => back[e] = true,
                        _ => {}
                    }
                }
                None => {
                    state[v] = 2;
                    stack.pop();
                }
            }
        }
    }
    back
}

/// Each node's layer for the acyclic `dag` (source, destination) edges:
/// the longest path from a source, then nodes with more edges below than
/// above moved down to just above their nearest successor (and the other
/// way round), a few passes. Every edge goes at least one layer down; the
/// top layer is 0.
pub fn layers(n: usize, dag: &[(usize, usize)]) -> Vec<usize> {
    let mut succ = vec![Vec::new(); n];
    let mut pred = vec![Vec::new(); n];
    for &(s, d) in dag {
        succ[s].push(d);
        pred[d].push(s);
    }
    let mut layer = longest_path(&succ, &pred);
    balance(&succ, &pred, &mut layer);
    let top = layer.iter().copied().min().unwrap_or(0);
    for l in &mut layer {
        *l -= top;
    }
    layer
}

/// Layers by longest path from the sources, in topological order (Kahn).
/// Nodes on a cycle (there are none in a graph from [`back_edges`]) stay
/// where their reached predecessors put them.
fn longest_path(succ: &[Vec<usize>], pred: &[Vec<usize>]) -> Vec<usize> {
    let n = succ.len();
    let mut waiting: Vec<usize> = pred.iter().map(Vec::len).collect();
    let mut queue: Vec<usize> = (0..n).filter(|&v| waiting[v] == 0).collect();
    let mut layer = vec![0usize; n];
    let mut head = 0;
    while let Some(&v) = queue.get(head) {
        head += 1;
        for &d in &succ[v] {
            layer[d] = layer[d].max(layer[v] + 1);
            waiting[d] -= 1;
            if waiting[d] == 0 {
                queue.push(d);
            }
        }
    }
    layer
}

/// Moves nodes to shorten the edges: the total length of a node's edges
/// falls as it moves toward the side with more edges, as far as its
/// nearest neighbour on that side allows. Each move shortens the total, so
/// the passes end; they are capped all the same.
fn balance(succ: &[Vec<usize>], pred: &[Vec<usize>], layer: &mut [usize]) {
    for _ in 0..8 {
        let mut moved = false;
        for v in 0..layer.len() {
            let (ins, outs) = (pred[v].len(), succ[v].len());
            if outs > ins {
                let below = succ[v].iter().map(|&d| layer[d]).min().unwrap_or(0);
                if below > layer[v] + 1 {
                    layer[v] = below - 1;
                    moved = true;
                }
            } else if ins > outs {
                let above = pred[v].iter().map(|&s| layer[s]).max().unwrap_or(0);
                if above + 1 < layer[v] {
                    layer[v] = above + 1;
                    moved = true;
                }
            }
        }
        if !moved {
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cycle_loses_its_closing_edge() {
        let edges = [(0, 1), (1, 2), (2, 0)];
        assert_eq!(back_edges(3, &edges), vec![false, false, true]);
    }

    #[test]
    fn a_caller_less_node_is_searched_first() {
        // 2 calls into the cycle 0 <-> 1 at 1: the search starts at 2 and
        // reaches 1, then 0, so 0 -> 1 closes the cycle.
        let edges = [(0, 1), (1, 0), (2, 1)];
        assert_eq!(back_edges(3, &edges), vec![true, false, false]);
    }

    #[test]
    fn long_edges_shrink() {
        // 0 -> 1 -> 2 -> 3 and 4 -> 3: 4 moves down next to 3.
        let dag = [(0, 1), (1, 2), (2, 3), (4, 3)];
        assert_eq!(layers(5, &dag), vec![0, 1, 2, 3, 2]);
    }
}
