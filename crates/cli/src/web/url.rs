//! Request paths as `heaplens web` reads them: split into segments,
//! each percent-decoded, with anything that could climb out of where it
//! is served (`..`, `.`, an encoded `/` or `\`) refused.

/// A path segment percent-encoded: everything but RFC 3986's unreserved
/// characters is escaped.
pub fn encode_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for &b in s.as_bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `s` percent-decoded (the share links' decoder); None for a broken
/// escape or bytes that are not UTF-8.
pub fn decode(s: &str) -> Option<String> {
    heaplens_view::share::escape::decode(s).ok()
}

/// The decoded segments of an absolute path (`/a/b%20c` → `a`, `b c`;
/// empty segments, as of `//` or a trailing `/`, dropped). None when a
/// segment is `.` or `..`, holds `/`, `\` or a control character once
/// decoded, or does not decode.
pub fn segments(path: &str) -> Option<Vec<String>> {
    let rest = path.strip_prefix('/')?;
    let mut out = Vec::new();
    for raw in rest.split('/').filter(|s| !s.is_empty()) {
        let seg = decode(raw)?;
        let bad = seg == "."
            || seg == ".."
            || seg.contains(['/', '\\'])
            || seg.chars().any(char::is_control);
        if bad {
            return None;
        }
        out.push(seg);
    }
    Some(out)
}

/// A string as a JSON string literal.
pub fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_are_decoded_and_climbing_is_refused() {
        assert_eq!(segments("/"), Some(vec![]));
        assert_eq!(
            segments("/a//b%20c/"),
            Some(vec!["a".to_string(), "b c".to_string()])
        );
        for bad in [
            "/a/../b",
            "/a/%2e%2E/b",
            "/./a",
            "/a%2Fb",
            "/a%5cb",
            "/a%00",
            "/%zz",
            "/%C3",
            "relative",
        ] {
            assert_eq!(segments(bad), None, "{bad}");
        }
    }

    #[test]
    fn encoding_round_trips() {
        let name = "my heap (1)+ü.prof";
        let enc = encode_segment(name);
        assert_eq!(enc, "my%20heap%20%281%29%2B%C3%BC.prof");
        assert_eq!(decode(&enc).as_deref(), Some(name));
        assert_eq!(json_string("a\"b\\c\n"), "\"a\\\"b\\\\c\\u000a\"");
    }
}
