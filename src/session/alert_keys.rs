//! The workspace's alerts with a look-up from the process entity ids and event ids they
//! name to the alerts, so marking a process tree's alerts reads the few alerts on its
//! processes instead of every alert in the workspace (tens of thousands: ~10 ms a tree).
//! Built once per alert set, on the thread that reads the alerts.

use crate::model::Alert;
use crate::model::process::ProcessTree;
use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};

/// Alerts in time order, with the look-up.
#[derive(Debug, Default)]
pub struct IndexedAlerts {
    pub list: Vec<Alert>,
    /// Hash of an entity id or event id -> the alerts naming it, in list order. A hash
    /// collision only adds a candidate, which `tree::mark_alerts` then checks exactly.
    by_key: HashMap<u64, Vec<u32>>,
}

fn key_hash(s: &str) -> u64 {
    let mut h = DefaultHasher::new();
    s.hash(&mut h);
    h.finish()
}

impl IndexedAlerts {
    pub fn new(list: Vec<Alert>) -> IndexedAlerts {
        let mut by_key: HashMap<u64, Vec<u32>> = HashMap::new();
        for (i, a) in list.iter().enumerate() {
            let i = u32::try_from(i).unwrap_or(u32::MAX);
            let entity = a.process.as_ref().and_then(|p| p.entity_id.as_deref());
            for key in entity
                .into_iter()
                .chain(a.event_ids.iter().map(String::as_str))
            {
                let slot = by_key.entry(key_hash(key)).or_default();
                if slot.last() != Some(&i) {
                    slot.push(i);
                }
            }
        }
        IndexedAlerts { list, by_key }
    }

    /// The alerts that may name a node of `tree` (its key or start event), in list order:
    /// `tree::mark_alerts` gives the same marks with them as with every alert.
    pub fn for_tree(&self, tree: &ProcessTree) -> Vec<Alert> {
        let mut found: Vec<u32> = tree
            .nodes
            .iter()
            .flat_map(|n| std::iter::once(n.key.as_str()).chain(n.event_id.as_deref()))
            .filter_map(|k| self.by_key.get(&key_hash(k)))
            .flatten()
            .copied()
            .collect();
        found.sort_unstable();
        found.dedup();
        found
            .into_iter()
            .filter_map(|i| self.list.get(i as usize).cloned())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::process::ProcessNode;
    use crate::model::{ProcessSummary, RuleKind, Severity};
    use crate::triage::tree::mark_alerts;

    fn alert(id: &str, entity: Option<&str>, events: &[&str], severity: Severity) -> Alert {
        Alert {
            id: id.into(),
            rule_id: "r".into(),
            rule_name: "R".into(),
            rule_kind: RuleKind::Eql,
            severity,
            risk_score: 50,
            mitre: Vec::new(),
            timestamp_ms: 0,
            host: None,
            user: None,
            process: entity.map(|e| ProcessSummary {
                entity_id: Some(e.into()),
                ..ProcessSummary::default()
            }),
            event_ids: events.iter().map(|e| e.to_string()).collect(),
            fields: std::collections::BTreeMap::new(),
            fp_suggestions: Vec::new(),
            suppressed_by: None,
        }
    }

    fn node(key: &str, event: Option<&str>) -> ProcessNode {
        ProcessNode {
            key: key.into(),
            event_id: event.map(str::to_string),
            ..ProcessNode::default()
        }
    }

    #[test]
    fn marks_equal_marking_every_alert() {
        use Severity::{Critical, High, Low, Medium};
        let alerts = vec![
            alert("a1", Some("p1"), &["e1"], Low),
            alert("a2", Some("p1"), &["e9"], High),
            alert("a3", None, &["e2"], Medium),
            alert("a4", Some("elsewhere"), &["e3"], Critical),
            // Same severity as a2 on the same node: the first one in order wins.
            alert("a5", Some("p1"), &[], High),
            // Entity id equal to a node's start event id.
            alert("a6", Some("e4"), &[], Medium),
            alert("a7", Some(""), &["zz", "e5"], Low),
            alert("a8", None, &[], Critical),
            alert("a9", Some("p2"), &["e3"], Low),
        ];
        let trees = [
            vec![node("p1", Some("e1")), node("p2", Some("e2"))],
            vec![
                node("", None),
                node("p3", Some("e3")),
                node("p4", Some("e4")),
            ],
            vec![node("p5", Some("e5")), node("nobody", None)],
            vec![],
        ];
        let indexed = IndexedAlerts::new(alerts.clone());
        for nodes in trees {
            let tree = ProcessTree {
                nodes,
                ..ProcessTree::default()
            };
            let (mut all, mut some) = (tree.clone(), tree.clone());
            mark_alerts(&mut all, &alerts);
            let candidates = indexed.for_tree(&tree);
            assert!(candidates.len() <= alerts.len());
            mark_alerts(&mut some, &candidates);
            assert_eq!(some, all);
        }
    }
}
