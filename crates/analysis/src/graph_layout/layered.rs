//! Step 3 of the graph layout: the layered graph. Every edge becomes a
//! chain of segments between adjacent layers, with a dummy vertex in each
//! layer a long edge crosses; each layer gets a first order.

/// A segment of an edge's chain, between adjacent layers.
#[derive(Debug, Clone, Copy)]
pub struct Seg {
    /// The vertex above and the vertex below.
    pub upper: usize,
    pub lower: usize,
    /// The edge's weight, scaled to 1..2.
    pub weight: f64,
}

/// What [`Layered::build`] needs.
pub struct Input<'a> {
    /// Each node's box width and the room kept free on its right (for a
    /// self loop).
    pub widths: &'a [f64],
    pub extra: &'a [f64],
    /// Each node's layer (see `rank::layers`).
    pub layer: &'a [usize],
    /// The graph's edges, which of them are laid out upside down, and their
    /// weights.
    pub edges: &'a [(usize, usize)],
    pub reversed: &'a [bool],
    pub weights: &'a [f64],
    /// A dummy vertex's width.
    pub dummy_width: f64,
}

/// The layered graph: vertices `0..real` are the nodes, the others dummies.
#[derive(Debug, Clone)]
pub struct Layered {
    /// How many vertices are nodes.
    pub real: usize,
    /// Each vertex's layer, width and room kept on its right.
    pub layer: Vec<usize>,
    pub width: Vec<f64>,
    pub extra: Vec<f64>,
    pub segs: Vec<Seg>,
    /// Each vertex's segments going up and going down.
    pub up: Vec<Vec<usize>>,
    pub down: Vec<Vec<usize>>,
    /// Each edge's segments from top to bottom (empty for a self edge or
    /// an edge naming a missing node).
    pub chains: Vec<Vec<usize>>,
    /// Each layer's vertices, left to right.
    pub layers: Vec<Vec<usize>>,
}

impl Layered {
    /// Splits the edges into chains and orders each layer by a depth-first
    /// walk down from the nodes, in index order.
    pub fn build(input: &Input) -> Layered {
        let n = input.widths.len();
        let mut g = Layered {
            real: n,
            layer: input.layer.to_vec(),
            width: input.widths.to_vec(),
            extra: input.extra.to_vec(),
            segs: Vec::new(),
            up: vec![Vec::new(); n],
            down: vec![Vec::new(); n],
            chains: Vec::with_capacity(input.edges.len()),
            layers: Vec::new(),
        };
        let weight = |e: usize| {
            let w = input.weights.get(e).copied().unwrap_or(1.0).abs();
            if w.is_finite() {
                w
            } else {
                1.0
            }
        };
        let max_w = (0..input.edges.len()).map(weight).fold(0.0f64, f64::max);
        for (e, &(s, d)) in input.edges.iter().enumerate() {
            if s >= n || d >= n || s == d {
                g.chains.push(Vec::new());
                continue;
            }
            let (top, bottom) = if input.reversed.get(e).copied().unwrap_or(false) {
                (d, s)
            } else {
                (s, d)
            };
            let w = if max_w > 0.0 {
                1.0 + weight(e) / max_w
            } else {
                1.0
            };
            let chain = g.chain(top, bottom, w, input.dummy_width);
            g.chains.push(chain);
        }
        g.first_order();
        g
    }

    /// Adds the segments (and dummies) from `top` down to `bottom`.
    fn chain(&mut self, top: usize, bottom: usize, weight: f64, dummy_width: f64) -> Vec<usize> {
        let mut chain = Vec::new();
        let mut upper = top;
        for l in self.layer[top] + 1..self.layer[bottom] {
            let v = self.layer.len();
            self.layer.push(l);
            self.width.push(dummy_width);
            self.extra.push(0.0);
            self.up.push(Vec::new());
            self.down.push(Vec::new());
            chain.push(self.segment(upper, v, weight));
            upper = v;
        }
        chain.push(self.segment(upper, bottom, weight));
        chain
    }

    fn segment(&mut self, upper: usize, lower: usize, weight: f64) -> usize {
        let s = self.segs.len();
        self.segs.push(Seg {
            upper,
            lower,
            weight,
        });
        self.down[upper].push(s);
        self.up[lower].push(s);
        s
    }

    /// Whether vertex `v` is a dummy.
    pub fn is_dummy(&self, v: usize) -> bool {
        v >= self.real
    }

    /// Each layer in the order a depth-first walk down the segments meets
    /// its vertices, starting from the nodes without segments above, then
    /// from any node, in index order: a call tree comes out uncrossed.
    fn first_order(&mut self) {
        let count = self.layer.iter().copied().max().map_or(0, |m| m + 1);
        self.layers = vec![Vec::new(); count];
        let mut seen = vec![false; self.layer.len()];
        let roots: Vec<usize> = (0..self.real)
            .filter(|&v| self.up[v].is_empty())
            .chain(0..self.layer.len())
            .collect();
        let mut stack: Vec<(usize, usize)> = Vec::new();
        for root in roots {
            if seen[root] {
                continue;
            }
            seen[root] = true;
            self.layers[self.layer[root]].push(root);
            stack.push((root, 0));
            while let Some(top) = stack.last_mut() {
                let (v, k) = *top;
                let Some(&s) = self.down[v].get(k) else {
                    stack.pop();
                    continue;
                };
                top.1 += 1;
                let w = self.segs[s].lower;
                if !seen[w] {
                    seen[w] = true;
                    self.layers[self.layer[w]].push(w);
                    stack.push((w, 0));
                }
            }
        }
    }
}
