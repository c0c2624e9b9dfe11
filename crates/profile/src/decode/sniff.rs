//! Inputs that are clearly something else than a profile heaplens reads
//! (JSON, HTML, `go test -bench` output, images, PDF, legacy binary CPU
//! profiles, ...), recognised so the error can say what they look like.

use crate::error::Error;

/// Recognises inputs that are clearly something else, to say so plainly.
pub(super) fn other_format(data: &[u8]) -> Option<Error> {
    let head = &data[..data.len().min(512)];
    if let Some(what) = document(head) {
        return Some(Error::NotAProfile {
            hint: format!("this is {what}, not a profile"),
        });
    }
    // Legacy binary CPU profiles (gperftools, old Go): header words 0, 3, 0.
    let word = |i: usize, w: usize| -> Option<u64> {
        let b = data.get(i * w..(i + 1) * w)?;
        Some(b.iter().rev().fold(0u64, |a, &x| (a << 8) | u64::from(x)))
    };
    for w in [4usize, 8] {
        if word(0, w) == Some(0) && word(1, w) == Some(3) && word(2, w).is_some_and(|v| v <= 1) {
            return Some(Error::UnsupportedFormat {
                format: "a legacy binary CPU profile (gperftools or pre-2016 Go)".to_string(),
            });
        }
    }
    let text = String::from_utf8_lossy(head);
    let t = text.trim_start();
    let unsupported = |format: &str| {
        Some(Error::UnsupportedFormat {
            format: format.to_string(),
        })
    };
    if t.starts_with("heap_v2/") {
        return unsupported("a jemalloc text heap profile (heap_v2)");
    }
    if t.starts_with("--- ") {
        let kind = t.lines().next().unwrap_or("").trim();
        return unsupported(&format!("a legacy text profile ({kind})"));
    }
    if t.starts_with("Total:") || t.starts_with("contention") {
        return unsupported("a legacy text profile");
    }
    if t.starts_with('{') || t.starts_with('[') {
        return Some(Error::NotAProfile {
            hint: "it looks like JSON (a speedscope or Chrome trace file?)".to_string(),
        });
    }
    if t.starts_with('<') {
        return Some(Error::NotAProfile {
            hint: "it looks like HTML or XML (a saved web page?)".to_string(),
        });
    }
    if t.starts_with("goos:") || t.starts_with("Benchmark") || t.starts_with("PASS") {
        return Some(Error::NotAProfile {
            hint: "it looks like `go test -bench` output, not a profile".to_string(),
        });
    }
    // Folded stacks: printable text whose first line ends in a number.
    let printable = head
        .iter()
        .all(|&b| b == b'\n' || b == b'\t' || b == b'\r' || (0x20..0x7f).contains(&b) || b >= 0x80);
    if printable && head.len() >= 4 {
        // (Folded stacks text never gets here: the folded stacks reader reads it.)
        let first = t.lines().next().unwrap_or("");
        if !head
            .iter()
            .any(|&b| b < 0x20 && b != b'\n' && b != b'\t' && b != b'\r')
        {
            let shown: String = first.chars().take(40).collect();
            return Some(Error::NotAProfile {
                hint: format!("it is plain text starting with {shown:?}"),
            });
        }
    }
    None
}

/// Images and documents, known by their magic bytes: what they are.
pub(super) fn document(head: &[u8]) -> Option<&'static str> {
    let riff_webp = head.starts_with(b"RIFF") && head.get(8..12) == Some(b"WEBP".as_slice());
    if head.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("a PNG image")
    } else if head.starts_with(&[0xff, 0xd8, 0xff]) {
        Some("a JPEG image")
    } else if head.starts_with(b"GIF87a") || head.starts_with(b"GIF89a") {
        Some("a GIF image")
    } else if riff_webp {
        Some("a WebP image")
    } else if head.starts_with(b"%PDF-") {
        Some("a PDF document")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use crate::decode::decode;

    #[test]
    fn images_and_pdf_are_named() {
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        png.extend([0u8, 0, 1, 0, 0, 0, 1, 0, 8, 6, 0, 0, 0]);
        let mut webp = b"RIFF\x24\0\0\0WEBPVP8 ".to_vec();
        webp.extend([0u8; 24]);
        let cases: [(&[u8], &str); 6] = [
            (&png, "this is a PNG image, not a profile"),
            (b"\xff\xd8\xff\xe0\0\x10JFIF\0\x01\x01", "a JPEG image"),
            (b"GIF89a\x01\0\x01\0\x80\0\0", "a GIF image"),
            (b"GIF87a\x01\0\x01\0\0\0\0", "a GIF image"),
            (&webp, "a WebP image"),
            (
                b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\n",
                "a PDF document",
            ),
        ];
        for (bytes, what) in cases {
            let err = decode(bytes).expect_err("not a profile").to_string();
            assert!(err.contains(what), "{what}: {err}");
            assert!(err.starts_with("not a pprof profile"), "{err}");
        }
    }
}
