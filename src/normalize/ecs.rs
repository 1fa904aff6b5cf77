//! Documents that are already ECS (Elastic Agent / Elastic Defend, Winlogbeat 7+).
//!
//! They are kept as they are, with three repairs: literal dotted keys are
//! expanded into nested objects, `event.code` becomes a string, and for Windows
//! documents the fields vigil's own Windows mapping would produce are filled in
//! where the document lacks them (never overwriting what the shipper wrote).

use super::sink::{FieldSink, MissingFields};
use super::time::{format_ms, parse_utc_ms};
use super::util::{fill_missing, put};
use super::windows::{WinRecord, write_ecs};
use crate::model::fields;
use crate::model::fields::{has, lookup};
use memchr::memchr;
use serde_json::{Map, Value};
use std::borrow::Cow;

/// Whether a record looks like an ECS document.
pub fn looks_like(o: &Map<String, Value>) -> bool {
    has(o, "@timestamp")
        || has(o, "event")
        || has(o, "winlog")
        || o.keys()
            .any(|k| k.starts_with("event.") || k.starts_with("winlog."))
}

/// Normalizes an ECS document in place; returns the event time.
pub fn normalize(doc: &mut Value) -> Result<i64, String> {
    expand_dotted_keys(doc);
    let ts = match fields::get(doc, "@timestamp") {
        Some(Value::String(s)) => parse_utc_ms(s)
            .ok_or_else(|| format!("@timestamp {s:?} is not an RFC 3339 date-time"))?,
        Some(Value::Number(n)) => n
            .as_i64()
            .ok_or_else(|| format!("@timestamp {n} is not epoch milliseconds"))?,
        Some(other) => return Err(format!("@timestamp {other} is not a date-time")),
        None => return Err("no @timestamp: every ECS document needs its event time".into()),
    };
    put(doc, "@timestamp", format_ms(ts));
    let plain = has_plain_root(doc);
    if let Some(code) = get_in(doc, plain, "event.code").and_then(Value::as_u64) {
        put(doc, "event.code", code.to_string());
    }
    if get_in(doc, plain, "event.kind").is_none() {
        put(doc, "event.kind", "event");
    }
    if fields::get(doc, "winlog").is_some() {
        fill_windows_fields(doc, ts, plain);
    }
    Ok(ts)
}

/// Whether no top-level key has a dot (the usual case once dotted keys are expanded).
pub fn has_plain_root(doc: &Value) -> bool {
    doc.as_object()
        .is_some_and(|o| !o.keys().any(|k| memchr(b'.', k.as_bytes()).is_some()))
}

/// `fields::get`, starting from the first segment's object when `plain_root`
/// (no top-level key can then match a longer head, so the result is the same).
pub fn get_in<'a>(doc: &'a Value, plain_root: bool, path: &str) -> Option<&'a Value> {
    if !plain_root {
        return fields::get(doc, path);
    }
    let root = doc.as_object()?;
    match memchr(b'.', path.as_bytes()) {
        None => lookup(root, path),
        Some(dot) => fields::get(lookup(root, &path[..dot])?, &path[dot + 1..]),
    }
}

/// Path look-ups in one document that find its `winlog` object once.
pub struct DocView<'a> {
    doc: &'a Value,
    plain_root: bool,
    winlog: Option<&'a Value>,
}

impl<'a> DocView<'a> {
    pub fn new(doc: &'a Value, plain_root: bool) -> Self {
        let winlog = if plain_root {
            doc.as_object().and_then(|root| lookup(root, "winlog"))
        } else {
            None
        };
        DocView {
            doc,
            plain_root,
            winlog,
        }
    }

    /// Same as `fields::get(doc, path)`.
    pub fn get(&self, path: &str) -> Option<&'a Value> {
        match path.strip_prefix("winlog.") {
            Some(rest) if self.plain_root => fields::get(self.winlog?, rest),
            _ => get_in(self.doc, self.plain_root, path),
        }
    }
}

/// Adds the fields vigil's Windows mapping derives that the Winlogbeat document lacks.
fn fill_windows_fields(doc: &mut Value, ts: i64, plain_root: bool) {
    let changes = {
        let view: &Value = doc;
        let paths = DocView::new(view, plain_root);
        let source = paths.get("winlog.event_data");
        let data = match source {
            Some(Value::Object(ed)) => event_data_text(ed),
            _ => Cow::Owned(Map::new()),
        };
        let rec = win_record(&paths, ts);
        let mut sink = MissingFields::new(view);
        write_ecs(&mut sink, &rec, &data);
        // Event data read from the document's own `winlog.event_data` adds nothing to it.
        let nested = view
            .as_object()
            .and_then(|root| lookup(root, "winlog"))
            .and_then(Value::as_object)
            .and_then(|winlog| lookup(winlog, "event_data"));
        let same = matches!((source, nested), (Some(a), Some(b)) if std::ptr::eq(a, b));
        if !data.is_empty() && !same && sink.wants("winlog.event_data") {
            sink.put_value("winlog.event_data", Value::Object(data.into_owned()));
        }
        sink.finish()
    };
    changes.apply(doc);
}

/// Event data with every value as text (arrays joined), borrowed when it already is.
fn event_data_text(ed: &Map<String, Value>) -> Cow<'_, Map<String, Value>> {
    if ed.values().all(Value::is_string) {
        return Cow::Borrowed(ed);
    }
    let mut data = Map::new();
    for (k, v) in ed {
        let text = match v {
            Value::Array(items) => items
                .iter()
                .filter_map(fields::scalar_text)
                .collect::<Vec<_>>()
                .join(", "),
            other => fields::scalar_text(other).unwrap_or_default(),
        };
        data.insert(k.clone(), Value::String(text));
    }
    Cow::Owned(data)
}

/// The Windows view of a Winlogbeat document's `winlog.*`, event data left out.
fn win_record(paths: &DocView<'_>, ts: i64) -> WinRecord {
    let s = |p: &str| paths.get(p).and_then(fields::scalar_text);
    let n = |p: &str| {
        paths.get(p).and_then(|v| match v {
            Value::Number(n) => n.as_u64(),
            Value::String(s) => s.parse().ok(),
            _ => None,
        })
    };
    WinRecord {
        provider: s("winlog.provider_name").or_else(|| s("event.provider")),
        event_id: n("winlog.event_id").or_else(|| n("event.code")),
        channel: s("winlog.channel"),
        computer: s("winlog.computer_name"),
        record_id: n("winlog.record_id"),
        time_ms: Some(ts),
        created_ms: Some(ts),
        user_sid: s("winlog.user.identifier"),
        audit_success: None,
        message: None,
        data: Map::new(),
    }
}

/// `{"process.name": "x"}` -> `{"process": {"name": "x"}}`, recursively, except
/// inside `winlog.event_data` whose field names are kept as the source wrote them.
pub fn expand_dotted_keys(doc: &mut Value) {
    expand(doc, Level::Root);
}

fn is_dotted(k: &str) -> bool {
    // Most keys have no dot at all: one byte scan settles them.
    memchr(b'.', k.as_bytes()).is_some()
        && !k.starts_with('.')
        && !k.ends_with('.')
        && !k.contains("..")
}

/// Where `expand` is in the document: only `winlog.event_data` must be left alone.
#[derive(Clone, Copy, PartialEq)]
enum Level {
    Root,
    Winlog,
    EventData,
    Other,
}

fn expand(v: &mut Value, level: Level) {
    let Value::Object(map) = v else { return };
    if level == Level::EventData {
        return;
    }
    if map.keys().any(|k| is_dotted(k)) {
        let old = std::mem::take(map);
        let (plain, dotted): (Vec<_>, Vec<_>) = old.into_iter().partition(|(k, _)| !is_dotted(k));
        map.extend(plain);
        for (key, val) in dotted {
            insert_path(map, &key, val);
        }
    }
    for (k, child) in map.iter_mut() {
        let next = match (level, k.as_str()) {
            (Level::Root, "winlog") => Level::Winlog,
            (Level::Winlog, "event_data") => Level::EventData,
            _ => Level::Other,
        };
        if child.is_object() {
            expand(child, next);
        }
    }
}

/// Inserts `val` at dotted `key`, merging with objects already there. When a
/// scalar is in the way the key is kept literally, so nothing is lost.
fn insert_path(map: &mut Map<String, Value>, key: &str, val: Value) {
    let parts: Vec<&str> = key.split('.').collect();
    let (leaf, parents) = match parts.split_last() {
        Some(x) => x,
        None => return,
    };
    // Check first that every parent is an object or absent.
    let mut probe = Some(&*map);
    for part in parents {
        match probe.and_then(|m| m.get(*part)) {
            Some(Value::Object(next)) => probe = Some(next),
            Some(_) => {
                map.insert(key.to_string(), val);
                return;
            }
            None => probe = None,
        }
    }
    let mut cur = map;
    for part in parents {
        let entry = cur
            .entry((*part).to_string())
            .or_insert_with(|| Value::Object(Map::new()));
        let Value::Object(next) = entry else { return };
        cur = next;
    }
    match cur.get_mut(*leaf) {
        Some(existing) => fill_missing(existing, val),
        None => {
            cur.insert((*leaf).to_string(), val);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn dotted_keys_expand_but_event_data_names_stay() {
        let mut d = json!({"process.name": "net.exe", "process": {"pid": 1},
            "winlog": {"event_data": {"A.B": "x"}}});
        expand_dotted_keys(&mut d);
        assert_eq!(d["process"], json!({"pid": 1, "name": "net.exe"}));
        assert_eq!(d["winlog"]["event_data"]["A.B"], "x");
    }

    #[test]
    fn winlogbeat_document_gets_missing_fields() {
        let mut d = json!({"@timestamp": "2019-09-06T13:24:39.2933111Z",
            "event": {"action": "added-user-account", "code": 4720},
            "winlog": {"channel": "Security", "computer_name": "WIN-41OB2LO92CR", "event_id": 4720,
                "provider_name": "Microsoft-Windows-Security-Auditing", "record_id": 2751,
                "event_data": {"TargetUserName": "elastictest1", "UserAccountControl": ["2080", "2082"]}}});
        let ts = normalize(&mut d).unwrap();
        assert_eq!(ts, 1_567_776_279_293);
        assert_eq!(d["@timestamp"], "2019-09-06T13:24:39.293Z");
        assert_eq!(d["event"]["code"], "4720");
        assert_eq!(d["event"]["category"], json!(["iam"]));
        assert_eq!(d["user"]["target"]["name"], "elastictest1");
        assert_eq!(d["host"]["os"]["type"], "windows");
        assert_eq!(
            d["winlog"]["event_data"]["UserAccountControl"],
            json!(["2080", "2082"])
        );
    }

    #[test]
    fn missing_or_bad_timestamp_is_an_error() {
        assert!(
            normalize(&mut json!({"event": {}}))
                .unwrap_err()
                .contains("no @timestamp")
        );
        assert!(
            normalize(&mut json!({"@timestamp": "soon"}))
                .unwrap_err()
                .contains("soon")
        );
    }
}
