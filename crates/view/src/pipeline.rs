//! The one pipeline every view and every CLI command runs, as pprof's
//! driver applies its options before any report: the [`Inputs`] (a profile,
//! one file or several merged ([`Input::merged`]), and, for a diff, a
//! base) and the [`ViewParams`] → [`Prepared`]: the profile the view shows
//! (combined with the base as pprof combines them, then filtered), the
//! whole profile's totals (pprof's percentages stay of them) and its call
//! trees.
//!
//! Steps, each cached by what it depends on (named key structs), so that
//! the web worker's session redoes only what a change of parameters
//! touches, while the CLI runs them once:
//! 1. combine: the profile minus the base when a diff is asked for and a
//!    base is loaded ([`heaplens_profile::diff`]), else the profile.
//! 2. filter: pprof's node and label filters in pprof's order (`-focus`,
//!    `-ignore`, `-hide`, `-show`, `-show_from`, `-tagfocus`, `-tagignore`,
//!    `-tagshow`, `-taghide`, `-prune_from`, with `-tagroot`/`-tagleaf`
//!    first and `-noinlines` last: [`heaplens_profile::refine`]). With
//!    `-relative_percentages` the totals are the filtered profile's.
//!    A new profile-level filter is one more part of this step.
//! 3. per call: the sample type (by name; when none, pprof's default, or
//!    the first type with values when the default's are all 0), its
//!    whole-profile total, and the call trees at the granularities asked
//!    for ([`Prepared::tree`]); the top table alone needs no tree
//!    ([`Prepared::top`]).

use std::cell::OnceCell;
use std::rc::Rc;

use heaplens_analysis::keys::Keys;
use heaplens_analysis::top::top_keys;
use heaplens_analysis::top_stacks::stack_top_keys;
use heaplens_analysis::{derived, CallTree, Granularity, Shape, Top, TopOptions};
use heaplens_profile::diff::{combine_split, DiffOptions};
use heaplens_profile::merge::merge;
use heaplens_profile::refine::{Refine, RefineSpec};
use heaplens_profile::Profile;

use crate::graphs::Graphs;
use crate::params::ViewParams;

/// One loaded profile, decoded once and shared by every view: one file,
/// or several merged as `go tool pprof a.prof b.prof` merges them.
#[derive(Debug, Clone)]
pub struct Input {
    /// The file's name (or a link's name for it); of a merge, the files'
    /// names joined by [`MERGE_JOIN`].
    pub name: String,
    /// The files a merge was made of, in the order given (empty for one
    /// file).
    pub merged_from: Vec<String>,
    pub profile: Rc<Profile>,
    /// Its call tree at function granularity, when the loader made it.
    pub functions: Option<Rc<CallTree>>,
}

/// What joins the names of merged files: `a.prof + b.prof + c.prof`.
pub const MERGE_JOIN: &str = " + ";

impl Input {
    pub fn new(name: &str, profile: Profile) -> Input {
        Input::shared(name, Rc::new(profile))
    }

    /// A profile already shared elsewhere (a timeline's snapshot).
    pub fn shared(name: &str, profile: Rc<Profile>) -> Input {
        Input {
            name: name.to_string(),
            merged_from: Vec::new(),
            profile,
            functions: None,
        }
    }

    /// The merge of `parts` (file name, profile), as pprof merges several
    /// profiles ([`heaplens_profile::merge`]); one part is that file alone.
    /// Profiles whose sample or period types differ are refused, naming
    /// the two files: `a.prof and b.prof cannot be merged: their sample
    /// types differ (…)`.
    pub fn merged(parts: Vec<(String, Profile)>) -> Result<Input, String> {
        let mut parts = parts;
        if parts.len() == 1 {
            if let Some((name, p)) = parts.pop() {
                return Ok(Input::new(&name, p));
            }
        }
        let profiles: Vec<&Profile> = parts.iter().map(|(_, p)| p).collect();
        let name = |i: usize| parts.get(i).map_or("", |(n, _)| n.as_str());
        let merged = merge(&profiles).map_err(|m| {
            if parts.is_empty() {
                return m.reason;
            }
            format!(
                "{} and {} cannot be merged: {}",
                name(m.first),
                name(m.other),
                m.reason
            )
        })?;
        let files: Vec<String> = parts.into_iter().map(|(n, _)| n).collect();
        Ok(Input {
            name: files.join(MERGE_JOIN),
            merged_from: files,
            profile: Rc::new(merged),
            functions: None,
        })
    }

    /// With its function tree built now (the page shows its size, and every
    /// view of the profile alone needs it).
    pub fn with_functions(mut self) -> Input {
        self.functions = Some(Rc::new(CallTree::build(
            &self.profile,
            Granularity::Functions,
        )));
        self
    }
}

/// The profile and the base; every change makes a new generation, which
/// the pipeline's caches are keyed by.
#[derive(Debug, Default)]
pub struct Inputs {
    profile: Option<Input>,
    base: Option<Input>,
    generation: u64,
}

impl Inputs {
    pub fn profile(&self) -> Option<&Input> {
        self.profile.as_ref()
    }

    pub fn base(&self) -> Option<&Input> {
        self.base.as_ref()
    }

    pub fn generation(&self) -> u64 {
        self.generation
    }

    pub fn set_profile(&mut self, input: Input) {
        self.profile = Some(input);
        self.generation += 1;
    }

    pub fn set_base(&mut self, input: Input) {
        self.base = Some(input);
        self.generation += 1;
    }

    pub fn clear_base(&mut self) {
        self.base = None;
        self.generation += 1;
    }

    /// Exchanges the profile and the base; false (and nothing changes)
    /// unless both are there.
    pub fn swap(&mut self) -> bool {
        if self.profile.is_none() || self.base.is_none() {
            return false;
        }
        std::mem::swap(&mut self.profile, &mut self.base);
        self.generation += 1;
        true
    }
}

/// What the combine step depends on.
#[derive(Debug, Clone, Copy, PartialEq)]
struct CombineKey {
    inputs: u64,
    /// Set when the profile minus the base is shown.
    diff: Option<DiffOptions>,
}

/// What the filter step depends on.
#[derive(Debug, Clone, PartialEq)]
struct FilterKey {
    combined: CombineKey,
    filters: Filters,
}

/// The profile-level filters of a view.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Filters {
    /// pprof's filters (`tagfocus` trimmed), as text.
    pub spec: RefineSpec,
    /// pprof's `-relative_percentages`: totals of the filtered profile.
    pub relative: bool,
}

impl Filters {
    pub fn of(params: &ViewParams) -> Filters {
        let r = &params.refine;
        Filters {
            spec: RefineSpec {
                focus: r.focus.clone(),
                ignore: r.ignore.clone(),
                hide: r.effective_hide(),
                show: r.show.clone(),
                show_from: r.show_from.clone(),
                prune_from: r.prune_from.clone(),
                tagfocus: params.tagfocus.trim().to_string(),
                tagignore: r.tagignore.trim().to_string(),
                tagshow: r.tagshow.clone(),
                taghide: r.taghide.clone(),
                tagroot: r.tagroot.clone(),
                tagleaf: r.tagleaf.clone(),
                noinlines: r.noinlines,
            },
            relative: r.relative_percentages,
        }
    }

    fn is_empty(&self) -> bool {
        self.spec.is_empty() && !self.relative
    }
}

/// A function tree made when first asked for, shared by the steps that
/// show the same profile (a diff's tree outlives a label filter's changes).
type SharedTree = Rc<OnceCell<Rc<CallTree>>>;

fn shared_tree(tree: Option<Rc<CallTree>>) -> SharedTree {
    let cell = OnceCell::new();
    if let Some(t) = tree {
        let _ = cell.set(t);
    }
    Rc::new(cell)
}

/// The combine step's result.
struct Combined {
    key: CombineKey,
    name: String,
    profile: Rc<Profile>,
    functions: SharedTree,
    split: Option<usize>,
    /// Why the profiles could not be combined (the profile alone is shown).
    error: Option<String>,
}

/// What the pipeline could not do, said in words; the page shows these and
/// goes on without the part that failed, the CLI stops with the first.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Problems {
    /// Why the profile and the base cannot be compared (the profile alone
    /// is shown).
    pub diff: Option<String>,
    /// A filter cannot be read (pprof's reason for the first one, in its
    /// order); no filter is applied.
    pub filters: Option<String>,
    /// The sample type asked for is not in the profile (its default is
    /// shown).
    pub sample_type: Option<String>,
}

/// A prepared view: the profile it shows, with what every report needs.
pub struct Prepared {
    key: FilterKey,
    /// A number no other prepared profile had: what is computed over this
    /// profile (columns, tables) is cached under it.
    pub generation: u64,
    /// The name of the profile (the new one in a diff).
    pub name: String,
    /// The profile shown: combined with the base, filtered.
    pub profile: Rc<Profile>,
    /// In a diff, where the base's (negated) samples start.
    pub split: Option<usize>,
    /// With a filter: the samples it keeps, of how many.
    pub kept: Option<(usize, usize)>,
    /// The filters applied, as pprof lists them under "Active filters".
    pub filters: Vec<String>,
    /// pprof's warnings about them ("Focus expression matched no samples").
    pub filter_warnings: Vec<String>,
    pub problems: Problems,
    /// The sample type of the last [`Pipeline::prepare`] ([`Prepared::total`]
    /// is pprof's total of it over the whole profile).
    pub sample_type: usize,
    /// Set when the default sample type was not shown because all its
    /// values are 0: which type is shown instead (for the page and the CLI
    /// to say). A sample type asked for by name is never replaced.
    pub sample_type_note: Option<String>,
    /// The sample type shown when none is asked for, and its note.
    default_type: OnceCell<(usize, Option<String>)>,
    unfiltered: Rc<Profile>,
    whole_totals: Vec<Option<i64>>,
    functions: SharedTree,
    /// The tree at lines or addresses, the last one asked for.
    other: Option<Rc<CallTree>>,
    /// The flame graph's tree of the last shape asked for other than
    /// top-down as sampled, whole (for exports).
    shaped: Option<(Shape, Rc<CallTree>)>,
    /// The flame graph's tree of that shape as far as the view draws it.
    pub graphs: Graphs,
    /// In a sandwich, the other half's (the callees graph beside a callers
    /// graph, and the other way round).
    pub other_half: Graphs,
}

impl Prepared {
    /// The flame graph's grown trees, or with `other` a sandwich's other
    /// half's.
    pub fn graphs_of(&self, other: bool) -> &Graphs {
        if other {
            &self.other_half
        } else {
            &self.graphs
        }
    }

    /// The call tree of the shown profile at `g`, built when first asked
    /// for (one tree besides the function tree is kept).
    pub fn tree(&mut self, g: Granularity) -> Rc<CallTree> {
        if g == Granularity::Functions {
            let p = &self.profile;
            return self
                .functions
                .get_or_init(|| Rc::new(CallTree::build(p, g)))
                .clone();
        }
        if let Some(t) = self.other.as_ref().filter(|t| t.keys.granularity == g) {
            return t.clone();
        }
        // Free the old tree before building the new one.
        self.other = None;
        let t = Rc::new(CallTree::build(&self.profile, g));
        self.other = Some(t.clone());
        t
    }

    /// The top table of the shown profile at `g`: over the call tree when
    /// it is built already, else straight from the stacks (the same table
    /// without making a node per caller path, as when only the table is
    /// asked for). Its total is the whole profile's (pprof's percentages
    /// stay of it).
    pub fn top(&mut self, g: Granularity, opts: &TopOptions) -> Top {
        let total = self.whole_total(opts.sample_type);
        let built = if g == Granularity::Functions {
            self.functions.get().cloned()
        } else {
            self.other.clone().filter(|t| t.keys.granularity == g)
        };
        let p = &self.profile;
        match built {
            Some(tree) => top_keys(p, &tree, opts).named(&tree.keys.names, total),
            None => {
                let keys = Keys::build(p, g);
                stack_top_keys(p, &keys, opts).named(&keys.names, total)
            }
        }
    }

    /// The function tree drawn as `shape` says (bottom-up, a sandwich,
    /// recursion collapsed): the function tree itself when the shape
    /// changes nothing; one other shape is kept.
    pub fn graph_tree(&mut self, shape: &Shape) -> Rc<CallTree> {
        if shape.is_identity() {
            return self.tree(Granularity::Functions);
        }
        if let Some((_, t)) = self.shaped.as_ref().filter(|(s, _)| s == shape) {
            return t.clone();
        }
        self.shaped = None;
        let t = Rc::new(CallTree::build_shaped(
            &self.profile,
            Granularity::Functions,
            shape,
        ));
        self.shaped = Some((shape.clone(), t.clone()));
        t
    }

    /// pprof's total of sample type `ty` over the whole profile (before
    /// filters: percentages stay of it).
    pub fn whole_total(&mut self, ty: usize) -> i64 {
        if self.whole_totals.len() <= ty {
            self.whole_totals.resize(ty + 1, None);
        }
        *self.whole_totals[ty].get_or_insert_with(|| self.unfiltered.total(ty))
    }

    /// pprof's total of the sample type asked for, over the whole profile
    /// (made when first asked for: merging a diff's samples for it is
    /// costly).
    pub fn total(&mut self) -> i64 {
        self.whole_total(self.sample_type)
    }

    /// Whether the profile shown is a diff (profile minus base).
    pub fn is_diff(&self) -> bool {
        self.split.is_some()
    }

    fn select_sample_type(&mut self, asked: Option<&str>) {
        let explicit = asked.is_some_and(|a| !a.is_empty());
        let resolved = self.profile.sample_type_index(asked);
        self.problems.sample_type = resolved.as_ref().err().map(|e| e.to_string());
        let (ty, note) = match resolved {
            Ok(t) if explicit => (t, None),
            _ => {
                // Of the whole profile: a label filter does not change it.
                let whole = &self.unfiltered;
                self.default_type
                    .get_or_init(|| whole.default_sample_type_with_values())
                    .clone()
            }
        };
        self.sample_type = ty;
        self.sample_type_note = note;
    }
}

/// The pipeline's steps and their caches.
#[derive(Default)]
pub struct Pipeline {
    combined: Option<Combined>,
    prepared: Option<Prepared>,
    /// The unfiltered view while a filtered one is shown: it shares the
    /// combined profile and its tree, so it costs little to keep, and
    /// taking a filter off finds it (and what the caches keep under its
    /// generation) again.
    unfiltered: Option<Prepared>,
    generations: u64,
}

impl Pipeline {
    /// Prepares the view `params` asks for of `inputs`, reusing every step
    /// whose inputs did not change. Fails only without a profile; what else
    /// goes wrong is in [`Prepared::problems`].
    pub fn prepare(
        &mut self,
        inputs: &Inputs,
        params: &ViewParams,
    ) -> Result<&mut Prepared, String> {
        let new = inputs.profile().ok_or("no profile is open")?;
        let diff = inputs
            .base()
            .and_then(|_| params.diff.show.then(|| params.diff.options()));
        let ckey = CombineKey {
            inputs: inputs.generation(),
            diff,
        };
        if self.combined.as_ref().is_some_and(|c| c.key != ckey) {
            // Free what the old inputs made before making the new.
            self.prepared = None;
            self.unfiltered = None;
            self.combined = None;
        }
        let combined = self
            .combined
            .get_or_insert_with(|| combine(new, inputs.base(), ckey));
        let fkey = FilterKey {
            combined: ckey,
            filters: Filters::of(params),
        };
        if let Some(old) = self.prepared.take_if(|p| p.key != fkey) {
            if old.key.filters.is_empty() {
                self.unfiltered = Some(old);
            } else {
                // Free the old filtered view before making the new.
                drop(old);
            }
            if fkey.filters.is_empty() {
                self.prepared = self.unfiltered.take().filter(|u| u.key == fkey);
            }
        }
        let generations = &mut self.generations;
        let prepared = self.prepared.get_or_insert_with(|| {
            *generations += 1;
            filter(combined, fkey, *generations)
        });
        prepared.select_sample_type(params.sample_type_name());
        Ok(prepared)
    }
}

/// Step 1: the profile minus the base (new samples first, then the base's
/// negated), or the profile alone.
fn combine(new: &Input, base: Option<&Input>, key: CombineKey) -> Combined {
    let alone = |error: Option<String>| Combined {
        key,
        name: new.name.clone(),
        profile: new.profile.clone(),
        functions: shared_tree(new.functions.clone()),
        split: None,
        error,
    };
    let (Some(base), Some(opts)) = (base, key.diff) else {
        return alone(None);
    };
    match combine_split(&new.profile, &base.profile, opts) {
        Ok((p, split)) => Combined {
            key,
            name: new.name.clone(),
            // Made when first asked for (the CLI frees the inputs first).
            functions: shared_tree(None),
            profile: Rc::new(p),
            split: Some(split),
            error: None,
        },
        Err(e) => alone(Some(e.to_string())),
    }
}

/// Step 2: the profile-level filters.
fn filter(c: &Combined, key: FilterKey, generation: u64) -> Prepared {
    let mut prepared = Prepared {
        generation,
        name: c.name.clone(),
        profile: c.profile.clone(),
        split: c.split,
        kept: None,
        filters: Vec::new(),
        filter_warnings: Vec::new(),
        problems: Problems {
            diff: c.error.clone(),
            ..Problems::default()
        },
        sample_type: 0,
        sample_type_note: None,
        default_type: OnceCell::new(),
        unfiltered: c.profile.clone(),
        whole_totals: Vec::new(),
        functions: c.functions.clone(),
        other: None,
        shaped: None,
        graphs: Graphs::default(),
        other_half: Graphs::default(),
        key,
    };
    if prepared.key.filters.is_empty() {
        return prepared;
    }
    let spec = &prepared.key.filters.spec;
    match Refine::parse(spec) {
        Err(e) => prepared.problems.filters = Some(e.to_string()),
        Ok(r) => {
            let (p, applied) = r.applied(&c.profile, "");
            prepared.kept = Some((applied.kept, p.num_samples()));
            prepared.filters = spec.active();
            prepared.filter_warnings = applied.warnings;
            // The filtered tree from the unfiltered one when that is made
            // and the filters only took frames out.
            let functions = applied.removed.as_deref().and_then(|removed| {
                let old = c.functions.get()?;
                derived::filtered(old, &p, removed).map(Rc::new)
            });
            let p = Rc::new(p);
            if prepared.key.filters.relative {
                // pprof filters before it takes its total.
                prepared.unfiltered = p.clone();
            }
            prepared.profile = p;
            prepared.functions = shared_tree(functions);
        }
    }
    prepared
}
