//! The error corpus: hostile and broken inputs give the right error (never a
//! panic), and extreme but valid shapes (100 000-frame stacks, negative
//! values) work end to end.

// Test helpers: a failure stops the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::Builder;
use heaplens_analysis::{folded, top, CallTree, Granularity, TopOptions};
use heaplens_profile::{decode, proto, Error};
use prost::Message;

fn gzip(b: &[u8]) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    std::io::Write::write_all(&mut gz, b).expect("write");
    gz.finish().expect("finish")
}

fn small() -> Builder {
    let mut s = Builder::new(&[("alloc_objects", "count"), ("alloc_space", "bytes")]);
    s.sample(&["malloc", "work", "main"], &[2, 64])
        .sample(&["work", "main"], &[1, 16]);
    s
}

#[test]
fn empty_and_garbage() {
    assert_eq!(decode(b"").unwrap_err(), Error::Empty);
    assert!(matches!(
        decode(b"\x00\x01\x02garbage\xff\xfe").unwrap_err(),
        Error::Protobuf { .. } | Error::NotAProfile { .. }
    ));
    let e = decode(b"this is not a profile at all\n").unwrap_err();
    assert!(matches!(e, Error::NotAProfile { .. }), "{e}");
    let e = decode(b"{\"$schema\": \"speedscope\"}").unwrap_err();
    assert!(e.to_string().contains("JSON"), "{e}");
    // Gzip of nothing.
    assert_eq!(decode(&gzip(b"")).unwrap_err(), Error::Empty);
    // Gzip of garbage text.
    assert!(matches!(
        decode(&gzip(b"hello there, not protobuf")).unwrap_err(),
        Error::NotAProfile { .. }
    ));
}

#[test]
fn truncated_gzip_and_protobuf() {
    let raw = small().bytes();
    let gz = gzip(&raw);
    for cut in [3, gz.len() / 2, gz.len() - 1] {
        let e = decode(&gz[..cut]).unwrap_err();
        assert!(matches!(e, Error::Gzip { .. }), "cut {cut}: {e}");
    }
    // Cutting the raw protobuf anywhere never panics; most cuts are errors.
    let errors = (1..raw.len())
        .filter(|&c| decode(&raw[..c]).is_err())
        .count();
    assert!(
        errors > raw.len() / 2,
        "only {errors} of {} cuts were errors",
        raw.len()
    );
}

#[test]
fn dangling_ids_and_wrong_value_counts() {
    let mut s = small();
    s.p.sample[0].location_id.push(99);
    assert_eq!(
        decode(&s.bytes()).unwrap_err(),
        Error::DanglingId {
            from: "sample 0".into(),
            kind: "location",
            id: 99
        }
    );

    let mut s = small();
    s.p.location[0].line[0].function_id = 42;
    assert!(matches!(
        decode(&s.bytes()).unwrap_err(),
        Error::DanglingId {
            kind: "function",
            id: 42,
            ..
        }
    ));

    // A dangling mapping is survivable: a warning, as pprof accepts it.
    let mut s = small();
    s.p.location[0].mapping_id = 7;
    let p = decode(&s.bytes()).expect("dangling mapping is survivable");
    assert_eq!(p.warnings.len(), 1);

    let mut s = small();
    s.p.sample[1].value.pop();
    assert_eq!(
        decode(&s.bytes()).unwrap_err(),
        Error::ValueCount {
            sample: 1,
            got: 1,
            want: 2
        }
    );

    let mut s = small();
    s.p.function[0].filename = 1000;
    let e = decode(&s.bytes()).unwrap_err();
    assert!(matches!(e, Error::StringIndex { index: 1000, .. }), "{e}");
    assert!(e.to_string().contains("filename"), "{e}");

    let mut s = small();
    s.p.location[1].id = s.p.location[0].id;
    assert!(matches!(
        decode(&s.bytes()).unwrap_err(),
        Error::DuplicateId {
            kind: "location",
            ..
        }
    ));

    let mut s = small();
    s.p.function[0].id = 0;
    assert_eq!(
        decode(&s.bytes()).unwrap_err(),
        Error::ReservedId { kind: "function" }
    );

    let mut s = small();
    s.p.sample_type.clear();
    assert_eq!(decode(&s.bytes()).unwrap_err(), Error::NoSampleTypes);

    let mut s = small();
    s.p.string_table[0] = b"x".to_vec();
    assert_eq!(decode(&s.bytes()).unwrap_err(), Error::StringTableStart);
}

#[test]
fn size_limits() {
    let raw = small().bytes();
    let limits = heaplens_profile::Limits {
        max_input: 10,
        max_decoded: 1 << 20,
    };
    let e = heaplens_profile::decode_with(&raw, limits, &mut |_, _, _| {}).unwrap_err();
    assert!(matches!(e, Error::InputTooLarge { limit: 10, .. }), "{e}");
    // A 64 MiB gzip bomb stops at a 1 MiB cap.
    let bomb = gzip(&vec![0u8; 64 << 20]);
    let limits = heaplens_profile::Limits {
        max_input: 1 << 30,
        max_decoded: 1 << 20,
    };
    let e = heaplens_profile::decode_with(&bomb, limits, &mut |_, _, _| {}).unwrap_err();
    assert_eq!(e, Error::DecompressedTooLarge { limit: 1 << 20 });
    assert!(e.to_string().contains("1.0 MiB"), "{e}");
}

#[test]
fn hundred_thousand_frames_deep() {
    const DEPTH: usize = 100_000;
    // One deep stack, and a recursive one: f0 called from itself 1000 times.
    let mut p = common::deep_chain(DEPTH);
    p.sample.push(proto::Sample {
        location_id: vec![1; 1000],
        value: vec![2],
        label: vec![],
    });
    let prof = decode(&p.encode_to_vec()).expect("deep profile decodes");
    let tree = CallTree::build(&prof, Granularity::Functions);
    assert!(tree.len() > DEPTH);
    let t = top(&prof, &tree, &TopOptions::new(0));
    let f0 = t.rows.iter().find(|r| r.name == "f0").expect("f0 row");
    // f0 is the leaf of both samples; recursion counts its cum once.
    assert_eq!((f0.flat, f0.cum), (5, 5));
    let root = t
        .rows
        .iter()
        .find(|r| r.name == format!("f{}", DEPTH - 1))
        .expect("root row");
    assert_eq!((root.flat, root.cum), (0, 3));
    let text = folded::folded_string(&prof, &tree, 0);
    assert_eq!(text.lines().count(), 2);
    assert!(text.lines().all(|l| l.ends_with(" 3") || l.ends_with(" 2")));
}

#[test]
fn negative_values_are_accepted() {
    let mut s = Builder::new(&[("alloc_space", "bytes")]);
    s.sample(&["a", "main"], &[-100])
        .sample(&["b", "main"], &[40]);
    let p = decode(&s.bytes()).expect("negative values decode");
    let tree = CallTree::build(&p, Granularity::Functions);
    let t = top(&p, &tree, &TopOptions::new(0));
    assert_eq!(t.total, 140);
    let rows: Vec<(&str, i64, i64)> = t
        .rows
        .iter()
        .map(|r| (r.name.as_str(), r.flat, r.cum))
        .collect();
    assert_eq!(
        rows,
        vec![("a", -100, -100), ("b", 40, 40), ("main", 0, -60)]
    );
}

/// Inputs the fuzzers (`scripts/fuzz`) found crashing something, kept in
/// `tests/fuzz-found/` once fixed, and what each now gives: `true` when it
/// is accepted (a profile decodes; a link parses), `false` when it is
/// refused with an error. Files named `share-link-*` are link fragments,
/// the rest profiles. A new file goes here with its outcome.
const FUZZ_FOUND: &[(&str, bool)] = &[
    // A `--- threadz` profile whose memory map's `$name`s name each other
    // (substituting them once grew a line to gigabytes).
    ("decode-threadz-map-substitution", true),
    // A link whose inline profile data (`p=`) is padded base64; it parses.
    ("share-link-padded-data", true),
];

/// Each input of [`FUZZ_FOUND`] gives its recorded outcome; an accepted
/// link survives a round trip, and an accepted profile goes through every
/// analysis the decoder's fuzz target runs with consistent answers: the top
/// table's total is the profile's, its rows are sorted by |flat|, and the
/// folded stacks add up to the sum of the rows' flat values.
#[test]
fn what_the_fuzzers_found_stays_fixed() {
    let dir = common::repo_root().join("crates/view/tests/fuzz-found");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("fuzz-found directory")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let listed: Vec<&str> = FUZZ_FOUND.iter().map(|(n, _)| *n).collect();
    assert_eq!(names, listed, "tests/fuzz-found/ and FUZZ_FOUND differ");
    for &(name, accepted) in FUZZ_FOUND {
        let bytes = std::fs::read(dir.join(name)).expect("read");
        if name.starts_with("share-link") {
            let text = String::from_utf8_lossy(&bytes);
            let parsed = heaplens_view::share::Link::parse(&text);
            assert_eq!(parsed.is_ok(), accepted, "{name}: {:?}", parsed.err());
            if let Ok(p) = parsed {
                let again = heaplens_view::share::Link::parse(&p.link.fragment());
                assert_eq!(again.map(|a| a.link).as_ref(), Ok(&p.link), "{name}");
            }
            continue;
        }
        let decoded = decode(&bytes);
        assert_eq!(decoded.is_ok(), accepted, "{name}: {:?}", decoded.err());
        let Ok(p) = decoded else { continue };
        for g in [
            Granularity::Functions,
            Granularity::Lines,
            Granularity::Addresses,
        ] {
            let tree = CallTree::build(&p, g);
            for ty in 0..p.num_types() {
                let t = top(&p, &tree, &TopOptions::new(ty));
                assert_eq!(t.total, p.total(ty), "{name} {g:?} {ty}: total");
                assert!(
                    t.rows
                        .windows(2)
                        .all(|w| w[0].flat.wrapping_abs() >= w[1].flat.wrapping_abs()),
                    "{name} {g:?} {ty}: rows not sorted by flat"
                );
                let flat = t.rows.iter().fold(0i64, |a, r| a.wrapping_add(r.flat));
                let text = folded::folded_string(&p, &tree, ty);
                let folded = text.lines().fold(0i64, |a, l| {
                    let v = l.rsplit(' ').next().and_then(|v| v.parse::<i64>().ok());
                    a.wrapping_add(v.unwrap_or_else(|| panic!("{name}: folded line {l:?}")))
                });
                assert_eq!(folded, flat, "{name} {g:?} {ty}: folded vs top");
            }
        }
    }
}
