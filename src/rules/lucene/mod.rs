//! Lucene `query_string` syntax for Elastic query rules with `language = "lucene"`.
//!
//! Parsed with the classic query parser's rules (required/optional/prohibited clauses,
//! default operator OR, `*`/`?` wildcards, ranges, `/regex/`, `_exists_`) and compiled
//! into the same tree as KQL, so both languages share field, case and array semantics.

mod lexer;
mod parser;

#[cfg(test)]
mod tests;

use crate::rules::kql::KqlQuery;

/// A Lucene syntax error, located in the query text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct LuceneError {
    /// Byte offset in the query.
    pub offset: usize,
    pub message: String,
    pub hint: Option<String>,
    /// Valid Lucene that vigil cannot evaluate (rather than a syntax error).
    pub unsupported: bool,
}

impl LuceneError {
    pub(crate) fn at(offset: usize, message: &str, hint: Option<&str>) -> Self {
        LuceneError {
            offset,
            message: message.to_string(),
            hint: hint.map(str::to_string),
            unsupported: false,
        }
    }

    pub(crate) fn unsupported(mut self) -> Self {
        self.unsupported = true;
        self
    }
}

/// Parses and compiles a Lucene query; the result evaluates like a KQL query.
pub fn compile(query: &str) -> Result<KqlQuery, LuceneError> {
    let toks = lexer::tokenize(query)?;
    let node = parser::parse(query, toks)?;
    Ok(KqlQuery::from_node(node))
}
