//! Helpers shared by the Sigma integration tests.
#![allow(dead_code)]

use serde_json::Value;
use std::path::PathBuf;
use vigil::model::{Event, RuleOrigin};
use vigil::rules::api::{CompiledRuleSet, RuleMatch};
use vigil::rules::sigma::{LoadResult, SigmaRuleSet, load_file};

pub fn shared() -> Option<PathBuf> {
    let local = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared");
    for p in [local, PathBuf::from("/work/shared")] {
        if p.is_dir() {
            return Some(p);
        }
    }
    println!("notice: ../shared not found; skipping the test that needs it");
    None
}

pub fn load(text: &str) -> LoadResult {
    load_file(RuleOrigin::BuiltIn("test.yml".into()), "test.yml", text)
}

pub fn event(id: &str, ts: i64, doc: Value) -> Event {
    Event {
        id: id.into(),
        timestamp_ms: ts,
        doc,
        original: String::new(),
    }
}

/// Runs rules over events in the given order and returns every match.
pub fn run(set: &SigmaRuleSet, events: &[Event]) -> Vec<RuleMatch> {
    let mut ev = set.evaluator();
    let mut out = Vec::new();
    for e in events {
        ev.on_event(e, &mut out);
    }
    ev.finish(&mut out);
    out
}

pub fn set_of(texts: &[&str]) -> SigmaRuleSet {
    let results: Vec<LoadResult> = texts.iter().map(|t| load(t)).collect();
    for r in &results {
        assert!(r.diagnostics.is_empty(), "diagnostics: {:?}", r.diagnostics);
    }
    SigmaRuleSet::new(results)
}

pub fn sysmon1(fields: Value) -> Value {
    serde_json::json!({
        "winlog": {"channel": "Microsoft-Windows-Sysmon/Operational", "event_data": fields},
        "event": {"code": "1", "category": ["process"], "type": ["start"]},
        "host": {"name": "WS1", "os": {"type": "windows"}}
    })
}
