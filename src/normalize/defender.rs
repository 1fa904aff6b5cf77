//! Microsoft Defender advanced-hunting records: the streaming envelope
//! `{"category":"AdvancedHunting-<Table>","properties":{...}}` and plain rows.
//!
//! Follows Elastic's m365_defender mapping: for process events the created
//! process is `process.*` and `InitiatingProcess*` is `process.parent.*`; for
//! other tables the initiating process is `process.*`. Defender has no process
//! GUIDs, so entity ids are derived from (DeviceId, pid, creation time).

use super::cmdline::split_command_line;
use super::identity::content_id;
use super::time::{format_ms, parse_utc_ms};
use super::util::{basename, put, put_str, value_text};
use crate::model::fields::{has, lookup};
use serde_json::{Map, Value, json};

/// Whether a record is a Defender envelope or a plain advanced-hunting row.
pub fn looks_like(o: &Map<String, Value>) -> bool {
    let envelope = o
        .get("category")
        .and_then(Value::as_str)
        .is_some_and(|c| c.starts_with("AdvancedHunting-"))
        && lookup(o, "properties").is_some_and(Value::is_object);
    envelope || (has(o, "ActionType") && has(o, "DeviceName") && has(o, "Timestamp"))
}

/// Builds the ECS document; returns (doc, event time, content id).
pub fn normalize(o: &Map<String, Value>) -> Result<(Value, i64, String), String> {
    let (table, props) = match o.get("properties").and_then(Value::as_object) {
        Some(p) => (
            o.get("category")
                .and_then(Value::as_str)
                .and_then(|c| c.strip_prefix("AdvancedHunting-"))
                .unwrap_or("")
                .to_string(),
            p,
        ),
        None => (String::new(), o),
    };
    let s = |k: &str| props.get(k).and_then(value_text).filter(|v| !v.is_empty());
    let ts_text = s("Timestamp").ok_or("no Timestamp column")?;
    let ts = parse_utc_ms(&ts_text)
        .ok_or_else(|| format!("Timestamp {ts_text:?} is not a date-time"))?;
    let mut doc = json!({});
    put(&mut doc, "@timestamp", format_ms(ts));
    put(&mut doc, "event.kind", "event");
    put(&mut doc, "event.module", "m365_defender");
    put(&mut doc, "event.provider", "microsoft_defender_endpoint");
    put(&mut doc, "event.dataset", "m365_defender.event");
    put(&mut doc, "host.os.type", "windows");
    if let Some(dev) = s("DeviceName") {
        put(&mut doc, "host.name", dev.to_lowercase());
        put(&mut doc, "host.hostname", dev.to_lowercase());
    }
    put_str(&mut doc, "host.id", s("DeviceId").as_deref());
    let action = s("ActionType").unwrap_or_default();
    let is_process = table == "DeviceProcessEvents" || action == "ProcessCreated";
    let category = match table.as_str() {
        "DeviceFileEvents" => Some("file"),
        "DeviceNetworkEvents" => Some("network"),
        "DeviceRegistryEvents" => Some("registry"),
        "DeviceLogonEvents" => Some("authentication"),
        "DeviceImageLoadEvents" => Some("library"),
        _ if is_process => Some("process"),
        _ => None,
    };
    if let Some(c) = category {
        put(&mut doc, "event.category", vec![c]);
    }
    if is_process {
        put(&mut doc, "event.type", vec!["start"]);
        put(&mut doc, "event.action", "start");
        process(&mut doc, props, "process", "");
        process(&mut doc, props, "process.parent", "InitiatingProcess");
        put_str(&mut doc, "user.name", s("AccountName").as_deref());
        put_str(&mut doc, "user.domain", s("AccountDomain").as_deref());
        put_str(&mut doc, "user.id", s("AccountSid").as_deref());
    } else {
        if !action.is_empty() {
            put(
                &mut doc,
                "event.action",
                action.to_lowercase().replace(' ', "-"),
            );
        }
        process(&mut doc, props, "process", "InitiatingProcess");
        put_str(
            &mut doc,
            "user.name",
            s("InitiatingProcessAccountName").as_deref(),
        );
        put_str(
            &mut doc,
            "user.domain",
            s("InitiatingProcessAccountDomain").as_deref(),
        );
        if let Some(path) = s("FolderPath") {
            put(&mut doc, "file.path", path.clone());
            put_str(&mut doc, "file.name", s("FileName").as_deref());
        }
        put_str(&mut doc, "registry.key", s("RegistryKey").as_deref());
        put_str(
            &mut doc,
            "registry.value",
            s("RegistryValueName").as_deref(),
        );
        put_str(&mut doc, "destination.ip", s("RemoteIP").as_deref());
        put_str(&mut doc, "source.ip", s("LocalIP").as_deref());
    }
    put(
        &mut doc,
        "m365_defender.event",
        Value::Object(props.clone()),
    );
    let id = content_id(
        "defender",
        Value::Object(props.clone()).to_string().as_bytes(),
    );
    Ok((doc, ts, id))
}

/// Writes `prefix.*` from the columns starting with `col` ("" or "InitiatingProcess").
fn process(doc: &mut Value, p: &Map<String, Value>, prefix: &str, col: &str) {
    let s = |k: &str| {
        p.get(&format!("{col}{k}"))
            .and_then(value_text)
            .filter(|v| !v.is_empty())
    };
    let name = s("FileName");
    let folder = s("FolderPath");
    let exe = match (&folder, &name) {
        (Some(f), Some(n)) if !basename(f).eq_ignore_ascii_case(n) => {
            Some(format!("{}\\{}", f.trim_end_matches('\\'), n))
        }
        (Some(f), _) => Some(f.clone()),
        _ => None,
    };
    put_str(doc, &format!("{prefix}.executable"), exe.as_deref());
    put_str(doc, &format!("{prefix}.name"), name.as_deref());
    let cmd_key = if col.is_empty() {
        "ProcessCommandLine"
    } else {
        "CommandLine"
    };
    if let Some(cmd) = s(cmd_key) {
        let args = split_command_line(&cmd);
        put(doc, &format!("{prefix}.args_count"), args.len());
        put(doc, &format!("{prefix}.args"), args);
        put(doc, &format!("{prefix}.command_line"), cmd);
    }
    let pid_key = if col.is_empty() { "ProcessId" } else { "Id" };
    let pid = p.get(&format!("{col}{pid_key}")).and_then(|v| match v {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    });
    let created_key = if col.is_empty() {
        "ProcessCreationTime"
    } else {
        "CreationTime"
    };
    let created = s(created_key);
    if let Some(pid) = pid {
        put(doc, &format!("{prefix}.pid"), pid);
        let device = p.get("DeviceId").and_then(value_text).unwrap_or_default();
        let key = format!("{device}|{pid}|{}", created.clone().unwrap_or_default());
        put(
            doc,
            &format!("{prefix}.entity_id"),
            content_id("defender-process", key.as_bytes()),
        );
    }
    if let Some(c) = created.as_deref().and_then(parse_utc_ms) {
        put(doc, &format!("{prefix}.start"), format_ms(c));
    }
    let vi = |k: &str| s(&format!("VersionInfo{k}"));
    put_str(
        doc,
        &format!("{prefix}.pe.original_file_name"),
        vi("OriginalFileName").as_deref(),
    );
    put_str(
        doc,
        &format!("{prefix}.pe.company"),
        vi("CompanyName").as_deref(),
    );
    put_str(
        doc,
        &format!("{prefix}.pe.description"),
        vi("FileDescription").as_deref(),
    );
    put_str(
        doc,
        &format!("{prefix}.pe.product"),
        vi("ProductName").as_deref(),
    );
    put_str(
        doc,
        &format!("{prefix}.pe.file_version"),
        vi("ProductVersion").as_deref(),
    );
    for (col_name, algo) in [("SHA1", "sha1"), ("SHA256", "sha256"), ("MD5", "md5")] {
        let v = s(col_name).map(|h| h.to_ascii_lowercase());
        put_str(doc, &format!("{prefix}.hash.{algo}"), v.as_deref());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn process_event_envelope() {
        let o = json!({"category": "AdvancedHunting-DeviceProcessEvents", "properties": {
            "Timestamp": "2022-11-09T17:59:52.6265786Z", "DeviceName": "TestMachine6", "DeviceId": "d1",
            "ActionType": "ProcessCreated", "FileName": "net.exe", "FolderPath": "C:\\Windows\\System32",
            "ProcessCommandLine": "net user x /add", "ProcessId": 6412,
            "ProcessCreationTime": "2022-11-09T17:59:52.0344972Z",
            "InitiatingProcessFileName": "cmd.exe", "InitiatingProcessFolderPath": "c:\\windows\\system32\\cmd.exe",
            "InitiatingProcessCommandLine": "cmd.exe /c net user x /add", "InitiatingProcessId": 996,
            "AccountName": "administrator1", "AccountDomain": "testmachine6", "SHA1": "AB"}});
        let (doc, ts, _) = normalize(o.as_object().unwrap()).unwrap();
        assert_eq!(ts, 1_668_016_792_626);
        assert_eq!(doc["host"]["name"], "testmachine6");
        assert_eq!(
            doc["process"]["executable"],
            "C:\\Windows\\System32\\net.exe"
        );
        assert_eq!(doc["process"]["args"], json!(["net", "user", "x", "/add"]));
        assert_eq!(doc["process"]["parent"]["name"], "cmd.exe");
        assert_eq!(
            doc["process"]["parent"]["executable"],
            "c:\\windows\\system32\\cmd.exe"
        );
        assert_eq!(doc["process"]["parent"]["pid"], 996);
        assert_eq!(doc["process"]["hash"]["sha1"], "ab");
        assert_eq!(doc["event"]["type"], json!(["start"]));
        assert!(doc["process"]["entity_id"].is_string());
        assert_ne!(
            doc["process"]["entity_id"],
            doc["process"]["parent"]["entity_id"]
        );
    }

    #[test]
    fn plain_row_same_identity_as_envelope() {
        let props = json!({"Timestamp": "2022-11-09T17:59:52Z", "DeviceName": "a", "ActionType": "ProcessCreated"});
        let env =
            json!({"category": "AdvancedHunting-DeviceProcessEvents", "properties": props.clone()});
        let a = normalize(env.as_object().unwrap()).unwrap();
        let b = normalize(props.as_object().unwrap()).unwrap();
        assert_eq!(a.2, b.2);
        assert!(looks_like(props.as_object().unwrap()));
    }
}
