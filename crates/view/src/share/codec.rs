//! The view's part of a share link's fragment: every field of
//! [`ViewParams`] under its key, written only where it differs from the
//! default, values percent-encoded ([`super::escape`]).
//!
//! | key | field | value |
//! |---|---|---|
//! | `t` | `sample_type` | sample type name |
//! | `o` | `orientation` | `flame` (default: icicle, root on top) |
//! | `view` | `graph` | `up` (bottom-up), `callers:NAME` or `callees:NAME` (default top-down) |
//! | `rec` | `recursion` | `direct` or `all`: recursion collapsed |
//! | `cg` | `call_graph` | the graph view's node count (pprof's `-nodecount`) |
//! | `d` | `diff.show` | `0`: the profile alone, not its diff with the base |
//! | `sub` | `diff.mode` | `1`: pprof's `-base` (default `-diff_base`) |
//! | `norm` | `diff.normalize` | `1`: pprof's `-normalize` |
//! | `w` | `diff.width_by` | `base` or `max` (default `new`) |
//! | `self` | `diff.color_by` | `1`: diff colours by self value |
//! | `z` | `zoom` | the zoomed frame's path from the root, names joined by `,` |
//! | `sel` | `selected` | selected function |
//! | `q` | `search` | search |
//! | `g` | `granularity` | `lines` or `addresses` (default `functions`) |
//! | `f` | `table.filter` | top table filter |
//! | `s` | `table.sort`, `table.descending` | sort column, `-` first for ascending |
//! | `tf` | `tagfocus` | label filter (`go tool pprof -tagfocus`) |
//! | `focus` | `refine.focus` | pprof's `-focus` |
//! | `ignore` | `refine.ignore` | pprof's `-ignore` |
//! | `hide` | `refine.hide` | pprof's `-hide` |
//! | `show` | `refine.show` | pprof's `-show` |
//! | `sfrom` | `refine.show_from` | pprof's `-show_from` |
//! | `pfrom` | `refine.prune_from` | pprof's `-prune_from` |
//! | `tign` | `refine.tagignore` | pprof's `-tagignore` |
//! | `tshow` | `refine.tagshow` | pprof's `-tagshow` |
//! | `thide` | `refine.taghide` | pprof's `-taghide` |
//! | `troot` | `refine.tagroot` | pprof's `-tagroot` |
//! | `tleaf` | `refine.tagleaf` | pprof's `-tagleaf` |
//! | `noinl` | `refine.noinlines` | `1`: pprof's `-noinlines` |
//! | `relpct` | `refine.relative_percentages` | `1`: pprof's `-relative_percentages` |
//! | `dropneg` | `refine.drop_negative` | `1`: pprof's `-drop_negative` |
//! | `mine` | `refine.only_mine` | `1`: only my code (the standard library hidden) |
//!
//! [`KEYS`] is this table in code; a test checks that the two agree and that
//! every field survives the round trip.

use heaplens_analysis::{Granularity, GraphView, Recursion};
use heaplens_profile::diff::DiffMode;

use super::escape::{decode, encode};
use crate::params::{ColorBy, Orientation, ViewParams, WidthBy};
use crate::table::Column;

/// One key of the fragment: how a field is written (None: left out, it is
/// the default) and read back from the raw (still escaped) value.
pub struct Key {
    pub key: &'static str,
    write: fn(&ViewParams) -> Option<String>,
    read: fn(&mut ViewParams, &str) -> Result<(), String>,
}

/// A key for a text field of [`crate::params::RefineParams`] ("" is the
/// default).
macro_rules! refine_text {
    ($key:literal, $field:ident) => {
        Key {
            key: $key,
            write: |v| (!v.refine.$field.is_empty()).then(|| encode(&v.refine.$field)),
            read: |v, raw| {
                v.refine.$field = text($key, raw)?;
                Ok(())
            },
        }
    };
}

/// A key for a flag of [`crate::params::RefineParams`] (false is the
/// default).
macro_rules! refine_flag {
    ($key:literal, $field:ident) => {
        Key {
            key: $key,
            write: |v| v.refine.$field.then(|| "1".into()),
            read: |v, raw| {
                v.refine.$field = flag($key, raw)?;
                Ok(())
            },
        }
    };
}

/// Every view key, in the order they are written.
pub const KEYS: &[Key] = &[
    Key {
        key: "t",
        write: |v| v.sample_type.as_deref().map(encode),
        read: |v, raw| {
            v.sample_type = Some(text("t", raw)?);
            Ok(())
        },
    },
    Key {
        key: "o",
        write: |v| (v.orientation == Orientation::Flame).then(|| "flame".into()),
        read: |v, raw| {
            v.orientation = match text("o", raw)?.as_str() {
                "flame" => Orientation::Flame,
                "icicle" => Orientation::Icicle,
                o => {
                    return Err(format!(
                        "its \"o\" part should be flame or icicle, not {o:?}"
                    ))
                }
            };
            Ok(())
        },
    },
    Key {
        key: "view",
        write: |v| (v.graph != GraphView::TopDown).then(|| encode(&v.graph.text())),
        read: |v, raw| {
            let t = text("view", raw)?;
            v.graph = GraphView::parse(&t).ok_or_else(|| {
                format!("its \"view\" part should be up, callers:NAME or callees:NAME, not {t:?}")
            })?;
            Ok(())
        },
    },
    Key {
        key: "rec",
        write: |v| (v.recursion != Recursion::Keep).then(|| v.recursion.as_str().into()),
        read: |v, raw| {
            let t = text("rec", raw)?;
            v.recursion = Recursion::parse(&t)
                .ok_or_else(|| format!("its \"rec\" part should be direct or all, not {t:?}"))?;
            Ok(())
        },
    },
    Key {
        key: "cg",
        write: |v| v.call_graph.map(|n| n.to_string()),
        read: |v, raw| {
            let t = text("cg", raw)?;
            let n = t
                .parse()
                .map_err(|_| format!("its \"cg\" part should be a node count, not {t:?}"))?;
            v.call_graph = Some(n);
            Ok(())
        },
    },
    Key {
        key: "d",
        write: |v| (!v.diff.show).then(|| "0".into()),
        read: |v, raw| {
            v.diff.show = flag("d", raw)?;
            Ok(())
        },
    },
    Key {
        key: "sub",
        write: |v| (v.diff.mode == DiffMode::Base).then(|| "1".into()),
        read: |v, raw| {
            v.diff.mode = match flag("sub", raw)? {
                true => DiffMode::Base,
                false => DiffMode::DiffBase,
            };
            Ok(())
        },
    },
    Key {
        key: "norm",
        write: |v| v.diff.normalize.then(|| "1".into()),
        read: |v, raw| {
            v.diff.normalize = flag("norm", raw)?;
            Ok(())
        },
    },
    Key {
        key: "w",
        write: |v| match v.diff.width_by {
            WidthBy::New => None,
            WidthBy::Base => Some("base".into()),
            WidthBy::Max => Some("max".into()),
        },
        read: |v, raw| {
            v.diff.width_by = match text("w", raw)?.as_str() {
                "new" => WidthBy::New,
                "base" => WidthBy::Base,
                "max" => WidthBy::Max,
                w => {
                    return Err(format!(
                        "its \"w\" part should be new, base or max, not {w:?}"
                    ))
                }
            };
            Ok(())
        },
    },
    Key {
        key: "self",
        write: |v| (v.diff.color_by == ColorBy::SelfValue).then(|| "1".into()),
        read: |v, raw| {
            v.diff.color_by = match flag("self", raw)? {
                true => ColorBy::SelfValue,
                false => ColorBy::Total,
            };
            Ok(())
        },
    },
    Key {
        key: "z",
        // Each name escaped, so `,` only ever separates them.
        write: |v| {
            (!v.zoom.is_empty()).then(|| {
                v.zoom
                    .iter()
                    .map(|n| encode(n))
                    .collect::<Vec<_>>()
                    .join(",")
            })
        },
        read: |v, raw| {
            v.zoom = raw
                .split(',')
                .map(decode)
                .collect::<Result<_, _>>()
                .map_err(|e| format!("its \"z\" part {e}"))?;
            Ok(())
        },
    },
    Key {
        key: "sel",
        write: |v| v.selected.as_deref().map(encode),
        read: |v, raw| {
            v.selected = Some(text("sel", raw)?);
            Ok(())
        },
    },
    Key {
        key: "q",
        write: |v| (!v.search.is_empty()).then(|| encode(&v.search)),
        read: |v, raw| {
            v.search = text("q", raw)?;
            Ok(())
        },
    },
    Key {
        key: "g",
        write: |v| {
            (v.granularity != Granularity::Functions).then(|| encode(v.granularity.as_str()))
        },
        read: |v, raw| {
            let g = text("g", raw)?;
            v.granularity = Granularity::parse(&g).ok_or_else(|| {
                format!("its \"g\" part should be functions, lines or addresses, not {g:?}")
            })?;
            Ok(())
        },
    },
    Key {
        key: "f",
        write: |v| (!v.table.filter.is_empty()).then(|| encode(&v.table.filter)),
        read: |v, raw| {
            v.table.filter = text("f", raw)?;
            Ok(())
        },
    },
    Key {
        key: "s",
        write: |v| {
            let s = Column::link_text((v.table.sort, v.table.descending));
            (!s.is_empty()).then(|| encode(&s))
        },
        // A sort this version does not know leaves the default order.
        read: |v, raw| {
            let (sort, descending) =
                Column::from_link_text(&text("s", raw)?).unwrap_or((Column::Flat, true));
            (v.table.sort, v.table.descending) = (sort, descending);
            Ok(())
        },
    },
    Key {
        key: "tf",
        write: |v| (!v.tagfocus.is_empty()).then(|| encode(&v.tagfocus)),
        read: |v, raw| {
            v.tagfocus = text("tf", raw)?;
            Ok(())
        },
    },
    refine_text!("focus", focus),
    refine_text!("ignore", ignore),
    refine_text!("hide", hide),
    refine_text!("show", show),
    refine_text!("sfrom", show_from),
    refine_text!("pfrom", prune_from),
    refine_text!("tign", tagignore),
    refine_text!("tshow", tagshow),
    refine_text!("thide", taghide),
    refine_text!("troot", tagroot),
    refine_text!("tleaf", tagleaf),
    refine_flag!("noinl", noinlines),
    refine_flag!("relpct", relative_percentages),
    refine_flag!("dropneg", drop_negative),
    refine_flag!("mine", only_mine),
];

/// `key=value` for every field of `v` that is not the default.
pub fn write(v: &ViewParams, parts: &mut Vec<String>) {
    for k in KEYS {
        if let Some(value) = (k.write)(v) {
            parts.push(format!("{}={value}", k.key));
        }
    }
}

/// Reads one `key=raw` part into `v`: None when `key` is not a view key.
pub fn read(v: &mut ViewParams, key: &str, raw: &str) -> Option<Result<(), String>> {
    KEYS.iter().find(|k| k.key == key).map(|k| (k.read)(v, raw))
}

fn text(key: &str, raw: &str) -> Result<String, String> {
    decode(raw).map_err(|e| format!("its {key:?} part {e}"))
}

fn flag(key: &str, raw: &str) -> Result<bool, String> {
    match text(key, raw)?.as_str() {
        "1" | "true" => Ok(true),
        "0" | "false" => Ok(false),
        v => Err(format!("its {key:?} part should be 0 or 1, not {v:?}")),
    }
}

#[cfg(test)]
mod tests {
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
}
