//! Rough throughput of the EQL rule set: 1, 50 and 500 rules over the same generated
//! events. Run with `cargo run --release --example eql_bench -- [EVENTS]` (a measurement,
//! not a test). The rules mix literal-indexed filters and wildcard-only filters.

use serde_json::json;
use std::time::Instant;
use vigil::model::Event;
use vigil::rules::api::Evaluator;
use vigil::rules::eql::{EqlRuleSet, compile};

const SEED: &str = r#"process where host.os.type == "windows" and event.type == "start" and
  (process.name : ("net.exe", "net1.exe") and not process.parent.name : "net.exe") and
  (process.args : "user" and process.args : ("/ad", "/add"))"#;

fn events(n: usize) -> Vec<Event> {
    let names = [
        "svchost.exe",
        "net.exe",
        "cmd.exe",
        "powershell.exe",
        "chrome.exe",
        "tool7.exe",
    ];
    (0..n)
        .map(|i| {
            let name = names[i % names.len()];
            let cat = if i % 4 == 0 { "network" } else { "process" };
            Event {
                id: format!("{i:08}"),
                timestamp_ms: i as i64,
                doc: json!({
                    "event": {"category": [cat], "type": ["start"], "action": format!("act{}", i % 50)},
                    "host": {"os": {"type": "windows"}, "name": format!("h{}", i % 7)},
                    "process": {"name": name, "executable": format!("C:\\Windows\\{name}"),
                                "args": [name, "user", "x", "/add"], "parent": {"name": "cmd.exe"}},
                    "user": {"name": format!("u{}", i % 13)}
                }),
                original: String::new(),
            }
        })
        .collect()
}

fn rules(n: usize) -> EqlRuleSet {
    let mut out = vec![("seed".to_string(), compile(SEED))];
    for i in 1..n {
        let q = match i % 3 {
            0 => format!(r#"process where event.type == "start" and process.name : "tool{i}.exe""#),
            1 => format!(
                r#"any where event.action == "act{}" and user.name == "u{i}""#,
                i % 97
            ),
            _ => format!(
                r#"process where process.executable : "*\\tool{i}.exe" and host.os.type == "windows""#
            ),
        };
        out.push((format!("r{i}"), compile(&q)));
    }
    EqlRuleSet::new(
        out.into_iter()
            .filter_map(|(id, q)| q.ok().map(|q| (id, q)))
            .collect(),
    )
}

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(200_000);
    let evs = events(n);
    let mut base = 0.0;
    for count in [1, 50, 500] {
        let set = rules(count);
        let mut out = Vec::new();
        let start = Instant::now();
        let mut e = set.evaluator();
        for ev in &evs {
            e.on_event(ev, &mut out);
        }
        e.finish(&mut out);
        let secs = start.elapsed().as_secs_f64();
        if count == 1 {
            base = secs;
        }
        println!(
            "{count:>4} rules: {:>10.0} events/s, {} matches, {:.2}x one rule",
            n as f64 / secs,
            out.len(),
            secs / base
        );
    }
}
