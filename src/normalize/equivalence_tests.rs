//! The normalizer's output is pinned: every event (id, time, format, original text and
//! document bytes, key order included) or rejection it gives for the generated samples,
//! every record of ../shared/datasets and a few hundred Winlogbeat documents with odd or
//! missing fields is hashed, group by group, and the digests are compared with the
//! snapshots in `snapshots/`. They were taken from the normalizer before its fill-only
//! Winlogbeat path (main at ecbef6a), so an optimisation must leave every byte unchanged;
//! a deliberate change of mapping updates the snapshot (`INSTA_UPDATE=always`) and says so.

use crate::ingest::{self, Location, RawKind, RawRecord, ReadItem};
use crate::samples::generator::{GenConfig, generate};
use crate::testutil::shared_dir;
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicU64;

type Normalizer =
    fn(RawRecord<'_>, &str) -> Result<(crate::model::Event, super::SourceFormat), String>;

/// The digest of one group of records as normalized by `normalize`.
struct Group {
    hash: Sha256,
    events: usize,
    rejected: usize,
}

impl Group {
    fn new() -> Self {
        Group {
            hash: Sha256::new(),
            events: 0,
            rejected: 0,
        }
    }

    fn add(&mut self, normalize: Normalizer, kind: RawKind, text: &str, source: &str) {
        let raw = RawRecord {
            kind,
            text,
            location: Location::Ordinal(1),
        };
        let mut field = |bytes: &[u8]| {
            self.hash.update((bytes.len() as u64).to_le_bytes());
            self.hash.update(bytes);
        };
        match normalize(raw, source) {
            Ok((event, format)) => {
                field(format.as_str().as_bytes());
                field(event.id.as_bytes());
                field(&event.timestamp_ms.to_le_bytes());
                field(event.original.as_bytes());
                field(event.doc.to_string().as_bytes());
                self.events += 1;
            }
            Err(reason) => {
                field(b"rejected");
                field(reason.as_bytes());
                self.rejected += 1;
            }
        }
    }

    fn line(self, name: &str) -> String {
        let digest = self.hash.finalize();
        let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
        format!(
            "{name}: {} events, {} rejected, {hex}",
            self.events, self.rejected
        )
    }
}

/// One line per generator seed: 1,500 demo events each, all kinds of event.
fn generated_table(normalize: Normalizer) -> String {
    let mut lines = Vec::new();
    for seed in [1, 7, 42, 2026] {
        let mut config = GenConfig::demo();
        config.seed = seed;
        config.events = 1_500;
        let mut out = Vec::new();
        generate(&config, &mut out).expect("generator runs");
        let text = String::from_utf8(out).expect("generator writes UTF-8");
        let mut group = Group::new();
        for line in text.lines().filter(|l| !l.is_empty()) {
            group.add(normalize, RawKind::Json, line, "gen.ndjson");
        }
        lines.push(group.line(&format!("generated, seed {seed}")));
    }
    lines.join("\n")
}

#[test]
fn generated_samples_normalize_as_pinned() {
    insta::assert_snapshot!("generated", generated_table(super::normalize));
}

/// Every file of the datasets that the importer reads, sorted.
fn dataset_files(datasets: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = ["evtx", "json", "ndjson", "jsonl", "gz"]
        .iter()
        .flat_map(|ext| crate::testutil::files_with_extension(datasets, ext))
        .collect();
    files.sort();
    files
}

/// One line per dataset file with records, named relative to the datasets folder.
fn datasets_table(datasets: &Path, normalize: Normalizer) -> String {
    let mut lines = Vec::new();
    for file in dataset_files(datasets) {
        // The path is part of each event (vigil.source.path): relative, so the digests do
        // not depend on where the checkout is.
        let name = file
            .strip_prefix(datasets)
            .unwrap_or(&file)
            .display()
            .to_string();
        let source = format!("datasets/{name}");
        let mut group = Group::new();
        let _ = ingest::read_file(&file, Arc::new(AtomicU64::new(0)), &mut |item| {
            if let ReadItem::Record(r) = item {
                group.add(normalize, r.kind, r.text, &source);
            }
        });
        if group.events + group.rejected > 0 {
            lines.push(group.line(&name));
        }
    }
    lines.join("\n")
}

#[test]
fn every_dataset_record_normalizes_as_pinned() {
    let Some(shared) = shared_dir() else {
        println!("notice: ../shared not found; skipping the test that needs it");
        return;
    };
    let table = datasets_table(&shared.join("datasets"), super::normalize);
    assert!(table.lines().count() > 40, "few dataset files: {table}");
    insta::assert_snapshot!("datasets", table);
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

/// A small deterministic generator (xorshift), so the odd documents are the same on
/// every run and their digest can be pinned.
struct Dice(u64);

impl Dice {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

/// 600 Winlogbeat documents over every shape, with fields removed, nulled, retyped,
/// turned into text, wrapped in arrays, nested, blanked or moved to dotted root keys.
fn odd_documents_table(normalize: Normalizer) -> String {
    let mut dice = Dice(0x9e37_79b9_7f4a_7c15);
    let mut group = Group::new();
    for case in 0..600 {
        let mut doc = with_shape(winlogbeat_base(), case);
        for _ in 0..dice.below(4) {
            take(&mut doc, PATHS[dice.below(PATHS.len())]);
        }
        for _ in 0..dice.below(6) {
            let path = PATHS[dice.below(PATHS.len())];
            mutate(&mut doc, path, dice.below(8) as u8);
        }
        group.add(normalize, RawKind::Json, &doc.to_string(), "odd.ndjson");
    }
    group.line("odd Winlogbeat documents")
}

fn hand_picked_table(normalize: Normalizer) -> String {
    let mut group = Group::new();
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
        group.add(normalize, RawKind::Json, &doc.to_string(), "odd.ndjson");
    }
    let mut map = Map::new();
    map.insert("@timestamp".into(), json!("bad time"));
    group.add(
        normalize,
        RawKind::Json,
        &Value::Object(map).to_string(),
        "odd.ndjson",
    );
    group.line("hand-picked odd documents")
}

#[test]
fn odd_documents_normalize_as_pinned() {
    let table = [
        odd_documents_table(super::normalize),
        hand_picked_table(super::normalize),
    ];
    insta::assert_snapshot!("odd_documents", table.join("\n"));
}
