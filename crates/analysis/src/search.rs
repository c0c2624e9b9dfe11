//! Search over node names: a case-insensitive substring, or a regular
//! expression written `/like this/`. Gives the matching keys and the total
//! they account for (each stack counted once, at its top-most match).

use regex_lite::Regex;

use crate::keys::Keys;
use crate::tree::{CallTree, ROOT};
use heaplens_profile::error::{Error, Result};

#[derive(Debug, Clone)]
pub enum Query {
    /// Lower-cased needle, matched case-insensitively.
    Substring(String),
    Regex(Regex),
}

impl Query {
    /// Parses a search box's text; `None` for an empty query.
    pub fn parse(text: &str) -> Result<Option<Query>> {
        let t = text.trim();
        if t.is_empty() {
            return Ok(None);
        }
        if t.len() >= 2 && t.starts_with('/') && t.ends_with('/') {
            let re = Regex::new(&t[1..t.len() - 1]).map_err(|e| Error::BadRegex {
                field: "the search".into(),
                detail: first_line(&e.to_string()),
            })?;
            return Ok(Some(Query::Regex(re)));
        }
        Ok(Some(Query::Substring(t.to_lowercase())))
    }

    pub fn is_match(&self, name: &str) -> bool {
        match self {
            Query::Substring(n) => {
                if name.is_ascii() && n.is_ascii() {
                    name.as_bytes()
                        .windows(n.len())
                        .any(|w| w.eq_ignore_ascii_case(n.as_bytes()))
                        || n.is_empty()
                } else {
                    name.to_lowercase().contains(n.as_str())
                }
            }
            Query::Regex(r) => r.is_match(name),
        }
    }

    /// One flag per key: does its name match?
    pub fn matching_keys(&self, keys: &Keys) -> Vec<bool> {
        keys.names.iter().map(|n| self.is_match(n)).collect()
    }
}

fn first_line(s: &str) -> String {
    s.lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or(s)
        .trim()
        .to_string()
}

/// The total of stacks that pass through a matching node: the sum of
/// `totals` over matching nodes that have no matching ancestor.
pub fn matched_total(tree: &CallTree, totals: &[i64], matches: &[bool]) -> i64 {
    let mut sum = 0i64;
    let mut stack: Vec<u32> = tree.children_of(ROOT).to_vec();
    while let Some(n) = stack.pop() {
        if matches[tree.key_of(n) as usize] {
            sum = sum.wrapping_add(totals[n as usize]);
        } else {
            stack.extend_from_slice(tree.children_of(n));
        }
    }
    sum
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_match() {
        let q = Query::parse("Alloc").expect("ok").expect("some");
        assert!(!q.is_match("runtime.newobject"));
        assert!(q.is_match("runtime.mallocgc"));
        assert!(q.is_match("main.allocate"));
        let q = Query::parse("/^main\\./").expect("ok").expect("some");
        assert!(q.is_match("main.run") && !q.is_match("runtime.main"));
        assert!(Query::parse("   ").expect("ok").is_none());
        let e = Query::parse("/(/").unwrap_err();
        assert!(e.to_string().contains("search"), "{e}");
    }
}
