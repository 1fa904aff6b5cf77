//! Which ECS fields are indexed for search, and a zero-copy view of an ECS root
//! restricted to them.
//!
//! Indexing every leaf of every event made tantivy the bulk of import time, so
//! only the fields analysts and the views query are indexed; the whole document
//! stays stored. Roots outside the known ECS set are still indexed in full (see
//! `schema::OTHER_FIELD`). The list is documented in docs/formats.md.

use super::schema::KEYWORD_ROOTS;
use serde_json::Value;
use std::sync::LazyLock;
use tantivy::schema::document::{ReferenceValue, Value as DocValue};

/// Indexed ECS paths; a path covers everything below it (`event` is every `event.*` field).
pub const INDEXED_PATHS: &[&str] = &[
    "destination.ip",
    "destination.port",
    "dns.question.name",
    "event",
    "file.name",
    "file.path",
    "group",
    "host",
    "network",
    "process.args",
    "process.entity_id",
    "process.executable",
    "process.hash",
    "process.name",
    "process.parent.args",
    "process.parent.entity_id",
    "process.parent.executable",
    "process.parent.hash",
    "process.parent.name",
    "process.parent.pe.original_file_name",
    "process.parent.pid",
    "process.pe.original_file_name",
    "process.pid",
    "registry",
    "rule.id",
    "source.ip",
    "source.port",
    "user",
    "vigil.source",
    "winlog.channel",
    "winlog.computer_name",
    "winlog.event_data",
    "winlog.event_id",
    "winlog.provider_name",
    "winlog.record_id",
];

/// A node of the indexed-path tree: either everything below is indexed, or only the
/// listed children.
#[derive(Debug, Default)]
pub struct PathNode {
    everything: bool,
    /// Sorted by key.
    children: Vec<(&'static str, PathNode)>,
}

impl PathNode {
    fn child(&self, key: &str) -> Option<&PathNode> {
        self.children
            .binary_search_by(|(k, _)| (*k).cmp(key))
            .ok()
            .map(|i| &self.children[i].1)
    }

    fn insert(&mut self, path: &'static str) {
        let mut node = self;
        for key in path.split('.') {
            let at = match node.children.binary_search_by(|(k, _)| (*k).cmp(key)) {
                Ok(i) => i,
                Err(i) => {
                    node.children.insert(i, (key, PathNode::default()));
                    i
                }
            };
            node = &mut node.children[at].1;
        }
        node.everything = true;
    }
}

static INDEXED: LazyLock<PathNode> = LazyLock::new(|| {
    let mut root = PathNode::default();
    for path in INDEXED_PATHS {
        root.insert(path);
    }
    root
});

/// The indexed part of ECS root `root`, or `None` when nothing under it is indexed.
pub fn indexed_root(root: &str) -> Option<&'static PathNode> {
    INDEXED.child(root)
}

/// Whether a dotted ECS path (or something below it) is indexed: `process.name`,
/// `event.code`, `user.target.name` are; `agent.type` and `process.title` are not.
pub fn is_indexed(path: &str) -> bool {
    let mut node: &PathNode = &INDEXED;
    for key in path.split('.') {
        if node.everything {
            return true;
        }
        match node.child(key) {
            Some(next) => node = next,
            None => return false,
        }
    }
    true
}

/// Whether a top-level entry of an ECS document goes to the catch-all field: any root
/// but the keyword roots (unless its value is not an object) and the fields handled apart.
pub fn is_unlisted(key: &str, value: &Value) -> bool {
    key != "message"
        && key != "@timestamp"
        && !(value.is_object() && KEYWORD_ROOTS.binary_search(&key).is_ok())
}

static EVERYTHING: PathNode = PathNode {
    everything: true,
    children: Vec::new(),
};

/// A JSON value seen through the indexed-path tree: objects show only indexed keys.
/// Handed to tantivy as a JSON field value, so nothing is copied.
#[derive(Debug, Clone, Copy)]
pub struct Curated<'a> {
    pub value: &'a Value,
    pub node: &'a PathNode,
    /// Set on a whole document: only its [`is_unlisted`] roots are shown.
    unlisted_only: bool,
}

impl<'a> Curated<'a> {
    /// The indexed part of `value`, an ECS root whose indexed tree is `node`.
    pub fn new(value: &'a Value, node: &'a PathNode) -> Self {
        Curated {
            value,
            node,
            unlisted_only: false,
        }
    }

    /// Every [`is_unlisted`] root of `doc`, in full, for the catch-all field.
    pub fn unlisted_roots(doc: &'a Value) -> Self {
        Curated {
            value: doc,
            node: &EVERYTHING,
            unlisted_only: true,
        }
    }
}

/// Elements of an array under a [`Curated`] value.
pub struct CuratedArray<'a> {
    items: std::slice::Iter<'a, Value>,
    node: &'a PathNode,
}

impl<'a> Iterator for CuratedArray<'a> {
    type Item = Curated<'a>;
    fn next(&mut self) -> Option<Self::Item> {
        let node = self.node;
        self.items.next().map(|value| Curated::new(value, node))
    }
}

/// Indexed entries of an object under a [`Curated`] value.
pub struct CuratedObject<'a> {
    entries: serde_json::map::Iter<'a>,
    node: &'a PathNode,
    unlisted_only: bool,
}

impl<'a> Iterator for CuratedObject<'a> {
    type Item = (&'a str, Curated<'a>);
    fn next(&mut self) -> Option<Self::Item> {
        for (key, value) in self.entries.by_ref() {
            if self.unlisted_only && !is_unlisted(key, value) {
                continue;
            }
            let node = if self.node.everything {
                self.node
            } else {
                match self.node.child(key) {
                    Some(child) => child,
                    None => continue,
                }
            };
            return Some((key.as_str(), Curated::new(value, node)));
        }
        None
    }
}

impl<'a> DocValue<'a> for Curated<'a> {
    type ArrayIter = CuratedArray<'a>;
    type ObjectIter = CuratedObject<'a>;

    fn as_value(&self) -> ReferenceValue<'a, Self> {
        match self.value {
            Value::Array(items) => ReferenceValue::Array(CuratedArray {
                items: items.iter(),
                node: self.node,
            }),
            Value::Object(map) => ReferenceValue::Object(CuratedObject {
                entries: map.iter(),
                node: self.node,
                unlisted_only: self.unlisted_only,
            }),
            // Leaves are indexed exactly as tantivy indexes serde_json values.
            leaf => match DocValue::as_value(&leaf) {
                ReferenceValue::Leaf(l) => ReferenceValue::Leaf(l),
                _ => ReferenceValue::Leaf(tantivy::schema::document::ReferenceValueLeaf::Null),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indexed_paths_are_recognised() {
        for (path, expected) in [
            ("process.name", true),
            ("process.parent.name", true),
            ("process.parent.pe.original_file_name", true),
            ("process.hash.sha256", true),
            ("process.title", false),
            ("process.parent.title", false),
            ("event.code", true),
            ("event.anything.below", true),
            ("user.target.name", true),
            ("winlog.event_data.TargetUserName", true),
            ("winlog.api", false),
            ("agent.type", false),
            ("rule.id", true),
            ("rule.name", false),
            ("vigil.source.format", true),
            ("vigil.timestamp_source", false),
            ("process", true),
        ] {
            assert_eq!(is_indexed(path), expected, "{path}");
        }
    }

    fn leaves(v: Curated<'_>, prefix: &str, out: &mut Vec<String>) {
        match v.as_value() {
            ReferenceValue::Leaf(l) => out.push(format!("{prefix}={:?}", l.as_str())),
            ReferenceValue::Array(items) => items.for_each(|i| leaves(i, prefix, out)),
            ReferenceValue::Object(entries) => {
                for (k, child) in entries {
                    leaves(child, &format!("{prefix}.{k}"), out);
                }
            }
        }
    }

    #[test]
    fn curated_view_hides_unindexed_keys() {
        let doc = serde_json::json!({
            "name": "net.exe",
            "title": "hidden",
            "args": ["net", "user"],
            "parent": {"name": "cmd.exe", "title": "hidden", "hash": {"md5": "ab"}},
        });
        let node = indexed_root("process").expect("process is indexed");
        let mut out = Vec::new();
        leaves(Curated::new(&doc, node), "process", &mut out);
        assert_eq!(
            out,
            [
                "process.name=Some(\"net.exe\")",
                "process.args=Some(\"net\")",
                "process.args=Some(\"user\")",
                "process.parent.name=Some(\"cmd.exe\")",
                "process.parent.hash.md5=Some(\"ab\")",
            ]
        );
        assert!(indexed_root("agent").is_none());
    }

    #[test]
    fn keyword_roots_are_sorted_for_binary_search() {
        assert!(KEYWORD_ROOTS.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn catch_all_view_shows_only_unlisted_roots() {
        let doc = serde_json::json!({
            "@timestamp": "2020-01-01T00:00:00Z",
            "message": "m",
            "process": {"name": "x"},
            "azure": {"op": "Add user"},
            "host": "not-an-object",
        });
        let mut out = Vec::new();
        leaves(Curated::unlisted_roots(&doc), "", &mut out);
        assert_eq!(
            out,
            [
                ".azure.op=Some(\"Add user\")",
                ".host=Some(\"not-an-object\")"
            ]
        );
    }
}
