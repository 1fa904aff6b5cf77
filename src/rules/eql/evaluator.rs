//! Runs an [`EqlRuleSet`] over a stream of events.
//!
//! Event queries without pipes match in `on_event`. Sequences, samples and piped queries
//! only buffer compact candidates (see `candidate`) and are decided in `finish` after
//! sorting by (time, event id), so the result never depends on arrival order. Memory is
//! bounded by the number of distinct candidate events (for piped event queries, by the
//! pipes' window), not by the stream.

use super::candidate::{Hit, Interned, write_key};
use super::doc_view::{DocView, Slot, recycle};
use super::pipes::{Window, apply_pipes};
use super::query::Kind;
use super::ruleset::{Bucket, EqlRuleSet, FieldIndex};
use super::text::fold_char;
use super::time::event_time;
use super::value::render_float;
use super::{sample, sequence};
use crate::model::Event;
use crate::rules::api::{Evaluator, RuleMatch};
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Byte offset of the `n`-th character of `s` (its length when `n` is past the end).
fn char_offset(s: &str, n: usize) -> usize {
    if s.is_ascii() {
        return n.min(s.len());
    }
    s.char_indices().nth(n).map(|(b, _)| b).unwrap_or(s.len())
}

/// Loads the first byte of every string of `items` without branching on the bytes, so
/// their cache misses overlap before each value is folded and looked up in turn (each
/// string of an argument list is an allocation of its own).
fn touch_texts(items: &[Value]) {
    let mut sum = 0usize;
    for item in items {
        if let Value::String(s) = item {
            sum = sum.wrapping_add(usize::from(s.as_bytes().first().copied().unwrap_or(0)));
        }
    }
    std::hint::black_box(sum);
}

enum Buffer {
    /// Matches are reported at once.
    Streaming,
    /// Piped event query: matching (event, time) pairs, trimmed to the pipes' window.
    Events(Vec<(u32, i64)>, Window),
    /// Sequence or sample hits.
    Staged(Vec<Hit>),
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
    names: Interned,
    /// Field memo storage, recycled from event to event.
    memo: Vec<Slot<'static>>,
    /// The current event's interned number, once asked for (`Some(None)`: a duplicate).
    current: Option<Option<u32>>,
    /// Per join-key field list: (generation, the current event's interned key or `None`
    /// when a required key is missing), valid when the generation is the current one.
    key_memo: Vec<(u32, Option<u32>)>,
    key_buf: String,
}

impl<'a> EqlEvaluator<'a> {
    pub(crate) fn new(set: &'a EqlRuleSet) -> Self {
        let buffers = set
            .rules
            .iter()
            .map(|(_, q)| match (&q.kind, q.pipes.is_empty()) {
                (Kind::Event(_), true) => Buffer::Streaming,
                (Kind::Event(_), false) => Buffer::Events(Vec::new(), Window::of(&q.pipes)),
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
            names: Interned::default(),
            memo: Vec::new(),
            current: None,
            key_memo: vec![(0, None); set.key_lists],
            key_buf: String::new(),
        }
    }

    /// The current event's number in the interned ids; `None` when this exact event was
    /// already recorded (the same record imported twice).
    fn event_number(&mut self, event: &Event) -> Option<u32> {
        *self
            .current
            .get_or_insert_with(|| self.names.event(&event.id, event.timestamp_ms))
    }

    fn next_generation(&mut self) {
        self.generation = self.generation.wrapping_add(1);
        if self.generation == 0 {
            self.stamp.iter_mut().for_each(|s| *s = 0);
            self.key_memo.iter_mut().for_each(|m| m.0 = 0);
            self.generation = 1;
        }
    }

    fn visit_bucket(
        &mut self,
        bucket: &Bucket,
        event: &Event,
        doc: &mut DocView<'_, '_>,
        out: &mut Vec<RuleMatch>,
    ) {
        for &u in &bucket.plain {
            self.visit(u, event, doc, out);
        }
        if bucket.index.is_empty() {
            return;
        }
        let mut buf = std::mem::take(&mut self.fold_buf);
        for fi in &bucket.index {
            let Some(stored) = doc.get(&fi.field) else {
                continue;
            };
            self.visit_value(fi, stored, &mut buf, event, doc, out);
        }
        self.fold_buf = buf;
    }

    /// Looks one value of an indexed field up in its needles (nested arrays flattened,
    /// as field tests flatten them) and visits the units whose needles it fits.
    fn visit_value(
        &mut self,
        fi: &FieldIndex,
        v: &Value,
        buf: &mut String,
        event: &Event,
        doc: &mut DocView<'_, '_>,
        out: &mut Vec<RuleMatch>,
    ) {
        if let Value::Array(items) = v {
            touch_texts(items);
            for item in items {
                self.visit_value(fi, item, buf, event, doc, out);
            }
            return;
        }
        if let Value::Number(n) = v
            && let Some(f) = n.as_f64()
            && !n.is_i64()
            && f.fract() == 0.0
            && f.abs() < 1e15
        {
            // An integral float equals a canonical integer literal numerically.
            buf.clear();
            let _ = write!(buf, "{}", f as i64);
            self.visit_units(fi.exact.get(buf.as_str()), event, doc, out);
        }
        buf.clear();
        match v {
            Value::String(s) if s.is_ascii() => {
                buf.push_str(s);
                buf.make_ascii_lowercase();
            }
            Value::String(s) => buf.extend(s.chars().map(fold_char)),
            // Rendered as string operators see them (`Val::to_text`).
            Value::Number(n) => match (n.as_i64(), n.as_f64()) {
                (Some(i), _) => {
                    let _ = write!(buf, "{i}");
                }
                (None, Some(f)) => buf.push_str(&render_float(f)),
                (None, None) => return,
            },
            Value::Bool(b) => buf.push_str(if *b { "true" } else { "false" }),
            _ => return,
        }
        if fi.bits.may_equal(buf) {
            self.visit_units(fi.exact.get(buf.as_str()), event, doc, out);
        }
        let starts = !fi.prefix.is_empty() && fi.bits.may_start(buf);
        let ends = !fi.suffix.is_empty() && fi.bits.may_end(buf);
        if !starts && !ends && fi.contains.is_none() {
            return;
        }
        let chars = if buf.is_ascii() {
            buf.len()
        } else {
            buf.chars().count()
        };
        for (&len, map) in fi.prefix.range(..=chars).filter(|_| starts) {
            let end = char_offset(buf, len);
            self.visit_units(buf.get(..end).and_then(|k| map.get(k)), event, doc, out);
        }
        for (&len, map) in fi.suffix.range(..=chars).filter(|_| ends) {
            let start = char_offset(buf, chars - len);
            self.visit_units(buf.get(start..).and_then(|k| map.get(k)), event, doc, out);
        }
        if let Some((ac, by_pattern)) = &fi.contains {
            for m in ac.find_overlapping_iter(buf.as_str()) {
                self.visit_units(by_pattern.get(m.pattern().as_usize()), event, doc, out);
            }
        }
    }

    fn visit_units(
        &mut self,
        units: Option<&Vec<u32>>,
        event: &Event,
        doc: &mut DocView<'_, '_>,
        out: &mut Vec<RuleMatch>,
    ) {
        for &u in units.into_iter().flatten() {
            self.visit(u, event, doc, out);
        }
    }

    fn visit(
        &mut self,
        u: u32,
        event: &Event,
        doc: &mut DocView<'_, '_>,
        out: &mut Vec<RuleMatch>,
    ) {
        let set = self.set;
        let idx = u as usize;
        match self.stamp.get_mut(idx) {
            Some(s) if *s == self.generation => return,
            Some(s) => *s = self.generation,
            None => return,
        }
        let Some(&unit) = set.units.get(idx) else {
            return;
        };
        let Some(filter) = set.filter(unit) else {
            return;
        };
        // The bucket already checked the category.
        if !filter.cond_holds(doc) {
            return;
        }
        let Some((id, q)) = set.rules.get(unit.rule) else {
            return;
        };
        match self.buffers.get_mut(unit.rule) {
            Some(Buffer::Streaming) => {
                let ts = event_time(q.time_field.as_ref(), doc, event.timestamp_ms);
                out.push(RuleMatch {
                    rule_id: id.clone(),
                    events: vec![(event.id.clone(), ts)],
                    fields: BTreeMap::new(),
                });
            }
            Some(Buffer::Events(..)) => {
                let ts = event_time(q.time_field.as_ref(), doc, event.timestamp_ms);
                let Some(n) = self.event_number(event) else {
                    return;
                };
                if let Some(Buffer::Events(list, window)) = self.buffers.get_mut(unit.rule) {
                    list.push((n, ts));
                    window.trim(list, &self.names);
                }
            }
            Some(Buffer::Staged(_)) => self.hits.push(u),
            None => {}
        }
    }

    /// Turns this event's stateful hits into compact candidates. Items sharing a join-key
    /// field list share one key lookup per event.
    fn record_candidates(&mut self, event: &Event, doc: &mut DocView<'_, '_>) {
        if self.hits.is_empty() {
            return;
        }
        let set = self.set;
        let mut hits = std::mem::take(&mut self.hits);
        hits.sort_unstable();
        if let Some(n) = self.event_number(event) {
            let generation = self.generation;
            for &u in &hits {
                let Some(&unit) = set.units.get(u as usize) else {
                    continue;
                };
                let Some((_, q)) = set.rules.get(unit.rule) else {
                    continue;
                };
                let Some(stage) = q.stage(unit.filter) else {
                    continue;
                };
                let key = match self.key_memo.get(unit.key_list as usize) {
                    Some(&(g, key)) if g == generation => key,
                    _ => {
                        let key = if write_key(&stage.keys, doc, &mut self.key_buf) {
                            Some(self.names.key(&self.key_buf))
                        } else {
                            None
                        };
                        if let Some(m) = self.key_memo.get_mut(unit.key_list as usize) {
                            *m = (generation, key);
                        }
                        key
                    }
                };
                let Some(key) = key else {
                    continue;
                };
                let ts = event_time(q.time_field.as_ref(), doc, event.timestamp_ms);
                let hit = Hit {
                    ts,
                    event: n,
                    stage: u32::try_from(unit.filter).unwrap_or(u32::MAX),
                    key,
                };
                if let Some(Buffer::Staged(list)) = self.buffers.get_mut(unit.rule) {
                    list.push(hit);
                }
            }
        }
        hits.clear();
        self.hits = hits;
    }
}

impl Evaluator for EqlEvaluator<'_> {
    fn on_event(&mut self, event: &Event, out: &mut Vec<RuleMatch>) {
        self.next_generation();
        self.current = None;
        let set = self.set;
        let mut memo = recycle(std::mem::take(&mut self.memo));
        memo.resize(set.fields.len(), Slot::default());
        let mut doc = DocView::new(&event.doc, &set.fields, &mut memo);
        match doc.get(&set.category_field) {
            Some(Value::String(c)) => {
                if let Some(b) = set.by_category.get(c.as_str()) {
                    self.visit_bucket(b, event, &mut doc, out);
                }
            }
            Some(Value::Array(items)) => {
                for c in items.iter().filter_map(Value::as_str) {
                    if let Some(b) = set.by_category.get(c) {
                        self.visit_bucket(b, event, &mut doc, out);
                    }
                }
            }
            _ => {}
        }
        self.visit_bucket(&set.any, event, &mut doc, out);
        self.record_candidates(event, &mut doc);
        self.memo = recycle(memo);
    }

    fn finish(&mut self, out: &mut Vec<RuleMatch>) {
        let names = &self.names;
        for (ri, buffer) in self.buffers.iter_mut().enumerate() {
            let Some((rule_id, q)) = self.set.rules.get(ri) else {
                continue;
            };
            let results: Vec<sequence::Found> = match (buffer, &q.kind) {
                (Buffer::Streaming, _) => continue,
                (Buffer::Events(list, _), _) => {
                    let mut list = std::mem::take(list);
                    list.sort_by(|a, b| (a.1, names.id(a.0)).cmp(&(b.1, names.id(b.0))));
                    list.dedup();
                    list.into_iter()
                        .map(|(e, ts)| (vec![(names.id(e).to_string(), ts)], BTreeMap::new()))
                        .collect()
                }
                (Buffer::Staged(hits), Kind::Sequence(spec)) => {
                    sequence::run(spec, std::mem::take(hits), names)
                }
                (Buffer::Staged(hits), Kind::Sample(spec)) => {
                    sample::run(spec, std::mem::take(hits), names)
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
