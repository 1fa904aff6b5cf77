//! Frozen copy of `normalize/sysmon.rs` as it was before the fill-only Winlogbeat path,
//! the reference the equivalence tests compare the live normalizer against.

use super::util::{basename, ed, put, put_str};
use super::winproc::{map_sysmon_1, set_process};
use serde_json::{Map, Value};

/// Maps Sysmon event `id`.
pub fn map(doc: &mut Value, id: u64, d: &Map<String, Value>) {
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
            put_str(doc, "source.ip", ed(d, "SourceIp"));
            port(doc, "source.port", ed(d, "SourcePort"));
            put_str(doc, "source.domain", ed(d, "SourceHostname"));
            put_str(doc, "destination.ip", ed(d, "DestinationIp"));
            port(doc, "destination.port", ed(d, "DestinationPort"));
            put_str(doc, "destination.domain", ed(d, "DestinationHostname"));
            put_str(doc, "network.transport", ed(d, "Protocol"));
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
        22 => put_str(doc, "dns.question.name", ed(d, "QueryName")),
        _ => {}
    }
}

fn port(doc: &mut Value, path: &str, v: Option<&str>) {
    if let Some(p) = v.and_then(|p| p.trim().parse::<u64>().ok()) {
        put(doc, path, p);
    }
}

fn registry(doc: &mut Value, id: u64, d: &Map<String, Value>) {
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
    put_str(doc, "registry.new_name", ed(d, "NewName"));
}

/// `HKLM\SOFTWARE\x` -> (`HKLM`, `SOFTWARE\x`), also for `\REGISTRY\MACHINE\...`.
fn split_hive(path: &str) -> (Option<&'static str>, &str) {
    let upper = path.to_ascii_uppercase();
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
        if upper.starts_with(prefix) {
            return (Some(hive), &path[prefix.len()..]);
        }
    }
    (None, path)
}
