//! The one error type of the EQL engine: a message worded for the analyst, with the
//! 1-based line and column in the query text where the problem was found.

use thiserror::Error;

/// A problem in an EQL query, located in the query text (1-based line and column).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("line {line}, column {column}: {message}")]
pub struct EqlError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// A position in the query text (1-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Pos {
    pub line: usize,
    pub column: usize,
}

impl EqlError {
    pub(crate) fn at(pos: Pos, message: impl Into<String>) -> Self {
        EqlError {
            line: pos.line,
            column: pos.column,
            message: message.into(),
        }
    }
}
