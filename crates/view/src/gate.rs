//! The regression gate behind `heaplens gate`: limits such as
//! `alloc_space:+5%`, `alloc_objects:+1000` or `func=^encoding/json:alloc_space:+1MB`
//! checked against a base and a new profile. A type limit compares the two
//! profiles' totals; a function limit compares the value of the stacks that
//! pass through any matching function (each stack counted once).

use regex_lite::Regex;

use heaplens_analysis::keys::Granularity;
use heaplens_analysis::search::matched_total;
use heaplens_analysis::top::{top, TopOptions};
use heaplens_analysis::tree::CallTree;
use heaplens_profile::diff::{combine, DiffOptions};
use heaplens_profile::error::{Error, Result};
use heaplens_profile::model::Profile;
use heaplens_profile::units;

#[derive(Debug, Clone, PartialEq)]
pub enum Amount {
    /// Growth allowed, in percent of the base.
    Percent(f64),
    /// Growth allowed, as a quantity text (`1MB`, `500`) parsed per type.
    Absolute(String),
}

#[derive(Debug, Clone)]
pub struct Limit {
    pub text: String,
    pub func: Option<Regex>,
    pub sample_type: String,
    pub amount: Amount,
}

/// Parses `TYPE:LIMIT` or `func=REGEX:TYPE:LIMIT` (LIMIT like `+5%`, `+1MB`).
pub fn parse_limit(text: &str) -> Result<Limit> {
    let bad = |why: &str| Error::Invalid {
        what: format!(
            "--max {text:?}: {why} (write TYPE:+5% or TYPE:+1MB or 'func=REGEX:TYPE:+1MB')"
        ),
    };
    let (func, rest) = if let Some(r) = text.strip_prefix("func=") {
        // The regex may contain ':'; the last two fields are TYPE and LIMIT.
        let mut parts = r.rsplitn(3, ':');
        let limit = parts.next().ok_or_else(|| bad("missing the limit"))?;
        let ty = parts.next().ok_or_else(|| bad("missing the sample type"))?;
        let re = parts
            .next()
            .ok_or_else(|| bad("missing the function regex"))?;
        let re = Regex::new(re).map_err(|e| Error::BadRegex {
            field: format!("--max {text:?}"),
            detail: e.to_string(),
        })?;
        (Some(re), format!("{ty}:{limit}"))
    } else {
        (None, text.to_string())
    };
    let (ty, limit) = rest.rsplit_once(':').ok_or_else(|| bad("missing ':'"))?;
    if ty.is_empty() {
        return Err(bad("missing the sample type"));
    }
    let limit = limit.trim();
    let amount = if let Some(p) = limit.strip_suffix('%') {
        Amount::Percent(
            p.trim()
                .parse()
                .map_err(|_| bad("the percentage is not a number"))?,
        )
    } else if limit.is_empty() {
        return Err(bad("missing the limit"));
    } else {
        Amount::Absolute(limit.to_string())
    };
    Ok(Limit {
        text: text.to_string(),
        func,
        sample_type: ty.to_string(),
        amount,
    })
}

/// The outcome of one limit.
#[derive(Debug, Clone, PartialEq)]
pub struct Check {
    pub limit: String,
    pub sample_type: String,
    pub unit: String,
    pub base: i64,
    pub new: i64,
    pub pass: bool,
    /// Functions with the biggest increases (net flat), when the check failed.
    pub culprits: Vec<(String, i64)>,
}

impl Check {
    pub fn delta(&self) -> i64 {
        self.new.wrapping_sub(self.base)
    }

    /// Growth in percent of the base (`None` when the base is zero).
    pub fn percent(&self) -> Option<f64> {
        units::change_percent(self.delta(), self.base)
    }

    /// One line for humans: `FAIL alloc_space:+5%  35.0MB → 40.1MB (+14.6%)`.
    pub fn line(&self) -> String {
        let pct = self
            .percent()
            .map_or_else(|| "new".to_string(), |p| format!("{p:+.1}%"));
        format!(
            "{} {}  {} → {} ({}{}, {})",
            if self.pass { "ok  " } else { "FAIL" },
            self.limit,
            units::label(self.base, &self.unit),
            units::label(self.new, &self.unit),
            if self.delta() >= 0 { "+" } else { "" },
            units::label(self.delta(), &self.unit),
            pct
        )
    }
}

/// Checks every limit; errors name unknown sample types or bad amounts.
pub fn evaluate(new: &Profile, base: &Profile, limits: &[Limit]) -> Result<Vec<Check>> {
    heaplens_profile::diff::compatible(new, base)?;
    let combined = combine(new, base, DiffOptions::default())?;
    let ctree = CallTree::build(&combined, Granularity::Functions);
    let mut out = Vec::new();
    for l in limits {
        let ty = new.sample_type_index(Some(&l.sample_type))?;
        let unit = new.sample_types[ty].unit.clone();
        let (b, n) = match &l.func {
            None => (base.signed_total(ty), new.signed_total(ty)),
            Some(re) => {
                let value = |p: &Profile| {
                    let tree = CallTree::build(p, Granularity::Functions);
                    let m: Vec<bool> = tree.keys.names.iter().map(|n| re.is_match(n)).collect();
                    matched_total(&tree, &tree.column(p, ty).totals, &m)
                };
                (value(base), value(new))
            }
        };
        let delta = n.wrapping_sub(b);
        let pass = match &l.amount {
            Amount::Percent(p) => {
                units::change_percent(delta, b).map_or(delta <= 0, |pct| pct <= *p)
            }
            Amount::Absolute(q) => {
                let allowed = units::parse_quantity(q, &unit).ok_or_else(|| Error::Invalid {
                    what: format!(
                        "--max {:?}: {q:?} is not a quantity of {} ({unit})",
                        l.text, l.sample_type
                    ),
                })?;
                delta <= allowed
            }
        };
        let culprits = if pass {
            Vec::new()
        } else {
            let t = top(
                &combined,
                &ctree,
                &TopOptions {
                    inline_marks: false,
                    ..TopOptions::new(ty)
                },
            );
            let mut rows: Vec<(String, i64)> = t
                .rows
                .into_iter()
                .filter(|r| r.flat > 0 && l.func.as_ref().is_none_or(|re| re.is_match(&r.name)))
                .map(|r| (r.name, r.flat))
                .collect();
            heaplens_profile::sorting::sort_by_key(&mut rows, |r| std::cmp::Reverse(r.1));
            rows.truncate(5);
            rows
        };
        out.push(Check {
            limit: l.text.clone(),
            sample_type: l.sample_type.clone(),
            unit,
            base: b,
            new: n,
            pass,
            culprits,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_parse() {
        let l = parse_limit("alloc_space:+5%").expect("ok");
        assert_eq!(
            (l.sample_type.as_str(), l.amount.clone()),
            ("alloc_space", Amount::Percent(5.0))
        );
        let l =
            parse_limit("func=^encoding/json\\.(Marshal|Unmarshal)$:alloc_space:+1MB").expect("ok");
        assert!(l
            .func
            .as_ref()
            .is_some_and(|r| r.is_match("encoding/json.Marshal")));
        assert_eq!(l.amount, Amount::Absolute("+1MB".into()));
        assert!(parse_limit("alloc_space").is_err());
        assert!(parse_limit(":5%").is_err());
        assert!(parse_limit("alloc_space:x%").is_err());
        assert!(parse_limit("func=(:alloc_space:1").is_err());
    }
}
