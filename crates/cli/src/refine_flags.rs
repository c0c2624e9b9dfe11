//! pprof's filter flags (`--focus RE`, `-focus=RE`, …): each sets its field
//! of [`RefineParams`], read by the pipeline's filter step as the page's
//! controls are.

use heaplens_view::params::{RefineParams, ViewParams};

/// The help lines of these flags.
pub const HELP: &str = "\
  --focus RE / --ignore RE    top/folded/diff/list (as pprof's flags of the same
                              names): only samples with a frame matching RE / none
                              (function name, file or binary path; Go syntax)
  --hide RE / --show RE       drop the matching frames from stacks / keep only them
  --show_from RE              stacks start at their highest matching frame
  --prune_from RE             stacks end at their lowest matching frame
  --tagignore [KEY=]VALUE     no samples with a matching label (as --tagfocus)
  --tagshow RE / --taghide RE keep only the labels whose key matches / drop them
  --tagroot KEYS / --tagleaf KEYS
                              label values (keys joined by ,) as frames at the
                              root / the leaf of every stack
  --noinlines                 inlined frames merged into their callers
  --relative_percentages      percentages of the filtered total, not the whole
  --drop_negative             leave out rows with a negative value (diffs)
  --only-mine                 only my code: Go's standard library hidden (its
                              values charged to the nearest caller outside it)
";

/// Sets the field `flag` names (`--focus`, `-focus`, `--show-from` …), with
/// its value from `value`; None when `flag` is not one of these.
pub fn set(
    flag: &str,
    params: &mut ViewParams,
    value: &mut dyn FnMut(&str) -> Result<String, String>,
) -> Option<Result<(), String>> {
    let name = flag.trim_start_matches('-').replace('-', "_");
    if !flag.starts_with('-') {
        return None;
    }
    let r: &mut RefineParams = &mut params.refine;
    let on: &mut bool = match name.as_str() {
        "noinlines" => &mut r.noinlines,
        "relative_percentages" => &mut r.relative_percentages,
        "drop_negative" => &mut r.drop_negative,
        "only_mine" => &mut r.only_mine,
        _ => {
            let text = text_field(r, &name)?;
            return Some(value(flag).map(|v| *text = v));
        }
    };
    *on = true;
    Some(Ok(()))
}

/// The text field `name` names.
fn text_field<'r>(r: &'r mut RefineParams, name: &str) -> Option<&'r mut String> {
    Some(match name {
        "focus" => &mut r.focus,
        "ignore" => &mut r.ignore,
        "hide" => &mut r.hide,
        "show" => &mut r.show,
        "show_from" => &mut r.show_from,
        "prune_from" => &mut r.prune_from,
        "tagignore" => &mut r.tagignore,
        "tagshow" => &mut r.tagshow,
        "taghide" => &mut r.taghide,
        "tagroot" => &mut r.tagroot,
        "tagleaf" => &mut r.tagleaf,
        _ => return None,
    })
}
