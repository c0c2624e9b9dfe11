//! pprof's filter flags (`--focus RE`, `-focus=RE`, …): each sets its field
//! of [`heaplens_view::params::RefineParams`], read by the pipeline's filter
//! step as the page's controls are; and the flame graph's shape
//! (`--graph`, `--recursion`), as the page's graph buttons.

use heaplens_analysis::{GraphView, Recursion};
use heaplens_view::params::ViewParams;

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
  --graph up|callers:F|callees:F
                              folded: the stacks bottom-up (leaves first), or
                              those through function F cut at its outermost
                              call: its callers (F first, reversed) or callees
  --recursion direct|all      folded: recursive calls folded into the outer
                              call (direct: f;f → f; all: f;g;f;h → f;h)
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
    if name == "graph" {
        return Some(value(flag).and_then(|v| {
            params.graph = GraphView::parse(&v).ok_or_else(|| {
                format!("--graph must be up, callers:FUNCTION or callees:FUNCTION, not {v:?}")
            })?;
            Ok(())
        }));
    }
    if name == "recursion" {
        return Some(value(flag).and_then(|v| {
            params.recursion = Recursion::parse(&v)
                .ok_or_else(|| format!("--recursion must be direct or all, not {v:?}"))?;
            Ok(())
        }));
    }
    let r = &mut params.refine;
    if let Some((_, on)) = r.switches_mut().into_iter().find(|(k, _)| *k == name) {
        *on = true;
        return Some(Ok(()));
    }
    let (_, text) = r.texts_mut().into_iter().find(|(k, _)| *k == name)?;
    Some(value(flag).map(|v| *text = v))
}
