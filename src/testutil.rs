//! Fixtures shared by unit tests: a fixed alert, events built from a few fields.

use crate::model::alert::ProcessSummary;
use crate::model::{Alert, Event, MitreRef, RuleKind, Severity};
use crate::rules::api::{Evaluator, RuleMatch};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// 2020-09-14T08:05:46Z.
pub const T0: i64 = 1_600_070_746_000;

pub fn alert(id: &str, host: &str, user: &str, ts: i64) -> Alert {
    Alert {
        id: id.to_string(),
        rule_id: "1aa9181a-492b-4c01-8b16-fa0735786b2b".into(),
        rule_name: "User Account Creation".into(),
        rule_kind: RuleKind::Eql,
        severity: Severity::Low,
        risk_score: 21,
        mitre: vec![MitreRef {
            tactic_id: Some("TA0003".into()),
            tactic_name: Some("Persistence".into()),
            technique_id: Some("T1136".into()),
            technique_name: Some("Create Account".into()),
            subtechnique_id: Some("T1136.001".into()),
            subtechnique_name: Some("Local Account".into()),
        }],
        timestamp_ms: ts,
        host: Some(host.into()),
        user: Some(user.into()),
        process: Some(ProcessSummary {
            name: Some("net.exe".into()),
            executable: Some("C:\\Windows\\System32\\net.exe".into()),
            command_line: Some("net user helpdesk2 Passw0rd! /add".into()),
            pid: Some(4242),
            entity_id: Some("{net-4242}".into()),
            parent_name: Some("cmd.exe".into()),
            parent_executable: Some("C:\\Windows\\System32\\cmd.exe".into()),
            parent_command_line: Some("cmd.exe /c".into()),
        }),
        event_ids: vec![format!("ev-{id}")],
        fields: BTreeMap::from([("CreatedUser".to_string(), "helpdesk2".to_string())]),
        fp_suggestions: vec![],
        suppressed_by: None,
    }
}

pub fn event(id: &str, ts: i64, doc: Value) -> Event {
    Event {
        id: id.to_string(),
        timestamp_ms: ts,
        doc,
        original: String::new(),
    }
}

/// Every match `ev` reports over `events`, fed in order, then `finish`'s.
pub fn run_evaluator(ev: &mut dyn Evaluator, events: &[Event]) -> Vec<RuleMatch> {
    let mut out = Vec::new();
    for e in events {
        ev.on_event(e, &mut out);
    }
    ev.finish(&mut out);
    out
}

pub fn net_event() -> Event {
    event(
        "ev-a1",
        T0,
        json!({
            "@timestamp": "2020-09-14T08:05:46.000Z",
            "host": {"name": "WS6", "id": "host-6"},
            "user": {"name": "bob"},
            "process": {"name": "net.exe", "pid": 4242, "entity_id": "{net-4242}",
                        "args": ["net", "user", "helpdesk2", "/add"]},
        }),
    )
}

/// The shared reference folder (datasets, rule corpora), beside the crate or at /work/shared.
/// Tests that need it print a notice and pass when it is absent.
pub fn shared_dir() -> Option<PathBuf> {
    let beside = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared");
    [beside, PathBuf::from("/work/shared")]
        .into_iter()
        .find(|p| p.is_dir())
}

/// Every file below `dir` whose name ends in `.{extension}`, sorted (the importer's walk).
pub fn files_with_extension(dir: &Path, extension: &str) -> Vec<PathBuf> {
    let (files, _) = crate::ingest::walk::collect_files(&[dir.to_path_buf()]);
    let mut out: Vec<PathBuf> = files
        .into_iter()
        .filter(|p| p.extension().is_some_and(|x| x == extension))
        .collect();
    out.sort();
    out
}
