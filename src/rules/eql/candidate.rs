//! What stateful rules keep of an event: its id, time, and for each sequence/sample item
//! it matched, the join key. Nothing else of the document is retained, so memory grows
//! with the number of candidate events, not with their size.

use super::query::{KeyField, Stage};
use crate::model::fields::scalar_text;
use serde_json::Value;

/// A join key: one entry per key field; `None` is a null value allowed by `?field`.
pub type Key = Vec<Option<String>>;

#[derive(Debug, Clone)]
pub struct Candidate {
    pub id: String,
    pub ts: i64,
    /// (stage index, key) for every stage the event matched; `until` is the index after
    /// the last stage.
    pub stages: Vec<(usize, Key)>,
}

impl Candidate {
    pub fn key_for(&self, stage: usize) -> Option<&Key> {
        self.stages
            .iter()
            .find(|(s, _)| *s == stage)
            .map(|(_, k)| k)
    }
}

/// The join key of `doc` for `stage`, or `None` when a required key is missing.
pub fn extract_key(stage: &Stage, doc: &Value) -> Option<Key> {
    stage.keys.iter().map(|k| key_part(k, doc)).collect()
}

/// `Some(part)` when usable: a value, or null for an optional key.
fn key_part(k: &KeyField, doc: &Value) -> Option<Option<String>> {
    let text = match k.field.resolve(doc) {
        None | Some(Value::Null) => None,
        Some(Value::Array(items)) => {
            // An array key joins as the composite of its values.
            let parts: Vec<String> = items.iter().filter_map(scalar_text).collect();
            (!parts.is_empty()).then(|| parts.join("\u{1f}"))
        }
        Some(v) => scalar_text(v),
    };
    match text {
        Some(t) => Some(Some(t)),
        None if k.optional => Some(None),
        None => None,
    }
}
