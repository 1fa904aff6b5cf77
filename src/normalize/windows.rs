//! ECS for Windows event log records, whatever container they came in (EVTX,
//! evtx_dump JSON, NXLog JSON lines, Winlogbeat documents).
//!
//! Each container is first reduced to a [`WinRecord`]; this module writes the
//! envelope fields (`event.*`, `host.*`, `winlog.*`, subject user) and hands the
//! event-specific mapping to [`super::winproc`], [`super::iam`] and [`super::sysmon`].

use super::sink::FieldSink;
use super::util::{put, put_ed, put_str};
use super::{iam, sysmon, time, winproc};
use serde_json::{Map, Value};

/// A Windows event reduced to what the mapping needs.
#[derive(Debug, Default, Clone)]
pub struct WinRecord {
    pub provider: Option<String>,
    pub event_id: Option<u64>,
    pub channel: Option<String>,
    pub computer: Option<String>,
    pub record_id: Option<u64>,
    pub time_ms: Option<i64>,
    /// When the record was written (System/TimeCreated or the source's equivalent),
    /// used for identity; may differ from `time_ms` (Sysmon's UtcTime).
    pub created_ms: Option<i64>,
    /// SID of the account that logged the event (System/Security/UserID).
    pub user_sid: Option<String>,
    /// Some(true) for audit success, Some(false) for audit failure.
    pub audit_success: Option<bool>,
    /// Rendered message, when the container carries one.
    pub message: Option<String>,
    /// EventData (or UserData) fields, values as strings.
    pub data: Map<String, Value>,
}

/// Which family of logs a record belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    Security,
    Sysmon,
    PowerShell,
    System,
    Other,
}

impl WinRecord {
    pub fn family(&self) -> Family {
        let provider = self.provider.as_deref().unwrap_or("");
        let channel = self.channel.as_deref().unwrap_or("");
        if provider.eq_ignore_ascii_case("microsoft-windows-sysmon")
            || channel.eq_ignore_ascii_case("microsoft-windows-sysmon/operational")
        {
            Family::Sysmon
        } else if provider.eq_ignore_ascii_case("microsoft-windows-security-auditing")
            || channel.eq_ignore_ascii_case("security")
        {
            Family::Security
        } else if contains_ignore_ascii_case(provider, "powershell")
            || contains_ignore_ascii_case(channel, "powershell")
        {
            Family::PowerShell
        } else if channel.eq_ignore_ascii_case("system") {
            Family::System
        } else {
            Family::Other
        }
    }

    /// `event.module` as Winlogbeat names it.
    fn module(&self, family: Family) -> String {
        match family {
            Family::Sysmon => "sysmon".into(),
            Family::Security => "security".into(),
            Family::PowerShell => "powershell".into(),
            Family::System => "system".into(),
            Family::Other => {
                let c = self.channel.as_deref().unwrap_or("windows");
                c.split(['/', '-'])
                    .next_back()
                    .unwrap_or(c)
                    .to_ascii_lowercase()
            }
        }
    }
}

/// Whether `needle` (lowercase ASCII) occurs in `haystack`, ignoring ASCII case.
fn contains_ignore_ascii_case(haystack: &str, needle: &str) -> bool {
    haystack
        .as_bytes()
        .windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

/// Builds the ECS document of a Windows record (without `vigil.*`).
pub fn to_ecs(mut rec: WinRecord) -> Value {
    // Room for the usual top-level groups, so the object is not re-hashed as it grows.
    let mut doc = Value::Object(Map::with_capacity(16));
    let data = std::mem::take(&mut rec.data);
    write_ecs(&mut doc, &rec, &data);
    if !data.is_empty() {
        put(&mut doc, "winlog.event_data", Value::Object(data));
    }
    doc
}

/// Writes the ECS fields of a Windows record whose event data is `data`, all but
/// `winlog.event_data` itself.
pub fn write_ecs(doc: &mut impl FieldSink, rec: &WinRecord, data: &Map<String, Value>) {
    if let Some(ms) = rec.time_ms
        && doc.wants("@timestamp")
    {
        doc.put_value("@timestamp", time::format_ms(ms).into());
    }
    let family = rec.family();
    put(doc, "event.kind", "event");
    if doc.wants("event.module") {
        doc.put_value("event.module", rec.module(family).into());
    }
    if let Some(id) = rec.event_id {
        if doc.wants("event.code") {
            doc.put_value("event.code", id.to_string().into());
        }
        put(doc, "winlog.event_id", id);
    }
    put_str(doc, "event.provider", rec.provider.as_deref());
    put_str(doc, "winlog.provider_name", rec.provider.as_deref());
    if let Some(ok) = rec.audit_success {
        put(doc, "event.outcome", if ok { "success" } else { "failure" });
    }
    put_str(doc, "winlog.channel", rec.channel.as_deref());
    if let Some(r) = rec.record_id {
        put(doc, "winlog.record_id", r);
    }
    put_str(doc, "winlog.user.identifier", rec.user_sid.as_deref());
    if let Some(computer) = rec
        .computer
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        put(doc, "winlog.computer_name", computer);
        let (short, domain) = split_host(computer);
        put(doc, "host.name", short);
        put(doc, "host.hostname", short);
        put_str(doc, "host.domain", domain);
    }
    put(doc, "host.os.type", "windows");
    put(doc, "host.os.family", "windows");
    put_str(doc, "message", rec.message.as_deref());
    subject_user(doc, data);
    if let Some(id) = rec.event_id {
        match family {
            Family::Sysmon => sysmon::map(doc, id, data),
            Family::Security => {
                if id == 4688 {
                    winproc::map_4688(doc, data);
                } else {
                    iam::map(doc, id, data);
                }
            }
            Family::PowerShell => {
                put_ed(
                    doc,
                    "powershell.file.script_block_text",
                    data,
                    "ScriptBlockText",
                );
            }
            _ => {}
        }
    }
}

/// `WORKSTATION6.theshire.local` -> (`WORKSTATION6`, `theshire.local`); IP addresses stay whole.
pub fn split_host(computer: &str) -> (&str, Option<&str>) {
    if computer.parse::<std::net::IpAddr>().is_ok() {
        return (computer, None);
    }
    match computer.split_once('.') {
        Some((short, domain)) if !short.is_empty() => (short, Some(domain)),
        _ => (computer, None),
    }
}

/// The subject (actor) of Security events as `user.*`.
fn subject_user(doc: &mut impl FieldSink, data: &Map<String, Value>) {
    put_ed(doc, "user.name", data, "SubjectUserName");
    put_ed(doc, "user.domain", data, "SubjectDomainName");
    put_ed(doc, "user.id", data, "SubjectUserSid");
    put_ed(doc, "winlog.logon.id", data, "SubjectLogonId");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_names_are_split() {
        assert_eq!(
            split_host("WORKSTATION6.theshire.local"),
            ("WORKSTATION6", Some("theshire.local"))
        );
        assert_eq!(split_host("WIN-41OB2LO92CR"), ("WIN-41OB2LO92CR", None));
        assert_eq!(split_host("10.0.0.1"), ("10.0.0.1", None));
    }

    #[test]
    fn envelope_fields() {
        let rec = WinRecord {
            provider: Some("Microsoft-Windows-Security-Auditing".into()),
            event_id: Some(4624),
            channel: Some("security".into()),
            computer: Some("DC01.corp.local".into()),
            record_id: Some(7),
            time_ms: Some(0),
            audit_success: Some(true),
            ..Default::default()
        };
        let d = to_ecs(rec);
        assert_eq!(d["event"]["code"], "4624");
        assert_eq!(d["event"]["module"], "security");
        assert_eq!(d["event"]["outcome"], "success");
        assert_eq!(d["winlog"]["channel"], "security");
        assert_eq!(d["winlog"]["record_id"], 7);
        assert_eq!(d["host"]["name"], "DC01");
        assert_eq!(d["host"]["os"]["type"], "windows");
        assert_eq!(d["@timestamp"], "1970-01-01T00:00:00.000Z");
    }
}
