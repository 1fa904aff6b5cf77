//! Frozen copy of `normalize/identity.rs` as it was before the fill-only Winlogbeat path,
//! the reference the equivalence tests compare the live normalizer against.

use crate::ingest::json_scan::StringState;
use sha2::{Digest, Sha256};

/// Id of a Windows event log record; `created_ms` is System/TimeCreated when known.
pub fn windows_id(
    computer: &str,
    channel: &str,
    record_id: u64,
    created_ms: Option<i64>,
) -> String {
    let mut h = Sha256::new();
    h.update(b"win\0");
    h.update(computer.trim().to_lowercase().as_bytes());
    h.update(b"\0");
    h.update(channel.trim().to_lowercase().as_bytes());
    h.update(b"\0");
    h.update(record_id.to_string().as_bytes());
    if let Some(ms) = created_ms {
        h.update(b"\0");
        h.update(ms.div_euclid(1000).to_string().as_bytes());
    }
    short_hex(h)
}

/// Id derived from a record's content.
pub fn content_id(kind: &str, content: &[u8]) -> String {
    let mut h = Sha256::new();
    h.update(kind.as_bytes());
    h.update(b"\0");
    h.update(content);
    short_hex(h)
}

/// Id of a JSON record's content, ignoring whitespace outside strings, so the
/// same record pretty-printed or on one line gets the same id.
pub fn json_content_id(kind: &str, text: &str) -> String {
    let mut h = Sha256::new();
    h.update(kind.as_bytes());
    h.update(b"\0");
    let bytes = text.as_bytes();
    let mut strings = StringState::default();
    let mut run_start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if !strings.step(b) && b.is_ascii_whitespace() {
            h.update(&bytes[run_start..i]);
            run_start = i + 1;
        }
    }
    h.update(&bytes[run_start..]);
    short_hex(h)
}

fn short_hex(h: Sha256) -> String {
    let digest = h.finalize();
    hex::encode(&digest[..16])
}
