//! Process-tree shapes the generated dataset lacks: one parent with thousands of children
//! and one chain thousands of processes deep, as ECS NDJSON on a host of their own.
//!
//! `scripts/bench.sh tui` imports this file next to the 1M generated events so the
//! benchmark can open a real alert (rule `tui-bench-0005-tree-shapes`) on each shape.

use serde_json::json;
use std::io::Write;

/// Start of the shapes: inside the generated dataset's first week (2026-03-02).
const T0_MS: i64 = 1_772_452_800_000;
pub const HOST: &str = "bench-tree-01";

fn start_event(ts_ms: i64, pid: u64, name: &str, parent: Option<(u64, &str)>) -> serde_json::Value {
    let ts = chrono::DateTime::from_timestamp_millis(ts_ms)
        .map(|t| t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string())
        .unwrap_or_default();
    let mut process = json!({
        "pid": pid,
        "entity_id": format!("bench-tree-{pid}"),
        "name": name,
        "executable": format!("C:\\Bench\\{name}"),
        "command_line": format!("C:\\Bench\\{name} --pid {pid}"),
        "args": [format!("C:\\Bench\\{name}"), "--pid", pid.to_string()],
    });
    if let Some((ppid, pname)) = parent {
        process["parent"] = json!({
            "pid": ppid,
            "entity_id": format!("bench-tree-{ppid}"),
            "name": pname,
            "executable": format!("C:\\Bench\\{pname}"),
        });
    }
    json!({
        "@timestamp": ts,
        "host": {"name": HOST, "hostname": HOST, "os": {"type": "windows", "family": "windows"}},
        "user": {"name": "bench", "domain": "CORP"},
        "event": {"kind": "event", "category": ["process"], "type": ["start"]},
        "process": process,
    })
}

/// Writes `children` children of `bench-wide-parent.exe` and a chain of `depth`
/// processes ending in `bench-chain-end.exe`. Returns how many events were written.
pub fn write(out: &mut impl Write, children: u64, depth: u64) -> std::io::Result<u64> {
    let mut n = 0;
    let mut emit = |v: serde_json::Value, out: &mut dyn Write| -> std::io::Result<()> {
        n += 1;
        writeln!(out, "{v}")
    };
    let wide = 10_000;
    emit(start_event(T0_MS, wide, "bench-wide-parent.exe", None), out)?;
    for c in 0..children {
        let ts = T0_MS + 1_000 + i64::try_from(c).unwrap_or(0) * 10;
        let pid = wide + 1 + c;
        emit(
            start_event(
                ts,
                pid,
                "bench-child.exe",
                Some((wide, "bench-wide-parent.exe")),
            ),
            out,
        )?;
    }
    let chain = 100_000;
    let t_chain = T0_MS + 3_600_000;
    emit(start_event(t_chain, chain, "bench-chain.exe", None), out)?;
    for d in 1..depth {
        let ts = t_chain + i64::try_from(d).unwrap_or(0) * 10;
        let name = if d + 1 == depth {
            "bench-chain-end.exe"
        } else {
            "bench-chain.exe"
        };
        emit(
            start_event(
                ts,
                chain + d,
                name,
                Some((chain + d - 1, "bench-chain.exe")),
            ),
            out,
        )?;
    }
    Ok(n)
}
