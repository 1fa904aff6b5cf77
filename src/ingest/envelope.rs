//! Streaming reader for JSON files that wrap their records in an array under one key:
//! CloudTrail's `{"Records":[...]}`, Azure Monitor's `{"records":[...]}` and Microsoft
//! Graph's `{"@odata.context":...,"value":[...]}`, one such object per file or several
//! (one per line, as Event Hub dumps write them).
//!
//! The outer object is walked key by key and the array's elements are cut out one at a
//! time by [`json_stream`], so memory stays bounded by the largest record.

use super::json_scan::{Scan, ValueEnd};
use super::json_stream::{self, MAX_RECORD_BYTES, Piece};
use std::io::{BufRead, Read};

pub use super::envelope_peek::{ENVELOPE_KEYS, looks_like_envelope};

/// One record of an envelope, or a problem.
pub enum Element<'a> {
    /// `index` is the 1-based position in its array; `None` for a top-level object
    /// that is not an envelope (kept as a record of its own).
    Record {
        line: u64,
        index: Option<u64>,
        bytes: &'a [u8],
    },
    Bad {
        line: u64,
        index: Option<u64>,
        reason: String,
    },
}

/// Calls `sink` for every element of every envelope in `reader`.
/// Returns an I/O error only when reading fails; malformed records go to `sink`.
pub fn for_each_element(
    reader: &mut dyn BufRead,
    sink: &mut dyn FnMut(Element<'_>),
) -> std::io::Result<()> {
    let mut r = Tracked {
        inner: reader,
        line: 1,
        capture: None,
        ended_in_array: false,
    };
    loop {
        r.skip_ws()?;
        match r.peek()? {
            None => return Ok(()),
            Some(b'{') => r.object(sink)?,
            Some(other) => {
                let line = r.line;
                r.skip_line()?;
                sink(Element::Bad {
                    line,
                    index: None,
                    reason: format!(
                        "expected a JSON object wrapping records, found {:?}; the rest of the line is skipped",
                        char::from(other)
                    ),
                });
            }
        }
    }
}

/// A reader that counts lines and can record the bytes it consumes.
struct Tracked<'r> {
    inner: &'r mut dyn BufRead,
    line: u64,
    /// The bytes of the current top-level object, while it may still be a plain record.
    capture: Option<Vec<u8>>,
    /// The file ended inside the records array (already reported).
    ended_in_array: bool,
}

impl Read for Tracked<'_> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let buf = self.fill_buf()?;
        let n = buf.len().min(out.len());
        out[..n].copy_from_slice(&buf[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl BufRead for Tracked<'_> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        self.inner.fill_buf()
    }

    fn consume(&mut self, amt: usize) {
        // The data being consumed is still in the inner buffer: fill_buf does no I/O here.
        if let Ok(buf) = self.inner.fill_buf() {
            let part = &buf[..amt.min(buf.len())];
            self.line += memchr::memchr_iter(b'\n', part).count() as u64;
            if let Some(c) = &mut self.capture {
                if c.len() + part.len() > MAX_RECORD_BYTES {
                    self.capture = None;
                } else {
                    c.extend_from_slice(part);
                }
            }
        }
        self.inner.consume(amt);
    }
}

/// How a syntax problem inside the outer object is reported.
struct Syntax(String);

impl Tracked<'_> {
    fn peek(&mut self) -> std::io::Result<Option<u8>> {
        Ok(self.fill_buf()?.first().copied())
    }

    fn skip_ws(&mut self) -> std::io::Result<()> {
        // `consume` counts the lines itself.
        json_stream::skip_whitespace(self).map(|_| ())
    }

    fn skip_line(&mut self) -> std::io::Result<()> {
        loop {
            let chunk = self.fill_buf()?;
            if chunk.is_empty() {
                return Ok(());
            }
            match memchr::memchr(b'\n', chunk) {
                Some(i) => {
                    self.consume(i + 1);
                    return Ok(());
                }
                None => {
                    let n = chunk.len();
                    self.consume(n);
                }
            }
        }
    }

    /// Reads one top-level object: streams the records of its envelope key, or hands
    /// out the whole object when it has none.
    fn object(&mut self, sink: &mut dyn FnMut(Element<'_>)) -> std::io::Result<()> {
        let start_line = self.line;
        self.capture = Some(Vec::new());
        self.consume(1);
        let mut wrapped = false;
        let outcome = self.members(&mut wrapped, sink)?;
        let captured = self.capture.take();
        match outcome {
            Err(Syntax(reason)) => {
                let line = self.line;
                self.skip_line()?;
                sink(Element::Bad {
                    line,
                    index: None,
                    reason,
                });
            }
            Ok(()) if wrapped => {}
            Ok(()) => match captured {
                Some(bytes) => sink(Element::Record {
                    line: start_line,
                    index: None,
                    bytes: &bytes,
                }),
                None => sink(Element::Bad {
                    line: start_line,
                    index: None,
                    reason: format!("record longer than {MAX_RECORD_BYTES} bytes, skipped"),
                }),
            },
        }
        Ok(())
    }

    fn members(
        &mut self,
        wrapped: &mut bool,
        sink: &mut dyn FnMut(Element<'_>),
    ) -> std::io::Result<Result<(), Syntax>> {
        loop {
            self.skip_ws()?;
            match self.peek()? {
                None if self.ended_in_array => return Ok(Ok(())),
                None => {
                    return Ok(Err(Syntax(
                        "truncated: the file ends inside the wrapping object".into(),
                    )));
                }
                Some(b'}') => {
                    self.consume(1);
                    return Ok(Ok(()));
                }
                Some(b',') => self.consume(1),
                Some(b'"') => {
                    let key = match self.key()? {
                        Ok(k) => k,
                        Err(e) => return Ok(Err(e)),
                    };
                    self.skip_ws()?;
                    if self.peek()? != Some(b':') {
                        return Ok(Err(Syntax(format!("expected ':' after the key {key:?}"))));
                    }
                    self.consume(1);
                    self.skip_ws()?;
                    if ENVELOPE_KEYS.contains(&key.as_str()) && self.peek()? == Some(b'[') {
                        *wrapped = true;
                        self.capture = None;
                        self.elements(sink)?;
                    } else if let Err(e) = self.skip_value()? {
                        return Ok(Err(e));
                    }
                }
                Some(other) => {
                    return Ok(Err(Syntax(format!(
                        "expected a key in the wrapping object, found {:?}",
                        char::from(other)
                    ))));
                }
            }
        }
    }

    fn elements(&mut self, sink: &mut dyn FnMut(Element<'_>)) -> std::io::Result<()> {
        let offset = self.line - 1;
        let mut index = 0u64;
        let mut truncated = false;
        json_stream::for_each_array_element(self, &mut |piece| {
            if truncated {
                // The file ended inside a record: one report says so, not one per level.
                return;
            }
            index += 1;
            match piece {
                Piece::Record { line, bytes } => sink(Element::Record {
                    line: line + offset,
                    index: Some(index),
                    bytes,
                }),
                Piece::Bad { line, reason } => {
                    truncated = reason.starts_with("truncated");
                    sink(Element::Bad {
                        line: line + offset,
                        index: Some(index),
                        reason,
                    })
                }
            }
        })?;
        self.ended_in_array = truncated;
        Ok(())
    }

    /// Reads a key string (keys are short; longer ones are refused).
    fn key(&mut self) -> std::io::Result<Result<String, Syntax>> {
        self.consume(1);
        let mut key = Vec::new();
        let mut escaped = false;
        loop {
            let Some(b) = self.peek()? else {
                return Ok(Err(Syntax("truncated: the file ends inside a key".into())));
            };
            self.consume(1);
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                return Ok(Ok(String::from_utf8_lossy(&key).into_owned()));
            }
            key.push(b);
            if key.len() > 4096 {
                return Ok(Err(Syntax("a key longer than 4096 bytes".into())));
            }
        }
    }

    /// Skips one JSON value without keeping it (strings and brackets balanced).
    fn skip_value(&mut self) -> std::io::Result<Result<(), Syntax>> {
        let mut scan = ValueEnd::default();
        loop {
            let chunk = self.fill_buf()?;
            if chunk.is_empty() {
                return Ok(Err(Syntax(
                    "truncated: the file ends inside a value of the wrapping object".into(),
                )));
            }
            let mut end = None;
            for (i, &b) in chunk.iter().enumerate() {
                match scan.step(b) {
                    Scan::More => {}
                    Scan::EndsAfter => {
                        end = Some(i + 1);
                        break;
                    }
                    // The caller reads the separator or bracket that ended the value,
                    // and reports a closing bracket where a value should be.
                    Scan::EndsBefore | Scan::StrayClose => {
                        end = Some(i);
                        break;
                    }
                }
            }
            let take = end.unwrap_or(chunk.len());
            self.consume(take);
            if end.is_some() {
                return Ok(Ok(()));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(input: &str) -> Vec<String> {
        let mut out = vec![];
        let mut r = std::io::BufReader::with_capacity(5, input.as_bytes());
        for_each_element(&mut r, &mut |e| match e {
            Element::Record { line, index, bytes } => out.push(format!(
                "{line}/{index:?}:{}",
                String::from_utf8_lossy(bytes)
            )),
            Element::Bad {
                line,
                index,
                reason,
            } => out.push(format!("{line}/{index:?}!{reason}")),
        })
        .unwrap();
        out
    }

    #[test]
    fn streams_elements_with_lines_and_indexes() {
        let got = collect(
            "{\"Records\":[{\"a\":1},\n{\"b\":\"]}\"},\n 7]}\n{\"records\":[{\"c\":3}],\"x\":{\"y\":[1]}}\n",
        );
        assert_eq!(
            got,
            vec![
                "1/Some(1):{\"a\":1}",
                "2/Some(2):{\"b\":\"]}\"}",
                "3/Some(3):7",
                "4/Some(1):{\"c\":3}",
            ]
        );
    }

    #[test]
    fn keys_before_the_array_are_skipped_and_plain_objects_kept() {
        let got = collect(
            "{\"@odata.context\":\"u,}\",\"n\":[{\"z\":[]}],\"value\":[{\"id\":\"a\"}]}\n{\"plain\": true}\n",
        );
        assert_eq!(
            got,
            vec!["1/Some(1):{\"id\":\"a\"}", "2/None:{\"plain\": true}"]
        );
    }

    #[test]
    fn damage_is_reported_and_reading_goes_on() {
        let got = collect("{\"Records\":[{\"a\":1},{\"b\":");
        assert_eq!(got[0], "1/Some(1):{\"a\":1}");
        assert!(got[1].contains("truncated"), "{got:?}");
        let got = collect("garbage\n{\"Records\" 1}\n{\"records\":[{\"ok\":1}]}");
        assert!(
            got[0].starts_with("1/None!expected a JSON object"),
            "{got:?}"
        );
        assert!(got[1].starts_with("2/None!expected ':'"), "{got:?}");
        assert_eq!(got[2], "3/Some(1):{\"ok\":1}");
    }
}
