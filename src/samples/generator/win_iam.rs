//! Security account-management events: 4720 (a user account was created) and 4732 (a member
//! was added to a security-enabled local group), with the ECS fields Winlogbeat derives and
//! the original EventData kept under `winlog.event_data`.

use super::emit::{Channel, EventMeta, Sink, windows_envelope};
use super::world::Host;
use std::io::{self, Write};

/// The account performing a change.
#[derive(Debug, Clone, Copy)]
pub struct Subject<'a> {
    pub name: &'a str,
    pub domain: &'a str,
    pub sid: &'a str,
    pub logon_id: &'a str,
}

/// The account a 4720 creates.
#[derive(Debug, Clone, Copy)]
pub struct NewAccount<'a> {
    pub name: &'a str,
    pub domain: &'a str,
    pub sid: &'a str,
    /// Created with the workstation trust flag (a computer account).
    pub computer: bool,
}

fn write_subject<W: Write>(sink: &mut Sink<W>, subject: &Subject<'_>) {
    sink.json
        .str("SubjectUserSid", subject.sid)
        .str("SubjectUserName", subject.name)
        .str("SubjectDomainName", subject.domain)
        .str("SubjectLogonId", subject.logon_id);
}

/// Security 4720.
pub fn user_created<W: Write>(
    sink: &mut Sink<W>,
    host: &mut Host,
    ts: i64,
    subject: &Subject<'_>,
    account: &NewAccount<'_>,
) -> io::Result<()> {
    sink.start(ts, host);
    sink.json
        .open("user")
        .str("name", subject.name)
        .str("domain", subject.domain)
        .str("id", subject.sid);
    sink.json
        .open("target")
        .str("name", account.name)
        .str("domain", account.domain)
        .str("id", account.sid)
        .close()
        .close();
    sink.json
        .open("related")
        .strs("user", &[subject.name, account.name])
        .close();
    let meta = EventMeta {
        code: "4720",
        action: "added-user-account",
        category: &["iam"],
        kind_type: &["user", "creation"],
        outcome: Some("success"),
    };
    windows_envelope(sink, host, Channel::Security, &meta);
    let uac = if account.computer {
        "\r\n\t\t%%2087"
    } else {
        "\r\n\t\t%%2080\r\n\t\t%%2082\r\n\t\t%%2084"
    };
    sink.json
        .str("TargetUserName", account.name)
        .str("TargetDomainName", account.domain)
        .str("TargetSid", account.sid);
    write_subject(sink, subject);
    sink.json
        .str("PrivilegeList", "-")
        .str("SamAccountName", account.name)
        .str("DisplayName", "%%1793")
        .str("UserPrincipalName", "-")
        .str("HomeDirectory", "%%1793")
        .str("HomePath", "%%1793")
        .str("ScriptPath", "%%1793")
        .str("ProfilePath", "%%1793")
        .str("UserWorkstations", "%%1793")
        .str("PasswordLastSet", "%%1794")
        .str("AccountExpires", "%%1794")
        .str("PrimaryGroupId", "513")
        .str("AllowedToDelegateTo", "-")
        .str("OldUacValue", "0x0")
        .str(
            "NewUacValue",
            if account.computer { "0x80" } else { "0x15" },
        )
        .str("UserAccountControl", uac)
        .str("UserParameters", "%%1793")
        .str("SidHistory", "-")
        .str("LogonHours", "%%1797");
    sink.json.close();
    sink.json.open("logon").str("id", subject.logon_id).close();
    sink.json.close();
    sink.emit()
}

/// The group a 4732 changes.
#[derive(Debug, Clone, Copy)]
pub struct LocalGroup<'a> {
    pub name: &'a str,
    pub domain: &'a str,
    pub sid: &'a str,
}

pub const ADMINISTRATORS: LocalGroup<'static> = LocalGroup {
    name: "Administrators",
    domain: "Builtin",
    sid: "S-1-5-32-544",
};

pub const REMOTE_DESKTOP_USERS: LocalGroup<'static> = LocalGroup {
    name: "Remote Desktop Users",
    domain: "Builtin",
    sid: "S-1-5-32-555",
};

/// Security 4732. `member_dn` is the member's distinguished name for domain accounts;
/// local accounts have none (`-`), and ECS then names the member by its SID.
pub fn member_added<W: Write>(
    sink: &mut Sink<W>,
    host: &mut Host,
    ts: i64,
    subject: &Subject<'_>,
    member_sid: &str,
    member_dn: Option<&str>,
    group: &LocalGroup<'_>,
) -> io::Result<()> {
    sink.start(ts, host);
    let member_name = member_dn
        .and_then(|dn| dn.strip_prefix("CN="))
        .and_then(|rest| rest.split(',').next())
        .unwrap_or(member_sid);
    sink.json
        .open("user")
        .str("name", subject.name)
        .str("domain", subject.domain)
        .str("id", subject.sid);
    sink.json
        .open("target")
        .str("name", member_name)
        .str("id", member_sid);
    sink.json
        .open("group")
        .str("name", group.name)
        .str("domain", group.domain)
        .str("id", group.sid)
        .close()
        .close()
        .close();
    sink.json
        .open("group")
        .str("name", group.name)
        .str("domain", group.domain)
        .str("id", group.sid)
        .close();
    let meta = EventMeta {
        code: "4732",
        action: "added-member-to-group",
        category: &["iam"],
        kind_type: &["group", "change"],
        outcome: Some("success"),
    };
    windows_envelope(sink, host, Channel::Security, &meta);
    sink.json
        .str("MemberName", member_dn.unwrap_or("-"))
        .str("MemberSid", member_sid)
        .str("TargetUserName", group.name)
        .str("TargetDomainName", group.domain)
        .str("TargetSid", group.sid);
    write_subject(sink, subject);
    sink.json.str("PrivilegeList", "-");
    sink.json.close();
    sink.json.open("logon").str("id", subject.logon_id).close();
    sink.json.close();
    sink.emit()
}
