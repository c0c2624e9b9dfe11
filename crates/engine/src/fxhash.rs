//! Small, fast hashers: for integer keys (tree children, edges), and for
//! names (interning a million function names). Not DoS-resistant, which
//! is fine: the worst a crafted profile can do is slow its own analysis.

use std::hash::{BuildHasherDefault, Hasher};

#[derive(Default, Clone, Copy)]
pub struct IdHasher(u64);

const K: u64 = 0x9e37_79b9_7f4a_7c15;

impl Hasher for IdHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }

    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.write_u64(u64::from(i));
    }

    #[inline]
    fn write_u64(&mut self, i: u64) {
        let x = (self.0 ^ i).wrapping_mul(K);
        self.0 = x ^ (x >> 29);
    }

    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.write_u64(i as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
}

pub type IdMap<K, V> = std::collections::HashMap<K, V, BuildHasherDefault<IdHasher>>;

pub fn id_map<K, V>(capacity: usize) -> IdMap<K, V> {
    IdMap::with_capacity_and_hasher(capacity, BuildHasherDefault::default())
}

/// A hasher for strings: eight bytes at a time.
#[derive(Default, Clone, Copy)]
pub struct StrHasher(u64);

impl Hasher for StrHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.write_u64(u64::from_le_bytes(w));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut w = [0u8; 8];
            w[..rest.len()].copy_from_slice(rest);
            self.write_u64(u64::from_le_bytes(w) ^ ((rest.len() as u64) << 59));
        }
    }

    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.write_u64(u64::from(i));
    }

    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.0 = (self.0.rotate_left(5) ^ i).wrapping_mul(K);
    }

    #[inline]
    fn finish(&self) -> u64 {
        // Mix the high bits down: the table indexes by the low ones.
        self.0 ^ (self.0 >> 32)
    }
}

pub type StrMap<V> = std::collections::HashMap<String, V, BuildHasherDefault<StrHasher>>;
