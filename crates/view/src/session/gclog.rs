//! GC logs in the worker: `GODEBUG=gctrace=1` logs (or a link's compact
//! series) loaded as base and new, answered with the GC view's figures,
//! comparison and charts.

use serde::{Deserialize, Serialize};

use heaplens_text::gctrace::{self, Gc};

use super::{Response, Session, Slot};
use crate::gc::{self, chart::Chart, report, series, Change, Figure};
use crate::share::base64url;

/// The pixel columns the charts are computed for (the page scales them).
pub const CHART_COLUMNS: usize = 800;

/// A log loaded into a slot.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadedGc {
    pub name: String,
    pub heading: String,
    pub gcs: Vec<Gc>,
}

/// What the GC view shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GcData {
    /// File names (base, new); the base's is empty without one.
    pub names: (String, String),
    /// One line per log: `new.log: 412 GCs over 3.02 s`.
    pub headings: Vec<String>,
    /// The figures of the one log shown alone.
    pub figures: Vec<Figure>,
    /// Base against new, when both are loaded.
    pub changes: Option<Vec<Change>>,
    /// The sentences of the tested changes.
    pub sentences: Vec<String>,
    pub charts: Vec<Chart>,
    /// What the reader skipped or chose (other processes, cut lines).
    pub notes: Vec<String>,
    /// The share link's fragment for this view (the parsed series), or
    /// why there is none.
    pub fragment: Result<String, String>,
}

impl Session {
    /// Whether `bytes` (a file's start) are a gctrace log.
    pub fn is_gctrace(bytes: &[u8]) -> bool {
        let head = &bytes[..bytes.len().min(256 << 10)];
        gctrace::looks_like_gctrace(head)
    }

    /// Reads a gctrace log into `slot` and answers the GC view.
    pub fn load_gctrace(
        &mut self,
        slot: Slot,
        name: &str,
        bytes: &[u8],
    ) -> Result<Response, String> {
        let mut log = gctrace::parse(&String::from_utf8_lossy(bytes)).map_err(|e| e.to_string())?;
        let mut notes = Vec::new();
        // The process with the most GCs; the others are named.
        let Some(shown) = (0..log.processes.len()).max_by_key(|&i| log.processes[i].gcs.len())
        else {
            return Err("no GC in the log".into());
        };
        let p = &log.processes[shown];
        if log.processes.len() > 1 {
            let others: Vec<String> = log
                .processes
                .iter()
                .filter(|o| o.name != p.name)
                .map(|o| format!("{:?} ({} GCs)", o.name, o.gcs.len()))
                .collect();
            notes.push(format!(
                "{name} holds {} processes: showing {:?} ({} GCs), not {} (heaplens gctrace --process NAME reads any of them)",
                log.processes.len(),
                p.name,
                p.gcs.len(),
                others.join(", ")
            ));
        }
        if log.malformed_lines > 0 {
            notes.push(format!(
                "{name}: {} cut short or mangled, skipped",
                heaplens_text::count(log.malformed_lines as u64, "GC line", "GC lines")
            ));
        }
        let heading = report::heading(name, &p.name, &gc::summary(&p.gcs));
        let gcs = log.processes.swap_remove(shown).gcs;
        self.put_gc(slot, name, heading, gcs);
        Ok(self.gc_view(notes))
    }

    /// Loads a link's compact series (see [`gc::series`]) into `slot`.
    pub fn load_gc_series(
        &mut self,
        slot: Slot,
        name: &str,
        bytes: &[u8],
    ) -> Result<Response, String> {
        let gcs = series::decode(bytes)?;
        if gcs.is_empty() {
            return Err("the link's GC series is empty".into());
        }
        let heading = report::heading(name, "", &gc::summary(&gcs));
        self.put_gc(slot, name, heading, gcs);
        Ok(self.gc_view(Vec::new()))
    }

    fn put_gc(&mut self, slot: Slot, name: &str, heading: String, gcs: Vec<Gc>) {
        let loaded = Some(LoadedGc {
            name: name.to_string(),
            heading,
            gcs,
        });
        match slot {
            Slot::Profile => self.gc_new = loaded,
            Slot::Base => self.gc_base = loaded,
        }
    }

    fn gc_view(&self, notes: Vec<String>) -> Response {
        let (base, new) = match (&self.gc_base, &self.gc_new) {
            (b, Some(n)) => (b.as_ref(), n),
            (Some(b), None) => (None, b),
            (None, None) => return Response::Failed("no GC log is loaded".into()),
        };
        let changes = base.map(|b| gc::compare(&b.gcs, &new.gcs));
        let sentences = changes
            .iter()
            .flatten()
            .filter(|c| c.p.is_some())
            .map(report::sentence)
            .collect();
        let headings = base
            .iter()
            .map(|b| format!("base {}", b.heading))
            .chain([new.heading.clone()])
            .collect();
        Response::Gc(Box::new(GcData {
            names: (
                base.map_or(String::new(), |b| b.name.clone()),
                new.name.clone(),
            ),
            headings,
            figures: gc::summary(&new.gcs),
            changes,
            sentences,
            charts: gc::chart::charts(base.map(|b| b.gcs.as_slice()), &new.gcs, CHART_COLUMNS),
            notes,
            fragment: fragment(base, new),
        }))
    }
}

/// `v=1&g=…&gn=…[&gb=…&gbn=…]`: the series themselves, never the log.
fn fragment(base: Option<&LoadedGc>, new: &LoadedGc) -> Result<String, String> {
    let too_long = |l: &LoadedGc| l.gcs.len() > series::MAX_GCS;
    if let Some(l) = base.into_iter().chain([new]).find(|l| too_long(l)) {
        return Err(format!(
            "{} has {} GCs, more than a link holds ({}): share the log file, or a link to it (#gctrace=URL)",
            l.name,
            l.gcs.len(),
            series::MAX_GCS
        ));
    }
    let part = |key: &str, l: &LoadedGc| {
        format!(
            "&{key}={}&{key}n={}",
            base64url(&series::encode(&l.gcs)),
            crate::share::encode(&l.name)
        )
    };
    let mut f = String::from("v=1");
    f.push_str(&part("g", new));
    if let Some(b) = base {
        f.push_str(&part("gb", b));
    }
    Ok(f)
}
