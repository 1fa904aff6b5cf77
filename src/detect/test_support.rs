//! Builders for alerts and rule metadata shared by the detect module's unit tests.

use crate::model::rule::{RuleKind, RuleOrigin, Severity, TriageHints};
use crate::model::{Alert, RuleMeta};
use std::collections::BTreeMap;

pub fn meta(id: &str, triage: TriageHints) -> RuleMeta {
    RuleMeta {
        id: id.to_string(),
        name: format!("rule {id}"),
        description: String::new(),
        kind: RuleKind::Sigma,
        origin: RuleOrigin::BuiltIn(format!("rules/sigma/{id}.yml")),
        severity: Severity::Low,
        risk_score: 21,
        mitre: Vec::new(),
        guide: None,
        setup: None,
        false_positives: Vec::new(),
        tags: Vec::new(),
        references: Vec::new(),
        triage,
    }
}

pub fn alert(id: &str, rule_id: &str, ts: i64, event_id: &str) -> Alert {
    Alert {
        id: id.to_string(),
        rule_id: rule_id.to_string(),
        rule_name: format!("rule {rule_id}"),
        rule_kind: RuleKind::Sigma,
        severity: Severity::Low,
        risk_score: 21,
        mitre: Vec::new(),
        timestamp_ms: ts,
        host: None,
        user: None,
        process: None,
        event_ids: vec![event_id.to_string()],
        fields: BTreeMap::new(),
        fp_suggestions: Vec::new(),
        suppressed_by: None,
    }
}
