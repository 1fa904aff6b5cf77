//! Precedents without scanning every alert on each triage key: the alerts' fingerprints
//! (rule, host, user) are interned once per alert set, so recomputing the precedents
//! visits only the classified alerts and the members of their fingerprints, and nothing
//! at all while no alert is classified. `queue::precedents` stays the plain definition
//! the tests compare against.

use crate::app::queue_index::QueueIndex;
use crate::app::state::Precedent;
use crate::model::Alert;
use crate::model::triage::AlertTriage;
use std::collections::HashMap;

/// Every alert's fingerprint number and each fingerprint's members, in alert order.
#[derive(Debug, Clone, Default)]
pub struct Fingerprints {
    of_alert: Vec<u32>,
    members: Vec<Vec<u32>>,
}

impl Fingerprints {
    pub fn new(alerts: &[Alert]) -> Fingerprints {
        type Key<'a> = (&'a str, Option<&'a str>, Option<&'a str>);
        let mut ids: HashMap<Key, u32> = HashMap::new();
        let mut fp = Fingerprints {
            of_alert: Vec::with_capacity(alerts.len()),
            members: Vec::new(),
        };
        for (i, a) in alerts.iter().enumerate() {
            let next = u32::try_from(fp.members.len()).unwrap_or(u32::MAX);
            let n = *ids
                .entry((&a.rule_id, a.host.as_deref(), a.user.as_deref()))
                .or_insert(next);
            if n == next {
                fp.members.push(Vec::new());
            }
            fp.of_alert.push(n);
            if let Some(m) = fp.members.get_mut(n as usize) {
                m.push(u32::try_from(i).unwrap_or(u32::MAX));
            }
        }
        fp
    }

    pub fn is_for(&self, alerts: &[Alert]) -> bool {
        self.of_alert.len() == alerts.len()
    }
}

/// The same map as `queue::precedents`, computed through the index.
pub fn compute(
    index: &mut QueueIndex,
    alerts: &[Alert],
    triage: &HashMap<String, AlertTriage>,
) -> HashMap<String, Precedent> {
    let classified: Vec<(&str, Precedent)> = triage
        .iter()
        .filter_map(|(id, t)| Some((id.as_str(), Precedent::of(id, t)?)))
        .collect();
    let mut out = HashMap::new();
    if classified.is_empty() {
        return out;
    }
    let decided: Vec<(usize, Precedent)> = classified
        .into_iter()
        .flat_map(|(id, p)| {
            let at = index.all_with_id(alerts, id);
            at.into_iter().map(move |i| (i, p.clone()))
        })
        .collect();
    let fp = index.fingerprints(alerts);
    // Per fingerprint, the two latest decisions, so an alert never is its own precedent.
    let mut best: HashMap<u32, Vec<Precedent>> = HashMap::new();
    for (i, p) in decided {
        Precedent::keep_two_latest(best.entry(fp.of_alert[i]).or_default(), p);
    }
    // Equal alert ids (hand-made sources) keep the last alert's precedent, as the plain
    // definition does.
    let mut chosen: HashMap<&str, (u32, &Precedent)> = HashMap::new();
    for (n, slot) in &best {
        for &i in &fp.members[*n as usize] {
            let a = &alerts[i as usize];
            let Some(p) = slot.iter().find(|p| p.alert_id != a.id) else {
                continue;
            };
            let keep = chosen.get(a.id.as_str()).is_none_or(|(j, _)| *j < i);
            if keep {
                chosen.insert(&a.id, (i, p));
            }
        }
    }
    out.extend(
        chosen
            .into_iter()
            .map(|(id, (_, p))| (id.to_string(), p.clone())),
    );
    out
}
