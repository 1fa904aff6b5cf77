//! Lucene classic query parser semantics, compiled to the KQL evaluation tree.
//!
//! Each group is a boolean query built clause by clause the way Lucene does: `+` and
//! `AND` make clauses required, `-`, `!` and `NOT` prohibit them, the rest are optional
//! (default operator OR), and a group with required clauses ignores its optional ones.

use super::LuceneError;
use super::lexer::{Piece, RangeTok, Tok, Token};
use crate::rules::kql::{
    AnchoredRegex, FieldKind, FieldRef, Node, RangeBound, RangeOp, RawValue, Term, ValueExpr,
    free_text_node,
};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Occur {
    Must,
    Should,
    MustNot,
}

pub fn parse(src: &str, toks: Vec<Token>) -> Result<Node, LuceneError> {
    let mut p = Parser { src, toks, pos: 0 };
    let node = p.group(None)?;
    if let Some(t) = p.toks.get(p.pos) {
        return Err(LuceneError::at(
            t.start,
            "unexpected `)`",
            Some("remove it or open the group with `(`"),
        ));
    }
    Ok(node)
}

struct Parser<'a> {
    src: &'a str,
    toks: Vec<Token>,
    pos: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos).map(|t| &t.tok)
    }

    fn offset(&self) -> usize {
        self.toks.get(self.pos).map_or(self.src.len(), |t| t.start)
    }

    /// Clauses up to `)` or the end, combined with Lucene's occur rules.
    fn group(&mut self, field: Option<&str>) -> Result<Node, LuceneError> {
        let mut clauses: Vec<(Occur, Node)> = Vec::new();
        loop {
            let conj = match self.peek() {
                None | Some(Tok::RParen) => break,
                Some(Tok::And) => Some(Tok::And),
                Some(Tok::Or) => Some(Tok::Or),
                _ => None,
            };
            if conj.is_some() {
                if clauses.is_empty() {
                    return Err(LuceneError::at(
                        self.offset(),
                        "a query cannot start with AND/OR",
                        None,
                    ));
                }
                self.pos += 1;
            }
            let modifier = match self.peek() {
                Some(Tok::Plus) => Some(Occur::Must),
                Some(Tok::Minus | Tok::Not) => Some(Occur::MustNot),
                _ => None,
            };
            if modifier.is_some() {
                self.pos += 1;
            }
            let node = self.clause(field)?;
            if conj == Some(Tok::And)
                && let Some(last) = clauses.last_mut()
                && last.0 != Occur::MustNot
            {
                last.0 = Occur::Must;
            }
            let occur = match modifier {
                Some(Occur::MustNot) => Occur::MustNot,
                Some(_) => Occur::Must,
                None if conj == Some(Tok::And) => Occur::Must,
                None => Occur::Should,
            };
            clauses.push((occur, node));
        }
        if clauses.is_empty() {
            return Err(LuceneError::at(
                self.offset(),
                "empty query or group",
                Some("write at least one term, e.g. process.name:cmd.exe"),
            ));
        }
        Ok(combine(clauses))
    }

    fn clause(&mut self, field: Option<&str>) -> Result<Node, LuceneError> {
        let start = self.offset();
        let tok = self.toks.get(self.pos).map(|t| t.tok.clone());
        match tok {
            Some(Tok::LParen) => {
                self.pos += 1;
                let inner = self.group(field)?;
                self.close(start)?;
                Ok(inner)
            }
            Some(Tok::Term(pieces))
                if self.toks.get(self.pos + 1).map(|t| &t.tok) == Some(&Tok::Colon) =>
            {
                let name = field_name(&pieces, start)?;
                self.pos += 2;
                if name == "_exists_" {
                    let target = match self.toks.get(self.pos).map(|t| t.tok.clone()) {
                        Some(Tok::Term(p)) => field_name(&p, self.offset())?,
                        _ => {
                            return Err(LuceneError::at(
                                self.offset(),
                                "`_exists_:` needs a field name",
                                None,
                            ));
                        }
                    };
                    self.pos += 1;
                    return Ok(value_node(Some(&target), Term::Exists));
                }
                if self.peek() == Some(&Tok::LParen) {
                    let open = self.offset();
                    self.pos += 1;
                    let inner = self.group(Some(&name))?;
                    self.close(open)?;
                    return Ok(inner);
                }
                self.value(Some(&name))
            }
            Some(_) => self.value(field),
            None => Err(LuceneError::at(
                start,
                "the query ends where a term was expected",
                None,
            )),
        }
    }

    fn close(&mut self, open: usize) -> Result<(), LuceneError> {
        if self.peek() == Some(&Tok::RParen) {
            self.pos += 1;
            return Ok(());
        }
        Err(LuceneError::at(
            open,
            "this `(` is never closed",
            Some("add the matching `)`"),
        ))
    }

    /// A single value for `field` (or for every field when `None`).
    fn value(&mut self, field: Option<&str>) -> Result<Node, LuceneError> {
        let start = self.offset();
        let Some(tok) = self.toks.get(self.pos).map(|t| t.tok.clone()) else {
            return Err(LuceneError::at(
                start,
                "the query ends where a value was expected",
                None,
            ));
        };
        self.pos += 1;
        let kind = field.map_or(FieldKind::Keyword, |f| FieldRef::new(f).kind);
        match tok {
            Tok::Quoted(text) => Ok(raw_node(field, RawValue::Quoted(text), kind)),
            Tok::Term(pieces) => Ok(raw_node(field, raw_from_pieces(&pieces), kind)),
            Tok::Regex(re) => {
                let compiled = regex::Regex::new(&format!("^(?:{re})$")).map_err(|e| {
                    LuceneError::at(
                        start,
                        &format!("invalid regular expression `/{re}/`: {e}"),
                        None,
                    )
                })?;
                Ok(value_node(field, Term::Regex(AnchoredRegex(compiled))))
            }
            Tok::Range(r) => Ok(range_node(field, &r, start)?),
            Tok::Cmp(op) => {
                let bound = match self.toks.get(self.pos).map(|t| t.tok.clone()) {
                    Some(Tok::Term(p)) => plain_text(&p),
                    Some(Tok::Quoted(q)) => q,
                    _ => {
                        return Err(LuceneError::at(
                            self.offset(),
                            &format!("`{op}` needs a value"),
                            None,
                        ));
                    }
                };
                self.pos += 1;
                let op = match op {
                    ">" => RangeOp::Gt,
                    ">=" => RangeOp::Ge,
                    "<" => RangeOp::Lt,
                    _ => RangeOp::Le,
                };
                Ok(bounded(field, &[(op, bound)], start)?)
            }
            _ => Err(LuceneError::at(
                start,
                &format!(
                    "unexpected `{}`",
                    self.src[start..].chars().next().unwrap_or(' ')
                ),
                Some("expected a term, a phrase, a range or a group"),
            )),
        }
    }
}

fn combine(clauses: Vec<(Occur, Node)>) -> Node {
    let pick = |o: Occur| -> Vec<Node> {
        clauses
            .iter()
            .filter(|c| c.0 == o)
            .map(|c| c.1.clone())
            .collect()
    };
    let (must, should, must_not) = (pick(Occur::Must), pick(Occur::Should), pick(Occur::MustNot));
    if must.is_empty() && must_not.is_empty() && should.len() == 1 {
        return should.into_iter().next().unwrap_or(Node::All);
    }
    let mut all = must;
    let has_required = !all.is_empty();
    for n in must_not {
        all.push(Node::Not(Box::new(n)));
    }
    if !has_required && !should.is_empty() {
        all.push(Node::Or(should));
    }
    if all.len() == 1 {
        return all.remove(0);
    }
    Node::And(all)
}

fn field_name(pieces: &[Piece], at: usize) -> Result<String, LuceneError> {
    if pieces.iter().any(|p| !matches!(p, Piece::Char(_))) {
        return Err(LuceneError::at(
            at,
            "wildcards in field names are not supported by vigil",
            Some("name each field explicitly and join them with OR"),
        )
        .unsupported());
    }
    Ok(plain_text(pieces))
}

fn plain_text(pieces: &[Piece]) -> String {
    pieces
        .iter()
        .map(|p| match p {
            Piece::Char(c) => *c,
            Piece::Star => '*',
            Piece::Question => '?',
        })
        .collect()
}

fn raw_from_pieces(pieces: &[Piece]) -> RawValue {
    if pieces == [Piece::Star] {
        return RawValue::Star;
    }
    if !pieces
        .iter()
        .any(|p| matches!(p, Piece::Star | Piece::Question))
    {
        return RawValue::Plain(plain_text(pieces));
    }
    // Re-escape literal characters so the wildcard parser sees only real wildcards.
    let mut pattern = String::new();
    for p in pieces {
        match p {
            Piece::Char(c @ ('*' | '?' | '\\')) => {
                pattern.push('\\');
                pattern.push(*c);
            }
            Piece::Char(c) => pattern.push(*c),
            Piece::Star => pattern.push('*'),
            Piece::Question => pattern.push('?'),
        }
    }
    RawValue::Wildcard(pattern)
}

fn raw_node(field: Option<&str>, raw: RawValue, kind: FieldKind) -> Node {
    match field {
        None => free_text_node(raw),
        Some(f) => value_node(Some(f), Term::compile(&raw, kind)),
    }
}

fn value_node(field: Option<&str>, term: Term) -> Node {
    match field {
        Some(f) => Node::Match {
            field: FieldRef::new(f),
            values: ValueExpr::Term(term),
        },
        None => Node::AnyField(ValueExpr::Term(term)),
    }
}

fn range_node(field: Option<&str>, r: &RangeTok, at: usize) -> Result<Node, LuceneError> {
    let mut bounds = Vec::new();
    if let Some(lo) = &r.lower {
        bounds.push((
            if r.lower_inclusive {
                RangeOp::Ge
            } else {
                RangeOp::Gt
            },
            lo.clone(),
        ));
    }
    if let Some(hi) = &r.upper {
        bounds.push((
            if r.upper_inclusive {
                RangeOp::Le
            } else {
                RangeOp::Lt
            },
            hi.clone(),
        ));
    }
    if bounds.is_empty() {
        return Ok(match field {
            Some(f) => value_node(Some(f), Term::Exists),
            None => Node::All,
        });
    }
    bounded(field, &bounds, at)
}

fn bounded(
    field: Option<&str>,
    bounds: &[(RangeOp, String)],
    at: usize,
) -> Result<Node, LuceneError> {
    let Some(f) = field else {
        return Err(LuceneError::at(
            at,
            "a range needs a field, e.g. winlog.event_id:[4720 TO 4738]",
            None,
        ));
    };
    Ok(Node::Range {
        field: FieldRef::new(f),
        bounds: bounds
            .iter()
            .map(|(op, text)| RangeBound::new(*op, text.clone()))
            .collect(),
    })
}
