//! KQL (Kibana Query Language), as Elastic `query`, `threshold` and `new_terms` rules
//! with `language = "kuery"` use it.
//!
//! A query is compiled once into a tree of field predicates (`compile`) and then
//! evaluated against ECS documents. Semantics follow Kibana's translation to the Query
//! DSL: exact case-sensitive keyword matches, `*` wildcards, existential arrays.

mod eval;
mod lexer;
mod parser;
mod range;
mod value;
mod wildcard;

#[cfg(test)]
mod tests_cases;
#[cfg(test)]
mod tests_errors;

pub use wildcard::WildcardPattern;

pub(crate) use eval::{Node, ValueExpr};
pub(crate) use parser::free_text_node;
pub use range::parse_date_ms;
pub(crate) use range::{RangeBound, RangeOp};
pub(crate) use value::{AnchoredRegex, FieldKind, FieldRef, RawValue, Term};

use crate::model::Event;
use serde_json::Value;

/// A KQL syntax error, located in the query text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct KqlError {
    /// Byte offset in the query.
    pub offset: usize,
    /// 1-based line and column (in characters) in the query.
    pub line: usize,
    pub column: usize,
    pub message: String,
    pub hint: Option<String>,
    /// Valid KQL that vigil cannot evaluate (rather than a syntax error).
    pub unsupported: bool,
}

impl KqlError {
    pub(crate) fn at(offset: usize, message: String, hint: Option<String>) -> Self {
        KqlError {
            offset,
            line: 0,
            column: 0,
            message,
            hint,
            unsupported: false,
        }
    }

    pub(crate) fn unsupported(mut self) -> Self {
        self.unsupported = true;
        self
    }

    fn locate(mut self, src: &str) -> Self {
        let offset = self.offset.min(src.len());
        let before = src.get(..offset).unwrap_or(src);
        self.line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        self.column = before[line_start..].chars().count() + 1;
        self
    }
}

/// A compiled KQL query.
#[derive(Debug, Clone, PartialEq)]
pub struct KqlQuery {
    root: Node,
}

impl KqlQuery {
    /// Builds a query from an already compiled tree (used for Kibana filters).
    pub(crate) fn from_node(root: Node) -> Self {
        KqlQuery { root }
    }

    pub(crate) fn into_node(self) -> Node {
        self.root
    }

    pub fn matches(&self, event: &Event) -> bool {
        self.root.matches(&event.doc)
    }

    pub fn matches_doc(&self, doc: &Value) -> bool {
        self.root.matches(doc)
    }
}

/// Parses and compiles a KQL query.
pub fn compile(query: &str) -> Result<KqlQuery, KqlError> {
    let toks = lexer::tokenize(query).map_err(|e| e.locate(query))?;
    let root = parser::parse(query, toks).map_err(|e| e.locate(query))?;
    Ok(KqlQuery { root })
}
