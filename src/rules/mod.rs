//! Detection rules: loading, compiling and evaluating them.

pub mod api;
pub mod builtin;
