//! Finding where a JSON value ends without parsing it.
//!
//! Streaming readers cut records out of large files (lines, arrays, wrapping
//! objects) before anything parses them, and content ids skip whitespace outside
//! strings. All of them need the same lexical state: inside a string or not, after
//! a backslash or not, and how deep in brackets. It lives here, once, byte by byte,
//! so that callers can feed it from whatever buffer they read.

/// Whether a byte is inside a JSON string, quotes included.
#[derive(Debug, Default, Clone, Copy)]
pub struct StringState {
    in_string: bool,
    escaped: bool,
}

impl StringState {
    /// Takes the next byte; true when it belongs to a string (its quotes included).
    pub fn step(&mut self, b: u8) -> bool {
        if self.in_string {
            if self.escaped {
                self.escaped = false;
            } else if b == b'\\' {
                self.escaped = true;
            } else if b == b'"' {
                self.in_string = false;
            }
            return true;
        }
        if b == b'"' {
            self.in_string = true;
            return true;
        }
        false
    }

    /// Whether the bytes so far end inside a string.
    pub fn inside(&self) -> bool {
        self.in_string
    }
}

/// What one byte means for the value being scanned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scan {
    /// The value goes on.
    More,
    /// The value ended just before this byte (a separator, a space, the container's
    /// closing bracket), which is not part of it.
    EndsBefore,
    /// The value ends with this byte (a closing quote or bracket).
    EndsAfter,
    /// A closing bracket where a value should start.
    StrayClose,
}

/// The end of one top-level JSON value: a string, an object, an array or a scalar.
#[derive(Debug, Default, Clone, Copy)]
pub struct ValueEnd {
    string: StringState,
    depth: usize,
    started: bool,
}

impl ValueEnd {
    /// Takes the next byte of the value.
    pub fn step(&mut self, b: u8) -> Scan {
        let was_in_string = self.string.inside();
        if self.string.step(b) {
            self.started = true;
            // A closing quote at the top level ends a string value.
            return if was_in_string && !self.string.inside() && self.depth == 0 {
                Scan::EndsAfter
            } else {
                Scan::More
            };
        }
        match b {
            b'{' | b'[' => self.depth += 1,
            b'}' | b']' if self.depth == 0 => {
                return if self.started {
                    Scan::EndsBefore
                } else {
                    Scan::StrayClose
                };
            }
            b'}' | b']' => {
                self.depth -= 1;
                if self.depth == 0 {
                    return Scan::EndsAfter;
                }
            }
            b',' if self.depth == 0 && self.started => return Scan::EndsBefore,
            b if b.is_ascii_whitespace() && self.depth == 0 => {
                // Spaces before a scalar are not part of it; spaces after end it.
                return if self.started {
                    Scan::EndsBefore
                } else {
                    Scan::More
                };
            }
            _ => {}
        }
        self.started = true;
        Scan::More
    }

    /// Whether any of the value has been seen.
    pub fn started(&self) -> bool {
        self.started
    }

    /// Whether the bytes so far stop inside a string or brackets: the value is cut.
    pub fn open(&self) -> bool {
        self.depth > 0 || self.string.inside()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Where the value at the start of `text` ends, and how.
    fn end_of(text: &str) -> (usize, Scan) {
        let mut v = ValueEnd::default();
        for (i, b) in text.bytes().enumerate() {
            match v.step(b) {
                Scan::More => {}
                Scan::EndsAfter => return (i + 1, Scan::EndsAfter),
                other => return (i, other),
            }
        }
        (text.len(), Scan::More)
    }

    #[test]
    fn values_end_where_json_says() {
        let cases: &[(&str, usize, Scan)] = &[
            (r#"{"a":"}"} tail"#, 9, Scan::EndsAfter),
            (r#"[1,[2,"]"]],3"#, 11, Scan::EndsAfter),
            (r#""say \"hi\"",1"#, 12, Scan::EndsAfter),
            ("123,4", 3, Scan::EndsBefore),
            ("true]", 4, Scan::EndsBefore),
            ("null \n", 4, Scan::EndsBefore),
            ("]", 0, Scan::StrayClose),
            (r#"{"a":1"#, 6, Scan::More),
        ];
        for (text, at, how) in cases {
            assert_eq!(end_of(text), (*at, *how), "{text}");
        }
    }

    #[test]
    fn open_values_are_cut() {
        let mut v = ValueEnd::default();
        for b in br#"{"a":"x"#.iter() {
            v.step(*b);
        }
        assert!(v.open() && v.started());
        let fresh = ValueEnd::default();
        assert!(!fresh.open() && !fresh.started());
    }

    #[test]
    fn string_state_marks_string_bytes() {
        let text = br#"a "b\"c" d"#;
        let mut s = StringState::default();
        let marks: String = text
            .iter()
            .map(|b| if s.step(*b) { 's' } else { '.' })
            .collect();
        assert_eq!(marks, "..ssssss..");
    }
}
