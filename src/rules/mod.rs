//! Detection rules: loading, compiling and evaluating them.
//!
//! Each language has its own engine behind the [`api`] contract; [`builtin`] holds the
//! embedded pack.

pub mod api;
pub mod builtin;
pub mod elastic;
pub mod eql;
pub mod kql;
pub mod lucene;
pub mod sigma;
