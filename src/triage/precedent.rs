//! Precedent: the last disposition given to another alert of the same rule for the same
//! host and user, shown in the queue so repeated benign activity is recognised at once.
//! Built once over all alerts (two best per key), then looked up per row in O(1).

use crate::model::Alert;
use crate::model::triage::Classification;
use crate::store::Store;
use std::collections::HashMap;

/// A previous decision on a similar alert.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Precedent {
    pub alert_id: String,
    pub classification: Classification,
    pub reason: Option<String>,
    pub by: String,
    pub at_ms: i64,
}

type Key = (String, Option<String>, Option<String>);

/// The latest two classified alerts per (rule, host, user).
#[derive(Debug, Default)]
pub struct PrecedentIndex {
    best: HashMap<Key, [Option<Precedent>; 2]>,
}

impl PrecedentIndex {
    pub fn build(alerts: &[Alert], store: &Store) -> PrecedentIndex {
        let mut best: HashMap<Key, [Option<Precedent>; 2]> = HashMap::new();
        for a in alerts {
            let Some(t) = store.peek(&a.id) else { continue };
            let Some(classification) = t.classification else {
                continue;
            };
            let decided = t.audit.iter().rev().find(|e| e.what == "classification");
            let p = Precedent {
                alert_id: a.id.clone(),
                classification,
                reason: t.reason.clone(),
                by: decided.map(|e| e.by.clone()).unwrap_or_default(),
                at_ms: decided.map_or(i64::MIN, |e| e.at_ms),
            };
            let slot = best.entry(key(a)).or_default();
            let newer = |cur: &Option<Precedent>| cur.as_ref().is_none_or(|c| p.at_ms > c.at_ms);
            if newer(&slot[0]) {
                slot[1] = slot[0].take();
                slot[0] = Some(p);
            } else if newer(&slot[1]) {
                slot[1] = Some(p);
            }
        }
        PrecedentIndex { best }
    }

    /// The latest decision on another alert with the same rule, host and user.
    pub fn for_alert(&self, alert: &Alert) -> Option<&Precedent> {
        let slot = self.best.get(&key(alert))?;
        slot.iter().flatten().find(|p| p.alert_id != alert.id)
    }
}

fn key(a: &Alert) -> Key {
    (a.rule_id.clone(), a.host.clone(), a.user.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Change;
    use crate::testutil::{T0, alert};

    #[test]
    fn latest_other_decision_is_the_precedent() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(dir.path()).unwrap();
        let alerts = vec![
            alert("a1", "WS6", "bob", T0),
            alert("a2", "WS6", "bob", T0 + 1),
            alert("a3", "WS6", "bob", T0 + 2),
            alert("b1", "WS7", "bob", T0),
        ];
        let classify = |c| Change::Classify {
            classification: c,
            reason: None,
        };
        s.apply("a1", classify(Classification::TruePositive), "ann", 10)
            .unwrap();
        s.apply("a2", classify(Classification::BenignPositive), "bob", 20)
            .unwrap();
        let idx = PrecedentIndex::build(&alerts, &s);
        let of = |i: usize| {
            idx.for_alert(&alerts[i])
                .map(|p| (p.alert_id.as_str(), p.by.as_str()))
        };
        assert_eq!(of(2), Some(("a2", "bob")));
        assert_eq!(
            of(1),
            Some(("a1", "ann")),
            "an alert is not its own precedent"
        );
        assert_eq!(of(3), None);
    }
}
