//! What stateful rules keep of an event, as compactly as possible: for each
//! sequence/sample item it matched, one 24-byte [`Hit`] (time, interned event id, item,
//! interned join key). Event ids and join keys are stored once per evaluator however many
//! rules and items refer to them, and nothing else of the document is retained, so memory
//! grows with the number of distinct candidate events, never with their size.

use super::doc_view::DocView;
use super::query::{KeyField, Stage};
use crate::model::fields::scalar_text;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::Arc;

/// A join key: one entry per key field; `None` is a null value allowed by `?field`.
pub type Key = Box<[Option<Box<str>>]>;

/// One event matching one item of a stateful rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    /// The rule's event time (its `timestamp_override` field when set).
    pub ts: i64,
    pub event: u32,
    /// Item index; `until` is the index after the last item.
    pub stage: u32,
    pub key: u32,
}

/// Event ids and join keys of the candidates, each stored once (the table and the
/// lookup map share one allocation per text).
#[derive(Debug, Default)]
pub struct Interned {
    ids: Vec<Arc<str>>,
    first_ts: Vec<i64>,
    by_id: HashMap<Arc<str>, u32>,
    keys: Vec<Arc<[Option<Box<str>>]>>,
    by_key: HashMap<Arc<[Option<Box<str>>]>, u32>,
}

impl Interned {
    /// The number of an event, or `None` when this exact event (same id, same time) was
    /// already recorded: a record imported twice adds nothing.
    pub fn event(&mut self, id: &str, ts: i64) -> Option<u32> {
        if let Some(&n) = self.by_id.get(id) {
            let again = self.first_ts.get(n as usize) == Some(&ts);
            return (!again).then_some(n);
        }
        let n = u32::try_from(self.ids.len()).ok()?;
        let shared: Arc<str> = Arc::from(id);
        self.ids.push(Arc::clone(&shared));
        self.first_ts.push(ts);
        self.by_id.insert(shared, n);
        Some(n)
    }

    pub fn key(&mut self, key: Key) -> u32 {
        if let Some(&n) = self.by_key.get(&*key) {
            return n;
        }
        let n = u32::try_from(self.keys.len()).unwrap_or(u32::MAX);
        let shared: Arc<[Option<Box<str>>]> = Arc::from(key);
        self.keys.push(Arc::clone(&shared));
        self.by_key.insert(shared, n);
        n
    }

    pub fn id(&self, event: u32) -> &str {
        self.ids.get(event as usize).map_or("", |s| s)
    }

    pub fn key_parts(&self, key: u32) -> &[Option<Box<str>>] {
        self.keys.get(key as usize).map_or(&[], |k| k)
    }
}

/// The hits of one event for one rule, after sorting.
#[derive(Debug, Clone, Copy)]
pub struct Candidate<'h> {
    pub event: u32,
    pub ts: i64,
    pub hits: &'h [Hit],
}

impl Candidate<'_> {
    pub fn key_for(&self, stage: usize) -> Option<u32> {
        self.hits
            .iter()
            .find(|h| h.stage as usize == stage)
            .map(|h| h.key)
    }
}

/// Sorts a rule's hits by (time, event id) and groups them per event; an event met
/// again at the same time is kept once (its first hits).
pub fn group<'h>(hits: &'h mut [Hit], names: &Interned) -> Vec<Candidate<'h>> {
    hits.sort_by(|a, b| {
        (a.ts, names.id(a.event), a.event, a.stage).cmp(&(
            b.ts,
            names.id(b.event),
            b.event,
            b.stage,
        ))
    });
    let mut out: Vec<Candidate<'h>> = Vec::new();
    let mut rest: &'h [Hit] = hits;
    while let Some(first) = rest.first().copied() {
        let n = rest
            .iter()
            .take_while(|h| h.ts == first.ts && h.event == first.event)
            .count();
        let (mine, tail) = rest.split_at(n);
        rest = tail;
        if out.last().is_some_and(|c| c.event == first.event) {
            continue;
        }
        out.push(Candidate {
            event: first.event,
            ts: first.ts,
            hits: mine,
        });
    }
    out
}

/// The join key of the event for `stage`, or `None` when a required key is missing.
pub fn extract_key(stage: &Stage, doc: &mut DocView<'_, '_>) -> Option<Key> {
    stage.keys.iter().map(|k| key_part(k, doc)).collect()
}

/// `Some(part)` when usable: a value, or null for an optional key.
fn key_part(k: &KeyField, doc: &mut DocView<'_, '_>) -> Option<Option<Box<str>>> {
    let text = match doc.get(&k.field) {
        None | Some(Value::Null) => None,
        Some(Value::Array(items)) => {
            // An array key joins as the composite of its values.
            let parts: Vec<String> = items.iter().filter_map(scalar_text).collect();
            (!parts.is_empty()).then(|| parts.join("\u{1f}"))
        }
        Some(v) => scalar_text(v),
    };
    match text {
        Some(t) => Some(Some(t.into_boxed_str())),
        None if k.optional => Some(None),
        None => None,
    }
}
