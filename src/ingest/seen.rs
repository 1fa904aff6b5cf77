//! Records already settled in this import, recognized before they are parsed.
//!
//! Incident collections often hold the same log more than once (a triage package
//! beside a full copy, overlapping exports, the same sample under two names). A
//! record with exactly the same bytes as one this run already stored or found
//! present normalizes to the same event with the same id, so parsing it again is
//! wasted work: workers fingerprint each record and skip the ones the importing
//! thread has settled. The fingerprint is cryptographic (SHA-256, 128 bits kept),
//! so attacker-written records cannot be made to collide with another record and
//! vanish. Memory is capped: past [`MAX_SETTLED`] records, new ones are parsed as
//! before, which costs time, never correctness.

use super::RawKind;
use crate::normalize::SourceFormat;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::RwLock;

/// Settled records remembered at most: a table of about 19 MB at the cap (18 bytes a
/// slot), enough for a collection holding copies of a few hundred thousand records.
pub const MAX_SETTLED: usize = 1 << 19;

/// A record's identity before parsing: its kind (with what the reader knows beside
/// the text, such as an EVTX header's time) and its exact text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Fingerprint([u8; 16]);

impl Fingerprint {
    pub fn of(kind: RawKind, text: &str) -> Self {
        let mut h = Sha256::new();
        match kind {
            RawKind::Json => h.update([0u8]),
            RawKind::AuditdLine => h.update([1u8]),
            RawKind::Evtx {
                header_time_ms,
                recovered,
            } => {
                h.update([2u8, u8::from(recovered)]);
                h.update(header_time_ms.to_le_bytes());
            }
        }
        h.update(text.as_bytes());
        let digest = h.finalize();
        let mut out = [0u8; 16];
        out.copy_from_slice(&digest[..16]);
        Fingerprint(out)
    }
}

/// The set of settled fingerprints, shared by the workers (readers) and the
/// importing thread (the only writer).
#[derive(Default)]
pub struct SettledRecords {
    settled: RwLock<HashMap<Fingerprint, SourceFormat, BuildHasherDefault<DigestHasher>>>,
}

impl SettledRecords {
    /// The format of the settled record this fingerprint repeats, if any.
    pub fn format_of(&self, print: &Fingerprint) -> Option<SourceFormat> {
        self.settled.read().ok()?.get(print).copied()
    }

    /// Remembers records whose event is now stored or known to be present; empties
    /// `records` (those past the cap are let go).
    pub fn settle(&self, records: &mut Vec<(Fingerprint, SourceFormat)>) {
        if records.is_empty() {
            return;
        }
        if let Ok(mut map) = self.settled.write() {
            for (print, format) in records.drain(..) {
                if map.len() >= MAX_SETTLED {
                    break;
                }
                map.insert(print, format);
            }
        }
    }
}

/// Keys are already uniformly distributed digest bytes: their first eight bytes
/// are the hash.
#[derive(Default)]
pub struct DigestHasher(u64);

impl Hasher for DigestHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for (i, b) in bytes.iter().take(8).enumerate() {
            self.0 ^= u64::from(*b) << (8 * i);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_tell_kind_header_and_text_apart() {
        let evtx = |t, r| RawKind::Evtx {
            header_time_ms: t,
            recovered: r,
        };
        let a = Fingerprint::of(RawKind::Json, "{\"a\":1}");
        assert_eq!(a, Fingerprint::of(RawKind::Json, "{\"a\":1}"));
        assert_ne!(a, Fingerprint::of(RawKind::Json, "{\"a\": 1}"));
        assert_ne!(a, Fingerprint::of(RawKind::AuditdLine, "{\"a\":1}"));
        assert_ne!(a, Fingerprint::of(evtx(0, false), "{\"a\":1}"));
        assert_ne!(
            Fingerprint::of(evtx(1, false), "x"),
            Fingerprint::of(evtx(2, false), "x")
        );
        assert_ne!(
            Fingerprint::of(evtx(1, false), "x"),
            Fingerprint::of(evtx(1, true), "x")
        );
    }

    #[test]
    fn only_settled_records_are_recognized() {
        let set = SettledRecords::default();
        let a = Fingerprint::of(RawKind::Json, "a");
        let b = Fingerprint::of(RawKind::Json, "b");
        assert_eq!((set.format_of(&a), set.format_of(&b)), (None, None));
        let mut settled = vec![(a, SourceFormat::Ecs)];
        set.settle(&mut settled);
        assert!(settled.is_empty());
        assert_eq!(
            (set.format_of(&a), set.format_of(&b)),
            (Some(SourceFormat::Ecs), None)
        );
    }
}
