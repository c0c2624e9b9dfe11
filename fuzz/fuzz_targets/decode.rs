//! The decoder on any bytes (raw protobuf, gzip, text): an answer or an
//! error, never a panic, with limits small enough to keep each run quick.
#![no_main]

use heaplens_profile::{decode_with, Limits};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = Limits {
        max_input: 1 << 20,
        max_decoded: 16 << 20,
    };
    let _ = decode_with(data, limits, &mut |_, _, _| {});
});
