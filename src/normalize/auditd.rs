//! Linux audit daemon records to ECS, one event per log line as Elastic's `auditd`
//! module stores them: every field kept under `auditd.log.*`, plus the ECS view rules
//! use (account management as `iam`, the process, the real and audit user).
//!
//! Records of one kernel event (SYSCALL, EXECVE, CWD, PATH, PROCTITLE) share
//! `auditd.log.sequence`; they are not merged into one event.

use super::auditd_parse::{AuditLine, parse};
use super::identity::content_id;
use super::time::format_ms;
use super::util::{basename, put, put_str};
use crate::model::fields::first_str;
use serde_json::{Value, json};

/// `auid`/`uid` value meaning "not set".
const UNSET_ID: &str = "4294967295";

/// Builds the ECS document of one audit log line; returns (doc, time, content id).
pub fn normalize_line(line: &str) -> Result<(Value, i64, String), String> {
    let a = parse(line)?;
    let mut doc = json!({});
    put(&mut doc, "@timestamp", format_ms(a.time_ms));
    put(&mut doc, "event.kind", "event");
    put(&mut doc, "event.module", "auditd");
    put(&mut doc, "event.dataset", "auditd.log");
    put(&mut doc, "host.os.type", "linux");
    if let Some(node) = a.node {
        put_str(&mut doc, "host.name", Some(node));
        put_str(&mut doc, "host.hostname", Some(node));
    }
    put(&mut doc, "auditd.log.record_type", a.record_type);
    put(&mut doc, "auditd.log.sequence", a.sequence);
    for (key, value) in &a.fields {
        if key.is_empty() || fields_get(&doc, key).is_some() {
            continue;
        }
        put(&mut doc, &format!("auditd.log.{key}"), value.as_ref());
    }
    for (key, value) in &a.enriched {
        put(&mut doc, &format!("auditd.log.enriched.{key}"), *value);
    }
    outcome(&mut doc, &a);
    users(&mut doc, &a);
    process(&mut doc, &a);
    account_management(&mut doc, &a);
    Ok((doc, a.time_ms, content_id("auditd", line.trim().as_bytes())))
}

fn fields_get<'d>(doc: &'d Value, key: &str) -> Option<&'d Value> {
    doc.get("auditd")?.get("log")?.get(key)
}

fn outcome(doc: &mut Value, a: &AuditLine) {
    let result = match (a.get("res"), a.get("success")) {
        (Some(r), _) => Some(matches!(r, "success" | "1" | "yes")),
        (None, Some(s)) => Some(s == "yes"),
        (None, None) => None,
    };
    if let Some(ok) = result {
        put(doc, "event.outcome", if ok { "success" } else { "failure" });
    }
}

fn users(doc: &mut Value, a: &AuditLine) {
    let set = |v: &&str| *v != UNSET_ID;
    if let Some(uid) = a.get("uid").filter(set) {
        put(doc, "user.id", uid);
        let name = a.enriched("UID").or((uid == "0").then_some("root"));
        put_str(doc, "user.name", name);
    }
    if let Some(auid) = a.get("auid").filter(set) {
        put(doc, "user.audit.id", auid);
        put_str(doc, "user.audit.name", a.enriched("AUID"));
    }
    if let Some(euid) = a.get("euid").filter(set) {
        put(doc, "user.effective.id", euid);
        put_str(doc, "user.effective.name", a.enriched("EUID"));
    }
}

fn process(doc: &mut Value, a: &AuditLine) {
    if let Some(pid) = a.get("pid").and_then(|p| p.parse::<u64>().ok()) {
        put(doc, "process.pid", pid);
    }
    if let Some(ppid) = a.get("ppid").and_then(|p| p.parse::<u64>().ok()) {
        put(doc, "process.parent.pid", ppid);
    }
    let exe = a.get("exe").filter(|e| e.starts_with('/'));
    put_str(doc, "process.executable", exe);
    let name = a.get("comm").or(exe.map(basename));
    put_str(doc, "process.name", name);
    put_str(doc, "process.working_directory", a.get("cwd"));
    match a.record_type {
        "SYSCALL" if is_exec(a) => {
            put(doc, "event.category", vec!["process"]);
            put(doc, "event.type", vec!["start"]);
            put(doc, "event.action", "executed");
        }
        "EXECVE" => {
            let count: usize = a.get("argc").and_then(|c| c.parse().ok()).unwrap_or(0);
            let args: Vec<&str> = (0..count.min(4096))
                .map_while(|i| a.get(&format!("a{i}")))
                .collect();
            command_line(doc, args);
        }
        "PROCTITLE" => {
            if let Some(title) = a.get("proctitle") {
                put(doc, "process.title", title);
                // Decoded, the NUL separators between arguments became spaces.
                command_line(doc, title.split(' ').filter(|s| !s.is_empty()).collect());
            }
        }
        "PATH" => put_str(doc, "file.path", a.get("name")),
        _ => {}
    }
}

fn command_line(doc: &mut Value, args: Vec<&str>) {
    if args.is_empty() {
        return;
    }
    put(doc, "process.command_line", args.join(" "));
    put(doc, "process.args_count", args.len());
    put(doc, "process.args", args);
}

/// Whether a SYSCALL record is an execve/execveat (by the enriched name, else the
/// number on the common architectures).
fn is_exec(a: &AuditLine) -> bool {
    if let Some(name) = a.enriched("SYSCALL") {
        return name == "execve" || name == "execveat";
    }
    let number = a.get("syscall").unwrap_or_default();
    match a.get("arch").unwrap_or_default() {
        "c000003e" => matches!(number, "59" | "322"),
        "c00000b7" => matches!(number, "221" | "281"),
        "40000003" => matches!(number, "11" | "358"),
        _ => false,
    }
}

/// The shadow utilities' account records as ECS `iam` events (Auditbeat's action names).
fn account_management(doc: &mut Value, a: &AuditLine) {
    let (action, category, types): (&str, &str, &[&str]) = match a.record_type {
        "ADD_USER" => ("added-user-account", "iam", &["user", "creation"]),
        "DEL_USER" => ("deleted-user-account", "iam", &["user", "deletion"]),
        "USER_MGMT" => ("modified-user-account", "iam", &["user", "change"]),
        "USER_CHAUTHTOK" => ("changed-password", "iam", &["user", "change"]),
        "ADD_GROUP" => ("added-group-account", "iam", &["group", "creation"]),
        "DEL_GROUP" => ("deleted-group-account", "iam", &["group", "deletion"]),
        "GRP_MGMT" => ("modified-group-account", "iam", &["group", "change"]),
        "USER_LOGIN" => ("logged-in", "authentication", &["start"]),
        "USER_AUTH" => ("authenticated", "authentication", &["info"]),
        "USER_START" => ("started-session", "session", &["start"]),
        "USER_END" => ("ended-session", "session", &["end"]),
        _ => {
            if fields_get_action(doc).is_none() {
                put(doc, "event.action", a.record_type.to_ascii_lowercase());
            }
            return;
        }
    };
    put(doc, "event.action", action);
    put(doc, "event.category", vec![category]);
    put(doc, "event.type", types.to_vec());
    let account = a.get("acct").filter(|v| *v != "?" && *v != "(unknown)");
    let group_record = types.first() == Some(&"group");
    if category == "iam" {
        let id = a.get("id").filter(|v| *v != UNSET_ID && !v.is_empty());
        let enriched = a.enriched("ID");
        if group_record {
            put_str(doc, "group.name", a.get("grp").or(account).or(enriched));
            put_str(doc, "group.id", id);
        } else {
            let name = account.or(enriched);
            put_str(doc, "user.target.name", name);
            put_str(doc, "user.target.id", id);
            let actor = first_str(doc, "user.name").map(str::to_string);
            let related: Vec<String> = [actor, name.map(str::to_string)]
                .into_iter()
                .flatten()
                .collect();
            if !related.is_empty() {
                put(doc, "related.user", related);
            }
        }
    } else {
        // Logins and sessions: the account is the user who logs in.
        put_str(doc, "user.name", account);
    }
}

fn fields_get_action(doc: &Value) -> Option<&Value> {
    doc.get("event")?.get("action")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(line: &str) -> Value {
        normalize_line(line).unwrap().0
    }

    #[test]
    fn add_user_is_an_iam_creation_with_target_and_host() {
        let d = doc(
            "node=web01 type=ADD_USER msg=audit(1772488202.835:88412): pid=3858 uid=0 auid=4294967295 ses=4294967295 \
             subj=unconfined msg='op=adding user acct=\"sysupdate\" id=1001 exe=\"/usr/sbin/useradd\" hostname=web01 addr=? terminal=? res=success'",
        );
        for (path, want) in [
            ("@timestamp", "2026-03-02T21:50:02.835Z"),
            ("event.module", "auditd"),
            ("event.action", "added-user-account"),
            ("event.category", "iam"),
            ("event.outcome", "success"),
            ("auditd.log.record_type", "ADD_USER"),
            ("auditd.log.exe", "/usr/sbin/useradd"),
            ("auditd.log.op", "adding user"),
            ("user.target.name", "sysupdate"),
            ("user.target.id", "1001"),
            ("user.name", "root"),
            ("host.name", "web01"),
            ("process.executable", "/usr/sbin/useradd"),
            ("process.name", "useradd"),
        ] {
            assert_eq!(first_str(&d, path), Some(want), "{path}");
        }
        assert_eq!(first_str(&d, "user.audit.id"), None);
        assert_eq!(d["process"]["pid"], json!(3858));
        assert_eq!(d["event"]["type"], json!(["user", "creation"]));
    }

    #[test]
    fn syscall_execve_and_proctitle() {
        let d = doc(
            "type=SYSCALL msg=audit(1700000000.1:7): arch=c000003e syscall=59 success=yes exit=0 a0=55d0 \
             ppid=3857 pid=3858 auid=1000 uid=0 euid=0 comm=\"useradd\" exe=\"/usr/sbin/useradd\" key=(null)\u{1d}AUID=\"alice\" UID=\"root\"",
        );
        assert_eq!(first_str(&d, "event.category"), Some("process"));
        assert_eq!(first_str(&d, "user.audit.name"), Some("alice"));
        assert_eq!(d["process"]["parent"]["pid"], json!(3857));
        let d =
            doc("type=EXECVE msg=audit(1700000000.1:7): argc=3 a0=\"useradd\" a1=\"-m\" a2=626F62");
        assert_eq!(
            first_str(&d, "process.command_line"),
            Some("useradd -m bob")
        );
        assert_eq!(first_str(&d, "event.category"), None);
        let d =
            doc("type=PROCTITLE msg=audit(1700000000.1:7): proctitle=75736572616464002D6D00626F62");
        assert_eq!(d["process"]["args"], json!(["useradd", "-m", "bob"]));
    }

    #[test]
    fn failed_and_login_records() {
        let d = doc(
            "type=ADD_GROUP msg=audit(1700000000.1:8): pid=1 uid=0 auid=1000 ses=1 msg='op=add-group acct=\"ops\" exe=\"/usr/sbin/groupadd\" res=failed'",
        );
        assert_eq!(first_str(&d, "group.name"), Some("ops"));
        assert_eq!(first_str(&d, "event.outcome"), Some("failure"));
        assert_eq!(first_str(&d, "user.target.name"), None);
        let d = doc(
            "type=USER_LOGIN msg=audit(1700000000.1:9): pid=1 uid=0 auid=1000 ses=1 msg='op=login acct=\"alice\" exe=\"/usr/sbin/sshd\" addr=203.0.113.5 res=success'",
        );
        assert_eq!(first_str(&d, "event.category"), Some("authentication"));
        assert_eq!(first_str(&d, "user.name"), Some("alice"));
        assert!(normalize_line("type=ADD_USER without header").is_err());
    }
}
