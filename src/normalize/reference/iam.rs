//! Frozen copy of `normalize/iam.rs` as it was before the fill-only Winlogbeat path,
//! the reference the equivalence tests compare the live normalizer against.

use super::util::{ed, is_blank, parse_pid, put, put_str};
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
pub fn map(doc: &mut Value, id: u64, d: &Map<String, Value>) {
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

fn set_group(doc: &mut Value, d: &Map<String, Value>, prefix: &str) {
    put_str(doc, &format!("{prefix}.name"), ed(d, "TargetUserName"));
    put_str(doc, &format!("{prefix}.domain"), ed(d, "TargetDomainName"));
    put_str(doc, &format!("{prefix}.id"), ed(d, "TargetSid"));
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
