//! Turning a rule match into an alert record.
//!
//! The alert copies what the queue and the case notes show without touching the index
//! again: host, user, the process and its parent. For sequences and correlations the
//! last event that carries a field wins, because it is the one closest to the alert time.

use crate::model::alert::alert_id;
use crate::model::fields::{first_str, get};
use crate::model::{Alert, ProcessSummary, RuleMeta};
use crate::rules::api::RuleMatch;
use serde_json::Value;

/// Builds the alert for `m`. `docs` are the documents of the matched events that could be
/// found, in match order (any may be missing without harm).
pub fn build_alert(meta: &RuleMeta, m: &RuleMatch, docs: &[&Value]) -> Alert {
    let event_ids: Vec<String> = m.events.iter().map(|(id, _)| id.clone()).collect();
    let timestamp_ms = m.events.iter().map(|(_, ts)| *ts).max().unwrap_or_default();
    let last_str = |path: &str| -> Option<String> {
        docs.iter()
            .rev()
            .filter_map(|d| first_str(d, path))
            .find(|s| !s.is_empty() && *s != "-")
            .map(str::to_string)
    };
    let user = match (last_str("user.domain"), last_str("user.name")) {
        (Some(domain), Some(name)) => Some(format!("{domain}\\{name}")),
        (None, Some(name)) => Some(name),
        _ => None,
    };
    let process = docs
        .iter()
        .rev()
        .find(|d| get(d, "process").is_some())
        .map(|d| process_summary(d));
    let mut fields = m.fields.clone();
    if let Some(target) = last_str("user.target.name") {
        fields.entry("TargetUser".into()).or_insert(target);
    }
    Alert {
        id: alert_id(&meta.id, &event_ids),
        rule_id: meta.id.clone(),
        rule_name: meta.name.clone(),
        rule_kind: meta.kind,
        severity: meta.severity,
        risk_score: meta.risk_score,
        mitre: meta.mitre.clone(),
        timestamp_ms,
        host: last_str("host.name"),
        user,
        process,
        event_ids,
        fields,
        fp_suggestions: Vec::new(),
        suppressed_by: None,
    }
}

fn process_summary(doc: &Value) -> ProcessSummary {
    let s = |path: &str| first_str(doc, path).map(str::to_string);
    ProcessSummary {
        name: s("process.name"),
        executable: s("process.executable"),
        command_line: s("process.command_line"),
        pid: get(doc, "process.pid").and_then(Value::as_u64),
        entity_id: s("process.entity_id"),
        parent_name: s("process.parent.name"),
        parent_executable: s("process.parent.executable"),
        parent_command_line: s("process.parent.command_line"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{RuleKind, RuleOrigin, Severity};
    use serde_json::json;
    use std::collections::BTreeMap;

    fn meta() -> RuleMeta {
        RuleMeta {
            id: "r1".into(),
            name: "User Account Creation".into(),
            description: String::new(),
            kind: RuleKind::Eql,
            origin: RuleOrigin::BuiltIn("x.toml".into()),
            severity: Severity::Low,
            risk_score: 21,
            mitre: vec![],
            guide: None,
            setup: None,
            false_positives: vec![],
            tags: vec![],
            references: vec![],
            triage: Default::default(),
        }
    }

    #[test]
    fn sequence_alert_takes_latest_fields_and_all_events() {
        let first = json!({"host": {"name": "WS6"}, "user": {"name": "alice", "domain": "CORP"},
            "process": {"name": "net.exe", "pid": 42, "command_line": "net user x y /add",
                        "parent": {"name": "cmd.exe"}}});
        let second = json!({"host": {"name": "WS6"}, "user": {"name": "-"},
            "user.target": {"name": "x"}});
        let m = RuleMatch {
            rule_id: "r1".into(),
            events: vec![("a".into(), 10), ("b".into(), 20)],
            fields: BTreeMap::new(),
        };
        let alert = build_alert(&meta(), &m, &[&first, &second]);
        assert_eq!(alert.event_ids, ["a", "b"]);
        assert_eq!(alert.timestamp_ms, 20);
        assert_eq!(alert.host.as_deref(), Some("WS6"));
        // "-" is Windows' way of saying "no value": the earlier real user wins.
        assert_eq!(alert.user.as_deref(), Some("CORP\\alice"));
        let p = alert.process.expect("process");
        assert_eq!(p.name.as_deref(), Some("net.exe"));
        assert_eq!(p.pid, Some(42));
        assert_eq!(p.parent_name.as_deref(), Some("cmd.exe"));
        assert_eq!(alert.fields["TargetUser"], "x");
        assert_eq!(alert.id, alert_id("r1", &["a".into(), "b".into()]));
    }
}
