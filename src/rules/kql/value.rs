//! How one KQL value is compared with one field value.
//!
//! Elasticsearch decides case and tokenization from the field mapping, which vigil does
//! not have. We infer it from the name: `message`, `error.message` and `*.text` are
//! analyzed text (lowercased tokens), `*.caseless` is a lowercase-normalized keyword, and
//! everything else is a keyword compared exactly and case-sensitively.

use super::wildcard::WildcardPattern;
use serde_json::Value;

/// The mapping vigil assumes for a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    Keyword,
    Caseless,
    Text,
}

/// A field reference resolved at compile time.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldRef {
    /// The name as written in the query.
    pub name: String,
    /// The source field to read when the document has no value under `name`
    /// (`process.name` for `process.name.caseless`): multi-fields are not stored.
    pub base: Option<String>,
    pub kind: FieldKind,
}

impl FieldRef {
    pub fn new(name: &str) -> Self {
        let (kind, base) = if let Some(b) = name.strip_suffix(".caseless") {
            (FieldKind::Caseless, Some(b.to_string()))
        } else if let Some(b) = name.strip_suffix(".text") {
            (FieldKind::Text, Some(b.to_string()))
        } else if name == "message" || name == "error.message" {
            (FieldKind::Text, None)
        } else {
            (FieldKind::Keyword, None)
        };
        FieldRef {
            name: name.to_string(),
            base,
            kind,
        }
    }

    /// The value stored for this field in `doc`, if any.
    pub fn resolve<'a>(&self, doc: &'a Value) -> Option<&'a Value> {
        match crate::model::fields::get(doc, &self.name) {
            Some(v) => Some(v),
            None => self
                .base
                .as_deref()
                .and_then(|b| crate::model::fields::get(doc, b)),
        }
    }
}

/// An exact value with its numeric and boolean readings precomputed.
#[derive(Debug, Clone, PartialEq)]
pub struct Exact {
    pub text: String,
    pub number: Option<f64>,
    pub boolean: Option<bool>,
}

impl Exact {
    pub fn new(text: String) -> Self {
        let number = text.trim().parse::<f64>().ok().filter(|n| n.is_finite());
        let boolean = match text.as_str() {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        };
        Exact {
            text,
            number,
            boolean,
        }
    }
}

/// A compiled term: what one value of `field:value` means for one field kind.
#[derive(Debug, Clone, PartialEq)]
pub enum Term {
    /// Keyword equality (numbers compare numerically, booleans by value).
    Exact(Exact),
    /// Lowercase-normalized keyword equality; `text` is already lowercase.
    ExactFolded(String),
    /// Whole-value wildcard, case-sensitive or folded (then the pattern is lowercase).
    Pattern {
        pattern: WildcardPattern,
        folded: bool,
    },
    /// Analyzed text: any token (`match`) or the token sequence (`match_phrase`).
    Tokens { tokens: Vec<String>, phrase: bool },
    /// Wildcard over analyzed text: any lowercase token matches the pattern.
    TokenPattern(WildcardPattern),
    /// `field:*` inside a list.
    Exists,
    /// A whole-value regular expression (Lucene `/.../`), anchored at compile time.
    Regex(AnchoredRegex),
}

/// A compiled, anchored regex that compares by its source (for `PartialEq` on trees).
#[derive(Debug, Clone)]
pub struct AnchoredRegex(pub regex::Regex);

impl PartialEq for AnchoredRegex {
    fn eq(&self, other: &Self) -> bool {
        self.0.as_str() == other.0.as_str()
    }
}

/// A value as the parser read it, before the field kind is known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RawValue {
    /// Quoted phrase: literal, wildcards inert.
    Quoted(String),
    /// Unquoted value without any unescaped `*`.
    Plain(String),
    /// Unquoted value with wildcards, in Lucene wildcard syntax (what Kibana sends).
    Wildcard(String),
    /// A lone unescaped `*`.
    Star,
}

impl Term {
    /// Compiles `raw` for a field of `kind`.
    pub fn compile(raw: &RawValue, kind: FieldKind) -> Term {
        match (raw, kind) {
            (RawValue::Star, _) => Term::Exists,
            (RawValue::Quoted(t) | RawValue::Plain(t), FieldKind::Keyword) => {
                Term::Exact(Exact::new(t.clone()))
            }
            (RawValue::Quoted(t) | RawValue::Plain(t), FieldKind::Caseless) => {
                Term::ExactFolded(t.to_lowercase())
            }
            (RawValue::Quoted(t), FieldKind::Text) => Term::Tokens {
                tokens: tokenize(t),
                phrase: true,
            },
            (RawValue::Plain(t), FieldKind::Text) => Term::Tokens {
                tokens: tokenize(t),
                phrase: false,
            },
            (RawValue::Wildcard(p), FieldKind::Keyword) => Term::Pattern {
                pattern: WildcardPattern::parse_lucene(p),
                folded: false,
            },
            (RawValue::Wildcard(p), FieldKind::Caseless) => Term::Pattern {
                pattern: WildcardPattern::parse_lucene(p).to_lowercase(),
                folded: true,
            },
            (RawValue::Wildcard(p), FieldKind::Text) => {
                Term::TokenPattern(WildcardPattern::parse_lucene(p).to_lowercase())
            }
        }
    }

    /// Whether one scalar field value satisfies the term.
    pub fn matches_scalar(&self, v: &Value) -> bool {
        match self {
            Term::Exists => !v.is_null(),
            Term::Exact(e) => match v {
                Value::String(s) => *s == e.text,
                Value::Number(n) => match (n.as_f64(), e.number) {
                    (Some(a), Some(b)) => a == b,
                    _ => false,
                },
                Value::Bool(b) => e.boolean == Some(*b),
                _ => false,
            },
            Term::ExactFolded(t) => with_text(v, |s| fold_eq(s, t)),
            Term::Pattern { pattern, folded } => with_text(v, |s| {
                if *folded {
                    pattern.matches(&s.to_lowercase())
                } else {
                    pattern.matches(s)
                }
            }),
            Term::Tokens { tokens, phrase } => with_text(v, |s| {
                let have = tokenize(s);
                if tokens.is_empty() {
                    return false;
                }
                if *phrase {
                    have.windows(tokens.len()).any(|w| w == tokens.as_slice())
                } else {
                    tokens.iter().any(|t| have.contains(t))
                }
            }),
            Term::TokenPattern(p) => with_text(v, |s| tokenize(s).iter().any(|t| p.matches(t))),
            Term::Regex(r) => with_text(v, |s| r.0.is_match(s)),
        }
    }
}

/// Calls `f` with the text of a scalar; numbers and booleans are rendered only here,
/// on the rare path where a pattern meets a non-string value.
fn with_text(v: &Value, f: impl Fn(&str) -> bool) -> bool {
    match v {
        Value::String(s) => f(s),
        Value::Number(n) => f(&n.to_string()),
        Value::Bool(b) => f(if *b { "true" } else { "false" }),
        _ => false,
    }
}

fn fold_eq(value: &str, folded: &str) -> bool {
    if value.is_ascii() {
        // `folded` is the lowercase form, so an ASCII comparison needs no allocation.
        value.eq_ignore_ascii_case(folded)
    } else {
        value.to_lowercase() == folded
    }
}

/// A simple stand-in for the standard analyzer: lowercase runs of letters and digits.
pub fn tokenize(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Calls `f` on every scalar of `v` (flattening arrays) until it returns true.
pub fn any_scalar(v: &Value, f: &mut dyn FnMut(&Value) -> bool) -> bool {
    match v {
        Value::Array(items) => items.iter().any(|i| any_scalar(i, f)),
        Value::Null => false,
        other => f(other),
    }
}
