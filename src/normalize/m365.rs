//! Microsoft 365 unified audit log records: the Management Activity API / Purview shape
//! (`CreationTime`, `Operation`, `Workload`, `UserId`, `ObjectId`...) and the PowerShell
//! `Search-UnifiedAuditLog` shape whose `AuditData` holds that record as a JSON string
//! (or object). Mapped as Elastic's `o365.audit` integration does.

use super::cloud::{Normalized, management_types, outcome_of, put_source, text};
use super::identity::{content_id, json_content_id};
use super::time::{format_ms, parse_utc_ms};
use super::util::{put, put_str};
use crate::model::fields::has;
use serde_json::{Map, Value, json};
use std::borrow::Cow;

/// Whether a record is a unified audit log record in either shape.
pub fn looks_like(o: &Map<String, Value>) -> bool {
    let flat =
        has(o, "CreationTime") && has(o, "Operation") && (has(o, "Workload") || has(o, "UserId"));
    let wrapped = has(o, "AuditData")
        && (has(o, "Operations") || has(o, "Operation") || has(o, "RecordType"));
    flat || wrapped
}

/// Builds the ECS document of one unified audit log record.
pub fn normalize(o: &Map<String, Value>, raw: &str) -> Result<Normalized, String> {
    let data = audit_data(o)?;
    let d: &Map<String, Value> = &data;
    let time_text = text(d, "CreationTime")
        .or_else(|| text(o, "CreationDate"))
        .ok_or("no CreationTime: the event time is unknown")?;
    let ts = parse_utc_ms(time_text)
        .ok_or_else(|| format!("CreationTime {time_text:?} is not an ISO 8601 date-time"))?;
    let operation = text(d, "Operation")
        .or_else(|| text(o, "Operations"))
        .unwrap_or_default();
    let workload = text(d, "Workload").unwrap_or_default();
    let mut doc = json!({});
    put(&mut doc, "@timestamp", format_ms(ts));
    put(&mut doc, "event.kind", "event");
    put(&mut doc, "event.module", "o365");
    put(&mut doc, "event.dataset", "o365.audit");
    put_str(&mut doc, "event.provider", Some(workload));
    put_str(&mut doc, "event.action", Some(operation));
    put_str(&mut doc, "event.id", text(d, "Id"));
    let outcome = d.get("ResultStatus").and_then(|v| match v {
        Value::String(s) => outcome_of(s),
        Value::Bool(true) => Some("success"),
        Value::Bool(false) => Some("failure"),
        _ => None,
    });
    put_str(&mut doc, "event.outcome", outcome);
    let directory = workload.eq_ignore_ascii_case("AzureActiveDirectory");
    let logon = matches!(operation, "UserLoggedIn" | "UserLoginFailed");
    if logon {
        put(&mut doc, "event.category", vec!["authentication"]);
        put(&mut doc, "event.type", vec!["start"]);
    } else if directory {
        put(&mut doc, "event.category", vec!["iam"]);
        put(&mut doc, "event.type", management_types(operation));
    }
    let actor = text(d, "UserId").or_else(|| text(o, "UserIds"));
    put_str(&mut doc, "user.name", actor);
    put_str(&mut doc, "user.id", text(d, "UserKey"));
    // A UPN stays whole in user.name (alerts show `domain\name` when user.domain is set).
    put_str(&mut doc, "user.email", actor.filter(|a| a.contains('@')));
    let target = if directory && !logon {
        target_user(d)
    } else {
        None
    };
    put_str(&mut doc, "user.target.name", target);
    let related: Vec<&str> = [actor, target].into_iter().flatten().collect();
    if !related.is_empty() {
        put(&mut doc, "related.user", related);
    }
    put_source(
        &mut doc,
        text(d, "ClientIP").or_else(|| text(d, "ActorIpAddress")),
    );
    put_str(&mut doc, "user_agent.original", text(d, "UserAgent"));
    put_str(&mut doc, "organization.id", text(d, "OrganizationId"));
    put(&mut doc, "o365.audit", Value::Object(d.clone()));
    let id = match text(d, "Id").or_else(|| text(o, "Identity")) {
        Some(record_id) => content_id("o365.audit", record_id.as_bytes()),
        None => json_content_id("o365.audit", raw),
    };
    Ok((doc, ts, id))
}

/// The audit record itself: `AuditData` parsed when present, else the record.
fn audit_data(o: &Map<String, Value>) -> Result<Cow<'_, Map<String, Value>>, String> {
    match o.get("AuditData") {
        None | Some(Value::Null) => Ok(Cow::Borrowed(o)),
        Some(Value::Object(inner)) => Ok(Cow::Borrowed(inner)),
        Some(Value::String(s)) => match serde_json::from_str::<Value>(s) {
            Ok(Value::Object(inner)) => Ok(Cow::Owned(inner)),
            Ok(_) => Err("AuditData is not a JSON object".into()),
            Err(e) => Err(format!("AuditData is not valid JSON ({e})")),
        },
        Some(_) => Err("AuditData is neither a JSON object nor a JSON string".into()),
    }
}

/// The directory object a user operation is about: `ObjectId` (the user principal
/// name for user operations), else the `Target` entry typed as a UPN (type 5).
fn target_user(d: &Map<String, Value>) -> Option<&str> {
    if let Some(object) = text(d, "ObjectId")
        && object.contains('@')
    {
        return Some(object);
    }
    let targets = d.get("Target").and_then(Value::as_array)?;
    targets
        .iter()
        .filter_map(Value::as_object)
        .find(|t| t.get("Type").and_then(Value::as_u64) == Some(5))
        .and_then(|t| text(t, "ID"))
        .or_else(|| text(d, "ObjectId"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::fields::first_str;

    fn add_user() -> Value {
        json!({
            "CreationTime": "2024-03-04T13:00:00", "Id": "4a1c", "Operation": "Add user.",
            "OrganizationId": "org-1", "RecordType": 8, "ResultStatus": "Success",
            "UserKey": "10032000A1B2C3D4@contoso.example", "UserType": 0, "Version": 1,
            "Workload": "AzureActiveDirectory", "ClientIP": "198.51.100.23:50321",
            "ObjectId": "helpdesk2@contoso.example", "UserId": "admin@contoso.example",
            "Target": [{"ID": "User_1", "Type": 2}, {"ID": "helpdesk2@contoso.example", "Type": 5}]
        })
    }

    #[test]
    fn flat_and_powershell_shapes_map_alike() {
        let flat = add_user();
        let wrapped = json!({
            "RecordType": "AzureActiveDirectory", "CreationDate": "2024-03-04T13:00:00",
            "UserIds": "admin@contoso.example", "Operations": "Add user.",
            "AuditData": flat.to_string(), "Identity": "4a1c"
        });
        let object = json!({"RecordType": 8, "Operations": "Add user.", "AuditData": flat.clone()});
        for record in [flat, wrapped, object] {
            let Value::Object(o) = record else {
                unreachable!()
            };
            assert!(looks_like(&o));
            let (doc, ts, id) = normalize(&o, "{}").unwrap();
            assert_eq!(ts, 1_709_557_200_000);
            assert_eq!(id, content_id("o365.audit", b"4a1c"));
            for (path, want) in [
                ("event.dataset", "o365.audit"),
                ("event.provider", "AzureActiveDirectory"),
                ("event.action", "Add user."),
                ("event.outcome", "success"),
                ("event.category", "iam"),
                ("user.name", "admin@contoso.example"),
                ("user.target.name", "helpdesk2@contoso.example"),
                ("source.ip", "198.51.100.23"),
                ("o365.audit.Workload", "AzureActiveDirectory"),
            ] {
                assert_eq!(first_str(&doc, path), Some(want), "{path}");
            }
        }
    }

    #[test]
    fn bad_audit_data_is_reported() {
        let Value::Object(o) = json!({"Operations": "Add user.", "AuditData": "{not json"}) else {
            unreachable!()
        };
        assert!(
            normalize(&o, "{}")
                .unwrap_err()
                .contains("AuditData is not valid JSON")
        );
        let Value::Object(o) = json!({"Operation": "Set-Mailbox", "Workload": "Exchange", "CreationTime": "2024-03-04T13:05:00", "UserId": "admin@contoso.example", "ObjectId": "bob@contoso.example"})
        else {
            unreachable!()
        };
        let (doc, _, _) = normalize(&o, "{}").unwrap();
        assert_eq!(first_str(&doc, "user.target.name"), None);
        assert_eq!(first_str(&doc, "event.category"), None);
    }
}
