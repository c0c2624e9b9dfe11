//! The escapes of a share link: percent-encoding of the fragment's values,
//! base64url of embedded profiles, and how long a text is, in words.

pub(crate) fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(n).collect::<String>())
    }
}

/// "12.3 KB" style sizes of character counts.
pub fn size(n: usize) -> String {
    if n < 1000 {
        heaplens_profile::units::count(n as u64, "character", "characters")
    } else if n < 1_000_000 {
        format!("{:.1} KB", n as f64 / 1e3)
    } else {
        format!("{:.1} MB", n as f64 / 1e6)
    }
}

/// Percent-encodes everything but letters, digits and `-_.~/:@!$'()*;`.
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for &b in s.as_bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~/:@!$'()*;".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Reverses [`encode`] (any `%XX` is decoded; the result must be UTF-8).
pub fn decode(s: &str) -> Result<String, String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = b
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(|| "has a broken %-escape".to_string())?;
            out.push(hex);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| "is not valid text (UTF-8)".to_string())
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// base64url without padding.
pub fn base64url(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for c in bytes.chunks(3) {
        let n = (u32::from(c[0]) << 16)
            | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
            | u32::from(*c.get(2).unwrap_or(&0));
        let chars = c.len() + 1;
        for k in 0..chars {
            out.push(B64[((n >> (18 - 6 * k)) & 63) as usize] as char);
        }
    }
    out
}

/// Reads base64url (or standard base64; padding optional).
pub fn unbase64url(s: &str) -> Result<Vec<u8>, String> {
    let s = s.trim_end_matches('=');
    let mut out = Vec::with_capacity(s.len() / 4 * 3 + 2);
    let (mut acc, mut bits) = (0u32, 0u32);
    for (i, ch) in s.bytes().enumerate() {
        let v = match ch {
            b'A'..=b'Z' => ch - b'A',
            b'a'..=b'z' => ch - b'a' + 26,
            b'0'..=b'9' => ch - b'0' + 52,
            b'-' | b'+' => 62,
            b'_' | b'/' => 63,
            _ => {
                return Err(format!(
                    "is damaged: character {} ({:?}) cannot be in it",
                    i + 1,
                    ch as char
                ))
            }
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    if bits >= 6 {
        return Err("is cut short".into());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64url_round_trips() {
        for n in 0..40 {
            let bytes: Vec<u8> = (0..n).map(|i| (i * 37 + 11) as u8).collect();
            let s = base64url(&bytes);
            assert!(s
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_'));
            assert_eq!(unbase64url(&s).unwrap(), bytes, "{n} bytes");
        }
        assert_eq!(base64url(b"hello"), "aGVsbG8");
        assert_eq!(unbase64url("aGVsbG8=").unwrap(), b"hello");
        assert!(unbase64url("aGVs!G8").unwrap_err().contains("character 5"));
        assert!(unbase64url("aGVsb").is_err() || unbase64url("a").is_err());
        assert_eq!(unbase64url("a").unwrap_err(), "is cut short");
    }

    #[test]
    fn sizes_of_one_character_are_singular() {
        assert_eq!(size(1), "1 character");
        assert_eq!(size(999), "999 characters");
    }

    #[test]
    fn percent_round_trips() {
        for s in [
            "",
            "a b",
            "runtime.mallocgc",
            "x&y=z,w#%",
            "é ünï",
            "github.com/a/b.(*T).F",
        ] {
            assert_eq!(decode(&encode(s)).unwrap(), s);
            assert!(!encode(s).contains(['&', '=', ',', '#', ' ']));
        }
        assert!(decode("%zz").is_err());
        assert!(decode("%c3").is_err());
    }
}
