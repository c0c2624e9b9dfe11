//! Share-link fragments: any text parses or is refused in words; a parsed
//! link writes a fragment that parses back to the same link.
#![no_main]

use heaplens_view::share::Link;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(parsed) = Link::parse(text) {
        let again = Link::parse(&parsed.link.fragment()).expect("a written fragment parses");
        assert_eq!(again.link, parsed.link);
        for s in [&parsed.link.profile, &parsed.link.base].into_iter().flatten() {
            let _ = s.bytes();
        }
    }
});
