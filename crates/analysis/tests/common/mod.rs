//! Shared helpers of the engine tests: small profiles from folded stacks or
//! built by hand as pprof protobuf (for negative values, several sample
//! types and inlined frames), and lookups by name in a tree or a table.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(dead_code)]

use std::path::PathBuf;

use heaplens_analysis::{CallTree, Top};
use heaplens_profile::{proto, Profile};
use prost::Message;

/// A profile with one sample type (`samples`/`count`) from folded stacks
/// (`root;caller;leaf value` per line; equal stacks are summed).
pub fn folded(text: &str) -> Profile {
    heaplens_profile::decode::text::parse_folded(text).expect("folded stacks parse")
}

/// A pprof profile built sample by sample, then encoded and decoded.
pub struct Builder {
    pub p: proto::Profile,
}

impl Builder {
    pub fn new(types: &[(&str, &str)]) -> Builder {
        let mut b = Builder {
            p: proto::Profile {
                string_table: vec![Vec::new()],
                ..Default::default()
            },
        };
        for (t, u) in types {
            let t = b.string(t);
            let u = b.string(u);
            b.p.sample_type
                .push(proto::ValueType { r#type: t, unit: u });
        }
        b
    }

    pub fn string(&mut self, v: &str) -> i64 {
        if let Some(i) = self.p.string_table.iter().position(|x| x == v.as_bytes()) {
            return i as i64;
        }
        self.p.string_table.push(v.as_bytes().to_vec());
        (self.p.string_table.len() - 1) as i64
    }

    fn function(&mut self, name: &str) -> u64 {
        let n = self.string(name);
        if let Some(f) = self.p.function.iter().find(|f| f.name == n) {
            return f.id;
        }
        let id = self.p.function.len() as u64 + 1;
        let file = self.string("prog.go");
        self.p.function.push(proto::Function {
            id,
            name: n,
            system_name: n,
            filename: file,
            start_line: 0,
        });
        id
    }

    /// The id of a location whose frames are the functions `inner_first`:
    /// the innermost (inlined) first, the real caller last, as in the file.
    pub fn loc(&mut self, inner_first: &[&str]) -> u64 {
        let fids: Vec<u64> = inner_first.iter().map(|n| self.function(n)).collect();
        if let Some(l) = self.p.location.iter().find(|l| {
            l.line.len() == fids.len() && l.line.iter().zip(&fids).all(|(a, b)| a.function_id == *b)
        }) {
            return l.id;
        }
        let id = self.p.location.len() as u64 + 1;
        self.p.location.push(proto::Location {
            id,
            address: 0x1000 * id,
            line: fids
                .iter()
                .map(|&function_id| proto::Line {
                    function_id,
                    line: 1,
                    column: 0,
                })
                .collect(),
            ..Default::default()
        });
        id
    }

    /// A sample whose stack is one single-frame location per name, leaf
    /// first.
    pub fn sample(&mut self, leaf_first: &[&str], values: &[i64]) -> &mut Builder {
        let locs: Vec<u64> = leaf_first.iter().map(|n| self.loc(&[n])).collect();
        self.sample_locs(&locs, values)
    }

    /// A sample whose stack is the given location ids, leaf first.
    pub fn sample_locs(&mut self, leaf_first: &[u64], values: &[i64]) -> &mut Builder {
        self.p.sample.push(proto::Sample {
            location_id: leaf_first.to_vec(),
            value: values.to_vec(),
            label: vec![],
        });
        self
    }

    pub fn build(&self) -> Profile {
        heaplens_profile::decode(&self.p.encode_to_vec()).expect("the built profile decodes")
    }
}

/// The key id of `name` in the tree's keys.
pub fn key(tree: &CallTree, name: &str) -> u32 {
    tree.keys
        .names
        .iter()
        .position(|n| n == name)
        .unwrap_or_else(|| panic!("no key {name:?} in {:?}", tree.keys.names)) as u32
}

/// The name of a key id.
pub fn name(tree: &CallTree, key: u32) -> &str {
    &tree.keys.names[key as usize]
}

/// A top table's rows as (name, flat, cum), in order.
pub fn rows(t: &Top) -> Vec<(&str, i64, i64)> {
    t.rows
        .iter()
        .map(|r| (r.name.as_str(), r.flat, r.cum))
        .collect()
}

/// `../shared/corpus` beside the repository; a missing corpus fails.
pub fn corpus_dir() -> PathBuf {
    let d = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus");
    assert!(
        d.is_dir(),
        "the shared corpus is missing at {} (it lives beside the repository)",
        d.display()
    );
    d
}

/// A corpus file, decoded.
pub fn corpus_profile(rel: &str) -> Profile {
    let path = corpus_dir().join(rel);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    heaplens_profile::decode(&bytes).unwrap_or_else(|e| panic!("{rel}: {e}"))
}
