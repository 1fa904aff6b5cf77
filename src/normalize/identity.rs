//! Event identity: the same event read twice (from one file imported twice, or
//! from an `.evtx` and its JSON export) gets the same id, so it is stored once.
//!
//! Windows events are identified by (computer, channel, record id), compared
//! case-insensitively because exporters disagree on case, plus the record's
//! creation time to the second: record ids restart when a log is cleared, and
//! real logs of one machine then reuse them (the evtx crate's `post-Security`
//! and `security` samples share 38 record ids). Anything else is identified by
//! a hash of its content.

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
    update_lowercase(&mut h, computer.trim());
    h.update(b"\0");
    update_lowercase(&mut h, channel.trim());
    h.update(b"\0");
    update_decimal(&mut h, record_id);
    if let Some(ms) = created_ms {
        h.update(b"\0");
        update_decimal(&mut h, ms.div_euclid(1000));
    }
    short_hex(h)
}

/// Hashes `text.to_lowercase()`, without allocating when the text is ASCII.
fn update_lowercase(h: &mut Sha256, text: &str) {
    if !text.is_ascii() {
        h.update(text.to_lowercase().as_bytes());
        return;
    }
    let mut buf = [0u8; 64];
    for chunk in text.as_bytes().chunks(buf.len()) {
        let out = &mut buf[..chunk.len()];
        out.copy_from_slice(chunk);
        out.make_ascii_lowercase();
        h.update(out);
    }
}

/// Hashes `n.to_string()` without allocating.
fn update_decimal(h: &mut Sha256, n: impl itoa::Integer) {
    h.update(itoa::Buffer::new().format(n).as_bytes());
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_text_is_the_allocating_rendering() {
        let digest = |f: &dyn Fn(&mut Sha256)| {
            let mut h = Sha256::new();
            f(&mut h);
            short_hex(h)
        };
        for n in [
            0i128,
            7,
            -1,
            -1000,
            1_700_000_000,
            i128::from(u64::MAX),
            i128::from(i64::MIN),
        ] {
            assert_eq!(
                digest(&|h| update_decimal(h, n)),
                digest(&|h| h.update(n.to_string().as_bytes())),
                "{n}"
            );
        }
        let long = "WORKSTATION-".repeat(12);
        for t in [
            "",
            "DC01.Corp.LOCAL",
            "Microsoft-Windows-Sysmon/Operational",
            &long,
            "ÉTÉ-PC",
            "ΣΑΣ",
        ] {
            assert_eq!(
                digest(&|h| update_lowercase(h, t)),
                digest(&|h| h.update(t.to_lowercase().as_bytes())),
                "{t}"
            );
        }
    }

    #[test]
    fn windows_identity_ignores_case_only() {
        let w = |c: &str, ch: &str, r: u64, t: i64| windows_id(c, ch, r, Some(t));
        let t = 1_600_085_162_316;
        let a = w("WORKSTATION6.theshire.local", "Security", 56058, t);
        assert_eq!(a, w("workstation6.THESHIRE.local", "security", 56058, t));
        // Same second, another fraction (exporters round differently): same event.
        assert_eq!(
            a,
            w("WORKSTATION6.theshire.local", "Security", 56058, t + 600)
        );
        assert_ne!(a, w("WORKSTATION6.theshire.local", "Security", 56059, t));
        assert_ne!(a, w("WORKSTATION5.theshire.local", "Security", 56058, t));
        assert_ne!(a, w("WORKSTATION6.theshire.local", "System", 56058, t));
        // A cleared log reuses record ids: another time is another event.
        assert_ne!(a, w("WORKSTATION6.theshire.local", "Security", 56058, 0));
        assert_eq!(a.len(), 32);
        assert_ne!(content_id("ecs", b"x"), content_id("ecs", b"y"));
        assert_eq!(
            json_content_id("ecs", "{\"a\": \"x y\",\n \"b\": 1}"),
            json_content_id("ecs", "{\"a\":\"x y\",\"b\":1}")
        );
        assert_ne!(
            json_content_id("ecs", "{\"a\":\"x y\"}"),
            json_content_id("ecs", "{\"a\":\"xy\"}")
        );
    }
}
