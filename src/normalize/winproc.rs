//! Process-start events: Sysmon 1 and Security 4688 (hex process ids, and a
//! ParentProcessName that older Windows versions do not write).

use super::cmdline::split_command_line;
use super::sink::FieldSink;
use super::util::{
    basename, ed, is_blank, joined, parse_pid, put, put_ed, put_str, split_domain_user,
};
use serde_json::{Map, Value};

/// Writes `PREFIX.{executable,name,command_line,args,args_count,pid,entity_id}`.
pub fn set_process(
    doc: &mut impl FieldSink,
    prefix: &str,
    executable: Option<&str>,
    command_line: Option<&str>,
    pid: Option<&str>,
    entity_id: Option<&str>,
) {
    let mut buf = String::with_capacity(prefix.len() + 16);
    if let Some(exe) = executable.map(str::trim).filter(|e| !is_blank(e)) {
        put(doc, joined(&mut buf, prefix, "executable"), exe);
        put(doc, joined(&mut buf, prefix, "name"), basename(exe));
    }
    if let Some(cmd) = command_line.filter(|c| !is_blank(c.trim())) {
        put(doc, joined(&mut buf, prefix, "command_line"), cmd);
        let count_wanted = doc.wants(joined(&mut buf, prefix, "args_count"));
        let args_wanted = doc.wants(joined(&mut buf, prefix, "args"));
        if count_wanted || args_wanted {
            let args = split_command_line(cmd);
            if count_wanted {
                doc.put_value(joined(&mut buf, prefix, "args_count"), args.len().into());
            }
            if args_wanted {
                doc.put_value(joined(&mut buf, prefix, "args"), args.into());
            }
        }
    }
    if let Some(pid) = pid.and_then(parse_pid) {
        put(doc, joined(&mut buf, prefix, "pid"), pid);
    }
    put_str(doc, joined(&mut buf, prefix, "entity_id"), entity_id);
}

/// Sysmon event 1 (process creation).
pub fn map_sysmon_1(doc: &mut impl FieldSink, d: &Map<String, Value>) {
    put(doc, "event.category", vec!["process"]);
    put(doc, "event.type", vec!["start"]);
    put(doc, "event.action", "Process Create (rule: ProcessCreate)");
    set_process(
        doc,
        "process",
        ed(d, "Image"),
        ed(d, "CommandLine"),
        ed(d, "ProcessId"),
        ed(d, "ProcessGuid"),
    );
    put_ed(doc, "process.working_directory", d, "CurrentDirectory");
    for (src, dst) in [
        ("OriginalFileName", "process.pe.original_file_name"),
        ("Description", "process.pe.description"),
        ("Product", "process.pe.product"),
        ("Company", "process.pe.company"),
        ("FileVersion", "process.pe.file_version"),
    ] {
        put_ed(doc, dst, d, src);
    }
    if let Some(hashes) = ed(d, "Hashes") {
        set_hashes(doc, "process", hashes);
    }
    set_process(
        doc,
        "process.parent",
        ed(d, "ParentImage"),
        ed(d, "ParentCommandLine"),
        ed(d, "ParentProcessId"),
        ed(d, "ParentProcessGuid"),
    );
    if let Some(user) = ed(d, "User").filter(|u| !is_blank(u)) {
        let (domain, name) = split_domain_user(user);
        put(doc, "user.name", name);
        put_str(doc, "user.domain", domain);
    }
}

/// `SHA1=..,MD5=..,SHA256=..,IMPHASH=..` -> `PREFIX.hash.*` and `PREFIX.pe.imphash`.
pub fn set_hashes(doc: &mut impl FieldSink, prefix: &str, hashes: &str) {
    let mut path = String::with_capacity(prefix.len() + 16);
    for part in hashes.split(',') {
        let Some((algo, value)) = part.split_once('=') else {
            continue;
        };
        let value = value.trim();
        if value.is_empty() {
            continue;
        }
        let algo = algo.trim();
        let leaf = ["imphash", "md5", "sha1", "sha256", "sha384", "sha512"]
            .into_iter()
            .find(|known| algo.eq_ignore_ascii_case(known));
        path.clear();
        path.push_str(prefix);
        match leaf {
            Some("imphash") => path.push_str(".pe.imphash"),
            Some(known) => {
                path.push_str(".hash.");
                path.push_str(known);
            }
            None => continue,
        }
        put_lowercase(doc, &path, value);
    }
}

fn put_lowercase(doc: &mut impl FieldSink, path: &str, value: &str) {
    if doc.wants(path) {
        doc.put_value(path, value.to_ascii_lowercase().into());
    }
}

/// Security event 4688 (a new process has been created).
pub fn map_4688(doc: &mut impl FieldSink, d: &Map<String, Value>) {
    put(doc, "event.category", vec!["process"]);
    put(doc, "event.type", vec!["start"]);
    put(doc, "event.action", "created-process");
    set_process(
        doc,
        "process",
        ed(d, "NewProcessName"),
        ed(d, "CommandLine"),
        ed(d, "NewProcessId"),
        None,
    );
    // The creator: its id is always there, its name only on Windows 10 / 2016 and later.
    set_process(
        doc,
        "process.parent",
        ed(d, "ParentProcessName"),
        None,
        ed(d, "ProcessId"),
        None,
    );
    // When a different account runs the new process, it is the target subject.
    if let Some(name) = ed(d, "TargetUserName").filter(|n| !is_blank(n)) {
        put(doc, "user.effective.name", name);
        put_ed(doc, "user.effective.domain", d, "TargetDomainName");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn data(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap()
    }

    #[test]
    fn security_4688_with_hex_ids_and_no_parent_name() {
        let mut doc = json!({});
        map_4688(
            &mut doc,
            &data(json!({
                "NewProcessId": "0x1e58", "NewProcessName": "C:\\Windows\\System32\\net.exe",
                "ProcessId": "0xf70", "CommandLine": "net  user toto3 pw /add",
                "TargetUserName": "-"
            })),
        );
        assert_eq!(doc["process"]["pid"], 7768);
        assert_eq!(doc["process"]["name"], "net.exe");
        assert_eq!(
            doc["process"]["args"],
            json!(["net", "user", "toto3", "pw", "/add"])
        );
        assert_eq!(doc["process"]["parent"]["pid"], 3952);
        assert!(doc["process"]["parent"].get("name").is_none());
        assert!(doc.get("user").is_none());
        assert_eq!(doc["event"]["category"], json!(["process"]));
    }

    #[test]
    fn sysmon_1_full_mapping() {
        let mut doc = json!({});
        map_sysmon_1(
            &mut doc,
            &data(json!({
                "ProcessGuid": "{a}", "ProcessId": "7768", "Image": "C:\\Windows\\System32\\net.exe",
                "CommandLine": "net user /add backdoor paw0rd1", "CurrentDirectory": "C:\\",
                "User": "THESHIRE\\pgustavo", "OriginalFileName": "net.exe",
                "Hashes": "SHA1=AB,MD5=CD,IMPHASH=EF",
                "ParentProcessGuid": "{b}", "ParentProcessId": "3952",
                "ParentImage": "C:\\Windows\\System32\\wbem\\WmiPrvSE.exe",
                "ParentCommandLine": "wmiprvse.exe -secured -Embedding"
            })),
        );
        assert_eq!(doc["process"]["entity_id"], "{a}");
        assert_eq!(doc["process"]["pid"], 7768);
        assert_eq!(doc["process"]["pe"]["original_file_name"], "net.exe");
        assert_eq!(doc["process"]["hash"]["sha1"], "ab");
        assert_eq!(doc["process"]["pe"]["imphash"], "ef");
        assert_eq!(doc["process"]["parent"]["name"], "WmiPrvSE.exe");
        assert_eq!(doc["process"]["parent"]["args"][1], "-secured");
        assert_eq!(doc["user"]["name"], "pgustavo");
        assert_eq!(doc["user"]["domain"], "THESHIRE");
    }
}
