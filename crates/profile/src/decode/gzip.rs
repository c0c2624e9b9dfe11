//! gzip: the inflated size to expect (for the browser's inflating too) and,
//! natively, inflating with flate2 up to a cap. The wasm build has no
//! inflater of its own: the browser inflates for it.
//!
//! Both inflaters also stop early when the data inflates far more than any
//! real profile does ([`ratio_exceeded`]): a gzip bomb is refused after
//! [`RATIO_FLOOR`] bytes, not run up to the cap.

#[cfg(not(target_arch = "wasm32"))]
use std::io::Read;

#[cfg(not(target_arch = "wasm32"))]
use super::Progress;
#[cfg(not(target_arch = "wasm32"))]
use crate::error::{Error, Result};

/// Past [`RATIO_FLOOR`] inflated bytes, inflating stops when the inflated
/// size exceeds this many times the compressed bytes read. The profiles of
/// the shared corpus (50 gzip files: Go, Rust, Ruby, Java, Node, parca,
/// pyroscope) inflate 2.4 to 10.4 times; deflate can reach ~1032 times on
/// zeros, which only a bomb holds.
pub const MAX_RATIO: u64 = 500;

/// Inflated bytes below which the ratio is not checked: a small file is
/// never refused for it.
pub const RATIO_FLOOR: u64 = 64 << 20;

/// Whether `inflated` bytes from `compressed` bytes of gzip is beyond any
/// real profile ([`MAX_RATIO`] past [`RATIO_FLOOR`]).
pub fn ratio_exceeded(inflated: u64, compressed: u64) -> bool {
    inflated > RATIO_FLOOR && inflated > compressed.saturating_mul(MAX_RATIO)
}

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
    // One member, not wrapped past 4 GiB: the trailer is the size; a size
    // inflating would refuse (beyond MAX_RATIO) is not made room for.
    let hint = match isize {
        Some(n) if n >= gz_len / 2 && !ratio_exceeded(n, gz_len) => n,
        _ => guess,
    };
    hint.min(cap).min(1 << 30) as usize
}

/// A reader that counts the bytes read from it.
#[cfg(not(target_arch = "wasm32"))]
struct Counted<'a> {
    inner: &'a [u8],
    read: u64,
}

#[cfg(not(target_arch = "wasm32"))]
impl Read for Counted<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        Ok(n)
    }
}

/// Inflates gzip `bytes` (several members too), stopping with an error past
/// `cap` bytes, or when the data inflates beyond any real profile
/// ([`ratio_exceeded`]).
#[cfg(not(target_arch = "wasm32"))]
pub fn gunzip(bytes: &[u8], cap: u64, progress: Progress<'_>) -> Result<Vec<u8>> {
    let mut dec = flate2::read::MultiGzDecoder::new(Counted {
        inner: bytes,
        read: 0,
    });
    let mut out = Vec::with_capacity(inflated_size_hint(bytes, cap));
    let mut chunk = vec![0u8; 1 << 16];
    loop {
        let n = dec.read(&mut chunk).map_err(|e| Error::Gzip {
            detail: e.to_string(),
        })?;
        if n == 0 {
            break;
        }
        let inflated = out.len() as u64 + n as u64;
        if inflated > cap {
            return Err(Error::DecompressedTooLarge { limit: cap });
        }
        // What the decoder read, some of it buffered and not inflated yet:
        // the ratio is if anything underestimated.
        let compressed = dec.get_ref().read;
        if ratio_exceeded(inflated, compressed) {
            return Err(Error::GzipBomb {
                inflated,
                compressed,
            });
        }
        out.extend_from_slice(&chunk[..n]);
        if out.len() % (1 << 22) < n {
            progress("inflate", out.len() as u64, 0);
        }
    }
    progress("inflate", out.len() as u64, out.len() as u64);
    Ok(out)
}

#[cfg(test)]
#[cfg(not(target_arch = "wasm32"))]
mod tests {
    use super::*;
    use flate2::{Compress, Compression, Crc, FlushCompress};

    /// `mib` MiB of zeros gzipped at level 9, made without deflating them
    /// all: after the first MiB, every MiB of zeros deflates (sync-flushed)
    /// to the same bytes, repeated here; the trailer's CRC is combined.
    fn zero_bomb(mib: usize) -> Vec<u8> {
        let zeros = vec![0u8; 1 << 20];
        let mut c = Compress::new(Compression::best(), false);
        let mut block = |input: &[u8], flush| {
            let mut out = Vec::with_capacity(1 << 16);
            let before = c.total_in();
            c.compress_vec(input, &mut out, flush).expect("deflates");
            assert_eq!(c.total_in() - before, input.len() as u64);
            out
        };
        let first = block(&zeros, FlushCompress::Sync);
        let steady = block(&zeros, FlushCompress::Sync);
        assert_eq!(block(&zeros, FlushCompress::Sync), steady);
        let end = block(&[], FlushCompress::Finish);
        let mut one = Crc::new();
        one.update(&zeros);
        let mut crc = Crc::new();
        let mut gz = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 2, 0xff];
        gz.extend(&first);
        crc.combine(&one);
        // The first MiB, two more above, and `mib - 3` repeated.
        gz.extend(&steady);
        gz.extend(&steady);
        crc.combine(&one);
        crc.combine(&one);
        for _ in 3..mib {
            gz.extend(&steady);
            crc.combine(&one);
        }
        gz.extend(&end);
        gz.extend(crc.sum().to_le_bytes());
        gz.extend(((mib as u64) << 20).to_le_bytes()[..4].iter());
        gz
    }

    #[test]
    fn the_bomb_maker_makes_valid_gzip() {
        let gz = zero_bomb(8);
        let out = gunzip(&gz, 1 << 30, &mut |_, _, _| {}).expect("inflates");
        assert_eq!(out.len(), 8 << 20);
        assert!(out.iter().all(|&b| b == 0));
    }

    #[test]
    fn a_gzip_bomb_is_refused_past_the_floor_not_at_the_cap() {
        let gz = zero_bomb(2048);
        assert!(gz.len() < 4 << 20, "{}", gz.len());
        let mut most = 0;
        let e = gunzip(&gz, 1 << 30, &mut |_, done, _| most = most.max(done)).unwrap_err();
        let Error::GzipBomb {
            inflated,
            compressed,
        } = e
        else {
            panic!("{e}");
        };
        assert!(
            inflated > RATIO_FLOOR && inflated < RATIO_FLOOR + (8 << 20),
            "{inflated}"
        );
        assert!(inflated > compressed * MAX_RATIO);
        assert!(most <= inflated);
        let msg = e.to_string();
        assert!(
            msg.contains("gzip bomb") && msg.contains("times its size"),
            "{msg}"
        );
        // No room is made for the size its trailer claims.
        assert!(inflated_size_hint(&gz, 1 << 30) < 16 << 20);
    }

    #[test]
    fn real_ratios_pass() {
        // 100 MiB from 1 MiB (100 times) is read; below the floor any ratio is.
        assert!(!ratio_exceeded(100 << 20, 1 << 20));
        assert!(!ratio_exceeded(RATIO_FLOOR, 1));
        assert!(ratio_exceeded(RATIO_FLOOR + 1, 1));
    }
}
