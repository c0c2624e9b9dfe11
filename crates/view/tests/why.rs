//! The compiler's diagnostics joined to a profile's lines, on the real data
//! of the same build (tests/testdata/escape: Go 1.19's -m and -m=2 for the
//! scheduler test package; tests/testdata/scheduler: its profiles). Every
//! allocating line of the scheduler's own code that the compiler reports
//! (EXPECTED.tsv, made from the -m text with grep/awk) and that has a value
//! in the profile gets its diagnostic and pprof's own flat for that line
//! (`go tool pprof -top -lines`, the checked-in golden); the escaping share
//! is the sum of those flats over pprof's total.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::collections::{BTreeMap, BTreeSet};

use heaplens_view::why;

fn read(rel: &str) -> String {
    std::fs::read_to_string(common::repo_root().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// pprof's flat per (file, line) from a `-top -lines` golden, and its total.
fn pprof_lines(variant: &str) -> (BTreeMap<(String, i64), i64>, i64) {
    let text = read(&format!(
        "tests/golden/pprof/testdata/scheduler/{variant}.prof/lines.1.alloc_space.txt"
    ));
    let total: i64 = text
        .lines()
        .find_map(|l| l.strip_prefix("Showing nodes accounting for "))
        .and_then(|l| l.rsplit(" of ").next())
        .and_then(|t| t.strip_suffix("B total"))
        .map(|t| t.parse().unwrap())
        .expect("total");
    let mut flat = BTreeMap::new();
    for r in common::parse_rows(&text) {
        // Rows without a file:line (no source information) are not lines.
        let Some((file, line)) = r.name.rsplit(' ').next().and_then(|f| f.rsplit_once(':')) else {
            continue;
        };
        let Ok(line) = line.parse::<i64>() else {
            continue;
        };
        *flat.entry((file.to_string(), line)).or_insert(0) += r.flat;
    }
    (flat, total)
}

#[test]
fn every_reported_allocating_line_with_a_value_gets_its_diagnostic() {
    for variant in ["baseline", "optimized"] {
        let p = heaplens_profile::decode(&common::scheduler(&format!("{variant}.prof"))).unwrap();
        let ty = p.sample_type_index(Some("alloc_space")).unwrap();
        let diags = why::parse(&read(&format!("tests/testdata/escape/{variant}.m.txt"))).unwrap();
        let why::Analysis {
            index,
            rows,
            summary,
            ..
        } = why::analyse(&p, ty, &diags);
        assert!(index.unmatched.is_empty(), "{:?}", index.unmatched);
        let (pprof, total) = pprof_lines(variant);
        assert_eq!(summary.total, total);
        let expected: BTreeSet<(String, i64, String)> = read("tests/testdata/escape/EXPECTED.tsv")
            .lines()
            .filter_map(|l| {
                let f: Vec<&str> = l.split('\t').collect();
                (f[0] == variant)
                    .then(|| (f[1].to_string(), f[2].parse().unwrap(), f[3].to_string()))
            })
            .collect();
        assert!(expected.len() > 40, "{variant}: {}", expected.len());
        let mut want_escaping = 0;
        let mut lines_seen = BTreeSet::new();
        let mut with_value = 0;
        for (base, line, kind) in &expected {
            let file = format!("heaplens/testgen/scheduler/{base}");
            let Some(&flat) = pprof.get(&(file.clone(), *line)) else {
                continue;
            };
            if flat == 0 {
                continue;
            }
            with_value += 1;
            let row = rows
                .iter()
                .find(|r| r.file == file && r.line == *line)
                .unwrap_or_else(|| panic!("{variant}: no row for {file}:{line}"));
            assert_eq!(row.flat, flat, "{variant}: {file}:{line}");
            let want = if kind == "moved" {
                why::Kind::MovedToHeap
            } else {
                why::Kind::Escapes
            };
            assert!(
                row.diags.iter().any(|d| d.kind == want),
                "{variant}: {file}:{line} {:?}",
                row.diags
            );
            if lines_seen.insert((file, *line)) {
                want_escaping += flat;
            }
        }
        assert!(
            with_value >= 10,
            "{variant}: only {with_value} reported lines have a value"
        );
        assert_eq!(summary.escaping, want_escaping, "{variant}");
        assert_eq!(summary.escaping_sites, lines_seen.len(), "{variant}");
        // The TSV: one row per line, largest flat first, raw integers.
        let tsv = why::tsv(&rows);
        let flats: Vec<i64> = tsv
            .lines()
            .map(|l| l.split('\t').nth(2).unwrap().parse().unwrap())
            .collect();
        assert!(flats.windows(2).all(|w| w[0] >= w[1]));
        assert!(tsv.lines().all(|l| l.split('\t').count() == 5));
    }
}

#[test]
fn the_baseline_reports_hot_functions_not_inlined_with_the_compilers_words() {
    let p = heaplens_profile::decode(&common::scheduler("baseline.prof")).unwrap();
    let ty = p.sample_type_index(Some("alloc_space")).unwrap();
    let diags = why::parse(&read("tests/testdata/escape/baseline.m2.txt")).unwrap();
    let summary = why::analyse(&p, ty, &diags).summary;
    let create = summary
        .not_inlined
        .iter()
        .find(|n| n.function == "heaplens/testgen/scheduler.(*Scheduler).Create")
        .expect("Create is hot and not inlined");
    assert!(
        create.why.starts_with("function too complex: cost ")
            && create.why.ends_with("exceeds budget 80"),
        "{}",
        create.why
    );
    assert!(summary.not_inlined.windows(2).all(|w| w[0].cum >= w[1].cum));
}

#[test]
fn diagnostics_of_another_build_match_nothing_and_say_so() {
    let p = heaplens_profile::decode(&common::scheduler("baseline.prof")).unwrap();
    let diags = why::parse(&read("tests/testdata/escape/variants/shop-app.m.txt")).unwrap();
    let why::Analysis {
        index,
        rows,
        summary,
        ..
    } = why::analyse(&p, 1, &diags);
    assert!(rows.is_empty() && summary.escaping == 0);
    let note = index.nothing_matched("shop-app.m.txt").expect("a note");
    assert!(note.contains("another build or checkout"), "{note}");
}

/// The allocating diagnostics of a `-m` text at lines with a flat value
/// in pprof's `-lines` table, read with plain string splitting.
fn allocating_at_flat_lines(variant: &str) -> (usize, i64) {
    let (pprof, _) = pprof_lines(variant);
    let text = read(&format!("tests/testdata/escape/{variant}.m.txt"));
    let (mut count, mut lines) = (0, BTreeSet::new());
    for l in text.lines() {
        let Some(rest) = l.strip_prefix("scheduler/") else {
            continue;
        };
        let mut parts = rest.splitn(4, ':');
        let (Some(file), Some(line), Some(_col), Some(msg)) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            continue;
        };
        let allocating =
            msg.ends_with("escapes to heap") || msg.trim().starts_with("moved to heap");
        let key = (
            format!("heaplens/testgen/scheduler/{file}"),
            line.parse().unwrap(),
        );
        if allocating && pprof.get(&key).is_some_and(|&f| f != 0) {
            count += 1;
            lines.insert(key);
        }
    }
    let value = lines.iter().map(|k| pprof[k]).sum();
    (count, value)
}

#[test]
fn a_diff_compares_the_base_builds_diagnostics_with_the_new_ones() {
    let base = heaplens_profile::decode(&common::scheduler("baseline.prof")).unwrap();
    let new = heaplens_profile::decode(&common::scheduler("optimized.prof")).unwrap();
    let loaded = |v: &str| why::view::Loaded {
        names: vec![format!("{v}.m.txt")],
        diags: why::parse(&read(&format!("tests/testdata/escape/{v}.m.txt"))).unwrap(),
    };
    let (lb, ln) = (loaded("baseline"), loaded("optimized"));
    let (p, split) =
        heaplens_profile::diff::combine_split(&new, &base, Default::default()).unwrap();
    let ty = p.sample_type_index(Some("alloc_space")).unwrap();
    let sides = why::view::Sides {
        new: Some(&ln),
        base: Some(&lb),
    };
    let (shown, base_side) = why::view::analyse(sides, &p, ty, Some(split)).unwrap();
    let base_side = base_side.expect("both sides' diagnostics: the base is analysed");
    let c = why::compare::compare(&base_side, &shown);
    let (base_count, base_value) = allocating_at_flat_lines("baseline");
    let (new_count, new_value) = allocating_at_flat_lines("optimized");
    // Each side is its own profile with its own build's diagnostics.
    assert_eq!(c.base.escaping, base_value);
    assert_eq!(c.new.escaping, new_value);
    assert_eq!(c.base.total, pprof_lines("baseline").1);
    assert_eq!(c.new.total, pprof_lines("optimized").1);
    // Removed and added are what the two multisets of sites differ by.
    assert_eq!(
        c.removed.len() as i64 - c.added.len() as i64,
        base_count as i64 - new_count as i64
    );
    assert!(c.removed.len() >= 10 && !c.added.is_empty(), "{c:?}");
    let base_text = read("tests/testdata/escape/baseline.m.txt");
    for s in &c.removed {
        assert!(base_text.contains(&s.message), "{s:?} is not in the base's");
    }
    // The optimized build allocates much less at escaping lines, and says so.
    assert!(new_value * 2 < base_value);
    let text = why::compare::text(&c, "alloc_space", "bytes");
    let first = text.lines().next().unwrap();
    assert!(
        first.starts_with(&format!(
            "{} escapes removed, {} added: ",
            c.removed.len(),
            c.added.len()
        )) && first.contains("% less of alloc_space"),
        "{first}"
    );
    // The view says the same, and only the new build's rows are listed.
    let v = why::view::view(sides, &shown, Some(&base_side), &p, ty, &[]);
    assert_eq!(
        v.compare,
        text.lines().map(str::to_string).collect::<Vec<_>>()
    );
    assert!(v.names.contains(&"baseline.m.txt (base)".to_string()));
    assert!(v.rows.iter().all(|r| r.flat >= 0));
}

/// The worker's session: at line granularity, every row whose line the
/// compiler reports on carries what it said (the `-m` text's messages at
/// that file and line); function rows carry nothing.
#[test]
fn line_rows_carry_the_compilers_words_in_the_session() {
    use heaplens_analysis::Granularity;
    use heaplens_view::params::ViewParams;
    use heaplens_view::session::{Session, Slot, ViewRequest};
    let mut s = Session::new();
    let prof = common::scheduler("baseline.prof");
    s.load(Slot::Profile, "baseline.prof", &prof, &mut |_, _, _| {})
        .unwrap();
    let text = read("tests/testdata/escape/baseline.m.txt");
    s.load_diagnostics(Slot::Profile, "baseline.m.txt", text.as_bytes())
        .unwrap();
    let req = |granularity| ViewRequest {
        params: ViewParams {
            sample_type: Some("alloc_space".into()),
            granularity,
            ..ViewParams::default()
        },
        rows: 10_000,
        ..ViewRequest::default()
    };
    let v = s.view(&req(Granularity::Lines)).unwrap();
    assert!(v.rows_fresh && !v.rows.is_empty());
    // file:line → the messages the text gives there, in order.
    let mut said: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for l in text.lines() {
        let Some(rest) = l.strip_prefix("scheduler/") else {
            continue;
        };
        let mut parts = rest.splitn(4, ':');
        if let (Some(file), Some(line), Some(_), Some(msg)) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        {
            said.entry(format!("{file}:{line}"))
                .or_default()
                .push(msg.trim().to_string());
        }
    }
    let mut with_why = 0;
    for r in &v.rows {
        let at = r.name.rsplit(' ').next().unwrap();
        let at = at.rsplit('/').next().unwrap();
        match said.get(at) {
            Some(msgs) if r.name.contains("testgen/scheduler") => {
                for m in r.why.split(" | ") {
                    assert!(
                        msgs.iter().any(|x| x == m),
                        "{}: {m:?} not in {msgs:?}",
                        r.name
                    );
                }
                assert!(!r.why.is_empty(), "{}", r.name);
                with_why += 1;
            }
            _ => assert!(r.why.is_empty(), "{}: {}", r.name, r.why),
        }
    }
    assert!(with_why >= 10, "{with_why}");
    let v = s.view(&req(Granularity::Functions)).unwrap();
    assert!(v.rows.iter().all(|r| r.why.is_empty()));
    assert!(v.why.is_some());
}
