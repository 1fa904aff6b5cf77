//! From engine matches to finished alerts: build each alert from its events, apply its
//! rule's triage hints, fold net1.exe-style child alerts into their parents, and mark the
//! ones an analyst's exception suppresses. Pure: the caller supplies event documents.

use crate::detect::{Enricher, TriageError, build_alert, fold_into_parents};
use crate::model::{Alert, RuleMeta};
use crate::rules::api::RuleMatch;
use serde_json::Value;
use std::collections::{HashMap, HashSet};

/// Turns matches into alerts, sorted by (time, id). `doc_of` returns the document of an
/// event id (None when it cannot be found; the alert is still raised). Rules whose hints
/// do not compile are reported in the second value; their alerts are kept as built.
pub fn alerts_from_matches(
    rules: &[&RuleMeta],
    matches: &[RuleMatch],
    doc_of: &mut dyn FnMut(&str) -> Option<Value>,
) -> (Vec<Alert>, Vec<TriageError>) {
    let mut builder = AlertBuilder::new(rules);
    builder.add(matches, doc_of);
    builder.finish()
}

/// Builds alerts from matches given a part at a time, so that only one part's event
/// documents need to be in memory: an alert keeps no document, except the small process
/// key of the alerts that may fold into a parent.
pub struct AlertBuilder<'r> {
    rules: Vec<&'r RuleMeta>,
    enricher: Enricher,
    errors: Vec<TriageError>,
    built: Vec<(Alert, Value)>,
    seen: HashSet<String>,
}

impl<'r> AlertBuilder<'r> {
    pub fn new(rules: &[&'r RuleMeta]) -> Self {
        let (enricher, errors) = Enricher::new(rules.iter().copied());
        AlertBuilder {
            rules: rules.to_vec(),
            enricher,
            errors,
            built: Vec::new(),
            seen: HashSet::new(),
        }
    }

    /// Builds the alerts of `matches`; `doc_of` is asked for their events' documents.
    pub fn add(&mut self, matches: &[RuleMatch], doc_of: &mut dyn FnMut(&str) -> Option<Value>) {
        let by_id: HashMap<&str, &RuleMeta> =
            self.rules.iter().map(|r| (r.id.as_str(), *r)).collect();
        for m in matches {
            let Some(meta) = by_id.get(m.rule_id.as_str()) else {
                continue;
            };
            let docs: Vec<Value> = m.events.iter().filter_map(|(id, _)| doc_of(id)).collect();
            let refs: Vec<&Value> = docs.iter().collect();
            let mut alert = build_alert(meta, m, &refs);
            if !self.seen.insert(alert.id.clone()) {
                continue;
            }
            // Hints read the event the alert is about: the last one for multi-event matches.
            let doc = docs.into_iter().next_back().unwrap_or(Value::Null);
            self.enricher.enrich(&mut alert, &doc);
            // Only folding needs the document afterwards, and only for rules that fold.
            let keep = if meta.triage.fold_into_parent {
                doc
            } else {
                Value::Null
            };
            self.built.push((alert, keep));
        }
    }

    /// The alerts, folded into their parents and sorted by (time, id), and the rules
    /// whose hints did not compile.
    pub fn finish(self) -> (Vec<Alert>, Vec<TriageError>) {
        let mut alerts = fold_into_parents(self.built, self.rules.iter().copied());
        alerts.sort_by(|a, b| (a.timestamp_ms, &a.id).cmp(&(b.timestamp_ms, &b.id)));
        (alerts, self.errors)
    }
}
