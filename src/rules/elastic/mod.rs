//! Elastic detection rules (the detection-rules TOML format): loading, validation,
//! and evaluation of eql, query (KQL), threshold and new_terms rules.
//!
//! `load_rule` turns one file into an [`ElasticRule`] (metadata, status, compiled query)
//! or diagnostics; [`ElasticRuleSet`] evaluates many together. Types vigil cannot run
//! locally (esql, machine_learning, threat_match, lucene...) load with the reason.

mod compile;
mod datemath;
mod diag;
mod filters;
mod load;
mod meta;
mod new_terms;
mod raw;
mod ruleset;
mod terms;
mod threshold;

#[cfg(test)]
mod tests_corpus;
#[cfg(test)]
mod tests_eval;
#[cfg(test)]
mod tests_load;
#[cfg(test)]
mod tests_real_rules;
#[cfg(test)]
mod tests_time_override;
#[cfg(test)]
mod tests_winlogbeat;

pub use datemath::window_ms;
pub use load::{load_rule, rule_kind};
pub use new_terms::NewTermsSpec;
pub use ruleset::{ElasticEvaluator, ElasticRuleSet, ListedRule};
pub use threshold::ThresholdSpec;

use crate::model::RuleMeta;
use crate::rules::api::RuleStatus;
use crate::rules::eql::EqlQuery;
use crate::rules::kql::KqlQuery;

/// A loaded Elastic rule.
#[derive(Debug)]
pub struct ElasticRule {
    pub meta: RuleMeta,
    pub status: RuleStatus,
    pub query: CompiledQuery,
    /// `type` as written (`eql`, `query`, `threshold`, `esql`...).
    pub rule_type: String,
    /// `language` as written, if any.
    pub language: Option<String>,
    pub index: Vec<String>,
    pub author: Vec<String>,
    pub license: Option<String>,
    /// The field read as event time (windows, ordering, alert time), falling back to
    /// the event's own time when an event lacks it.
    pub timestamp_override: Option<String>,
    /// The look-back window from `from` (default now-6m), in ms.
    pub look_back_ms: i64,
    /// `[transform]` as written (fills `$investigate_N` / `$osquery_N` in the guide).
    pub transform: Option<serde_json::Value>,
    /// `[metadata]` as written.
    pub metadata: Option<serde_json::Value>,
}

/// The evaluable form of a rule's query.
#[derive(Debug)]
pub enum CompiledQuery {
    Eql(EqlQuery),
    Kql(KqlQuery),
    Threshold {
        query: KqlQuery,
        spec: ThresholdSpec,
    },
    NewTerms {
        query: KqlQuery,
        spec: NewTermsSpec,
    },
    /// Nothing to evaluate (the status says why).
    None,
}
