//! NXLog `im_msvistalog` JSON lines (as in the OTRF Mordor datasets): the
//! System fields and every EventData field side by side at the top level.
//!
//! The envelope keys NXLog adds are separated from the event's own data. Times:
//! Sysmon's `UtcTime` when present; otherwise `EventTime`, which is in the
//! collector's local zone, shifted by the offset between `EventReceivedTime`
//! (local) and the pipeline's `@timestamp` (UTC); `@timestamp` as a last resort.

use super::time::{infer_offset_ms, parse_naive, parse_utc_ms};
use super::util::value_text;
use super::windows::WinRecord;
use crate::model::fields::has;
use chrono::{TimeZone, Utc};
use serde_json::{Map, Value};

/// Keys written by NXLog or the shipping pipeline, not by the event.
const ENVELOPE: &[&str] = &[
    "@timestamp",
    "@version",
    "AccountName",
    "AccountType",
    "Category",
    "Channel",
    "Domain",
    "EventID",
    "EventReceivedTime",
    "EventTime",
    "EventType",
    "ExecutionProcessID",
    "Hostname",
    "Keywords",
    "Message",
    "Opcode",
    "OpcodeValue",
    "ProviderGuid",
    "RecordNumber",
    "Severity",
    "SeverityValue",
    "SourceModuleName",
    "SourceModuleType",
    "SourceName",
    "Task",
    "ThreadID",
    "UserID",
    "Version",
    "host",
    "port",
    "tags",
];

/// Whether a record looks like NXLog's Windows output.
pub fn looks_like(o: &Map<String, Value>) -> bool {
    has(o, "EventID")
        && (has(o, "Channel") || has(o, "SourceName"))
        && (has(o, "Hostname") || has(o, "EventTime"))
}

/// Reduces an NXLog record to a [`WinRecord`]; also returns NXLog's category text.
pub fn to_win_record(o: &Map<String, Value>) -> (WinRecord, Option<String>) {
    let s = |k: &str| o.get(k).and_then(value_text).filter(|v| !v.is_empty());
    let n = |k: &str| match o.get(k) {
        Some(Value::Number(n)) => n.as_u64(),
        Some(Value::String(s)) => s.trim().parse().ok(),
        _ => None,
    };
    let mut data = Map::new();
    for (k, v) in o {
        if ENVELOPE.binary_search(&k.as_str()).is_ok() {
            continue;
        }
        if let Some(t) = value_text(v) {
            data.insert(k.clone(), Value::String(t));
        }
    }
    let rec = WinRecord {
        provider: s("SourceName"),
        event_id: n("EventID"),
        channel: s("Channel"),
        computer: s("Hostname"),
        record_id: n("RecordNumber"),
        time_ms: s("UtcTime")
            .and_then(|t| parse_utc_ms(&t))
            .or_else(|| record_time(o)),
        created_ms: record_time(o),
        user_sid: s("UserID"),
        audit_success: match o.get("EventType").and_then(Value::as_str) {
            Some("AUDIT_SUCCESS") => Some(true),
            Some("AUDIT_FAILURE") => Some(false),
            _ => None,
        },
        message: s("Message"),
        data,
    };
    (rec, s("Category"))
}

/// EventTime (the record's creation time in the collector's zone) made UTC.
fn record_time(o: &Map<String, Value>) -> Option<i64> {
    let s = |k: &str| o.get(k).and_then(Value::as_str);
    if let Some(local) = s("EventTime").and_then(parse_naive) {
        let offset = match (s("EventReceivedTime"), s("@timestamp")) {
            (Some(received), Some(ingested)) => infer_offset_ms(received, ingested),
            _ => None,
        };
        let local_ms = Utc.from_utc_datetime(&local).timestamp_millis();
        return Some(local_ms + offset.unwrap_or(0));
    }
    s("@timestamp").and_then(parse_utc_ms)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn envelope_list_is_sorted_for_binary_search() {
        let mut sorted = ENVELOPE.to_vec();
        sorted.sort();
        assert_eq!(sorted, ENVELOPE);
    }

    #[test]
    fn mordor_record() {
        let o = json!({"EventID": 4688, "RecordNumber": 56058, "SourceName": "Microsoft-Windows-Security-Auditing",
            "Channel": "security", "Hostname": "WORKSTATION6.theshire.local", "EventTime": "2020-09-14 08:06:02",
            "EventReceivedTime": "2020-09-14 08:06:03", "@timestamp": "2020-09-14T12:06:03.874Z",
            "EventType": "AUDIT_SUCCESS", "NewProcessId": "0x1e58", "Category": "Process Creation",
            "port": 60427});
        let (r, cat) = to_win_record(o.as_object().unwrap());
        assert_eq!(r.event_id, Some(4688));
        assert_eq!(r.record_id, Some(56058));
        assert_eq!(r.channel.as_deref(), Some("security"));
        assert_eq!(r.time_ms, parse_utc_ms("2020-09-14T12:06:02Z"));
        assert_eq!(r.data["NewProcessId"], "0x1e58");
        assert!(!r.data.contains_key("port"));
        assert_eq!(cat.as_deref(), Some("Process Creation"));
        assert!(looks_like(o.as_object().unwrap()));
    }

    #[test]
    fn sysmon_utc_time_wins() {
        let o = json!({"EventID": 1, "Channel": "Microsoft-Windows-Sysmon/Operational",
            "EventTime": "2020-09-14 08:06:02", "UtcTime": "2020-09-14 12:06:02.316"});
        let (r, _) = to_win_record(o.as_object().unwrap());
        assert_eq!(r.time_ms, Some(1_600_085_162_316));
    }
}
