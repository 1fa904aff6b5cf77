//! Microsoft Entra ID (Azure AD) audit records, in the two shapes analysts export:
//! Graph `directoryAudit` objects (portal download, `GET /auditLogs/directoryAudits`)
//! and Azure Monitor diagnostic records (`{"operationName":..,"category":"AuditLogs",
//! "properties":{...}}`). Mapped as Elastic's `azure.auditlogs` integration does.

use super::cloud::{Normalized, management_types, outcome_of, put_source, text};
use super::identity::{content_id, json_content_id};
use super::time::{format_ms, parse_utc_ms};
use super::util::{put, put_str};
use crate::model::fields::{has, lookup};
use serde_json::{Map, Value, json};

/// Whether a record is an Entra audit record in either shape.
pub fn looks_like(o: &Map<String, Value>) -> bool {
    let graph =
        has(o, "activityDisplayName") && (has(o, "targetResources") || has(o, "initiatedBy"));
    let diagnostic = text(o, "category").is_some_and(|c| c.eq_ignore_ascii_case("AuditLogs"))
        && lookup(o, "properties").is_some_and(Value::is_object);
    graph || diagnostic
}

/// Builds the ECS document of one Entra audit record.
pub fn normalize(o: &Map<String, Value>, raw: &str) -> Result<Normalized, String> {
    let props = o.get("properties").and_then(Value::as_object).unwrap_or(o);
    let time_text = text(props, "activityDateTime")
        .or_else(|| text(o, "time"))
        .ok_or("no activityDateTime or time: the event time is unknown")?;
    let ts = parse_utc_ms(time_text)
        .ok_or_else(|| format!("activity time {time_text:?} is not an ISO 8601 date-time"))?;
    let action = text(props, "activityDisplayName")
        .or_else(|| text(o, "operationName"))
        .unwrap_or_default();
    let mut doc = json!({});
    put(&mut doc, "@timestamp", format_ms(ts));
    put(&mut doc, "event.kind", "event");
    put(&mut doc, "event.module", "azure");
    put(&mut doc, "event.dataset", "azure.auditlogs");
    put_str(&mut doc, "event.provider", text(props, "loggedByService"));
    put_str(&mut doc, "event.action", Some(action));
    put_str(&mut doc, "event.id", text(props, "id"));
    let outcome = text(props, "result")
        .or_else(|| text(o, "resultType"))
        .and_then(outcome_of);
    put_str(&mut doc, "event.outcome", outcome);
    let directory_category = text(props, "category").unwrap_or_default();
    if directory_category.ends_with("Management") || directory_category == "Policy" {
        put(&mut doc, "event.category", vec!["iam"]);
        put(&mut doc, "event.type", management_types(action));
    }
    put(&mut doc, "cloud.provider", "azure");
    put_str(&mut doc, "cloud.account.id", text(o, "tenantId"));
    put_str(&mut doc, "azure.tenant_id", text(o, "tenantId"));
    put_str(
        &mut doc,
        "azure.correlation_id",
        text(props, "correlationId").or_else(|| text(o, "correlationId")),
    );
    put_str(&mut doc, "azure.resource.id", text(o, "resourceId"));
    put_str(&mut doc, "azure.auditlogs.operation_name", Some(action));
    put(
        &mut doc,
        "azure.auditlogs.category",
        text(o, "category").unwrap_or("AuditLogs"),
    );
    put_str(
        &mut doc,
        "azure.auditlogs.result_signature",
        text(o, "resultSignature"),
    );
    put(
        &mut doc,
        "azure.auditlogs.properties",
        Value::Object(props.clone()),
    );
    let initiated = props.get("initiatedBy").and_then(Value::as_object);
    let actor_user = initiated
        .and_then(|i| i.get("user"))
        .and_then(Value::as_object);
    let actor_app = initiated
        .and_then(|i| i.get("app"))
        .and_then(Value::as_object);
    let actor = actor_user
        .and_then(|u| text(u, "userPrincipalName").or_else(|| text(u, "displayName")))
        .or_else(|| actor_app.and_then(|a| text(a, "displayName")));
    put_str(&mut doc, "user.name", actor);
    let actor_id = actor_user
        .and_then(|u| text(u, "id"))
        .or_else(|| actor_app.and_then(|a| text(a, "servicePrincipalId")));
    put_str(&mut doc, "user.id", actor_id);
    let address = actor_user
        .and_then(|u| text(u, "ipAddress"))
        .or_else(|| text(o, "callerIpAddress"));
    put_source(&mut doc, address);
    put_str(&mut doc, "user_agent.original", text(props, "userAgent"));
    let target = targets(&mut doc, props);
    let related: Vec<&str> = [actor, target.as_deref()].into_iter().flatten().collect();
    if !related.is_empty() {
        put(&mut doc, "related.user", related);
    }
    let id = match text(props, "id") {
        Some(record_id) => content_id("azure.auditlogs", record_id.as_bytes()),
        None => json_content_id("azure.auditlogs", raw),
    };
    Ok((doc, ts, id))
}

/// Fills `user.target.*` from the first User target and `group.*` from the first Group
/// target; returns the target user's name.
fn targets(doc: &mut Value, props: &Map<String, Value>) -> Option<String> {
    let list = props.get("targetResources").and_then(Value::as_array)?;
    let of_type = |want: &str| {
        list.iter()
            .filter_map(Value::as_object)
            .find(|t| text(t, "type").is_some_and(|ty| ty.eq_ignore_ascii_case(want)))
    };
    let mut target_name = None;
    if let Some(user) = of_type("User") {
        let name = text(user, "userPrincipalName").or_else(|| text(user, "displayName"));
        put_str(doc, "user.target.name", name);
        put_str(doc, "user.target.id", text(user, "id"));
        target_name = name.map(str::to_string);
    }
    if let Some(group) = of_type("Group") {
        put_str(doc, "group.name", text(group, "displayName"));
        put_str(doc, "group.id", text(group, "id"));
    }
    target_name
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::fields::first_str;

    fn graph_record() -> Value {
        json!({
            "id": "Directory_8b1f_1", "category": "UserManagement", "result": "success",
            "activityDisplayName": "Add user", "activityDateTime": "2024-03-04T12:00:00.1234567Z",
            "loggedByService": "Core Directory", "operationType": "Add",
            "initiatedBy": {"user": {"id": "u-1", "userPrincipalName": "admin@contoso.example", "ipAddress": "203.0.113.5"}},
            "targetResources": [{"id": "u-2", "type": "User", "userPrincipalName": "svc-sync2@contoso.example"}]
        })
    }

    #[test]
    fn graph_and_diagnostic_shapes_map_alike() {
        let graph = graph_record();
        let diagnostic = json!({
            "time": "2024-03-04T12:00:01Z", "operationName": "Add user", "category": "AuditLogs",
            "tenantId": "t-1", "callerIpAddress": "203.0.113.9", "properties": graph.clone()
        });
        for (record, ip) in [(graph, "203.0.113.5"), (diagnostic, "203.0.113.5")] {
            let Value::Object(o) = record else {
                unreachable!()
            };
            assert!(looks_like(&o));
            let (doc, ts, id) = normalize(&o, "{}").unwrap();
            assert_eq!(ts, 1_709_553_600_123);
            assert_eq!(id, content_id("azure.auditlogs", b"Directory_8b1f_1"));
            for (path, want) in [
                ("event.dataset", "azure.auditlogs"),
                ("event.action", "Add user"),
                ("azure.auditlogs.operation_name", "Add user"),
                ("event.outcome", "success"),
                ("event.category", "iam"),
                ("user.name", "admin@contoso.example"),
                ("user.target.name", "svc-sync2@contoso.example"),
                ("source.ip", ip),
                ("event.provider", "Core Directory"),
            ] {
                assert_eq!(first_str(&doc, path), Some(want), "{path}");
            }
        }
    }

    #[test]
    fn app_actor_and_group_target() {
        let Value::Object(o) = json!({
            "id": "x", "category": "GroupManagement", "result": "failure",
            "activityDisplayName": "Add member to group", "activityDateTime": "2024-03-04T12:00:00Z",
            "initiatedBy": {"app": {"displayName": "Provisioning Agent", "servicePrincipalId": "sp-1"}},
            "targetResources": [{"type": "User", "displayName": "Bob"}, {"type": "Group", "displayName": "Admins", "id": "g-1"}]
        }) else {
            unreachable!()
        };
        let (doc, _, _) = normalize(&o, "{}").unwrap();
        assert_eq!(first_str(&doc, "user.name"), Some("Provisioning Agent"));
        assert_eq!(first_str(&doc, "group.name"), Some("Admins"));
        assert_eq!(first_str(&doc, "event.outcome"), Some("failure"));
        assert_eq!(first_str(&doc, "event.type"), Some("group"));
    }
}
