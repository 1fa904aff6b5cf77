//! Linux audit daemon logs (`/var/log/audit/audit.log`): plain text, one record per line
//! (`type=ADD_USER msg=audit(1700000000.123:456): ...`, optionally prefixed `node=HOST`).
//!
//! Lines are cut out by the JSON-lines splitter (it only splits on newlines) and handed
//! on as text; parsing the `key=value` pairs is the normalizer's job.

use super::json_stream::{self, Piece};
use super::{FileRejected, Location, RawKind, RawRecord, ReadItem};
use crate::ingest::detect::JsonLayout;
use std::io::BufRead;

/// Whether the first line looks like an auditd record.
pub fn looks_like_auditd(text: &[u8]) -> bool {
    let first = match memchr::memchr(b'\n', text) {
        Some(end) => &text[..end],
        None => text,
    };
    let rest = match first.strip_prefix(b"node=") {
        Some(r) => match memchr::memchr(b' ', r) {
            Some(space) => &r[space + 1..],
            None => return false,
        },
        None => first,
    };
    rest.starts_with(b"type=") && memchr::memmem::find(rest, b" msg=audit(").is_some()
}

/// Hands every non-blank line of `reader` to `sink` as a raw auditd record.
pub fn read(
    reader: &mut dyn BufRead,
    sink: &mut dyn FnMut(ReadItem<'_>),
) -> Result<(), FileRejected> {
    json_stream::for_each_record(reader, JsonLayout::Lines, &mut |piece| match piece {
        Piece::Bad { line, reason } => sink(ReadItem::Bad {
            location: Location::Line(line),
            reason,
        }),
        Piece::Record { line, bytes } => {
            let location = Location::Line(line);
            match std::str::from_utf8(bytes) {
                Ok(text) => sink(ReadItem::Record(RawRecord {
                    kind: RawKind::AuditdLine,
                    text,
                    location,
                })),
                Err(e) => sink(ReadItem::Bad {
                    location,
                    reason: format!("not valid UTF-8 text: {e}"),
                }),
            }
        }
    })
    .or_else(|e| {
        sink(ReadItem::Bad {
            location: Location::Trailer,
            reason: format!("read error, the rest of the file is skipped: {e}"),
        });
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_audit_lines() {
        let cases: &[(&str, bool)] = &[
            (
                "type=ADD_USER msg=audit(1700000000.123:456): pid=1 uid=0",
                true,
            ),
            (
                "node=web01 type=SYSCALL msg=audit(1700000000.123:456): arch=c000003e",
                true,
            ),
            ("type=ADD_USER msg=audit(1.1:1): x\nmore", true),
            ("node=web01", false),
            ("type=thing without header", false),
            ("Nov 14 10:00:00 host sshd[1]: Accepted", false),
        ];
        for (text, want) in cases {
            assert_eq!(looks_like_auditd(text.as_bytes()), *want, "{text}");
        }
    }
}
