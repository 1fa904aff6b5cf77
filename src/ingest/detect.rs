//! Format detection from content (magic bytes, first JSON value), never from the
//! file extension.

/// What a file's first bytes say it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Detected {
    Evtx,
    Gzip,
    Json(JsonLayout),
    /// Linux audit daemon text log lines.
    AuditdText,
    Unrecognised(String),
}

/// How JSON records are laid out in a text file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonLayout {
    /// One JSON value per line (NDJSON).
    Lines,
    /// A top-level array of records.
    Array,
    /// Values one after another, possibly pretty-printed over many lines.
    Stream,
    /// Objects wrapping their records in an array (`{"Records":[...]}`), see
    /// [`super::envelope`].
    Envelope,
}

const EVTX_MAGIC: &[u8] = b"ElfFile\0";
const GZIP_MAGIC: &[u8] = &[0x1f, 0x8b];
pub(super) const UTF8_BOM: &[u8] = &[0xef, 0xbb, 0xbf];

/// Detects the format from the first bytes of a file (a few KB are enough).
/// `complete` tells whether `head` is the whole file.
pub fn detect(head: &[u8], complete: bool) -> Detected {
    if head.is_empty() {
        return Detected::Unrecognised("empty file".to_string());
    }
    if head.starts_with(EVTX_MAGIC) {
        return Detected::Evtx;
    }
    if head.starts_with(GZIP_MAGIC) {
        return Detected::Gzip;
    }
    let text = head.strip_prefix(UTF8_BOM).unwrap_or(head);
    let Some(start) = text.iter().position(|b| !b.is_ascii_whitespace()) else {
        return Detected::Unrecognised("only whitespace".to_string());
    };
    let text = &text[start..];
    match text[0] {
        b'[' => Detected::Json(JsonLayout::Array),
        b'{' if super::envelope::looks_like_envelope(text) => Detected::Json(JsonLayout::Envelope),
        b'{' => {
            let line_end = memchr::memchr(b'\n', text);
            let first_line = match line_end {
                Some(end) => &text[..end],
                None if complete => text,
                // A first line longer than the sample: records are long single lines.
                None => return Detected::Json(JsonLayout::Lines),
            };
            let trimmed = first_line.trim_ascii();
            if trimmed.len() > 1 && trimmed.ends_with(b"}") {
                Detected::Json(JsonLayout::Lines)
            } else {
                Detected::Json(JsonLayout::Stream)
            }
        }
        _ if super::auditd_lines::looks_like_auditd(text) => Detected::AuditdText,
        _ => Detected::Unrecognised(describe_unknown(text)),
    }
}

fn describe_unknown(text: &[u8]) -> String {
    if text.starts_with(b"<") {
        return "looks like XML; export the log as EVTX or JSON instead".to_string();
    }
    if text.starts_with(b"PK\x03\x04") {
        return "a zip archive; unzip it first".to_string();
    }
    let shown: Vec<String> = text.iter().take(8).map(|b| format!("{b:02x}")).collect();
    format!(
        "not EVTX (no ElfFile header), gzip or JSON; first bytes: {}",
        shown.join(" ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_by_content() {
        let cases: &[(&[u8], Detected)] = &[
            (b"ElfFile\0rest", Detected::Evtx),
            (&[0x1f, 0x8b, 8, 0], Detected::Gzip),
            (b"  [ {\"a\":1} ]", Detected::Json(JsonLayout::Array)),
            (b"{\"a\":1}\n{\"a\":2}\n", Detected::Json(JsonLayout::Lines)),
            (b"\xef\xbb\xbf{\"a\":1}", Detected::Json(JsonLayout::Lines)),
            (
                b"{\n  \"Event\": {}\n}\n",
                Detected::Json(JsonLayout::Stream),
            ),
        ];
        for (input, want) in cases {
            assert_eq!(
                &detect(input, true),
                want,
                "{:?}",
                String::from_utf8_lossy(input)
            );
        }
    }

    #[test]
    fn rejects_with_reasons() {
        for (input, needle) in [
            (&b""[..], "empty"),
            (b"   \n", "whitespace"),
            (b"<Events>", "XML"),
            (b"PK\x03\x04", "zip"),
            (b"\x00\x01binary", "first bytes: 00 01"),
        ] {
            match detect(input, true) {
                Detected::Unrecognised(r) => assert!(r.contains(needle), "{r}"),
                other => panic!("{other:?}"),
            }
        }
    }
}
