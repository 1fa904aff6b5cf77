//! Sysmon events other than process creation: network, file, registry, DNS,
//! process end. Each sets `event.category/type/action` and the ECS fields of
//! its object, plus the acting process.

use super::sink::FieldSink;
use super::util::{basename, ed, put, put_ed, put_str};
use super::winproc::{map_sysmon_1, set_process};
use serde_json::{Map, Value};

/// Maps Sysmon event `id`.
pub fn map(doc: &mut impl FieldSink, id: u64, d: &Map<String, Value>) {
    let (category, kinds, action): (&str, &[&str], &str) = match id {
        1 => return map_sysmon_1(doc, d),
        3 => (
            "network",
            &["connection", "start"],
            "Network connection detected (rule: NetworkConnect)",
        ),
        5 => (
            "process",
            &["end"],
            "Process terminated (rule: ProcessTerminate)",
        ),
        11 => ("file", &["creation"], "File created (rule: FileCreate)"),
        12 => (
            "registry",
            &["change"],
            "Registry object added or deleted (rule: RegistryEvent)",
        ),
        13 => (
            "registry",
            &["change"],
            "Registry value set (rule: RegistryEvent)",
        ),
        14 => (
            "registry",
            &["change"],
            "Registry object renamed (rule: RegistryEvent)",
        ),
        22 => (
            "network",
            &["protocol", "info"],
            "Dns query (rule: DnsQuery)",
        ),
        _ => {
            set_process(
                doc,
                "process",
                ed(d, "Image"),
                None,
                ed(d, "ProcessId"),
                ed(d, "ProcessGuid"),
            );
            return;
        }
    };
    put(doc, "event.category", vec![category]);
    put(doc, "event.type", kinds.to_vec());
    put(doc, "event.action", action);
    set_process(
        doc,
        "process",
        ed(d, "Image"),
        None,
        ed(d, "ProcessId"),
        ed(d, "ProcessGuid"),
    );
    if let Some(user) = ed(d, "User") {
        let (domain, name) = super::util::split_domain_user(user);
        put_str(doc, "user.name", Some(name));
        put_str(doc, "user.domain", domain);
    }
    match id {
        3 => {
            put_ed(doc, "source.ip", d, "SourceIp");
            port(doc, "source.port", ed(d, "SourcePort"));
            put_ed(doc, "source.domain", d, "SourceHostname");
            put_ed(doc, "destination.ip", d, "DestinationIp");
            port(doc, "destination.port", ed(d, "DestinationPort"));
            put_ed(doc, "destination.domain", d, "DestinationHostname");
            put_ed(doc, "network.transport", d, "Protocol");
            match ed(d, "Initiated") {
                Some("true") => put(doc, "network.direction", "egress"),
                Some("false") => put(doc, "network.direction", "ingress"),
                _ => {}
            }
        }
        11 => {
            if let Some(path) = ed(d, "TargetFilename") {
                put(doc, "file.path", path);
                put(doc, "file.name", basename(path));
            }
        }
        12..=14 => registry(doc, id, d),
        22 => put_ed(doc, "dns.question.name", d, "QueryName"),
        _ => {}
    }
}

fn port(doc: &mut impl FieldSink, path: &str, v: Option<&str>) {
    if let Some(p) = v.and_then(|p| p.trim().parse::<u64>().ok()) {
        put(doc, path, p);
    }
}

fn registry(doc: &mut impl FieldSink, id: u64, d: &Map<String, Value>) {
    let kind = ed(d, "EventType").unwrap_or("");
    let types: &[&str] = match kind {
        "CreateKey" => &["creation"],
        "DeleteKey" | "DeleteValue" => &["deletion"],
        _ => &["change"],
    };
    put(doc, "event.type", types.to_vec());
    let Some(target) = ed(d, "TargetObject") else {
        return;
    };
    put(doc, "registry.path", target);
    let (hive, rest) = split_hive(target);
    put_str(doc, "registry.hive", hive);
    // Value events name a value (the last component); key events name a key.
    let is_value = id == 13 || kind == "DeleteValue" || kind == "SetValue";
    if is_value {
        match rest.rsplit_once('\\') {
            Some((key, value)) => {
                put_str(doc, "registry.key", Some(key));
                put_str(doc, "registry.value", Some(value));
            }
            None => put_str(doc, "registry.value", Some(rest)),
        }
    } else {
        put_str(doc, "registry.key", Some(rest));
    }
    if let Some(details) = ed(d, "Details") {
        put(doc, "registry.data.strings", vec![details]);
        if let Some((t, _)) = details.split_once(" (") {
            let ty = match t {
                "DWORD" => Some("SZ_DWORD"),
                "QWORD" => Some("SZ_QWORD"),
                "Binary Data" => Some("REG_BINARY"),
                _ => None,
            };
            put_str(doc, "registry.data.type", ty);
        }
    }
    put_ed(doc, "registry.new_name", d, "NewName");
}

/// `HKLM\SOFTWARE\x` -> (`HKLM`, `SOFTWARE\x`), also for `\REGISTRY\MACHINE\...`.
fn split_hive(path: &str) -> (Option<&'static str>, &str) {
    for (prefix, hive) in [
        ("HKLM\\", "HKLM"),
        ("HKU\\", "HKU"),
        ("HKCU\\", "HKCU"),
        ("HKCR\\", "HKCR"),
        ("\\REGISTRY\\MACHINE\\", "HKLM"),
        ("\\REGISTRY\\USER\\", "HKU"),
        ("HKEY_LOCAL_MACHINE\\", "HKLM"),
        ("HKEY_USERS\\", "HKU"),
        ("HKEY_CURRENT_USER\\", "HKCU"),
    ] {
        if path.len() >= prefix.len()
            && path.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
        {
            return (Some(hive), &path[prefix.len()..]);
        }
    }
    (None, path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn registry_key_and_value_events() {
        let mut doc = json!({});
        let d = json!({"EventType": "CreateKey", "Image": "C:\\Windows\\system32\\lsass.exe",
            "TargetObject": "HKLM\\SAM\\SAM\\Domains\\Account\\Users\\Names\\support"});
        map(&mut doc, 12, d.as_object().unwrap());
        assert_eq!(doc["registry"]["hive"], "HKLM");
        assert_eq!(
            doc["registry"]["key"],
            "SAM\\SAM\\Domains\\Account\\Users\\Names\\support"
        );
        assert_eq!(doc["event"]["type"], json!(["creation"]));
        assert_eq!(doc["process"]["name"], "lsass.exe");

        let mut doc = json!({});
        let d = json!({"EventType": "SetValue", "Details": "DWORD (0x00000000)",
            "TargetObject": "HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\Winlogon\\SpecialAccounts\\Userlist\\AtomicOperator$"});
        map(&mut doc, 13, d.as_object().unwrap());
        assert_eq!(doc["registry"]["value"], "AtomicOperator$");
        assert_eq!(doc["registry"]["data"]["type"], "SZ_DWORD");
        assert_eq!(
            doc["registry"]["data"]["strings"],
            json!(["DWORD (0x00000000)"])
        );
        assert_eq!(doc["event"]["category"], json!(["registry"]));
    }

    #[test]
    fn network_event() {
        let mut doc = json!({});
        let d = json!({"SourceIp": "10.0.0.5", "SourcePort": "49711", "DestinationIp": "1.2.3.4",
            "DestinationPort": "443", "Protocol": "tcp", "Initiated": "true"});
        map(&mut doc, 3, d.as_object().unwrap());
        assert_eq!(doc["destination"]["port"], 443);
        assert_eq!(doc["network"]["direction"], "egress");
    }
}
