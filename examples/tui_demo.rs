//! Opens the interface on the JSON fixture used by the snapshot tests, until the real
//! workspace is wired in.
//!
//! `cargo run --example tui_demo -- [--theme NAME] [--children N] [--job]`
//! `--children N` gives cmd.exe on WS01 N extra child processes (tree paging),
//! `--job` runs a simulated background job to show progress reporting.

use serde_json::json;
use vigil::app::MemorySource;
use vigil::model::Event;
use vigil::tui::{UiOptions, run};

const FIXTURE: &str = include_str!("../tests/fixtures/tui/demo.json");

fn many_children(n: usize) -> Vec<Event> {
    (0..n)
        .map(|i| {
            let ts = 1_795_683_540_000 + i64::try_from(i).unwrap_or(0);
            let doc = json!({
                "event": {"category": ["process"], "type": ["start"], "code": "1"},
                "host": {"name": "WS01"},
                "user": {"name": "alice"},
                "process": {
                    "name": "conhost.exe", "pid": 20_000 + i, "entity_id": format!("g-child-{i}"),
                    "command_line": format!("conhost.exe 0xffffffff -ForceV1 #{i}"),
                    "parent": {"entity_id": "g-cmd", "name": "cmd.exe", "pid": 5388}
                }
            });
            Event {
                id: format!("ev-child-{i}"),
                timestamp_ms: ts,
                original: doc.to_string(),
                doc,
            }
        })
        .collect()
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let value = |flag: &str| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let notes = std::env::temp_dir().join("vigil-demo-case-notes");
    let mut source = MemorySource::from_json(FIXTURE)
        .map_err(anyhow::Error::msg)?
        .with_export_dir(notes);
    if let Some(n) = value("--children").and_then(|v| v.parse().ok()) {
        source.push_events(many_children(n));
    }
    let mut opts = UiOptions {
        theme: value("--theme"),
        ..UiOptions::default()
    };
    if args.iter().any(|a| a == "--job") {
        opts.job = Some(Box::new(|p| {
            for i in 0..=20 {
                p.report("simulated import", i, Some(20));
                std::thread::sleep(std::time::Duration::from_millis(150));
            }
            Ok("simulated import finished: 20 files".into())
        }));
    }
    run(Box::new(source), opts)
}
