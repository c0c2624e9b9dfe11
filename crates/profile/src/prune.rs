//! `drop_frames` / `keep_frames`, applied exactly as pprof applies them when
//! it opens a profile: matching frames and everything beneath them (towards
//! the leaf) are removed, except when the match is at the root of a stack.

use regex_lite::Regex;

use crate::error::{Error, Result};
use crate::model::Profile;

/// Simplifies a function name before matching: strips a leading '.' and the
/// argument list, keeping `(anonymous namespace)` and `operator()` intact.
pub fn simplify_func(name: &str) -> &str {
    let name = name.strip_prefix('.').unwrap_or(name);
    const RESERVED: [&str; 2] = ["(anonymous namespace)", "operator()"];
    let bytes = name.as_bytes();
    let mut i = 0;
    'scan: while i < bytes.len() {
        for r in RESERVED {
            if name[i..].starts_with(r) {
                i += r.len();
                continue 'scan;
            }
        }
        if bytes[i] == b'(' {
            return &name[..i];
        }
        // Advance by one character (stay on char boundaries).
        i += name[i..].chars().next().map_or(1, char::len_utf8);
    }
    name
}

fn compile(field: &str, pattern: &str) -> Result<Regex> {
    // The last pattern compiled, kept: profiles of one producer (every
    // legacy heap, say) carry the same long pattern.
    thread_local! {
        static LAST: std::cell::RefCell<Option<(String, Regex)>> = const { std::cell::RefCell::new(None) };
    }
    if let Some(r) = LAST.with(|l| {
        l.borrow()
            .as_ref()
            .filter(|(p, _)| p == pattern)
            .map(|(_, r)| r.clone())
    }) {
        return Ok(r);
    }
    let r = Regex::new(&format!("^({pattern})$")).map_err(|e| Error::BadRegex {
        field: field.to_string(),
        detail: e.to_string(),
    })?;
    LAST.with(|l| *l.borrow_mut() = Some((pattern.to_string(), r.clone())));
    Ok(r)
}

/// Applies the profile's own `drop_frames` / `keep_frames`.
pub fn remove_uninteresting(p: &mut Profile) -> Result<()> {
    if p.drop_frames.is_empty() {
        return Ok(());
    }
    let drop = match compile("drop_frames", &p.drop_frames) {
        Ok(r) => r,
        Err(e) => {
            p.warnings.push(format!("drop_frames ignored: {e}"));
            return Ok(());
        }
    };
    let keep = if p.keep_frames.is_empty() {
        None
    } else {
        match compile("keep_frames", &p.keep_frames) {
            Ok(r) => Some(r),
            Err(e) => {
                p.warnings.push(format!("drop_frames ignored: {e}"));
                return Ok(());
            }
        }
    };
    prune(p, &drop, keep.as_ref());
    Ok(())
}

/// Removes frames matching `drop` (and not `keep`) and everything beneath.
pub fn prune(p: &mut Profile, drop: &Regex, keep: Option<&Regex>) {
    let n = p.locations.len();
    let mut prune_loc = vec![false; n];
    let mut prune_beneath = vec![false; n];
    for li in 0..n {
        let range = p.locations[li].frame_range();
        let frames = &p.frames[range.clone()];
        // Scan from the caller (last) to the innermost inlined frame.
        let mut hit = None;
        for (i, f) in frames.iter().enumerate().rev() {
            let name = p
                .strings
                .get(p.functions[f.function as usize].name as usize)
                .map_or("", |s| s.as_str());
            if name.is_empty() {
                continue;
            }
            let simple = simplify_func(name);
            if drop.is_match(simple) && !keep.is_some_and(|k| k.is_match(simple)) {
                hit = Some(i);
                break;
            }
        }
        if let Some(i) = hit {
            prune_beneath[li] = true;
            if i == frames.len() - 1 {
                prune_loc[li] = true;
            } else {
                p.locations[li].frames_start += (i + 1) as u32;
            }
        }
    }
    if !prune_beneath.iter().any(|&b| b) {
        return;
    }
    // Rebuild the stack columns with each sample's kept part.
    let mut new_locs =
        crate::model::StackLocs::for_locations(p.locations.len(), p.stack_locs.len());
    let mut new_offsets = Vec::with_capacity(p.stack_offsets.len());
    new_offsets.push(0u32);
    for s in 0..p.num_samples() {
        let stack = p.stack(s);
        let mut keep_from = 0;
        let mut found_user = false;
        for i in (0..stack.len()).rev() {
            let Some(id) = stack.get(i) else { continue };
            let id = id as usize;
            if !prune_loc[id] && !prune_beneath[id] {
                found_user = true;
                continue;
            }
            if !found_user {
                continue;
            }
            keep_from = if prune_loc[id] { i + 1 } else { i };
            break;
        }
        new_locs.extend(stack.from(keep_from));
        new_offsets.push(new_locs.len() as u32);
    }
    p.stack_locs = new_locs;
    p.stack_offsets = new_offsets;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simplify_like_pprof() {
        assert_eq!(simplify_func("foo(int, char)"), "foo");
        assert_eq!(simplify_func(".bar"), "bar");
        assert_eq!(
            simplify_func("(anonymous namespace)::f(int)"),
            "(anonymous namespace)::f"
        );
        assert_eq!(simplify_func("A::operator()(int)"), "A::operator()");
        assert_eq!(simplify_func("main.(*T).m"), "main.");
        assert_eq!(simplify_func("plain"), "plain");
    }
}
