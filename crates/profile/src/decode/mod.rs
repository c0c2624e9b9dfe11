//! Bytes → [`Profile`]. Natively, [`decode`] sniffs gzip by its magic bytes
//! and inflates up to a cap ([`gzip`]); in the browser the page's worker has
//! the browser inflate and calls [`decode_inflated`], which never inflates.
//! Then, by content: a legacy text profile or folded stacks (read by
//! heaplens-text and copied into the model, [`text`]), else the protobuf wire
//! format ([`protobuf`]: samples streamed straight into flat columns, small
//! messages through the prost types, ids and strings resolved and
//! validated); anything else is named by [`sniff`]. Last, `drop_frames` and
//! `keep_frames` are applied as pprof applies them ([`crate::prune`]).

pub mod gzip;
mod protobuf;
mod sniff;
pub mod text;
mod wire;

use crate::error::{Error, Result};
use crate::model::{DecodeStats, Profile};

/// Size caps. The defaults suit the CLI; the browser may pass lower ones.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest accepted input (compressed or not).
    pub max_input: u64,
    /// Largest accepted protobuf after inflating; inflating stops here.
    pub max_decoded: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_input: 1 << 30,
            max_decoded: 1 << 30,
        }
    }
}

/// Progress callback: (stage name, bytes done, bytes total if known).
pub type Progress<'a> = &'a mut dyn FnMut(&str, u64, u64);

/// Whether `bytes` start with gzip's magic number.
pub fn is_gzip(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0x1f, 0x8b])
}

/// Decodes a profile, gzipped or not, with the default limits.
#[cfg(not(target_arch = "wasm32"))]
pub fn decode(bytes: &[u8]) -> Result<Profile> {
    decode_with(bytes, Limits::default(), &mut |_, _, _| {})
}

/// Decodes a profile, gzipped or not, reporting progress and enforcing
/// `limits` (gzip is inflated here, up to `limits.max_decoded`).
#[cfg(not(target_arch = "wasm32"))]
pub fn decode_with(bytes: &[u8], limits: Limits, progress: Progress<'_>) -> Result<Profile> {
    check_input(bytes, limits)?;
    if !is_gzip(bytes) {
        return decode_inflated(bytes, limits, progress);
    }
    let data = gzip::gunzip(bytes, limits.max_decoded, progress)?;
    let mut p = decode_inflated(&data, limits, progress)?;
    p.stats.input_bytes = bytes.len() as u64;
    p.stats.gzipped = true;
    Ok(p)
}

/// Decodes a profile that is not gzipped (inflated already, by the browser
/// in the page's worker). Gzip data here is an error: it was compressed
/// twice.
pub fn decode_inflated(data: &[u8], limits: Limits, progress: Progress<'_>) -> Result<Profile> {
    check_input(data, limits)?;
    if data.len() as u64 > limits.max_decoded {
        return Err(Error::InputTooLarge {
            size: data.len() as u64,
            limit: limits.max_decoded,
        });
    }
    if is_gzip(data) {
        return Err(Error::Gzip {
            detail: "the inflated data is gzip again (compressed twice?)".into(),
        });
    }
    // Legacy text profiles and folded stacks text have their own readers.
    let text = match text::legacy(data) {
        Some(parsed) => Some(parsed?),
        None => text::folded(data)?,
    };
    let mut p = match text {
        Some(p) => p,
        None => {
            if let Some(err) = sniff::other_format(data) {
                return Err(err);
            }
            protobuf::parse(data, progress)?
        }
    };
    p.stats = DecodeStats {
        input_bytes: data.len() as u64,
        decoded_bytes: data.len() as u64,
        gzipped: false,
    };
    crate::prune::remove_uninteresting(&mut p)?;
    Ok(p)
}

/// The checks every input passes first: not empty, not over the cap.
fn check_input(bytes: &[u8], limits: Limits) -> Result<()> {
    if bytes.is_empty() {
        return Err(Error::Empty);
    }
    if bytes.len() as u64 > limits.max_input {
        return Err(Error::InputTooLarge {
            size: bytes.len() as u64,
            limit: limits.max_input,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto;
    use prost::Message;

    fn tiny() -> proto::Profile {
        proto::Profile {
            sample_type: vec![proto::ValueType { r#type: 1, unit: 2 }],
            sample: vec![proto::Sample {
                location_id: vec![1],
                value: vec![5],
                label: vec![],
            }],
            location: vec![proto::Location {
                id: 1,
                line: vec![proto::Line {
                    function_id: 1,
                    line: 3,
                    column: 0,
                }],
                ..Default::default()
            }],
            function: vec![proto::Function {
                id: 1,
                name: 3,
                ..Default::default()
            }],
            string_table: vec![
                b"".to_vec(),
                b"samples".to_vec(),
                b"count".to_vec(),
                b"main".to_vec(),
            ],
            ..Default::default()
        }
    }

    #[test]
    fn decodes_raw_and_gzip_alike() {
        let raw = tiny().encode_to_vec();
        let a = decode(&raw).expect("raw decodes");
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        std::io::Write::write_all(&mut gz, &raw).expect("write");
        let gz = gz.finish().expect("finish");
        let b = decode(&gz).expect("gzip decodes");
        assert_eq!(a.values, b.values);
        assert_eq!(a.stack_locs, b.stack_locs);
        assert!(b.stats.gzipped && !a.stats.gzipped);
        assert_eq!(a.sample_types[0].ty, "samples");
        assert_eq!(a.str(a.functions[0].name), "main");
    }

    #[test]
    fn unpacked_repeated_fields_are_read() {
        // Hand-encode a sample with unpacked location ids and values.
        let mut p = tiny();
        p.sample.clear();
        let mut bytes = p.encode_to_vec();
        // field 2 (sample), body: 08 01 (loc 1), 10 07 (value 7)
        bytes.extend_from_slice(&[0x12, 0x04, 0x08, 0x01, 0x10, 0x07]);
        let d = decode(&bytes).expect("decodes");
        assert_eq!(d.values, vec![7]);
        assert_eq!(d.stack(0), &[0]);
    }

    #[test]
    fn errors_name_the_problem() {
        let mut p = tiny();
        p.sample[0].location_id = vec![9];
        let e = decode(&p.encode_to_vec()).unwrap_err();
        assert_eq!(
            e,
            Error::DanglingId {
                from: "sample 0".into(),
                kind: "location",
                id: 9
            }
        );

        let mut p = tiny();
        p.sample[0].value = vec![1, 2];
        let e = decode(&p.encode_to_vec()).unwrap_err();
        assert_eq!(
            e,
            Error::ValueCount {
                sample: 0,
                got: 2,
                want: 1
            }
        );

        let mut p = tiny();
        p.function[0].name = 99;
        let e = decode(&p.encode_to_vec()).unwrap_err();
        assert!(matches!(e, Error::StringIndex { index: 99, .. }), "{e}");

        let mut p = tiny();
        p.location[0].line[0].function_id = 4;
        let e = decode(&p.encode_to_vec()).unwrap_err();
        assert!(
            matches!(
                e,
                Error::DanglingId {
                    kind: "function",
                    id: 4,
                    ..
                }
            ),
            "{e}"
        );

        let mut p = tiny();
        p.location.push(p.location[0].clone());
        let e = decode(&p.encode_to_vec()).unwrap_err();
        assert_eq!(
            e,
            Error::DuplicateId {
                kind: "location",
                id: 1
            }
        );

        assert_eq!(decode(b"").unwrap_err(), Error::Empty);
        assert!(matches!(
            decode(b"hello world\n").unwrap_err(),
            Error::NotAProfile { .. }
        ));
        assert!(matches!(
            decode(b"main;foo;bar 12\nmain;foo\n").unwrap_err(),
            Error::Folded { line: 2, .. }
        ));
        let folded = decode(b"main;foo;bar 12\n").expect("folded stacks decode");
        assert_eq!(folded.total(0), 12);
    }

    #[test]
    fn truncated_input_is_an_error_at_every_cut() {
        let raw = tiny().encode_to_vec();
        for cut in 1..raw.len() {
            // Either a clean error or (rarely) a smaller valid profile; never a panic.
            let _ = decode(&raw[..cut]);
        }
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        std::io::Write::write_all(&mut gz, &raw).expect("write");
        let gz = gz.finish().expect("finish");
        let e = decode(&gz[..gz.len() - 6]).unwrap_err();
        assert!(matches!(e, Error::Gzip { .. }), "{e}");
    }

    #[test]
    fn gzip_bomb_stops_at_the_cap() {
        let zeros = vec![0u8; 8 << 20];
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        std::io::Write::write_all(&mut gz, &zeros).expect("write");
        let gz = gz.finish().expect("finish");
        let limits = Limits {
            max_input: 1 << 30,
            max_decoded: 1 << 20,
        };
        let e = decode_with(&gz, limits, &mut |_, _, _| {}).unwrap_err();
        assert_eq!(e, Error::DecompressedTooLarge { limit: 1 << 20 });
    }
}
