//! Frozen copy of `normalize/util.rs` as it was before the fill-only Winlogbeat path,
//! the reference the equivalence tests compare the live normalizer against.

use crate::model::fields;
use serde_json::{Map, Value};

/// Sets `path` in `doc`.
pub fn put(doc: &mut Value, path: &str, value: impl Into<Value>) {
    fields::set(doc, path, value.into());
}

/// Sets `path` to a string unless it is empty or Windows' placeholder "-".
pub fn put_str(doc: &mut Value, path: &str, value: Option<&str>) {
    if let Some(v) = value.map(str::trim)
        && !is_blank(v)
    {
        fields::set(doc, path, Value::String(v.to_string()));
    }
}

/// Windows' "no value": empty or "-".
pub fn is_blank(v: &str) -> bool {
    v.is_empty() || v == "-"
}

/// The file name of a Windows or Unix path.
pub fn basename(path: &str) -> &str {
    path.rsplit(['\\', '/']).next().unwrap_or(path)
}

/// Parses a process id written in decimal or `0x` hexadecimal.
pub fn parse_pid(v: &str) -> Option<u64> {
    let v = v.trim();
    if let Some(hex) = v.strip_prefix("0x").or_else(|| v.strip_prefix("0X")) {
        u64::from_str_radix(hex, 16).ok()
    } else {
        v.parse().ok()
    }
}

/// Splits `DOMAIN\user` into (domain, user); a bare name has no domain.
pub fn split_domain_user(v: &str) -> (Option<&str>, &str) {
    match v.split_once('\\') {
        Some((d, u)) => (Some(d), u),
        None => (None, v),
    }
}

/// Renders a JSON value as the string Windows event data would carry.
pub fn value_text(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        other => Some(other.to_string()),
    }
}

/// String lookup in an event-data map.
pub fn ed<'a>(data: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    data.get(key).and_then(Value::as_str)
}

/// Fills `target` with every field of `extra` that `target` does not have yet
/// (recursively for objects). Existing values always win.
pub fn fill_missing(target: &mut Value, extra: Value) {
    if let (Value::Object(t), Value::Object(e)) = (target, extra) {
        for (k, v) in e {
            match t.get_mut(&k) {
                Some(existing) => fill_missing(existing, v),
                None => {
                    t.insert(k, v);
                }
            }
        }
    }
}
