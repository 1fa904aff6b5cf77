//! The data the interface consumes, behind one small synchronous trait.
//!
//! The interface does not know about tantivy, rule engines or the triage store: the lead
//! implements [`TriageSource`] over the real workspace, and [`crate::app::memory`] keeps
//! everything in memory for tests, snapshots and the demo example.

use crate::model::process::ProcessTree;
use crate::model::triage::{AlertTriage, Classification, Status};
use crate::model::{Alert, Event, RuleMeta};

/// Events on one host in a time window, filtered with the `vigil search` query syntax.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimelineQuery {
    pub host: Option<String>,
    pub from_ms: i64,
    pub to_ms: i64,
    /// Empty means every event in the window.
    pub query: String,
    pub limit: usize,
}

/// One change an analyst makes to alerts; the source appends it to each alert's audit
/// trail as `by` at `at_ms`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TriageChange {
    Status(Status),
    /// Closes the alert with a classification and, for false positives, a reason
    /// (a rule's `FpCategory::id` or free text).
    Classify {
        classification: Classification,
        reason: Option<String>,
    },
    Comment(String),
}

pub trait TriageSource {
    /// Every alert in the workspace, suppressed ones included.
    fn alerts(&self) -> Vec<Alert>;
    fn rule(&self, rule_id: &str) -> Option<RuleMeta>;
    fn event(&self, event_id: &str) -> Option<Event>;
    /// Events oldest first, at most `limit`. `Err` carries a message for the analyst
    /// (for example a query syntax error, quoting the query).
    fn timeline(&self, query: &TimelineQuery) -> Result<Vec<Event>, String>;
    fn process_tree(&self, alert: &Alert) -> Result<ProcessTree, String>;
    /// The analyst's decisions on one alert (default state when there are none).
    fn triage(&self, alert_id: &str) -> AlertTriage;
    /// Applies a change to each alert, durably, before returning.
    fn apply(
        &mut self,
        alert_ids: &[String],
        change: &TriageChange,
        by: &str,
        at_ms: i64,
    ) -> Result<(), String>;
    /// Re-reads the workspace after a background job (import, detection) changed it.
    fn refresh(&mut self) -> Result<(), String> {
        Ok(())
    }
}
