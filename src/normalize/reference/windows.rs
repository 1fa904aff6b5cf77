//! Frozen copy of `normalize/windows.rs` as it was before the fill-only Winlogbeat path,
//! the reference the equivalence tests compare the live normalizer against.

use super::util::{ed, put, put_str};
use super::{iam, sysmon, time, winproc};
use serde_json::{Map, Value, json};

pub use crate::normalize::windows::{Family, WinRecord, split_host};

fn family(rec: &WinRecord) -> Family {
    let provider = rec.provider.as_deref().unwrap_or("").to_ascii_lowercase();
    let channel = rec.channel.as_deref().unwrap_or("").to_ascii_lowercase();
    if provider == "microsoft-windows-sysmon" || channel == "microsoft-windows-sysmon/operational" {
        Family::Sysmon
    } else if provider == "microsoft-windows-security-auditing" || channel == "security" {
        Family::Security
    } else if provider.contains("powershell") || channel.contains("powershell") {
        Family::PowerShell
    } else if channel == "system" {
        Family::System
    } else {
        Family::Other
    }
}

fn module(rec: &WinRecord) -> String {
    match family(rec) {
        Family::Sysmon => "sysmon".into(),
        Family::Security => "security".into(),
        Family::PowerShell => "powershell".into(),
        Family::System => "system".into(),
        Family::Other => {
            let c = rec.channel.as_deref().unwrap_or("windows");
            c.split(['/', '-'])
                .next_back()
                .unwrap_or(c)
                .to_ascii_lowercase()
        }
    }
}

/// Builds the ECS document of a Windows record (without `vigil.*`).
pub fn to_ecs(mut rec: WinRecord) -> Value {
    let mut doc = json!({});
    if let Some(ms) = rec.time_ms {
        put(&mut doc, "@timestamp", time::format_ms(ms));
    }
    put(&mut doc, "event.kind", "event");
    put(&mut doc, "event.module", module(&rec));
    if let Some(id) = rec.event_id {
        put(&mut doc, "event.code", id.to_string());
        put(&mut doc, "winlog.event_id", id);
    }
    put_str(&mut doc, "event.provider", rec.provider.as_deref());
    put_str(&mut doc, "winlog.provider_name", rec.provider.as_deref());
    if let Some(ok) = rec.audit_success {
        put(
            &mut doc,
            "event.outcome",
            if ok { "success" } else { "failure" },
        );
    }
    put_str(&mut doc, "winlog.channel", rec.channel.as_deref());
    if let Some(r) = rec.record_id {
        put(&mut doc, "winlog.record_id", r);
    }
    put_str(&mut doc, "winlog.user.identifier", rec.user_sid.as_deref());
    if let Some(computer) = rec
        .computer
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        put(&mut doc, "winlog.computer_name", computer);
        let (short, domain) = split_host(computer);
        put(&mut doc, "host.name", short);
        put(&mut doc, "host.hostname", short);
        put_str(&mut doc, "host.domain", domain);
    }
    put(&mut doc, "host.os.type", "windows");
    put(&mut doc, "host.os.family", "windows");
    put_str(&mut doc, "message", rec.message.as_deref());
    let data = std::mem::take(&mut rec.data);
    subject_user(&mut doc, &data);
    if let Some(id) = rec.event_id {
        match family(&rec) {
            Family::Sysmon => sysmon::map(&mut doc, id, &data),
            Family::Security => {
                if id == 4688 {
                    winproc::map_4688(&mut doc, &data);
                } else {
                    iam::map(&mut doc, id, &data);
                }
            }
            Family::PowerShell => {
                put_str(
                    &mut doc,
                    "powershell.file.script_block_text",
                    ed(&data, "ScriptBlockText"),
                );
            }
            _ => {}
        }
    }
    if !data.is_empty() {
        put(&mut doc, "winlog.event_data", Value::Object(data));
    }
    doc
}

/// The subject (actor) of Security events as `user.*`.
fn subject_user(doc: &mut Value, data: &Map<String, Value>) {
    put_str(doc, "user.name", ed(data, "SubjectUserName"));
    put_str(doc, "user.domain", ed(data, "SubjectDomainName"));
    put_str(doc, "user.id", ed(data, "SubjectUserSid"));
    put_str(doc, "winlog.logon.id", ed(data, "SubjectLogonId"));
}
