//! Small helpers shared by the normalizers: setting dotted paths, Windows value
//! conventions ("-" means empty, hex process ids, `DOMAIN\user`).

use super::sink::FieldSink;
use crate::model::fields::lookup;
use serde_json::{Map, Value};

/// Sets `path` in `doc`.
pub fn put(doc: &mut impl FieldSink, path: &str, value: impl Into<Value>) {
    if doc.wants(path) {
        doc.put_value(path, value.into());
    }
}

/// Sets `path` to a string unless it is empty or Windows' placeholder "-".
pub fn put_str(doc: &mut impl FieldSink, path: &str, value: Option<&str>) {
    if let Some(v) = value.map(str::trim)
        && !is_blank(v)
        && doc.wants(path)
    {
        doc.put_value(path, Value::String(v.to_string()));
    }
}

/// [`put_str`] of event-data field `key`, looked up only when `path` is wanted.
pub fn put_ed(doc: &mut impl FieldSink, path: &str, data: &Map<String, Value>, key: &str) {
    if doc.wants(path)
        && let Some(v) = ed(data, key).map(str::trim)
        && !is_blank(v)
    {
        doc.put_value(path, Value::String(v.to_string()));
    }
}

/// `prefix.leaf` in a reused buffer (paths built per event would each allocate).
pub fn joined<'b>(buf: &'b mut String, prefix: &str, leaf: &str) -> &'b str {
    buf.clear();
    buf.push_str(prefix);
    buf.push('.');
    buf.push_str(leaf);
    buf
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
    lookup(data, key).and_then(Value::as_str)
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn helpers() {
        assert_eq!(basename("C:\\Windows\\System32\\net.exe"), "net.exe");
        assert_eq!(basename("/usr/sbin/useradd"), "useradd");
        assert_eq!(basename("net.exe"), "net.exe");
        assert_eq!(parse_pid("0x1e58"), Some(7768));
        assert_eq!(parse_pid("7768"), Some(7768));
        assert_eq!(parse_pid("zz"), None);
        assert_eq!(
            split_domain_user("NT AUTHORITY\\SYSTEM"),
            (Some("NT AUTHORITY"), "SYSTEM")
        );
        assert_eq!(split_domain_user("bob"), (None, "bob"));
        let mut d = json!({"a": {"b": 1}});
        fill_missing(&mut d, json!({"a": {"b": 2, "c": 3}, "d": 4}));
        assert_eq!(d, json!({"a": {"b": 1, "c": 3}, "d": 4}));
        let mut d = json!({});
        put_str(&mut d, "x.y", Some("-"));
        put_str(&mut d, "x.z", Some("v"));
        assert_eq!(d, json!({"x": {"z": "v"}}));
    }
}
