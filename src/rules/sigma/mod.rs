//! The Sigma engine: loading Sigma YAML (rules, collections, correlations, filters),
//! compiling detections with full modifier semantics, mapping Sigma fields onto
//! vigil's stored documents, and evaluating everything through one [`SigmaRuleSet`].

mod candidates;
mod codes;
mod compile;
mod condition;
mod correlation;
mod dispatch;
mod doc_index;
mod encode;
mod eval;
mod evaluator;
pub mod explain;
mod facts;
pub mod fieldmap;
mod literals;
mod load;
pub mod logsource;
mod matcher;
mod memo;
mod meta;
mod mitre;
mod modifiers;
mod ruleset;
mod scan_cache;
mod shared;
mod signature;
mod time_parts;
mod value_tests;
mod values;
mod yaml;

pub use explain::explain;
pub use load::{LoadResult, LoadedFilter, LoadedRule, SigmaConfig, load_file, load_file_with};
pub use ruleset::{MAX_CANDIDATES_PER_CORRELATION, SigmaRuleSet};

#[cfg(test)]
mod tests_equivalence;
#[cfg(test)]
mod tests_shared;
