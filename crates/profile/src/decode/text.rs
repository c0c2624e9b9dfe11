//! Text profiles: heaplens-text reads legacy text profiles and folded
//! stacks (`root;caller;leaf 123`, see [`heaplens_text::folded`]) into a
//! [`TextProfile`], whose tables this module copies into a [`Profile`]; its
//! errors become this crate's [`Error`]s.

use heaplens_text::TextProfile;

use crate::error::{Error, Result};
use crate::model::{
    Frame, Function, Label, Location, Mapping, Profile, SampleLabelsBuilder, StackLocs, ValueType,
    NONE,
};

/// Reads `data` if it is a legacy text profile: `None` when it is not one
/// (the caller tries other formats), else the profile or the error.
pub(crate) fn legacy(data: &[u8]) -> Option<Result<Profile>> {
    Some(
        heaplens_text::legacy::parse(data)?
            .map(to_profile)
            .map_err(error),
    )
}

/// Reads `data` as folded stacks if it looks like them: `Ok(None)` when it
/// does not (binary data, other text), `Err` when it clearly is folded
/// stacks but a line is wrong.
pub(crate) fn folded(data: &[u8]) -> Result<Option<Profile>> {
    Ok(heaplens_text::folded::read(data)
        .map_err(error)?
        .map(to_profile))
}

/// Parses folded stacks text into a profile with one sample type,
/// `samples`/`count`. Errors name the first bad line (1-based).
pub fn parse_folded(text: &str) -> Result<Profile> {
    heaplens_text::folded::parse(text)
        .map(to_profile)
        .map_err(error)
}

/// This crate's error for one of heaplens-text's.
#[inline(never)]
pub(crate) fn error(e: heaplens_text::Error) -> Error {
    match e {
        heaplens_text::Error::Malformed {
            format,
            line,
            detail,
        } => Error::Malformed {
            format: format.to_string(),
            line,
            detail,
        },
        heaplens_text::Error::Folded { line, detail } => Error::Folded { line, detail },
        heaplens_text::Error::NoSampleTypes => Error::NoSampleTypes,
        heaplens_text::Error::ValueCount { sample, got, want } => {
            Error::ValueCount { sample, got, want }
        }
        heaplens_text::Error::TooManyStackEntries => Error::Invalid {
            what: "the profile has more than 4 billion stack entries".into(),
        },
        heaplens_text::Error::TooLarge { size } => Error::InputTooLarge {
            size,
            limit: u64::from(u32::MAX),
        },
    }
}

/// Copies the tables of `t` into a [`Profile`] (ids are 1-based table
/// positions).
#[inline(never)]
pub(crate) fn to_profile(t: TextProfile) -> Profile {
    let mut p = Profile {
        strings: t.strings,
        sample_types: t
            .sample_types
            .into_iter()
            .map(|(ty, unit)| ValueType { ty, unit })
            .collect(),
        period_type: t.period_type.map(|(ty, unit)| ValueType { ty, unit }),
        period: t.period,
        duration_nanos: t.duration_nanos,
        drop_frames: t.drop_frames,
        keep_frames: t.keep_frames,
        memstats: t.memstats,
        warnings: t.warnings,
        ..Profile::default()
    };
    let mut id = 0;
    for m in t.mappings {
        id += 1;
        p.mappings.push(Mapping {
            id,
            start: m.start,
            limit: m.limit,
            offset: m.offset,
            file: m.file,
            build_id: m.build_id,
            has_functions: false,
        });
    }
    id = 0;
    for f in t.functions {
        id += 1;
        p.functions.push(Function {
            id,
            name: f.name,
            system_name: f.name,
            filename: f.file,
            start_line: 0,
        });
    }
    for f in t.frames {
        p.frames.push(Frame {
            function: f.function,
            line: f.line,
        });
    }
    id = 0;
    for l in t.locations {
        id += 1;
        p.locations.push(Location {
            id,
            address: l.address,
            mapping: l.mapping.unwrap_or(NONE),
            frames_start: l.frames_start,
            frames_end: l.frames_end,
        });
    }
    let total: usize = t.samples.iter().map(|s| s.locations.len()).sum();
    p.stack_locs = StackLocs::for_locations(p.locations.len(), total);
    p.stack_offsets.reserve_exact(t.samples.len() + 1);
    p.stack_offsets.push(0);
    p.values
        .reserve_exact(t.samples.len() * p.sample_types.len());
    let mut labels = SampleLabelsBuilder::default();
    let mut these: Vec<Label> = Vec::new();
    for s in &t.samples {
        p.stack_locs.extend(s.locations.iter().copied());
        p.stack_offsets.push(p.stack_locs.len() as u32);
        p.values.extend_from_slice(&s.values);
        these.clear();
        for &(key, num) in &s.labels {
            these.push(Label {
                key,
                str: 0,
                num,
                unit: 0,
            });
        }
        labels.push(&these);
    }
    p.labels = labels.finish();
    p
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;

    #[test]
    fn go_heap_with_symbols_and_memstats() {
        let text = "heap profile: 1: 4096 [3: 12288] @ heap/8192\n\
            1: 4096 [3: 12288] @ 0x1001 0x2001 0x3001 0x4001\n\
            #\t0x2000\tmain.inner+0x10\t/a/main.go:7\n\
            #\t0x2000\tmain.outer+0x10\t/a/main.go:12\n\
            #\t0x3000\tmain.main+0x20\t/a/main.go:20\n\
            \n\
            \n# runtime.MemStats\n# Alloc = 123\n# NumGC = 2\n";
        let p = crate::decode::decode(text.as_bytes()).unwrap();
        assert_eq!(
            p.sample_type_names(),
            [
                "alloc_objects",
                "alloc_space",
                "inuse_objects",
                "inuse_space"
            ]
        );
        assert_eq!(p.default_sample_type(), 3);
        assert_eq!(p.period, 4096);
        // The leading runtime frame and the trailing goexit have no line.
        assert_eq!(p.stack(0).len(), 2);
        let names: Vec<&str> = p
            .location_frames(p.stack(0).get(0).unwrap())
            .iter()
            .map(|f| p.str(p.functions[f.function as usize].name))
            .collect();
        assert_eq!(names, ["main.inner", "main.outer"]);
        assert_eq!(
            p.memstats,
            vec![
                ("Alloc".to_string(), "123".to_string()),
                ("NumGC".to_string(), "2".to_string())
            ]
        );
        // Unsampled at rate 4096 (the header's heap/8192 is twice the rate):
        // each value times 1 / (1 - e^(-avg/4096)), truncated; the averages
        // are 4096 bytes, so the factor is 1 / (1 - e^-1) = 1.58197670...
        // 3 -> 4, 12288 -> 19439, 1 -> 1, 4096 -> 6479, the values
        // `go tool pprof -raw` shows for this profile.
        assert_eq!(p.values, [4, 19439, 1, 6479]);
    }

    #[test]
    fn malformed_lines_name_the_line() {
        let e = crate::decode::decode(
            b"heap profile: 1: 2 [3: 4] @ heap/2\n1: 2 [3: 4] @ 0x1\nbogus\n",
        )
        .unwrap_err();
        assert!(matches!(e, Error::Malformed { line: 3, .. }), "{e}");
        let e = crate::decode::decode(b"heap profile: 1: 2 [3: 4] @ heap/2\n0: 5 [3: 4] @ 0x1\n")
            .unwrap_err();
        assert!(matches!(e, Error::Malformed { line: 2, .. }), "{e}");
        let e = crate::decode::decode(
            b"heap profile: 1: 2 [3: 4] @ heap/2\n99999999999999999999: 5 [3: 4] @ 0x1\n",
        )
        .unwrap_err();
        assert!(matches!(e, Error::Malformed { line: 2, .. }), "{e}");
    }

    #[test]
    fn huge_values_do_not_overflow() {
        let text = format!(
            "--- contentionz 1 ---\nsampling period = {}\n{} {} @ 0x10\n",
            i64::MAX,
            i64::MAX,
            i64::MAX
        );
        let p = crate::decode::decode(text.as_bytes()).unwrap();
        assert_eq!(p.values[0], i64::MAX);
        let text = format!(
            "heap profile: 1: 2 [3: 4] @ heap/2\n{m}: {m} [{m}: {m}] @ 0x10\n",
            m = i64::MAX
        );
        assert!(crate::decode::decode(text.as_bytes()).is_ok());
    }

    #[test]
    fn reads_stacks_and_sums_equal_ones() {
        let p = parse_folded("# a comment\nmain;a;b 3\n\nmain;a 2\r\nmain;a;b 4\nmain 1\nx 0\n")
            .expect("parses");
        assert_eq!(p.num_types(), 1);
        assert_eq!(p.sample_types[0].ty, "samples");
        assert_eq!(p.num_samples(), 3);
        let names = |s: usize| -> Vec<&str> {
            p.stack(s)
                .iter()
                .map(|l| p.str(p.functions[p.location_frames(l)[0].function as usize].name))
                .collect()
        };
        assert_eq!(names(0), ["b", "a", "main"]);
        assert_eq!(p.value(0, 0), 7);
        assert_eq!(names(1), ["a", "main"]);
        assert_eq!(p.value(1, 0), 2);
        assert_eq!(names(2), ["main"]);
        assert_eq!(
            p.functions.len(),
            3,
            "a stack whose value is 0 adds nothing"
        );
        assert_eq!(p.total(0), 10);
    }

    #[test]
    fn errors_name_the_line() {
        let e = parse_folded("a;b 1\na;c\n").unwrap_err();
        assert!(matches!(e, Error::Folded { line: 2, .. }), "{e}");
        assert!(e.to_string().contains("line 2"), "{e}");
        assert!(folded(b"main;a 3\noops\n").is_err());
        assert!(folded(b"hello world\n").expect("ok").is_none());
    }
}
