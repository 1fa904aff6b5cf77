//! The analyst's vocabulary: status, classification and the state of one alert's triage.
//!
//! Closing reasons follow what analysts know from Elastic (closing reasons), Sentinel
//! (classifications) and Defender (determinations).

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    #[default]
    Open,
    Acknowledged,
    Closed,
}

/// Why a false positive is one: the rule logic is wrong, or the data is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FalsePositiveKind {
    IncorrectRuleLogic,
    IncorrectData,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "class", content = "kind", rename_all = "snake_case")]
pub enum Classification {
    TruePositive,
    /// Expected activity: the rule was right, the behaviour is legitimate.
    BenignPositive,
    FalsePositive(FalsePositiveKind),
    Duplicate,
    Undetermined,
}

/// The state of one checklist step (a step of the rule's guide).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct StepState {
    pub done: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_ms: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Comment {
    pub by: String,
    pub at_ms: i64,
    pub text: String,
}

/// One line of an alert's audit trail: who changed what, when, from what, to what.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub by: String,
    pub at_ms: i64,
    /// What changed: `status`, `classification`, `reason`, `step:<id>`, `comment`, `exception`.
    pub what: String,
    pub from: Option<String>,
    pub to: Option<String>,
}

/// Everything the analyst decided about one alert, keyed by the alert's stable id.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct AlertTriage {
    pub status: Status,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub classification: Option<Classification>,
    /// For false positives: a rule's `FpCategory::id`, or free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The exception that closed this alert, if one did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exception_id: Option<String>,
    /// Checklist state by step id.
    #[serde(default)]
    pub steps: BTreeMap<String, StepState>,
    #[serde(default)]
    pub comments: Vec<Comment>,
    #[serde(default)]
    pub audit: Vec<AuditEntry>,
}
