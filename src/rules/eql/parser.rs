//! Parses the query level of EQL: event queries, `sequence`, `sample`, join keys,
//! `with maxspan`/`with runs`, `until`, missing-event items and the `head`/`tail` pipes.
//!
//! Expressions are parsed by `parse_expr`; both share the token cursor defined here.

use super::ast::{Body, EventQuery, FieldRef, Pipe, Query};
use super::error::{EqlError, Pos};
use super::lexer::{Tok, Token, tokenize};

/// Keywords that cannot start a field name or a category.
const RESERVED: &[&str] = &[
    "where", "and", "or", "not", "in", "like", "regex", "sequence", "sample", "by", "with",
    "until", "true", "false", "null", "join", "of",
];

pub struct Parser {
    toks: Vec<Token>,
    i: usize,
}

/// Parses a whole query.
pub fn parse(src: &str) -> Result<Query, EqlError> {
    let mut p = Parser {
        toks: tokenize(src)?,
        i: 0,
    };
    let q = p.query()?;
    if !matches!(p.peek(), Tok::Eof) {
        return Err(p.unexpected("the end of the query"));
    }
    Ok(q)
}

pub fn describe(tok: &Tok) -> String {
    match tok {
        Tok::Word { text, tilde } => format!("'{text}{}'", if *tilde { "~" } else { "" }),
        Tok::Quoted(t) => format!("`{t}`"),
        Tok::Str(s) => format!("string \"{s}\""),
        Tok::Int(n) => format!("number {n}"),
        Tok::Float(n) => format!("number {n}"),
        Tok::Eof => "the end of the query".to_string(),
        other => {
            let s = match other {
                Tok::EqEq => "==",
                Tok::NotEq => "!=",
                Tok::Lt => "<",
                Tok::Le => "<=",
                Tok::Gt => ">",
                Tok::Ge => ">=",
                Tok::Assign => "=",
                Tok::Colon => ":",
                Tok::Plus => "+",
                Tok::Minus => "-",
                Tok::Star => "*",
                Tok::Slash => "/",
                Tok::Percent => "%",
                Tok::LParen => "(",
                Tok::RParen => ")",
                Tok::LBracket => "[",
                Tok::RBracket => "]",
                Tok::Comma => ",",
                Tok::Dot => ".",
                Tok::Pipe => "|",
                Tok::Bang => "!",
                _ => "?",
            };
            format!("'{s}'")
        }
    }
}

impl Parser {
    pub fn peek(&self) -> &Tok {
        self.peek_at(0)
    }

    pub fn peek_at(&self, ahead: usize) -> &Tok {
        let idx = (self.i + ahead).min(self.toks.len().saturating_sub(1));
        self.toks.get(idx).map(|t| &t.tok).unwrap_or(&Tok::Eof)
    }

    pub fn pos(&self) -> Pos {
        let idx = self.i.min(self.toks.len().saturating_sub(1));
        self.toks.get(idx).map(|t| t.pos).unwrap_or_default()
    }

    pub fn advance(&mut self) -> Tok {
        let t = self.peek().clone();
        if self.i < self.toks.len() {
            self.i += 1;
        }
        t
    }

    pub fn unexpected(&self, wanted: &str) -> EqlError {
        EqlError::at(
            self.pos(),
            format!("expected {wanted}, found {}", describe(self.peek())),
        )
    }

    /// Whether the next token is the plain (no `~`) word `kw`.
    pub fn at_word(&self, kw: &str) -> bool {
        self.word_at(0, kw)
    }

    pub fn word_at(&self, ahead: usize, kw: &str) -> bool {
        matches!(self.peek_at(ahead), Tok::Word { text, tilde: false } if text == kw)
    }

    pub fn eat_word(&mut self, kw: &str) -> bool {
        if self.at_word(kw) {
            self.advance();
            true
        } else {
            false
        }
    }

    pub fn expect_word(&mut self, kw: &str) -> Result<(), EqlError> {
        if self.eat_word(kw) {
            Ok(())
        } else {
            Err(self.unexpected(&format!("'{kw}'")))
        }
    }

    pub fn eat(&mut self, tok: &Tok) -> bool {
        if self.peek() == tok {
            self.advance();
            true
        } else {
            false
        }
    }

    pub fn expect(&mut self, tok: &Tok) -> Result<(), EqlError> {
        if self.eat(tok) {
            Ok(())
        } else {
            Err(self.unexpected(&describe(tok)))
        }
    }

    fn query(&mut self) -> Result<Query, EqlError> {
        let body = if self.eat_word("sequence") {
            Body::Sequence(self.sequence()?)
        } else if self.eat_word("sample") {
            Body::Sample(self.sample()?)
        } else if self.at_word("join") {
            return Err(EqlError::at(
                self.pos(),
                "join is not supported by Elasticsearch EQL; use a sequence or sample",
            ));
        } else {
            Body::Event(self.event_query()?)
        };
        let mut pipes = Vec::new();
        while self.eat(&Tok::Pipe) {
            pipes.push(self.pipe()?);
        }
        Ok(Query { body, pipes })
    }

    fn pipe(&mut self) -> Result<Pipe, EqlError> {
        let pos = self.pos();
        let name = match self.advance() {
            Tok::Word { text, .. } => text,
            other => {
                return Err(EqlError::at(
                    pos,
                    format!(
                        "expected a pipe name (head or tail), found {}",
                        describe(&other)
                    ),
                ));
            }
        };
        let count_pos = self.pos();
        let make: fn(usize) -> Pipe = match name.as_str() {
            "head" => Pipe::Head,
            "tail" => Pipe::Tail,
            other => {
                return Err(EqlError::at(
                    pos,
                    format!(
                        "pipe '{other}' is not supported by Elasticsearch EQL; only head and tail are"
                    ),
                ));
            }
        };
        match self.advance() {
            Tok::Int(n) if n >= 0 => Ok(make(usize::try_from(n).unwrap_or(usize::MAX))),
            other => Err(EqlError::at(
                count_pos,
                format!(
                    "'{name}' needs a non-negative whole number of results, found {}",
                    describe(&other)
                ),
            )),
        }
    }

    pub fn event_query(&mut self) -> Result<EventQuery, EqlError> {
        let pos = self.pos();
        let category = match self.advance() {
            Tok::Word { text, tilde: false } if text == "any" => None,
            Tok::Word { text, tilde: false } if !RESERVED.contains(&text.as_str()) => Some(text),
            Tok::Str(s) => Some(s),
            other => {
                return Err(EqlError::at(
                    pos,
                    format!(
                        "expected an event category (for example process, file or any), found {}",
                        describe(&other)
                    ),
                ));
            }
        };
        self.expect_word("where")?;
        let condition = self.expr()?;
        Ok(EventQuery {
            category,
            condition,
        })
    }

    pub fn field_list(&mut self) -> Result<Vec<FieldRef>, EqlError> {
        let mut out = vec![self.join_field()?];
        while self.eat(&Tok::Comma) {
            out.push(self.join_field()?);
        }
        Ok(out)
    }

    fn join_field(&mut self) -> Result<FieldRef, EqlError> {
        match self.peek() {
            Tok::Question | Tok::Quoted(_) => self.field(),
            Tok::Word { text, .. } if !RESERVED.contains(&text.as_str()) => self.field(),
            _ => Err(self.unexpected("a field name as join key")),
        }
    }

    /// `?a.b.c`, `` a.`b-c` ``, `a.b[0]`.
    pub fn field(&mut self) -> Result<FieldRef, EqlError> {
        let pos = self.pos();
        let optional = self.eat(&Tok::Question);
        let mut path = self.field_segment()?;
        let mut index = None;
        loop {
            if index.is_none() && matches!(self.peek(), Tok::Dot) {
                self.advance();
                path.push('.');
                path.push_str(&self.field_segment()?);
            } else if index.is_none()
                && matches!(self.peek(), Tok::LBracket)
                && matches!(self.peek_at(1), Tok::Int(_))
                && matches!(self.peek_at(2), Tok::RBracket)
            {
                self.advance();
                if let Tok::Int(n) = self.advance() {
                    index = usize::try_from(n).ok();
                }
                self.advance();
            } else {
                break;
            }
        }
        Ok(FieldRef {
            path,
            index,
            optional,
            pos,
        })
    }

    fn field_segment(&mut self) -> Result<String, EqlError> {
        let pos = self.pos();
        match self.advance() {
            Tok::Word { text, tilde: false } => Ok(text),
            Tok::Quoted(text) => Ok(text),
            other => Err(EqlError::at(
                pos,
                format!("expected a field name, found {}", describe(&other)),
            )),
        }
    }
}
