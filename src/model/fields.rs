//! Dotted-path access to ECS documents.
//!
//! Documents are mostly nested objects, but real data mixes in literal dotted keys
//! (`{"winlog.event_data": {...}}`, `{"process.args": [...]}`) and source field names
//! that contain dots. `get` therefore tries, at every level, the longest literal key
//! first and then descends, so both shapes resolve to the same value.

use serde_json::{Map, Value};

/// Objects with at most this many keys are searched in order instead of hashed:
/// event documents are made of small objects, and comparing a few short keys costs
/// less than one SipHash of the key (serde_json's ordered map hashes with it).
const SCAN_LIMIT: usize = 12;

/// `map.get(key)`, by scanning when the map is small.
pub fn lookup<'a>(map: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    if map.len() <= SCAN_LIMIT {
        map.iter().find(|(k, _)| same_key(k, key)).map(|(_, v)| v)
    } else {
        map.get(key)
    }
}

/// `map.get_mut(key)`, by scanning when the map is small.
pub fn lookup_mut<'a>(map: &'a mut Map<String, Value>, key: &str) -> Option<&'a mut Value> {
    if map.len() <= SCAN_LIMIT {
        map.iter_mut()
            .find(|(k, _)| same_key(k, key))
            .map(|(_, v)| v)
    } else {
        map.get_mut(key)
    }
}

/// Whether `map` has `key` (see [`lookup`]).
pub fn has(map: &Map<String, Value>, key: &str) -> bool {
    lookup(map, key).is_some()
}

/// Key equality that settles most mismatches on length and first byte.
fn same_key(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.as_bytes().first() == b.as_bytes().first() && a == b
}

/// Resolves `path` (for example `process.parent.name`) in `doc`.
///
/// Returns the value as stored: it may be an array for multi-valued fields.
pub fn get<'a>(doc: &'a Value, path: &str) -> Option<&'a Value> {
    let obj = doc.as_object()?;
    if let Some(v) = lookup(obj, path) {
        return Some(v);
    }
    // Try every split point, longest head first, so "a.b.c" prefers key "a.b" then "a".
    let mut end = path.len();
    while let Some(dot) = memchr::memrchr(b'.', &path.as_bytes()[..end]) {
        let (head, rest) = (&path[..dot], &path[dot + 1..]);
        if let Some(child) = lookup(obj, head)
            && let Some(found) = get(child, rest)
        {
            return Some(found);
        }
        end = dot;
    }
    None
}

/// Calls `f` on every scalar found at `path`, flattening arrays (ECS multi-valued fields
/// such as `process.args` match when any element matches). Returns how many were visited.
pub fn for_each_scalar<'a>(doc: &'a Value, path: &str, f: &mut dyn FnMut(&'a Value)) -> usize {
    match get(doc, path) {
        None => 0,
        Some(v) => visit(v, f),
    }
}

fn visit<'a>(v: &'a Value, f: &mut dyn FnMut(&'a Value)) -> usize {
    match v {
        Value::Array(items) => items.iter().map(|i| visit(i, f)).sum(),
        other => {
            f(other);
            1
        }
    }
}

/// The first string found at `path` (the first element for arrays).
pub fn first_str<'a>(doc: &'a Value, path: &str) -> Option<&'a str> {
    match get(doc, path)? {
        Value::String(s) => Some(s.as_str()),
        Value::Array(items) => items.iter().find_map(Value::as_str),
        _ => None,
    }
}

/// A scalar rendered as text the way analysts read it (numbers without quotes).
pub fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Room reserved in the objects [`set`] creates: enough for the usual ECS groups
/// (`event`, `winlog`, `process`), so that they are not re-hashed as they grow.
const NEW_OBJECT_CAPACITY: usize = 8;

/// Sets `path` in a nested document, creating objects on the way. Existing non-object
/// values on the path are replaced; an existing key keeps its place. Used by the
/// normalizer, never on rule hot paths.
pub fn set(doc: &mut Value, path: &str, value: Value) {
    let mut cur = doc;
    let mut parts = path.split('.').peekable();
    while let Some(part) = parts.next() {
        if !cur.is_object() {
            *cur = Value::Object(Map::with_capacity(NEW_OBJECT_CAPACITY));
        }
        let Value::Object(map) = cur else { return };
        if parts.peek().is_none() {
            match lookup_mut(map, part) {
                Some(slot) => *slot = value,
                None => {
                    map.insert(part.to_string(), value);
                }
            }
            return;
        }
        // Look up before inserting: the key usually exists, and allocating it per
        // call was a measurable share of import time.
        if !has(map, part) {
            map.insert(
                part.to_string(),
                Value::Object(Map::with_capacity(NEW_OBJECT_CAPACITY)),
            );
        }
        let Some(next) = lookup_mut(map, part) else {
            return;
        };
        cur = next;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn nested_and_dotted_keys_resolve_alike() {
        let nested = json!({"process": {"parent": {"name": "cmd.exe"}}});
        let dotted = json!({"process.parent.name": "cmd.exe"});
        let mixed = json!({"process": {"parent.name": "cmd.exe"}});
        for d in [&nested, &dotted, &mixed] {
            assert_eq!(first_str(d, "process.parent.name"), Some("cmd.exe"));
        }
    }

    #[test]
    fn event_data_names_with_dots_are_found() {
        let d = json!({"winlog": {"event_data": {"Some.Field": "x"}}});
        assert_eq!(first_str(&d, "winlog.event_data.Some.Field"), Some("x"));
    }

    #[test]
    fn arrays_are_flattened() {
        let d = json!({"process": {"args": ["net.exe", "user", ["/add"]]}});
        let mut seen = vec![];
        let n = for_each_scalar(&d, "process.args", &mut |v| seen.push(v.clone()));
        assert_eq!(n, 3);
        assert_eq!(seen[2], json!("/add"));
    }

    #[test]
    fn missing_paths_are_none() {
        let d = json!({"process": {"name": "a"}});
        assert!(get(&d, "process.name.x").is_none());
        assert!(get(&d, "host.name").is_none());
        assert!(get(&json!("scalar"), "a").is_none());
    }

    #[test]
    fn scanned_and_hashed_lookups_agree() {
        let mut map = Map::new();
        for i in 0..(SCAN_LIMIT + 8) {
            map.insert(format!("k{i}"), json!(i));
            for probe in ["k0", "k3", "k11", "k12", "k19", "k", "", "k00", "x"] {
                assert_eq!(
                    lookup(&map, probe),
                    map.get(probe),
                    "{} keys, {probe}",
                    i + 1
                );
                assert_eq!(has(&map, probe), map.contains_key(probe));
            }
        }
        let mut small = map.clone();
        small.retain(|k, _| k.len() == 2);
        if let Some(v) = lookup_mut(&mut small, "k4") {
            *v = json!("four");
        }
        assert_eq!(small["k4"], json!("four"));
    }

    #[test]
    fn set_builds_nested_objects() {
        let mut d = json!({});
        set(&mut d, "user.target.name", json!("bob"));
        set(&mut d, "user.name", json!("alice"));
        assert_eq!(
            d,
            json!({"user": {"target": {"name": "bob"}, "name": "alice"}})
        );
    }
}
