//! Runtime values of EQL expressions and their comparisons.
//!
//! Values borrow from the event where they can (`Cow`), so reading a field allocates
//! nothing. Comparisons are lenient between numbers and numeric strings, as keyword and
//! numeric mappings make them in Elasticsearch (`event.code == 4720` and
//! `winlog.event_id == "4720"` both hold).

use super::text;
use serde_json::Value;
use std::borrow::Cow;
use std::cmp::Ordering;

#[derive(Debug, Clone, PartialEq)]
pub enum Val<'a> {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(Cow<'a, str>),
}

impl<'a> Val<'a> {
    /// A JSON scalar as a value; objects and nested arrays read as null.
    pub fn from_json(v: &'a Value) -> Val<'a> {
        match v {
            Value::String(s) => Val::Str(Cow::Borrowed(s)),
            Value::Bool(b) => Val::Bool(*b),
            Value::Number(n) => match n.as_i64() {
                Some(i) => Val::Int(i),
                None => n.as_f64().map(Val::Float).unwrap_or(Val::Null),
            },
            _ => Val::Null,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Val::Null)
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Val::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Val::Int(i) => Some(*i as f64),
            Val::Float(f) => Some(*f),
            _ => None,
        }
    }

    /// A number, reading numeric strings too (for lenient comparisons).
    fn numeric(&self) -> Option<Num> {
        match self {
            Val::Int(i) => Some(Num::Int(*i)),
            Val::Float(f) => Some(Num::Float(*f)),
            Val::Str(s) => parse_number(s),
            _ => None,
        }
    }

    /// The value as text (numbers and booleans rendered), for string operators.
    pub fn to_text(&self) -> Option<Cow<'_, str>> {
        match self {
            Val::Str(s) => Some(Cow::Borrowed(s.as_ref())),
            Val::Int(i) => Some(Cow::Owned(i.to_string())),
            Val::Float(f) => Some(Cow::Owned(render_float(*f))),
            Val::Bool(b) => Some(Cow::Borrowed(if *b { "true" } else { "false" })),
            Val::Null => None,
        }
    }
}

pub fn render_float(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{f:.1}")
    } else {
        f.to_string()
    }
}

#[derive(Debug, Clone, Copy)]
enum Num {
    Int(i64),
    Float(f64),
}

fn parse_number(s: &str) -> Option<Num> {
    let t = s.trim();
    if let Ok(i) = t.parse::<i64>() {
        return Some(Num::Int(i));
    }
    t.parse::<f64>()
        .ok()
        .filter(|f| f.is_finite())
        .map(Num::Float)
}

fn cmp_num(a: Num, b: Num) -> Option<Ordering> {
    match (a, b) {
        (Num::Int(x), Num::Int(y)) => Some(x.cmp(&y)),
        (Num::Int(x), Num::Float(y)) => (x as f64).partial_cmp(&y),
        (Num::Float(x), Num::Int(y)) => x.partial_cmp(&(y as f64)),
        (Num::Float(x), Num::Float(y)) => x.partial_cmp(&y),
    }
}

/// Equality with `==` semantics (case-sensitive); `insensitive` gives `in~` semantics, in
/// which case a string `b` must already be folded. Null never equals anything here.
pub fn equal(a: &Val, b: &Val, insensitive: bool) -> bool {
    match (a, b) {
        (Val::Null, _) | (_, Val::Null) => false,
        (Val::Str(x), Val::Str(y)) => text::equals(x, y, insensitive),
        (Val::Bool(x), Val::Bool(y)) => x == y,
        (Val::Bool(x), Val::Str(s)) | (Val::Str(s), Val::Bool(x)) => {
            s.as_ref() == if *x { "true" } else { "false" }
        }
        _ => match (a.numeric(), b.numeric()) {
            (Some(x), Some(y)) => cmp_num(x, y) == Some(Ordering::Equal),
            _ => false,
        },
    }
}

/// Order for `< <= > >=`: numbers numerically (numeric strings included when the other
/// side is a number), strings lexicographically; `None` when not comparable.
pub fn order(a: &Val, b: &Val) -> Option<Ordering> {
    match (a, b) {
        (Val::Null, _) | (_, Val::Null) => None,
        (Val::Str(x), Val::Str(y)) => Some(x.as_ref().cmp(y.as_ref())),
        (Val::Bool(x), Val::Bool(y)) => Some(x.cmp(y)),
        _ => cmp_num(a.numeric()?, b.numeric()?),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lenient_equality_and_order() {
        let s = |x: &'static str| Val::Str(Cow::Borrowed(x));
        assert!(equal(&s("4720"), &Val::Int(4720), false));
        assert!(equal(&Val::Float(4.0), &Val::Int(4), false));
        assert!(!equal(&s("Net"), &s("net"), false));
        assert!(equal(&s("Net"), &s("net"), true));
        assert!(!equal(&Val::Null, &Val::Null, false));
        assert_eq!(order(&s("b"), &s("a")), Some(Ordering::Greater));
        assert_eq!(order(&s("10"), &Val::Int(9)), Some(Ordering::Greater));
        assert_eq!(order(&s("x"), &Val::Int(9)), None);
    }
}
