//! The compiler-diagnostics reader on the real outputs of
//! tests/testdata/escape (Go 1.19's -m, -m=2 and -json=0 for the scheduler
//! test package) and on the variants beside them (see
//! tests/testdata/README.md): counts taken from the text here, paths with
//! spaces and Windows paths, generics, closures, inlining across files,
//! -m=2 flows, mixed build output, and a file with no diagnostic.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use heaplens_text::escape::{parse, EscapeError, Kind};

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/testdata/escape");

fn read(name: &str) -> String {
    std::fs::read_to_string(format!("{DIR}/{name}")).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn m_output_every_diagnostic_line_is_read() {
    for variant in ["baseline", "optimized"] {
        let text = read(&format!("{variant}.m.txt"));
        let d = parse(&text).expect("parse");
        // Every line but the `# package` header is a diagnostic.
        let lines = text.lines().filter(|l| !l.starts_with('#')).count();
        assert_eq!(d.diags.len(), lines, "{variant}");
        assert_eq!(d.ignored_lines, 1, "{variant}");
        let count = |k: Kind| d.diags.iter().filter(|x| x.kind == k).count();
        let grep = |s: &str| text.lines().filter(|l| l.contains(s)).count();
        assert_eq!(count(Kind::Escapes), grep("escapes to heap"), "{variant}");
        assert_eq!(
            count(Kind::MovedToHeap),
            grep(": moved to heap: "),
            "{variant}"
        );
        assert_eq!(count(Kind::CanInline), grep(": can inline "), "{variant}");
    }
}

#[test]
fn m2_flows_sit_under_their_diagnostic() {
    let text = read("baseline.m2.txt");
    let d = parse(&text).expect("parse");
    let flow_lines = text
        .lines()
        .filter(|l| l.contains(":   flow: ") || l.contains(":     from "))
        .count();
    let attached: usize = d.diags.iter().map(|x| x.flow.len()).sum();
    assert!(
        attached >= flow_lines,
        "{attached} of {flow_lines} flow lines attached"
    );
    // A block's diagnostic is printed again without its flow; read once.
    let blocks = d.diags.iter().filter(|x| !x.flow.is_empty()).count();
    assert!(blocks > 50);
    for x in d.diags.iter().filter(|x| !x.flow.is_empty()) {
        let twins = d
            .diags
            .iter()
            .filter(|y| {
                y.path == x.path && y.line == x.line && y.col == x.col && y.message == x.message
            })
            .count();
        assert_eq!(twins, 1, "{x:?}");
    }
    assert!(d
        .diags
        .iter()
        .any(|x| x.kind == Kind::CannotInline && x.cost.is_some_and(|c| c > 80)));
}

#[test]
fn json_directories_hold_the_m_outputs_escapes() {
    for variant in ["baseline", "optimized"] {
        let dir = format!("{DIR}/{variant}.json/heaplens%2Ftestgen%2Fscheduler");
        let m = parse(&read(&format!("{variant}.m.txt"))).expect("m");
        let mut lines_with_escapes = std::collections::BTreeSet::new();
        for e in std::fs::read_dir(&dir).expect("dir") {
            let path = e.expect("entry").path();
            let d = parse(&std::fs::read_to_string(&path).expect("read")).expect("json");
            assert!(
                d.diags
                    .iter()
                    .all(|x| x.path.ends_with(".go") && x.line > 0),
                "{path:?}"
            );
            for x in d.diags.iter().filter(|x| x.kind == Kind::Escapes) {
                let base = x.path.rsplit('/').next().unwrap().to_string();
                lines_with_escapes.insert((base, x.line));
            }
        }
        // Every line -m says allocates (escapes, or moved to heap) has an escape in the JSON.
        for x in m.diags.iter().filter(|x| x.kind.allocates()) {
            let base = x.path.rsplit('/').next().unwrap().to_string();
            assert!(
                lines_with_escapes.contains(&(base.clone(), x.line)),
                "{variant}: {base}:{} {}",
                x.line,
                x.message
            );
        }
    }
}

#[test]
fn variants() {
    let v = |name: &str| {
        parse(&read(&format!("variants/{name}"))).unwrap_or_else(|e| panic!("{name}: {e}"))
    };
    let win = v("windows.m.txt");
    assert!(
        win.diags
            .iter()
            .all(|d| d.path.starts_with(".\\") || d.path.contains(":\\")),
        "{:?}",
        win.diags[0]
    );
    let spaced = v("space-in-path-handmade.m.txt");
    assert!(spaced.diags.iter().all(|d| d.path.contains("my pkg/")));
    assert_eq!(v("space-in-path.m.txt").diags[0].path, "my pkg/main.go");
    let generics = v("generics.m2.txt");
    assert!(generics.diags.iter().any(|d| d
        .message
        .contains("Map[go.shape.string_0,go.shape.string_1]")
        && d.cost == Some(80)));
    let closures = v("closures.m.txt");
    assert!(closures
        .diags
        .iter()
        .any(|d| d.message == "can inline Create.func1"));
    let other = v("inline-other-file.m.txt");
    assert!(other.diags.iter().any(|d| d.path == "app/a.go"
        && d.kind == Kind::Inlined
        && d.message == "inlining call to Helper"));
    let multi = v("flow-multi.m2.txt");
    assert!(multi
        .diags
        .iter()
        .any(|d| d.flow.iter().filter(|f| f.starts_with("flow:")).count() >= 2));
    let mixed = v("mixed-build-output.txt");
    assert!(mixed.ignored_lines >= 3 && !mixed.diags.is_empty());
    assert!(matches!(
        parse(&read("variants/no-diagnostics.txt")),
        Err(EscapeError::NoDiagnostics { .. })
    ));
}
