//! Share links that fit: the open profiles slimmed and compressed, and,
//! for a link that must stay short, folded: call-tree nodes under 1/N of
//! one sample type's total merged into `(other)` frames ([`TrimSearch`]
//! finds N; [`fit`] runs the search with the caller's compressor: natively
//! flate2, in the browser the browser's CompressionStream).

use serde::{Deserialize, Serialize};

pub use crate::encode::{Fold, TrimInfo};

/// One profile of a share link.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SharedProfile {
    pub name: String,
    /// `.pb.gz` bytes as base64url.
    pub data: String,
    /// Samples written; when folded, what folding kept.
    pub samples: usize,
    pub trimmed: Option<TrimInfo>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShareData {
    pub profile: SharedProfile,
    pub base: Option<SharedProfile>,
    /// A timeline's snapshots, in the order given (the link holds these
    /// in place of the profile and base).
    #[serde(default)]
    pub snapshots: Vec<SharedProfile>,
    /// The sample type folding followed (its name).
    pub trim_type: String,
}

/// One profile encoded for a share link, before base64.
#[derive(Debug, Clone, PartialEq)]
pub struct EncodedProfile {
    pub name: String,
    pub bytes: Vec<u8>,
    pub samples: usize,
    pub trimmed: Option<TrimInfo>,
}

impl EncodedProfile {
    /// With its (compressed) bytes as base64url `data`.
    pub fn into_shared(self, data: String) -> SharedProfile {
        SharedProfile {
            name: self.name,
            data,
            samples: self.samples,
            trimmed: self.trimmed,
        }
    }
}

/// The profile, the base, and the sample type folding follows.
/// The profile, the base, the sample type folding followed, and a
/// timeline's snapshots.
pub type SharedEncoded = (
    EncodedProfile,
    Option<EncodedProfile>,
    String,
    Vec<EncodedProfile>,
);

/// The first N tried: nodes under 1/64 of the total folded.
const FIRST_N: u64 = 64;
/// Encodings tried at most for each kind of folding.
const MAX_ATTEMPTS: u32 = 14;

/// Finds how a share link is folded to fit: call-tree nodes under 1/N of
/// the trim type's total folded into `(other)`, first keeping the top
/// table's functions below it ([`Fold::tails`]), and when even N = 1 is
/// too long that way, not. For each, N doubles from [`FIRST_N`] while the
/// link fits (halves while it does not), then is bisected towards the
/// largest N that fits: a few encodings at most.
#[derive(Debug, Clone)]
pub struct TrimSearch {
    budget: usize,
    tails: bool,
    /// The largest N known to fit and the smallest known not to.
    fits: Option<u64>,
    too_big: Option<u64>,
    tried: u64,
    attempts: u32,
    best: Option<ShareData>,
}

impl TrimSearch {
    /// Starts from the unfolded link's profiles (when they fit as they are,
    /// there is nothing to search).
    pub fn new(budget: usize, unfolded: &ShareData) -> TrimSearch {
        TrimSearch {
            budget,
            tails: true,
            fits: None,
            too_big: None,
            tried: FIRST_N,
            attempts: 0,
            best: (unfolded.len() <= budget).then(|| unfolded.clone()),
        }
    }

    fn at(&self) -> Fold {
        Fold {
            n: self.tried,
            tails: self.tails,
        }
    }

    /// How to fold next (given the answer to the last try, `data`), or
    /// None when done.
    pub fn next(&mut self, data: &ShareData) -> Option<Fold> {
        if self.attempts == 0 {
            if self.best.is_some() {
                return None;
            }
            self.attempts = 1;
            return Some(self.at());
        }
        if data.len() <= self.budget {
            self.fits = Some(self.fits.map_or(self.tried, |f| f.max(self.tried)));
            if self.best.as_ref().is_none_or(|b| b.len() < data.len()) {
                self.best = Some(data.clone());
            }
            // Close enough to the budget, or nothing left to fold: done.
            if data.len() as f64 >= self.budget as f64 * 0.9 || !data.folded() {
                return None;
            }
        } else {
            self.too_big = Some(self.too_big.map_or(self.tried, |t| t.min(self.tried)));
        }
        let next = match (self.fits, self.too_big) {
            _ if self.attempts >= MAX_ATTEMPTS => None,
            (Some(f), None) => f.checked_mul(2),
            (None, Some(t)) if t > 1 => Some(t / 2),
            (Some(f), Some(t)) if t.saturating_sub(f) > (f / 32).max(1) => Some(f + (t - f) / 2),
            _ => None,
        };
        match next {
            Some(n) => self.tried = n,
            // Even N = 1 is too long with the functions below (other):
            // again without them.
            None if self.tails && self.fits.is_none() => {
                self.tails = false;
                self.too_big = None;
                self.tried = FIRST_N;
                self.attempts = 0;
            }
            None => return None,
        }
        self.attempts += 1;
        Some(self.at())
    }

    /// The largest attempt that fits, or why none did.
    pub fn result(self, last: ShareData) -> Result<ShareData, String> {
        match self.best {
            Some(b) => Ok(b),
            None if last.len() <= self.budget => Ok(last),
            None => Err(format!(
                "even with every call path under 1/{} of the total folded, the profiles take {} characters, more than {}",
                self.tried,
                last.len(),
                self.budget
            )),
        }
    }
}

impl ShareData {
    /// Whether folding merged any call-tree node of the profiles.
    pub fn folded(&self) -> bool {
        [Some(&self.profile), self.base.as_ref()]
            .into_iter()
            .flatten()
            .chain(&self.snapshots)
            .any(|p| p.trimmed.is_some_and(|t| t.folded()))
    }

    /// Characters the profiles take in a link.
    pub fn len(&self) -> usize {
        if !self.snapshots.is_empty() {
            return self.snapshots.iter().map(|s| s.data.len()).sum();
        }
        self.profile.data.len() + self.base.as_ref().map_or(0, |b| b.data.len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Runs [`TrimSearch`]: `make` encodes and compresses the profiles folded
/// as asked (not folded for None), and
/// the largest answer that fits `budget` characters is the link's. Without
/// a budget, the profiles not folded.
pub async fn fit<F, Fut>(budget: Option<usize>, mut make: F) -> Result<ShareData, String>
where
    F: FnMut(Option<Fold>) -> Fut,
    Fut: std::future::Future<Output = Result<ShareData, String>>,
{
    let mut data = make(None).await?;
    let Some(budget) = budget else {
        return Ok(data);
    };
    let mut search = TrimSearch::new(budget, &data);
    while let Some(at) = search.next(&data) {
        data = make(Some(at)).await?;
    }
    search.result(data)
}

/// The result of a future whose every wait is over at once (natively,
/// [`fit`] with a compressor that never waits), polled once.
#[cfg(not(target_arch = "wasm32"))]
pub fn ready<T>(fut: impl std::future::Future<Output = Result<T, String>>) -> Result<T, String> {
    let mut fut = std::pin::pin!(fut);
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    match fut.as_mut().poll(&mut cx) {
        std::task::Poll::Ready(v) => v,
        std::task::Poll::Pending => Err("the compression did not finish".into()),
    }
}
