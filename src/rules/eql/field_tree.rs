//! Every field path a rule set reads, as a tree of dotted segments, and its lazy
//! resolution on one event: each node (`process`, `process.parent`, ...) is looked up
//! once per event and its descendants start from its value, so `process.name`,
//! `process.args` and `process.parent.name` find `process` once instead of walking from
//! the root each. Where dotted keys (`{"process.parent": ..}`) make plain descent
//! inexact, the node falls back to the exact lookup of `resolve`, so the result is
//! always that of `model::fields::get`.

use super::key_print::KeyPrint;
use super::resolve;
use serde_json::Value;

/// The node of the document itself.
const ROOT: usize = 0;
/// From this many children on, a node's object is scanned once for all of them; below,
/// each child costs a scan of its own (cheaper when rules read only a few fields).
const WIDE: usize = 4;

#[derive(Debug, Clone)]
struct Node {
    /// The full dotted path (empty for the root).
    path: Box<str>,
    /// The last segment of `path`.
    segment: Box<str>,
    parent: usize,
    /// (segment, node), sorted by segment length then bytes for binary search.
    children: Vec<(Box<str>, usize)>,
    /// The prints of the children's segments, in the order of `children`.
    prints: Vec<KeyPrint>,
    /// For wide nodes: open-addressing table of `children` positions + 1 (0 = empty),
    /// hashed by key print, so a key is matched with one or two probes.
    table: Vec<u32>,
    /// Bit `b` set when some child's segment starts with byte `b`: other keys can be
    /// neither a child nor a dotted head of a path through a child.
    first_bytes: [u64; 4],
    /// The children that have children of their own (objects the rules look into).
    interior: Vec<usize>,
}

impl Node {
    fn wide(&self) -> bool {
        !self.table.is_empty()
    }

    /// Rebuilds the lookup table after a child is added; nodes with few children, or
    /// with an empty segment among them (its dotted heads start with `.`), stay narrow.
    fn rebuild_table(&mut self) {
        self.table.clear();
        self.first_bytes = [0; 4];
        if self.children.len() < WIDE || self.children.iter().any(|(s, _)| s.is_empty()) {
            return;
        }
        let size = (self.children.len() * 4).next_power_of_two();
        self.table = vec![0; size];
        self.prints = self
            .children
            .iter()
            .map(|(s, _)| KeyPrint::of(s.as_bytes()))
            .collect();
        for (pos, (seg, _)) in self.children.iter().enumerate() {
            let b = seg.as_bytes();
            if let Some(&f) = b.first() {
                self.first_bytes[usize::from(f >> 6)] |= 1 << (f & 63);
            }
            let mut at = KeyPrint::of(b).slot(size - 1);
            while self.table.get(at).is_some_and(|&e| e != 0) {
                at = (at + 1) & (size - 1);
            }
            if let Some(e) = self.table.get_mut(at) {
                *e = u32::try_from(pos + 1).unwrap_or(0);
            }
        }
    }

    /// The child whose segment is `key` (printed as `print`), if any (wide nodes only).
    fn child_named(&self, key: &[u8], print: &KeyPrint) -> Option<usize> {
        let mask = self.table.len().checked_sub(1)?;
        let mut at = print.slot(mask);
        loop {
            let pos = (*self.table.get(at)? as usize).checked_sub(1)?;
            let (seg, node) = self.children.get(pos)?;
            if self
                .prints
                .get(pos)
                .is_some_and(|p| p.same_key(print, seg.as_bytes(), key))
            {
                return Some(*node);
            }
            at = (at + 1) & mask;
        }
    }

    fn may_head(&self, key: &[u8]) -> bool {
        key.first()
            .is_some_and(|&f| self.first_bytes[usize::from(f >> 6)] & (1 << (f & 63)) != 0)
    }
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
                segment: "".into(),
                parent: ROOT,
                children: Vec::new(),
                prints: Vec::new(),
                table: Vec::new(),
                first_bytes: [0; 4],
                interior: Vec::new(),
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
                        segment: segment.into(),
                        parent: node,
                        children: Vec::new(),
                        prints: Vec::new(),
                        table: Vec::new(),
                        first_bytes: [0; 4],
                        interior: Vec::new(),
                    });
                    if let Some(p) = self.nodes.get_mut(node) {
                        p.children.insert(at, (segment.into(), id));
                        p.rebuild_table();
                    }
                    let grand = self.nodes.get(node).map_or(ROOT, |p| p.parent);
                    if node != ROOT
                        && let Some(g) = self.nodes.get_mut(grand)
                        && !g.interior.contains(&node)
                    {
                        g.interior.push(node);
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
    /// Every descendant is found by plain key descent from `value`: no object on the way
    /// has a dotted key that could be a head of a longer path (`process.parent` beside
    /// `process`). When false, descendants use the exact path lookup.
    descends: bool,
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
    let n = tree.nodes.get(node)?;
    let parent = value(tree, doc, memo, n.parent);
    let parent_descends = n.parent == ROOT || memo.get(n.parent).is_some_and(|m| m.descends);
    if parent_descends
        && let Some(p) = tree.nodes.get(n.parent)
        && p.wide()
    {
        open(tree, p, parent, memo);
        return memo.get(node).and_then(|m| m.value);
    }
    let settled = if parent_descends {
        let (found, dotted) = match parent {
            Some(Value::Object(map)) => child(map, n.segment.as_bytes()),
            _ => (None, false),
        };
        NodeMemo {
            value: found,
            known: true,
            descends: !dotted,
        }
    } else {
        NodeMemo {
            value: resolve::get(doc, &n.path),
            known: true,
            descends: false,
        }
    };
    if let Some(m) = memo.get_mut(node) {
        *m = settled;
    }
    settled.value
}

/// Settles every child of a wide node in one scan of its object (`parent` is the
/// node's value, reached by plain descent).
fn open<'e>(tree: &FieldTree, node: &Node, parent: Option<&'e Value>, memo: &mut [NodeMemo<'e>]) {
    for &(_, c) in &node.children {
        if let Some(m) = memo.get_mut(c) {
            *m = NodeMemo {
                value: None,
                known: true,
                descends: true,
            };
        }
    }
    let Some(Value::Object(map)) = parent else {
        return;
    };
    touch_keys(map);
    let mut dotted = false;
    for (k, v) in map {
        let kb = k.as_bytes();
        // A key that is neither a child nor starts like one cannot matter; a child's
        // segment has no dot, so only the other keys are checked for dotted heads.
        if !node.may_head(kb) {
            continue;
        }
        let print = KeyPrint::of(kb);
        if let Some(c) = node.child_named(kb, &print) {
            if let Some(m) = memo.get_mut(c) {
                m.value = Some(v);
            }
        } else if print.has_dot(kb) {
            dotted = true;
        }
    }
    // The objects below that rules look into are likely next: their keys' misses can
    // overlap with each other now rather than come one object at a time.
    for &c in &node.interior {
        if let Some(Value::Object(inner)) = memo.get(c).and_then(|m| m.value) {
            touch_keys(inner);
        }
    }
    if dotted {
        // Rare: settle each child by its own scan, which tells whether a dotted key
        // is a head of paths through it.
        for &(_, c) in &node.children {
            let Some(seg) = tree.nodes.get(c).map(|x| x.segment.as_bytes()) else {
                continue;
            };
            let (found, dotted) = child(map, seg);
            if let Some(m) = memo.get_mut(c) {
                *m = NodeMemo {
                    value: found,
                    known: true,
                    descends: !dotted,
                };
            }
        }
    }
}

/// Reads the first byte of every key of `map` in a loop whose branches do not depend on
/// the bytes. Each key is an allocation of its own, usually not in cache when an event
/// is first looked at, and the scans below branch on every byte they load, so their
/// misses come one after another; here the processor can have them all in flight at
/// once, and the scan that follows reads from cache. (The result only keeps the loads.)
fn touch_keys(map: &serde_json::Map<String, Value>) {
    let mut sum = 0usize;
    for k in map.keys() {
        sum = sum.wrapping_add(usize::from(k.as_bytes().first().copied().unwrap_or(0)));
    }
    std::hint::black_box(sum);
}

/// The value under key `segment` (which has no dot) in one scan of `map`, and whether
/// some other key starts with `segment.`: such a key is a longer head of any path
/// through this child, so plain descent below it would not be exact.
fn child<'e>(map: &'e serde_json::Map<String, Value>, segment: &[u8]) -> (Option<&'e Value>, bool) {
    let mut found = None;
    let mut dotted = false;
    let first = segment.first().copied();
    for (k, v) in map {
        let kb = k.as_bytes();
        // Most keys differ in their first byte: reject them before comparing slices.
        if first.is_some() && kb.first().copied() != first {
            continue;
        }
        let Some(rest) = kb.strip_prefix(segment) else {
            continue;
        };
        match rest.first() {
            None => found = Some(v),
            Some(b'.') => dotted = true,
            Some(_) => {}
        }
    }
    (found, dotted)
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
            json!({"process": {"pid": 1, "name": "n", "pe": {}, "x.y": 2}}),
            json!({"process": {"pid": 1, "name.first": "n", "name": "m"}}),
            json!({"process": {"pid": 1, "parent": {"name": "p"}, "parent.name": "q"}}),
            json!({"process.pid": 3, "process": {"pid": 1}}),
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
        let mut nodes: Vec<usize> = paths.iter().map(|p| tree.insert(p)).collect();
        // Wide nodes (scanned once for all children) and narrow ones both occur.
        for p in [
            "process.pid",
            "process.pe",
            "process.executable",
            "a.b.x",
            "a.b.y",
        ] {
            tree.insert(p);
        }
        nodes.push(tree.insert("process.pid"));
        let paths: Vec<&str> = paths.iter().copied().chain(["process.pid"]).collect();
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
