//! One event's document with its field lookups memoized for the length of one event.
//!
//! Every field path a rule set reads gets a slot number when the set is built; the first
//! lookup of a slot resolves the dotted path and later ones (other rules, other filters,
//! join keys) reuse the result. The slot array is recycled between events, so the hot
//! path does not allocate.

use super::cond::FieldPath;
use serde_json::Value;

/// A memo entry: `None` until resolved, then the stored value or `Some(None)` if missing.
pub type Slot<'e> = Option<Option<&'e Value>>;

/// An event's document seen through the memo of the rule set's field slots.
pub struct DocView<'e, 'm> {
    pub doc: &'e Value,
    memo: &'m mut [Slot<'e>],
}

impl<'e, 'm> DocView<'e, 'm> {
    pub fn new(doc: &'e Value, memo: &'m mut [Slot<'e>]) -> Self {
        DocView { doc, memo }
    }

    /// The stored value of `field` (possibly an array), or `None` when missing.
    pub fn get(&mut self, field: &FieldPath) -> Option<&'e Value> {
        match self.memo.get_mut(field.slot()) {
            Some(Some(known)) => *known,
            Some(entry) => {
                let found = field.resolve(self.doc);
                *entry = Some(found);
                found
            }
            None => field.resolve(self.doc),
        }
    }
}

/// Empties a memo vector and gives its allocation a new lifetime, so the evaluator can
/// keep one buffer across events whose documents live for different spans.
pub fn recycle<'a, 'b>(mut memo: Vec<Slot<'a>>) -> Vec<Slot<'b>> {
    memo.clear();
    memo.into_iter().map(|_| None).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn memoized_lookups_agree_with_direct_ones() {
        let doc = json!({"process": {"name": "a", "args": ["x", "y"]}, "p.q": 1});
        let paths = ["process.name", "process.args", "missing.field", "p.q"];
        let fields: Vec<FieldPath> = paths
            .iter()
            .enumerate()
            .map(|(i, p)| FieldPath::with_slot(p, None, i))
            .collect();
        let mut memo: Vec<Slot<'_>> = vec![None; fields.len()];
        let mut view = DocView::new(&doc, &mut memo);
        for _ in 0..2 {
            for f in &fields {
                assert_eq!(view.get(f), f.resolve(&doc), "{}", f.path);
            }
        }
        let unslotted = FieldPath::new("process.name", None);
        assert_eq!(view.get(&unslotted), Some(&json!("a")));
        let memo: Vec<Slot<'static>> = recycle(memo);
        assert!(memo.is_empty());
    }
}
