//! Turns EQL query text into tokens with their positions.
//!
//! String escapes and `"""raw"""` strings are resolved here, following the Elasticsearch
//! dialect: double quotes only, escapes `\n \r \t \\ \"` and `\u{XXXX}`, comments `//` and
//! `/* */`. Python-EQL-only forms (single quotes, `?"..."`) are rejected with a hint.

use super::error::{EqlError, Pos};

#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    /// A bare word (keyword, category, field segment or function name); `tilde` when a
    /// `~` follows immediately (`in~`, `like~`, `startsWith~`).
    Word {
        text: String,
        tilde: bool,
    },
    /// A backquoted identifier.
    Quoted(String),
    Str(String),
    Int(i64),
    Float(f64),
    EqEq,
    NotEq,
    Lt,
    Le,
    Gt,
    Ge,
    Assign,
    Colon,
    Plus,
    Minus,
    Star,
    Slash,
    Percent,
    LParen,
    RParen,
    LBracket,
    RBracket,
    Comma,
    Dot,
    Pipe,
    Bang,
    Question,
    Eof,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    pub tok: Tok,
    pub pos: Pos,
    /// Whether whitespace or a comment separates this token from the previous one.
    pub spaced: bool,
}

pub(super) struct Lexer {
    chars: Vec<char>,
    i: usize,
    line: usize,
    col: usize,
}

/// Splits `src` into tokens; the last one is always [`Tok::Eof`].
pub fn tokenize(src: &str) -> Result<Vec<Token>, EqlError> {
    let mut lx = Lexer {
        chars: src.chars().collect(),
        i: 0,
        line: 1,
        col: 1,
    };
    let mut out = Vec::new();
    loop {
        let spaced = lx.skip_trivia()?;
        let pos = lx.pos();
        let Some(c) = lx.peek(0) else {
            out.push(Token {
                tok: Tok::Eof,
                pos,
                spaced,
            });
            return Ok(out);
        };
        let tok = lx.next_token(c, pos)?;
        out.push(Token { tok, pos, spaced });
    }
}

impl Lexer {
    pub(super) fn pos(&self) -> Pos {
        Pos {
            line: self.line,
            column: self.col,
        }
    }

    pub(super) fn peek(&self, ahead: usize) -> Option<char> {
        self.chars.get(self.i + ahead).copied()
    }

    pub(super) fn bump(&mut self) -> Option<char> {
        let c = self.peek(0)?;
        self.i += 1;
        if c == '\n' {
            self.line += 1;
            self.col = 1;
        } else {
            self.col += 1;
        }
        Some(c)
    }

    /// Skips whitespace and comments; says whether anything was skipped.
    fn skip_trivia(&mut self) -> Result<bool, EqlError> {
        let start = self.i;
        loop {
            match (self.peek(0), self.peek(1)) {
                (Some(c), _) if c.is_whitespace() => {
                    self.bump();
                }
                (Some('/'), Some('/')) => {
                    while let Some(c) = self.peek(0) {
                        if c == '\n' {
                            break;
                        }
                        self.bump();
                    }
                }
                (Some('/'), Some('*')) => {
                    let pos = self.pos();
                    self.bump();
                    self.bump();
                    loop {
                        match (self.peek(0), self.peek(1)) {
                            (Some('*'), Some('/')) => {
                                self.bump();
                                self.bump();
                                break;
                            }
                            (Some(_), _) => {
                                self.bump();
                            }
                            (None, _) => {
                                return Err(EqlError::at(
                                    pos,
                                    "comment opened with /* is never closed; add */",
                                ));
                            }
                        }
                    }
                }
                _ => return Ok(self.i != start),
            }
        }
    }

    fn next_token(&mut self, c: char, pos: Pos) -> Result<Tok, EqlError> {
        if c == '"' {
            return self.string(pos);
        }
        if c.is_ascii_digit() {
            return self.number(pos);
        }
        if is_word_start(c) {
            let mut text = String::new();
            while let Some(c) = self.peek(0) {
                if !is_word_char(c) {
                    break;
                }
                text.push(c);
                self.bump();
            }
            let tilde = self.peek(0) == Some('~');
            if tilde {
                self.bump();
            }
            return Ok(Tok::Word { text, tilde });
        }
        if c == '`' {
            return self.backquoted(pos);
        }
        self.bump();
        let two = |lx: &mut Self, next: char| {
            if lx.peek(0) == Some(next) {
                lx.bump();
                true
            } else {
                false
            }
        };
        Ok(match c {
            '=' if two(self, '=') => Tok::EqEq,
            '=' => Tok::Assign,
            '!' if two(self, '=') => Tok::NotEq,
            '!' => Tok::Bang,
            '<' if two(self, '=') => Tok::Le,
            '<' => Tok::Lt,
            '>' if two(self, '=') => Tok::Ge,
            '>' => Tok::Gt,
            ':' => Tok::Colon,
            '+' => Tok::Plus,
            '-' => Tok::Minus,
            '*' => Tok::Star,
            '/' => Tok::Slash,
            '%' => Tok::Percent,
            '(' => Tok::LParen,
            ')' => Tok::RParen,
            '[' => Tok::LBracket,
            ']' => Tok::RBracket,
            ',' => Tok::Comma,
            '.' => Tok::Dot,
            '|' => Tok::Pipe,
            '?' if matches!(self.peek(0), Some('"') | Some('\'')) => {
                return Err(EqlError::at(
                    pos,
                    "?\"...\" raw strings are not part of Elasticsearch EQL; write the raw string as \"\"\"...\"\"\"",
                ));
            }
            '?' => Tok::Question,
            '\'' => {
                return Err(EqlError::at(
                    pos,
                    "single-quoted strings are not supported in Elasticsearch EQL; use double quotes",
                ));
            }
            other => {
                return Err(EqlError::at(pos, format!("unexpected character '{other}'")));
            }
        })
    }

    fn backquoted(&mut self, pos: Pos) -> Result<Tok, EqlError> {
        self.bump();
        let mut text = String::new();
        loop {
            match self.bump() {
                Some('`') if self.peek(0) == Some('`') => {
                    self.bump();
                    text.push('`');
                }
                Some('`') => return Ok(Tok::Quoted(text)),
                Some(c) => text.push(c),
                None => {
                    return Err(EqlError::at(
                        pos,
                        "backquoted field name is never closed; add a closing `",
                    ));
                }
            }
        }
    }

    fn number(&mut self, pos: Pos) -> Result<Tok, EqlError> {
        let mut text = String::new();
        let mut is_float = false;
        while let Some(c) = self.peek(0) {
            if c.is_ascii_digit() {
                text.push(c);
                self.bump();
            } else if c == '.' && !is_float && self.peek(1).is_some_and(|d| d.is_ascii_digit()) {
                is_float = true;
                text.push(c);
                self.bump();
            } else if (c == 'e' || c == 'E') && self.exponent_follows() {
                is_float = true;
                text.push(c);
                self.bump();
                if let Some(sign @ ('+' | '-')) = self.peek(0) {
                    text.push(sign);
                    self.bump();
                }
                while let Some(d) = self.peek(0).filter(char::is_ascii_digit) {
                    text.push(d);
                    self.bump();
                }
                break;
            } else {
                break;
            }
        }
        if is_float {
            text.parse::<f64>()
                .map(Tok::Float)
                .map_err(|_| EqlError::at(pos, format!("invalid number \"{text}\"")))
        } else {
            text.parse::<i64>().map(Tok::Int).map_err(|_| {
                EqlError::at(
                    pos,
                    format!("number \"{text}\" is too large for a 64-bit integer"),
                )
            })
        }
    }

    fn exponent_follows(&self) -> bool {
        match self.peek(1) {
            Some(d) if d.is_ascii_digit() => true,
            Some('+' | '-') => self.peek(2).is_some_and(|d| d.is_ascii_digit()),
            _ => false,
        }
    }
}

fn is_word_start(c: char) -> bool {
    c.is_alphabetic() || c == '_' || c == '@'
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '@'
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(src: &str) -> Vec<Tok> {
        tokenize(src).unwrap().into_iter().map(|t| t.tok).collect()
    }

    #[test]
    fn strings_and_escapes() {
        let cases = [
            (r#""a\\b""#, "a\\b"),
            (r#""q\"x""#, "q\"x"),
            (r#""t\tn\n""#, "t\tn\n"),
            (r#""\u{41}\u{00e9}""#, "Aé"),
            (r#""""C:\Windows\*""""#, "C:\\Windows\\*"),
            (r#""""ab"""""#, "ab\""),
        ];
        for (src, want) in cases {
            assert_eq!(toks(src)[0], Tok::Str(want.to_string()), "{src}");
        }
    }

    #[test]
    fn errors_have_positions() {
        let cases = [
            ("a == 'x'", 1, 6),
            ("a ==\n  \"\\q\"", 2, 4),
            ("a == ?\"x\"", 1, 6),
            ("a == \"open", 1, 6),
            ("/* never", 1, 1),
            ("a # b", 1, 3),
            ("\"\\u{1}\"", 1, 2),
        ];
        for (src, line, column) in cases {
            let err = tokenize(src).unwrap_err();
            assert_eq!((err.line, err.column), (line, column), "{src}: {err}");
        }
    }

    #[test]
    fn words_numbers_and_operators() {
        assert_eq!(
            toks("in~ 5m 1.5e3 2 >= `a b` // c\n!"),
            vec![
                Tok::Word {
                    text: "in".into(),
                    tilde: true
                },
                Tok::Int(5),
                Tok::Word {
                    text: "m".into(),
                    tilde: false
                },
                Tok::Float(1500.0),
                Tok::Int(2),
                Tok::Ge,
                Tok::Quoted("a b".into()),
                Tok::Bang,
                Tok::Eof
            ]
        );
    }
}
