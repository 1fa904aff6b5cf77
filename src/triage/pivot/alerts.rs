//! Pivots that target alerts (vigil's `"target": "alerts"`): ECS-style field names mapped
//! onto [`Alert`] fields, so a guide can ask for "other alerts for this host or user in
//! the past 48 hours" without an index query.

use super::{ClauseTest, Pivot};
use crate::model::Alert;
use std::borrow::Cow;

/// The values an alert has for an ECS-style field name. Unknown names fall back to the
/// rule-extracted `Alert::fields` (by exact key, or under `vigil.fields.`).
pub fn alert_values<'a>(alert: &'a Alert, field: &str) -> Vec<Cow<'a, str>> {
    let one = |v: Option<&'a String>| v.map(|s| Cow::Borrowed(s.as_str())).into_iter().collect();
    let process = alert.process.as_ref();
    match field {
        "host.name" | "host.hostname" => one(alert.host.as_ref()),
        "user.name" => one(alert.user.as_ref()),
        "rule.id" | "rule.uuid" | "kibana.alert.rule.rule_id" | "kibana.alert.rule.uuid" => {
            vec![Cow::Borrowed(alert.rule_id.as_str())]
        }
        "rule.name" | "kibana.alert.rule.name" => vec![Cow::Borrowed(alert.rule_name.as_str())],
        "kibana.alert.uuid" | "alert.id" | "_id" => vec![Cow::Borrowed(alert.id.as_str())],
        "kibana.alert.severity" | "event.severity" | "alert.severity" => {
            vec![Cow::Borrowed(alert.severity.as_str())]
        }
        "kibana.alert.risk_score" | "alert.risk_score" => {
            vec![Cow::Owned(alert.risk_score.to_string())]
        }
        "event.id" => alert
            .event_ids
            .iter()
            .map(|s| Cow::Borrowed(s.as_str()))
            .collect(),
        "process.name" => one(process.and_then(|p| p.name.as_ref())),
        "process.executable" => one(process.and_then(|p| p.executable.as_ref())),
        "process.command_line" => one(process.and_then(|p| p.command_line.as_ref())),
        "process.entity_id" => one(process.and_then(|p| p.entity_id.as_ref())),
        "process.pid" => process
            .and_then(|p| p.pid)
            .map(|pid| Cow::Owned(pid.to_string()))
            .into_iter()
            .collect(),
        "process.parent.name" => one(process.and_then(|p| p.parent_name.as_ref())),
        "process.parent.executable" => one(process.and_then(|p| p.parent_executable.as_ref())),
        "process.parent.command_line" => one(process.and_then(|p| p.parent_command_line.as_ref())),
        "threat.tactic.id" => mitre(alert, |m| m.tactic_id.as_ref()),
        "threat.technique.id" => mitre(alert, |m| m.technique_id.as_ref()),
        "threat.technique.subtechnique.id" => mitre(alert, |m| m.subtechnique_id.as_ref()),
        other => {
            let key = other.strip_prefix("vigil.fields.").unwrap_or(other);
            one(alert.fields.get(key))
        }
    }
}

fn mitre<'a>(
    alert: &'a Alert,
    pick: impl Fn(&'a crate::model::MitreRef) -> Option<&'a String>,
) -> Vec<Cow<'a, str>> {
    alert
        .mitre
        .iter()
        .filter_map(pick)
        .map(|s| Cow::Borrowed(s.as_str()))
        .collect()
}

/// Whether `alert` satisfies the pivot (time range inclusive, values compared exactly, as
/// Elastic's `phrase` does on keyword fields).
pub fn alert_matches(pivot: &Pivot, alert: &Alert) -> bool {
    if pivot.from_ms.is_some_and(|f| alert.timestamp_ms < f)
        || pivot.to_ms.is_some_and(|t| alert.timestamp_ms > t)
    {
        return false;
    }
    pivot.clauses.iter().any(|group| {
        group.iter().all(|c| {
            let values = alert_values(alert, &c.field);
            let hit = match &c.test {
                ClauseTest::Exists => !values.is_empty(),
                ClauseTest::Equals(want) => values.iter().any(|v| v == want),
            };
            hit != c.excluded
        })
    })
}

/// The alerts a pivot selects, in the order given. A pivot that cannot run selects none.
pub fn matching<'a>(pivot: &Pivot, alerts: &'a [Alert]) -> Vec<&'a Alert> {
    alerts.iter().filter(|a| alert_matches(pivot, a)).collect()
}
