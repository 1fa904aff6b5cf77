//! Frozen copy of `normalize/evtx_json.rs` as it was before the fill-only Winlogbeat path,
//! the reference the equivalence tests compare the live normalizer against.

use super::time::parse_utc_ms;
use super::util::value_text;
use super::windows::WinRecord;
use serde_json::{Map, Value};

/// Replaces raw control characters (invalid inside JSON strings) by `\u00XX` escapes.
/// The `evtx` crate can leave them in rendered records (damaged or odd data); records are
/// rendered on one line, so every such character sits inside a string.
pub fn escape_control_chars(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if (c as u32) < 0x20 {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// Reads the System and EventData/UserData parts of an `Event` object.
pub fn to_win_record(event: &Map<String, Value>) -> WinRecord {
    let empty = Map::new();
    let system = event
        .get("System")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let created = attr(system.get("TimeCreated"), "SystemTime").and_then(|t| parse_utc_ms(&t));
    let mut rec = WinRecord {
        provider: attr(system.get("Provider"), "Name"),
        event_id: system.get("EventID").and_then(number),
        channel: system.get("Channel").and_then(text),
        computer: system.get("Computer").and_then(text),
        record_id: system.get("EventRecordID").and_then(number),
        time_ms: created,
        created_ms: created,
        user_sid: attr(system.get("Security"), "UserID"),
        ..Default::default()
    };
    if let Some(k) = system.get("Keywords").and_then(text) {
        rec.audit_success = audit_outcome(&k);
    }
    if let Some(data) = event.get("EventData") {
        collect_event_data(data, &mut rec.data);
    } else if let Some(Value::Object(user_data)) = event.get("UserData") {
        // UserData wraps its fields in one provider-specific element.
        for (k, v) in user_data {
            if k.starts_with('#') || k.starts_with('@') {
                continue;
            }
            match v {
                Value::Object(_) => collect_event_data(v, &mut rec.data),
                other => {
                    if let Some(t) = value_text(other) {
                        rec.data.insert(k.clone(), Value::String(t));
                    }
                }
            }
        }
    }
    rec
}

/// Keywords bit 0x0020000000000000 is audit success, 0x0010000000000000 failure.
fn audit_outcome(keywords: &str) -> Option<bool> {
    let hex = keywords.trim().trim_start_matches("0x");
    let bits = u64::from_str_radix(hex, 16).ok()?;
    if bits & 0x0020_0000_0000_0000 != 0 {
        Some(true)
    } else if bits & 0x0010_0000_0000_0000 != 0 {
        Some(false)
    } else {
        None
    }
}

fn collect_event_data(data: &Value, out: &mut Map<String, Value>) {
    let Value::Object(map) = data else {
        if let Some(t) = value_text(data) {
            out.insert("param1".into(), Value::String(t));
        }
        return;
    };
    for (k, v) in map {
        if k.starts_with('#') || k.starts_with('@') {
            continue;
        }
        if k == "Data" {
            collect_data_elements(v, out);
            continue;
        }
        if let Some(t) = scalar_or_text(v) {
            out.insert(k.clone(), Value::String(t));
        }
    }
}

/// `Data` elements: named (`{"#attributes":{"Name":"x"},"#text":"v"}` or
/// `{"@Name":"x","#text":"v"}`) or unnamed (`param1`, `param2`... as Winlogbeat does).
fn collect_data_elements(v: &Value, out: &mut Map<String, Value>) {
    let items: Vec<&Value> = match v {
        Value::Array(a) => a.iter().collect(),
        other => vec![other],
    };
    for (position, item) in items.into_iter().enumerate() {
        let name = attr(Some(item), "Name");
        let value = match item {
            Value::Object(o) => o.get("#text").and_then(scalar_or_text),
            other => scalar_or_text(other),
        };
        let key = match name {
            Some(n) => n,
            None => format!("param{}", position + 1),
        };
        out.insert(key, Value::String(value.unwrap_or_default()));
    }
}

fn scalar_or_text(v: &Value) -> Option<String> {
    match v {
        Value::Object(o) => o.get("#text").and_then(scalar_or_text),
        Value::Array(a) => {
            let parts: Vec<String> = a.iter().filter_map(scalar_or_text).collect();
            Some(parts.join(", "))
        }
        other => value_text(other),
    }
}

/// An XML attribute in either rendering style, as text.
fn attr(v: Option<&Value>, name: &str) -> Option<String> {
    let o = v?.as_object()?;
    o.get("#attributes")
        .and_then(|a| a.get(name))
        .or_else(|| o.get(&format!("@{name}")))
        .or_else(|| o.get(name))
        .and_then(value_text)
}

fn text(v: &Value) -> Option<String> {
    scalar_or_text(v).filter(|s| !s.is_empty())
}

fn number(v: &Value) -> Option<u64> {
    match v {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse().ok(),
        Value::Object(o) => o.get("#text").and_then(number),
        _ => None,
    }
}
