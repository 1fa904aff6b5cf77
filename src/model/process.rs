//! A process tree around one process, as built from process-start events.

use crate::model::rule::Severity;
use serde::{Deserialize, Serialize};

/// One process in a tree. Indices refer to `ProcessTree::nodes`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ProcessNode {
    /// `process.entity_id` where the source has one, else a key built from host, pid and
    /// start time (Security 4688 has no process GUID).
    pub key: String,
    /// The process-start event, when it is in the workspace (ancestors may be missing and
    /// are then known only from their child's `process.parent.*` fields).
    pub event_id: Option<String>,
    pub name: Option<String>,
    pub executable: Option<String>,
    pub command_line: Option<String>,
    pub pid: Option<u64>,
    pub user: Option<String>,
    pub start_ms: Option<i64>,
    pub parent: Option<usize>,
    pub children: Vec<usize>,
    /// Other events (not the start) that belong to this process.
    pub event_count: usize,
    /// The most severe alert on this process, if any: (alert id, severity).
    pub alert: Option<(String, Severity)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ProcessTree {
    pub nodes: Vec<ProcessNode>,
    /// The topmost known ancestor.
    pub root: usize,
    /// The alert's own process.
    pub focus: usize,
}
