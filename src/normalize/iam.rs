//! Account and group management events of the Security log (4720, 4722, 4724,
//! 4725, 4726, 4728, 4732, 4733, 4738, 4756, 4798, 4799 and their siblings),
//! with the `event.action` names Winlogbeat uses.
//!
//! Account events put the account in `user.target.*`; membership events put
//! the group in `group.*` and the member in `user.target.*` (the member's SID,
//! and its name from MemberName's CN, or the SID when MemberName is "-").

use super::sink::FieldSink;
use super::util::{ed, is_blank, joined, parse_pid, put, put_ed, put_str};
use serde_json::{Map, Value};

#[derive(Clone, Copy)]
enum Shape {
    /// The account is Target*.
    Account,
    /// The group is Target*, the member is Member*.
    Membership,
    /// The group is Target*.
    Group,
    /// Enumeration of a user's groups (4798) or a group's members (4799).
    EnumerateUser,
    EnumerateGroup,
}

/// (event id, action, event.type, shape)
const TABLE: &[(u64, &str, &[&str], Shape)] = &[
    (
        4720,
        "added-user-account",
        &["user", "creation"],
        Shape::Account,
    ),
    (
        4722,
        "enabled-user-account",
        &["user", "change"],
        Shape::Account,
    ),
    (
        4723,
        "changed-password",
        &["user", "change"],
        Shape::Account,
    ),
    (4724, "reset-password", &["user", "change"], Shape::Account),
    (
        4725,
        "disabled-user-account",
        &["user", "change"],
        Shape::Account,
    ),
    (
        4726,
        "deleted-user-account",
        &["user", "deletion"],
        Shape::Account,
    ),
    (
        4738,
        "modified-user-account",
        &["user", "change"],
        Shape::Account,
    ),
    (
        4740,
        "locked-out-user-account",
        &["user", "change"],
        Shape::Account,
    ),
    (
        4767,
        "unlocked-user-account",
        &["user", "change"],
        Shape::Account,
    ),
    (
        4781,
        "renamed-user-account",
        &["user", "change"],
        Shape::Account,
    ),
    (
        4727,
        "added-group-account",
        &["group", "creation"],
        Shape::Group,
    ),
    (
        4730,
        "deleted-group-account",
        &["group", "deletion"],
        Shape::Group,
    ),
    (
        4731,
        "added-group-account",
        &["group", "creation"],
        Shape::Group,
    ),
    (
        4734,
        "deleted-group-account",
        &["group", "deletion"],
        Shape::Group,
    ),
    (
        4735,
        "modified-group-account",
        &["group", "change"],
        Shape::Group,
    ),
    (
        4737,
        "modified-group-account",
        &["group", "change"],
        Shape::Group,
    ),
    (
        4754,
        "added-group-account",
        &["group", "creation"],
        Shape::Group,
    ),
    (
        4755,
        "modified-group-account",
        &["group", "change"],
        Shape::Group,
    ),
    (
        4758,
        "deleted-group-account",
        &["group", "deletion"],
        Shape::Group,
    ),
    (
        4728,
        "added-member-to-group",
        &["group", "change"],
        Shape::Membership,
    ),
    (
        4729,
        "removed-member-from-group",
        &["group", "change"],
        Shape::Membership,
    ),
    (
        4732,
        "added-member-to-group",
        &["group", "change"],
        Shape::Membership,
    ),
    (
        4733,
        "removed-member-from-group",
        &["group", "change"],
        Shape::Membership,
    ),
    (
        4756,
        "added-member-to-group",
        &["group", "change"],
        Shape::Membership,
    ),
    (
        4757,
        "removed-member-from-group",
        &["group", "change"],
        Shape::Membership,
    ),
    (
        4798,
        "group-membership-enumerated",
        &["user", "info"],
        Shape::EnumerateUser,
    ),
    (
        4799,
        "user-member-enumerated",
        &["group", "info"],
        Shape::EnumerateGroup,
    ),
];

/// Maps a Security event if it is an account or group event; others are left alone.
pub fn map(doc: &mut impl FieldSink, id: u64, d: &Map<String, Value>) {
    let Some((_, action, types, shape)) = TABLE.iter().find(|row| row.0 == id) else {
        return;
    };
    put(doc, "event.category", vec!["iam"]);
    put(doc, "event.type", types.to_vec());
    put(doc, "event.action", *action);
    let mut related = Vec::new();
    if let Some(s) = ed(d, "SubjectUserName").filter(|s| !is_blank(s)) {
        related.push(s.to_string());
    }
    match shape {
        Shape::Account | Shape::EnumerateUser => {
            let name = ed(d, "TargetUserName").or_else(|| ed(d, "OldTargetUserName"));
            put_str(doc, "user.target.name", name);
            put_str(doc, "user.target.domain", ed(d, "TargetDomainName"));
            put_str(doc, "user.target.id", ed(d, "TargetSid"));
            put_str(doc, "user.changes.name", ed(d, "NewTargetUserName"));
            if let Some(n) = name.filter(|n| !is_blank(n)) {
                related.push(n.to_string());
            }
        }
        Shape::Membership => {
            set_group(doc, d, "group");
            set_group(doc, d, "user.target.group");
            let sid = ed(d, "MemberSid").filter(|s| !is_blank(s));
            put_str(doc, "user.target.id", sid);
            let member = ed(d, "MemberName").filter(|m| !is_blank(m));
            let (cn, domain) = member.map(parse_dn).unwrap_or((None, None));
            let name = cn.or(member.filter(|m| !m.contains('='))).or(sid);
            put_str(doc, "user.target.name", name);
            put_str(doc, "user.target.domain", domain.as_deref());
            if let Some(n) = name {
                related.push(n.to_string());
            }
        }
        Shape::Group | Shape::EnumerateGroup => set_group(doc, d, "group"),
    }
    if matches!(shape, Shape::EnumerateUser | Shape::EnumerateGroup) {
        if let Some(exe) = ed(d, "CallerProcessName").filter(|e| !is_blank(e)) {
            put(doc, "process.executable", exe);
            put(doc, "process.name", super::util::basename(exe));
        }
        if let Some(pid) = ed(d, "CallerProcessId").and_then(parse_pid) {
            put(doc, "process.pid", pid);
        }
    }
    related.dedup();
    if !related.is_empty() {
        put(doc, "related.user", related);
    }
}

fn set_group(doc: &mut impl FieldSink, d: &Map<String, Value>, prefix: &str) {
    let mut buf = String::with_capacity(prefix.len() + 8);
    put_ed(doc, joined(&mut buf, prefix, "name"), d, "TargetUserName");
    put_ed(
        doc,
        joined(&mut buf, prefix, "domain"),
        d,
        "TargetDomainName",
    );
    put_ed(doc, joined(&mut buf, prefix, "id"), d, "TargetSid");
}

/// `CN=Administrator,CN=Users,DC=wlbeat,DC=local` -> (`Administrator`, `wlbeat.local`).
/// Escaped commas (`\,`) inside a CN are kept.
fn parse_dn(dn: &str) -> (Option<&str>, Option<String>) {
    if !dn.contains('=') {
        return (None, None);
    }
    let mut parts = Vec::new();
    let mut start = 0;
    let bytes = dn.as_bytes();
    for i in 0..bytes.len() {
        if bytes[i] == b',' && (i == 0 || bytes[i - 1] != b'\\') {
            parts.push(&dn[start..i]);
            start = i + 1;
        }
    }
    parts.push(&dn[start..]);
    let mut cn = None;
    let mut dcs = Vec::new();
    for p in parts {
        let Some((k, v)) = p.trim().split_once('=') else {
            continue;
        };
        if k.eq_ignore_ascii_case("CN") && cn.is_none() {
            cn = Some(v);
        } else if k.eq_ignore_ascii_case("DC") {
            dcs.push(v);
        }
    }
    let domain = (!dcs.is_empty()).then(|| dcs.join("."));
    (cn, domain)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn run(id: u64, d: Value) -> Value {
        let mut doc = json!({});
        map(&mut doc, id, d.as_object().unwrap());
        doc
    }

    #[test]
    fn actions_and_types_per_event() {
        let cases = [
            (4720, "added-user-account", json!(["user", "creation"])),
            (4722, "enabled-user-account", json!(["user", "change"])),
            (4724, "reset-password", json!(["user", "change"])),
            (4725, "disabled-user-account", json!(["user", "change"])),
            (4726, "deleted-user-account", json!(["user", "deletion"])),
            (4738, "modified-user-account", json!(["user", "change"])),
            (4728, "added-member-to-group", json!(["group", "change"])),
            (4732, "added-member-to-group", json!(["group", "change"])),
            (4756, "added-member-to-group", json!(["group", "change"])),
            (
                4733,
                "removed-member-from-group",
                json!(["group", "change"]),
            ),
            (4798, "group-membership-enumerated", json!(["user", "info"])),
            (4799, "user-member-enumerated", json!(["group", "info"])),
        ];
        for (id, action, types) in cases {
            let doc = run(id, json!({}));
            assert_eq!(doc["event"]["action"], action, "{id}");
            assert_eq!(doc["event"]["type"], types, "{id}");
            assert_eq!(doc["event"]["category"], json!(["iam"]), "{id}");
        }
        assert_eq!(run(4624, json!({})), json!({}));
    }

    #[test]
    fn account_created() {
        let doc = run(
            4720,
            json!({"TargetUserName": "backdoor", "TargetDomainName": "WORKSTATION6",
            "TargetSid": "S-1-5-21-1-2-3-1001", "SubjectUserName": "pgustavo"}),
        );
        assert_eq!(doc["user"]["target"]["name"], "backdoor");
        assert_eq!(doc["user"]["target"]["domain"], "WORKSTATION6");
        assert_eq!(doc["user"]["target"]["id"], "S-1-5-21-1-2-3-1001");
        assert_eq!(doc["related"]["user"], json!(["pgustavo", "backdoor"]));
    }

    #[test]
    fn member_added_with_dn_and_with_dash() {
        let doc = run(
            4732,
            json!({"MemberName": "CN=Administrator,CN=Users,DC=wlbeat,DC=local",
            "MemberSid": "S-1-5-21-9-500", "TargetUserName": "Administrators",
            "TargetDomainName": "Builtin", "TargetSid": "S-1-5-32-544"}),
        );
        assert_eq!(doc["group"]["name"], "Administrators");
        assert_eq!(doc["group"]["id"], "S-1-5-32-544");
        assert_eq!(doc["user"]["target"]["name"], "Administrator");
        assert_eq!(doc["user"]["target"]["domain"], "wlbeat.local");
        assert_eq!(doc["user"]["target"]["id"], "S-1-5-21-9-500");
        assert_eq!(doc["user"]["target"]["group"]["name"], "Administrators");
        let doc = run(
            4732,
            json!({"MemberName": "-", "MemberSid": "S-1-5-20",
            "TargetUserName": "Administrators"}),
        );
        assert_eq!(doc["user"]["target"]["name"], "S-1-5-20");
        assert_eq!(doc["user"]["target"]["id"], "S-1-5-20");
    }

    #[test]
    fn enumeration_caller_process() {
        let doc = run(
            4799,
            json!({"TargetUserName": "Administrators",
            "CallerProcessName": "C:\\Windows\\System32\\net1.exe", "CallerProcessId": "0x1a4"}),
        );
        assert_eq!(doc["process"]["name"], "net1.exe");
        assert_eq!(doc["process"]["pid"], 420);
        assert_eq!(doc["group"]["name"], "Administrators");
    }
}
