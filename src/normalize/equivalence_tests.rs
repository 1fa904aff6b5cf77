//! The live normalizer must give exactly the events the reference (pre-optimisation)
//! normalizer gives: same id, time, original and document bytes (key order included),
//! or the same rejection. Checked on generated samples, on every record of
//! ../shared/datasets, and on Winlogbeat documents with odd or missing fields.

use super::reference;
use crate::ingest::{self, Location, RawKind, RawRecord, ReadItem};
use crate::samples::generator::{GenConfig, generate};
use proptest::prelude::*;
use serde_json::{Map, Value, json};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicU64;

fn record(kind: RawKind, text: &str) -> RawRecord<'_> {
    RawRecord {
        kind,
        text,
        location: Location::Ordinal(1),
    }
}

/// Normalizes `text` both ways and fails with the difference.
fn assert_same(kind: RawKind, text: &str, source: &str) {
    let live = super::normalize(record(kind, text), source);
    let old = reference::normalize(record(kind, text), source);
    match (live, old) {
        (Ok((a, fa)), Ok((b, fb))) => {
            assert_eq!(fa, fb, "format of {text}");
            assert_eq!(a.id, b.id, "id of {text}");
            assert_eq!(a.timestamp_ms, b.timestamp_ms, "time of {text}");
            assert_eq!(a.original, b.original, "original of {text}");
            let (da, db) = (a.doc.to_string(), b.doc.to_string());
            assert_eq!(da, db, "document of {text}");
        }
        (Err(a), Err(b)) => assert_eq!(a, b, "rejection of {text}"),
        (a, b) => panic!(
            "live {:?} vs reference {:?} for {text}",
            a.map(|e| e.0.doc),
            b.map(|e| e.0.doc)
        ),
    }
}

#[test]
fn generated_samples_of_several_seeds_normalize_alike() {
    let mut kinds = std::collections::BTreeSet::new();
    for seed in [1, 7, 42, 2026] {
        let mut config = GenConfig::demo();
        config.seed = seed;
        config.events = 1_500;
        let mut out = Vec::new();
        generate(&config, &mut out).expect("generator runs");
        let text = String::from_utf8(out).expect("generator writes UTF-8");
        for line in text.lines().filter(|l| !l.is_empty()) {
            assert_same(RawKind::Json, line, "gen.ndjson");
            if let Ok(v) = serde_json::from_str::<Value>(line) {
                kinds.insert(format!("{}/{}", v["event"]["module"], v["event"]["code"]));
            }
        }
    }
    assert!(kinds.len() >= 10, "few kinds of events: {kinds:?}");
}

fn shared() -> Option<PathBuf> {
    let local = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared");
    for p in [local, PathBuf::from("/work/shared")] {
        if p.is_dir() {
            return Some(p);
        }
    }
    println!("notice: ../shared not found; skipping the test that needs it");
    None
}

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files_under(&path, out);
        } else if ["evtx", "json", "ndjson", "jsonl", "gz"]
            .iter()
            .any(|e| path.extension().is_some_and(|x| x == *e))
        {
            out.push(path);
        }
    }
}

#[test]
fn every_dataset_record_normalizes_alike() {
    let Some(shared) = shared() else { return };
    let mut files = Vec::new();
    files_under(&shared.join("datasets"), &mut files);
    files.sort();
    let mut records = 0;
    for file in &files {
        let source = file.display().to_string();
        let _ = ingest::read_file(file, Arc::new(AtomicU64::new(0)), &mut |item| {
            if let ReadItem::Record(r) = item {
                records += 1;
                assert_same(r.kind, r.text, &source);
            }
        });
    }
    println!("{} files, {records} records compared", files.len());
    assert!(records > 1_000, "only {records} records in {}", files.len());
}

/// A Winlogbeat Sysmon 1 document with every field the mapping derives.
fn winlogbeat_base() -> Value {
    json!({
        "@timestamp": "2026-03-02T00:00:01.172Z",
        "host": {"name": "wks-0013", "hostname": "wks-0013", "os": {"type": "windows"}},
        "process": {"pid": 9432, "name": "WINWORD.EXE", "args": ["a", "b"],
            "parent": {"pid": 4424, "name": "explorer.exe"}},
        "user": {"name": "anguyen0", "domain": "CORP"},
        "event": {"kind": "event", "code": "1", "provider": "Microsoft-Windows-Sysmon",
            "module": "sysmon", "category": ["process"], "type": ["start"]},
        "winlog": {"channel": "Microsoft-Windows-Sysmon/Operational",
            "computer_name": "wks-0013.corp.example", "event_id": 1,
            "provider_name": "Microsoft-Windows-Sysmon", "record_id": 1044,
            "user": {"identifier": "S-1-5-18"},
            "event_data": {"Image": "C:\\Program Files\\Office\\WINWORD.EXE",
                "CommandLine": "\"C:\\Program Files\\Office\\WINWORD.EXE\" /n x.docx",
                "ProcessId": "9432", "ProcessGuid": "{65F30377-0008}",
                "ParentImage": "C:\\Windows\\explorer.exe", "ParentProcessId": "4424",
                "ParentCommandLine": "C:\\Windows\\Explorer.EXE",
                "Hashes": "SHA1=AB,MD5=CD,SHA256=EF,IMPHASH=01",
                "User": "CORP\\anguyen0", "CurrentDirectory": "C:\\Users\\Public\\",
                "TargetObject": "HKLM\\SOFTWARE\\Run\\x", "EventType": "SetValue",
                "TargetUserName": "bob", "SubjectUserName": "alice",
                "SourceIp": "10.0.0.1", "DestinationPort": "443", "Initiated": "true"}}
    })
}

/// Event ids and providers whose mappings differ (Sysmon, Security, PowerShell, other).
const SHAPES: &[(u64, &str, &str)] = &[
    (
        1,
        "Microsoft-Windows-Sysmon",
        "Microsoft-Windows-Sysmon/Operational",
    ),
    (
        3,
        "Microsoft-Windows-Sysmon",
        "Microsoft-Windows-Sysmon/Operational",
    ),
    (
        11,
        "Microsoft-Windows-Sysmon",
        "Microsoft-Windows-Sysmon/Operational",
    ),
    (
        13,
        "Microsoft-Windows-Sysmon",
        "Microsoft-Windows-Sysmon/Operational",
    ),
    (
        22,
        "Microsoft-Windows-Sysmon",
        "Microsoft-Windows-Sysmon/Operational",
    ),
    (4688, "Microsoft-Windows-Security-Auditing", "Security"),
    (4720, "Microsoft-Windows-Security-Auditing", "Security"),
    (4732, "Microsoft-Windows-Security-Auditing", "Security"),
    (
        4104,
        "Microsoft-Windows-PowerShell",
        "Microsoft-Windows-PowerShell/Operational",
    ),
    (7036, "Service Control Manager", "System"),
];

/// Paths (from the root) that the mutations below may remove, retype or flatten.
const PATHS: &[&str] = &[
    "host",
    "host.name",
    "host.os",
    "host.os.type",
    "process",
    "process.pid",
    "process.args",
    "process.parent",
    "process.parent.name",
    "user",
    "user.name",
    "event",
    "event.code",
    "event.kind",
    "event.provider",
    "winlog.channel",
    "winlog.computer_name",
    "winlog.event_id",
    "winlog.provider_name",
    "winlog.record_id",
    "winlog.user",
    "winlog.event_data",
    "winlog.event_data.Image",
    "winlog.event_data.CommandLine",
    "winlog.event_data.ProcessId",
    "winlog.event_data.Hashes",
];

/// Rewrites the value at `path` (`op` picks how); missing paths are left alone.
fn mutate(doc: &mut Value, path: &str, op: u8) {
    if op == 6 {
        // Move the field to a literal dotted key at the root.
        if let Some(v) = take(doc, path)
            && let Value::Object(root) = doc
        {
            root.insert(path.to_string(), v);
        }
        return;
    }
    let Some(slot) = get_mut(doc, path) else {
        return;
    };
    let old = std::mem::take(slot);
    *slot = match op {
        0 => Value::Null,
        1 => json!([old.clone(), old]),
        2 => Value::String(old.to_string()),
        3 => match &old {
            Value::String(s) => s.parse::<u64>().map(Value::from).unwrap_or(json!(s.len())),
            other => other.clone(),
        },
        4 => json!({"nested": old}),
        5 => json!(""),
        _ => json!("-"),
    };
}

fn get_mut<'a>(doc: &'a mut Value, path: &str) -> Option<&'a mut Value> {
    let mut cur = doc;
    for part in path.split('.') {
        cur = cur.as_object_mut()?.get_mut(part)?;
    }
    Some(cur)
}

fn take(doc: &mut Value, path: &str) -> Option<Value> {
    let (parent, leaf) = match path.rsplit_once('.') {
        Some((p, l)) => (get_mut(doc, p)?, l),
        None => (doc, path),
    };
    parent.as_object_mut()?.shift_remove(leaf)
}

fn with_shape(mut doc: Value, shape: usize) -> Value {
    let (id, provider, channel) = SHAPES[shape % SHAPES.len()];
    doc["winlog"]["event_id"] = json!(id);
    doc["winlog"]["provider_name"] = json!(provider);
    doc["winlog"]["channel"] = json!(channel);
    doc["event"]["code"] = json!(id.to_string());
    doc
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(600))]

    #[test]
    fn odd_winlogbeat_documents_normalize_alike(
        shape in 0usize..SHAPES.len(),
        edits in proptest::collection::vec((0usize..PATHS.len(), 0u8..8), 0..6),
        drop_fields in proptest::collection::vec(0usize..PATHS.len(), 0..4),
    ) {
        let mut doc = with_shape(winlogbeat_base(), shape);
        for i in drop_fields {
            take(&mut doc, PATHS[i]);
        }
        for (i, op) in edits {
            mutate(&mut doc, PATHS[i], op);
        }
        assert_same(RawKind::Json, &doc.to_string(), "odd.ndjson");
    }
}

#[test]
fn hand_picked_odd_documents_normalize_alike() {
    let cases = [
        json!({"@timestamp": "2026-01-01T00:00:00Z", "winlog": "flat"}),
        json!({"@timestamp": 1_700_000_000_000u64, "winlog": {}}),
        json!({"@timestamp": "2026-01-01T00:00:00Z", "winlog": {"event_data": [1, 2]}}),
        json!({"@timestamp": "2026-01-01T00:00:00Z", "winlog.event_data": {"Image": "a.exe"},
            "winlog": {"event_id": "1", "provider_name": "Microsoft-Windows-Sysmon"}}),
        json!({"@timestamp": "2026-01-01T00:00:00Z", "winlog": "x",
            "winlog.event_data": {"TargetUserName": "bob"}, "winlog.event_id": 4720,
            "winlog.channel": "Security"}),
        json!({"@timestamp": "2026-01-01T00:00:00Z", "event.code": 4624,
            "winlog": {"channel": "Security", "event_data": {"SubjectUserName": ["a", 1, null],
                "LogonType": 3, "Nested": {"x": 1}, "Flag": true}}}),
        json!({"@timestamp": "2026-01-01T00:00:00Z", "host": "h", "process": "p",
            "user": ["u"], "event": {"code": "1"},
            "winlog": {"provider_name": "Microsoft-Windows-Sysmon", "event_id": 1,
                "computer_name": " 10.0.0.1 ",
                "event_data": {"Image": "C:\\x.exe", "CommandLine": "x a b", "User": "D\\u"}}}),
        json!({"@timestamp": "2026-01-01T00:00:00Z",
            "winlog": {"event_data.Image": "C:\\y.exe", "event_id": 1,
                "provider_name": "Microsoft-Windows-Sysmon"}}),
        json!({"@timestamp": "2026-01-01T00:00:00Z", "process.args": ["x"],
            "process": {"name": "x"}, "winlog": {"event_id": 4688, "channel": "security",
                "event_data": {"NewProcessName": "C:\\n.exe", "CommandLine": "n  /c",
                    "ProcessId": "0x10"}}}),
    ];
    for doc in cases {
        assert_same(RawKind::Json, &doc.to_string(), "odd.ndjson");
    }
    let mut map = Map::new();
    map.insert("@timestamp".into(), json!("bad time"));
    assert_same(RawKind::Json, &Value::Object(map).to_string(), "odd.ndjson");
}
