//! One test per source format, on small records written for these tests.

mod import_support;

use import_support::{import, temp_workspace, write};
use serde_json::json;
use std::io::Write;

const ECS_LINE: &str = r#"{"@timestamp":"2024-03-01T10:00:00.123Z","event":{"category":["process"],"type":["start"],"code":1,"kind":"event"},"host":{"name":"web01","os":{"type":"linux"}},"process":{"name":"useradd","executable":"/usr/sbin/useradd","args":["useradd","-m","eve"],"pid":4242,"parent":{"name":"sh"}}}"#;

const NXLOG_LINE: &str = r#"{"EventID":4720,"RecordNumber":901,"SourceName":"Microsoft-Windows-Security-Auditing","Channel":"security","Hostname":"PC7.corp.example","EventTime":"2024-03-01 05:00:00","EventReceivedTime":"2024-03-01 05:00:01","@timestamp":"2024-03-01T10:00:01.500Z","EventType":"AUDIT_SUCCESS","Category":"User Account Management","TargetUserName":"eve","TargetDomainName":"PC7","TargetSid":"S-1-5-21-7-1001","SubjectUserName":"admin","SubjectDomainName":"CORP","SubjectUserSid":"S-1-5-21-7-500","port":514}"#;

const EVTX_JSON: &str = r##"{
  "Event": {
    "#attributes": {"xmlns": "http://schemas.microsoft.com/win/2004/08/events/event"},
    "System": {
      "Provider": {"#attributes": {"Name": "Microsoft-Windows-Sysmon"}},
      "EventID": 1,
      "TimeCreated": {"#attributes": {"SystemTime": "2024-03-01T10:05:00.250000Z"}},
      "EventRecordID": 77,
      "Channel": "Microsoft-Windows-Sysmon/Operational",
      "Computer": "pc7.corp.example"
    },
    "EventData": {
      "ProcessGuid": "{11111111-2222-3333-4444-555555555555}",
      "ProcessId": 5244,
      "Image": "C:\\Users\\Public\\net.exe",
      "CommandLine": "net user eve P@ss /add",
      "ParentImage": "C:\\Windows\\System32\\cmd.exe",
      "ParentCommandLine": "cmd.exe /c \"net user eve P@ss /add\"",
      "ParentProcessId": 4000,
      "User": "CORP\\admin"
    }
  }
}
"##;

const DEFENDER_ROW: &str = r#"{"Timestamp":"2024-03-01T10:06:00.1234567Z","DeviceId":"dev1","DeviceName":"PC7.corp.example","ActionType":"ProcessCreated","FileName":"net1.exe","FolderPath":"C:\\Windows\\System32\\net1.exe","ProcessCommandLine":"C:\\Windows\\system32\\net1 user eve P@ss /add","ProcessId":5300,"ProcessCreationTime":"2024-03-01T10:06:00Z","InitiatingProcessFileName":"net.exe","InitiatingProcessFolderPath":"C:\\Users\\Public\\net.exe","InitiatingProcessCommandLine":"net user eve P@ss /add","InitiatingProcessId":5244,"AccountName":"admin","AccountDomain":"corp"}"#;

#[test]
fn ecs_ndjson_and_array_give_the_same_event() {
    let (dir, ws) = temp_workspace();
    let lines = write(dir.path(), "a.ndjson", format!("{ECS_LINE}\n").as_bytes());
    let array = write(
        dir.path(),
        "b.json",
        format!("[\n  {ECS_LINE}\n]\n").as_bytes(),
    );
    let out = import(&ws, &[lines, array]);
    assert_eq!(out.summary.new, 1, "{:?}", out.summary);
    assert_eq!(out.summary.already_present, 1);
    let ev = &ws
        .searcher()
        .unwrap()
        .search("process.name:USERADD", 10)
        .unwrap()[0];
    assert_eq!(ev.doc["event"]["code"], "1");
    assert_eq!(ev.doc["vigil"]["source"]["format"], "ecs");
    assert_eq!(ev.timestamp_ms, 1_709_287_200_123);
    assert_eq!(ev.original, ECS_LINE);
}

#[test]
fn nxlog_line_maps_iam_event() {
    let (dir, ws) = temp_workspace();
    let p = write(dir.path(), "nx.json", format!("{NXLOG_LINE}\n").as_bytes());
    assert_eq!(import(&ws, &[p]).summary.new, 1);
    let s = ws.searcher().unwrap();
    let ev = &s.search("event.action:added-user-account", 10).unwrap()[0];
    let d = &ev.doc;
    assert_eq!(d["user"]["target"]["name"], "eve");
    assert_eq!(d["user"]["name"], "admin");
    assert_eq!(d["host"]["name"], "PC7");
    assert_eq!(d["winlog"]["computer_name"], "PC7.corp.example");
    assert_eq!(d["winlog"]["channel"], "security");
    assert_eq!(d["event"]["outcome"], "success");
    assert_eq!(d["winlog"]["event_data"]["TargetSid"], "S-1-5-21-7-1001");
    assert!(d["winlog"]["event_data"].get("port").is_none());
    // EventTime is local (UTC-5 here): the collector offset is inferred.
    assert_eq!(d["@timestamp"], "2024-03-01T10:00:00.000Z");
    assert_eq!(s.count("host.name:pc7 AND event.code:4720").unwrap(), 1);
}

#[test]
fn pretty_evtx_json_maps_sysmon_process() {
    let (dir, ws) = temp_workspace();
    let p = write(dir.path(), "one.json", EVTX_JSON.as_bytes());
    assert_eq!(import(&ws, &[p]).summary.new, 1);
    let ev = &ws
        .searcher()
        .unwrap()
        .search("process.name:net.exe", 10)
        .unwrap()[0];
    let d = &ev.doc;
    assert_eq!(d["vigil"]["source"]["format"], "evtx_json");
    assert_eq!(d["process"]["pid"], 5244);
    assert_eq!(
        d["process"]["args"],
        json!(["net", "user", "eve", "P@ss", "/add"])
    );
    assert_eq!(
        d["process"]["parent"]["args"],
        json!(["cmd.exe", "/c", "net user eve P@ss /add"])
    );
    assert_eq!(
        d["process"]["entity_id"],
        "{11111111-2222-3333-4444-555555555555}"
    );
    assert_eq!(d["user"]["domain"], "CORP");
    assert_eq!(d["@timestamp"], "2024-03-01T10:05:00.250Z");
}

#[test]
fn defender_row_and_envelope_are_one_event() {
    let (dir, ws) = temp_workspace();
    let envelope = format!(
        "{{\"category\":\"AdvancedHunting-DeviceProcessEvents\",\"properties\":{DEFENDER_ROW}}}\n"
    );
    let a = write(
        dir.path(),
        "row.json",
        format!("{DEFENDER_ROW}\n").as_bytes(),
    );
    let b = write(dir.path(), "env.json", envelope.as_bytes());
    let out = import(&ws, &[a, b]);
    assert_eq!((out.summary.new, out.summary.already_present), (1, 1));
    let ev = &ws
        .searcher()
        .unwrap()
        .search("process.parent.name:net.exe", 10)
        .unwrap()[0];
    assert_eq!(ev.doc["host"]["name"], "pc7.corp.example");
    assert_eq!(ev.doc["process"]["args"][1], "user");
    assert_eq!(ev.doc["event"]["type"], json!(["start"]));
}

#[test]
fn gzip_of_text_formats() {
    let (dir, ws) = temp_workspace();
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(format!("{ECS_LINE}\n{NXLOG_LINE}\n").as_bytes())
        .unwrap();
    let gz = write(dir.path(), "logs.bin", &enc.finish().unwrap());
    let out = import(&ws, &[gz]);
    assert_eq!(out.summary.new, 2, "{:?}", out.summary);
    assert_eq!(
        out.summary.files[0].container.as_deref(),
        Some("gzip JSON lines")
    );
}

#[test]
fn folders_are_walked_recursively() {
    let (dir, ws) = temp_workspace();
    let sub = dir.path().join("in/deeper");
    std::fs::create_dir_all(&sub).unwrap();
    write(&sub, "x.log", format!("{ECS_LINE}\n").as_bytes());
    write(&dir.path().join("in"), "y", EVTX_JSON.as_bytes());
    let out = import(&ws, &[dir.path().join("in")]);
    assert_eq!(out.summary.new, 2);
    assert_eq!(out.summary.files.len(), 2);
}
