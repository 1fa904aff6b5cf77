//! Path look-ups and writes tuned for the small objects of event documents: keys are
//! found by scanning when an object has few of them (cheaper than hashing a key with
//! SipHash), with results identical to `model::fields::{get, set}`.

use serde_json::{Map, Value};

/// Maps with at most this many keys are searched in order instead of hashed:
/// comparing a few short keys costs less than one SipHash.
const SCAN_LIMIT: usize = 12;

/// `map.get(key)`, by scanning when the map is small.
pub fn lookup<'a>(map: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    if map.len() <= SCAN_LIMIT {
        map.iter().find(|(k, _)| same_key(k, key)).map(|(_, v)| v)
    } else {
        map.get(key)
    }
}

/// Key equality that settles most mismatches on length and first byte, before
/// calling a byte comparison.
fn same_key(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.as_bytes().first() == b.as_bytes().first() && a == b
}

/// Whether `map` has `key` (see [`lookup`]).
pub fn has(map: &Map<String, Value>, key: &str) -> bool {
    lookup(map, key).is_some()
}

pub fn lookup_mut<'a>(map: &'a mut Map<String, Value>, key: &str) -> Option<&'a mut Value> {
    if map.len() <= SCAN_LIMIT {
        map.iter_mut()
            .find(|(k, _)| same_key(k, key))
            .map(|(_, v)| v)
    } else {
        map.get_mut(key)
    }
}

/// Room reserved in objects created by [`set_path`]: enough for the usual ECS
/// groups (`event`, `winlog`, `process`), so that they are not re-hashed as they grow.
const NEW_OBJECT_CAPACITY: usize = 8;

/// Same as `fields::set` (objects created on the way, non-objects on the path
/// replaced, an existing key keeps its place), with cheaper look-ups.
pub fn set_path(doc: &mut Value, path: &str, value: Value) {
    let mut cur = doc;
    let mut rest = path;
    loop {
        let (part, next) = match first_dot(rest) {
            Some(dot) => (&rest[..dot], Some(&rest[dot + 1..])),
            None => (rest, None),
        };
        if !cur.is_object() {
            *cur = Value::Object(Map::with_capacity(NEW_OBJECT_CAPACITY));
        }
        let Value::Object(map) = cur else { return };
        let Some(next) = next else {
            match lookup_mut(map, part) {
                Some(slot) => *slot = value,
                None => {
                    map.insert(part.to_string(), value);
                }
            }
            return;
        };
        if lookup(map, part).is_none() {
            map.insert(
                part.to_string(),
                Value::Object(Map::with_capacity(NEW_OBJECT_CAPACITY)),
            );
        }
        let Some(child) = lookup_mut(map, part) else {
            return;
        };
        cur = child;
        rest = next;
    }
}

/// The byte offset of the first `.` in `path`.
pub fn first_dot(path: &str) -> Option<usize> {
    path.bytes().position(|b| b == b'.')
}

/// Whether `key` has a `.`, eight bytes at a time (keys are short and mostly dot-free).
pub fn has_dot(key: &str) -> bool {
    const DOTS: u64 = u64::from_ne_bytes([b'.'; 8]);
    const LOW: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGH: u64 = u64::from_ne_bytes([0x80; 8]);
    let mut chunks = key.as_bytes().chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        // A zero byte in `x` (a dot in the chunk) sets its high bit here.
        let x = u64::from_ne_bytes(word) ^ DOTS;
        if x.wrapping_sub(LOW) & !x & HIGH != 0 {
            return true;
        }
    }
    chunks.remainder().contains(&b'.')
}

/// The byte offset of the last `.` in `path`.
pub fn last_dot(path: &str) -> Option<usize> {
    path.bytes().rposition(|b| b == b'.')
}

/// Same as `fields::get`: at every level the longest literal key first, then descent.
pub fn get_path<'a>(doc: &'a Value, path: &str) -> Option<&'a Value> {
    let obj = doc.as_object()?;
    if let Some(v) = lookup(obj, path) {
        return Some(v);
    }
    let mut end = path.len();
    while let Some(dot) = last_dot(&path[..end]) {
        let (head, rest) = (&path[..dot], &path[dot + 1..]);
        if let Some(child) = lookup(obj, head)
            && let Some(found) = get_path(child, rest)
        {
            return Some(found);
        }
        end = dot;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::fields;
    use serde_json::json;

    #[test]
    fn set_path_matches_fields_set() {
        let mut big = Map::new();
        for i in 0..20 {
            big.insert(format!("k{i}"), json!(i));
        }
        let docs = [
            json!({}),
            json!({"a": 1}),
            json!({"a": {"b": [1]}}),
            Value::Object(big),
        ];
        for d in docs {
            for path in [
                "a", "a.b", "a.b.c", "k3", "k3.x", "z.y", "", ".", "a..b", "a.", ".a",
            ] {
                let mut expected = d.clone();
                fields::set(&mut expected, path, json!("v"));
                let mut actual = d.clone();
                set_path(&mut actual, path, json!("v"));
                assert_eq!(
                    serde_json::to_string(&actual).unwrap(),
                    serde_json::to_string(&expected).unwrap()
                );
            }
        }
    }

    #[test]
    fn dots_are_found_anywhere() {
        for key in [
            "",
            ".",
            "a",
            "abcdefgh",
            "abcdefgh.",
            "abcdefg.",
            ".bcdefgh",
            "process.name",
            "\u{e9}t\u{e9}.x",
            "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
            "abcdefghijklmnop.q",
            "n\u{2e}",
        ] {
            assert_eq!(has_dot(key), key.contains('.'), "{key}");
        }
        for b in 0..=255u8 {
            let key = String::from_utf8_lossy(&[b'a', b, b'c', b'd', b'e', b'f', b'g', b'h'])
                .into_owned();
            assert_eq!(has_dot(&key), key.contains('.'), "{b}");
        }
    }

    #[test]
    fn get_path_matches_fields_get() {
        let mut big = Map::new();
        for i in 0..20 {
            big.insert(format!("k{i}"), json!({"x": i}));
        }
        big.insert("a.b".into(), json!({"c": 1}));
        let docs = [
            json!({"a": {"b": {"c": 2}}, "a.b": {"c": 1}, "a.b.c": 0}),
            json!({"a": {"b": {"c": 2}}, "a.b": 5}),
            json!({"a": {"b.c": 3}}),
            json!({"a": [1]}),
            json!("s"),
            Value::Object(big),
        ];
        for d in &docs {
            for path in ["a", "a.b", "a.b.c", "k3.x", "k19", "a.x", "", "."] {
                assert_eq!(get_path(d, path), fields::get(d, path), "{d} {path}");
            }
        }
    }
}
