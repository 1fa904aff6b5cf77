//! `{"Event":{"System":...,"EventData":...}}` records, as rendered by the evtx
//! crate from binary EVTX and as written by evtx_dump-style exporters, reduced
//! to a [`WinRecord`].
//!
//! Both attribute styles are accepted: `{"#attributes":{"Name":..}}` (evtx crate)
//! and `{"@Name":..}` / `"#text"` (xmltodict-style exports).

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

/// [`to_win_record`] of an `Event` object the caller no longer needs: event data
/// strings are moved into the record instead of copied.
pub fn into_win_record(mut event: Map<String, Value>) -> WinRecord {
    match event.remove("EventData") {
        Some(data) => {
            // UserData only counts when there is no EventData.
            event.remove("UserData");
            let mut rec = to_win_record(&event);
            collect_owned_event_data(data, &mut rec.data);
            rec
        }
        None => to_win_record(&event),
    }
}

/// [`collect_event_data`], moving names and string values.
fn collect_owned_event_data(data: Value, out: &mut Map<String, Value>) {
    let Value::Object(map) = data else {
        return collect_event_data(&data, out);
    };
    for (k, v) in map {
        if k.starts_with('#') || k.starts_with('@') {
            continue;
        }
        if k == "Data" {
            collect_data_elements(&v, out);
            continue;
        }
        let text = match v {
            Value::String(s) => Some(s),
            other => scalar_or_text(&other),
        };
        if let Some(t) = text {
            out.insert(k, Value::String(t));
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_become_escapes() {
        let raw = "{\"a\":\"x\u{1}y\u{0}\"}";
        assert!(serde_json::from_str::<serde_json::Value>(raw).is_err());
        let fixed = escape_control_chars(raw);
        let v: serde_json::Value = serde_json::from_str(&fixed).unwrap();
        assert_eq!(v["a"], "x\u{1}y\u{0}");
    }
    use serde_json::json;

    #[test]
    fn evtx_crate_shape() {
        let ev = json!({
            "System": {
                "Provider": {"#attributes": {"Name": "Microsoft-Windows-Security-Auditing"}},
                "EventID": 4720, "Channel": "Security", "Computer": "DC01.offsec.lan",
                "EventRecordID": 12, "Keywords": "0x8020000000000000",
                "TimeCreated": {"#attributes": {"SystemTime": "2021-01-01T00:00:00.5Z"}}
            },
            "EventData": {"TargetUserName": "toto3", "ProcessId": 5244, "Nothing": null}
        });
        let r = to_win_record(ev.as_object().unwrap());
        assert_eq!(r.event_id, Some(4720));
        assert_eq!(r.record_id, Some(12));
        assert_eq!(r.time_ms, Some(1_609_459_200_500));
        assert_eq!(r.audit_success, Some(true));
        assert_eq!(r.data["TargetUserName"], "toto3");
        assert_eq!(r.data["ProcessId"], "5244");
        assert!(!r.data.contains_key("Nothing"));
    }

    #[test]
    fn xmltodict_shape_and_unnamed_data() {
        let ev = json!({
            "System": {"Provider": {"@Name": "Service Control Manager"},
                       "EventID": {"@Qualifiers": "16384", "#text": "7036"},
                       "TimeCreated": {"@SystemTime": "2021-01-01 00:00:00"}},
            "EventData": {"Data": [{"@Name": "param1", "#text": "WinHTTP"}, "running"]}
        });
        let r = to_win_record(ev.as_object().unwrap());
        assert_eq!(r.provider.as_deref(), Some("Service Control Manager"));
        assert_eq!(r.event_id, Some(7036));
        assert_eq!(r.time_ms, Some(1_609_459_200_000));
        assert_eq!(r.data["param1"], "WinHTTP");
    }

    #[test]
    fn owned_and_borrowed_readings_agree() {
        let events = [
            json!({"System": {"EventID": 1}, "EventData": {"A": "x", "B": 2, "#text": "t",
                "Data": [{"@Name": "C", "#text": "y"}, "z"], "D": ["p", {"#text": "q"}]},
                "UserData": {"X": {"SubjectUserName": "bob"}}}),
            json!({"System": {"EventID": 2}, "EventData": "plain"}),
            json!({"System": {"EventID": 3}, "EventData": null, "UserData": {"X": {"A": "1"}}}),
            json!({"System": {"EventID": 4}, "UserData": {"X": {"A": "1"}, "Y": 5}}),
        ];
        for ev in events {
            let map = ev.as_object().unwrap();
            let borrowed = to_win_record(map);
            let owned = into_win_record(map.clone());
            assert_eq!(
                serde_json::to_string(&owned.data).unwrap(),
                serde_json::to_string(&borrowed.data).unwrap(),
                "{ev}"
            );
            assert_eq!(owned.event_id, borrowed.event_id);
        }
    }

    #[test]
    fn user_data_is_flattened() {
        let ev = json!({"System": {"EventID": 1102},
            "UserData": {"LogFileCleared": {"#attributes": {"xmlns": "x"}, "SubjectUserName": "bob"}}});
        let r = to_win_record(ev.as_object().unwrap());
        assert_eq!(r.data["SubjectUserName"], "bob");
    }
}
