//! Reference parity: for every profile and sample type listed in
//! `tests/golden/pprof/MANIFEST.tsv`, heaplens's top table equals what
//! `go tool pprof -top -nodefraction=0 -nodecount=1000000` printed (made by
//! `scripts/make-goldens`): every row's name, flat, cum and inline mark, and
//! the whole text apart from the `Time:` line.
//!
//! Legacy text profiles are compared too. Go's `debug=1` text carries `#`
//! symbol lines that pprof ignores (it shows such a profile unsymbolized)
//! while heaplens names the frames from them; such a file is compared with
//! its `#` symbol lines removed, which changes nothing for pprof, and
//! `legacy.rs` checks the named version against the protobuf written at the
//! same moment.

mod common;

use heaplens_analysis::Granularity;
use heaplens_profile::decode;

#[test]
fn top_equals_go_tool_pprof() {
    let root = common::repo_root();
    let dir = root.join("tests/golden/pprof");
    let manifest =
        std::fs::read_to_string(dir.join("MANIFEST.tsv")).expect("tests/golden/pprof/MANIFEST.tsv");
    let (mut checked, mut rows_checked) = (0, 0);
    let mut cache: Option<(String, heaplens_profile::Profile)> = None;
    let mut failures = Vec::new();
    let mut lossy: Vec<String> = Vec::new();
    for line in manifest.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let cols: Vec<&str> = line.split('\t').collect();
        let (golden, input, granularity, index, command) =
            (cols[0], cols[1], cols[2], cols[3], cols[6]);
        let unit = command
            .split(' ')
            .find_map(|a| a.strip_prefix("-unit="))
            .unwrap_or("");
        // pprof prints names byte for byte; heaplens reads names as UTF-8
        // with each invalid byte shown as U+FFFD. A golden that is not
        // UTF-8 is compared after that same conversion (see the README).
        let want_bytes = std::fs::read(dir.join(golden)).expect("golden file");
        let want_text = match String::from_utf8(want_bytes) {
            Ok(t) => t,
            Err(e) => {
                lossy.push(golden.to_string());
                String::from_utf8_lossy(e.as_bytes()).into_owned()
            }
        };
        if cache.as_ref().is_none_or(|(name, _)| name != input) {
            let bytes = std::fs::read(root.join(input)).unwrap_or_else(|e| panic!("{input}: {e}"));
            let bytes = without_symbol_lines(bytes);
            cache = Some((
                input.to_string(),
                decode(&bytes).unwrap_or_else(|e| panic!("{input}: {e}")),
            ));
        }
        let Some((_, p)) = cache.as_ref() else {
            unreachable!()
        };
        let g = Granularity::parse(granularity).expect("granularity");
        match common::compare_top(p, g, index.parse().expect("sample index"), unit, &want_text) {
            Ok(n) => rows_checked += n,
            Err(e) => failures.push(format!(
                "{golden} ({input} {granularity} type {index}): {e}"
            )),
        }
        checked += 1;
    }
    assert!(
        failures.is_empty(),
        "{} of {} goldens differ:\n{}",
        failures.len(),
        checked,
        failures.join("\n")
    );
    assert!(checked >= 100, "only {checked} goldens checked");
    // The one profile with names that are not UTF-8 (every byte value,
    // line breaks included) is compared like the others.
    assert_eq!(
        lossy,
        ["corpus/pyroscope/invalid_utf8.pb.gz/functions.0.cpu.txt"],
        "goldens compared after the lossy conversion"
    );
    eprintln!("{checked} goldens, {rows_checked} rows equal to go tool pprof");
}

/// A legacy text profile without its `#\t0x…` symbol lines; anything else
/// as is.
fn without_symbol_lines(bytes: Vec<u8>) -> Vec<u8> {
    let is_text = bytes.starts_with(b"heap profile:") || bytes.starts_with(b"goroutine profile:");
    if !is_text {
        return bytes;
    }
    let text = String::from_utf8_lossy(&bytes);
    text.split_inclusive('\n')
        .filter(|l| !l.starts_with("#\t0x"))
        .collect::<String>()
        .into_bytes()
}
