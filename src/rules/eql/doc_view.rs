//! One event's document with its field lookups memoized for the length of one event.
//!
//! Every field path a rule set reads is a node of the set's [`FieldTree`]; the first
//! lookup under an object settles all the paths the rules read there, and later lookups
//! (other rules, other filters, join keys) reuse the result. The memo is recycled between
//! events, so the hot path does not allocate.

use super::cond::FieldPath;
use super::field_tree::{FieldTree, NodeMemo, value};
use serde_json::Value;

/// A memo entry of one tree node for one event.
pub type Slot<'e> = NodeMemo<'e>;

/// An event's document seen through the memo of the rule set's field tree.
pub struct DocView<'e, 'm> {
    pub doc: &'e Value,
    tree: Option<&'m FieldTree>,
    memo: &'m mut [Slot<'e>],
}

impl<'e, 'm> DocView<'e, 'm> {
    /// A view without memo: every lookup walks the path.
    pub fn plain(doc: &'e Value) -> Self {
        DocView {
            doc,
            tree: None,
            memo: &mut [],
        }
    }

    /// A view through `tree`; `memo` holds one fresh entry per node of the tree.
    pub fn new(doc: &'e Value, tree: &'m FieldTree, memo: &'m mut [Slot<'e>]) -> Self {
        DocView {
            doc,
            tree: Some(tree),
            memo,
        }
    }

    /// The stored value of `field` (possibly an array), or `None` when missing.
    pub fn get(&mut self, field: &FieldPath) -> Option<&'e Value> {
        match self.tree {
            Some(tree) if field.slot() < self.memo.len() => {
                field.pick(value(tree, self.doc, self.memo, field.slot())?)
            }
            _ => field.resolve(self.doc),
        }
    }
}

/// Empties a memo vector and gives its allocation a new lifetime, so the evaluator can
/// keep one buffer across events whose documents live for different spans.
pub fn recycle<'a, 'b>(mut memo: Vec<Slot<'a>>) -> Vec<Slot<'b>> {
    memo.clear();
    memo.into_iter().map(|_| Slot::default()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn memoized_lookups_agree_with_direct_ones() {
        let doc = json!({"process": {"name": "a", "args": ["x", "y"]}, "p.q": 1});
        let specs = [
            ("process.name", None),
            ("process.args", None),
            ("process.args", Some(1)),
            ("process.name", Some(0)),
            ("process.name", Some(1)),
            ("missing.field", None),
            ("p.q", None),
        ];
        let mut tree = FieldTree::default();
        let fields: Vec<FieldPath> = specs
            .iter()
            .map(|(p, i)| FieldPath::with_slot(p, *i, tree.insert(p)))
            .collect();
        let mut memo: Vec<Slot<'_>> = vec![Slot::default(); tree.len()];
        let mut view = DocView::new(&doc, &tree, &mut memo);
        for _ in 0..2 {
            for f in &fields {
                assert_eq!(view.get(f), f.resolve(&doc), "{}", f.path);
            }
        }
        let unslotted = FieldPath::new("process.name", None);
        assert_eq!(view.get(&unslotted), Some(&json!("a")));
        assert_eq!(DocView::plain(&doc).get(&fields[2]), Some(&json!("y")));
        let memo: Vec<Slot<'static>> = recycle(memo);
        assert!(memo.is_empty());
    }
}
