//! From engine matches to finished alerts: build each alert from its events, apply its
//! rule's triage hints, fold net1.exe-style child alerts into their parents, and mark the
//! ones an analyst's exception suppresses. Pure: the caller supplies event documents.

use crate::detect::{Enricher, TriageError, build_alert, fold_into_parents};
use crate::model::{Alert, RuleMeta};
use crate::rules::api::RuleMatch;
use serde_json::Value;
use std::collections::HashMap;

/// Turns matches into alerts, sorted by (time, id). `doc_of` returns the document of an
/// event id (None when it cannot be found; the alert is still raised). Rules whose hints
/// do not compile are reported in the second value; their alerts are kept as built.
pub fn alerts_from_matches(
    rules: &[&RuleMeta],
    matches: &[RuleMatch],
    doc_of: &mut dyn FnMut(&str) -> Option<Value>,
) -> (Vec<Alert>, Vec<TriageError>) {
    let by_id: HashMap<&str, &RuleMeta> = rules.iter().map(|r| (r.id.as_str(), *r)).collect();
    let (enricher, errors) = Enricher::new(rules.iter().copied());
    let mut built: Vec<(Alert, Value)> = Vec::with_capacity(matches.len());
    let mut seen = std::collections::HashSet::new();
    for m in matches {
        let Some(meta) = by_id.get(m.rule_id.as_str()) else {
            continue;
        };
        let docs: Vec<Value> = m.events.iter().filter_map(|(id, _)| doc_of(id)).collect();
        let refs: Vec<&Value> = docs.iter().collect();
        let mut alert = build_alert(meta, m, &refs);
        if !seen.insert(alert.id.clone()) {
            continue;
        }
        // Hints read the event the alert is about: the last one for multi-event matches.
        let doc = docs.last().cloned().unwrap_or(Value::Null);
        enricher.enrich(&mut alert, &doc);
        built.push((alert, doc));
    }
    let mut alerts = fold_into_parents(built, rules.iter().copied());
    alerts.sort_by(|a, b| (a.timestamp_ms, &a.id).cmp(&(b.timestamp_ms, &b.id)));
    (alerts, errors)
}
