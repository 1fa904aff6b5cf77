//! Frozen copy of `normalize/winproc.rs` as it was before the fill-only Winlogbeat path,
//! the reference the equivalence tests compare the live normalizer against.

use super::cmdline::split_command_line;
use super::util::{basename, ed, is_blank, parse_pid, put, put_str, split_domain_user};
use serde_json::{Map, Value};

/// Writes `PREFIX.{executable,name,command_line,args,args_count,pid,entity_id}`.
pub fn set_process(
    doc: &mut Value,
    prefix: &str,
    executable: Option<&str>,
    command_line: Option<&str>,
    pid: Option<&str>,
    entity_id: Option<&str>,
) {
    let path = |leaf: &str| format!("{prefix}.{leaf}");
    if let Some(exe) = executable.map(str::trim).filter(|e| !is_blank(e)) {
        put(doc, &path("executable"), exe);
        put(doc, &path("name"), basename(exe));
    }
    if let Some(cmd) = command_line.filter(|c| !is_blank(c.trim())) {
        put(doc, &path("command_line"), cmd);
        let args = split_command_line(cmd);
        put(doc, &path("args_count"), args.len());
        put(doc, &path("args"), args);
    }
    if let Some(pid) = pid.and_then(parse_pid) {
        put(doc, &path("pid"), pid);
    }
    put_str(doc, &path("entity_id"), entity_id);
}

/// Sysmon event 1 (process creation).
pub fn map_sysmon_1(doc: &mut Value, d: &Map<String, Value>) {
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
    put_str(doc, "process.working_directory", ed(d, "CurrentDirectory"));
    for (src, dst) in [
        ("OriginalFileName", "process.pe.original_file_name"),
        ("Description", "process.pe.description"),
        ("Product", "process.pe.product"),
        ("Company", "process.pe.company"),
        ("FileVersion", "process.pe.file_version"),
    ] {
        put_str(doc, dst, ed(d, src));
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
pub fn set_hashes(doc: &mut Value, prefix: &str, hashes: &str) {
    for part in hashes.split(',') {
        let Some((algo, value)) = part.split_once('=') else {
            continue;
        };
        let value = value.trim().to_ascii_lowercase();
        if value.is_empty() {
            continue;
        }
        let algo = algo.trim().to_ascii_lowercase();
        match algo.as_str() {
            "imphash" => put(doc, &format!("{prefix}.pe.imphash"), value),
            "md5" | "sha1" | "sha256" | "sha384" | "sha512" => {
                put(doc, &format!("{prefix}.hash.{algo}"), value)
            }
            _ => {}
        }
    }
}

/// Security event 4688 (a new process has been created).
pub fn map_4688(doc: &mut Value, d: &Map<String, Value>) {
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
        put_str(doc, "user.effective.domain", ed(d, "TargetDomainName"));
    }
}
