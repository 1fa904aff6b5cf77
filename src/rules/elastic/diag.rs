//! Positions and diagnostics for rule files.
//!
//! TOML errors come with byte spans; query errors come with positions inside the query
//! string, which sits somewhere in the file behind a `'''` or `"""` delimiter and maybe
//! escapes. These helpers turn both into the `path:line:column` analysts click on.

use crate::rules::api::Diagnostic;
use std::ops::Range;

/// 1-based (line, column in characters) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// Builds diagnostics for one file.
pub struct DiagSink<'a> {
    pub path: &'a str,
    pub text: &'a str,
    pub items: Vec<Diagnostic>,
}

impl<'a> DiagSink<'a> {
    pub fn new(path: &'a str, text: &'a str) -> Self {
        DiagSink {
            path,
            text,
            items: Vec::new(),
        }
    }

    pub fn at_offset(&mut self, offset: usize, message: String, hint: Option<String>) {
        let (line, column) = line_col(self.text, offset);
        self.items.push(Diagnostic {
            path: self.path.to_string(),
            line,
            column,
            message,
            hint,
        });
    }

    /// At the start of a TOML value's span.
    pub fn at_span(&mut self, span: &Range<usize>, message: String, hint: Option<String>) {
        self.at_offset(span.start, message, hint);
    }

    /// At the `[header]` of a table when the file has one, else the whole file.
    pub fn at_table(&mut self, header: &str, message: String, hint: Option<String>) {
        match find_header(self.text, header) {
            Some(offset) => self.at_offset(offset, message, hint),
            None => self.items.push(Diagnostic {
                path: self.path.to_string(),
                line: 0,
                column: 0,
                message,
                hint,
            }),
        }
    }
}

fn find_header(text: &str, header: &str) -> Option<usize> {
    let wanted = format!("[{header}]");
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if line.trim() == wanted {
            return Some(offset + (line.len() - line.trim_start().len()));
        }
        offset += line.len();
    }
    None
}

/// Where a TOML string value's content starts, and whether escapes apply in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StringBody {
    pub start: usize,
    pub basic: bool,
}

/// Locates the content of the string value whose span is `span`.
pub fn string_body(text: &str, span: &Range<usize>) -> StringBody {
    let raw = text.get(span.clone()).unwrap_or("");
    let (delim, basic) = if raw.starts_with("'''") {
        (3, false)
    } else if raw.starts_with("\"\"\"") {
        (3, true)
    } else if raw.starts_with('\'') {
        (1, false)
    } else {
        (1, true)
    };
    let mut start = span.start + delim.min(raw.len());
    if delim == 3 {
        // A newline right after the opening delimiter is not part of the value.
        let rest = &text[start..];
        if rest.starts_with("\r\n") {
            start += 2;
        } else if rest.starts_with('\n') {
            start += 1;
        }
    }
    StringBody { start, basic }
}

/// File offset of the byte `decoded` bytes into the string's decoded value.
pub fn file_offset(text: &str, body: StringBody, decoded: usize) -> usize {
    if !body.basic {
        return body.start + decoded;
    }
    let raw = &text[body.start.min(text.len())..];
    let mut seen = 0usize;
    let mut chars = raw.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if seen >= decoded {
            return body.start + i;
        }
        if c != '\\' {
            seen += c.len_utf8();
            continue;
        }
        match chars.next() {
            Some((_, 'u')) => {
                consume(&mut chars, 4);
                seen += 1;
            }
            Some((_, 'U')) => {
                consume(&mut chars, 8);
                seen += 1;
            }
            Some((_, w)) if w.is_whitespace() => {
                // Line-ending backslash: the newline and leading spaces vanish.
                while chars.peek().is_some_and(|&(_, n)| n.is_whitespace()) {
                    chars.next();
                }
            }
            Some(_) => seen += 1,
            None => break,
        }
    }
    body.start + raw.len()
}

fn consume(chars: &mut std::iter::Peekable<std::str::CharIndices<'_>>, n: usize) {
    for _ in 0..n {
        chars.next();
    }
}

/// Decoded byte offset of a 1-based (line, column in characters) inside a string.
pub fn offset_of_line_col(value: &str, line: usize, column: usize) -> usize {
    let mut offset = 0;
    for (i, l) in value.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            let col_bytes: usize = l
                .chars()
                .take(column.saturating_sub(1))
                .map(char::len_utf8)
                .sum();
            return offset + col_bytes;
        }
        offset += l.len();
    }
    value.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters() {
        let t = "ab\ncé d\n";
        assert_eq!(line_col(t, 0), (1, 1));
        assert_eq!(line_col(t, 3), (2, 1));
        assert_eq!(line_col(t, t.find('d').unwrap_or(0)), (2, 4));
    }

    #[test]
    fn literal_and_basic_bodies_map_offsets() {
        let t = "q = '''\nabc'''\nb = \"x\\ty z\"\n";
        let lit_span = 4..14;
        let body = string_body(t, &lit_span);
        assert_eq!(
            body,
            StringBody {
                start: 8,
                basic: false
            }
        );
        assert_eq!(&t[file_offset(t, body, 1)..][..1], "b");
        let b_start = t.find('"').unwrap_or(0);
        let basic = string_body(t, &(b_start..t.len() - 1));
        assert!(basic.basic);
        // decoded "x\ty z": offset 2 is `y`, which sits after the two-byte escape.
        assert_eq!(&t[file_offset(t, basic, 2)..][..1], "y");
    }

    #[test]
    fn line_col_inside_value() {
        let v = "one\ntwo three";
        assert_eq!(&v[offset_of_line_col(v, 2, 5)..], "three");
    }
}
