//! Label filters, as `go tool pprof -tagfocus` reads them: keep only the
//! samples whose labels match, e.g. `bytes=1kB:` (objects of 1 kB or more),
//! `thread_name=worker.*` or `pod=api,web`.
//!
//! The rules are pprof's:
//! - `[KEY=]VALUE`; with a key, only that label is looked at.
//! - A VALUE that is a number with an optional unit (`32B`, `1kB`), or a
//!   range of them (`1kB:`, `:64B`, `1kB:4kB`, ends included), filters
//!   numeric labels: a number matches a label of its own unit family only
//!   (`32B` matches `bytes` labels, a plain `32` only labels without a
//!   unit; a `bytes` label without a unit is in bytes).
//! - Anything else is a comma-separated list of regular expressions (not
//!   anchored) over string labels: with a key, a sample matches when any
//!   expression matches any of that key's values; without one, when every
//!   expression matches some `key:value` of the sample.
//!
//! A filtered profile keeps every sample, with the values of those that do
//! not match set to 0 (they then count nowhere), so sample indices, labels
//! and the base/new split of a diff are unchanged. pprof's reports still
//! take their percentages of the whole profile's total.

use regex_lite::Regex;

use crate::error::{Error, Result};
use crate::model::{Label, Profile};
use crate::units;

/// A parsed `-tagfocus` value.
#[derive(Debug, Clone)]
pub struct TagFocus {
    key: Option<String>,
    test: Test,
}

#[derive(Debug, Clone)]
enum Test {
    /// Inclusive bounds, each a number and its unit ("" for none).
    Range {
        lo: Option<(i64, String)>,
        hi: Option<(i64, String)>,
    },
    Regexes(Vec<Regex>),
}

/// A number and its unit letters (`1kB` → (1, "kB")); None when `s` is not
/// exactly that.
fn quantity(s: &str) -> Option<(i64, String)> {
    let digits = s
        .char_indices()
        .find(|&(i, c)| !(c.is_ascii_digit() || (i == 0 && (c == '+' || c == '-'))))
        .map_or(s.len(), |(i, _)| i);
    let (num, unit) = s.split_at(digits);
    let n: i64 = num.parse().ok()?;
    unit.chars()
        .all(|c| c.is_ascii_alphabetic())
        .then(|| (n, unit.to_string()))
}

impl TagFocus {
    /// Reads `[KEY=]VALUE` (see the module documentation).
    pub fn parse(spec: &str) -> Result<TagFocus> {
        let spec = spec.trim();
        let bad = |detail: String| Error::Invalid {
            what: format!("label filter {spec:?}: {detail}"),
        };
        if spec.is_empty() {
            return Err(bad("it is empty".into()));
        }
        let (key, value) = match spec.split_once('=') {
            Some((k, v)) => (Some(k.trim().to_string()), v.trim()),
            None => (None, spec),
        };
        let range = match value.split_once(':') {
            None => quantity(value).map(|q| (Some(q.clone()), Some(q))),
            Some((a, b)) => {
                let (lo, hi) = (quantity(a), quantity(b));
                match (a.is_empty(), b.is_empty()) {
                    (true, true) => None,
                    (true, false) => hi.map(|h| (None, Some(h))),
                    (false, true) => lo.map(|l| (Some(l), None)),
                    (false, false) => lo.zip(hi).map(|(l, h)| (Some(l), Some(h))),
                }
            }
        };
        let test = match range {
            Some((lo, hi)) => Test::Range { lo, hi },
            None => Test::Regexes(
                value
                    .split(',')
                    .map(|r| {
                        Regex::new(r).map_err(|e| {
                            bad(format!("{r:?} is not a valid regular expression: {e}"))
                        })
                    })
                    .collect::<Result<_>>()?,
            ),
        };
        Ok(TagFocus { key, test })
    }

    /// Whether a sample with these labels is kept.
    pub fn matches(&self, p: &Profile, labels: &[Label]) -> bool {
        let key_ok = |l: &Label| self.key.as_deref().is_none_or(|k| p.str(l.key) == k);
        match &self.test {
            Test::Range { lo, hi } => labels.iter().filter(|l| l.str == 0 && key_ok(l)).any(|l| {
                let mut unit = p.str(l.unit);
                if unit.is_empty() && p.str(l.key) == "bytes" {
                    unit = "bytes";
                }
                // A bound in the label's unit; None when of another kind.
                let bound = |(n, u): &(i64, String)| -> Option<i64> {
                    match (u.is_empty(), unit.is_empty()) {
                        (true, true) => Some(*n),
                        (false, false) => {
                            units::unit_factor(u, unit).map(|f| (*n as f64 * f).round() as i64)
                        }
                        _ => None,
                    }
                };
                let above = match lo {
                    Some(b) => bound(b).is_some_and(|b| l.num >= b),
                    None => true,
                };
                let below = match hi {
                    Some(b) => bound(b).is_some_and(|b| l.num <= b),
                    None => true,
                };
                above && below
            }),
            Test::Regexes(rxs) => {
                let strings = || labels.iter().filter(|l| l.str != 0);
                if self.key.is_some() {
                    strings()
                        .filter(|l| key_ok(l))
                        .any(|l| rxs.iter().any(|r| r.is_match(p.str(l.str))))
                } else {
                    rxs.iter().all(|r| {
                        strings().any(|l| r.is_match(&format!("{}:{}", p.str(l.key), p.str(l.str))))
                    })
                }
            }
        }
    }
}

/// Sets to 0 the values of every sample `focus` does not keep; returns how
/// many samples are kept.
pub fn apply(p: &mut Profile, focus: &TagFocus) -> usize {
    let n = p.num_types();
    let mut kept = 0;
    // Each distinct label set is stored once (a million samples share a
    // few hundred): test each set once, known by where it is stored.
    let mut verdicts: rustc_hash::FxHashMap<(usize, usize), bool> = Default::default();
    for s in 0..p.num_samples() {
        let labels = p.sample_labels(s);
        let keep = *verdicts
            .entry((labels.as_ptr() as usize, labels.len()))
            .or_insert_with(|| focus.matches(p, labels));
        if keep {
            kept += 1;
        } else if let Some(v) = p.values.get_mut(s * n..(s + 1) * n) {
            v.fill(0);
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_are_read_as_pprof_reads_them() {
        let f = TagFocus::parse("bytes=1kB:").expect("parses");
        assert!(matches!(f.test, Test::Range { lo: Some((1, ref u)), hi: None } if u == "kB"));
        assert_eq!(f.key.as_deref(), Some("bytes"));
        let f = TagFocus::parse(":64b").expect("parses");
        assert!(
            matches!(
                f.test,
                Test::Range {
                    lo: None,
                    hi: Some((64, _))
                }
            ) && f.key.is_none()
        );
        let f = TagFocus::parse("32").expect("parses");
        assert!(
            matches!(f.test, Test::Range { lo: Some((32, ref a)), hi: Some((32, _)) } if a.is_empty())
        );
        // Not a number or range: regular expressions.
        let f = TagFocus::parse("pod=api,web").expect("parses");
        assert!(matches!(f.test, Test::Regexes(ref r) if r.len() == 2));
        assert!(matches!(
            TagFocus::parse("16b,32b").map(|f| f.test),
            Ok(Test::Regexes(_))
        ));
        assert!(TagFocus::parse("pod=(").is_err());
        assert!(TagFocus::parse(" ").is_err());
    }
}
