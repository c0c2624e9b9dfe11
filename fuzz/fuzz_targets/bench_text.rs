//! `go test -bench` output: any text parses or is refused; comparing a
//! parsed set with itself works.
#![no_main]

use heaplens_view::benchfmt;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(set) = benchfmt::parse(&text) {
        let _ = benchfmt::compare(&set, &set);
    }
});
