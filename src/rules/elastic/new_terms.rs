//! new_terms rules: a value combination seen for the first time within the history.
//!
//! Events matching the rule's query are buffered with their term combinations and
//! decided in `finish` in (timestamp, id) order: an event fires when one of its
//! combinations was not seen in the `history_window_start` span before the event's own
//! time. Every occurrence refreshes the combination's last-seen time.

use super::terms::combinations;
use crate::model::Event;
use crate::rules::api::RuleMatch;
use std::collections::{BTreeMap, HashMap};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTermsSpec {
    /// The `new_terms_fields` (1 to 3).
    pub fields: Vec<String>,
    /// History window length in ms (`history_window_start`, e.g. now-14d).
    pub history_ms: i64,
}

#[derive(Debug, Clone)]
struct Candidate {
    ts: i64,
    id: String,
    combos: Vec<Vec<String>>,
}

#[derive(Debug, Default)]
pub struct NewTermsState {
    candidates: Vec<Candidate>,
}

impl NewTermsState {
    /// Buffers an event that matched the rule's query (events missing a term are skipped,
    /// as Elasticsearch does).
    pub fn add(&mut self, spec: &NewTermsSpec, event: &Event, ts: i64) {
        let combos = combinations(&event.doc, &spec.fields);
        if combos.is_empty() {
            return;
        }
        self.candidates.push(Candidate {
            ts,
            id: event.id.clone(),
            combos,
        });
    }

    pub fn finish(&mut self, rule_id: &str, spec: &NewTermsSpec, out: &mut Vec<RuleMatch>) {
        let mut cands = std::mem::take(&mut self.candidates);
        cands.sort_by(|a, b| a.ts.cmp(&b.ts).then_with(|| a.id.cmp(&b.id)));
        cands.dedup_by(|a, b| a.id == b.id);
        let mut last_seen: HashMap<Vec<String>, i64> = HashMap::new();
        for c in cands {
            let mut new_combo: Option<&Vec<String>> = None;
            for combo in &c.combos {
                let is_new = last_seen
                    .get(combo)
                    .is_none_or(|&seen| c.ts - seen > spec.history_ms);
                if is_new && new_combo.is_none() {
                    new_combo = Some(combo);
                }
            }
            if let Some(combo) = new_combo {
                out.push(to_match(rule_id, spec, combo, &c));
            }
            for combo in c.combos {
                last_seen.insert(combo, c.ts);
            }
        }
    }
}

fn to_match(rule_id: &str, spec: &NewTermsSpec, combo: &[String], c: &Candidate) -> RuleMatch {
    let mut fields = BTreeMap::new();
    for (field, value) in spec.fields.iter().zip(combo) {
        fields.insert(format!("new_terms.{field}"), value.clone());
    }
    fields.insert("new_terms".to_string(), combo.join(", "));
    RuleMatch {
        rule_id: rule_id.to_string(),
        events: vec![(c.id.clone(), c.ts)],
        fields,
    }
}
