//! Runs an [`EqlRuleSet`] over a stream of events.
//!
//! Event queries without pipes match in `on_event`. Sequences, samples and piped queries
//! only buffer their candidate events (those matching at least one of their filters, with
//! id, time and join keys) and are decided in `finish` after sorting by (time, event id),
//! so the result never depends on arrival order. Memory is bounded by the number of
//! candidates, not by the stream.

use super::candidate::{Candidate, extract_key};
use super::pipes::apply_pipes;
use super::query::Kind;
use super::ruleset::{Bucket, EqlRuleSet};
use super::{sample, sequence};
use crate::model::{Event, fields};
use crate::rules::api::{Evaluator, RuleMatch};
use serde_json::Value;
use std::collections::BTreeMap;

/// Byte offset of the `n`-th character of `s` (its length when `n` is past the end).
fn char_offset(s: &str, n: usize) -> usize {
    if s.is_ascii() {
        return n.min(s.len());
    }
    s.char_indices().nth(n).map(|(b, _)| b).unwrap_or(s.len())
}

enum Buffer {
    /// Matches are reported at once.
    Streaming,
    /// Piped event query: matching (id, time) pairs.
    Events(Vec<(String, i64)>),
    /// Sequence or sample candidates.
    Staged(Vec<Candidate>),
}

/// Evaluation state for one detection run over an [`EqlRuleSet`].
pub struct EqlEvaluator<'a> {
    set: &'a EqlRuleSet,
    /// `stamp[unit] == generation` when the unit was already visited for this event.
    stamp: Vec<u32>,
    generation: u32,
    fold_buf: String,
    /// Stateful units that matched the current event.
    hits: Vec<u32>,
    buffers: Vec<Buffer>,
}

impl<'a> EqlEvaluator<'a> {
    pub(crate) fn new(set: &'a EqlRuleSet) -> Self {
        let buffers = set
            .rules
            .iter()
            .map(|(_, q)| match (&q.kind, q.pipes.is_empty()) {
                (Kind::Event(_), true) => Buffer::Streaming,
                (Kind::Event(_), false) => Buffer::Events(Vec::new()),
                _ => Buffer::Staged(Vec::new()),
            })
            .collect();
        EqlEvaluator {
            set,
            stamp: vec![0; set.units.len()],
            generation: 0,
            fold_buf: String::new(),
            hits: Vec::new(),
            buffers,
        }
    }

    fn next_generation(&mut self) {
        self.generation = self.generation.wrapping_add(1);
        if self.generation == 0 {
            self.stamp.iter_mut().for_each(|s| *s = 0);
            self.generation = 1;
        }
    }

    fn visit_bucket(&mut self, bucket: &Bucket, event: &Event, out: &mut Vec<RuleMatch>) {
        for &u in &bucket.plain {
            self.visit(u, event, out);
        }
        for fi in &bucket.index {
            let Some(stored) = fi.field.resolve(&event.doc) else {
                continue;
            };
            let values: &[Value] = match stored {
                Value::Array(items) => items,
                single => std::slice::from_ref(single),
            };
            for v in values {
                let Some(s) = v.as_str() else { continue };
                self.fold_buf.clear();
                self.fold_buf.extend(s.chars().map(super::text::fold_char));
                if let Some(units) = fi.exact.get(self.fold_buf.as_str()) {
                    for &u in units {
                        self.visit(u, event, out);
                    }
                }
                let chars = self.fold_buf.chars().count();
                for (&len, map) in fi.prefix.range(..=chars) {
                    let end = char_offset(&self.fold_buf, len);
                    if let Some(units) = self.fold_buf.get(..end).and_then(|k| map.get(k)) {
                        for &u in units {
                            self.visit(u, event, out);
                        }
                    }
                }
                for (&len, map) in fi.suffix.range(..=chars) {
                    let start = char_offset(&self.fold_buf, chars - len);
                    if let Some(units) = self.fold_buf.get(start..).and_then(|k| map.get(k)) {
                        for &u in units {
                            self.visit(u, event, out);
                        }
                    }
                }
            }
        }
    }

    fn visit(&mut self, u: u32, event: &Event, out: &mut Vec<RuleMatch>) {
        let idx = u as usize;
        match self.stamp.get_mut(idx) {
            Some(s) if *s == self.generation => return,
            Some(s) => *s = self.generation,
            None => return,
        }
        let Some(&unit) = self.set.units.get(idx) else {
            return;
        };
        let Some(filter) = self.set.filter(unit) else {
            return;
        };
        if !filter.matches(&event.doc) {
            return;
        }
        match self.buffers.get_mut(unit.rule) {
            Some(Buffer::Streaming) => {
                if let Some((id, _)) = self.set.rules.get(unit.rule) {
                    out.push(RuleMatch {
                        rule_id: id.clone(),
                        events: vec![(event.id.clone(), event.timestamp_ms)],
                        fields: BTreeMap::new(),
                    });
                }
            }
            Some(Buffer::Events(list)) => list.push((event.id.clone(), event.timestamp_ms)),
            Some(Buffer::Staged(_)) => self.hits.push(u),
            None => {}
        }
    }

    /// Turns this event's stateful hits into one candidate per rule.
    fn record_candidates(&mut self, event: &Event) {
        if self.hits.is_empty() {
            return;
        }
        let mut hits = std::mem::take(&mut self.hits);
        hits.sort_unstable();
        let mut current: Option<(usize, Candidate)> = None;
        for &u in &hits {
            let Some(&unit) = self.set.units.get(u as usize) else {
                continue;
            };
            let Some(stage) = self.stage(unit.rule, unit.filter) else {
                continue;
            };
            let Some(key) = extract_key(stage, &event.doc) else {
                continue;
            };
            if current.as_ref().is_some_and(|(r, _)| *r != unit.rule) {
                self.flush(current.take());
            }
            let (_, cand) = current.get_or_insert_with(|| {
                (
                    unit.rule,
                    Candidate {
                        id: event.id.clone(),
                        ts: event.timestamp_ms,
                        stages: Vec::new(),
                    },
                )
            });
            cand.stages.push((unit.filter, key));
        }
        self.flush(current);
        hits.clear();
        self.hits = hits;
    }

    fn flush(&mut self, entry: Option<(usize, Candidate)>) {
        if let Some((rule, cand)) = entry
            && let Some(Buffer::Staged(list)) = self.buffers.get_mut(rule)
        {
            list.push(cand);
        }
    }

    fn stage(&self, rule: usize, filter: usize) -> Option<&'a super::query::Stage> {
        let (_, q) = self.set.rules.get(rule)?;
        match &q.kind {
            Kind::Sequence(s) => s
                .stages
                .get(filter)
                .or_else(|| s.until.as_ref().filter(|_| filter == s.stages.len())),
            Kind::Sample(s) => s.stages.get(filter),
            Kind::Event(_) => None,
        }
    }
}

impl Evaluator for EqlEvaluator<'_> {
    fn on_event(&mut self, event: &Event, out: &mut Vec<RuleMatch>) {
        self.next_generation();
        let set = self.set;
        match fields::get(&event.doc, "event.category") {
            Some(Value::String(c)) => {
                if let Some(b) = set.by_category.get(c.as_str()) {
                    self.visit_bucket(b, event, out);
                }
            }
            Some(Value::Array(items)) => {
                for c in items.iter().filter_map(Value::as_str) {
                    if let Some(b) = set.by_category.get(c) {
                        self.visit_bucket(b, event, out);
                    }
                }
            }
            _ => {}
        }
        self.visit_bucket(&set.any, event, out);
        self.record_candidates(event);
    }

    fn finish(&mut self, out: &mut Vec<RuleMatch>) {
        for (ri, buffer) in self.buffers.iter_mut().enumerate() {
            let Some((rule_id, q)) = self.set.rules.get(ri) else {
                continue;
            };
            let results: Vec<sequence::Found> = match (buffer, &q.kind) {
                (Buffer::Streaming, _) => continue,
                (Buffer::Events(list), _) => {
                    let mut list = std::mem::take(list);
                    list.sort();
                    list.dedup();
                    list.into_iter()
                        .map(|e| (vec![e], BTreeMap::new()))
                        .collect()
                }
                (Buffer::Staged(cands), Kind::Sequence(spec)) => {
                    sequence::run(spec, std::mem::take(cands))
                }
                (Buffer::Staged(cands), Kind::Sample(spec)) => {
                    sample::run(spec, std::mem::take(cands))
                }
                (Buffer::Staged(_), Kind::Event(_)) => continue,
            };
            for (events, fields) in apply_pipes(&q.pipes, results) {
                out.push(RuleMatch {
                    rule_id: rule_id.clone(),
                    events,
                    fields,
                });
            }
        }
    }
}
