//! EQL (Event Query Language) with Elasticsearch semantics, for Elastic detection rules.
//!
//! `compile` parses a query once into an [`EqlQuery`] (wildcards, case folding and regexes
//! prepared up front); an [`EqlRuleSet`] groups rules and hands out an [`EqlEvaluator`]
//! implementing [`crate::rules::api::Evaluator`]. Case rules, arrays, missing fields and
//! sequence matching follow Elasticsearch (see `shared/reference/rule-languages.md` §1).

mod ast;
mod candidate;
mod compile_cond;
mod cond;
mod conjunct_order;
mod doc_view;
mod error;
mod evaluator;
mod field_tree;
mod functions;
mod glob;
mod key_print;
mod lex_string;
mod lexer;
mod literal_hash;
mod parse_expr;
mod parse_sequence;
mod parser;
mod pipes;
mod prefilter;
mod query;
mod resolve;
mod ruleset;
mod sample;
mod script;
mod sequence;
mod slots;
#[cfg(test)]
mod tests_shared_dispatch;
mod text;
mod text_table;
mod time;
mod value;
mod wildcard;
mod wildcard_list;

pub use error::EqlError;
pub use evaluator::EqlEvaluator;
pub use query::{EqlQuery, compile};
pub use ruleset::EqlRuleSet;
pub use time::time_value;
