//! Small reading helpers the legacy readers share: regular expressions
//! compiled once, integers in any base, `0x…` address lists and blank or
//! comment lines.

use regex_lite::Regex;
use std::sync::OnceLock;

/// A regular expression compiled once per process (a page reads many
/// files; the fuzzer millions).
pub(super) fn cached(
    slot: &'static OnceLock<Option<Regex>>,
    pattern: &str,
) -> Option<&'static Regex> {
    slot.get_or_init(|| Regex::new(pattern).ok()).as_ref()
}

pub(super) fn is_space_or_comment(line: &str) -> bool {
    let t = line.trim();
    t.is_empty() || t.starts_with('#')
}

/// Every `0x…` number (lower-case hex digits) in `s`, in order.
pub(super) fn hex_addresses(s: &str) -> std::result::Result<Vec<u64>, String> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i + 2 < b.len() + 1 {
        let is_digit = |c: u8| c.is_ascii_digit() || (b'a'..=b'f').contains(&c);
        if b[i] == b'0' && b.get(i + 1) == Some(&b'x') && b.get(i + 2).is_some_and(|&c| is_digit(c))
        {
            let start = i + 2;
            let mut end = start;
            while end < b.len() && is_digit(b[end]) {
                end += 1;
            }
            let digits = &s[start..end];
            let v = u64::from_str_radix(digits, 16)
                .map_err(|_| format!("address 0x{digits} does not fit in 64 bits"))?;
            out.push(v);
            i = end;
        } else {
            i += 1;
        }
    }
    Ok(out)
}

/// An integer the way Go's `strconv.ParseInt(s, 0, 64)` reads it: an
/// optional sign, then `0x`/`0o`/`0b` or a leading `0` (octal) for the base.
pub(super) fn parse_int_any_base(s: &str) -> Option<i64> {
    let (neg, digits) = match s.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    let lower = digits.to_ascii_lowercase();
    let (radix, body) = if let Some(h) = lower.strip_prefix("0x") {
        (16, h)
    } else if let Some(o) = lower.strip_prefix("0o") {
        (8, o)
    } else if let Some(b) = lower.strip_prefix("0b") {
        (2, b)
    } else if lower.len() > 1 && lower.starts_with('0') {
        (8, &lower[1..])
    } else {
        (10, lower.as_str())
    };
    let body = body.replace('_', "");
    if body.is_empty() || body.starts_with(['+', '-']) {
        return None;
    }
    let v = u64::from_str_radix(&body, radix).ok()?;
    if neg {
        if v <= i64::MAX as u64 + 1 {
            Some((v as i64).wrapping_neg())
        } else {
            None
        }
    } else {
        i64::try_from(v).ok()
    }
}

/// Reads a run of ASCII digits (with an optional leading '-' when
/// `signed`) at the start of `s`: the text and the rest.
pub(super) fn take_int(s: &str, signed: bool) -> Option<(&str, &str)> {
    let neg = usize::from(signed && s.starts_with('-'));
    let n = s[neg..].bytes().take_while(u8::is_ascii_digit).count();
    if n == 0 {
        return None;
    }
    Some((&s[..neg + n], &s[neg + n..]))
}

/// The prefix of `s` made of the characters an address list may hold
/// (`[ x0-9a-f]`).
pub(super) fn address_chars(s: &str) -> &str {
    let n = s
        .bytes()
        .take_while(|&c| c == b' ' || c == b'x' || c.is_ascii_digit() || (b'a'..=b'f').contains(&c))
        .count();
    &s[..n]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_and_ints() {
        assert_eq!(
            hex_addresses("0x1f 0x2 zz 0xA 0x").unwrap(),
            vec![0x1f, 0x2]
        );
        assert!(hex_addresses("0x1ffffffffffffffff").is_err());
        assert_eq!(parse_int_any_base("0x10"), Some(16));
        assert_eq!(parse_int_any_base("010"), Some(8));
        assert_eq!(parse_int_any_base("-7"), Some(-7));
        assert_eq!(parse_int_any_base("x"), None);
    }
}
