//! Regular expressions as pprof reads them (Go's RE2 syntax): a pattern is
//! first checked the way Go's parser reads it, so that what Go rejects is
//! rejected with Go's reason (`error parsing regexp: missing closing ):
//! `(``), then compiled by regex-lite (whose syntax is nearly the same;
//! what only it rejects is said in its words: Unicode classes such as
//! `\pL`, which regex-lite does not have).

use regex_lite::Regex;

type Reject = (&'static str, String);

/// Compiles `pattern`; the error is Go's `error parsing regexp: …` text.
pub fn compile(pattern: &str) -> Result<Regex, String> {
    let translated =
        check(pattern).map_err(|(code, expr)| format!("error parsing regexp: {code}: `{expr}`"))?;
    Regex::new(&translated).map_err(|e| {
        let e = e.to_string();
        let reason = e.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or(&e);
        format!("error parsing regexp: {}: `{pattern}`", reason.trim())
    })
}

const MISSING_REPEAT_ARG: &str = "missing argument to repetition operator";
const NESTED_REPEAT: &str = "invalid nested repetition operator";
const BAD_ESCAPE: &str = "invalid escape sequence";

/// Go's parser's verdict on `s`: its first error, as (code, expression),
/// or `s` as regex-lite reads it (a `{` that starts no repetition and
/// `\\Q…\\E` escaped).
fn check(s: &str) -> Result<String, Reject> {
    let mut out = String::with_capacity(s.len());
    let mut depth = 0usize;
    // Whether the last thing read can be repeated.
    let mut operand = false;
    // Where the repetition operator just read starts.
    let mut last_repeat: Option<usize> = None;
    let mut i = 0;
    while i < s.len() {
        let t = &s[i..];
        let start = i;
        let mut repeat = None;
        let c = t.chars().next().unwrap_or('\0');
        match c {
            '(' if t.starts_with("(?") && !t.starts_with("(?P<") => {
                let (len, group) = perl_flags(t)?;
                i += len;
                if group {
                    depth += 1;
                    operand = false;
                }
            }
            '(' => {
                if t.starts_with("(?P<") {
                    let end = t
                        .find('>')
                        .ok_or(("invalid named capture", t.to_string()))?;
                    let name = &t[4..end];
                    let valid =
                        !name.is_empty() && name.chars().all(|c| c == '_' || c.is_alphanumeric());
                    if !valid {
                        return Err(("invalid named capture", t[..=end].to_string()));
                    }
                    // Names do not matter for matching (and regex-lite
                    // reads fewer of them than Go).
                    out.push('(');
                    i += end + 1;
                    depth += 1;
                    (operand, last_repeat) = (false, None);
                    continue;
                }
                i += 1;
                depth += 1;
                operand = false;
            }
            '|' => {
                operand = false;
                i += 1;
            }
            ')' => {
                if depth == 0 {
                    return Err(("unexpected )", s.to_string()));
                }
                depth -= 1;
                operand = true;
                i += 1;
            }
            '[' => {
                i += class(t)?;
                operand = true;
            }
            '*' | '+' | '?' => {
                repeat = Some(i);
                i = repetition(s, i, 1, operand, last_repeat)?;
            }
            '{' => match repeat_op(t) {
                Some((min, max, len)) => {
                    let op = &s[i..i + len];
                    if !(0..=1000).contains(&min) || max > 1000 || (max >= 0 && min > max) {
                        return Err(("invalid repeat count", op.to_string()));
                    }
                    repeat = Some(i);
                    i = repetition(s, i, len, operand, last_repeat)?;
                }
                None => {
                    operand = true;
                    out.push_str("\\{");
                    i += 1;
                    last_repeat = None;
                    continue;
                }
            },
            '\\' if t.starts_with("\\Q") => {
                let n = escape(t, false)?;
                let body = &t[2..n];
                out.push_str(&regex_lite::escape(
                    body.strip_suffix("\\E").unwrap_or(body),
                ));
                i += n;
                operand = true;
                last_repeat = None;
                continue;
            }
            '\\' => {
                i += escape(t, false)?;
                operand = true;
            }
            _ => {
                operand = true;
                i += c.len_utf8();
            }
        }
        out.push_str(&s[start..i]);
        last_repeat = repeat;
    }
    if depth > 0 {
        return Err(("missing closing )", s.to_string()));
    }
    Ok(out)
}

/// A repetition operator `len` bytes long at `s[i..]` (and a `?` after
/// it): where what follows it starts.
fn repetition(
    s: &str,
    i: usize,
    len: usize,
    operand: bool,
    last_repeat: Option<usize>,
) -> Result<usize, Reject> {
    let mut j = i + len;
    if s[j..].starts_with('?') {
        j += 1;
    }
    if let Some(lr) = last_repeat {
        return Err((NESTED_REPEAT, s[lr..j].to_string()));
    }
    if !operand {
        return Err((MISSING_REPEAT_ARG, s[i..j].to_string()));
    }
    Ok(j)
}

/// `(?flags)` or `(?flags:`: its length and whether it opens a group.
fn perl_flags(t: &str) -> Result<(usize, bool), Reject> {
    let (mut negated, mut saw_flag) = (false, false);
    for (k, c) in t.char_indices().skip(2) {
        let end = k + c.len_utf8();
        match c {
            'i' | 'm' | 's' | 'U' => saw_flag = true,
            '-' if !negated => {
                negated = true;
                saw_flag = false;
            }
            ':' | ')' if !negated || saw_flag => return Ok((end, c == ':')),
            _ => return Err(("invalid or unsupported Perl syntax", t[..end].to_string())),
        }
    }
    Err(("invalid or unsupported Perl syntax", t.to_string()))
}

/// `{n}`, `{n,}` or `{n,m}` at the start of `t`: (min, max or -1 for none,
/// length); None when `t` does not start with one (then `{` is a literal).
/// A number too large is -2.
fn repeat_op(t: &str) -> Option<(i64, i64, usize)> {
    let b = t.as_bytes();
    let number = |from: usize| -> Option<(i64, usize)> {
        let n = b[from..].iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 || (n > 1 && b[from] == b'0') {
            return None;
        }
        let v = t[from..from + n]
            .parse::<i64>()
            .ok()
            .filter(|&v| v < 100_000_000);
        Some((v.unwrap_or(-2), from + n))
    };
    let (min, mut k) = number(1)?;
    let max = if b.get(k) == Some(&b',') {
        k += 1;
        if b.get(k) == Some(&b'}') {
            -1
        } else {
            let (m, at) = number(k)?;
            k = at;
            if m == -2 {
                return Some((-2, -2, k + 1)).filter(|_| b.get(k) == Some(&b'}'));
            }
            m
        }
    } else {
        min
    };
    (b.get(k) == Some(&b'}')).then_some((min, max, k + 1))
}

/// An escape at the start of `t` (`\…`): its length.
fn escape(t: &str, in_class: bool) -> Result<usize, Reject> {
    let mut chars = t.char_indices().skip(1);
    let Some((_, c)) = chars.next() else {
        return Err(("trailing backslash at end of expression", String::new()));
    };
    let bad = |len: usize| Err((BAD_ESCAPE, t[..len].to_string()));
    let len = 1 + c.len_utf8();
    match c {
        'A' | 'z' | 'b' | 'B' | 'C' if !in_class => Ok(len),
        'Q' if !in_class => Ok(t.find("\\E").map_or(t.len(), |e| e + 2)),
        'd' | 's' | 'w' | 'D' | 'S' | 'W' => Ok(len),
        'p' | 'P' => match t[len..].chars().next() {
            Some('{') => t[len..]
                .find('}')
                .map(|e| len + e + 1)
                .ok_or(("invalid character class range", t.to_string())),
            Some(n) => Ok(len + n.len_utf8()),
            None => Err(("invalid character class range", t.to_string())),
        },
        '1'..='7' if !t[len..].starts_with(|d: char| ('0'..='7').contains(&d)) => bad(len),
        '0'..='7' => {
            let more = t[len..]
                .chars()
                .take(2)
                .take_while(|d| ('0'..='7').contains(d));
            Ok(len + more.count())
        }
        'x' => {
            let rest = &t[len..];
            if let Some(body) = rest.strip_prefix('{') {
                let hex = body.chars().take_while(char::is_ascii_hexdigit).count();
                let v = u32::from_str_radix(&body[..hex], 16).ok();
                match body[hex..].chars().next() {
                    Some('}') if v.is_some_and(|v| v <= 0x10ffff) => Ok(len + hex + 2),
                    Some(c) => bad(len + 1 + hex + c.len_utf8()),
                    None => bad(t.len()),
                }
            } else {
                let hex = rest
                    .chars()
                    .take(2)
                    .take_while(char::is_ascii_hexdigit)
                    .count();
                if hex == 2 {
                    Ok(len + 2)
                } else {
                    bad((len + hex + 1).min(t.len()))
                }
            }
        }
        'a' | 'f' | 'n' | 'r' | 't' | 'v' => Ok(len),
        c if c.is_ascii() && !c.is_ascii_alphanumeric() => Ok(len),
        _ => bad(len),
    }
}

/// A character class at the start of `t` (`[…]`): its length.
fn class(t: &str) -> Result<usize, Reject> {
    let missing = || ("missing closing ]", t.to_string());
    let mut i = 1;
    if t[i..].starts_with('^') {
        i += 1;
    }
    let mut first = true;
    loop {
        let rest = &t[i..];
        if rest.is_empty() {
            return Err(missing());
        }
        if rest.starts_with(']') && !first {
            return Ok(i + 1);
        }
        first = false;
        if let Some(body) = rest.strip_prefix("[:") {
            if let Some(e) = body.find(":]") {
                let name = &body[..e];
                const POSIX: [&str; 14] = [
                    "alnum", "alpha", "ascii", "blank", "cntrl", "digit", "graph", "lower",
                    "print", "punct", "space", "upper", "word", "xdigit",
                ];
                let bare = name.strip_prefix('^').unwrap_or(name);
                if !POSIX.contains(&bare) {
                    return Err(("invalid character class range", rest[..e + 4].to_string()));
                }
                i += e + 4;
                continue;
            }
        }
        let (lo, n) = class_char(rest)?;
        let mut end = i + n;
        if t[end..].starts_with('-') && !t[end + 1..].starts_with(']') && end + 1 < t.len() {
            let (hi, m) = class_char(&t[end + 1..])?;
            if let (Some(lo), Some(hi)) = (lo, hi) {
                if hi < lo {
                    return Err((
                        "invalid character class range",
                        t[i..end + 1 + m].to_string(),
                    ));
                }
            }
            end += 1 + m;
        }
        i = end;
    }
}

/// One character of a class (a literal or an escape): its value when it is
/// a single character, and its length.
fn class_char(t: &str) -> Result<(Option<char>, usize), Reject> {
    if let Some(after) = t.strip_prefix('\\') {
        let n = escape(t, true)?;
        let c = after.chars().next();
        let plain = n == 2 && c.is_some_and(|c| !c.is_ascii_alphanumeric());
        return Ok((plain.then_some(c).flatten(), n));
    }
    let c = t
        .chars()
        .next()
        .ok_or(("missing closing ]", t.to_string()))?;
    Ok((Some(c), c.len_utf8()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reason(p: &str) -> String {
        compile(p).err().unwrap_or_default()
    }

    #[test]
    fn go_reasons() {
        assert_eq!(
            reason("a("),
            "error parsing regexp: missing closing ): `a(`"
        );
        assert_eq!(reason("a)"), "error parsing regexp: unexpected ): `a)`");
        assert_eq!(
            reason("x[a"),
            "error parsing regexp: missing closing ]: `[a`"
        );
        assert_eq!(
            reason("*a"),
            "error parsing regexp: missing argument to repetition operator: `*`"
        );
        assert_eq!(
            reason("a**"),
            "error parsing regexp: invalid nested repetition operator: `**`"
        );
        assert_eq!(
            reason("a\\q"),
            "error parsing regexp: invalid escape sequence: `\\q`"
        );
        assert_eq!(
            reason("(?=a)"),
            "error parsing regexp: invalid or unsupported Perl syntax: `(?=`"
        );
        assert_eq!(
            reason("a{2,1}"),
            "error parsing regexp: invalid repeat count: `{2,1}`"
        );
        assert_eq!(
            reason("[z-a]"),
            "error parsing regexp: invalid character class range: `z-a`"
        );
        assert_eq!(
            reason("a\\"),
            "error parsing regexp: trailing backslash at end of expression: ``"
        );
        // Go 1.19's own verdicts (regexp.Compile).
        let go = [
            ("(?<n>a)", "invalid or unsupported Perl syntax: `(?<`"),
            ("a*?*", "invalid nested repetition operator: `*?*`"),
            ("\\1", "invalid escape sequence: `\\1`"),
            ("[[:foo:]]", "invalid character class range: `[:foo:]`"),
            ("\\x4", "invalid escape sequence: `\\x4`"),
            ("\\x{zz}", "invalid escape sequence: `\\x{z`"),
            ("(?i", "invalid or unsupported Perl syntax: `(?i`"),
            ("(?x)a", "invalid or unsupported Perl syntax: `(?x`"),
            ("a|*", "missing argument to repetition operator: `*`"),
            ("a{1001}", "invalid repeat count: `{1001}`"),
            ("[a", "missing closing ]: `[a`"),
            ("\\8", "invalid escape sequence: `\\8`"),
            ("x{2}{3}", "invalid nested repetition operator: `{2}{3}`"),
            ("(?", "invalid or unsupported Perl syntax: `(?`"),
        ];
        for (p, want) in go {
            assert_eq!(reason(p), format!("error parsing regexp: {want}"), "{p}");
        }
        for ok in [
            "main\\.",
            "^runtime\\.(mallocgc|newobject)$",
            "[]a]",
            "a{",
            "x{2}y",
            "(?i)abc",
            "\\x41",
            "[\\d-]",
            "(?P<1a>x)",
            "\\Qa.b\\E",
            "a{,2}",
        ] {
            assert!(compile(ok).is_ok(), "{ok}");
        }
        let m = |p: &str, s: &str| compile(p).is_ok_and(|r| r.is_match(s));
        assert!(m("a{", "xa{") && !m("a{", "a"));
        assert!(m("\\Qa.b\\E", "a.b") && !m("\\Qa.b\\E", "axb"));
        assert!(m("a{,2}", "a{,2}") && m("x{2}", "xx"));
    }
}
