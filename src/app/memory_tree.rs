//! Process trees for the in-memory source, built from process-start events.
//!
//! Links use `process.entity_id` → `process.parent.entity_id`; when ids are missing
//! (Security 4688) the parent is the latest process with the parent's pid on the same
//! host that started before the child. Ancestors without a start event are made up from
//! the child's `process.parent.*` fields, so the chain never breaks.

use crate::model::process::{ProcessNode, ProcessTree};
use crate::model::{Alert, Event};
use std::collections::HashMap;

fn is_process_start(e: &Event) -> bool {
    let has = |field: &str, want: &str| {
        let mut hit = false;
        crate::model::fields::for_each_scalar(&e.doc, field, &mut |v| {
            hit |= v.as_str() == Some(want);
        });
        hit
    };
    has("event.category", "process") && has("event.type", "start")
}

fn pid_of(e: &Event, field: &str) -> Option<u64> {
    let v = e.get(field)?;
    v.as_u64().or_else(|| v.as_str()?.parse().ok())
}

fn node_key(e: &Event) -> String {
    e.str_field("process.entity_id").map_or_else(
        || {
            format!(
                "{}|{}|{}",
                e.str_field("host.name").unwrap_or(""),
                pid_of(e, "process.pid").unwrap_or(0),
                e.timestamp_ms
            )
        },
        str::to_string,
    )
}

/// Builds the tree around the alert's process from `events` (all events, oldest first).
pub fn build(alert: &Alert, events: &[Event], alerts: &[Alert]) -> Result<ProcessTree, String> {
    let host = alert.host.as_deref();
    let starts: Vec<&Event> = events
        .iter()
        .filter(|e| e.str_field("host.name") == host && is_process_start(e))
        .collect();
    let mut nodes: Vec<ProcessNode> = Vec::with_capacity(starts.len());
    let mut by_key: HashMap<String, usize> = HashMap::new();
    for e in &starts {
        let key = node_key(e);
        by_key.insert(key.clone(), nodes.len());
        nodes.push(ProcessNode {
            key,
            event_id: Some(e.id.clone()),
            name: e.str_field("process.name").map(str::to_string),
            executable: e.str_field("process.executable").map(str::to_string),
            command_line: e.str_field("process.command_line").map(str::to_string),
            pid: pid_of(e, "process.pid"),
            user: e.str_field("user.name").map(str::to_string),
            start_ms: Some(e.timestamp_ms),
            ..ProcessNode::default()
        });
    }
    // Link each start to its parent, inventing parents known only from the child.
    for (child, e) in starts.iter().enumerate() {
        let parent = match e.str_field("process.parent.entity_id") {
            Some(pk) => by_key.get(pk).copied(),
            None => pid_of(e, "process.parent.pid").and_then(|ppid| {
                (0..child).rev().find(|&i| {
                    nodes[i].pid == Some(ppid) && nodes[i].start_ms <= Some(e.timestamp_ms)
                })
            }),
        };
        let parent = parent.or_else(|| {
            let name = e.str_field("process.parent.name")?;
            let key = e
                .str_field("process.parent.entity_id")
                .map_or_else(|| format!("parent-of|{}", nodes[child].key), str::to_string);
            if let Some(&i) = by_key.get(&key) {
                return Some(i);
            }
            by_key.insert(key.clone(), nodes.len());
            nodes.push(ProcessNode {
                key,
                name: Some(name.to_string()),
                executable: e.str_field("process.parent.executable").map(str::to_string),
                command_line: e
                    .str_field("process.parent.command_line")
                    .map(str::to_string),
                pid: pid_of(e, "process.parent.pid"),
                ..ProcessNode::default()
            });
            Some(nodes.len() - 1)
        });
        if let Some(p) = parent.filter(|&p| p != child) {
            nodes[child].parent = Some(p);
            nodes[p].children.push(child);
        }
    }
    let focus_key = alert
        .process
        .as_ref()
        .and_then(|p| p.entity_id.clone())
        .or_else(|| {
            alert
                .event_ids
                .iter()
                .find_map(|id| starts.iter().find(|e| &e.id == id).map(|e| node_key(e)))
        })
        .ok_or_else(|| format!("alert {} has no process to show a tree for", alert.id))?;
    let focus = *by_key
        .get(&focus_key)
        .ok_or_else(|| format!("the start of process '{focus_key}' is not in the workspace"))?;
    count_events(&mut nodes, &by_key, events, host);
    mark_alerts(&mut nodes, &by_key, alerts);
    Ok(subtree_around(nodes, focus))
}

fn count_events(
    nodes: &mut [ProcessNode],
    by_key: &HashMap<String, usize>,
    events: &[Event],
    host: Option<&str>,
) {
    for e in events.iter().filter(|e| e.str_field("host.name") == host) {
        if is_process_start(e) {
            continue;
        }
        if let Some(&i) = e.str_field("process.entity_id").and_then(|k| by_key.get(k)) {
            nodes[i].event_count += 1;
        }
    }
}

fn mark_alerts(nodes: &mut [ProcessNode], by_key: &HashMap<String, usize>, alerts: &[Alert]) {
    let by_event: HashMap<&str, usize> = nodes
        .iter()
        .enumerate()
        .filter_map(|(i, n)| n.event_id.as_deref().map(|e| (e, i)))
        .collect();
    let mut marks: Vec<(usize, String, crate::model::Severity)> = Vec::new();
    for a in alerts {
        let idx = a
            .process
            .as_ref()
            .and_then(|p| p.entity_id.as_deref())
            .and_then(|k| by_key.get(k).copied())
            .or_else(|| {
                a.event_ids
                    .iter()
                    .find_map(|id| by_event.get(id.as_str()).copied())
            });
        if let Some(i) = idx {
            marks.push((i, a.id.clone(), a.severity));
        }
    }
    for (i, id, sev) in marks {
        let worse = nodes[i].alert.as_ref().is_none_or(|(_, s)| sev > *s);
        if worse {
            nodes[i].alert = Some((id, sev));
        }
    }
}

/// Keeps the focus's root and everything under it, renumbering the nodes.
fn subtree_around(nodes: Vec<ProcessNode>, focus: usize) -> ProcessTree {
    let mut root = focus;
    let mut guard = 0;
    while let Some(p) = nodes[root].parent {
        root = p;
        guard += 1;
        if guard > nodes.len() {
            break;
        }
    }
    let mut keep = Vec::new();
    let mut stack = vec![root];
    let mut seen = vec![false; nodes.len()];
    while let Some(i) = stack.pop() {
        if std::mem::replace(&mut seen[i], true) {
            continue;
        }
        keep.push(i);
        stack.extend(nodes[i].children.iter().rev());
    }
    let mut new_index = vec![usize::MAX; nodes.len()];
    for (n, &old) in keep.iter().enumerate() {
        new_index[old] = n;
    }
    let remap = |i: usize| new_index.get(i).copied().filter(|&n| n != usize::MAX);
    let out: Vec<ProcessNode> = keep
        .iter()
        .map(|&old| {
            let mut n = nodes[old].clone();
            n.parent = n.parent.and_then(remap);
            n.children = n.children.iter().filter_map(|&c| remap(c)).collect();
            n
        })
        .collect();
    ProcessTree {
        nodes: out,
        root: 0,
        focus: remap(focus).unwrap_or(0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn start(id: &str, ts: i64, pid: u64, ppid: u64, name: &str, parent: &str) -> Event {
        let doc = json!({
            "event": {"category": ["process"], "type": ["start"], "code": "4688"},
            "host": {"name": "DC1"},
            "process": {"name": name, "pid": pid, "parent": {"pid": ppid, "name": parent}}
        });
        Event {
            id: id.into(),
            timestamp_ms: ts,
            original: doc.to_string(),
            doc,
        }
    }

    #[test]
    fn security_4688_without_entity_ids_links_by_pid_and_time() {
        // pid 100 is reused: the second cmd.exe (t=50) is net.exe's parent, not the first.
        let events = vec![
            start("e1", 10, 100, 4, "cmd.exe", "services.exe"),
            start("e2", 20, 200, 100, "whoami.exe", "cmd.exe"),
            start("e3", 50, 100, 4, "cmd.exe", "services.exe"),
            start("e4", 60, 300, 100, "net.exe", "cmd.exe"),
        ];
        let alert: Alert = serde_json::from_value(json!({
            "id": "a", "rule_id": "r", "rule_name": "r", "rule_kind": "eql", "severity": "high",
            "risk_score": 73, "mitre": [], "timestamp_ms": 60, "host": "DC1", "user": null,
            "process": null, "event_ids": ["e4"], "fields": {}, "fp_suggestions": []
        }))
        .unwrap();
        let tree = build(&alert, &events, std::slice::from_ref(&alert)).unwrap();
        let focus = &tree.nodes[tree.focus];
        assert_eq!(focus.name.as_deref(), Some("net.exe"));
        assert_eq!(focus.alert.as_ref().map(|(id, _)| id.as_str()), Some("a"));
        let parent = &tree.nodes[focus.parent.unwrap()];
        assert_eq!(
            parent.start_ms,
            Some(50),
            "linked to the later cmd.exe with pid 100"
        );
        let root = &tree.nodes[tree.root];
        assert_eq!(
            root.name.as_deref(),
            Some("services.exe"),
            "made up from the child's parent fields"
        );
        assert!(root.event_id.is_none());
    }
}
