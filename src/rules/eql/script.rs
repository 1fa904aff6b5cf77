//! Script predicates: conditions that involve functions or arithmetic, which Elasticsearch
//! evaluates as scripts with null propagation (three-valued logic).
//!
//! Multi-valued fields are handled existentially: the predicate is evaluated for every
//! combination of the values of the fields it reads (bounded), and it holds when any
//! combination makes it true. A missing field reads as null, so `not startsWith(f, "x")`
//! with `f` missing is null and does not match.

use super::ast::ArithOp;
use super::cond::{FieldPath, OrderOp};
use super::doc_view::DocView;
use super::functions::{Func, call};
use super::text::Wildcard;
use super::value::{Val, equal, order};
use serde_json::Value;
use std::borrow::Cow;

/// At most this many value combinations are tried for one predicate.
const MAX_COMBINATIONS: usize = 4096;
/// Predicates reading more distinct fields than this use each field's first value.
const MAX_SLOTS: usize = 8;

#[derive(Debug)]
pub enum SExpr {
    Const(Val<'static>),
    /// The value of the predicate's n-th field.
    Slot(usize),
    Neg(Box<SExpr>),
    Arith(ArithOp, Box<SExpr>, Box<SExpr>),
    Eq(Box<SExpr>, Box<SExpr>),
    Order(OrderOp, Box<SExpr>, Box<SExpr>),
    In {
        value: Box<SExpr>,
        list: Vec<SExpr>,
        insensitive: bool,
    },
    Wildcards(Box<SExpr>, Vec<Wildcard>),
    Regexes(Box<SExpr>, Vec<regex::Regex>),
    Call(Func, Vec<SExpr>),
    And(Vec<SExpr>),
    Or(Vec<SExpr>),
    Not(Box<SExpr>),
}

#[derive(Debug)]
pub struct ScriptPred {
    pub fields: Vec<FieldPath>,
    pub expr: SExpr,
}

impl ScriptPred {
    pub fn eval_in(&self, doc: &mut DocView<'_, '_>) -> Option<bool> {
        let mut stored: [Option<&Value>; MAX_SLOTS] = [None; MAX_SLOTS];
        let mut lens = [1usize; MAX_SLOTS];
        let n = self.fields.len().min(MAX_SLOTS);
        let mut combos = 1usize;
        for (i, f) in self.fields.iter().take(n).enumerate() {
            stored[i] = doc.get(f);
            if let Some(Value::Array(items)) = stored[i] {
                lens[i] = items.len().max(1);
            }
            combos = combos.saturating_mul(lens[i]);
        }
        if self.fields.len() > MAX_SLOTS || combos > MAX_COMBINATIONS {
            lens = [1; MAX_SLOTS];
            combos = 1;
        }
        let mut choice = [0usize; MAX_SLOTS];
        let mut unknown = false;
        for _ in 0..combos {
            let env = Env {
                stored: &stored[..n],
                choice: &choice[..n],
            };
            match truth(&env.eval(&self.expr)) {
                Some(true) => return Some(true),
                None => unknown = true,
                Some(false) => {}
            }
            // Next combination (odometer).
            for i in 0..n {
                choice[i] += 1;
                if choice[i] < lens[i] {
                    break;
                }
                choice[i] = 0;
            }
        }
        if unknown { None } else { Some(false) }
    }
}

fn truth(v: &Val) -> Option<bool> {
    match v {
        Val::Bool(b) => Some(*b),
        _ => None,
    }
}

struct Env<'e, 'a> {
    stored: &'e [Option<&'a Value>],
    choice: &'e [usize],
}

impl<'a> Env<'_, 'a> {
    fn slot(&self, i: usize) -> Val<'a> {
        let stored = self.stored.get(i).copied().flatten();
        match stored {
            None => Val::Null,
            Some(Value::Array(items)) => {
                let idx = self.choice.get(i).copied().unwrap_or(0);
                items.get(idx).map(Val::from_json).unwrap_or(Val::Null)
            }
            Some(v) => Val::from_json(v),
        }
    }

    fn eval<'s>(&self, e: &'s SExpr) -> Val<'a>
    where
        's: 'a,
    {
        match e {
            SExpr::Const(v) => borrow_const(v),
            SExpr::Slot(i) => self.slot(*i),
            SExpr::Neg(inner) => match self.eval(inner) {
                Val::Int(i) => Val::Int(i.wrapping_neg()),
                Val::Float(f) => Val::Float(-f),
                _ => Val::Null,
            },
            SExpr::Arith(op, a, b) => arith(*op, &self.eval(a), &self.eval(b)),
            SExpr::Eq(a, b) => {
                let (x, y) = (self.eval(a), self.eval(b));
                if x.is_null() || y.is_null() {
                    Val::Null
                } else {
                    Val::Bool(equal(&x, &y, false))
                }
            }
            SExpr::Order(op, a, b) => {
                let (x, y) = (self.eval(a), self.eval(b));
                match order(&x, &y) {
                    Some(o) => Val::Bool(op.holds(o)),
                    None => Val::Null,
                }
            }
            SExpr::In {
                value,
                list,
                insensitive,
            } => {
                let v = self.eval(value);
                if v.is_null() {
                    return Val::Null;
                }
                let hit = list.iter().any(|item| {
                    let lit = self.eval(item);
                    match (&v, &lit) {
                        (Val::Str(a), Val::Str(b)) if *insensitive => {
                            super::text::equals(&super::text::fold(a), &super::text::fold(b), false)
                        }
                        _ => equal(&v, &lit, false),
                    }
                });
                Val::Bool(hit)
            }
            SExpr::Wildcards(value, ws) => match self.eval(value).to_text() {
                Some(t) => Val::Bool(ws.iter().any(|w| w.matches(&t))),
                None => Val::Null,
            },
            SExpr::Regexes(value, rs) => match self.eval(value).to_text() {
                Some(t) => Val::Bool(rs.iter().any(|r| r.is_match(&t))),
                None => Val::Null,
            },
            SExpr::Call(func, args) => {
                let vals: Vec<Val<'a>> = args.iter().map(|a| self.eval(a)).collect();
                call(func, vals)
            }
            SExpr::And(items) => {
                let mut unknown = false;
                for i in items {
                    match truth(&self.eval(i)) {
                        Some(false) => return Val::Bool(false),
                        None => unknown = true,
                        Some(true) => {}
                    }
                }
                if unknown { Val::Null } else { Val::Bool(true) }
            }
            SExpr::Or(items) => {
                let mut unknown = false;
                for i in items {
                    match truth(&self.eval(i)) {
                        Some(true) => return Val::Bool(true),
                        None => unknown = true,
                        Some(false) => {}
                    }
                }
                if unknown { Val::Null } else { Val::Bool(false) }
            }
            SExpr::Not(inner) => match truth(&self.eval(inner)) {
                Some(b) => Val::Bool(!b),
                None => Val::Null,
            },
        }
    }
}

fn borrow_const<'a>(v: &'a Val<'static>) -> Val<'a> {
    match v {
        Val::Str(s) => Val::Str(Cow::Borrowed(s.as_ref())),
        other => other.clone(),
    }
}

/// Arithmetic with Elasticsearch rules: integer operands give integer results (division
/// truncates), any float gives a float, division or modulo by zero and non-numbers give null.
pub fn arith(op: ArithOp, a: &Val, b: &Val) -> Val<'static> {
    match (a, b) {
        (Val::Int(x), Val::Int(y)) => {
            let r = match op {
                ArithOp::Add => x.checked_add(*y),
                ArithOp::Sub => x.checked_sub(*y),
                ArithOp::Mul => x.checked_mul(*y),
                ArithOp::Div => x.checked_div(*y),
                ArithOp::Mod => x.checked_rem(*y),
            };
            r.map(Val::Int).unwrap_or(Val::Null)
        }
        _ => match (a.as_f64(), b.as_f64()) {
            (Some(x), Some(y)) => {
                let r = match op {
                    ArithOp::Add => x + y,
                    ArithOp::Sub => x - y,
                    ArithOp::Mul => x * y,
                    ArithOp::Div if y == 0.0 => return Val::Null,
                    ArithOp::Div => x / y,
                    ArithOp::Mod if y == 0.0 => return Val::Null,
                    ArithOp::Mod => x % y,
                };
                if r.is_finite() {
                    Val::Float(r)
                } else {
                    Val::Null
                }
            }
            _ => Val::Null,
        },
    }
}
