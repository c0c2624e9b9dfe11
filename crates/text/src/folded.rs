//! Folded stacks as input: `root;caller;leaf 123`, one stack per line, as
//! written by FlameGraph's stackcollapse scripts, inferno, and `heaplens
//! folded` (`heaplens_analysis::folded`). The text becomes a
//! [`TextProfile`] with one sample type, `samples`/`count`.
//!
//! The format, as read here:
//! - Frames are separated by `;`, root first. Each distinct frame name is
//!   one function (and one location); names are kept exactly as written
//!   (inferno's `_[k]`/`_[j]` suffixes, `func+0x1a`, ``module`func``).
//! - The value is the last token, after the last space (or tab): a whole
//!   number, possibly negative (heaplens writes net values of a diff that
//!   way). Decimals (`12.5`) are refused rather than rounded, and so is a
//!   second trailing number (`a;b 10 12`, a differential folded file).
//! - Blank lines and lines starting with `#` are skipped; any other line
//!   without a value is an error naming the line.
//! - Equal stacks are summed (saturating at the i64 range, with a warning);
//!   lines whose value is 0 add no sample.
//!
//! What round trips through `heaplens folded`: every stack and value at
//! function granularity, except that a `;` inside a name was written as `:`
//! and a line break as a space (the format cannot carry them).
//!
//! Detection ([`read`]): the first line that is not blank or a comment must
//! be `stack value`. When that line has a `;` the input is taken as folded
//! and any bad line is reported; a first line without `;` (a one-frame
//! stack such as `main 5`) is taken as folded only if the whole input
//! parses, so other text keeps its "not a profile" error. That first line
//! must hold no control character but tab (binary data starts that way), so
//! a name with one there is not recognised; [`parse`] still reads it.

use rustc_hash::FxHashMap as HashMap;

use crate::{Error, Result, TextFrame, TextFunction, TextLocation, TextProfile, TextSample};

/// Reads `data` as folded stacks if it looks like them: `Ok(None)` when it
/// does not (binary data, other text), `Err` when it clearly is folded
/// stacks but a line is wrong.
pub fn read(data: &[u8]) -> Result<Option<TextProfile>> {
    // The first line with a stack decides; it must be text (binary data,
    // such as a protobuf profile, has control bytes early on). Later lines
    // may hold any byte but a line break: names can.
    let Some(first) = data
        .split(|&b| b == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
        .find(|l| !skipped(&String::from_utf8_lossy(l)))
    else {
        return Ok(None);
    };
    if first.iter().any(|&b| b < 0x20 && b != b'\t') {
        return Ok(None);
    }
    let first = String::from_utf8_lossy(first);
    if parse_line(&first).is_err() {
        return Ok(None);
    }
    let text = String::from_utf8_lossy(data);
    if first.contains(';') {
        parse(&text).map(Some)
    } else {
        Ok(parse(&text).ok())
    }
}

/// Whether a line carries no stack: blank, or a `#` comment.
fn skipped(line: &str) -> bool {
    line.trim().is_empty() || line.starts_with('#')
}

/// One line's stack (root first, not yet split) and value, or what is
/// wrong with it.
fn parse_line(line: &str) -> std::result::Result<(&str, i64), String> {
    const SHAPE: &str = "expected `frame;frame;... count`";
    let Some(at) = line.rfind([' ', '\t']) else {
        return Err(format!("no value at the end of the line ({SHAPE})"));
    };
    let (stack, token) = (&line[..at], &line[at + 1..]);
    let value = match token.parse::<i64>() {
        Ok(v) => v,
        Err(_) if is_number(token) && token.contains('.') => {
            return Err(format!(
                "the value {token} is not a whole number (heaplens reads integer counts)"
            ))
        }
        Err(_) if is_number(token) => {
            return Err(format!("the value {token} is too large"));
        }
        Err(_) => {
            let shown: String = token.chars().take(40).collect();
            return Err(format!("{shown:?} is not a number ({SHAPE})"));
        }
    };
    if stack.trim().is_empty() {
        return Err(format!("no stack before the value ({SHAPE})"));
    }
    if let Some((_, last)) = stack.rsplit_once([' ', '\t']) {
        if is_number(last) {
            return Err(
                "two values at the end of the line (a differential folded file?); heaplens reads one value per stack"
                    .to_string(),
            );
        }
    }
    if stack.split(';').any(str::is_empty) {
        return Err("an empty frame name (`;` at the start or end, or two in a row)".to_string());
    }
    Ok((stack, value))
}

/// `-?digits[.digits]`.
fn is_number(s: &str) -> bool {
    let s = s.strip_prefix('-').unwrap_or(s);
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    !int.is_empty()
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.bytes().all(|b| b.is_ascii_digit())
}

/// Parses folded stacks text into a profile with one sample type,
/// `samples`/`count`: one function, frame and location per distinct frame
/// name. Errors name the first bad line (1-based).
pub fn parse(text: &str) -> Result<TextProfile> {
    let mut p = TextProfile {
        strings: vec![String::new(), "samples".to_string(), "count".to_string()],
        sample_types: vec![("samples".to_string(), "count".to_string())],
        ..TextProfile::default()
    };
    let mut by_name: HashMap<&str, u32> = HashMap::default();
    let mut by_stack: HashMap<Vec<u32>, usize> = HashMap::default();
    let mut saturated = false;
    let mut stack: Vec<u32> = Vec::new();
    for (i, line) in text.split('\n').enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if skipped(line) {
            continue;
        }
        let (frames, value) = parse_line(line).map_err(|detail| Error::Folded {
            line: i + 1,
            detail,
        })?;
        if value == 0 {
            continue;
        }
        stack.clear();
        for name in frames.split(';') {
            let next = by_name.len() as u32;
            let f = *by_name.entry(name).or_insert(next);
            if f == next {
                p.strings.push(name.to_string());
            }
            stack.push(f);
        }
        // Leaf first, as in pprof.
        stack.reverse();
        match by_stack.get(&stack) {
            Some(&s) => {
                let v = &mut p.samples[s].values[0];
                let (sum, overflow) = v.overflowing_add(value);
                if overflow {
                    saturated = true;
                    *v = if value > 0 { i64::MAX } else { i64::MIN };
                } else {
                    *v = sum;
                }
            }
            None => {
                by_stack.insert(stack.clone(), p.samples.len());
                p.samples.push(TextSample {
                    locations: stack.clone(),
                    values: vec![value],
                    labels: Vec::new(),
                });
            }
        }
    }
    let too_large = Error::TooLarge {
        size: text.len() as u64,
    };
    let n_functions = by_name.len();
    if n_functions >= u32::MAX as usize {
        return Err(too_large);
    }
    let total_locs: usize = p.samples.iter().map(|s| s.locations.len()).sum();
    if total_locs > u32::MAX as usize {
        return Err(too_large);
    }
    for f in 0..n_functions as u32 {
        p.functions.push(TextFunction {
            name: f + 3,
            file: 0,
        });
        p.frames.push(TextFrame {
            function: f,
            line: 0,
        });
        p.locations.push(TextLocation {
            address: 0,
            mapping: None,
            frames_start: f,
            frames_end: f + 1,
        });
    }
    if saturated {
        p.warnings.push(
            "the values of some stack add up to more than a 64-bit count; kept at the largest value"
                .to_string(),
        );
    }
    Ok(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> (usize, String) {
        match parse(text) {
            Err(Error::Folded { line, detail }) => (line, detail),
            other => panic!("{text:?}: expected a folded error, got {other:?}"),
        }
    }

    /// Sample `s`'s frame names, leaf first.
    fn names(p: &TextProfile, s: usize) -> Vec<&str> {
        p.samples[s]
            .locations
            .iter()
            .map(|&l| {
                let frame = p.frames[p.locations[l as usize].frames_start as usize];
                p.strings[p.functions[frame.function as usize].name as usize].as_str()
            })
            .collect()
    }

    #[test]
    fn reads_stacks_and_sums_equal_ones() {
        let p = parse("# a comment\nmain;a;b 3\n\nmain;a 2\r\nmain;a;b 4\nmain 1\nx 0\n")
            .expect("parses");
        assert_eq!(
            p.sample_types,
            [("samples".to_string(), "count".to_string())]
        );
        assert_eq!(p.samples.len(), 3);
        assert_eq!(names(&p, 0), ["b", "a", "main"]);
        assert_eq!(p.samples[0].values, [7]);
        assert_eq!(names(&p, 1), ["a", "main"]);
        assert_eq!(p.samples[1].values, [2]);
        assert_eq!(names(&p, 2), ["main"]);
        assert_eq!(
            p.functions.len(),
            3,
            "a stack whose value is 0 adds nothing"
        );
    }

    #[test]
    fn names_are_kept_as_written() {
        let p = parse("a b (x);mod`f+0x1a;k_[k] -5\n").expect("parses");
        let names: Vec<&str> = p
            .functions
            .iter()
            .map(|f| p.strings[f.name as usize].as_str())
            .collect();
        assert_eq!(names, ["a b (x)", "mod`f+0x1a", "k_[k]"]);
        assert_eq!(p.samples[0].values, [-5]);
    }

    #[test]
    fn bad_lines_are_named() {
        assert_eq!(err("a;b 1\na;c\n").0, 2);
        assert!(err("a;b 1\na;c\n").1.contains("no value"));
        let (line, detail) = err("a;b 1\n\na;c 12.5\n");
        assert_eq!(line, 3);
        assert!(detail.contains("not a whole number"), "{detail}");
        assert!(err("a;b 99999999999999999999\n").1.contains("too large"));
        assert!(err("a;b 10 12\n").1.contains("differential"));
        assert!(err("a;;b 1\n").1.contains("empty frame"));
        assert!(err(";b 1\n").1.contains("empty frame"));
        assert!(err(" 1\n").1.contains("no stack"));
        assert!(err("a;b x1\n").1.contains("not a number"));
        let e = parse("a;b 1\na;c\n").unwrap_err().to_string();
        assert!(e.contains("line 2"), "{e}");
    }

    #[test]
    fn sums_saturate_with_a_warning() {
        let p = parse(&format!("a;b {}\na;b {}\n", i64::MAX, 5)).expect("parses");
        assert_eq!(p.samples[0].values, [i64::MAX]);
        assert_eq!(p.warnings.len(), 1);
    }

    #[test]
    fn detection() {
        assert!(read(b"main;a 3\n").expect("ok").is_some());
        assert!(read(b"main 3\nmain;a 4\n").expect("ok").is_some());
        // Without `;` on the first line, other text keeps its own error.
        assert!(read(b"hello world\n").expect("ok").is_none());
        assert!(read(b"version 2\nsome prose here\n").expect("ok").is_none());
        // With one, a bad line is reported.
        assert!(read(b"main;a 3\noops\n").is_err());
        assert!(read(&[0x0a, 0x04, 0x08, 0x01, 0x10, 0x02])
            .expect("ok")
            .is_none());
        assert!(read(b"").expect("ok").is_none());
    }
}
