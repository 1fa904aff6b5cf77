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

/// A timeline read that runs on another thread, so the keystroke that asked for it
/// returns at once (see [`TriageSource::timeline_read`]).
pub type TimelineRead = Box<dyn FnOnce() -> Result<Vec<Event>, String> + Send>;

/// Ancestors of the alert's process the interface's tree reads at first; a longer chain
/// ends in a row saying that older ancestors were not read, and a key reads them all.
/// 200 keeps the tree within its 50 ms budget while showing far more of the chain than
/// a screen holds.
pub const ANCESTORS_SHOWN: usize = 200;

/// A process tree as the interface shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShownTree {
    pub tree: ProcessTree,
    /// Set when the ancestors stop short of the root: older ones were not read.
    pub more_ancestors: Option<MoreAncestors>,
}

/// Where a tree's ancestors were cut short.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MoreAncestors {
    /// The topmost node: the oldest ancestor read's parent, known from that ancestor's
    /// `process.parent.*` fields; its own start and everything above it were not read.
    pub node: usize,
    /// Ancestors read (below `node`).
    pub read: usize,
}

/// A process-tree read that runs on another thread (see [`TriageSource::tree_read`]).
pub type TreeRead = Box<dyn FnOnce() -> Result<ShownTree, String> + Send>;

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
    /// The same read as [`TriageSource::timeline`], packaged to run on another thread:
    /// sources whose reads can take longer than a keystroke's budget return it, and the
    /// interface shows the timeline as "reading…" until it is done. `None` (the default)
    /// reads synchronously.
    fn timeline_read(&self, _query: &TimelineQuery) -> Option<TimelineRead> {
        None
    }
    fn process_tree(&self, alert: &Alert) -> Result<ProcessTree, String>;
    /// The tree the interface shows: [`TriageSource::process_tree`], except that unless
    /// `all_ancestors` is set a source may stop reading ancestors after
    /// [`ANCESTORS_SHOWN`] and say so in `more_ancestors`. The default reads them all.
    fn shown_tree(&self, alert: &Alert, _all_ancestors: bool) -> Result<ShownTree, String> {
        self.process_tree(alert).map(|tree| ShownTree {
            tree,
            more_ancestors: None,
        })
    }
    /// [`TriageSource::shown_tree`] packaged to run on another thread; `None` (the
    /// default) reads synchronously.
    fn tree_read(&self, _alert: &Alert, _all_ancestors: bool) -> Option<TreeRead> {
        None
    }
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
    /// Makes every decision recorded so far durable (the interface calls it on quit);
    /// `Err` names what could not be written.
    fn close(&mut self) -> Result<(), String> {
        Ok(())
    }
    /// Re-reads the workspace after a background job (import, detection) changed it.
    fn refresh(&mut self) -> Result<(), String> {
        Ok(())
    }
}
