//! Interface timings on a synthetic source held in memory: first frame, a few keystrokes
//! (move, sort, group, filter typing) and a process tree with many children. Small and
//! free of disk I/O, so it suits instruction counts under cachegrind.

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use serde_json::json;
use std::collections::BTreeMap;
use std::time::Instant;
use vigil::app::memory::Fixture;
use vigil::app::{Action, Controller, Keymap, MemorySource, Theme, parse_keys};
use vigil::model::{Alert, Event, ProcessSummary, RuleKind, Severity};

const T0: i64 = 1_795_683_600_000;

fn event(id: String, ts: i64, entity: &str, parent: Option<&str>, pid: u64) -> Event {
    let mut process = json!({"name": "proc.exe", "pid": pid, "entity_id": entity,
                             "command_line": format!("proc.exe --n {pid}")});
    if let Some(p) = parent {
        process["parent"] = json!({"entity_id": p, "name": "parent.exe"});
    }
    let doc = json!({"event": {"category": ["process"], "type": ["start"]},
                     "host": {"name": "BENCH"}, "user": {"name": "u"}, "process": process});
    Event {
        id,
        timestamp_ms: ts,
        original: doc.to_string(),
        doc,
    }
}

fn alert(i: usize, entity: Option<&str>, event_id: String) -> Alert {
    let sev = [
        Severity::Low,
        Severity::Medium,
        Severity::High,
        Severity::Critical,
    ][i % 4];
    Alert {
        id: format!("alert-{i:06}"),
        rule_id: format!("rule-{}", i % 40),
        rule_name: format!("Synthetic rule number {}", i % 40),
        rule_kind: RuleKind::Eql,
        severity: sev,
        risk_score: sev.default_risk(),
        mitre: Vec::new(),
        timestamp_ms: T0 + i64::try_from(i).unwrap_or(0) * 1000,
        host: Some(format!("HOST{:03}", i % 300)),
        user: Some(format!("user{:03}", i % 500)),
        process: Some(ProcessSummary {
            name: Some("proc.exe".into()),
            entity_id: entity.map(str::to_string),
            ..ProcessSummary::default()
        }),
        event_ids: vec![event_id],
        fields: BTreeMap::new(),
        fp_suggestions: Vec::new(),
        suppressed_by: None,
    }
}

pub fn run(n_alerts: usize, n_children: usize) -> anyhow::Result<()> {
    let mut events = vec![event("root".into(), T0 - 10_000, "g-root", None, 1)];
    for c in 0..n_children {
        let id = format!("child-{c}");
        events.push(event(
            id,
            T0 + i64::try_from(c).unwrap_or(0),
            &format!("g-c{c}"),
            Some("g-root"),
            100 + c as u64,
        ));
    }
    let mut alerts: Vec<Alert> = (1..n_alerts)
        .map(|i| alert(i, None, format!("missing-{i}")))
        .collect();
    let mut big = alert(0, Some("g-root"), "root".into());
    big.host = Some("BENCH".into());
    alerts.push(big);
    let source = MemorySource::new(Fixture {
        events,
        alerts,
        ..Fixture::default()
    });
    let theme = Theme::builtin("dark")?;
    let mut term = Terminal::new(TestBackend::new(160, 48))?;

    let started = Instant::now();
    let mut c = Controller::new(Box::new(source), Keymap::builtin()?, "bench", T0);
    c.dispatch(Action::Resize {
        width: 160,
        height: 48,
    });
    term.draw(|f| vigil::ui::render(f, &c.state, &theme))?;
    println!("first frame ({n_alerts} alerts): {:?}", started.elapsed());

    for (label, seq) in [
        ("j", "j"),
        ("sort s", "s"),
        ("group v", "v"),
        ("ungroup vvv", "vvv"),
        ("filter char", "/r"),
        ("filter char", "u"),
        ("filter submit", "<enter>"),
    ] {
        let keys = parse_keys(seq)?;
        let t = Instant::now();
        c.press_all(&keys);
        term.draw(|f| vigil::ui::render(f, &c.state, &theme))?;
        println!("key {label:<14} handled and drawn: {:?}", t.elapsed());
    }
    c.press_all(&parse_keys("<bs>ss")?);
    // The alert with the big tree has the smallest timestamp: last in newest-first order.
    c.press_all(&parse_keys("G")?);
    let t = Instant::now();
    c.press_all(&parse_keys("<enter><tab><tab>")?);
    term.draw(|f| vigil::ui::render(f, &c.state, &theme))?;
    let rows = c
        .state
        .view
        .as_ref()
        .and_then(|v| v.tree.as_ref())
        .map_or(0, |t| t.rows.len());
    println!("alert opened, tree of {rows} rows drawn: {:?}", t.elapsed());
    let t = Instant::now();
    c.press_all(&parse_keys("G")?);
    term.draw(|f| vigil::ui::render(f, &c.state, &theme))?;
    println!("tree G drawn: {:?}", t.elapsed());
    Ok(())
}
