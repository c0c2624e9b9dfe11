//! gzip: the inflated size to expect (for the browser's inflating too) and,
//! natively, inflating with flate2 up to a cap. The wasm build has no
//! inflater of its own: the browser inflates for it.

#[cfg(not(target_arch = "wasm32"))]
use std::io::Read;

#[cfg(not(target_arch = "wasm32"))]
use super::Progress;
#[cfg(not(target_arch = "wasm32"))]
use crate::error::{Error, Result};

/// How much room to make for inflating `gz`: the size its gzip trailer
/// records (ISIZE, the inflated size modulo 4 GiB) when that is plausible,
/// so a large profile is inflated without regrowing (and copying) its
/// buffer; never more than `cap`.
pub fn inflated_size_hint(gz: &[u8], cap: u64) -> usize {
    let trailer = gz
        .get(gz.len().saturating_sub(4)..)
        .and_then(|t| <[u8; 4]>::try_from(t).ok());
    size_hint(gz.len() as u64, trailer, cap)
}

/// [`inflated_size_hint`] from the gzip data's length and its last four
/// bytes.
pub fn size_hint(gz_len: u64, trailer: Option<[u8; 4]>, cap: u64) -> usize {
    let guess = gz_len.saturating_mul(4);
    let isize = trailer.map(|t| u64::from(u32::from_le_bytes(t)));
    // One member, not wrapped past 4 GiB: the trailer is the size; deflate
    // shrinks by at most ~1032×, so anything larger is not a real trailer.
    let hint = match isize {
        Some(n) if n >= gz_len / 2 && n <= gz_len.saturating_mul(1032) => n,
        _ => guess,
    };
    hint.min(cap).min(1 << 30) as usize
}

/// Inflates gzip `bytes` (several members too), stopping with an error past
/// `cap` bytes.
#[cfg(not(target_arch = "wasm32"))]
pub fn gunzip(bytes: &[u8], cap: u64, progress: Progress<'_>) -> Result<Vec<u8>> {
    let mut dec = flate2::read::MultiGzDecoder::new(bytes);
    let mut out = Vec::with_capacity(inflated_size_hint(bytes, cap));
    let mut chunk = vec![0u8; 1 << 16];
    loop {
        let n = dec.read(&mut chunk).map_err(|e| Error::Gzip {
            detail: e.to_string(),
        })?;
        if n == 0 {
            break;
        }
        if out.len() as u64 + n as u64 > cap {
            return Err(Error::DecompressedTooLarge { limit: cap });
        }
        out.extend_from_slice(&chunk[..n]);
        if out.len() % (1 << 22) < n {
            progress("inflate", out.len() as u64, 0);
        }
    }
    progress("inflate", out.len() as u64, out.len() as u64);
    Ok(out)
}
