//! `GODEBUG=gctrace=1` logs: any text is read or refused; what is read
//! summarises, compares with itself, charts, and its compact series
//! round-trips.
#![no_main]

use heaplens_view::gc;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(log) = gc::parse(&text) {
        for p in &log.processes {
            let _ = gc::summary(&p.gcs);
            let _ = gc::compare(&p.gcs, &p.gcs);
            let _ = gc::chart::charts(Some(&p.gcs), &p.gcs, 200);
            let bytes = gc::series::encode(&p.gcs);
            assert_eq!(gc::series::decode(&bytes).map(|g| g.len()), Ok(p.gcs.len()));
        }
    }
    let _ = gc::series::decode(data);
});
