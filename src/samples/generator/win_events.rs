//! Windows events in the shape Winlogbeat / Elastic Agent ship them: Sysmon process starts,
//! network connections, file creations and registry writes; Security logons, account and
//! group changes and scheduled-task creation; System service state changes.

use super::argv::split_windows;
use super::emit::{Channel, EventMeta, Sink, close_winlog, windows_envelope};
use super::world::{Host, Proc, base_name, fnv};
use std::fmt::Write as _;
use std::io::{self, Write};

/// What a new Windows process looks like.
pub struct Launch<'a> {
    pub exe: &'a str,
    pub cmd: &'a str,
    pub user: &'a str,
    pub domain: &'a str,
    pub integrity: &'a str,
    pub original_name: &'a str,
    pub description: &'a str,
    pub cwd: &'a str,
}

fn sha256_like(exe: &str) -> String {
    let lower = exe.to_ascii_lowercase();
    let mut h = fnv(&lower);
    let mut out = String::with_capacity(64);
    for _ in 0..4 {
        h = h.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ (h >> 29);
        let _ = write!(out, "{h:016x}");
    }
    out
}

fn write_parent<W: Write>(sink: &mut Sink<W>, parent: &Proc) {
    let args = &parent.args;
    sink.json
        .open("parent")
        .num("pid", i64::from(parent.pid))
        .str("entity_id", &parent.entity_id)
        .str("executable", &parent.executable)
        .str("name", &parent.name)
        .str("command_line", &parent.command_line)
        .string_list("args", args)
        .num("args_count", args.len() as i64)
        .close();
}

/// Sysmon event 1. Returns the new process so later events can use it as parent.
pub fn process_start<W: Write>(
    sink: &mut Sink<W>,
    host: &mut Host,
    ts: i64,
    parent: &Proc,
    launch: &Launch<'_>,
) -> io::Result<Proc> {
    let pid = host.alloc_pid();
    let entity_id = host.entity_id(pid, ts);
    let name = base_name(launch.exe);
    sink.start(ts, host);
    let args = split_windows(launch.cmd);
    let company = if launch.exe.contains("\\Windows\\") {
        "Microsoft Corporation"
    } else {
        "-"
    };
    {
        let j = &mut sink.json;
        j.open("process")
            .num("pid", i64::from(pid))
            .str("entity_id", &entity_id)
            .str("executable", launch.exe)
            .str("name", name)
            .str("command_line", launch.cmd)
            .string_list("args", &args)
            .num("args_count", args.len() as i64)
            .str("working_directory", launch.cwd);
        j.open("pe")
            .str("original_file_name", launch.original_name)
            .str("description", launch.description)
            .str("company", company)
            .close();
        j.open("hash")
            .str("sha256", &sha256_like(launch.exe))
            .close();
    }
    write_parent(sink, parent);
    sink.json.close();
    sink.json
        .open("user")
        .str("name", launch.user)
        .str("domain", launch.domain)
        .close();
    let meta = EventMeta {
        code: "1",
        action: "Process creation",
        category: &["process"],
        kind_type: &["start"],
        outcome: None,
    };
    windows_envelope(sink, host, Channel::Sysmon, &meta);
    let logon_id = if launch.user == "SYSTEM" {
        "0x3e7"
    } else {
        host.user.logon_id.as_str()
    };
    sink.json
        .str("RuleName", "-")
        .str("IntegrityLevel", launch.integrity)
        .str("LogonId", logon_id)
        .str(
            "TerminalSessionId",
            if launch.user == "SYSTEM" { "0" } else { "1" },
        )
        .str("Description", launch.description)
        .str("Company", company);
    close_winlog(sink);
    sink.emit()?;
    Ok(Proc {
        pid,
        entity_id,
        executable: launch.exe.to_string(),
        name: name.to_string(),
        command_line: launch.cmd.to_string(),
        args,
        user: launch.user.to_string(),
        domain: launch.domain.to_string(),
    })
}

fn write_process_ref<W: Write>(sink: &mut Sink<W>, proc_: &Proc) {
    sink.json
        .open("process")
        .num("pid", i64::from(proc_.pid))
        .str("entity_id", &proc_.entity_id)
        .str("executable", &proc_.executable)
        .str("name", &proc_.name)
        .close();
    sink.json
        .open("user")
        .str("name", &proc_.user)
        .str("domain", &proc_.domain)
        .close();
}

/// Sysmon event 3, an outbound TCP connection.
#[allow(clippy::too_many_arguments)]
pub fn network_connection<W: Write>(
    sink: &mut Sink<W>,
    host: &mut Host,
    ts: i64,
    proc_: &Proc,
    dest_ip: &str,
    dest_port: u16,
    dest_domain: &str,
    source_port: u16,
) -> io::Result<()> {
    sink.start(ts, host);
    write_process_ref(sink, proc_);
    let src_ip = host.ip.clone();
    sink.json
        .open("source")
        .str("ip", &src_ip)
        .num("port", i64::from(source_port))
        .close();
    sink.json
        .open("destination")
        .str("ip", dest_ip)
        .num("port", i64::from(dest_port))
        .str("domain", dest_domain)
        .close();
    sink.json
        .open("network")
        .str("transport", "tcp")
        .str("direction", "egress")
        .str("type", "ipv4")
        .close();
    let meta = EventMeta {
        code: "3",
        action: "Network connection detected (rule: NetworkConnect)",
        category: &["network"],
        kind_type: &["connection", "start", "protocol"],
        outcome: None,
    };
    windows_envelope(sink, host, Channel::Sysmon, &meta);
    sink.json.str("RuleName", "-").str("Initiated", "true");
    close_winlog(sink);
    sink.emit()
}

/// Sysmon event 11, a file created.
pub fn file_created<W: Write>(
    sink: &mut Sink<W>,
    host: &mut Host,
    ts: i64,
    proc_: &Proc,
    path: &str,
) -> io::Result<()> {
    sink.start(ts, host);
    write_process_ref(sink, proc_);
    let name = base_name(path);
    let directory = path
        .strip_suffix(name)
        .unwrap_or(path)
        .trim_end_matches('\\');
    let extension = name.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    sink.json
        .open("file")
        .str("path", path)
        .str("name", name)
        .str("directory", directory)
        .str("extension", extension)
        .close();
    let meta = EventMeta {
        code: "11",
        action: "File created (rule: FileCreate)",
        category: &["file"],
        kind_type: &["creation"],
        outcome: None,
    };
    windows_envelope(sink, host, Channel::Sysmon, &meta);
    sink.json.str("RuleName", "-");
    close_winlog(sink);
    sink.emit()
}

/// Sysmon event 13 (value set) or 12 (key created, `value_data` None).
pub fn registry_write<W: Write>(
    sink: &mut Sink<W>,
    host: &mut Host,
    ts: i64,
    proc_: &Proc,
    path: &str,
    value_data: Option<(&str, &str)>,
) -> io::Result<()> {
    sink.start(ts, host);
    write_process_ref(sink, proc_);
    let (hive, rest) = path.split_once('\\').unwrap_or(("HKLM", path));
    let (key, value) = match value_data {
        Some(_) => rest.rsplit_once('\\').unwrap_or((rest, "")),
        None => (rest, ""),
    };
    {
        let j = &mut sink.json;
        j.open("registry")
            .str("path", path)
            .str("hive", hive)
            .str("key", key);
        if let Some((data_type, data)) = value_data {
            j.str("value", value);
            j.open("data")
                .str("type", data_type)
                .strs("strings", &[data])
                .close();
        }
        j.close();
    }
    let meta = if value_data.is_some() {
        EventMeta {
            code: "13",
            action: "Registry value set (rule: RegistryEvent)",
            category: &["configuration", "registry"],
            kind_type: &["change"],
            outcome: None,
        }
    } else {
        EventMeta {
            code: "12",
            action: "Registry object added or deleted (rule: RegistryEvent)",
            category: &["configuration", "registry"],
            kind_type: &["change"],
            outcome: None,
        }
    };
    windows_envelope(sink, host, Channel::Sysmon, &meta);
    sink.json
        .str("RuleName", "-")
        .str(
            "EventType",
            if value_data.is_some() {
                "SetValue"
            } else {
                "CreateKey"
            },
        )
        .str("TargetObject", path);
    close_winlog(sink);
    sink.emit()
}

/// Security 4624 (logon) or 4634 (logoff) for `user` of `domain`.
#[allow(clippy::too_many_arguments)]
pub fn logon_event<W: Write>(
    sink: &mut Sink<W>,
    host: &mut Host,
    ts: i64,
    logoff: bool,
    user: &str,
    domain: &str,
    user_sid: &str,
    logon_type: u8,
    logon_id: &str,
    source_ip: &str,
) -> io::Result<()> {
    sink.start(ts, host);
    sink.json
        .open("user")
        .str("name", user)
        .str("domain", domain)
        .str("id", user_sid)
        .close();
    if !logoff {
        sink.json.open("source").str("ip", source_ip).close();
    }
    let type_name = match logon_type {
        2 => "Interactive",
        3 => "Network",
        5 => "Service",
        _ => "RemoteInteractive",
    };
    let meta = EventMeta {
        code: if logoff { "4634" } else { "4624" },
        action: if logoff { "logged-out" } else { "logged-in" },
        category: &["authentication"],
        kind_type: if logoff { &["end"] } else { &["start"] },
        outcome: Some("success"),
    };
    windows_envelope(sink, host, Channel::Security, &meta);
    let logon_type_text = logon_type.to_string();
    sink.json
        .str("TargetUserName", user)
        .str("TargetDomainName", domain)
        .str("TargetUserSid", user_sid)
        .str("TargetLogonId", logon_id)
        .str("LogonType", &logon_type_text);
    if !logoff {
        sink.json
            .str("IpAddress", source_ip)
            .str(
                "LogonProcessName",
                if logon_type == 3 {
                    "Kerberos"
                } else {
                    "User32"
                },
            )
            .str(
                "AuthenticationPackageName",
                if logon_type == 3 {
                    "Kerberos"
                } else {
                    "Negotiate"
                },
            );
    }
    sink.json.close();
    sink.json
        .open("logon")
        .str("type", type_name)
        .str("id", logon_id)
        .close();
    sink.json.close();
    sink.emit()
}

/// System 7036, a service entered the running or stopped state.
pub fn service_state<W: Write>(
    sink: &mut Sink<W>,
    host: &mut Host,
    ts: i64,
    service: &str,
    running: bool,
) -> io::Result<()> {
    sink.start(ts, host);
    let meta = EventMeta {
        code: "7036",
        action: "service-state-changed",
        category: &[],
        kind_type: &[],
        outcome: None,
    };
    windows_envelope(sink, host, Channel::System, &meta);
    sink.json
        .str("param1", service)
        .str("param2", if running { "running" } else { "stopped" });
    close_winlog(sink);
    sink.emit()
}

/// Security 4698, a scheduled task was created.
pub fn task_created<W: Write>(
    sink: &mut Sink<W>,
    host: &mut Host,
    ts: i64,
    subject: &Proc,
    task_name: &str,
    command: &str,
) -> io::Result<()> {
    sink.start(ts, host);
    sink.json
        .open("user")
        .str("name", &subject.user)
        .str("domain", &subject.domain)
        .close();
    let meta = EventMeta {
        code: "4698",
        action: "scheduled-task-created",
        category: &["iam", "configuration"],
        kind_type: &["creation", "admin"],
        outcome: Some("success"),
    };
    windows_envelope(sink, host, Channel::Security, &meta);
    let content = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-16\"?><Task><Actions><Exec><Command>{command}</Command></Exec></Actions></Task>"
    );
    sink.json
        .str("SubjectUserName", &subject.user)
        .str("SubjectDomainName", &subject.domain)
        .str("TaskName", task_name)
        .str("TaskContent", &content);
    close_winlog(sink);
    sink.emit()
}
