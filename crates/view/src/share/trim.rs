//! Share links that fit: the open profiles slimmed and compressed, and,
//! for a link that must stay short, trimmed to the samples that carry most
//! of one sample type's value ([`TrimSearch`] finds how many; [`fit`] runs
//! the search with the caller's compressor: natively flate2, in the
//! browser the browser's CompressionStream).

use serde::{Deserialize, Serialize};

/// One profile of a share link.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SharedProfile {
    pub name: String,
    /// `.pb.gz` bytes as base64url.
    pub data: String,
    /// Samples kept; when trimmed, samples merged into `(trimmed)` and the
    /// share of the value kept.
    pub samples: usize,
    pub trimmed: Option<(usize, f64)>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShareData {
    pub profile: SharedProfile,
    pub base: Option<SharedProfile>,
    /// The sample type trimming followed (its name).
    pub trim_type: String,
}

/// One profile encoded for a share link, before base64.
#[derive(Debug, Clone, PartialEq)]
pub struct EncodedProfile {
    pub name: String,
    pub bytes: Vec<u8>,
    pub samples: usize,
    pub trimmed: Option<(usize, f64)>,
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

/// The profile, the base, and the sample type trimming follows.
pub type SharedEncoded = (EncodedProfile, Option<EncodedProfile>, String);

/// Finds how many samples a trimmed share link keeps: a share of each
/// profile's samples, first estimated from the untrimmed link's size, then
/// bisected (a few encodings at most) towards the largest link that fits.
#[derive(Debug, Clone)]
pub struct TrimSearch {
    budget: usize,
    samples: (usize, usize),
    /// Shares known to fit and known not to fit.
    fits: f64,
    too_big: f64,
    tried: f64,
    attempts: u32,
    best: Option<ShareData>,
}

impl TrimSearch {
    /// Starts from the untrimmed link's profiles; `first` is the share of
    /// samples to try first (None when they fit as they are).
    pub fn new(budget: usize, untrimmed: &ShareData) -> TrimSearch {
        TrimSearch {
            budget,
            samples: (
                untrimmed.profile.samples,
                untrimmed.base.as_ref().map_or(0, |b| b.samples),
            ),
            fits: 0.0,
            too_big: 1.0,
            tried: 1.0,
            attempts: 0,
            best: (untrimmed.len() <= budget).then(|| untrimmed.clone()),
        }
        .estimate(untrimmed.len())
    }

    fn estimate(mut self, len: usize) -> TrimSearch {
        self.tried = (self.budget as f64 / len.max(1) as f64 * 0.9).min(1.0);
        self
    }

    fn keep(&self) -> (usize, usize) {
        let r = self.tried;
        let keep = |n: usize| ((n as f64 * r) as usize).min(n.saturating_sub(1));
        (keep(self.samples.0), keep(self.samples.1))
    }

    /// The samples of profile and base to keep next (given the attempt
    /// that came of the last answer, `data`), or None when done.
    pub fn next(&mut self, data: &ShareData) -> Option<(usize, usize)> {
        if self.attempts == 0 && self.best.is_some() {
            return None;
        }
        if self.attempts > 0 {
            if data.len() <= self.budget {
                self.fits = self.tried;
                if self.best.as_ref().is_none_or(|b| b.len() < data.len()) {
                    self.best = Some(data.clone());
                }
                // Close enough to the budget: done.
                if data.len() as f64 >= self.budget as f64 * 0.9 {
                    return None;
                }
            } else {
                self.too_big = self.tried;
            }
        }
        if self.attempts >= 8 || self.too_big - self.fits < 1e-6 {
            return None;
        }
        if self.attempts > 0 {
            self.tried = if self.fits == 0.0 {
                self.too_big / 2.0
            } else {
                (self.fits + self.too_big) / 2.0
            };
        }
        self.attempts += 1;
        Some(self.keep())
    }

    /// The largest attempt that fits, or why none did.
    pub fn result(self, last: ShareData) -> Result<ShareData, String> {
        match self.best {
            Some(b) => Ok(b),
            None if last.len() <= self.budget => Ok(last),
            None => Err(format!(
                "even trimmed hard, the profiles take {}, more than {}",
                heaplens_profile::units::count(last.len() as u64, "character", "characters"),
                self.budget
            )),
        }
    }
}

impl ShareData {
    /// Characters the profiles take in a link.
    pub fn len(&self) -> usize {
        self.profile.data.len() + self.base.as_ref().map_or(0, |b| b.data.len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Runs [`TrimSearch`]: `make` encodes and compresses the profiles keeping
/// the given numbers of largest samples (all of them for None), and the
/// first answer that fits `budget` characters (or the closest below it) is
/// the link's. Without a budget, the untrimmed profiles.
pub async fn fit<F, Fut>(budget: Option<usize>, mut make: F) -> Result<ShareData, String>
where
    F: FnMut(Option<(usize, usize)>) -> Fut,
    Fut: std::future::Future<Output = Result<ShareData, String>>,
{
    let mut data = make(None).await?;
    let Some(budget) = budget else {
        return Ok(data);
    };
    let mut search = TrimSearch::new(budget, &data);
    while let Some(keep) = search.next(&data) {
        data = make(Some(keep)).await?;
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
