//! Interned texts (candidate event ids, join keys) numbered in insertion order and stored
//! back to back in one buffer. Broad sequence items (any process start, keyed by
//! `process.entity_id`) intern a new text for almost every event; a map of shared strings
//! paid an allocation per text and, on growth, rehashed every stored text. Here a text
//! costs its bytes plus two words, and growing the table rehashes from stored hashes.
//! Hashing starts from a random state per table: events choose the texts.

use super::literal_hash::SeededState;
use std::hash::BuildHasher;

const TAG: u64 = 0xffff_ffff_0000_0000;

#[derive(Debug, Default)]
pub struct TextTable {
    bytes: String,
    /// End offset in `bytes` of each text (its start is the previous end).
    ends: Vec<usize>,
    /// Each text's hash, to place it again when the table grows.
    hashes: Vec<u64>,
    /// Open addressing, at most half full: the high half of a text's hash above its
    /// number + 1 (0 = empty), so most probes are decided without touching the texts.
    slots: Vec<u64>,
    state: SeededState,
}

impl TextTable {
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// The text numbered `n` ("" when out of range).
    pub fn get(&self, n: u32) -> &str {
        let n = n as usize;
        let Some(&end) = self.ends.get(n) else {
            return "";
        };
        let start = match n.checked_sub(1) {
            Some(p) => self.ends.get(p).copied().unwrap_or(0),
            None => 0,
        };
        self.bytes.get(start..end).unwrap_or("")
    }

    /// The number of `text` and whether it was new; `None` when numbers run out.
    pub fn intern(&mut self, text: &str) -> Option<(u32, bool)> {
        let hash = self.state.hash_one(text);
        if let Some(n) = self.find(text, hash) {
            return Some((n, false));
        }
        let n = u32::try_from(self.ends.len())
            .ok()
            .filter(|&n| n < u32::MAX)?;
        if (self.ends.len() + 1) * 2 > self.slots.len() {
            self.grow();
        }
        self.bytes.push_str(text);
        self.ends.push(self.bytes.len());
        self.hashes.push(hash);
        self.place(n, hash);
        Some((n, true))
    }

    fn find(&self, text: &str, hash: u64) -> Option<u32> {
        let mask = self.slots.len().checked_sub(1)?;
        let tag = hash & TAG;
        let mut at = (hash as usize) & mask;
        loop {
            let slot = *self.slots.get(at)?;
            let n = u32::try_from(slot & !TAG).ok()?.checked_sub(1)?;
            if slot & TAG == tag && self.get(n) == text {
                return Some(n);
            }
            at = (at + 1) & mask;
        }
    }

    fn place(&mut self, n: u32, hash: u64) {
        let mask = self.slots.len() - 1;
        let mut at = (hash as usize) & mask;
        while self.slots.get(at).is_some_and(|&s| s != 0) {
            at = (at + 1) & mask;
        }
        if let Some(s) = self.slots.get_mut(at) {
            *s = (hash & TAG) | u64::from(n + 1);
        }
    }

    fn grow(&mut self) {
        let size = (self.slots.len() * 2).max(64);
        self.slots = vec![0; size];
        let hashes = std::mem::take(&mut self.hashes);
        for (n, &h) in hashes.iter().enumerate() {
            self.place(u32::try_from(n).unwrap_or(u32::MAX - 1), h);
        }
        self.hashes = hashes;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_are_numbered_once_in_order() {
        let mut t = TextTable::default();
        let texts: Vec<String> = (0..5000).map(|i| format!("id-{}", i % 1700)).collect();
        let mut want = std::collections::HashMap::new();
        for s in &texts {
            let next = u32::try_from(want.len()).unwrap_or(0);
            let n = *want.entry(s.clone()).or_insert(next);
            let (got, new) = t.intern(s).unwrap_or((u32::MAX, false));
            assert_eq!(got, n, "{s}");
            assert_eq!(new, n == next, "{s}");
        }
        assert_eq!(t.len(), 1700);
        for (s, &n) in &want {
            assert_eq!(t.get(n), s);
        }
        assert_eq!(t.intern("").map(|(_, new)| new), Some(true));
        assert_eq!(t.intern("").map(|(_, new)| new), Some(false));
        assert_eq!(t.get(u32::MAX), "");
    }
}
