//! Every field path a rule set reads, as a tree of dotted segments, and its lazy
//! resolution on one event: the first lookup under an object scans that object's keys
//! once and settles every child the rules read, so `process.name`, `process.args` and
//! `process.parent.name` cost one scan of `process` together instead of one path walk
//! each. Objects with dotted keys (`{"process.name": ..}`) fall back to the exact
//! lookup of `resolve`, so the result is always that of `model::fields::get`.

use super::resolve;
use serde_json::Value;

/// The node of the document itself.
const ROOT: usize = 0;

#[derive(Debug, Clone)]
struct Node {
    /// The full dotted path (empty for the root).
    path: Box<str>,
    parent: usize,
    /// (segment, node), sorted by segment length then bytes for binary search.
    children: Vec<(Box<str>, usize)>,
}

/// The paths of a rule set, numbered once when the set is built.
#[derive(Debug, Clone)]
pub struct FieldTree {
    nodes: Vec<Node>,
}

impl Default for FieldTree {
    fn default() -> Self {
        FieldTree {
            nodes: vec![Node {
                path: "".into(),
                parent: ROOT,
                children: Vec::new(),
            }],
        }
    }
}

fn order(a: &str, b: &str) -> std::cmp::Ordering {
    (a.len(), a.as_bytes()).cmp(&(b.len(), b.as_bytes()))
}

impl FieldTree {
    /// The node of `path`, added with its missing ancestors if new.
    pub fn insert(&mut self, path: &str) -> usize {
        let mut node = ROOT;
        let mut end = 0;
        for (i, segment) in path.split('.').enumerate() {
            end += segment.len() + usize::from(i > 0);
            let Some(parent) = self.nodes.get(node) else {
                return ROOT;
            };
            node = match parent.children.binary_search_by(|(s, _)| order(s, segment)) {
                Ok(at) => parent.children.get(at).map_or(ROOT, |c| c.1),
                Err(at) => {
                    let id = self.nodes.len();
                    self.nodes.push(Node {
                        path: path.get(..end).unwrap_or(path).into(),
                        parent: node,
                        children: Vec::new(),
                    });
                    if let Some(p) = self.nodes.get_mut(node) {
                        p.children.insert(at, (segment.into(), id));
                    }
                    id
                }
            };
        }
        node
    }

    /// Number of nodes (the size of a per-event memo).
    pub fn len(&self) -> usize {
        self.nodes.len()
    }
}

/// Per-event state of one node.
#[derive(Debug, Clone, Copy, Default)]
pub struct NodeMemo<'e> {
    value: Option<&'e Value>,
    /// `value` is settled.
    known: bool,
    /// The children of this node are settled.
    opened: bool,
    /// Resolved by the exact path lookup: some object on the way has dotted keys, so
    /// descendants cannot be found by plain key descent.
    fallback: bool,
}

/// The value of `node` in `doc` (`None` when missing), settling memo entries on the way.
/// `memo` must have one entry per node of `tree`.
pub fn value<'e>(
    tree: &FieldTree,
    doc: &'e Value,
    memo: &mut [NodeMemo<'e>],
    node: usize,
) -> Option<&'e Value> {
    if node == ROOT {
        return Some(doc);
    }
    match memo.get(node) {
        Some(m) if m.known => return m.value,
        Some(_) => {}
        None => return None,
    }
    let parent = tree.nodes.get(node).map_or(ROOT, |n| n.parent);
    open(tree, doc, memo, parent);
    memo.get(node).and_then(|m| m.value)
}

/// Settles every child of `node` with one scan of its object.
fn open<'e>(tree: &FieldTree, doc: &'e Value, memo: &mut [NodeMemo<'e>], node: usize) {
    if memo.get(node).is_none_or(|m| m.opened) {
        return;
    }
    let (own, inherited) = if node == ROOT {
        (Some(doc), false)
    } else {
        let v = value(tree, doc, memo, node);
        (v, memo.get(node).is_some_and(|m| m.fallback))
    };
    if let Some(m) = memo.get_mut(node) {
        m.opened = true;
    }
    let Some(n) = tree.nodes.get(node) else {
        return;
    };
    for &(_, c) in &n.children {
        if let Some(m) = memo.get_mut(c) {
            *m = NodeMemo {
                known: true,
                ..NodeMemo::default()
            };
        }
    }
    let mut exact = inherited;
    if !exact && let Some(Value::Object(map)) = own {
        for (k, v) in map {
            if k.as_bytes().contains(&b'.') {
                exact = true;
                break;
            }
            if let Ok(at) = n.children.binary_search_by(|(s, _)| order(s, k))
                && let Some(&(_, c)) = n.children.get(at)
                && let Some(m) = memo.get_mut(c)
            {
                m.value = Some(v);
            }
        }
    }
    // Anything else than an object (or a missing value) has no children: the exact
    // lookup gives `None` there too.
    if exact {
        for &(_, c) in &n.children {
            let path = tree.nodes.get(c).map_or("", |x| &x.path);
            if let Some(m) = memo.get_mut(c) {
                *m = NodeMemo {
                    value: resolve::get(doc, path),
                    known: true,
                    opened: false,
                    fallback: true,
                };
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::fields;
    use serde_json::json;

    #[test]
    fn tree_lookups_agree_with_the_model_lookup() {
        let docs = [
            json!({"process": {"name": "a", "args": ["x"], "parent": {"name": "p"}}}),
            json!({"process.name": "dotted", "process": {"name": "nested"}}),
            json!({"process": {"parent.name": "mixed", "parent": {"name": "n"}}}),
            json!({"process": {"parent": {"name.x": 1, "name": {"x": 2}}}}),
            json!({"process": "scalar", "event": {"category": ["process"]}}),
            json!({"process": [{"name": "in array"}]}),
            json!({"": {"": 1}, ".": 2, "a": {"": {"b": 3}}}),
            json!({"a": {"b": {"c": {"d": 4}}}, "a.b.c": {"d": 5}}),
            json!({"a": {"b.c": {"d": 6}}}),
            json!("not an object"),
        ];
        let paths = [
            "process.name",
            "process.args",
            "process.parent.name",
            "process.parent.name.x",
            "process",
            "event.category",
            "",
            ".",
            "..",
            "a..b",
            "a.b.c.d",
            "a.b",
            "a.b.c",
        ];
        let mut tree = FieldTree::default();
        let nodes: Vec<usize> = paths.iter().map(|p| tree.insert(p)).collect();
        assert_eq!(
            tree.insert("process.name"),
            nodes[0],
            "paths are numbered once"
        );
        for d in &docs {
            // Every lookup order must give the same answers.
            for rev in [false, true] {
                let mut memo = vec![NodeMemo::default(); tree.len()];
                let mut order: Vec<usize> = (0..paths.len()).collect();
                if rev {
                    order.reverse();
                }
                for &i in &order {
                    let got = value(&tree, d, &mut memo, nodes[i]);
                    assert_eq!(got, fields::get(d, paths[i]), "{} in {d}", paths[i]);
                }
            }
        }
    }
}
