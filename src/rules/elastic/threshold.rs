//! Threshold rules: enough matching events for the same group within the look-back.
//!
//! Candidates (events matching the rule's query) are buffered with their group values
//! and decided in `finish` after sorting by (timestamp, id), so arrival order never
//! changes the result. A window slides over event time; when a group reaches the
//! threshold (and every cardinality condition), one match is raised for that group's
//! whole bucket: all its events within the window from the bucket's first event.

use super::terms::{combinations, values_of};
use crate::model::Event;
use crate::rules::api::RuleMatch;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThresholdSpec {
    /// Group-by fields (0 to 5); no fields means one group for everything.
    pub fields: Vec<String>,
    /// Minimum number of events per bucket.
    pub value: u64,
    /// (field, minimum distinct values) conditions.
    pub cardinality: Vec<(String, u64)>,
    /// Look-back window in ms (the rule's `from`).
    pub window_ms: i64,
}

/// One buffered matching event for one group.
#[derive(Debug, Clone)]
pub struct Candidate {
    ts: i64,
    id: String,
    /// Values of the cardinality fields, in `ThresholdSpec::cardinality` order.
    distinct: Vec<Vec<String>>,
}

#[derive(Debug, Default)]
pub struct ThresholdState {
    groups: BTreeMap<Vec<String>, Vec<Candidate>>,
}

impl ThresholdState {
    /// Buffers an event that matched the rule's query.
    pub fn add(&mut self, spec: &ThresholdSpec, event: &Event, ts: i64) {
        let distinct: Vec<Vec<String>> = spec
            .cardinality
            .iter()
            .map(|(f, _)| values_of(&event.doc, f))
            .collect();
        for key in combinations(&event.doc, &spec.fields) {
            self.groups.entry(key).or_default().push(Candidate {
                ts,
                id: event.id.clone(),
                distinct: distinct.clone(),
            });
        }
    }

    /// Decides every bucket; pushes matches in (time, group) order.
    pub fn finish(&mut self, rule_id: &str, spec: &ThresholdSpec, out: &mut Vec<RuleMatch>) {
        let mut found = Vec::new();
        for (key, mut cands) in std::mem::take(&mut self.groups) {
            cands.sort_by(|a, b| a.ts.cmp(&b.ts).then_with(|| a.id.cmp(&b.id)));
            cands.dedup_by(|a, b| a.id == b.id);
            for bucket in buckets(spec, &cands) {
                found.push(to_match(rule_id, spec, &key, bucket));
            }
        }
        found.sort_by(|a, b| {
            let ta = a.events.last().map(|e| e.1);
            let tb = b.events.last().map(|e| e.1);
            ta.cmp(&tb).then_with(|| a.fields.cmp(&b.fields))
        });
        out.extend(found);
    }
}

/// Slides the window over sorted candidates and returns the buckets that fire.
fn buckets<'a>(spec: &ThresholdSpec, cands: &'a [Candidate]) -> Vec<&'a [Candidate]> {
    let mut fired = Vec::new();
    let need = usize::try_from(spec.value.max(1)).unwrap_or(usize::MAX);
    let mut start = 0;
    let mut end = 0;
    while end < cands.len() {
        while cands[end].ts - cands[start].ts > spec.window_ms {
            start += 1;
        }
        let window = &cands[start..=end];
        if window.len() >= need && cardinality_holds(spec, window) {
            // The bucket is everything within the window of its first event.
            let mut last = end;
            while last + 1 < cands.len() && cands[last + 1].ts - cands[start].ts <= spec.window_ms {
                last += 1;
            }
            fired.push(&cands[start..=last]);
            start = last + 1;
            end = last + 1;
            continue;
        }
        end += 1;
    }
    fired
}

fn cardinality_holds(spec: &ThresholdSpec, window: &[Candidate]) -> bool {
    spec.cardinality
        .iter()
        .enumerate()
        .all(|(i, (_, min))| distinct_count(window, i) as u64 >= *min)
}

fn distinct_count(window: &[Candidate], i: usize) -> usize {
    window
        .iter()
        .filter_map(|c| c.distinct.get(i))
        .flatten()
        .collect::<BTreeSet<_>>()
        .len()
}

fn to_match(
    rule_id: &str,
    spec: &ThresholdSpec,
    key: &[String],
    bucket: &[Candidate],
) -> RuleMatch {
    let mut fields = BTreeMap::new();
    fields.insert(
        "threshold_result.count".to_string(),
        bucket.len().to_string(),
    );
    for (field, value) in spec.fields.iter().zip(key) {
        fields.insert(format!("threshold_result.terms.{field}"), value.clone());
    }
    for (i, (field, _)) in spec.cardinality.iter().enumerate() {
        fields.insert(
            format!("threshold_result.cardinality.{field}"),
            distinct_count(bucket, i).to_string(),
        );
    }
    RuleMatch {
        rule_id: rule_id.to_string(),
        events: bucket.iter().map(|c| (c.id.clone(), c.ts)).collect(),
        fields,
    }
}
