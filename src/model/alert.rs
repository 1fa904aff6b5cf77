//! An alert: one rule matching one event, or several for sequences and correlations.

use crate::model::rule::{MitreRef, RuleKind, Severity};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// The process an alert is about, copied from the matched event for the queue and export.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ProcessSummary {
    pub name: Option<String>,
    pub executable: Option<String>,
    pub command_line: Option<String>,
    pub pid: Option<u64>,
    pub entity_id: Option<String>,
    pub parent_name: Option<String>,
    pub parent_executable: Option<String>,
    pub parent_command_line: Option<String>,
}

/// A suggestion that an alert belongs to a known false-positive category, with the
/// evidence from the event that points there (for example the parent is an Ansible agent).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FpSuggestion {
    pub category: String,
    pub evidence: String,
}

/// An alert record. Its `id` is stable: the same rule over the same events always gives
/// the same id, so re-running detection never duplicates alerts and the analyst's
/// dispositions (kept elsewhere, keyed by this id) survive re-import.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Alert {
    pub id: String,
    pub rule_id: String,
    pub rule_name: String,
    pub rule_kind: RuleKind,
    pub severity: Severity,
    pub risk_score: u8,
    pub mitre: Vec<MitreRef>,
    /// Time of the (last) matched event, ms since the Unix epoch UTC.
    pub timestamp_ms: i64,
    pub host: Option<String>,
    pub user: Option<String>,
    pub process: Option<ProcessSummary>,
    /// Every matched event, in time order (all of them for sequences and correlations).
    pub event_ids: Vec<String>,
    /// Values a rule extracts for triage, e.g. `CreatedUser`, `SuspiciousParent`.
    pub fields: BTreeMap<String, String>,
    pub fp_suggestions: Vec<FpSuggestion>,
    /// Set when an exception matched at detection time: the alert is kept, but hidden
    /// by default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suppressed_by: Option<String>,
}

/// The stable alert id: SHA-256 over the rule id and the matched event ids, shortened.
pub fn alert_id(rule_id: &str, event_ids: &[String]) -> String {
    let mut h = Sha256::new();
    h.update(rule_id.as_bytes());
    for id in event_ids {
        h.update([0u8]);
        h.update(id.as_bytes());
    }
    let digest = h.finalize();
    hex::encode(&digest[..10])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alert_ids_are_stable_and_distinct() {
        let a = alert_id("r1", &["e1".into(), "e2".into()]);
        assert_eq!(a, alert_id("r1", &["e1".into(), "e2".into()]));
        assert_ne!(a, alert_id("r1", &["e2".into(), "e1".into()]));
        assert_ne!(a, alert_id("r2", &["e1".into(), "e2".into()]));
        // The separator keeps ("ab","c") and ("a","bc") apart.
        assert_ne!(
            alert_id("r", &["ab".into(), "c".into()]),
            alert_id("r", &["a".into(), "bc".into()])
        );
        assert_eq!(a.len(), 20);
    }
}
