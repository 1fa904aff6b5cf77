//! String literals of EQL: `"..."` with the Elasticsearch escapes (`\n \r \t \\ \"` and
//! `\u{XXXX}`), and `"""raw"""` strings without escape processing. Both are single-line.

use super::error::{EqlError, Pos};
use super::lexer::{Lexer, Tok};

impl Lexer {
    pub(super) fn string(&mut self, pos: Pos) -> Result<Tok, EqlError> {
        if self.peek(1) == Some('"') && self.peek(2) == Some('"') {
            return self.raw_string(pos);
        }
        self.bump();
        let mut text = String::new();
        loop {
            let here = self.pos();
            match self.bump() {
                Some('"') => return Ok(Tok::Str(text)),
                Some('\\') => text.push(self.escape(here)?),
                Some('\n' | '\r') | None => {
                    return Err(EqlError::at(
                        pos,
                        "string is not closed on its line; add the closing double quote",
                    ));
                }
                Some(c) => text.push(c),
            }
        }
    }

    fn escape(&mut self, pos: Pos) -> Result<char, EqlError> {
        match self.bump() {
            Some('n') => Ok('\n'),
            Some('r') => Ok('\r'),
            Some('t') => Ok('\t'),
            Some('\\') => Ok('\\'),
            Some('"') => Ok('"'),
            Some('u') => self.unicode_escape(pos),
            Some(c) => Err(EqlError::at(
                pos,
                format!(
                    "invalid escape sequence \"\\{c}\" in string; valid escapes are \\n \\r \\t \\\\ \\\" and \\u{{XXXX}} (write \\\\ for a backslash)"
                ),
            )),
            None => Err(EqlError::at(pos, "string ends after a backslash")),
        }
    }

    fn unicode_escape(&mut self, pos: Pos) -> Result<char, EqlError> {
        let bad = |msg: &str| {
            EqlError::at(
                pos,
                format!(
                    "invalid unicode escape: {msg}; write it as \\u{{XXXX}} with 2 to 8 hex digits"
                ),
            )
        };
        if self.bump() != Some('{') {
            return Err(bad("missing '{'"));
        }
        let mut hex = String::new();
        loop {
            match self.bump() {
                Some('}') => break,
                Some(c) if c.is_ascii_hexdigit() => hex.push(c),
                _ => return Err(bad("expected hex digits and '}'")),
            }
        }
        if !(2..=8).contains(&hex.len()) {
            return Err(bad(&format!("\"{hex}\" has {} digits", hex.len())));
        }
        u32::from_str_radix(&hex, 16)
            .ok()
            .and_then(char::from_u32)
            .ok_or_else(|| bad(&format!("U+{hex} is not a valid character")))
    }

    fn raw_string(&mut self, pos: Pos) -> Result<Tok, EqlError> {
        for _ in 0..3 {
            self.bump();
        }
        let mut text = String::new();
        loop {
            match self.peek(0) {
                Some('"') if self.peek(1) == Some('"') && self.peek(2) == Some('"') => {
                    for _ in 0..3 {
                        self.bump();
                    }
                    // Up to two more quotes right after the closing """ belong to the text.
                    for _ in 0..2 {
                        if self.peek(0) == Some('"') {
                            text.push('"');
                            self.bump();
                        }
                    }
                    return Ok(Tok::Str(text));
                }
                Some('\n' | '\r') | None => {
                    return Err(EqlError::at(
                        pos,
                        "raw string \"\"\"...\"\"\" is not closed on its line; add the closing \"\"\"",
                    ));
                }
                Some(c) => {
                    text.push(c);
                    self.bump();
                }
            }
        }
    }
}
