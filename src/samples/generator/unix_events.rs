//! Linux and macOS endpoint events in Elastic Defend's shape (process starts with parent and
//! session leader), and auditd ADD_USER records as the auditd import normalizes them.

use super::argv::split_unix;
use super::emit::Sink;
use super::world::{Host, Proc, base_name};
use std::io::{self, Write};

/// Elastic Defend process start. `session_leader` is the process that owns the session
/// (a web server for a web shell). Returns the new process.
#[allow(clippy::too_many_arguments)]
pub fn process_start<W: Write>(
    sink: &mut Sink<W>,
    host: &mut Host,
    ts: i64,
    parent: &Proc,
    session_leader: &Proc,
    exe: &str,
    cmd: &str,
    user: &str,
    uid: &str,
) -> io::Result<Proc> {
    let pid = host.alloc_pid();
    let entity_id = host.entity_id(pid, ts);
    let name = base_name(exe);
    let args = split_unix(cmd);
    sink.start(ts, host);
    {
        let j = &mut sink.json;
        j.open("event")
            .str("kind", "event")
            .strs("category", &["process"])
            .strs("type", &["start"])
            .str("action", "exec")
            .str("module", "endpoint")
            .str("dataset", "endpoint.events.process")
            .close();
        j.open("process")
            .num("pid", i64::from(pid))
            .str("entity_id", &entity_id)
            .str("executable", exe)
            .str("name", name)
            .str("command_line", cmd)
            .string_list("args", &args)
            .num("args_count", args.len() as i64)
            .str(
                "working_directory",
                if user == "root" { "/root" } else { "/" },
            );
        j.open("parent")
            .num("pid", i64::from(parent.pid))
            .str("entity_id", &parent.entity_id)
            .str("executable", &parent.executable)
            .str("name", &parent.name)
            .str("command_line", &parent.command_line)
            .string_list("args", &parent.args)
            .close();
        j.open("session_leader")
            .num("pid", i64::from(session_leader.pid))
            .str("entity_id", &session_leader.entity_id)
            .str("executable", &session_leader.executable)
            .str("name", &session_leader.name)
            .close();
        j.close();
        j.open("user").str("name", user).str("id", uid).close();
    }
    sink.emit()?;
    Ok(Proc {
        pid,
        entity_id,
        executable: exe.to_string(),
        name: name.to_string(),
        command_line: cmd.to_string(),
        args,
        user: user.to_string(),
        domain: String::new(),
    })
}

/// An auditd ADD_USER record written by `by` (the shadow utility) for `account`.
pub fn auditd_add_user<W: Write>(
    sink: &mut Sink<W>,
    host: &mut Host,
    ts: i64,
    by: &Proc,
    account: &str,
    account_uid: &str,
    sequence: i64,
) -> io::Result<()> {
    sink.start(ts, host);
    let j = &mut sink.json;
    j.open("event")
        .str("kind", "event")
        .strs("category", &["iam"])
        .strs("type", &["user", "creation"])
        .str("action", "added-user-account")
        .str("outcome", "success")
        .str("module", "auditd")
        .str("dataset", "auditd.log")
        .close();
    j.open("auditd")
        .open("log")
        .str("record_type", "ADD_USER")
        .num("sequence", sequence)
        .str("op", "adding user")
        .str("acct", account)
        .str("id", account_uid)
        .str("exe", &by.executable)
        .str("res", "success")
        .str("auid", "4294967295")
        .str("uid", "0")
        .close()
        .close();
    j.open("process")
        .num("pid", i64::from(by.pid))
        .str("executable", &by.executable)
        .str("name", &by.name)
        .close();
    j.open("user").str("name", "root").str("id", "0");
    j.open("target")
        .str("name", account)
        .str("id", account_uid)
        .close()
        .close();
    sink.emit()
}
