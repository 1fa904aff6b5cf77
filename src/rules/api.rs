//! The contract between the rule engines (EQL, KQL, Sigma, thresholds...) and the
//! detection driver that feeds them events and turns their matches into alerts.
//!
//! Engines are pure: they see events, keep whatever bounded state their semantics need
//! (sequence windows, correlation buckets), and report matches. They never touch the
//! index, the terminal or the file system.

use crate::model::{Event, RuleMeta};
use std::collections::BTreeMap;

/// One rule firing on one or more events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleMatch {
    pub rule_id: String,
    /// Matched events as (event id, timestamp ms), in time order; ties by event id.
    pub events: Vec<(String, i64)>,
    /// Values the engine computed for the alert: group-by values of a correlation,
    /// a threshold count, the new terms seen...
    pub fields: BTreeMap<String, String>,
}

/// A compiled rule set being evaluated over a stream of events.
///
/// Events may arrive in any order (files are imported in whatever order the user gives);
/// evaluation that depends on time (sequences, correlations, thresholds, new terms) must
/// buffer what it needs and decide in [`Evaluator::finish`] after sorting by
/// (timestamp, event id), so results never depend on file order.
pub trait Evaluator {
    /// Sees one event. Single-event rules push their matches here.
    fn on_event(&mut self, event: &Event, out: &mut Vec<RuleMatch>);
    /// No more events: push the matches of time-dependent rules.
    fn finish(&mut self, out: &mut Vec<RuleMatch>);
    /// What this run could not evaluate in full (a buffer limit reached), one sentence
    /// each, worded for the analyst; asked after [`Evaluator::finish`]. Nothing by default.
    fn shortfalls(&self) -> Vec<String> {
        Vec::new()
    }
}

/// A rule ready to evaluate, whatever its language.
pub trait CompiledRuleSet: Send + Sync {
    /// Metadata of every rule that will be evaluated.
    fn rules(&self) -> Vec<&RuleMeta>;
    /// A fresh evaluator (its state lives for one detection run).
    fn evaluator(&self) -> Box<dyn Evaluator + '_>;
}

/// A problem found while loading or checking a rule file, worded for the analyst.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub path: String,
    /// 1-based; 0 when the problem is about the whole file.
    pub line: usize,
    /// 1-based; 0 when unknown.
    pub column: usize,
    pub message: String,
    /// How to fix it, when there is something to say.
    pub hint: Option<String>,
}

impl std::fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.path, self.line, self.column, self.message
        )?;
        if let Some(h) = &self.hint {
            write!(f, " (hint: {h})")?;
        }
        Ok(())
    }
}

/// Whether a loaded rule will be evaluated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RuleStatus {
    Ready,
    /// Loaded and listed, but not evaluated here, with the exact reason
    /// (for example "not evaluable locally: machine_learning").
    NotEvaluable(String),
}
