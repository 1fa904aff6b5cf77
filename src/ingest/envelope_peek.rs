//! Recognising a records envelope (`{"Records":[...]}`, `{"records":[...]}`,
//! `{...,"value":[...]}`) from the first bytes of a file, without reading it all:
//! the keys before the records array are skipped, and the array must hold objects.

use super::json_scan::{Scan, ValueEnd};

/// Keys whose array value holds the records.
pub const ENVELOPE_KEYS: [&str; 3] = ["Records", "records", "value"];

/// Whether the text (starting at `{`) opens an envelope: a known key whose value is an
/// array of objects (or empty). Looks only at the bytes given.
pub fn looks_like_envelope(text: &[u8]) -> bool {
    let mut p = Peek { text, pos: 0 };
    if p.next_non_ws() != Some(b'{') {
        return false;
    }
    p.pos += 1;
    loop {
        match p.next_non_ws() {
            Some(b'"') => {}
            Some(b',') => {
                p.pos += 1;
                continue;
            }
            _ => return false,
        }
        let Some(key) = p.string() else { return false };
        if p.next_non_ws() != Some(b':') {
            return false;
        }
        p.pos += 1;
        if ENVELOPE_KEYS.contains(&key) && p.next_non_ws() == Some(b'[') {
            p.pos += 1;
            return matches!(p.next_non_ws(), Some(b'{' | b']'));
        }
        if !p.skip_value() {
            return false;
        }
    }
}

/// A cursor over the first bytes of a file, for detection only.
struct Peek<'a> {
    text: &'a [u8],
    pos: usize,
}

impl<'a> Peek<'a> {
    fn next_non_ws(&mut self) -> Option<u8> {
        while let Some(&b) = self.text.get(self.pos) {
            if !b.is_ascii_whitespace() {
                return Some(b);
            }
            self.pos += 1;
        }
        None
    }

    /// Reads a string starting at `"`; `None` when it is not closed within the text.
    fn string(&mut self) -> Option<&'a str> {
        let start = self.pos + 1;
        let mut i = start;
        while let Some(&b) = self.text.get(i) {
            match b {
                b'\\' => i += 2,
                b'"' => {
                    self.pos = i + 1;
                    return std::str::from_utf8(self.text.get(start..i)?).ok();
                }
                _ => i += 1,
            }
        }
        None
    }

    /// Moves past one value; false when the text ends inside it.
    fn skip_value(&mut self) -> bool {
        let mut scan = ValueEnd::default();
        while let Some(&b) = self.text.get(self.pos) {
            match scan.step(b) {
                Scan::More => self.pos += 1,
                Scan::EndsAfter => {
                    self.pos += 1;
                    return true;
                }
                Scan::EndsBefore | Scan::StrayClose => return true,
            }
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_envelopes_only() {
        let cases: &[(&str, bool)] = &[
            (r#"{"Records":[{"eventVersion":"1.08"}]}"#, true),
            (r#"{ "records" : [ ] }"#, true),
            (
                r#"{"@odata.context":"https://graph/x","@odata.nextLink":null,"value":[{"id":"1"}]}"#,
                true,
            ),
            (r#"{"meta":{"a":[1,"}"]},"value":[{"id":1}]}"#, true),
            (r#"{"value":[1,2]}"#, false),
            (r#"{"Records":"none"}"#, false),
            (r#"{"@timestamp":"2024-01-01T00:00:00Z","event":{}}"#, false),
            (r#"{"eventName":"CreateUser","Records"#, false),
        ];
        for (text, want) in cases {
            assert_eq!(looks_like_envelope(text.as_bytes()), *want, "{text}");
        }
    }
}
