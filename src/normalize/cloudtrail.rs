//! AWS CloudTrail records (from `{"Records":[...]}` log files, or one record per line
//! as CloudTrail Lake and most forwarders export them), mapped the way Elastic's
//! `aws.cloudtrail` integration does so rules written for it match unchanged.
//!
//! The event identity is CloudTrail's own `eventID`, so a record delivered in two
//! files (trail and organization trail) is stored once.

use super::cloud::{Normalized, management_types, put_source, text};
use super::identity::{content_id, json_content_id};
use super::time::{format_ms, parse_utc_ms};
use super::util::{put, put_str};
use crate::model::fields::{has, lookup};
use serde_json::{Map, Value, json};

/// Whether a record has CloudTrail's shape.
pub fn looks_like(o: &Map<String, Value>) -> bool {
    lookup(o, "eventSource").is_some_and(Value::is_string)
        && lookup(o, "eventName").is_some_and(Value::is_string)
        && (has(o, "eventVersion") || has(o, "eventTime"))
}

/// Builds the ECS document of one CloudTrail record.
pub fn normalize(o: &Map<String, Value>, raw: &str) -> Result<Normalized, String> {
    let time_text = text(o, "eventTime").ok_or("no eventTime: the event time is unknown")?;
    let ts = parse_utc_ms(time_text)
        .ok_or_else(|| format!("eventTime {time_text:?} is not an ISO 8601 date-time"))?;
    let source = text(o, "eventSource").unwrap_or_default();
    let name = text(o, "eventName").unwrap_or_default();
    let mut doc = json!({});
    put(&mut doc, "@timestamp", format_ms(ts));
    put(&mut doc, "event.kind", "event");
    put(&mut doc, "event.module", "aws");
    put(&mut doc, "event.dataset", "aws.cloudtrail");
    put(&mut doc, "event.provider", source);
    put(&mut doc, "event.action", name);
    put_str(&mut doc, "event.id", text(o, "eventID"));
    let failed = text(o, "errorCode").is_some();
    put(
        &mut doc,
        "event.outcome",
        if failed { "failure" } else { "success" },
    );
    categorize(&mut doc, source, name);
    put(&mut doc, "cloud.provider", "aws");
    put_str(&mut doc, "cloud.region", text(o, "awsRegion"));
    put_source(&mut doc, text(o, "sourceIPAddress"));
    put_str(&mut doc, "user_agent.original", text(o, "userAgent"));
    let identity = o.get("userIdentity").and_then(Value::as_object);
    let account = identity
        .and_then(|i| text(i, "accountId"))
        .or_else(|| text(o, "recipientAccountId"));
    put_str(&mut doc, "cloud.account.id", account);
    let actor = identity.and_then(actor_name);
    put_str(&mut doc, "user.name", actor.as_deref());
    if let Some(i) = identity {
        put_str(&mut doc, "user.id", text(i, "principalId"));
        identity_details(&mut doc, i);
    }
    let target = target_user(o);
    put_str(&mut doc, "user.target.name", target.name);
    put_str(&mut doc, "user.target.id", target.id);
    let group = o
        .get("requestParameters")
        .and_then(Value::as_object)
        .and_then(|p| text(p, "groupName"));
    put_str(&mut doc, "group.name", group);
    let related: Vec<&str> = [actor.as_deref(), target.name]
        .into_iter()
        .flatten()
        .collect();
    if !related.is_empty() {
        put(&mut doc, "related.user", related);
    }
    trail_details(&mut doc, o);
    let id = match text(o, "eventID") {
        Some(event_id) => content_id("aws.cloudtrail", event_id.as_bytes()),
        None => json_content_id("cloudtrail", raw),
    };
    Ok((doc, ts, id))
}

/// IAM and sign-in events get ECS categories; other services keep only their action.
fn categorize(doc: &mut Value, source: &str, name: &str) {
    match source {
        "iam.amazonaws.com" | "identitystore.amazonaws.com" | "sso.amazonaws.com" => {
            put(doc, "event.category", vec!["iam"]);
            put(doc, "event.type", management_types(name));
        }
        "signin.amazonaws.com" => {
            put(doc, "event.category", vec!["authentication"]);
            put(doc, "event.type", vec!["start"]);
        }
        _ => {}
    }
}

/// The acting principal: its user name, else the last part of its ARN (the session
/// name of an assumed role, `root` for the root user).
fn actor_name(identity: &Map<String, Value>) -> Option<String> {
    if let Some(n) = text(identity, "userName") {
        return Some(n.to_string());
    }
    let arn = text(identity, "arn")?;
    let tail = arn.rsplit(['/', ':']).next()?;
    (!tail.is_empty()).then(|| tail.to_string())
}

struct Target<'a> {
    name: Option<&'a str>,
    id: Option<&'a str>,
}

/// The IAM user an operation is about: `requestParameters.userName`, else the user
/// CloudTrail reports as created.
fn target_user(o: &Map<String, Value>) -> Target<'_> {
    let created = o
        .get("responseElements")
        .and_then(Value::as_object)
        .and_then(|r| r.get("user"))
        .and_then(Value::as_object);
    let requested = o
        .get("requestParameters")
        .and_then(Value::as_object)
        .and_then(|p| text(p, "userName"));
    Target {
        name: requested.or_else(|| created.and_then(|u| text(u, "userName"))),
        id: created.and_then(|u| text(u, "userId")),
    }
}

fn identity_details(doc: &mut Value, i: &Map<String, Value>) {
    let base = "aws.cloudtrail.user_identity";
    put_str(doc, &format!("{base}.type"), text(i, "type"));
    put_str(doc, &format!("{base}.arn"), text(i, "arn"));
    put_str(
        doc,
        &format!("{base}.access_key_id"),
        text(i, "accessKeyId"),
    );
    put_str(doc, &format!("{base}.invoked_by"), text(i, "invokedBy"));
    if let Some(ctx) = i.get("sessionContext").and_then(Value::as_object) {
        if let Some(attrs) = ctx.get("attributes").and_then(Value::as_object) {
            let mfa = attrs.get("mfaAuthenticated").and_then(scalar);
            put_str(
                doc,
                &format!("{base}.session_context.mfa_authenticated"),
                mfa.as_deref(),
            );
            put_str(
                doc,
                &format!("{base}.session_context.creation_date"),
                text(attrs, "creationDate"),
            );
        }
        if let Some(issuer) = ctx.get("sessionIssuer").and_then(Value::as_object) {
            let b = format!("{base}.session_context.session_issuer");
            put_str(doc, &format!("{b}.type"), text(issuer, "type"));
            put_str(doc, &format!("{b}.arn"), text(issuer, "arn"));
            put_str(doc, &format!("{b}.user_name"), text(issuer, "userName"));
        }
    }
}

/// CloudTrail's own fields under `aws.cloudtrail.*` (request and response bodies as
/// compact JSON text, as Elastic keeps them, so their keys do not become index fields).
fn trail_details(doc: &mut Value, o: &Map<String, Value>) {
    let b = "aws.cloudtrail";
    for (key, field) in [
        ("eventVersion", "event_version"),
        ("eventType", "event_type"),
        ("eventCategory", "event_category"),
        ("requestID", "request_id"),
        ("errorCode", "error_code"),
        ("errorMessage", "error_message"),
        ("recipientAccountId", "recipient_account_id"),
        ("sharedEventID", "shared_event_id"),
        ("vpcEndpointId", "vpc_endpoint_id"),
        ("readOnly", "read_only"),
        ("managementEvent", "management_event"),
    ] {
        let value = o.get(key).and_then(scalar);
        put_str(doc, &format!("{b}.{field}"), value.as_deref());
    }
    for (key, field) in [
        ("requestParameters", "request_parameters"),
        ("responseElements", "response_elements"),
        ("additionalEventData", "additional_eventdata"),
        ("serviceEventDetails", "service_event_details"),
    ] {
        if let Some(v) = o.get(key).filter(|v| !v.is_null()) {
            put(doc, &format!("{b}.{field}"), v.to_string());
        }
    }
}

fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::fields::first_str;

    fn norm(v: Value) -> Value {
        let Value::Object(o) = v else { unreachable!() };
        normalize(&o, "{}").unwrap().0
    }

    #[test]
    fn create_user_by_assumed_role() {
        let doc = norm(json!({
            "eventVersion": "1.09", "eventTime": "2024-03-04T11:00:00Z",
            "eventSource": "iam.amazonaws.com", "eventName": "CreateUser",
            "awsRegion": "us-east-1", "sourceIPAddress": "198.51.100.23",
            "userAgent": "aws-cli/2.15.30",
            "userIdentity": {"type": "AssumedRole", "principalId": "AROAEXAMPLE:alice",
                "arn": "arn:aws:sts::111122223333:assumed-role/Admin/alice", "accountId": "111122223333",
                "sessionContext": {"sessionIssuer": {"type": "Role", "userName": "Admin"},
                    "attributes": {"mfaAuthenticated": "false"}}},
            "requestParameters": {"userName": "backup-admin"},
            "responseElements": {"user": {"userName": "backup-admin", "userId": "AIDAEXAMPLE"}},
            "eventID": "e1"
        }));
        let want = [
            ("event.dataset", "aws.cloudtrail"),
            ("event.provider", "iam.amazonaws.com"),
            ("event.action", "CreateUser"),
            ("event.outcome", "success"),
            ("event.category", "iam"),
            ("user.name", "alice"),
            ("user.target.name", "backup-admin"),
            ("user.target.id", "AIDAEXAMPLE"),
            ("source.ip", "198.51.100.23"),
            ("cloud.account.id", "111122223333"),
            (
                "aws.cloudtrail.user_identity.session_context.session_issuer.user_name",
                "Admin",
            ),
            (
                "aws.cloudtrail.request_parameters",
                "{\"userName\":\"backup-admin\"}",
            ),
        ];
        for (path, value) in want {
            assert_eq!(first_str(&doc, path), Some(value), "{path}");
        }
    }

    #[test]
    fn failures_root_and_service_callers() {
        let doc = norm(json!({
            "eventVersion": "1.08", "eventTime": "2024-03-04T11:00:00Z",
            "eventSource": "iam.amazonaws.com", "eventName": "CreateLoginProfile",
            "sourceIPAddress": "cloudformation.amazonaws.com",
            "userIdentity": {"type": "Root", "arn": "arn:aws:iam::111122223333:root"},
            "errorCode": "AccessDenied"
        }));
        assert_eq!(first_str(&doc, "event.outcome"), Some("failure"));
        assert_eq!(first_str(&doc, "user.name"), Some("root"));
        assert_eq!(first_str(&doc, "source.ip"), None);
        assert_eq!(
            first_str(&doc, "source.address"),
            Some("cloudformation.amazonaws.com")
        );
        let Value::Object(o) = json!({"eventSource": "s3.amazonaws.com", "eventName": "GetObject", "eventVersion": "1.08"})
        else {
            unreachable!()
        };
        assert!(normalize(&o, "{}").unwrap_err().contains("eventTime"));
    }
}
