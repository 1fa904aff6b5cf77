//! Frozen copy of `normalize/ecs.rs` as it was before the fill-only Winlogbeat path,
//! the reference the equivalence tests compare the live normalizer against.

use super::time::{format_ms, parse_utc_ms};
use super::util::{fill_missing, put};
use super::windows::{WinRecord, to_ecs};
use crate::model::fields;
use serde_json::{Map, Value};

/// Whether a record looks like an ECS document.
pub fn looks_like(o: &Map<String, Value>) -> bool {
    o.contains_key("@timestamp")
        || o.contains_key("event")
        || o.contains_key("winlog")
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
    if let Some(code) = fields::get(doc, "event.code").and_then(Value::as_u64) {
        put(doc, "event.code", code.to_string());
    }
    if fields::get(doc, "event.kind").is_none() {
        put(doc, "event.kind", "event");
    }
    if fields::get(doc, "winlog").is_some() {
        let rec = win_record(doc, ts);
        let derived = to_ecs(rec);
        fill_missing(doc, derived);
    }
    Ok(ts)
}

/// Rebuilds the Windows view of a Winlogbeat document from its `winlog.*`.
fn win_record(doc: &Value, ts: i64) -> WinRecord {
    let s = |p: &str| fields::get(doc, p).and_then(fields::scalar_text);
    let n = |p: &str| {
        fields::get(doc, p).and_then(|v| match v {
            Value::Number(n) => n.as_u64(),
            Value::String(s) => s.parse().ok(),
            _ => None,
        })
    };
    let mut data = Map::new();
    if let Some(Value::Object(ed)) = fields::get(doc, "winlog.event_data") {
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
    }
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
        data,
    }
}

/// `{"process.name": "x"}` -> `{"process": {"name": "x"}}`, recursively, except
/// inside `winlog.event_data` whose field names are kept as the source wrote them.
pub fn expand_dotted_keys(doc: &mut Value) {
    expand(doc, Level::Root);
}

fn is_dotted(k: &str) -> bool {
    k.contains('.') && !k.starts_with('.') && !k.ends_with('.') && !k.contains("..")
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
