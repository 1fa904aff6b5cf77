//! Normalization of raw records to ECS [`Event`]s, keeping the original verbatim.
//!
//! A record's shape decides its mapping (not the file it came from): evtx_dump
//! style `{"Event":{"System"...}}`, NXLog flattened Windows JSON, Defender
//! advanced-hunting rows, or ECS documents. The whole mapping is documented in
//! docs/field-mapping.md.

pub mod auditd;
pub mod auditd_parse;
pub mod cloud;
pub mod cloudtrail;
pub mod cmdline;
pub mod defender;
pub mod ecs;
pub mod entra;
#[cfg(test)]
mod equivalence_tests;
pub mod evtx_json;
pub mod iam;
pub mod identity;
pub mod m365;
pub mod nxlog;
pub mod sink;
pub mod sysmon;
pub mod time;
pub mod util;
pub mod windows;
pub mod winproc;

use crate::ingest::{RawKind, RawRecord};
use crate::model::{Event, fields};
use serde_json::Value;
use util::put;

/// The source format of an event, as stored in `vigil.source.format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SourceFormat {
    Evtx,
    EvtxJson,
    Nxlog,
    Ecs,
    Defender,
    CloudTrail,
    EntraAudit,
    M365Audit,
    Auditd,
}

impl SourceFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            SourceFormat::Evtx => "evtx",
            SourceFormat::EvtxJson => "evtx_json",
            SourceFormat::Nxlog => "nxlog",
            SourceFormat::Ecs => "ecs",
            SourceFormat::Defender => "defender",
            SourceFormat::CloudTrail => "cloudtrail",
            SourceFormat::EntraAudit => "entra_audit",
            SourceFormat::M365Audit => "m365_audit",
            SourceFormat::Auditd => "auditd",
        }
    }
}

/// Normalizes one raw record read from `source_path`: parses its text, then maps it.
/// The error is the reason the record was rejected, worded for the report.
pub fn normalize(raw: RawRecord<'_>, source_path: &str) -> Result<(Event, SourceFormat), String> {
    let RawRecord { kind, text, .. } = raw;
    match kind {
        RawKind::Json => {
            let value = serde_json::from_str(text).map_err(|e| format!("malformed JSON: {e}"))?;
            normalize_value(kind, text, value, source_path)
        }
        RawKind::Evtx { .. } => match serde_json::from_str(text) {
            Ok(value) => normalize_value(kind, text, value, source_path),
            Err(first_error) => {
                // The renderer can leave raw control characters inside strings
                // (damaged or odd data); escape them and try again, keeping the
                // escaped text as the original so that it stays valid JSON.
                let escaped = evtx_json::escape_control_chars(text);
                let value = serde_json::from_str(&escaped)
                    .map_err(|_| format!("the rendered record is not valid JSON: {first_error}"))?;
                normalize_value(kind, &escaped, value, source_path)
            }
        },
        RawKind::AuditdLine => normalize_value(kind, text, Value::Null, source_path),
    }
}

/// Normalizes a record whose text has already been parsed into `value` (`Null` for an
/// audit line, which is not JSON).
pub fn normalize_value(
    kind: RawKind,
    text: &str,
    value: Value,
    source_path: &str,
) -> Result<(Event, SourceFormat), String> {
    if kind == RawKind::AuditdLine {
        let (doc, ts, id) = auditd::normalize_line(text)?;
        return Ok(finish(doc, ts, id, SourceFormat::Auditd, text, source_path));
    }
    let Value::Object(obj) = value else {
        return Err(format!(
            "expected a JSON object, found {}",
            type_name(&value)
        ));
    };
    let (doc, ts, id, format) = match kind {
        RawKind::Evtx {
            header_time_ms,
            recovered,
        } => {
            let mut obj = obj;
            let Some(Value::Object(event)) = obj.remove("Event") else {
                return Err("the EVTX record has no Event element".into());
            };
            let rec = evtx_json::into_win_record(event);
            let (mut doc, ts, id) = windows_event(rec, text, "evtx");
            let ts = match ts {
                Some(ts) => ts,
                None => {
                    // No System/TimeCreated: the record header's time is all there is.
                    put(&mut doc, "@timestamp", time::format_ms(header_time_ms));
                    put(&mut doc, "vigil.timestamp_source", "record_header");
                    header_time_ms
                }
            };
            if recovered {
                put(&mut doc, "vigil.source.recovered", true);
            }
            (doc, ts, id, SourceFormat::Evtx)
        }
        // Audit lines were handled above; they never reach this point.
        RawKind::Json | RawKind::AuditdLine => json_event(obj, text)?,
    };
    Ok(finish(doc, ts, id, format, text, source_path))
}

/// The event with its provenance fields and original text.
fn finish(
    mut doc: Value,
    ts: i64,
    id: String,
    format: SourceFormat,
    text: &str,
    source_path: &str,
) -> (Event, SourceFormat) {
    match &mut doc {
        // The usual case, built in one go: no `vigil` object yet.
        Value::Object(root) if !fields::has(root, "vigil") => {
            let mut source = serde_json::Map::new();
            source.insert("format".into(), format.as_str().into());
            source.insert("path".into(), source_path.into());
            let mut vigil = serde_json::Map::new();
            vigil.insert("source".into(), Value::Object(source));
            root.insert("vigil".into(), Value::Object(vigil));
        }
        _ => {
            put(&mut doc, "vigil.source.format", format.as_str());
            put(&mut doc, "vigil.source.path", source_path);
        }
    }
    let event = Event {
        id,
        timestamp_ms: ts,
        doc,
        original: text.to_string(),
    };
    (event, format)
}

fn json_event(
    obj: serde_json::Map<String, Value>,
    text: &str,
) -> Result<(Value, i64, String, SourceFormat), String> {
    let mut obj = obj;
    if let Some(Value::Object(event)) = fields::lookup(&obj, "Event")
        && fields::has(event, "System")
        && let Some(Value::Object(event)) = obj.remove("Event")
    {
        let rec = evtx_json::into_win_record(event);
        let (doc, ts, id) = windows_event(rec, text, "evtx_json");
        let ts = ts.ok_or("no System/TimeCreated/SystemTime: the event time is unknown")?;
        return Ok((doc, ts, id, SourceFormat::EvtxJson));
    }
    if nxlog::looks_like(&obj) {
        let (rec, category) = nxlog::to_win_record(&obj);
        let (mut doc, ts, id) = windows_event(rec, text, "nxlog");
        let ts = ts.ok_or("no EventTime, UtcTime or @timestamp: the event time is unknown")?;
        if fields::get(&doc, "event.action").is_none()
            && let Some(c) = category
        {
            put(&mut doc, "event.action", c);
        }
        return Ok((doc, ts, id, SourceFormat::Nxlog));
    }
    if let Some(cloud_record) = cloud::normalize(&obj, text) {
        return cloud_record;
    }
    if defender::looks_like(&obj) {
        let (doc, ts, id) = defender::normalize(&obj)?;
        return Ok((doc, ts, id, SourceFormat::Defender));
    }
    if ecs::looks_like(&obj) {
        let mut doc = Value::Object(obj);
        let ts = ecs::normalize(&mut doc)?;
        let id =
            windows_identity(&doc, ts).unwrap_or_else(|| identity::json_content_id("ecs", text));
        return Ok((doc, ts, id, SourceFormat::Ecs));
    }
    Err(
        "unrecognised record: expected an ECS document (@timestamp), NXLog Windows JSON \
         (EventID + Channel), evtx_dump JSON ({\"Event\":{\"System\":...}}), a Defender \
         advanced-hunting record, a CloudTrail record (eventSource + eventName), an Entra ID \
         audit record (activityDisplayName) or a Microsoft 365 audit record (CreationTime + \
         Operation)"
            .to_string(),
    )
}

/// ECS of a Windows record, its time if known, and its identity.
fn windows_event(rec: windows::WinRecord, text: &str, kind: &str) -> (Value, Option<i64>, String) {
    let id = match (&rec.computer, &rec.channel, rec.record_id) {
        (Some(computer), Some(channel), Some(record)) => {
            identity::windows_id(computer, channel, record, rec.created_ms)
        }
        _ => identity::content_id(kind, text.as_bytes()),
    };
    let ts = rec.time_ms;
    (windows::to_ecs(rec), ts, id)
}

/// Winlogbeat documents carry the same identity as the EVTX record they came from
/// (their `@timestamp` is the record's TimeCreated).
fn windows_identity(doc: &Value, ts: i64) -> Option<String> {
    let paths = ecs::DocView::new(doc, ecs::has_plain_root(doc));
    let first_str = |path: &str| match paths.get(path)? {
        Value::String(s) => Some(s.as_str()),
        Value::Array(items) => items.iter().find_map(Value::as_str),
        _ => None,
    };
    let computer = first_str("winlog.computer_name")?;
    let channel = first_str("winlog.channel")?;
    let record = match paths.get("winlog.record_id")? {
        Value::Number(n) => n.as_u64()?,
        Value::String(s) => s.parse().ok()?,
        _ => return None,
    };
    Some(identity::windows_id(computer, channel, record, Some(ts)))
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
