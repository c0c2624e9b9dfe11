//! The protobuf wire format, read by hand where it is hot (a cursor over
//! varints and length-delimited fields), prost for small messages, and the
//! id maps and string-table checks that resolve a profile's references.

use rustc_hash::FxHashMap as HashMap;

use prost::Message;

use crate::error::{Error, Result};
use crate::model::NONE;

pub(super) struct Wire<'a> {
    buf: &'a [u8],
    pos: usize,
    /// Offset of `buf` in the whole input (for error messages).
    base: usize,
    context: &'static str,
}

impl<'a> Wire<'a> {
    pub(super) fn new(buf: &'a [u8], base: usize, context: &'static str) -> Self {
        Wire {
            buf,
            pos: 0,
            base,
            context,
        }
    }

    pub(super) fn err(&self, detail: &str) -> Error {
        Error::Protobuf {
            context: self.context.to_string(),
            at: self.base + self.pos,
            detail: detail.to_string(),
        }
    }

    pub(super) fn done(&self) -> bool {
        self.pos >= self.buf.len()
    }

    #[inline]
    pub(super) fn varint(&mut self) -> Result<u64> {
        // Most varints in a profile (ids, field keys, small values) take one
        // or two bytes.
        match self.buf.get(self.pos..self.pos + 2) {
            Some(&[b0, _]) if b0 < 0x80 => {
                self.pos += 1;
                return Ok(u64::from(b0));
            }
            Some(&[b0, b1]) if b1 < 0x80 => {
                self.pos += 2;
                return Ok(u64::from(b0 & 0x7f) | (u64::from(b1) << 7));
            }
            _ => {}
        }
        self.varint_slow()
    }

    /// [`Wire::varint`] byte by byte, with every check.
    #[cold]
    fn varint_slow(&mut self) -> Result<u64> {
        let mut v: u64 = 0;
        let mut shift = 0u32;
        loop {
            let Some(&b) = self.buf.get(self.pos) else {
                return Err(self.err("truncated varint"));
            };
            self.pos += 1;
            if shift == 63 && b > 1 {
                return Err(self.err("varint too long"));
            }
            v |= u64::from(b & 0x7f) << shift;
            if b < 0x80 {
                return Ok(v);
            }
            shift += 7;
            if shift > 63 {
                return Err(self.err("varint too long"));
            }
        }
    }

    pub(super) fn key(&mut self) -> Result<(u32, u8)> {
        let k = self.varint()?;
        let field = k >> 3;
        if field == 0 || field > u64::from(u32::MAX >> 3) {
            return Err(self.err("invalid field number"));
        }
        Ok((field as u32, (k & 7) as u8))
    }

    pub(super) fn bytes(&mut self) -> Result<(usize, &'a [u8])> {
        let len = self.varint()?;
        let start = self.pos;
        let end = (start as u64)
            .checked_add(len)
            .filter(|&e| e <= self.buf.len() as u64);
        let Some(end) = end else {
            return Err(self.err("length runs past the end of the data"));
        };
        self.pos = end as usize;
        Ok((self.base + start, &self.buf[start..end as usize]))
    }

    pub(super) fn skip(&mut self, wire_type: u8) -> Result<()> {
        match wire_type {
            0 => {
                self.varint()?;
            }
            1 => self.advance(8)?,
            2 => {
                self.bytes()?;
            }
            5 => self.advance(4)?,
            _ => return Err(self.err(&format!("unsupported wire type {wire_type}"))),
        }
        Ok(())
    }

    fn advance(&mut self, n: usize) -> Result<()> {
        if self.buf.len() - self.pos < n {
            return Err(self.err("truncated fixed-size field"));
        }
        self.pos += n;
        Ok(())
    }

    /// Reads a repeated scalar that may be packed (wire type 2) or not (0),
    /// calling `f` for each value.
    #[inline]
    pub(super) fn repeated_varint(&mut self, wire_type: u8, mut f: impl FnMut(u64)) -> Result<()> {
        match wire_type {
            0 => {
                f(self.varint()?);
                Ok(())
            }
            2 => {
                let (base, body) = self.bytes()?;
                let mut inner = Wire::new(body, base, self.context);
                while !inner.done() {
                    f(inner.varint()?);
                }
                Ok(())
            }
            _ => Err(self.err("unexpected wire type for a repeated number")),
        }
    }
}

pub(super) fn prost_msg<M: Message + Default>(
    body: &[u8],
    at: usize,
    context: &'static str,
) -> Result<M> {
    M::decode(body).map_err(|e| Error::Protobuf {
        context: context.to_string(),
        at,
        detail: e.to_string(),
    })
}

/// Maps file ids (arbitrary u64) to table indices.
pub(super) struct IdMap {
    dense: Vec<u32>,
    sparse: HashMap<u64, u32>,
}

impl IdMap {
    pub(super) fn build(
        ids: impl Iterator<Item = u64>,
        len: usize,
        kind: &'static str,
    ) -> Result<IdMap> {
        let dense_len = len.saturating_mul(2).saturating_add(1024);
        let mut m = IdMap {
            dense: vec![NONE; dense_len],
            sparse: HashMap::default(),
        };
        for (idx, id) in ids.enumerate() {
            if id == 0 {
                return Err(Error::ReservedId { kind });
            }
            let slot = if (id as usize) < dense_len && id < u64::from(u32::MAX) {
                &mut m.dense[id as usize]
            } else {
                m.sparse.entry(id).or_insert(NONE)
            };
            if *slot != NONE {
                return Err(Error::DuplicateId { kind, id });
            }
            *slot = idx as u32;
        }
        Ok(m)
    }

    #[inline]
    pub(super) fn get(&self, id: u64) -> Option<u32> {
        let v = if id < self.dense.len() as u64 {
            self.dense[id as usize]
        } else {
            *self.sparse.get(&id)?
        };
        (v != NONE).then_some(v)
    }
}

pub(super) fn string_at(
    strings: &[String],
    idx: i64,
    field: impl FnOnce() -> String,
) -> Result<u32> {
    if idx < 0 || idx as u64 >= strings.len() as u64 {
        return Err(Error::StringIndex {
            field: field(),
            index: idx,
            len: strings.len(),
        });
    }
    Ok(idx as u32)
}

/// Counts the location ids of all samples (a varint ends at a byte below
/// 0x80, so counting those bytes in a packed field counts its values).
/// Damaged data is left for the real pass to report.
pub(super) fn count_location_ids(data: &[u8], ranges: &[(u32, u32)]) -> usize {
    let mut n = 0usize;
    for &(at, len) in ranges {
        let body = &data[at as usize..at as usize + len as usize];
        let mut w = Wire::new(body, at as usize, "sample");
        while !w.done() {
            let Ok((field, wt)) = w.key() else { break };
            match (field, wt) {
                (1, 2) => match w.bytes() {
                    Ok((_, b)) => n += b.iter().filter(|&&x| x < 0x80).count(),
                    Err(_) => break,
                },
                (1, 0) => {
                    n += 1;
                    if w.varint().is_err() {
                        break;
                    }
                }
                _ => {
                    if w.skip(wt).is_err() {
                        break;
                    }
                }
            }
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::Wire;

    /// `value` as a protobuf varint.
    fn encode(mut value: u64) -> Vec<u8> {
        let mut out = Vec::new();
        loop {
            let b = (value & 0x7f) as u8;
            value >>= 7;
            if value == 0 {
                out.push(b);
                return out;
            }
            out.push(b | 0x80);
        }
    }

    #[test]
    fn varints_of_every_length_read_back_alone_and_in_a_row() {
        let values = [
            0,
            1,
            127,
            128,
            300,
            16_383,
            16_384,
            2_097_151,
            2_097_152,
            u64::from(u32::MAX),
            u64::MAX,
        ];
        let mut row = Vec::new();
        for &v in &values {
            // Alone: the last bytes of the buffer (no byte after it).
            let bytes = encode(v);
            let mut w = Wire::new(&bytes, 0, "test");
            assert_eq!(w.varint().ok(), Some(v), "{v} alone");
            assert!(w.done());
            row.extend(encode(v));
        }
        let mut w = Wire::new(&row, 0, "test");
        for &v in &values {
            assert_eq!(w.varint().ok(), Some(v), "{v} in a row");
        }
        assert!(w.done());
    }

    #[test]
    fn truncated_and_overlong_varints_are_errors() {
        for bytes in [&[0x80u8][..], &[0xff, 0xff], &[0x80, 0x80, 0x80]] {
            assert!(Wire::new(bytes, 0, "test").varint().is_err(), "{bytes:?}");
        }
        let overlong = [0xffu8; 11];
        assert!(Wire::new(&overlong, 0, "test").varint().is_err());
        // Ten bytes whose last holds more than u64's top bit.
        let mut too_big = vec![0xffu8; 9];
        too_big.push(0x02);
        assert!(Wire::new(&too_big, 0, "test").varint().is_err());
    }
}
