//! Compiled conditions and their evaluation on one event.
//!
//! A predicate of the form `field OP literal(s)` is what Elasticsearch turns into a Query
//! DSL term/wildcard/regexp query: it is two-valued, true when ANY value of a multi-valued
//! field matches, false on a missing field, and `not` negates that existential result.
//! Everything else (functions, arithmetic) runs as a script with three-valued logic, see
//! `script`. The result `None` is SQL null and never matches at the top level.

use super::doc_view::DocView;
use super::script::ScriptPred;
use super::value::{Val, equal, order};
use super::wildcard_list::WildcardList;
use serde_json::Value;
use std::cmp::Ordering;

/// A field reference resolved at compile time.
#[derive(Debug, Clone)]
pub struct FieldPath {
    pub path: String,
    pub index: Option<usize>,
    /// Memo slot given by the rule set (see `doc_view`); `NO_SLOT` until then.
    slot: usize,
}

const NO_SLOT: usize = usize::MAX;

/// Two references to the same path and element are the same field, whatever their slot.
impl PartialEq for FieldPath {
    fn eq(&self, other: &Self) -> bool {
        self.path == other.path && self.index == other.index
    }
}

impl FieldPath {
    pub fn new(path: &str, index: Option<usize>) -> Self {
        FieldPath {
            path: path.to_string(),
            index,
            slot: NO_SLOT,
        }
    }

    pub fn with_slot(path: &str, index: Option<usize>, slot: usize) -> Self {
        FieldPath {
            slot,
            ..FieldPath::new(path, index)
        }
    }

    pub fn slot(&self) -> usize {
        self.slot
    }

    pub fn set_slot(&mut self, slot: usize) {
        self.slot = slot;
    }

    /// The stored value (possibly an array), or `None` when missing.
    pub fn resolve<'a>(&self, doc: &'a Value) -> Option<&'a Value> {
        self.pick(super::resolve::get(doc, &self.path)?)
    }

    /// The element this reference selects from the value stored at its path.
    pub fn pick<'a>(&self, v: &'a Value) -> Option<&'a Value> {
        match (self.index, v) {
            (None, v) => Some(v),
            (Some(i), Value::Array(items)) => items.get(i),
            (Some(0), v) => Some(v),
            (Some(_), _) => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderOp {
    Lt,
    Le,
    Gt,
    Ge,
}

impl OrderOp {
    pub fn holds(self, o: Ordering) -> bool {
        match self {
            OrderOp::Lt => o == Ordering::Less,
            OrderOp::Le => o != Ordering::Greater,
            OrderOp::Gt => o == Ordering::Greater,
            OrderOp::Ge => o != Ordering::Less,
        }
    }
}

#[derive(Debug)]
pub enum FieldTest {
    /// `f == null`: no non-null value.
    IsNull,
    /// `f == lit` (case-sensitive, no wildcards).
    Equals(Val<'static>),
    Order(OrderOp, Val<'static>),
    /// `f in (...)`; strings are folded when `insensitive`.
    In {
        values: Vec<Val<'static>>,
        insensitive: bool,
    },
    /// `:`, `like`, `like~` with one or more patterns (OR).
    Wildcards(WildcardList),
    /// `regex`, `regex~` (anchored) with one or more patterns (OR).
    Regexes(Vec<regex::Regex>),
}

#[derive(Debug)]
pub enum Cond {
    Const(Option<bool>),
    And(Vec<Cond>),
    Or(Vec<Cond>),
    Not(Box<Cond>),
    Field { field: FieldPath, test: FieldTest },
    Script(Box<ScriptPred>),
}

impl Cond {
    /// Three-valued evaluation on a bare document (no memo).
    pub fn eval(&self, doc: &Value) -> Option<bool> {
        self.eval_in(&mut DocView::plain(doc))
    }

    /// Three-valued evaluation, reading fields through the event's memo.
    pub fn eval_in(&self, doc: &mut DocView<'_, '_>) -> Option<bool> {
        match self {
            Cond::Const(c) => *c,
            Cond::And(items) => {
                let mut unknown = false;
                for c in items {
                    match c.eval_in(doc) {
                        Some(false) => return Some(false),
                        None => unknown = true,
                        Some(true) => {}
                    }
                }
                if unknown { None } else { Some(true) }
            }
            Cond::Or(items) => {
                let mut unknown = false;
                for c in items {
                    match c.eval_in(doc) {
                        Some(true) => return Some(true),
                        None => unknown = true,
                        Some(false) => {}
                    }
                }
                if unknown { None } else { Some(false) }
            }
            Cond::Not(c) => c.eval_in(doc).map(|b| !b),
            Cond::Field { field, test } => Some(field_test(field, test, doc)),
            Cond::Script(s) => s.eval_in(doc),
        }
    }
}

fn field_test(field: &FieldPath, test: &FieldTest, doc: &mut DocView<'_, '_>) -> bool {
    let stored = doc.get(field);
    if let FieldTest::IsNull = test {
        return !any_scalar(stored, &mut |v| !v.is_null());
    }
    any_scalar(stored, &mut |v| scalar_test(test, &Val::from_json(v)))
}

/// Whether `f` holds for some scalar of `stored` (arrays flattened).
pub fn any_scalar<'a>(stored: Option<&'a Value>, f: &mut dyn FnMut(&'a Value) -> bool) -> bool {
    match stored {
        None => false,
        Some(Value::Array(items)) => items.iter().any(|i| any_scalar(Some(i), f)),
        Some(v) => f(v),
    }
}

fn scalar_test(test: &FieldTest, v: &Val) -> bool {
    match test {
        FieldTest::IsNull => v.is_null(),
        FieldTest::Equals(lit) => equal(v, lit, false),
        FieldTest::Order(op, lit) => order(v, lit).is_some_and(|o| op.holds(o)),
        FieldTest::In {
            values,
            insensitive,
        } => values.iter().any(|lit| equal(v, lit, *insensitive)),
        FieldTest::Wildcards(ws) => match v.to_text() {
            Some(t) => ws.matches(&t),
            None => false,
        },
        FieldTest::Regexes(rs) => match v.to_text() {
            Some(t) => rs.iter().any(|r| r.is_match(&t)),
            None => false,
        },
    }
}
