//! Parses EQL expressions: boolean logic, comparisons, `in`/`in~`/`not in`, the string
//! operators `:`, `like`, `regex` (and `~` forms) with list right-hand sides, arithmetic,
//! function calls, literals and fields. Precedence, low to high: or, and, not, predicate,
//! `+ -`, `* / %`, unary sign.

use super::ast::{ArithOp, CmpOp, Expr, Lit, StrOp};
use super::error::{EqlError, Pos};
use super::lexer::Tok;
use super::parser::{Parser, describe};

impl Parser {
    pub fn expr(&mut self) -> Result<Expr, EqlError> {
        let first = self.and_expr()?;
        if !self.at_word("or") {
            return Ok(first);
        }
        let mut items = vec![first];
        while self.eat_word("or") {
            items.push(self.and_expr()?);
        }
        Ok(Expr::Or(items))
    }

    fn and_expr(&mut self) -> Result<Expr, EqlError> {
        let first = self.not_expr()?;
        if !self.at_word("and") {
            return Ok(first);
        }
        let mut items = vec![first];
        while self.eat_word("and") {
            items.push(self.not_expr()?);
        }
        Ok(Expr::And(items))
    }

    fn not_expr(&mut self) -> Result<Expr, EqlError> {
        if self.eat_word("not") {
            return Ok(Expr::Not(Box::new(self.not_expr()?)));
        }
        self.predicate()
    }

    fn predicate(&mut self) -> Result<Expr, EqlError> {
        let left = self.sum()?;
        let pos = self.pos();
        let cmp = match self.peek() {
            Tok::EqEq => Some(CmpOp::Eq),
            Tok::NotEq => Some(CmpOp::Ne),
            Tok::Lt => Some(CmpOp::Lt),
            Tok::Le => Some(CmpOp::Le),
            Tok::Gt => Some(CmpOp::Gt),
            Tok::Ge => Some(CmpOp::Ge),
            Tok::Assign => {
                return Err(EqlError::at(
                    pos,
                    "'=' is not a comparison in EQL; use == (case-sensitive) or : (case-insensitive)",
                ));
            }
            _ => None,
        };
        if let Some(op) = cmp {
            self.advance();
            let right = self.sum()?;
            if matches!(
                self.peek(),
                Tok::EqEq | Tok::NotEq | Tok::Lt | Tok::Le | Tok::Gt | Tok::Ge
            ) {
                return Err(EqlError::at(
                    self.pos(),
                    "comparisons cannot be chained; combine them with 'and'",
                ));
            }
            return Ok(Expr::Cmp(op, Box::new(left), Box::new(right), pos));
        }
        let negated_in = self.at_word("not")
            && matches!(self.peek_at(1), Tok::Word { text, .. } if text == "in");
        if negated_in {
            self.advance();
        }
        if let Tok::Word { text, tilde } = self.peek().clone() {
            let op = match text.as_str() {
                "in" => {
                    self.advance();
                    let list = self.expr_list()?;
                    return Ok(Expr::In {
                        value: Box::new(left),
                        list,
                        negated: negated_in,
                        insensitive: tilde,
                        pos,
                    });
                }
                "like" => Some(StrOp::Like { insensitive: tilde }),
                "regex" => Some(StrOp::Regex { insensitive: tilde }),
                _ => None,
            };
            if let Some(op) = op {
                self.advance();
                return self.str_match(left, op, pos);
            }
        }
        if negated_in {
            return Err(self.unexpected("'in' after 'not'"));
        }
        if matches!(self.peek(), Tok::Colon) {
            self.advance();
            return self.str_match(left, StrOp::Colon, pos);
        }
        Ok(left)
    }

    fn str_match(&mut self, left: Expr, op: StrOp, pos: Pos) -> Result<Expr, EqlError> {
        let mut patterns = Vec::new();
        if self.eat(&Tok::LParen) {
            patterns.push(self.pattern_literal()?);
            while self.eat(&Tok::Comma) {
                patterns.push(self.pattern_literal()?);
            }
            self.expect(&Tok::RParen)?;
        } else {
            patterns.push(self.pattern_literal()?);
        }
        Ok(Expr::StrMatch {
            value: Box::new(left),
            op,
            patterns,
            pos,
        })
    }

    fn pattern_literal(&mut self) -> Result<(Lit, Pos), EqlError> {
        let pos = self.pos();
        match self.literal() {
            Some(l) => Ok((l, pos)),
            None => Err(self.unexpected("a string literal")),
        }
    }

    /// Consumes a literal if one is next.
    fn literal(&mut self) -> Option<Lit> {
        let lit = match self.peek() {
            Tok::Str(s) => Lit::Str(s.clone()),
            Tok::Int(n) => Lit::Int(*n),
            Tok::Float(f) => Lit::Float(*f),
            Tok::Word { text, tilde: false } => match text.as_str() {
                "true" => Lit::Bool(true),
                "false" => Lit::Bool(false),
                "null" => Lit::Null,
                _ => return None,
            },
            _ => return None,
        };
        self.advance();
        Some(lit)
    }

    fn expr_list(&mut self) -> Result<Vec<Expr>, EqlError> {
        if !self.eat(&Tok::LParen) {
            return Err(self.unexpected("'(' starting the list of values"));
        }
        let mut out = vec![self.expr()?];
        while self.eat(&Tok::Comma) {
            out.push(self.expr()?);
        }
        self.expect(&Tok::RParen)?;
        Ok(out)
    }

    fn sum(&mut self) -> Result<Expr, EqlError> {
        let mut left = self.product()?;
        loop {
            let pos = self.pos();
            let op = match self.peek() {
                Tok::Plus => ArithOp::Add,
                Tok::Minus => ArithOp::Sub,
                _ => return Ok(left),
            };
            self.advance();
            let right = self.product()?;
            left = Expr::Arith(op, Box::new(left), Box::new(right), pos);
        }
    }

    fn product(&mut self) -> Result<Expr, EqlError> {
        let mut left = self.unary()?;
        loop {
            let pos = self.pos();
            let op = match self.peek() {
                Tok::Star => ArithOp::Mul,
                Tok::Slash => ArithOp::Div,
                Tok::Percent => ArithOp::Mod,
                _ => return Ok(left),
            };
            self.advance();
            let right = self.unary()?;
            left = Expr::Arith(op, Box::new(left), Box::new(right), pos);
        }
    }

    fn unary(&mut self) -> Result<Expr, EqlError> {
        let pos = self.pos();
        if self.eat(&Tok::Minus) {
            let inner = self.unary()?;
            return Ok(match inner {
                Expr::Lit(Lit::Int(n), _) => Expr::Lit(Lit::Int(n.wrapping_neg()), pos),
                Expr::Lit(Lit::Float(f), _) => Expr::Lit(Lit::Float(-f), pos),
                other => Expr::Neg(Box::new(other), pos),
            });
        }
        if self.eat(&Tok::Plus) {
            return self.unary();
        }
        self.primary()
    }

    fn primary(&mut self) -> Result<Expr, EqlError> {
        let pos = self.pos();
        if self.eat(&Tok::LParen) {
            let inner = self.expr()?;
            self.expect(&Tok::RParen)?;
            return Ok(inner);
        }
        if let Some(lit) = self.literal() {
            return Ok(Expr::Lit(lit, pos));
        }
        match self.peek().clone() {
            Tok::Word { text, tilde } if matches!(self.peek_at(1), Tok::LParen) => {
                self.advance();
                self.advance();
                let mut args = Vec::new();
                if !self.eat(&Tok::RParen) {
                    args.push(self.expr()?);
                    while self.eat(&Tok::Comma) {
                        args.push(self.expr()?);
                    }
                    self.expect(&Tok::RParen)?;
                }
                Ok(Expr::Call {
                    name: text,
                    insensitive: tilde,
                    args,
                    pos,
                })
            }
            Tok::Word { text, tilde: true } => Err(EqlError::at(
                pos,
                format!("'{text}~' must be followed by '(' (only functions take a ~ suffix)"),
            )),
            Tok::Word { text, .. } if is_keyword(&text) => Err(EqlError::at(
                pos,
                format!("expected a value, field or function, found keyword '{text}'"),
            )),
            Tok::Word { .. } | Tok::Quoted(_) | Tok::Question => Ok(Expr::Field(self.field()?)),
            other => Err(EqlError::at(
                pos,
                format!(
                    "expected a value, field or function, found {}",
                    describe(&other)
                ),
            )),
        }
    }
}

fn is_keyword(w: &str) -> bool {
    matches!(
        w,
        "where"
            | "and"
            | "or"
            | "not"
            | "in"
            | "like"
            | "regex"
            | "sequence"
            | "sample"
            | "by"
            | "with"
            | "until"
    )
}
