//! Recursive-descent parser from KQL tokens to the compiled tree.
//!
//! Precedence is `not` > `and` > `or`, both for whole clauses and inside a field's value
//! list. Values are compiled for their field as soon as the field is known, so
//! evaluation never re-reads the query text.

use super::KqlError;
use super::eval::{Node, ValueExpr};
use super::lexer::{TokKind, Token, WordPiece};
use super::range::{RangeBound, RangeOp};
use super::value::{FieldKind, FieldRef, RawValue, Term};

pub fn parse(src: &str, toks: Vec<Token>) -> Result<Node, KqlError> {
    if toks.is_empty() {
        return Ok(Node::All);
    }
    let mut p = Parser { src, toks, pos: 0 };
    let node = p.or_query()?;
    if let Some(t) = p.peek() {
        return Err(p.unexpected(t, "expected `and`, `or` or the end of the query"));
    }
    Ok(node)
}

struct Parser<'a> {
    src: &'a str,
    toks: Vec<Token>,
    pos: usize,
}

/// A value as read, with where it started (for messages).
struct ReadValue {
    raw: RawValue,
    start: usize,
    /// True when it is a single token, so it may name a field.
    single: bool,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Token> {
        self.toks.get(self.pos)
    }

    fn peek_kind(&self) -> Option<&TokKind> {
        self.peek().map(|t| &t.kind)
    }

    fn eat(&mut self, kind: &TokKind) -> bool {
        if self.peek_kind() == Some(kind) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn end_offset(&self) -> usize {
        self.src.len()
    }

    fn unexpected(&self, t: &Token, what: &str) -> KqlError {
        KqlError::at(
            t.start,
            format!("unexpected `{}`: {what}", &self.src[t.start..t.end]),
            None,
        )
    }

    fn expect_close(&mut self, kind: TokKind, open_at: usize, close: &str) -> Result<(), KqlError> {
        if self.eat(&kind) {
            return Ok(());
        }
        match self.peek() {
            Some(t) => Err(self.unexpected(t, &format!("expected `{close}`"))),
            None => Err(KqlError::at(
                open_at,
                format!("this bracket is never closed with `{close}`"),
                Some(format!("add `{close}` at the end of the group")),
            )),
        }
    }

    fn or_query(&mut self) -> Result<Node, KqlError> {
        let mut items = vec![self.and_query()?];
        while self.eat(&TokKind::Or) {
            items.push(self.and_query()?);
        }
        Ok(if items.len() == 1 {
            items.remove(0)
        } else {
            Node::Or(items)
        })
    }

    fn and_query(&mut self) -> Result<Node, KqlError> {
        let mut items = vec![self.not_query()?];
        while self.eat(&TokKind::And) {
            items.push(self.not_query()?);
        }
        Ok(if items.len() == 1 {
            items.remove(0)
        } else {
            Node::And(items)
        })
    }

    fn not_query(&mut self) -> Result<Node, KqlError> {
        if self.eat(&TokKind::Not) {
            return Ok(Node::Not(Box::new(self.not_query()?)));
        }
        self.sub_query()
    }

    fn sub_query(&mut self) -> Result<Node, KqlError> {
        if let Some(t) = self.peek()
            && t.kind == TokKind::LParen
        {
            let open = t.start;
            self.pos += 1;
            let inner = self.or_query()?;
            self.expect_close(TokKind::RParen, open, ")")?;
            return Ok(inner);
        }
        self.expression()
    }

    fn expression(&mut self) -> Result<Node, KqlError> {
        let first = self.read_value(true)?;
        let op = match self.peek_kind() {
            Some(TokKind::Colon) => None,
            Some(TokKind::Lt) => Some(RangeOp::Lt),
            Some(TokKind::Le) => Some(RangeOp::Le),
            Some(TokKind::Gt) => Some(RangeOp::Gt),
            Some(TokKind::Ge) => Some(RangeOp::Ge),
            _ => {
                // No field: free text, possibly several words.
                let value = self.extend_free_text(first)?;
                return Ok(free_text(value));
            }
        };
        let field = self.field_ref(&first)?;
        self.pos += 1;
        if let Some(op) = op {
            let bound = self.read_value(false)?;
            let text = match bound.raw {
                RawValue::Quoted(t) | RawValue::Plain(t) => t,
                RawValue::Wildcard(_) | RawValue::Star => {
                    return Err(KqlError::at(
                        bound.start,
                        "a range bound cannot contain a wildcard".to_string(),
                        Some("quote the value or escape the `*` as `\\*`".to_string()),
                    ));
                }
            };
            return Ok(Node::Range {
                field,
                bounds: vec![RangeBound::new(op, text)],
            });
        }
        if let Some(t) = self.peek()
            && t.kind == TokKind::LBrace
        {
            let open = t.start;
            self.pos += 1;
            let query = if self.peek_kind() == Some(&TokKind::RBrace) {
                Node::All
            } else {
                self.or_query()?
            };
            self.expect_close(TokKind::RBrace, open, "}")?;
            return Ok(Node::Nested {
                field,
                query: Box::new(query),
            });
        }
        let values = self.list_of_values(field.kind)?;
        Ok(Node::Match { field, values })
    }

    fn field_ref(&self, v: &ReadValue) -> Result<FieldRef, KqlError> {
        let name = match &v.raw {
            RawValue::Quoted(t) | RawValue::Plain(t) if v.single => t.clone(),
            RawValue::Quoted(_) | RawValue::Plain(_) => {
                return Err(KqlError::at(
                    v.start,
                    "a field name cannot contain spaces".to_string(),
                    Some("join clauses with `and` or `or`, e.g. `a:1 and b:2`".to_string()),
                ));
            }
            RawValue::Wildcard(_) | RawValue::Star => {
                return Err(KqlError::at(
                    v.start,
                    "wildcards in field names are not supported by vigil".to_string(),
                    Some("name each field explicitly and join them with `or`".to_string()),
                )
                .unsupported());
            }
        };
        if name.is_empty() {
            return Err(KqlError::at(v.start, "empty field name".to_string(), None));
        }
        Ok(FieldRef::new(&name))
    }

    fn list_of_values(&mut self, kind: FieldKind) -> Result<ValueExpr, KqlError> {
        if let Some(t) = self.peek()
            && t.kind == TokKind::LParen
        {
            let open = t.start;
            self.pos += 1;
            let inner = self.or_list(kind)?;
            self.expect_close(TokKind::RParen, open, ")")?;
            return Ok(inner);
        }
        let v = self.read_value(false)?;
        if !v.single {
            self.reject_field_after_words()?;
        }
        Ok(ValueExpr::Term(Term::compile(&v.raw, kind)))
    }

    fn or_list(&mut self, kind: FieldKind) -> Result<ValueExpr, KqlError> {
        let mut items = vec![self.and_list(kind)?];
        while self.eat(&TokKind::Or) {
            items.push(self.and_list(kind)?);
        }
        Ok(if items.len() == 1 {
            items.remove(0)
        } else {
            ValueExpr::Or(items)
        })
    }

    fn and_list(&mut self, kind: FieldKind) -> Result<ValueExpr, KqlError> {
        let mut items = vec![self.not_list(kind)?];
        while self.eat(&TokKind::And) {
            items.push(self.not_list(kind)?);
        }
        Ok(if items.len() == 1 {
            items.remove(0)
        } else {
            ValueExpr::And(items)
        })
    }

    fn not_list(&mut self, kind: FieldKind) -> Result<ValueExpr, KqlError> {
        if self.eat(&TokKind::Not) {
            return Ok(ValueExpr::Not(Box::new(self.not_list(kind)?)));
        }
        self.list_of_values(kind)
    }

    /// Reads a quoted value or a run of unquoted words. With `one_token`, stops after
    /// the first token so the caller can check for a following `:`.
    fn read_value(&mut self, one_token: bool) -> Result<ReadValue, KqlError> {
        let Some(t) = self.peek().cloned() else {
            return Err(KqlError::at(
                self.end_offset(),
                "the query ends where a value was expected".to_string(),
                Some("complete the expression, e.g. `field:value`".to_string()),
            ));
        };
        match t.kind {
            TokKind::Quoted(text) => {
                self.pos += 1;
                Ok(ReadValue {
                    raw: RawValue::Quoted(text),
                    start: t.start,
                    single: true,
                })
            }
            TokKind::Word(first) => {
                self.pos += 1;
                let mut pieces = first;
                let mut end = t.end;
                let mut single = true;
                while !one_token && let Some(next) = self.peek() {
                    let TokKind::Word(more) = &next.kind else {
                        break;
                    };
                    pieces.extend(self.src[end..next.start].chars().map(WordPiece::Char));
                    pieces.extend(more.iter().cloned());
                    end = next.end;
                    single = false;
                    self.pos += 1;
                }
                Ok(ReadValue {
                    raw: raw_from_pieces(&pieces),
                    start: t.start,
                    single,
                })
            }
            _ => Err(self.unexpected(&t, "expected a field or a value")),
        }
    }

    /// After a first word that turned out not to be a field, reads the remaining words.
    fn extend_free_text(&mut self, first: ReadValue) -> Result<ReadValue, KqlError> {
        if let RawValue::Quoted(_) = &first.raw {
            return Ok(first);
        }
        // Re-read from the first word so the spacing between words is kept.
        let start_tok = self.pos - 1;
        self.pos = start_tok;
        let v = self.read_value(false)?;
        self.reject_field_after_words()?;
        Ok(ReadValue {
            start: first.start,
            ..v
        })
    }

    /// A `:` or comparison right after several words means a missing `and`/`or`.
    fn reject_field_after_words(&self) -> Result<(), KqlError> {
        if let Some(t) = self.peek()
            && matches!(
                t.kind,
                TokKind::Colon | TokKind::Lt | TokKind::Le | TokKind::Gt | TokKind::Ge
            )
        {
            return Err(KqlError::at(
                t.start,
                format!(
                    "`{}` follows several words: a field name cannot contain spaces",
                    &self.src[t.start..t.end]
                ),
                Some("put `and` or `or` between clauses, e.g. `a:1 and b:2`".to_string()),
            ));
        }
        Ok(())
    }
}

fn raw_from_pieces(pieces: &[WordPiece]) -> RawValue {
    let stars = pieces.iter().filter(|p| **p == WordPiece::Star).count();
    if stars == 0 {
        let text = pieces
            .iter()
            .filter_map(|p| match p {
                WordPiece::Char(c) => Some(*c),
                WordPiece::Star => None,
            })
            .collect();
        return RawValue::Plain(text);
    }
    if pieces.len() == 1 {
        return RawValue::Star;
    }
    // Kibana joins the pieces with a raw `*` and hands the string to a Lucene wildcard
    // query, where `?` is a wildcard and `\` escapes again.
    let text = pieces
        .iter()
        .map(|p| match p {
            WordPiece::Char(c) => *c,
            WordPiece::Star => '*',
        })
        .collect();
    RawValue::Wildcard(text)
}

fn free_text(v: ReadValue) -> Node {
    free_text_node(v.raw)
}

/// A value searched in every field: keyword equality or a text-token match.
pub(crate) fn free_text_node(raw: RawValue) -> Node {
    match raw {
        RawValue::Star => Node::All,
        raw => Node::AnyField(ValueExpr::Or(vec![
            ValueExpr::Term(Term::compile(&raw, FieldKind::Keyword)),
            ValueExpr::Term(Term::compile(&raw, FieldKind::Text)),
        ])),
    }
}
