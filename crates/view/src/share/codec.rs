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
//! | `tcum` | `timeline.cum` | `1`: growth suspects ranked by cum values |
//! | `torder` | `timeline.given_order` | `given`: snapshots in the order given, not by time |
//! | `d` | `diff.show` | `0`: the profile alone, not its diff with the base |
//! | `sub` | `diff.mode` | `1`: pprof's `-base` (default `-diff_base`) |
//! | `norm` | `diff.normalize` | `1`: pprof's `-normalize` |
//! | `w` | `diff.width_by` | `base` or `max` (default `new`) |
//! | `self` | `diff.color_by` | `1`: diff colours by self value |
//! | `z` | `zoom` | the zoomed frame's path from the root, names joined by `,` |
//! | `z2` | `sandwich_zoom` | in a sandwich, the other half's zoom, as `z` |
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
        key: "tcum",
        write: |v| v.timeline.cum.then(|| "1".into()),
        read: |v, raw| {
            v.timeline.cum = flag("tcum", raw)?;
            Ok(())
        },
    },
    Key {
        key: "torder",
        write: |v| v.timeline.given_order.then(|| "given".into()),
        read: |v, raw| {
            let t = text("torder", raw)?;
            let bad = || format!("its \"torder\" part should be given or time, not {t:?}");
            v.timeline.given_order = ["time", "given"]
                .iter()
                .position(|&o| o == t)
                .ok_or_else(bad)?
                == 1;
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
        write: |v| path(&v.zoom),
        read: |v, raw| {
            v.zoom = read_path("z", raw)?;
            Ok(())
        },
    },
    Key {
        key: "z2",
        write: |v| path(&v.sandwich_zoom),
        read: |v, raw| {
            v.sandwich_zoom = read_path("z2", raw)?;
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

/// A frame's path: each name escaped, so `,` only ever separates them.
fn path(names: &[String]) -> Option<String> {
    (!names.is_empty()).then(|| {
        names
            .iter()
            .map(|n| encode(n))
            .collect::<Vec<_>>()
            .join(",")
    })
}

fn read_path(key: &str, raw: &str) -> Result<Vec<String>, String> {
    raw.split(',')
        .map(decode)
        .collect::<Result<_, _>>()
        .map_err(|e| format!("its {key:?} part {e}"))
}

fn flag(key: &str, raw: &str) -> Result<bool, String> {
    match text(key, raw)?.as_str() {
        "1" | "true" => Ok(true),
        "0" | "false" => Ok(false),
        v => Err(format!("its {key:?} part should be 0 or 1, not {v:?}")),
    }
}

#[cfg(test)]
#[path = "codec_tests.rs"]
mod tests;
