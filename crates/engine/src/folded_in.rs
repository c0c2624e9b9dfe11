//! Folded stacks as input: `root;caller;leaf 123`, one stack per line, as
//! written by FlameGraph's stackcollapse scripts, inferno, and `heaplens
//! folded` (see [`crate::folded`]). The text becomes a [`Profile`] with one
//! sample type, `samples`/`count`.
//!
//! The reader is [`heaplens_text::folded`] (which documents the format and
//! how it is detected); this module turns its output into a [`Profile`].

use crate::error::Result;
use crate::model::Profile;
use crate::text::{error, to_profile};

/// Reads `data` as folded stacks if it looks like them: `Ok(None)` when it
/// does not (binary data, other text), `Err` when it clearly is folded
/// stacks but a line is wrong.
pub fn read(data: &[u8]) -> Result<Option<Profile>> {
    Ok(heaplens_text::folded::read(data)
        .map_err(error)?
        .map(to_profile))
}

/// Parses folded stacks text into a profile with one sample type,
/// `samples`/`count`. Errors name the first bad line (1-based).
pub fn parse(text: &str) -> Result<Profile> {
    heaplens_text::folded::parse(text)
        .map(to_profile)
        .map_err(error)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;

    #[test]
    fn reads_stacks_and_sums_equal_ones() {
        let p = parse("# a comment\nmain;a;b 3\n\nmain;a 2\r\nmain;a;b 4\nmain 1\nx 0\n")
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
        let e = parse("a;b 1\na;c\n").unwrap_err();
        assert!(matches!(e, Error::Folded { line: 2, .. }), "{e}");
        assert!(e.to_string().contains("line 2"), "{e}");
        assert!(read(b"main;a 3\noops\n").is_err());
        assert!(read(b"hello world\n").expect("ok").is_none());
    }
}
