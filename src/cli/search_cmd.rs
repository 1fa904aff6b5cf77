//! `vigil search QUERY`: matching events newest first, one line each, or one
//! ECS document per line (with its event id as `_id`) with `--json`; `--count`
//! prints only how many events match.

use crate::error::{Result, VigilError};
use crate::model::{Event, fields};
use crate::workspace::Workspace;
use serde_json::{Map, Value};
use std::io::Write;
use std::path::Path;

#[derive(Debug, clap::Args)]
pub struct SearchArgs {
    /// Query in tantivy syntax over ECS field names, e.g. 'process.name:net.exe'.
    pub query: String,
    /// Maximum number of events to show.
    #[arg(long, default_value_t = 100)]
    pub limit: usize,
    /// Print one ECS document per line (JSON), with the event id as `_id`.
    #[arg(long)]
    pub json: bool,
    /// Print only the number of matching events (`{"count":N}` with --json).
    #[arg(long)]
    pub count: bool,
}

pub fn run(workspace: &Path, args: SearchArgs) -> Result<i32> {
    let ws = Workspace::open_read(workspace)?;
    let searcher = ws.searcher()?;
    if args.count {
        let total = searcher.count(&args.query)?;
        if args.json {
            println!("{}", serde_json::json!({ "count": total }));
        } else {
            println!("{total}");
        }
        return Ok(0);
    }
    let events = searcher.search(&args.query, args.limit)?;
    let total = searcher.count(&args.query)?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let write_err = |e: std::io::Error| VigilError::Other(format!("cannot write output: {e}"));
    for ev in &events {
        let line = if args.json {
            json_line(ev)
        } else {
            summary_line(ev)
        };
        if let Err(e) = writeln!(out, "{line}") {
            if e.kind() == std::io::ErrorKind::BrokenPipe {
                return Ok(0);
            }
            return Err(write_err(e));
        }
    }
    out.flush().map_err(write_err)?;
    if !args.json {
        eprintln!("{} of {} matching events shown", events.len(), total);
    }
    Ok(0)
}

/// The event's ECS document with `_id` first.
pub fn json_line(ev: &Event) -> String {
    let mut map = Map::new();
    map.insert("_id".into(), Value::String(ev.id.clone()));
    if let Value::Object(doc) = &ev.doc {
        for (k, v) in doc {
            map.insert(k.clone(), v.clone());
        }
    }
    Value::Object(map).to_string()
}

/// One readable line: time, host, code, then what the event is about.
pub fn summary_line(ev: &Event) -> String {
    let f = |p: &str| {
        fields::get(&ev.doc, p)
            .and_then(fields::scalar_text)
            .unwrap_or_default()
    };
    let mut parts = vec![f("@timestamp"), f("host.name"), f("event.code")];
    let action = f("event.action");
    if !action.is_empty() {
        parts.push(action);
    }
    let cmd = f("process.command_line");
    if !cmd.is_empty() {
        parts.push(format!("{} {:?}", f("process.name"), cmd));
    } else if !f("process.name").is_empty() {
        parts.push(f("process.name"));
    }
    let parent = f("process.parent.name");
    let parent_pid = f("process.parent.pid");
    if !parent.is_empty() {
        parts.push(format!("parent={parent}"));
    } else if !parent_pid.is_empty() {
        parts.push(format!("parent_pid={parent_pid}"));
    }
    for (label, path) in [
        ("target", "user.target.name"),
        ("group", "group.name"),
        ("registry", "registry.path"),
    ] {
        let v = f(path);
        if !v.is_empty() {
            parts.push(format!("{label}={v}"));
        }
    }
    parts.push(format!("id={}", ev.id));
    parts.retain(|p| !p.is_empty());
    sanitize(&parts.join("  "))
}

/// Event data is attacker-controlled: never let control characters reach the terminal.
fn sanitize(s: &str) -> String {
    s.chars()
        .flat_map(|c| {
            if c.is_control() {
                c.escape_default().collect::<Vec<_>>()
            } else {
                vec![c]
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn lines_are_readable_and_inert() {
        let ev = Event {
            id: "e1".into(),
            timestamp_ms: 0,
            doc: json!({"@timestamp": "2020-01-01T00:00:00.000Z", "host": {"name": "H"},
                "event": {"code": "1"}, "process": {"name": "net.exe",
                "command_line": "net user \u{1b}[31m", "parent": {"name": "cmd.exe"}}}),
            original: String::new(),
        };
        let line = summary_line(&ev);
        assert!(line.contains("net.exe"), "{line}");
        assert!(line.contains("parent=cmd.exe"));
        assert!(!line.contains('\u{1b}'));
        let j: Value = serde_json::from_str(&json_line(&ev)).unwrap();
        assert_eq!(j["_id"], "e1");
        assert_eq!(j["process"]["name"], "net.exe");
    }
}
