//! Cloud audit records: which of the three shapes a JSON record has (AWS CloudTrail,
//! Microsoft Entra ID audit, Microsoft 365 unified audit), and the small conventions
//! their mappings share (addresses with ports, management verbs to ECS event types).

use super::SourceFormat;
use super::util::{put, put_str};
use super::{cloudtrail, entra, m365};
use serde_json::{Map, Value};
use std::net::IpAddr;

/// A normalized document, its time and its identity.
pub type Normalized = (Value, i64, String);

/// Normalizes `obj` when it is a cloud audit record; `None` when it is none of them.
pub fn normalize(
    obj: &Map<String, Value>,
    text: &str,
) -> Option<Result<(Value, i64, String, SourceFormat), String>> {
    let with = |r: Result<Normalized, String>, f: SourceFormat| {
        Some(r.map(|(doc, ts, id)| (doc, ts, id, f)))
    };
    if cloudtrail::looks_like(obj) {
        return with(cloudtrail::normalize(obj, text), SourceFormat::CloudTrail);
    }
    if entra::looks_like(obj) {
        return with(entra::normalize(obj, text), SourceFormat::EntraAudit);
    }
    if m365::looks_like(obj) {
        return with(m365::normalize(obj, text), SourceFormat::M365Audit);
    }
    None
}

/// The IP address in `text`, which may carry a port (`1.2.3.4:5678`, `[2001:db8::1]:443`).
pub fn ip_of(text: &str) -> Option<IpAddr> {
    let t = text.trim();
    if let Ok(ip) = t.parse() {
        return Some(ip);
    }
    if let Some(inner) = t.strip_prefix('[') {
        return inner.split_once(']')?.0.parse().ok();
    }
    let (host, port) = t.rsplit_once(':')?;
    port.parse::<u16>().ok()?;
    host.parse::<std::net::Ipv4Addr>().ok().map(IpAddr::V4)
}

/// Sets `source.address` to the value as given and `source.ip` when it is an address.
pub fn put_source(doc: &mut Value, address: Option<&str>) {
    let Some(a) = address
        .map(str::trim)
        .filter(|a| !a.is_empty() && *a != "<null>")
    else {
        return;
    };
    put_str(doc, "source.address", Some(a));
    if let Some(ip) = ip_of(a) {
        put(doc, "source.ip", ip.to_string());
    }
}

/// ECS `event.type` values for a management operation named like `CreateUser`,
/// `Add user`, `Add member to group.`: the verb gives creation/deletion/change/info,
/// the object adds `user` or `group`.
pub fn management_types(operation: &str) -> Vec<&'static str> {
    let lower = operation.to_ascii_lowercase();
    let mut types = Vec::with_capacity(2);
    let has = |w: &str| lower.contains(w);
    if has("group") || has("member") {
        types.push("group");
    } else if has("user") || has("loginprofile") || has("login profile") {
        types.push("user");
    }
    let verb = |prefixes: &[&str]| prefixes.iter().any(|p| lower.starts_with(p));
    let membership = has("member") || has("togroup") || has("fromgroup");
    let kind = if membership && verb(&["add", "remove", "delete"]) {
        "change"
    } else if verb(&["create", "add", "new", "register", "invite"]) {
        "creation"
    } else if verb(&["delete", "remove", "hard delete"]) {
        "deletion"
    } else if verb(&["get", "list", "describe", "search", "view", "read"]) {
        "info"
    } else {
        "change"
    };
    types.push(kind);
    types
}

/// `event.outcome` from a result word (`success`, `Succeeded`, `Failed`, `failure`...).
pub fn outcome_of(result: &str) -> Option<&'static str> {
    let r = result.trim().to_ascii_lowercase();
    if r.starts_with("succe") || r == "true" || r == "partiallysucceeded" {
        Some("success")
    } else if r.starts_with("fail") || r == "false" || r == "timeout" {
        Some("failure")
    } else {
        None
    }
}

/// A string field of an object (empty strings and `null` count as absent).
pub fn text<'a>(o: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    o.get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_with_ports() {
        let cases = [
            ("198.51.100.23", Some("198.51.100.23")),
            ("198.51.100.23:51234", Some("198.51.100.23")),
            ("2001:db8::1", Some("2001:db8::1")),
            ("[2001:db8::1]:443", Some("2001:db8::1")),
            ("iam.amazonaws.com", None),
            ("AWS Internal", None),
        ];
        for (input, want) in cases {
            assert_eq!(
                ip_of(input).map(|i| i.to_string()).as_deref(),
                want,
                "{input}"
            );
        }
    }

    #[test]
    fn operation_names_to_event_types() {
        let cases: &[(&str, &[&str])] = &[
            ("CreateUser", &["user", "creation"]),
            ("CreateLoginProfile", &["user", "creation"]),
            ("Add user", &["user", "creation"]),
            ("Add user.", &["user", "creation"]),
            ("DeleteUser", &["user", "deletion"]),
            ("Update user", &["user", "change"]),
            ("AddUserToGroup", &["group", "change"]),
            ("Add member to group.", &["group", "change"]),
            ("CreateGroup", &["group", "creation"]),
            ("ListUsers", &["user", "info"]),
            ("PutRolePolicy", &["change"]),
        ];
        for (op, want) in cases {
            assert_eq!(management_types(op), *want, "{op}");
        }
        assert_eq!(outcome_of("Succeeded"), Some("success"));
        assert_eq!(outcome_of("failure"), Some("failure"));
        assert_eq!(outcome_of("unknownFutureValue"), None);
    }
}
