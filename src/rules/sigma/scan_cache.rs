//! A bounded cache of prefilter scans by text, kept across events.
//!
//! Logs repeat the same values endlessly (image paths, parent images, service command
//! lines), and the overlapping scan of the shared literal automaton is the most
//! expensive step per byte. A direct-mapped table remembers, for recent short texts,
//! which literals they contain; a hit compares the whole text, so answers are exactly
//! those of a fresh scan, and colliding texts only evict each other.

use aho_corasick::AhoCorasick;

/// Slots in the table (a power of two).
const SLOTS: usize = 2048;
/// Longer texts are scanned without caching (they rarely repeat and cost memory).
const MAX_TEXT: usize = 256;

struct Entry {
    text: String,
    found: Vec<u32>,
}

#[derive(Default)]
pub struct ScanCache {
    slots: Vec<Option<Entry>>,
    found: Vec<u32>,
}

fn text_hash(text: &str) -> usize {
    let mut h: u64 = 0x243F_6A88_85A3_08D3;
    let mut chunks = text.as_bytes().chunks_exact(8);
    for c in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(c);
        h = (h.rotate_left(5) ^ u64::from_le_bytes(word)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
    for &b in chunks.remainder() {
        h = (h.rotate_left(5) ^ u64::from(b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
    (h >> 40) as usize
}

/// Marks `id` in the hit bitset and lists it when new.
fn mark(id: u32, hits: &mut [u64], ids: &mut Vec<u32>) {
    let at = id as usize;
    if let Some(w) = hits.get_mut(at / 64)
        && *w & (1 << (at % 64)) == 0
    {
        *w |= 1 << (at % 64);
        ids.push(id);
    }
}

impl ScanCache {
    /// Marks every pattern of `ac` occurring in `text` (as [`scan_uncached`] does).
    pub fn scan(&mut self, ac: &AhoCorasick, text: &str, hits: &mut [u64], ids: &mut Vec<u32>) {
        if text.len() > MAX_TEXT {
            scan_uncached(ac, text, hits, ids);
            return;
        }
        if self.slots.is_empty() {
            self.slots.resize_with(SLOTS, || None);
        }
        let at = text_hash(text) & (SLOTS - 1);
        if let Some(Some(e)) = self.slots.get(at)
            && e.text == text
        {
            e.found.iter().for_each(|&id| mark(id, hits, ids));
            return;
        }
        let mut found = std::mem::take(&mut self.found);
        found.clear();
        for m in ac.find_overlapping_iter(text) {
            found.push(u32::try_from(m.pattern().as_usize()).unwrap_or(u32::MAX));
        }
        found.sort_unstable();
        found.dedup();
        found.iter().for_each(|&id| mark(id, hits, ids));
        if let Some(slot) = self.slots.get_mut(at) {
            match slot {
                Some(e) => {
                    e.text.clear();
                    e.text.push_str(text);
                    e.found.clear();
                    e.found.extend_from_slice(&found);
                }
                None => {
                    *slot = Some(Entry {
                        text: text.to_string(),
                        found: found.clone(),
                    })
                }
            }
        }
        self.found = found;
    }
}

/// Marks every pattern of `ac` occurring in `text`.
pub fn scan_uncached(ac: &AhoCorasick, text: &str, hits: &mut [u64], ids: &mut Vec<u32>) {
    for m in ac.find_overlapping_iter(text) {
        mark(
            u32::try_from(m.pattern().as_usize()).unwrap_or(u32::MAX),
            hits,
            ids,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marked(hits: &[u64]) -> Vec<u32> {
        (0..hits.len() * 64)
            .filter(|&i| hits[i / 64] & (1 << (i % 64)) != 0)
            .map(|i| i as u32)
            .collect()
    }

    /// Cached answers equal fresh scans, whatever the order, repetition and collisions.
    #[test]
    fn cached_scans_equal_fresh_scans() {
        let ac = AhoCorasick::new(["net", "net1", "user", "et1.e", "/add", "a"]).unwrap();
        let long = "net user ".repeat(40);
        let texts = [
            "net1.exe user bob /add",
            "cmd.exe",
            "",
            "net1.exe user bob /add",
            "whoami",
            long.as_str(),
            "net.exe",
            "cmd.exe",
            long.as_str(),
            "a",
        ];
        let mut cache = ScanCache::default();
        for round in 0..3 {
            for (i, t) in texts.iter().enumerate() {
                let (mut want_hits, mut want_ids) = (vec![0u64; 1], Vec::new());
                scan_uncached(&ac, t, &mut want_hits, &mut want_ids);
                let (mut hits, mut ids) = (vec![0u64; 1], Vec::new());
                cache.scan(&ac, t, &mut hits, &mut ids);
                assert_eq!(marked(&hits), marked(&want_hits), "round {round} text {i}");
                ids.sort_unstable();
                want_ids.sort_unstable();
                assert_eq!(ids, want_ids, "round {round} text {i}");
            }
        }
        // Ids already marked by an earlier text of the event are not listed again.
        let (mut hits, mut ids) = (vec![0u64; 1], Vec::new());
        cache.scan(&ac, "net", &mut hits, &mut ids);
        cache.scan(&ac, "net user", &mut hits, &mut ids);
        assert_eq!(ids, vec![0, 2]);
    }

    #[test]
    fn colliding_slots_evict_rather_than_mix() {
        let ac = AhoCorasick::new(["x", "y"]).unwrap();
        let mut cache = ScanCache::default();
        // Fill many slots, then check each text still answers for itself.
        let texts: Vec<String> = (0..5000)
            .map(|i| {
                if i % 2 == 0 {
                    format!("x{i}")
                } else {
                    format!("y{i}")
                }
            })
            .collect();
        for t in texts.iter().chain(texts.iter().rev()) {
            let (mut hits, mut ids) = (vec![0u64; 1], Vec::new());
            cache.scan(&ac, t, &mut hits, &mut ids);
            let want: Vec<u32> = if t.starts_with('x') { vec![0] } else { vec![1] };
            assert_eq!(ids, want, "{t}");
        }
    }
}
