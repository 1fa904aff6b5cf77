//! The compiled KQL tree and its evaluation over an ECS document.
//!
//! Every field predicate is existential over multi-valued fields (any element matches),
//! and `not` negates that result, so `not f:x` is true when `f` is missing: the Query DSL
//! `must_not` semantics Kibana compiles to.

use super::range::RangeBound;
use super::value::{FieldRef, Term, any_scalar};
use serde_json::Value;

/// Values under one field: `field:(a or (b and not c))`.
#[derive(Debug, Clone, PartialEq)]
pub enum ValueExpr {
    Or(Vec<ValueExpr>),
    And(Vec<ValueExpr>),
    Not(Box<ValueExpr>),
    Term(Term),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    Or(Vec<Node>),
    And(Vec<Node>),
    Not(Box<Node>),
    /// `field: values`.
    Match {
        field: FieldRef,
        values: ValueExpr,
    },
    /// `field < bound` and friends; with several bounds, one value must satisfy all of
    /// them (a range query on a multi-valued field).
    Range {
        field: FieldRef,
        bounds: Vec<RangeBound>,
    },
    /// `field: { query }`: the query must hold within one element of `field`.
    Nested {
        field: FieldRef,
        query: Box<Node>,
    },
    /// A value with no field: searched in every field of the document.
    AnyField(ValueExpr),
    /// An empty query matches everything, as in Kibana.
    All,
}

impl Node {
    pub fn matches(&self, doc: &Value) -> bool {
        match self {
            Node::Or(items) => items.iter().any(|n| n.matches(doc)),
            Node::And(items) => items.iter().all(|n| n.matches(doc)),
            Node::Not(inner) => !inner.matches(doc),
            Node::Match { field, values } => match field.resolve(doc) {
                Some(v) => values.matches_value(v),
                // A missing field is no value at all: only negations can hold.
                None => values.matches_value(&Value::Null),
            },
            Node::Range { field, bounds } => field
                .resolve(doc)
                .is_some_and(|v| any_scalar(v, &mut |s| bounds.iter().all(|b| b.matches(s)))),
            Node::Nested { field, query } => match field.resolve(doc) {
                Some(Value::Array(items)) => items.iter().any(|i| query.matches(i)),
                Some(obj @ Value::Object(_)) => query.matches(obj),
                _ => false,
            },
            Node::AnyField(values) => values.matches_any_field(doc),
            Node::All => true,
        }
    }
}

impl ValueExpr {
    /// Evaluates against everything stored under one field (scalar or array).
    fn matches_value(&self, v: &Value) -> bool {
        match self {
            ValueExpr::Or(items) => items.iter().any(|i| i.matches_value(v)),
            ValueExpr::And(items) => items.iter().all(|i| i.matches_value(v)),
            ValueExpr::Not(inner) => !inner.matches_value(v),
            ValueExpr::Term(t) => any_scalar(v, &mut |s| t.matches_scalar(s)),
        }
    }

    /// Free text: each term holds when some field of the document satisfies it.
    fn matches_any_field(&self, doc: &Value) -> bool {
        match self {
            ValueExpr::Or(items) => items.iter().any(|i| i.matches_any_field(doc)),
            ValueExpr::And(items) => items.iter().all(|i| i.matches_any_field(doc)),
            ValueExpr::Not(inner) => !inner.matches_any_field(doc),
            ValueExpr::Term(t) => any_leaf(doc, &mut |s| t.matches_scalar(s)),
        }
    }
}

fn any_leaf(v: &Value, f: &mut dyn FnMut(&Value) -> bool) -> bool {
    match v {
        Value::Object(map) => map.values().any(|c| any_leaf(c, f)),
        Value::Array(items) => items.iter().any(|c| any_leaf(c, f)),
        Value::Null => false,
        other => f(other),
    }
}
