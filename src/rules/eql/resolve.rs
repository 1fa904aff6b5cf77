//! Dotted-path lookup with the exact semantics of `model::fields::get` (at every level
//! the longest literal key that is the path or a dotted head of it wins, shorter heads
//! are tried when descending fails), but one scan over the keys of each small object
//! instead of one SipHash lookup per split point: field lookups were most of the cost
//! of evaluating a rule.

use crate::model::fields;
use serde_json::Value;

/// Objects with more keys than this are searched by hashing, as `fields::get` does.
const SCAN_LIMIT: usize = 24;
/// Dotted heads of one path present in one object that the scan can hold.
const MAX_HEADS: usize = 4;

pub fn get<'a>(doc: &'a Value, path: &str) -> Option<&'a Value> {
    let obj = doc.as_object()?;
    if obj.len() > SCAN_LIMIT {
        return fields::get(doc, path);
    }
    let bytes = path.as_bytes();
    let mut heads: [(usize, Option<&'a Value>); MAX_HEADS] = [(0, None); MAX_HEADS];
    let mut found = 0;
    for (k, v) in obj {
        let kb = k.as_bytes();
        if kb.len() > bytes.len() || !bytes.starts_with(kb) {
            continue;
        }
        if kb.len() == bytes.len() {
            return Some(v);
        }
        if bytes.get(kb.len()) == Some(&b'.') {
            if found == MAX_HEADS {
                return fields::get(doc, path);
            }
            heads[found] = (kb.len(), Some(v));
            found += 1;
        }
    }
    let heads = &mut heads[..found];
    heads.sort_unstable_by_key(|h| std::cmp::Reverse(h.0));
    for &(len, child) in heads.iter() {
        if let (Some(child), Some(rest)) = (child, path.get(len + 1..))
            && let Some(v) = get(child, rest)
        {
            return Some(v);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn agrees_with_the_model_lookup() {
        let mut big = serde_json::Map::new();
        for i in 0..40 {
            big.insert(format!("k{i}"), json!(i));
        }
        big.insert("a.b".into(), json!({"c": 1}));
        let docs = [
            json!({"process": {"parent": {"name": "cmd.exe"}}}),
            json!({"process.parent.name": "dotted"}),
            json!({"process": {"parent.name": "mixed"}, "process.parent": {"name": "longer"}}),
            json!({"process.parent": {"x": 1}, "process": {"parent": {"name": "fallback"}}}),
            json!({"winlog": {"event_data": {"Some.Field": "x", "Some": {"Field": "y"}}}}),
            json!({"a": [{"b": 1}], "a.b": null}),
            json!({"": {"": 1}, ".": 2}),
            json!({"process": "scalar"}),
            json!({"a": {"b": {"c": {"d": {"e": 5}}}}, "a.b.c": {"d.e": 6}}),
            Value::Object(big),
            json!("not an object"),
        ];
        let paths = [
            "process.parent.name",
            "process.parent",
            "process",
            "winlog.event_data.Some.Field",
            "a.b",
            "a.b.c",
            "a.b.c.d.e",
            ".",
            "",
            "..",
            "k3",
            "a.b.c.missing",
        ];
        for d in &docs {
            for p in paths {
                assert_eq!(get(d, p), fields::get(d, p), "{p} in {d}");
            }
        }
    }
}
