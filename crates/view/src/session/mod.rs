//! The session the web app's worker runs: it holds the loaded profiles and
//! answers view requests with compact render data (the flame layout for the
//! visible zoom, the table rows asked for, search and callers/callees
//! results), so the page never holds the whole profile. Plain data in and
//! out ([`protocol`], serde), so it is tested natively.
//!
//! A view runs the shared [`crate::pipeline`] (the same one the CLI runs),
//! then [`answer`] assembles its parts ([`flame`], [`rows`], [`summary`])
//! with what [`caches`] kept from earlier views; [`export`] writes files of
//! a view; [`info`] describes a loaded profile.

mod answer;
pub mod caches;
mod export;
pub mod flame;
pub mod gclog;
pub mod info;
pub mod protocol;
pub mod render;
pub mod rows;
pub mod summary;
pub mod timeline;
pub mod values;
pub mod why;

pub use info::{ProfileInfo, SampleTypeInfo};
pub use protocol::{ExportKind, Request, Response, Slot, ViewRequest};
pub use render::{
    file_stem, package_of, Crumb, Details, FlameRect, FrameName, NodeId, PeekData, TypeValue,
    ViewData, ANCESTOR, INLINED, MATCHED, SELECTED,
};

use crate::encode::{encode, encode_with, EncodeOptions, Fold, Trim};
use heaplens_profile::{decode_inflated, Limits, Profile};

use crate::benchfmt::{self, BenchSet};
use crate::benchtab;
use crate::pipeline::{Input, Inputs, Pipeline};
use crate::share::trim::{EncodedProfile, SharedEncoded};
use caches::{Caches, RowsKey};
use rows::RowsAsked;

/// Limits in the browser: a tab has far less memory than the CLI.
pub const BROWSER_LIMITS: Limits = Limits {
    max_input: 512 << 20,
    max_decoded: 1 << 30,
};

/// The worker's state: the loaded profiles, the pipeline's steps, and what
/// the last views left for the next.
#[derive(Default)]
pub struct Session {
    inputs: Inputs,
    pipeline: Pipeline,
    caches: Caches,
    /// Benchmark outputs loaded beside the profiles (name, parsed).
    bench_new: Option<(String, BenchSet)>,
    bench_base: Option<(String, BenchSet)>,
    /// GC logs loaded beside the profiles.
    gc_new: Option<gclog::LoadedGc>,
    gc_base: Option<gclog::LoadedGc>,
    /// The compiler's diagnostics loaded beside the profiles.
    diagnostics: why::WhyState,
    /// The last call graph laid out: (prepared generation, sample type,
    /// node count) and the scene.
    call_graph: Option<(CallGraphKey, std::rc::Rc<crate::callgraph::GraphScene>)>,
    /// The rows last sent (which table, which of its rows): an answer
    /// carries rows only when they change.
    rows_sent: Option<(RowsKey, RowsAsked)>,
    /// The timeline of heap snapshots.
    timeline: timeline::TimelineState,
}

/// What a call graph's scene depends on.
type CallGraphKey = (u64, usize, u32);

impl Session {
    pub fn new() -> Session {
        Session::default()
    }

    /// Decodes `bytes` (gzipped or not) into `slot`. On error the slot keeps
    /// what it had. Native only: in the browser the worker inflates gzip
    /// first and calls [`Session::load_inflated`].
    #[cfg(not(target_arch = "wasm32"))]
    pub fn load(
        &mut self,
        slot: Slot,
        name: &str,
        bytes: &[u8],
        progress: &mut dyn FnMut(&str, u64, u64),
    ) -> Result<ProfileInfo, String> {
        // The tables kept for the page are made again when asked for;
        // without them the new profile has more room.
        self.caches.drop_tables();
        let profile = heaplens_profile::decode_with(bytes, BROWSER_LIMITS, progress)
            .map_err(|e| e.to_string())?;
        Ok(self.install(slot, name, profile, progress))
    }

    /// Decodes a profile that is not gzipped (the browser has inflated it:
    /// `gzip_size` is the size of the file as it was) into `slot`. The
    /// bytes are let go of once decoded, before the call tree is built, so
    /// the tree reuses their memory.
    pub fn load_inflated(
        &mut self,
        slot: Slot,
        name: &str,
        bytes: Vec<u8>,
        gzip_size: Option<u64>,
        progress: &mut dyn FnMut(&str, u64, u64),
    ) -> Result<ProfileInfo, String> {
        self.caches.drop_tables();
        let decoded = decode_inflated(&bytes, BROWSER_LIMITS, progress);
        drop(bytes);
        let mut profile = decoded.map_err(|e| e.to_string())?;
        if let Some(size) = gzip_size {
            profile.stats.input_bytes = size;
            profile.stats.gzipped = true;
        }
        Ok(self.install(slot, name, profile, progress))
    }

    /// Decodes several files (name, bytes, gzipped or not) and opens their
    /// merge in `slot`, as [`Input::merged`] merges them (the CLI's merge
    /// too). On error (a file that does not decode, whose name the message
    /// starts with, or two files whose sample types differ) the slot keeps
    /// what it had. Native only, as [`Session::load`].
    #[cfg(not(target_arch = "wasm32"))]
    pub fn load_merged(
        &mut self,
        slot: Slot,
        files: &[(String, Vec<u8>)],
        progress: &mut dyn FnMut(&str, u64, u64),
    ) -> Result<ProfileInfo, String> {
        self.caches.drop_tables();
        let mut parts = Vec::with_capacity(files.len());
        for (name, bytes) in files {
            let p = heaplens_profile::decode_with(bytes, BROWSER_LIMITS, progress)
                .map_err(|e| format!("{name}: {e}"))?;
            parts.push((name.clone(), p));
        }
        self.install_merged(slot, parts, progress)
    }

    /// Decodes one part of a merge that is not gzipped (as
    /// [`Session::load_inflated`], without opening it): the browser's
    /// worker decodes each file, then opens them with
    /// [`Session::install_merged`].
    pub fn decode_part(
        &mut self,
        name: &str,
        bytes: &[u8],
        gzip_size: Option<u64>,
        progress: &mut dyn FnMut(&str, u64, u64),
    ) -> Result<Profile, String> {
        self.caches.drop_tables();
        let mut profile =
            decode_inflated(bytes, BROWSER_LIMITS, progress).map_err(|e| format!("{name}: {e}"))?;
        if let Some(size) = gzip_size {
            profile.stats.input_bytes = size;
            profile.stats.gzipped = true;
        }
        Ok(profile)
    }

    /// Opens the merge of decoded `parts` (file name, profile) in `slot`.
    pub fn install_merged(
        &mut self,
        slot: Slot,
        parts: Vec<(String, Profile)>,
        progress: &mut dyn FnMut(&str, u64, u64),
    ) -> Result<ProfileInfo, String> {
        progress("merge", 0, 1);
        let input = Input::merged(parts)?;
        progress("merge", 1, 1);
        Ok(self.install_input(slot, input, progress))
    }

    fn install(
        &mut self,
        slot: Slot,
        name: &str,
        profile: Profile,
        progress: &mut dyn FnMut(&str, u64, u64),
    ) -> ProfileInfo {
        self.install_input(slot, Input::new(name, profile), progress)
    }

    fn install_input(
        &mut self,
        slot: Slot,
        input: Input,
        progress: &mut dyn FnMut(&str, u64, u64),
    ) -> ProfileInfo {
        progress("tree", 0, 1);
        let input = input.with_functions();
        progress("tree", 1, 1);
        let info = describe(&input);
        match slot {
            Slot::Profile => self.inputs.set_profile(input),
            Slot::Base => self.inputs.set_base(input),
        }
        info
    }

    /// Closes the base profile.
    pub fn clear_base(&mut self) {
        self.inputs.clear_base();
    }

    /// Exchanges the profile and the base; returns their new infos.
    pub fn swap(&mut self) -> Option<(ProfileInfo, ProfileInfo)> {
        if !self.inputs.swap() {
            return None;
        }
        Some((
            describe(self.inputs.profile()?),
            describe(self.inputs.base()?),
        ))
    }

    /// Whether `bytes` are `go test -bench` output rather than a profile.
    pub fn is_bench(bytes: &[u8]) -> bool {
        benchfmt::looks_like_bench(bytes)
    }

    /// Loads benchmark output into `slot`; answers the comparison once both
    /// sides are there, the single output's values before.
    pub fn load_bench(&mut self, slot: Slot, name: &str, bytes: &[u8]) -> Result<Response, String> {
        let set = benchfmt::parse(&String::from_utf8_lossy(bytes)).map_err(|e| e.to_string())?;
        match slot {
            Slot::Profile => self.bench_new = Some((name.to_string(), set)),
            Slot::Base => self.bench_base = Some((name.to_string(), set)),
        }
        let (comparison, names) = match (&self.bench_base, &self.bench_new) {
            (Some((bn, b)), Some((nn, n))) => {
                (Some(benchfmt::compare(b, n)), (bn.clone(), nn.clone()))
            }
            (Some((bn, b)), None) => (Some(benchtab::single(b)), (bn.clone(), String::new())),
            (None, Some((nn, n))) => (Some(benchtab::single(n)), (String::new(), nn.clone())),
            (None, None) => (None, (String::new(), String::new())),
        };
        Ok(Response::Bench {
            slot,
            name: name.to_string(),
            comparison,
            names,
        })
    }

    /// The open profile (and base) for a share link: slimmed, gzipped, and
    /// folded to fit `budget` base64 characters when one is given.
    /// Natively; the browser's worker runs the same [`fit`] with the
    /// browser's gzip.
    ///
    /// [`fit`]: crate::share::trim::fit
    #[cfg(not(target_arch = "wasm32"))]
    pub fn share(
        &self,
        sample_type: Option<usize>,
        budget: Option<usize>,
    ) -> Result<crate::share::trim::ShareData, String> {
        use crate::share::{base64url, trim};
        let gzipped = |fold| {
            let (p, b, t, snaps) = self.share_encode(sample_type, fold)?;
            let shared = |e: EncodedProfile| {
                let d = base64url(&crate::encode::gzip(&e.bytes));
                e.into_shared(d)
            };
            Ok(trim::ShareData {
                profile: shared(p),
                base: b.map(shared),
                snapshots: snaps.into_iter().map(shared).collect(),
                trim_type: t,
            })
        };
        trim::ready(trim::fit(budget, |fold| std::future::ready(gzipped(fold))))
    }

    /// The open profile and base encoded for a share link (not compressed),
    /// folded by the shown sample type (`sample_type`) when `fold` is set:
    /// each profile keeps the call-tree nodes holding at least 1/N of its
    /// own total.
    pub fn share_encode(
        &self,
        sample_type: Option<usize>,
        fold: Option<Fold>,
    ) -> Result<SharedEncoded, String> {
        let new = self.inputs.profile().ok_or("no profile is open")?;
        let ty = sample_type
            .filter(|&t| t < new.profile.num_types())
            .unwrap_or_else(|| new.profile.default_sample_type());
        let trim_type = new
            .profile
            .sample_types
            .get(ty)
            .map(|t| t.ty.clone())
            .unwrap_or_default();
        let one = |name: &str, p: &Profile, functions: Option<&heaplens_analysis::CallTree>| {
            let t = p
                .sample_types
                .iter()
                .position(|t| t.ty == trim_type)
                .unwrap_or(0);
            let trim = fold.map(|fold| Trim {
                sample_type: t,
                fold,
            });
            let e = encode_with(
                p,
                functions,
                EncodeOptions {
                    trim,
                    ..EncodeOptions::SLIM
                },
            );
            EncodedProfile {
                name: name.to_string(),
                bytes: e.protobuf,
                samples: e.samples,
                trimmed: e.trimmed,
            }
        };
        let input = |l: &Input| one(&l.name, &l.profile, l.functions.as_deref());
        let profile = input(new);
        let base = self.inputs.base().map(input);
        let snapshots = self
            .timeline_snapshots()
            .iter()
            .map(|(name, p)| one(name, p, None))
            .collect();
        Ok((profile, base, trim_type, snapshots))
    }

    /// The open profile, whole, as pprof protobuf (not compressed), with its
    /// file name.
    pub fn profile_protobuf(&self) -> Option<(String, Vec<u8>)> {
        let l = self.inputs.profile()?;
        Some((
            l.name.clone(),
            encode(&l.profile, EncodeOptions::FULL).protobuf,
        ))
    }
}

/// The info panel's description of a loaded input.
fn describe(input: &Input) -> ProfileInfo {
    let nodes = input.functions.as_ref().map_or(0, |t| t.len());
    let mut info = info::info(&input.name, &input.profile, nodes);
    info.merged_from = input.merged_from.clone();
    info
}
