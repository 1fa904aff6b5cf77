//! A fast hasher for the dispatch tables, whose keys are rule literals fixed when the
//! rule set is built: events only look them up, never insert, so a crafted event can
//! cost at most one probe sequence and SipHash's flooding resistance buys nothing there,
//! while it was the largest single cost of looking values up. Tables that events insert
//! into use the same hashing from a random per-table state ([`SeededState`]).

use std::collections::HashMap;
use std::hash::{BuildHasher, BuildHasherDefault, Hasher};

const K: u64 = 0x517c_c1b7_2722_0a95;

/// Multiply-rotate hashing by 8-byte words, with a final mix so the low bits (the bucket
/// index) depend on every input byte.
#[derive(Debug, Default, Clone, Copy)]
pub struct LiteralHasher(u64);

impl LiteralHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(K);
    }
}

impl Hasher for LiteralHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.add(u64::from_le_bytes(w));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut w = [0u8; 8];
            w[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(w) ^ ((rest.len() as u64) << 59));
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    fn finish(&self) -> u64 {
        let mut h = self.0;
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^ (h >> 33)
    }
}

/// A map keyed by rule literals.
pub type LiteralMap<K, V> = HashMap<K, V, BuildHasherDefault<LiteralHasher>>;

/// The same hashing started from a random state drawn once per map, for the maps that
/// events insert into (interned event ids and join keys): collisions then cannot be
/// precomputed from the input alone, and hashing stays much cheaper than SipHash.
/// (`text_table` uses it for interned event ids and join keys.)
#[derive(Debug, Clone, Copy)]
pub struct SeededState(u64);

impl Default for SeededState {
    fn default() -> Self {
        SeededState(std::collections::hash_map::RandomState::new().hash_one(0x5eed_u64))
    }
}

impl BuildHasher for SeededState {
    type Hasher = LiteralHasher;

    fn build_hasher(&self) -> LiteralHasher {
        LiteralHasher(self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_keys_hash_alike_and_lookups_work() {
        let b = BuildHasherDefault::<LiteralHasher>::default();
        assert_eq!(b.hash_one("net.exe"), b.hash_one(String::from("net.exe")));
        assert_ne!(b.hash_one("net.exe"), b.hash_one("net1.exe"));
        assert_ne!(b.hash_one("a"), b.hash_one("a\0"));
        let mut m: LiteralMap<String, usize> = LiteralMap::default();
        for i in 0..1000 {
            m.insert(format!("value-{i}"), i);
        }
        for i in 0..1000 {
            assert_eq!(m.get(format!("value-{i}").as_str()), Some(&i));
        }
        assert_eq!(m.get("value-1000"), None);
        let mut seeded: HashMap<String, usize, SeededState> = HashMap::default();
        seeded.insert("k".into(), 1);
        assert_eq!(seeded.get("k"), Some(&1));
        let (a, b) = (SeededState::default(), SeededState::default());
        assert_ne!(
            a.hash_one("k"),
            b.hash_one("k"),
            "each map draws its own state"
        );
    }
}
