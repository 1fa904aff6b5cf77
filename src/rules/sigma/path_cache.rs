//! A per-event memo of dotted-path lookups.
//!
//! Hundreds of rules test the same few fields of one event (`CommandLine`, `Image`,
//! `ParentImage`...). Resolving a dotted path walks several hashed map levels; the memo
//! answers repeats with one cheap hash of the path and a comparison. It lives on the
//! stack for one event, so it never allocates and never outlives the document.

use crate::model::fields;
use serde_json::Value;
use std::cell::RefCell;

const SLOTS: usize = 256;
const PROBES: usize = 16;

#[derive(Clone, Copy)]
struct Slot<'p, 'd> {
    hash: u64,
    path: &'p str,
    value: Option<&'d Value>,
}

/// Lookups of one document, memoized by path.
pub struct PathCache<'p, 'd> {
    doc: &'d Value,
    slots: RefCell<[Option<Slot<'p, 'd>>; SLOTS]>,
}

/// FNV-1a: short paths, no need for a keyed hash (the paths come from the rules).
fn fnv(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

impl<'p, 'd> PathCache<'p, 'd> {
    pub fn new(doc: &'d Value) -> Self {
        Self {
            doc,
            slots: RefCell::new([None; SLOTS]),
        }
    }

    /// The value at `path`, exactly as [`fields::get`] finds it.
    pub fn get(&self, path: &'p str) -> Option<&'d Value> {
        let hash = fnv(path);
        let Ok(mut slots) = self.slots.try_borrow_mut() else {
            return fields::get(self.doc, path);
        };
        let start = (hash as usize) % SLOTS;
        for i in 0..PROBES {
            let at = (start + i) % SLOTS;
            match slots[at] {
                Some(s) if s.hash == hash && s.path == path => return s.value,
                Some(_) => continue,
                None => {
                    let value = fields::get(self.doc, path);
                    slots[at] = Some(Slot { hash, path, value });
                    return value;
                }
            }
        }
        fields::get(self.doc, path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn answers_like_the_plain_lookup_including_misses_and_overflow() {
        let doc = json!({
            "process": {"name": "net.exe", "args": ["net", "user"]},
            "winlog.event_data": {"CommandLine": "net user x /add"},
        });
        let mut paths: Vec<String> = vec![
            "process.name".into(),
            "process.args".into(),
            "winlog.event_data.CommandLine".into(),
            "process.missing".into(),
            "nothing".into(),
        ];
        // More distinct paths than slots: the memo must fall back, never answer wrongly.
        paths.extend((0..600).map(|i| format!("process.f{i}")));
        let cache = PathCache::new(&doc);
        for _ in 0..2 {
            for p in &paths {
                assert_eq!(cache.get(p), fields::get(&doc, p), "{p}");
            }
        }
        assert_eq!(cache.get("process.name"), Some(&json!("net.exe")));
    }
}
