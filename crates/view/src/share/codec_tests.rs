use super::*;
use serde_json::Value;

fn round_trip(v: &ViewParams) -> ViewParams {
    let mut parts = Vec::new();
    write(v, &mut parts);
    let mut back = ViewParams::default();
    for part in &parts {
        let (key, raw) = part.split_once('=').expect("key=value");
        read(&mut back, key, raw)
            .expect("a view key")
            .expect("reads");
    }
    back
}

/// Every leaf of the default parameters as JSON (a path of field
/// names), found without naming a field: a new field is in here too.
fn leaves(v: &Value, path: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                path.push(k.clone());
                leaves(x, path, out);
                path.pop();
            }
        }
        _ => out.push(path.clone()),
    }
}

fn at<'a>(v: &'a mut Value, path: &[String]) -> &'a mut Value {
    path.iter().fold(v, |v, k| &mut v[k.as_str()])
}

/// Values a leaf can take other than its default: every variant of an
/// enum (named by serde's own error for an unknown one), texts that
/// need escaping, the other boolean, lists of names, numbers.
fn values_for(base: &Value, path: &[String]) -> Vec<Value> {
    let texts = [
        "json",
        "",
        "a,b&c=d #%/é\n",
        "/^main\\./",
        "up",
        "callees:a,b&c=d #%/é",
    ];
    let mut probe = base.clone();
    *at(&mut probe, path) = Value::String("no-such-variant".into());
    if let Err(e) = serde_json::from_value::<ViewParams>(probe) {
        let msg = e.to_string();
        if let Some(expected) = msg.split("expected").nth(1) {
            if msg.contains("unknown variant") {
                return expected
                    .split('`')
                    .skip(1)
                    .step_by(2)
                    .map(|v| Value::String(v.into()))
                    .collect();
            }
        }
    }
    match at(&mut base.clone(), path) {
        Value::Bool(b) => vec![Value::Bool(!*b)],
        Value::Number(_) => vec![1.into(), 7.into(), 123_456.into()],
        Value::Array(_) => vec![
            serde_json::json!(["main.main", "a,b&c=d", "é"]),
            serde_json::json!([""]),
            serde_json::json!(["x"]),
        ],
        // The texts or numbers the field reads (a graph view reads
        // only its own; an optional count numbers).
        _ => texts
            .iter()
            .map(|&t| Value::String(t.into()))
            .chain([1, 7, 123_456].map(Value::from))
            .filter(|t| {
                let mut v = base.clone();
                *at(&mut v, path) = t.clone();
                serde_json::from_value::<ViewParams>(v).is_ok()
            })
            .collect(),
    }
}

/// Every field of the view, alone and in random combinations, with
/// values that need escaping, comes back from the fragment: a field
/// without a key (or a key that loses something) fails here.
#[test]
fn generated_view_params_round_trip() {
    let base = serde_json::to_value(ViewParams::default()).expect("to JSON");
    let mut paths = Vec::new();
    leaves(&base, &mut Vec::new(), &mut paths);
    assert!(paths.len() >= 27, "only {} leaves: {paths:?}", paths.len());
    let choices: Vec<(Vec<String>, Vec<Value>)> = paths
        .iter()
        .map(|p| (p.clone(), values_for(&base, p)))
        .collect();
    let make = |picks: &[(usize, usize)]| -> Option<ViewParams> {
        let mut v = base.clone();
        for &(leaf, value) in picks {
            let (path, values) = &choices[leaf];
            *at(&mut v, path) = values.get(value % values.len().max(1))?.clone();
        }
        serde_json::from_value(v).ok()
    };
    let mut tried = 0;
    for (leaf, (path, values)) in choices.iter().enumerate() {
        for (i, value) in values.iter().enumerate() {
            let v = make(&[(leaf, i)]).expect("a valid value");
            if v != ViewParams::default() {
                tried += 1;
            }
            assert_eq!(round_trip(&v), v, "{path:?} = {value:?}");
        }
    }
    assert!(tried >= paths.len(), "only {tried} fields changed");
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed as usize
    };
    for case in 0..2000 {
        let picks: Vec<(usize, usize)> = (0..1 + next() % choices.len())
            .map(|_| (next() % choices.len(), next()))
            .collect();
        let v = make(&picks).expect("a valid value");
        assert_eq!(round_trip(&v), v, "case {case}");
    }
}

/// Each field alone, set away from its default, writes its own key.
#[test]
fn each_field_has_its_key() {
    let d = ViewParams::default;
    let cases: Vec<(&str, ViewParams)> = vec![
        (
            "t",
            ViewParams {
                sample_type: Some("inuse_space".into()),
                ..d()
            },
        ),
        (
            "o",
            ViewParams {
                orientation: Orientation::Flame,
                ..d()
            },
        ),
        (
            "z",
            ViewParams {
                zoom: vec!["main.main".into()],
                ..d()
            },
        ),
        (
            "z2",
            ViewParams {
                sandwich_zoom: vec!["main.(*T).Run".into(), "x,y".into()],
                ..d()
            },
        ),
        (
            "view",
            ViewParams {
                graph: GraphView::Callers("main.(*T).Run".into()),
                ..d()
            },
        ),
        (
            "rec",
            ViewParams {
                recursion: Recursion::All,
                ..d()
            },
        ),
        (
            "sel",
            ViewParams {
                selected: Some("f".into()),
                ..d()
            },
        ),
        (
            "q",
            ViewParams {
                search: "json".into(),
                ..d()
            },
        ),
        (
            "g",
            ViewParams {
                granularity: Granularity::Lines,
                ..d()
            },
        ),
        (
            "tf",
            ViewParams {
                tagfocus: "bytes=1kB:".into(),
                ..d()
            },
        ),
        (
            "sfrom",
            ViewParams {
                refine: crate::params::RefineParams {
                    show_from: "^main\\.".into(),
                    ..Default::default()
                },
                ..d()
            },
        ),
        (
            "dropneg",
            ViewParams {
                refine: crate::params::RefineParams {
                    drop_negative: true,
                    ..Default::default()
                },
                ..d()
            },
        ),
    ];
    for (key, v) in cases {
        let mut parts = Vec::new();
        write(&v, &mut parts);
        assert_eq!(parts.len(), 1, "{key}: {parts:?}");
        assert!(parts[0].starts_with(&format!("{key}=")), "{key}: {parts:?}");
        assert_eq!(round_trip(&v), v);
    }
    let mut parts = Vec::new();
    write(&ViewParams::default(), &mut parts);
    assert!(
        parts.is_empty(),
        "the default view writes nothing: {parts:?}"
    );
}

/// The table in this module's documentation lists exactly [`KEYS`].
#[test]
fn the_documented_keys_are_the_keys() {
    let doc: Vec<&str> = include_str!("codec.rs")
        .lines()
        .take_while(|l| l.starts_with("//!"))
        .filter_map(|l| l.strip_prefix("//! | `"))
        .filter_map(|l| l.split('`').next())
        .collect();
    let keys: Vec<&str> = KEYS.iter().map(|k| k.key).collect();
    assert_eq!(doc, keys);
}
