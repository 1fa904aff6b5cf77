//! The logsource facts of one document (channel, codes, ECS category/type/module/dataset,
//! OS), read once per event for the dispatcher, the guards and the candidate memo.
//!
//! The usual document shape is read in one pass over the `event`, `winlog` and `host`
//! objects instead of nine dotted-path lookups, each hashing keys at every level.

use serde_json::Value;

/// What the dispatcher extracts from a document once per event.
#[derive(Debug, PartialEq)]
pub struct DocFacts<'a> {
    pub channel: Option<&'a str>,
    pub code: Option<u32>,
    /// The code exactly as a rule's `EventID` test reads it (`event.code`, or
    /// `winlog.event_id` when absent); `None` when it is not a plain number.
    pub event_id: Option<u32>,
    pub os: Option<&'a str>,
    /// `event.category`, `event.type` and `event.module` as stored (string or array),
    /// looked up once so guards on thousands of rules do not repeat the lookups.
    pub category: Option<&'a Value>,
    pub event_type: Option<&'a Value>,
    pub module: Option<&'a Value>,
    pub dataset: Option<&'a str>,
    pub doc: &'a Value,
}

impl<'a> DocFacts<'a> {
    /// Reads the facts with one pass over the `event`, `winlog` and `host` objects.
    /// Documents with dotted keys at the top level take the plain path lookups, whose
    /// precedence rules the one-pass reading does not reproduce.
    pub fn of(doc: &'a Value) -> Self {
        let Value::Object(top) = doc else {
            return Self::of_plain(doc);
        };
        let (mut event, mut winlog, mut host) = (None, None, None);
        for (k, v) in top {
            match k.as_str() {
                "event" => event = Some(v),
                "winlog" => winlog = Some(v),
                "host" => host = Some(v),
                other if other.contains('.') => return Self::of_plain(doc),
                _ => {}
            }
        }
        let member = |obj: Option<&'a Value>, name: &str| match obj {
            Some(Value::Object(m)) => m.get(name),
            _ => None,
        };
        let (mut code, mut category, mut event_type, mut module, mut dataset) =
            (None, None, None, None, None);
        if let Some(Value::Object(e)) = event {
            for (k, v) in e {
                match k.as_str() {
                    "code" => code = Some(v),
                    "category" => category = Some(v),
                    "type" => event_type = Some(v),
                    "module" => module = Some(v),
                    "dataset" => dataset = Some(v),
                    _ => {}
                }
            }
        }
        let (mut channel, mut event_id) = (None, None);
        if let Some(Value::Object(w)) = winlog {
            for (k, v) in w {
                match k.as_str() {
                    "channel" => channel = Some(v),
                    "event_id" => event_id = Some(v),
                    _ => {}
                }
            }
        }
        // `host.os.type`: a literal `os.type` key under `host` wins over `host.os`.
        let os = member(host, "os.type").or_else(|| member(member(host, "os"), "type"));
        Self::from_values(
            doc, channel, code, event_id, os, category, event_type, module, dataset,
        )
    }

    /// The same facts through plain dotted-path lookups.
    pub fn of_plain(doc: &'a Value) -> Self {
        let get = |path: &str| crate::model::fields::get(doc, path);
        Self::from_values(
            doc,
            get("winlog.channel"),
            get("event.code"),
            get("winlog.event_id"),
            get("host.os.type"),
            get("event.category"),
            get("event.type"),
            get("event.module"),
            get("event.dataset"),
        )
    }

    #[allow(clippy::too_many_arguments)]
    fn from_values(
        doc: &'a Value,
        channel: Option<&'a Value>,
        event_code: Option<&'a Value>,
        winlog_event_id: Option<&'a Value>,
        os: Option<&'a Value>,
        category: Option<&'a Value>,
        event_type: Option<&'a Value>,
        module: Option<&'a Value>,
        dataset: Option<&'a Value>,
    ) -> Self {
        let plain_code = |v: &Value| match v {
            Value::String(s) => s.trim().parse().ok(),
            Value::Number(n) => n.as_u64().and_then(|n| u32::try_from(n).ok()),
            _ => None,
        };
        let numeric_id = |v: &Value| v.as_u64().and_then(|n| u32::try_from(n).ok());
        // `code` falls back to a numeric `winlog.event_id` whenever `event.code` gives no
        // number; `event_id` reads `winlog.event_id` only when `event.code` is absent.
        let (code, event_id) = match event_code {
            Some(v) => {
                let c = plain_code(v);
                let code = c.or_else(|| winlog_event_id.and_then(numeric_id));
                (code, c)
            }
            None => (
                winlog_event_id.and_then(numeric_id),
                winlog_event_id.and_then(plain_code),
            ),
        };
        let dataset = match dataset {
            Some(Value::String(s)) => Some(s.as_str()),
            Some(Value::Array(items)) => items.iter().find_map(Value::as_str),
            _ => None,
        };
        Self {
            channel: channel.and_then(first_str),
            code,
            event_id,
            os: os.and_then(first_str),
            category,
            event_type,
            module,
            dataset,
            doc,
        }
    }
}

/// A string, or the first string of an array (as `fields::first_str` reads a value).
fn first_str(v: &Value) -> Option<&str> {
    match v {
        Value::String(s) => Some(s.as_str()),
        Value::Array(items) => items.iter().find_map(Value::as_str),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn one_pass_reads_what_the_path_lookups_read() {
        let docs = [
            json!({"winlog": {"channel": "Security", "event_id": 4688}, "event": {"code": "4688"}}),
            json!({"winlog": {"channel": ["Security", "x"], "event_id": "12"}}),
            json!({"winlog": {"event_id": 12}, "event": {"code": "x12"}}),
            json!({"event": {"code": 1, "category": ["process"], "type": "start", "module": "sysmon", "dataset": ["a.b"]}}),
            json!({"host": {"os": {"type": "linux"}}, "event": {"category": "process"}}),
            json!({"host": {"os.type": "macos", "os": {"type": "linux"}}}),
            json!({"host": {"os": "windows"}}),
            json!({"host": ["x"], "event": "not an object", "winlog": 3}),
            json!({"event.code": "4720", "event": {"code": "1"}, "winlog": {"channel": "Security"}}),
            json!({"winlog.channel": "System", "winlog": {"channel": "Security"}}),
            json!({"event": {"code.x": "1", "code": " 7 ", "module": 5, "dataset": 5}}),
            json!([1, 2]),
            json!({}),
        ];
        for doc in &docs {
            assert_eq!(DocFacts::of(doc), DocFacts::of_plain(doc), "{doc}");
        }
    }
}
