//! The workspace and index API others build on: lock, schema version, search,
//! iteration, fetch by id, tagging and the detection hook.

mod import_support;

use import_support::{temp_workspace, write};
use std::collections::{BTreeMap, BTreeSet};
use vigil::ingest::pipeline::{Silent, import_paths};
use vigil::model::Event;
use vigil::rules::api::{Evaluator, RuleMatch};
use vigil::{VigilError, Workspace};

fn ecs_lines(n: usize) -> String {
    (0..n)
        .map(|i| {
            format!(
                "{{\"@timestamp\":\"2024-01-01T00:00:{:02}Z\",\"host\":{{\"name\":\"H{}\"}},\"process\":{{\"name\":\"{}\",\"command_line\":\"net user u{i} /add\"}}}}\n",
                i % 60,
                i % 2,
                if i % 3 == 0 { "net.exe" } else { "cmd.exe" }
            )
        })
        .collect()
}

#[test]
fn second_writer_is_refused_with_the_holder_named_and_readers_still_work() {
    let (_d, ws) = temp_workspace();
    let _w = ws.writer().unwrap();
    let other = Workspace::open_or_create(ws.root()).unwrap();
    match other.writer() {
        Err(VigilError::Locked { holder, .. }) => {
            assert!(
                holder.contains(&format!("pid {}", std::process::id())),
                "{holder}"
            )
        }
        other => panic!("expected a lock error, got {:?}", other.err()),
    }
    let reader = Workspace::open_read(ws.root()).unwrap();
    assert_eq!(reader.searcher().unwrap().count_all(), 0);
    drop(_w);
    assert!(other.writer().is_ok());
}

#[test]
fn incompatible_schema_version_is_a_clear_error() {
    let (_d, ws) = temp_workspace();
    let meta = ws.root().join("workspace.toml");
    let text = std::fs::read_to_string(&meta).unwrap();
    std::fs::write(
        &meta,
        text.replace("schema_version = 1", "schema_version = 99"),
    )
    .unwrap();
    let err = Workspace::open_read(ws.root()).err().unwrap();
    let msg = err.to_string();
    assert!(
        msg.contains("schema version 99") && msg.contains("re-import"),
        "{msg}"
    );
    std::fs::write(&meta, "garbage = [").unwrap();
    assert!(matches!(
        Workspace::open_read(ws.root()),
        Err(VigilError::BadWorkspaceFile { .. })
    ));
}

#[test]
fn non_workspace_directories_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "precious.txt", b"x");
    assert!(matches!(
        Workspace::open_or_create(dir.path()),
        Err(VigilError::NotAWorkspace { .. })
    ));
    assert!(matches!(
        Workspace::open_read(&dir.path().join("nope")),
        Err(VigilError::NoWorkspace { .. })
    ));
}

#[test]
fn search_iterate_fetch_and_tag() {
    let (d, ws) = temp_workspace();
    let f = write(d.path(), "e.ndjson", ecs_lines(30).as_bytes());
    let mut w = ws.writer().unwrap();
    import_paths(&mut w, &[f], None, &mut Silent).unwrap();
    let s = ws.searcher().unwrap();
    assert_eq!(s.count("process.name:NET.EXE").unwrap(), 10);
    assert_eq!(s.count("process.command_line:u3").unwrap(), 1);
    assert_eq!(s.count("process.command_line:\"user u4 /add\"").unwrap(), 1);
    let newest = s.search("*", 3).unwrap();
    assert_eq!(newest[0].doc["@timestamp"], "2024-01-01T00:00:29.000Z");
    let all: Vec<Event> = s.iter_events().map(Result::unwrap).collect();
    assert_eq!(all.len(), 30);
    let ids: Vec<&str> = all.iter().take(2).map(|e| e.id.as_str()).collect();
    let fetched = s.get_events(&[ids[1], "missing", ids[0]]).unwrap();
    assert_eq!(fetched.len(), 2);
    assert_eq!(fetched[0].id, ids[1]);

    let mut tags = BTreeMap::new();
    tags.insert(ids[0].to_string(), BTreeSet::from(["rule-a".to_string()]));
    assert_eq!(w.add_tags(&tags).unwrap(), 1);
    assert_eq!(
        w.add_tags(&tags).unwrap(),
        0,
        "tagging twice changes nothing"
    );
    let s = ws.searcher().unwrap();
    assert_eq!(s.count_all(), 30);
    let tagged = s.search("rule.id:rule-a", 10).unwrap();
    assert_eq!(tagged.len(), 1);
    assert_eq!(tagged[0].id, ids[0]);
    assert!(matches!(
        s.search("process.name:(", 1),
        Err(VigilError::Query { .. })
    ));
    let unknown = s.search("nosuchroot.field:x", 1);
    assert!(unknown.is_ok(), "unknown roots go to the catch-all field");
}

/// Matches net.exe immediately, and at finish every cmd.exe seen (as a sequence would).
struct FakeEvaluator {
    cmd_events: Vec<(String, i64)>,
}

impl Evaluator for FakeEvaluator {
    fn on_event(&mut self, event: &Event, out: &mut Vec<RuleMatch>) {
        match event.str_field("process.name") {
            Some("net.exe") => out.push(RuleMatch {
                rule_id: "net-rule".into(),
                events: vec![(event.id.clone(), event.timestamp_ms)],
                fields: BTreeMap::new(),
            }),
            Some("cmd.exe") => self.cmd_events.push((event.id.clone(), event.timestamp_ms)),
            _ => {}
        }
    }
    fn finish(&mut self, out: &mut Vec<RuleMatch>) {
        out.push(RuleMatch {
            rule_id: "seq-rule".into(),
            events: self.cmd_events.clone(),
            fields: BTreeMap::new(),
        });
    }
}

#[test]
fn detection_hook_tags_on_event_and_at_finish() {
    let (d, ws) = temp_workspace();
    let f = write(d.path(), "e.ndjson", ecs_lines(9).as_bytes());
    let mut w = ws.writer().unwrap();
    let mut ev = FakeEvaluator { cmd_events: vec![] };
    let out = import_paths(&mut w, std::slice::from_ref(&f), Some(&mut ev), &mut Silent).unwrap();
    assert_eq!(out.matches.len(), 3 + 1);
    assert_eq!(out.summary.retagged, 6);
    let s = ws.searcher().unwrap();
    assert_eq!(s.count("rule.id:net-rule").unwrap(), 3);
    assert_eq!(s.count("rule.id:seq-rule").unwrap(), 6);
    assert_eq!(s.count_all(), 9);
    // Re-import: duplicates still go through the evaluator; nothing is duplicated.
    let mut ev = FakeEvaluator { cmd_events: vec![] };
    let again = import_paths(&mut w, &[f], Some(&mut ev), &mut Silent).unwrap();
    assert_eq!(again.summary.already_present, 9);
    assert_eq!(again.matches.len(), 4);
    let s = ws.searcher().unwrap();
    assert_eq!(s.count_all(), 9);
    assert_eq!(s.count("rule.id:net-rule AND rule.id:seq-rule").unwrap(), 0);
    assert_eq!(s.count("rule.id:seq-rule").unwrap(), 6);
}

/// Counts the events the evaluator sees.
struct CountingEvaluator(usize);

impl Evaluator for CountingEvaluator {
    fn on_event(&mut self, _event: &Event, _out: &mut Vec<RuleMatch>) {
        self.0 += 1;
    }
    fn finish(&mut self, _out: &mut Vec<RuleMatch>) {}
}

#[test]
fn copies_of_a_file_in_one_run_are_counted_present_and_evaluated_once() {
    let (d, ws) = temp_workspace();
    let mut text = ecs_lines(300);
    text.push_str("{not json\n");
    let files: Vec<_> = ["a.ndjson", "b.ndjson", "c.ndjson"]
        .iter()
        .map(|name| write(d.path(), name, text.as_bytes()))
        .collect();
    let mut w = ws.writer().unwrap();
    let mut ev = CountingEvaluator(0);
    let out = import_paths(&mut w, &files, Some(&mut ev), &mut Silent).unwrap();
    let s = &out.summary;
    assert_eq!((s.new, s.already_present, s.rejected), (300, 600, 3));
    for (i, file) in s.files.iter().enumerate() {
        // Every copy reports its own events, formats and malformed line.
        assert_eq!(file.new + file.already_present, 300, "{}", file.path);
        assert_eq!(file.formats.get("ecs"), Some(&300), "{}", file.path);
        assert_eq!(file.rejected, 1, "{}", file.path);
        assert_eq!(file.new, if i == 0 { 300 } else { 0 });
    }
    // The copies' records are not parsed again (their events are the first copy's), except
    // those whose first copy was still being parsed when they were read.
    assert!((300..900).contains(&ev.0), "evaluated {}", ev.0);
    assert_eq!(ws.searcher().unwrap().count_all(), 300);
}
