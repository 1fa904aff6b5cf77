//! Dotted-path access to ECS documents.
//!
//! Documents are mostly nested objects, but real data mixes in literal dotted keys
//! (`{"winlog.event_data": {...}}`, `{"process.args": [...]}`) and source field names
//! that contain dots. `get` therefore tries, at every level, the longest literal key
//! first and then descends, so both shapes resolve to the same value.

use serde_json::Value;

/// Resolves `path` (for example `process.parent.name`) in `doc`.
///
/// Returns the value as stored: it may be an array for multi-valued fields.
pub fn get<'a>(doc: &'a Value, path: &str) -> Option<&'a Value> {
    let obj = doc.as_object()?;
    if let Some(v) = obj.get(path) {
        return Some(v);
    }
    // Try every split point, longest head first, so "a.b.c" prefers key "a.b" then "a".
    let mut end = path.len();
    while let Some(dot) = path[..end].rfind('.') {
        let (head, rest) = (&path[..dot], &path[dot + 1..]);
        if let Some(child) = obj.get(head)
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

/// Sets `path` in a nested document, creating objects on the way. Existing non-object
/// values on the path are replaced. Used by the normalizer, never on rule hot paths.
pub fn set(doc: &mut Value, path: &str, value: Value) {
    let mut cur = doc;
    let mut parts = path.split('.').peekable();
    while let Some(part) = parts.next() {
        if !cur.is_object() {
            *cur = Value::Object(serde_json::Map::new());
        }
        let Value::Object(map) = cur else { return };
        if parts.peek().is_none() {
            match map.get_mut(part) {
                Some(slot) => *slot = value,
                None => {
                    map.insert(part.to_string(), value);
                }
            }
            return;
        }
        // Look up before inserting: the key usually exists, and allocating it per
        // call was a measurable share of import time.
        if !map.contains_key(part) {
            map.insert(part.to_string(), Value::Object(serde_json::Map::new()));
        }
        let Some(next) = map.get_mut(part) else {
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
