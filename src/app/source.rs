//! The data the interface consumes, behind one small synchronous trait.
//!
//! The interface does not know about tantivy, rule engines or the triage store: the lead
//! implements [`TriageSource`] over the real workspace, and [`crate::app::memory`] keeps
//! everything in memory for tests, snapshots and the demo example.

use crate::app::casework::{Checklist, ExceptionDraft, ExceptionPreview};
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
    /// Ticks or unticks a checklist step; `note` replaces the step's note when set.
    Step {
        step_id: String,
        done: bool,
        note: Option<String>,
    },
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
    /// The rule's guide as a checklist for `alert`, pivots resolved and counted.
    fn checklist(&self, alert: &Alert) -> Result<Checklist, String>;
    /// An exception prefilled from the alert (rule, host, user, executables, a
    /// command-line pattern), closing as the alert was classified.
    fn exception_draft(&self, alert: &Alert) -> ExceptionDraft;
    fn preview_exception(&self, draft: &ExceptionDraft) -> Result<ExceptionPreview, String>;
    /// Saves the exception and closes the open alerts it matches; returns its id and
    /// how many alerts were closed.
    fn save_exception(
        &mut self,
        draft: &ExceptionDraft,
        by: &str,
        at_ms: i64,
    ) -> Result<(String, usize), String>;
    /// Writes case notes for the alerts; returns where they went, for the status bar.
    fn export_case_notes(&self, alert_ids: &[String]) -> Result<String, String>;
    /// While the alerts are still being read in the background: what is happening, for
    /// the status line. `None` once they are all here (always, for eager sources).
    fn loading(&self) -> Option<String> {
        None
    }
    /// Takes in a finished background read; `Ok(true)` when the alerts just arrived (the
    /// interface then re-reads them through [`TriageSource::alerts`]).
    fn poll_loaded(&mut self) -> Result<bool, String> {
        Ok(false)
    }
    /// Re-reads the workspace after a background job (import, detection) changed it.
    fn refresh(&mut self) -> Result<(), String> {
        Ok(())
    }
}
