//! Test profiles shared by the tests of heaplens-profile, heaplens-analysis
//! and heaplens-view (the latter two include this file by path): small
//! profiles from folded stacks or built by hand as pprof protobuf
//! (negative values, labels, period types, inlined frames), and the shared
//! corpus.

#![allow(dead_code)]

use std::path::PathBuf;

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
            let vt = b.value_type(t, u);
            b.p.sample_type.push(vt);
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

    fn value_type(&mut self, ty: &str, unit: &str) -> proto::ValueType {
        proto::ValueType {
            r#type: self.string(ty),
            unit: self.string(unit),
        }
    }

    pub fn period(&mut self, ty: &str, unit: &str, period: i64) -> &mut Builder {
        self.p.period_type = Some(self.value_type(ty, unit));
        self.p.period = period;
        self
    }

    pub fn time(&mut self, time_nanos: i64, duration_nanos: i64) -> &mut Builder {
        self.p.time_nanos = time_nanos;
        self.p.duration_nanos = duration_nanos;
        self
    }

    pub fn comment(&mut self, c: &str) -> &mut Builder {
        let c = self.string(c);
        self.p.comment.push(c);
        self
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

    /// A new location (never shared) of function `name` at `line`.
    pub fn new_loc(&mut self, name: &str, line: i64) -> u64 {
        let function_id = self.function(name);
        let id = self.p.location.len() as u64 + 1;
        self.p.location.push(proto::Location {
            id,
            line: vec![proto::Line {
                function_id,
                line,
                column: 0,
            }],
            ..Default::default()
        });
        id
    }

    /// The location of function `name` at line 1, made once.
    pub fn loc(&mut self, name: &str) -> u64 {
        let fid = self.function(name);
        if let Some(l) = self
            .p
            .location
            .iter()
            .find(|l| l.line.len() == 1 && l.line[0].function_id == fid && l.line[0].line == 1)
        {
            return l.id;
        }
        self.new_loc(name, 1)
    }

    /// The id of a location whose frames are the functions `inner_first`:
    /// the innermost (inlined) first, the real caller last, as in the file.
    pub fn inlined_loc(&mut self, inner_first: &[&str]) -> u64 {
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

    /// A sample whose stack is one location per name, leaf first.
    pub fn sample(&mut self, leaf_first: &[&str], values: &[i64]) -> &mut Builder {
        self.labelled(leaf_first, values, &[])
    }

    /// [`Builder::sample`] with string labels (key, value).
    pub fn labelled(
        &mut self,
        leaf_first: &[&str],
        values: &[i64],
        labels: &[(&str, &str)],
    ) -> &mut Builder {
        let locs: Vec<u64> = leaf_first.iter().map(|n| self.loc(n)).collect();
        self.sample_locs(&locs, values, labels)
    }

    /// [`Builder::sample`] with numeric labels (key, number, unit).
    pub fn numeric(
        &mut self,
        leaf_first: &[&str],
        values: &[i64],
        labels: &[(&str, i64, &str)],
    ) -> &mut Builder {
        self.sample(leaf_first, values);
        let label = labels
            .iter()
            .map(|(k, num, unit)| proto::Label {
                key: self.string(k),
                str: 0,
                num: *num,
                num_unit: self.string(unit),
            })
            .collect();
        self.p.sample.last_mut().unwrap().label = label;
        self
    }

    /// A sample whose stack is the given location ids, leaf first.
    pub fn sample_locs(
        &mut self,
        leaf_first: &[u64],
        values: &[i64],
        labels: &[(&str, &str)],
    ) -> &mut Builder {
        let label = labels
            .iter()
            .map(|(k, v)| proto::Label {
                key: self.string(k),
                str: self.string(v),
                num: 0,
                num_unit: 0,
            })
            .collect();
        self.p.sample.push(proto::Sample {
            location_id: leaf_first.to_vec(),
            value: values.to_vec(),
            label,
        });
        self
    }

    /// The profile as pprof protobuf (to damage it before decoding).
    pub fn bytes(&self) -> Vec<u8> {
        self.p.encode_to_vec()
    }

    pub fn build(&self) -> Profile {
        heaplens_profile::decode(&self.p.encode_to_vec()).expect("the built profile decodes")
    }
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

/// Every file of the corpus (recursively), sorted, without SOURCES.tsv.
pub fn corpus_files() -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut dirs = vec![corpus_dir()];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(&d).expect("read corpus dir") {
            let p = e.expect("dir entry").path();
            if p.is_dir() {
                dirs.push(p);
            } else if p.file_name().is_some_and(|n| n != "SOURCES.tsv") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// A corpus file, decoded.
pub fn corpus_profile(rel: &str) -> Profile {
    let path = corpus_dir().join(rel);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    heaplens_profile::decode(&bytes).unwrap_or_else(|e| panic!("{rel}: {e}"))
}
