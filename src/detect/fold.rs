//! Folds the alert of a child process into its parent's alert when the child only repeats
//! the parent's work: net.exe always starts net1.exe with the same arguments, so one
//! `net user x /add` would otherwise raise two alerts for one action (seed 002 drops the
//! net1.exe row for the same reason).

use crate::model::fields::{first_str, for_each_scalar, get, scalar_text};
use crate::model::{Alert, RuleMeta};
use serde_json::Value;
use std::collections::{HashMap, HashSet};

/// Field listing the ids of alerts folded into an alert (comma separated).
pub const FOLDED_ALERTS_FIELD: &str = "FoldedAlertIds";

/// How long after its parent's start a child identified only by pid may start.
const PID_MATCH_WINDOW_MS: i64 = 60_000;

struct ProcessKey {
    host: String,
    entity_id: Option<String>,
    parent_entity_id: Option<String>,
    pid: Option<u64>,
    parent_pid: Option<u64>,
    /// Arguments after the program itself, lower-cased.
    args_tail: Vec<String>,
}

impl ProcessKey {
    fn from_doc(doc: &Value) -> Self {
        let lower = |path| first_str(doc, path).map(str::to_lowercase);
        let number = |path| match get(doc, path) {
            Some(Value::Number(n)) => n.as_u64(),
            Some(Value::String(s)) => s.trim().parse().ok(),
            _ => None,
        };
        let mut args = Vec::new();
        for_each_scalar(doc, "process.args", &mut |v| {
            if let Some(text) = scalar_text(v) {
                args.push(text.to_lowercase());
            }
        });
        if args.is_empty()
            && let Some(cmd) = first_str(doc, "process.command_line")
        {
            args = cmd.split_whitespace().map(str::to_lowercase).collect();
        }
        Self {
            host: lower("host.name").unwrap_or_default(),
            entity_id: lower("process.entity_id"),
            parent_entity_id: lower("process.parent.entity_id"),
            pid: number("process.pid"),
            parent_pid: number("process.parent.pid"),
            args_tail: args.into_iter().skip(1).collect(),
        }
    }
}

/// Merges each alert whose rule has `fold_into_parent` and whose process was started by
/// the process of another alert of the same rule, on the same host, with the same
/// arguments, into that parent alert: the child's event ids are appended to the parent's,
/// its suggestions and missing fields are added, and the parent keeps its id. The parent
/// is found by `process.parent.entity_id`, or by parent pid when entity ids are missing
/// (the parent having started at most a minute before). Other alerts pass through in
/// their original order.
pub fn fold_into_parents<'a>(
    alerts: Vec<(Alert, Value)>,
    metas: impl IntoIterator<Item = &'a RuleMeta>,
) -> Vec<Alert> {
    let folding: HashSet<&str> = metas
        .into_iter()
        .filter(|m| m.triage.fold_into_parent)
        .map(|m| m.id.as_str())
        .collect();
    let keys: Vec<Option<ProcessKey>> = alerts
        .iter()
        .map(|(alert, doc)| {
            folding
                .contains(alert.rule_id.as_str())
                .then(|| ProcessKey::from_doc(doc))
        })
        .collect();

    let mut by_entity: HashMap<(&str, &str, &str), usize> = HashMap::new();
    let mut by_pid: HashMap<(&str, &str, u64), Vec<usize>> = HashMap::new();
    for (i, key) in keys.iter().enumerate() {
        let Some(key) = key else { continue };
        let rule = alerts[i].0.rule_id.as_str();
        if let Some(entity) = &key.entity_id {
            by_entity.entry((rule, &key.host, entity)).or_insert(i);
        }
        if let Some(pid) = key.pid {
            by_pid.entry((rule, &key.host, pid)).or_default().push(i);
        }
    }

    let parent_of: Vec<Option<usize>> = keys
        .iter()
        .enumerate()
        .map(|(i, key)| {
            let key = key.as_ref()?;
            let rule = alerts[i].0.rule_id.as_str();
            let candidate = match &key.parent_entity_id {
                Some(parent) if key.entity_id.is_some() => by_entity
                    .get(&(rule, key.host.as_str(), parent.as_str()))
                    .copied(),
                _ => key.parent_pid.and_then(|ppid| {
                    let child_ts = alerts[i].0.timestamp_ms;
                    by_pid
                        .get(&(rule, key.host.as_str(), ppid))?
                        .iter()
                        .copied()
                        .filter(|&p| {
                            let parent_ts = alerts[p].0.timestamp_ms;
                            p != i
                                && parent_ts <= child_ts
                                && child_ts - parent_ts <= PID_MATCH_WINDOW_MS
                        })
                        .max_by_key(|&p| alerts[p].0.timestamp_ms)
                }),
            }?;
            let parent_key = keys[candidate].as_ref()?;
            (candidate != i && parent_key.args_tail == key.args_tail).then_some(candidate)
        })
        .collect();

    // Follow chains to the topmost alert; a cycle (impossible in real data) stops the walk.
    let root_of = |mut i: usize| {
        let mut steps = 0;
        while let Some(p) = parent_of[i] {
            i = p;
            steps += 1;
            if steps > parent_of.len() {
                break;
            }
        }
        i
    };
    let roots: Vec<usize> = (0..alerts.len()).map(root_of).collect();

    let mut slots: Vec<Option<Alert>> = alerts.into_iter().map(|(a, _)| Some(a)).collect();
    for child in 0..slots.len() {
        let root = roots[child];
        if root == child {
            continue;
        }
        let Some(child_alert) = slots[child].take() else {
            continue;
        };
        if let Some(parent) = slots[root].as_mut() {
            merge(parent, child_alert);
        }
    }
    slots.into_iter().flatten().collect()
}

fn merge(parent: &mut Alert, child: Alert) {
    for id in child.event_ids {
        if !parent.event_ids.contains(&id) {
            parent.event_ids.push(id);
        }
    }
    for suggestion in child.fp_suggestions {
        if !parent.fp_suggestions.contains(&suggestion) {
            parent.fp_suggestions.push(suggestion);
        }
    }
    for (name, value) in child.fields {
        parent.fields.entry(name).or_insert(value);
    }
    let folded = parent
        .fields
        .entry(FOLDED_ALERTS_FIELD.to_string())
        .or_default();
    if !folded.is_empty() {
        folded.push(',');
    }
    folded.push_str(&child.id);
    if child.severity > parent.severity {
        parent.severity = child.severity;
    }
    parent.risk_score = parent.risk_score.max(child.risk_score);
}

#[cfg(test)]
#[path = "fold_tests.rs"]
mod tests;
