//! The compiler's diagnostics in the worker: loaded beside the profile
//! (the new build's, and in a diff the base build's), joined to the view's
//! profile once per prepared profile and sample type, then every view
//! carries [`WhyView`](crate::why::view::WhyView).

use std::rc::Rc;

use super::{Response, Session, Slot};
use crate::pipeline::Prepared;
use crate::why::view::{Loaded, Sides};
use crate::why::Analysis;

/// The diagnostics loaded, and the last join.
#[derive(Default)]
pub struct WhyState {
    new: Option<Loaded>,
    base: Option<Loaded>,
    /// Counts loads: a join made before the last load is stale.
    version: u64,
    /// (prepared generation, sample type, version) → the shown side's
    /// analysis and, in a diff with both sides', the base's.
    last: Option<(JoinKey, Rc<Joined>)>,
}

type JoinKey = (u64, usize, u64);

/// The shown side's analysis and, in a diff with both sides', the base's.
pub type Joined = (Analysis, Option<Analysis>);

impl WhyState {
    /// The diagnostics of each side.
    pub fn sides(&self) -> Sides<'_> {
        Sides {
            new: self.new.as_ref(),
            base: self.base.as_ref(),
        }
    }

    /// The join for `prepared`'s profile and sample type, made when the
    /// profile, the sample type or the diagnostics changed; None without
    /// diagnostics.
    pub fn joined(&mut self, prepared: &Prepared) -> Option<Rc<Joined>> {
        let key = (prepared.generation, prepared.sample_type, self.version);
        if let Some((k, j)) = &self.last {
            if *k == key {
                return Some(j.clone());
            }
        }
        self.last = None;
        let j = crate::why::view::analyse(
            self.sides(),
            &prepared.profile,
            prepared.sample_type,
            prepared.split,
        )?;
        let j = Rc::new(j);
        self.last = Some((key, j.clone()));
        Some(j)
    }
}

impl Session {
    /// Whether `bytes` (a file's start) are the compiler's diagnostics.
    pub fn is_diagnostics(bytes: &[u8]) -> bool {
        heaplens_text::escape::looks_like_diagnostics(&bytes[..bytes.len().min(64 << 10)])
    }

    /// Adds a diagnostics file (`-m`, `-m=2` output or a `-json=0` file)
    /// to those of `slot` (the base's: the base build's diagnostics, for a
    /// diff); views carry them from now on.
    pub fn load_diagnostics(
        &mut self,
        slot: Slot,
        name: &str,
        bytes: &[u8],
    ) -> Result<Response, String> {
        let d = crate::why::parse(&String::from_utf8_lossy(bytes)).map_err(|e| e.to_string())?;
        let state = &mut self.diagnostics;
        let loaded = match slot {
            Slot::Base => &mut state.base,
            Slot::Profile => &mut state.new,
        }
        .get_or_insert_with(Loaded::default);
        if !loaded.names.iter().any(|n| n == name) {
            loaded.names.push(name.to_string());
        }
        loaded.diags.lines += d.lines;
        loaded.diags.ignored_lines += d.ignored_lines;
        loaded.diags.diags.extend(d.diags);
        state.version += 1;
        state.last = None;
        // Rows at line granularity carry the diagnostics: send them again.
        self.rows_sent = None;
        let sides = state.sides();
        let mut names: Vec<String> = sides.new.map_or(Vec::new(), |l| l.names.clone());
        if let Some(b) = sides.base {
            names.extend(b.names.iter().map(|n| format!("{n} (base)")));
        }
        let count = [sides.new, sides.base]
            .iter()
            .flatten()
            .map(|l| l.diags.diags.len())
            .sum();
        Ok(Response::Diagnostics { names, count })
    }
}
