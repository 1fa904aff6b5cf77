//! Streaming extraction of JSON records from text: NDJSON lines, a top-level
//! array, or values one after another (pretty-printed evtx_dump output).
//!
//! Records are cut out as byte slices without building a document tree, so the
//! caller parses each one on its own and memory stays bounded by the largest
//! record (capped at [`MAX_RECORD_BYTES`]), whatever the file size.

use super::detect::{JsonLayout, UTF8_BOM};
use super::json_scan::{Scan, ValueEnd};
use std::io::BufRead;

/// Records longer than this are rejected (and skipped without being buffered).
pub const MAX_RECORD_BYTES: usize = 16 * 1024 * 1024;

/// One record cut out of the text, or a problem at a line.
pub enum Piece<'a> {
    Record { line: u64, bytes: &'a [u8] },
    Bad { line: u64, reason: String },
}

/// Calls `sink` for every record of `reader` laid out as `layout`.
/// Returns an I/O error only when reading fails; malformed records go to `sink`.
pub fn for_each_record(
    reader: &mut dyn BufRead,
    layout: JsonLayout,
    sink: &mut dyn FnMut(Piece<'_>),
) -> std::io::Result<()> {
    match layout {
        JsonLayout::Lines => for_each_line(reader, sink),
        // Envelopes are read by `envelope`; as a fallback they are whole values.
        JsonLayout::Array | JsonLayout::Stream | JsonLayout::Envelope => {
            let mut s = Scanner {
                reader,
                line: 1,
                buf: Vec::new(),
                whole_file: true,
            };
            s.run(layout == JsonLayout::Array, sink)
        }
    }
}

/// Calls `sink` for every element of the JSON array `reader` starts with, and stops
/// right after its closing bracket (the array sits inside a larger value).
pub fn for_each_array_element(
    reader: &mut dyn BufRead,
    sink: &mut dyn FnMut(Piece<'_>),
) -> std::io::Result<()> {
    let mut s = Scanner {
        reader,
        line: 1,
        buf: Vec::new(),
        whole_file: false,
    };
    s.run(true, sink)
}

fn for_each_line(reader: &mut dyn BufRead, sink: &mut dyn FnMut(Piece<'_>)) -> std::io::Result<()> {
    let mut buf = Vec::with_capacity(4096);
    let mut line = 0u64;
    loop {
        buf.clear();
        line += 1;
        let mut too_long = false;
        let mut read_any = false;
        loop {
            let chunk = reader.fill_buf()?;
            if chunk.is_empty() {
                break;
            }
            read_any = true;
            let (take, done) = match memchr::memchr(b'\n', chunk) {
                Some(i) => (i + 1, true),
                None => (chunk.len(), false),
            };
            if !too_long {
                if buf.len() + take > MAX_RECORD_BYTES {
                    too_long = true;
                    buf.clear();
                } else {
                    buf.extend_from_slice(&chunk[..take]);
                }
            }
            reader.consume(take);
            if done {
                break;
            }
        }
        if !read_any {
            return Ok(());
        }
        if too_long {
            sink(Piece::Bad {
                line,
                reason: format!("record longer than {MAX_RECORD_BYTES} bytes, skipped"),
            });
            continue;
        }
        let text = buf.strip_prefix(UTF8_BOM).unwrap_or(&buf).trim_ascii();
        if !text.is_empty() {
            sink(Piece::Record { line, bytes: text });
        }
    }
}

/// Consumes ASCII whitespace and UTF-8 byte order marks (Windows tools write one at the
/// start of a file, and concatenated files carry one between values); returns how many
/// line feeds it held.
pub(super) fn skip_whitespace(reader: &mut dyn BufRead) -> std::io::Result<u64> {
    let mut lines = 0;
    loop {
        let chunk = reader.fill_buf()?;
        if chunk.is_empty() {
            return Ok(lines);
        }
        let n = chunk
            .iter()
            .position(|b| !b.is_ascii_whitespace())
            .unwrap_or(chunk.len());
        lines += chunk[..n].iter().filter(|b| **b == b'\n').count() as u64;
        let done = n < chunk.len();
        reader.consume(n);
        if done && !skip_bom(reader)? {
            return Ok(lines);
        }
    }
}

/// Consumes a byte order mark at the reader's position; whether there was one.
fn skip_bom(reader: &mut dyn BufRead) -> std::io::Result<bool> {
    let chunk = reader.fill_buf()?;
    if chunk.len() >= UTF8_BOM.len() {
        let found = chunk.starts_with(UTF8_BOM);
        if found {
            reader.consume(UTF8_BOM.len());
        }
        return Ok(found);
    }
    // The mark straddles two buffer fills (rare): take it byte by byte. Bytes of a
    // mark that then breaks off are invalid UTF-8 whichever way they are read.
    for (i, want) in UTF8_BOM.iter().enumerate() {
        if reader.fill_buf()?.first() != Some(want) {
            return Ok(i > 0);
        }
        reader.consume(1);
    }
    Ok(true)
}

struct Scanner<'r> {
    reader: &'r mut dyn BufRead,
    line: u64,
    buf: Vec<u8>,
    /// The array is the whole file, so anything after it is the file's too.
    whole_file: bool,
}

#[derive(PartialEq)]
enum Step {
    Value,
    End,
}

impl Scanner<'_> {
    fn run(&mut self, mut array: bool, sink: &mut dyn FnMut(Piece<'_>)) -> std::io::Result<()> {
        if array {
            self.skip_ws()?;
            match self.peek()? {
                Some(b'[') => self.reader.consume(1),
                _ => {
                    sink(Piece::Bad {
                        line: self.line,
                        reason: "expected '[' at the start of a JSON array".into(),
                    });
                    return Ok(());
                }
            }
        }
        loop {
            self.skip_ws()?;
            let Some(b) = self.peek()? else {
                if array {
                    sink(Piece::Bad {
                        line: self.line,
                        reason: "truncated: the JSON array is not closed with ']'".into(),
                    });
                }
                return Ok(());
            };
            if array && b == b',' {
                self.reader.consume(1);
                continue;
            }
            if array && b == b']' {
                self.reader.consume(1);
                if !self.whole_file {
                    return Ok(());
                }
                self.skip_ws()?;
                match self.peek()? {
                    None => return Ok(()),
                    // Arrays written one after another (appended exports): read on.
                    Some(b'[') => self.reader.consume(1),
                    Some(_) => {
                        // Whatever follows is read as JSON values, so nothing is lost
                        // silently; the odd layout is said once.
                        sink(Piece::Bad {
                            line: self.line,
                            reason: "data after the closing ']' of the JSON array; read on \
                                     as JSON values one after another"
                                .into(),
                        });
                        array = false;
                    }
                }
                continue;
            }
            let start_line = self.line;
            match self.take_value()? {
                (Step::Value, None) => sink(Piece::Record {
                    line: start_line,
                    bytes: &self.buf,
                }),
                (_, Some(reason)) => sink(Piece::Bad {
                    line: start_line,
                    reason,
                }),
                (Step::End, None) => return Ok(()),
            }
        }
    }

    fn peek(&mut self) -> std::io::Result<Option<u8>> {
        Ok(self.reader.fill_buf()?.first().copied())
    }

    fn skip_ws(&mut self) -> std::io::Result<()> {
        self.line += skip_whitespace(self.reader)?;
        Ok(())
    }

    /// Cuts one value into `self.buf`. Returns an error reason for bad values.
    fn take_value(&mut self) -> std::io::Result<(Step, Option<String>)> {
        self.buf.clear();
        let mut scan = ValueEnd::default();
        let mut too_long = false;
        let mut stray = false;
        loop {
            let chunk = self.reader.fill_buf()?;
            if chunk.is_empty() {
                if !scan.started() {
                    return Ok((Step::End, None));
                }
                if !scan.open() {
                    break;
                }
                return Ok((
                    Step::End,
                    Some("truncated: the file ends in the middle of this record".into()),
                ));
            }
            let mut end = None;
            for (i, &b) in chunk.iter().enumerate() {
                match scan.step(b) {
                    Scan::More => {}
                    Scan::EndsAfter => {
                        end = Some(i + 1);
                        break;
                    }
                    Scan::EndsBefore => {
                        end = Some(i);
                        break;
                    }
                    Scan::StrayClose => {
                        stray = true;
                        end = Some(i);
                        break;
                    }
                }
            }
            let take = end.unwrap_or(chunk.len());
            // Only the bytes taken count: a newline that ends a value is left to skip_ws.
            self.line += chunk[..take].iter().filter(|b| **b == b'\n').count() as u64;
            if !too_long {
                if self.buf.len() + take > MAX_RECORD_BYTES {
                    too_long = true;
                    self.buf.clear();
                } else {
                    self.buf.extend_from_slice(&chunk[..take]);
                }
            }
            if stray {
                // A stray closing bracket at top level: skip it and report.
                self.reader.consume(1);
                return Ok((Step::Value, Some("unexpected closing bracket".into())));
            }
            self.reader.consume(take);
            if end.is_some() {
                break;
            }
        }
        if too_long {
            return Ok((
                Step::Value,
                Some(format!(
                    "record longer than {MAX_RECORD_BYTES} bytes, skipped"
                )),
            ));
        }
        Ok((Step::Value, None))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(input: &str, layout: JsonLayout) -> Vec<String> {
        let mut out = vec![];
        let mut r = std::io::BufReader::with_capacity(7, input.as_bytes());
        for_each_record(&mut r, layout, &mut |p| match p {
            Piece::Record { line, bytes } => {
                out.push(format!("{line}:{}", String::from_utf8_lossy(bytes)))
            }
            Piece::Bad { line, reason } => out.push(format!("{line}!{reason}")),
        })
        .unwrap();
        out
    }

    #[test]
    fn lines_keep_line_numbers_and_skip_blanks() {
        let got = collect("{\"a\":1}\n\n{\"b\":\"x\\n\"}\r\n", JsonLayout::Lines);
        assert_eq!(got, vec!["1:{\"a\":1}", "3:{\"b\":\"x\\n\"}"]);
    }

    #[test]
    fn array_elements_are_cut_out() {
        let got = collect(
            "[\n {\"a\":[1,{\"b\":\"]}\"}]},\n {\"c\":2}\n]",
            JsonLayout::Array,
        );
        assert_eq!(got, vec!["2:{\"a\":[1,{\"b\":\"]}\"}]}", "3:{\"c\":2}"]);
    }

    #[test]
    fn nothing_after_an_array_is_dropped_in_silence() {
        let got = collect("[{\"a\":1}]\n[{\"b\":2}]\n", JsonLayout::Array);
        assert_eq!(got, vec!["1:{\"a\":1}", "2:{\"b\":2}"]);
        let got = collect("[{\"a\":1}]\n{\"b\":2}\n", JsonLayout::Array);
        assert_eq!(got.len(), 3, "{got:?}");
        assert!(
            got[1].starts_with("2!data after the closing ']'"),
            "{got:?}"
        );
        assert_eq!(got[2], "2:{\"b\":2}");
        assert_eq!(collect("[{\"a\":1}]  \n\n", JsonLayout::Array).len(), 1);
    }

    #[test]
    fn byte_order_marks_before_and_between_values_are_skipped() {
        let bom = "\u{feff}";
        let got = collect(
            &format!("{bom}[{{\"a\":1}}]{bom}[{{\"b\":2}}]"),
            JsonLayout::Array,
        );
        assert_eq!(got, vec!["1:{\"a\":1}", "1:{\"b\":2}"]);
        let got = collect(
            &format!("{bom}{{\n \"a\": 1\n}}\n{bom}{{\"b\":2}}"),
            JsonLayout::Stream,
        );
        assert_eq!(got, vec!["1:{\n \"a\": 1\n}", "4:{\"b\":2}"]);
        // Another character starting with the mark's first byte is kept for the parser
        // (which rejects it with its reason), not skipped.
        let got = collect("\u{f000}{\"a\":1}", JsonLayout::Stream);
        assert_eq!(got, vec!["1:\u{f000}{\"a\":1}"]);
    }

    #[test]
    fn pretty_stream_values() {
        let got = collect(
            "{\n \"a\": {\n  \"b\": 1\n }\n}\n{\"c\":\"\\\"}\"}",
            JsonLayout::Stream,
        );
        assert_eq!(got.len(), 2);
        assert!(got[0].starts_with("1:{"));
        assert!(got[1].starts_with("6:{\"c\""));
    }

    #[test]
    fn truncated_values_are_reported() {
        let got = collect("{\"a\":1}\n{\"b\":", JsonLayout::Stream);
        assert_eq!(
            got[1],
            "2!truncated: the file ends in the middle of this record"
        );
        let got = collect("[{\"a\":1},", JsonLayout::Array);
        assert!(got[1].contains("not closed"), "{got:?}");
    }
}
