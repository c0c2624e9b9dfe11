//! The `#` symbol lines of Go's `debug=1` output: reading them, giving a
//! record's addresses their frames, and grouping inlined calls into one
//! location.

use rustc_hash::FxHashMap as HashMap;

use super::raw::{Raw, RawSample, Sym};

/// One `#\t0xPC\tfunc+0xOFF\tfile:line` line: the pc and, when the line names
/// a function, its frame.
pub(super) fn symbol_line(line: &str) -> Option<(u64, Option<Sym>)> {
    let rest = line.trim().strip_prefix('#')?;
    let mut fields = rest.split('\t').map(str::trim).filter(|f| !f.is_empty());
    let pc = fields.next()?.strip_prefix("0x")?;
    let pc = u64::from_str_radix(pc, 16).ok()?;
    let Some(func) = fields.next() else {
        return Some((pc, None));
    };
    let (name, entry) = match func.rfind("+0x") {
        Some(i) if i > 0 => (
            &func[..i],
            u64::from_str_radix(&func[i + 3..], 16)
                .ok()
                .map(|off| pc.wrapping_sub(off)),
        ),
        _ => (func, None),
    };
    let (file, line) = match fields.next() {
        Some(fl) => match fl.rsplit_once(':') {
            Some((f, l)) => match l.parse::<i64>() {
                Ok(n) => (f.to_string(), n),
                Err(_) => (fl.to_string(), 0),
            },
            None => (fl.to_string(), 0),
        },
        None => (String::new(), 0),
    };
    Some((
        pc,
        Some(Sym {
            name: name.to_string(),
            file,
            line,
            entry,
        }),
    ))
}

/// The symbol lines of the record being read.
#[derive(Default)]
pub(super) struct RecordSymbols {
    pub(super) lines: Vec<(u64, Option<Sym>)>,
}

impl RecordSymbols {
    /// Assigns the collected lines to the last sample's addresses (each
    /// address takes the lines with its pc that follow, in order) and
    /// records the frames. Go prints no line for the runtime frames at the
    /// top of an allocation stack nor for `runtime.goexit` at the bottom;
    /// with `hide_unnamed`, addresses without a line are dropped from the
    /// stack (as Go's own protobuf heap profile hides those frames), else
    /// only the trailing ones are.
    pub(super) fn close(&mut self, raw: &mut Raw, hide_unnamed: bool) {
        if self.lines.is_empty() {
            return;
        }
        let Some(sample) = raw.samples.last_mut() else {
            self.lines.clear();
            return;
        };
        let mut j = 0;
        let mut named = vec![false; sample.addrs.len()];
        for (k, &addr) in sample.addrs.iter().enumerate() {
            let known = raw.symbols.get(&addr).map(Vec::len);
            let mut frames = Vec::new();
            let mut taken = 0;
            while let Some((pc, sym)) = self.lines.get(j) {
                if *pc != addr || known.is_some_and(|n| n > 0 && taken >= n) {
                    break;
                }
                if let Some(s) = sym {
                    frames.push(s.clone());
                }
                taken += 1;
                j += 1;
            }
            if taken > 0 {
                named[k] = true;
                if known.is_none() && !frames.is_empty() {
                    raw.symbols.insert(addr, frames);
                }
            }
        }
        if named.iter().any(|&n| n) {
            if hide_unnamed {
                let mut k = 0;
                sample.addrs.retain(|_| {
                    k += 1;
                    named[k - 1]
                });
            } else {
                while named.last() == Some(&false) {
                    named.pop();
                    sample.addrs.pop();
                }
            }
            group_inlined(sample, &raw.symbols, &mut raw.inlined);
        }
        self.lines.clear();
    }
}

/// Go gives each inlined call its own address in a stack, while its
/// protobuf writer shows a physical frame and the calls inlined into it as
/// one location. Consecutive addresses are one physical frame when the
/// outer frame of the first and the inner frame of the next were compiled
/// into the same function (same entry address) under different names (the
/// same name is a recursive call). Each such run becomes one address, its
/// first, whose frames are the run's frames in order.
fn group_inlined(
    sample: &mut RawSample,
    symbols: &HashMap<u64, Vec<Sym>>,
    inlined: &mut HashMap<u64, Vec<Sym>>,
) {
    let mut out: Vec<u64> = Vec::with_capacity(sample.addrs.len());
    let mut run: Vec<u64> = Vec::new();
    let flush = |run: &mut Vec<u64>, out: &mut Vec<u64>, inlined: &mut HashMap<u64, Vec<Sym>>| {
        if let Some(&first) = run.first() {
            if run.len() > 1 && !inlined.contains_key(&first) {
                let frames = run
                    .iter()
                    .flat_map(|a| symbols.get(a).into_iter().flatten().cloned())
                    .collect();
                inlined.insert(first, frames);
            }
            out.push(first);
        }
        run.clear();
    };
    for &a in &sample.addrs {
        let joins = run.last().is_some_and(|prev| {
            let outer = symbols.get(prev).and_then(|f| f.last());
            let inner = symbols.get(&a).and_then(|f| f.first());
            match (outer, inner) {
                (Some(o), Some(i)) => o.entry.is_some() && o.entry == i.entry && o.name != i.name,
                _ => false,
            }
        });
        if !joins {
            flush(&mut run, &mut out, inlined);
        }
        run.push(a);
    }
    flush(&mut run, &mut out, inlined);
    sample.addrs = out;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symbol_lines() {
        let (pc, s) = symbol_line("#\t0x4a1b2c\tmain.work+0x2c\t/src/main.go:42").unwrap();
        assert_eq!(pc, 0x4a1b2c);
        assert_eq!(
            s,
            Some(Sym {
                name: "main.work".into(),
                file: "/src/main.go".into(),
                line: 42,
                entry: Some(0x4a1b00),
            })
        );
        assert_eq!(symbol_line("#\t0x10"), Some((0x10, None)));
        assert_eq!(symbol_line("# Alloc = 5"), None);
    }
}
