//! Where the Windows mapping writes its fields: a fresh document (EVTX, NXLog), or
//! the fields a Winlogbeat document lacks, without building the rest.
//!
//! [`MissingFields`] gives the same result as mapping into an empty document and then
//! [`super::util::fill_missing`] into the shipper's document, but asks the document
//! first, so values the shipper already wrote are never built. This holds because the
//! mappings never put a value at a path after putting one below it.

use crate::model::fields::{lookup, lookup_mut};
use memchr::{memchr, memrchr};
use serde_json::{Map, Value};

/// A document being written by the mappings, one dotted path at a time.
pub trait FieldSink {
    /// Whether a value put at `path` can still change the result; writers skip
    /// building values nobody will keep.
    fn wants(&mut self, path: &str) -> bool;
    /// Puts `value` at `path` (see `fields::set` for the plain document).
    fn put_value(&mut self, path: &str, value: Value);
}

impl FieldSink for Value {
    fn wants(&mut self, _path: &str) -> bool {
        true
    }

    fn put_value(&mut self, path: &str, value: Value) {
        crate::model::fields::set(self, path, value);
    }
}

/// What the shipper's document holds at a path's parent.
#[derive(Clone, Copy)]
enum Parent<'t> {
    /// An object: the leaf is decided by its key.
    Object(&'t Map<String, Value>),
    /// Some object on the way is absent: anything put there is new.
    Absent,
    /// A non-object on the way: the shipper's value wins, nothing is put.
    Blocked,
}

/// One change to apply to the shipper's document once the mapping is done.
enum Change {
    /// A field (or a whole object) the document does not have.
    Set(String, Value),
    /// Keys to add to an object the document has.
    Fill(String, Value),
}

/// Records the fields a mapping would add to `target` ([`super::util::fill_missing`]
/// semantics); [`MissingFields::apply`] then writes them.
pub struct MissingFields<'t> {
    target: &'t Value,
    /// The parent of the last path asked about: runs of paths share one.
    parent_path: String,
    parent: Parent<'t>,
    changes: Vec<Change>,
}

impl<'t> MissingFields<'t> {
    pub fn new(target: &'t Value) -> Self {
        MissingFields {
            target,
            parent_path: String::with_capacity(32),
            parent: Self::walk(target, ""),
            changes: Vec::new(),
        }
    }

    /// The parent of `path`, resolved once per run of paths sharing it.
    fn parent_of<'p>(&mut self, path: &'p str) -> (Parent<'t>, &'p str) {
        let (parent, leaf) = match memrchr(b'.', path.as_bytes()) {
            Some(dot) => (&path[..dot], &path[dot + 1..]),
            None => ("", path),
        };
        if parent != self.parent_path {
            self.parent = Self::walk(self.target, parent);
            self.parent_path.clear();
            self.parent_path.push_str(parent);
        }
        (self.parent, leaf)
    }

    fn walk(target: &'t Value, parent: &str) -> Parent<'t> {
        let Value::Object(root) = target else {
            return Parent::Blocked;
        };
        let mut map = root;
        let mut rest = (!parent.is_empty()).then_some(parent);
        while let Some(remaining) = rest {
            let (part, next) = match memchr(b'.', remaining.as_bytes()) {
                Some(dot) => (&remaining[..dot], Some(&remaining[dot + 1..])),
                None => (remaining, None),
            };
            match lookup(map, part) {
                Some(Value::Object(child)) => map = child,
                Some(_) => return Parent::Blocked,
                None => return Parent::Absent,
            }
            rest = next;
        }
        Parent::Object(map)
    }

    /// The recorded changes, to apply once the target is writable again.
    pub fn finish(self) -> PendingChanges {
        PendingChanges(self.changes)
    }
}

/// The changes recorded by [`MissingFields`], not yet applied.
pub struct PendingChanges(Vec<Change>);

impl PendingChanges {
    /// Writes the recorded fields into `doc`, the target they were recorded against.
    pub fn apply(self, doc: &mut Value) {
        for change in self.0 {
            match change {
                Change::Set(path, value) => crate::model::fields::set(doc, &path, value),
                Change::Fill(path, value) => {
                    if let Some(existing) = get_path_mut(doc, &path) {
                        super::util::fill_missing(existing, value);
                    }
                }
            }
        }
    }
}

fn get_path_mut<'a>(doc: &'a mut Value, path: &str) -> Option<&'a mut Value> {
    let mut cur = doc;
    for part in path.split('.') {
        let Value::Object(map) = cur else { return None };
        cur = lookup_mut(map, part)?;
    }
    Some(cur)
}

impl FieldSink for MissingFields<'_> {
    fn wants(&mut self, path: &str) -> bool {
        match self.parent_of(path) {
            (Parent::Object(map), leaf) => {
                matches!(lookup(map, leaf), None | Some(Value::Object(_)))
            }
            (Parent::Absent, _) => true,
            (Parent::Blocked, _) => false,
        }
    }

    fn put_value(&mut self, path: &str, value: Value) {
        let change = match self.parent_of(path) {
            (Parent::Object(map), leaf) => match (lookup(map, leaf), &value) {
                (None, _) => Change::Set(path.to_string(), value),
                (Some(Value::Object(_)), Value::Object(_)) => Change::Fill(path.to_string(), value),
                _ => return,
            },
            (Parent::Absent, _) => Change::Set(path.to_string(), value),
            (Parent::Blocked, _) => return,
        };
        self.changes.push(change);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::util::fill_missing;
    use serde_json::json;

    /// Puts the same values through both sinks and compares the documents, key order included.
    fn same_as_fill(target: Value, puts: &[(&str, Value)]) {
        let mut derived = json!({});
        for (p, v) in puts {
            derived.put_value(p, v.clone());
        }
        let mut expected = target.clone();
        fill_missing(&mut expected, derived);

        let mut actual = target.clone();
        let mut sink = MissingFields::new(&target);
        for (p, v) in puts {
            if sink.wants(p) {
                sink.put_value(p, v.clone());
            }
        }
        sink.finish().apply(&mut actual);
        assert_eq!(
            serde_json::to_string(&actual).unwrap(),
            serde_json::to_string(&expected).unwrap(),
            "target {target}"
        );
    }

    #[test]
    fn missing_fields_match_fill_missing() {
        let puts = [
            ("@timestamp", json!("t")),
            ("event.kind", json!("event")),
            ("event.code", json!("4624")),
            ("winlog.event_id", json!(4624)),
            ("host.name", json!("h")),
            ("host.os.type", json!("windows")),
            ("user.name", json!("a")),
            ("user.name", json!("b")),
            ("process.args", json!(["x", "y"])),
            ("process.parent.pid", json!(4)),
            ("winlog.event_data", json!({"A": "1", "B": "2"})),
        ];
        let targets = [
            json!({}),
            json!({"@timestamp": "x", "event": {"code": 1}}),
            json!({"event": "flat", "host": {"os": "win"}, "user": {"id": "1"}}),
            json!({"winlog": {"event_data": {"A": "0"}}, "process": {"parent": 3}}),
            json!({"winlog": {"event_data": "text"}, "process": {"args": "one"}}),
            json!({"host": {"name": ["a", "b"], "os": {"family": "w"}}, "user": null}),
        ];
        for t in targets {
            same_as_fill(t, &puts);
        }
    }

    #[test]
    fn scalar_replaced_by_object_in_new_territory() {
        let puts = [("a", json!(1)), ("a.b", json!(2)), ("c.d", json!(3))];
        same_as_fill(json!({}), &puts);
        same_as_fill(json!({"a": {"x": 0}}), &puts);
        same_as_fill(json!({"a": 5, "c": {}}), &puts);
        let odd = [
            ("x..y", json!(1)),
            ("x.", json!(2)),
            ("x..z", json!(3)),
            (".w", json!(4)),
        ];
        same_as_fill(json!({}), &odd);
        same_as_fill(json!({"x": {"": {"y": 0}}}), &odd);
        same_as_fill(json!({"x": {"": 7}, "": {}}), &odd);
    }
}
