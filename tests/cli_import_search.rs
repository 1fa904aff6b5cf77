//! The `vigil import`, `search` and `stats` commands as a user runs them:
//! exit statuses, problem reports, JSON output.

mod import_support;

use assert_cmd::Command;
use import_support::{fixture, write};
use serde_json::Value;

fn vigil(ws: &std::path::Path) -> Command {
    let mut c = Command::cargo_bin("vigil").expect("vigil binary");
    c.env("VIGIL_WORKSPACE", ws);
    c
}

#[test]
fn import_exit_statuses_and_json_summary() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("ws");
    let evtx = fixture("evtx/ID4688-User creation via commandline.evtx");

    let out = vigil(&ws)
        .args(["import", "--json"])
        .arg(&evtx)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let summary: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(summary["new"], 9);

    let again = vigil(&ws)
        .args(["import", "--json"])
        .arg(&evtx)
        .output()
        .unwrap();
    let summary: Value = serde_json::from_slice(&again.stdout).unwrap();
    assert_eq!(
        (summary["new"].as_u64(), summary["already_present"].as_u64()),
        (Some(0), Some(9))
    );
    assert_eq!(again.status.code(), Some(0));

    let junk = write(dir.path(), "junk.dat", b"\x00\x01\x02");
    let bad_line = write(
        dir.path(),
        "bad.json",
        b"{\"@timestamp\":\"2024-01-01T00:00:00Z\"}\n{oops\n",
    );
    let partial = vigil(&ws)
        .arg("import")
        .arg(&junk)
        .arg(&bad_line)
        .output()
        .unwrap();
    assert_eq!(partial.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&partial.stderr);
    assert!(
        stderr.contains(&format!(
            "{}: not imported: unrecognised format",
            junk.display()
        )),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("{}:2: malformed JSON", bad_line.display())),
        "{stderr}"
    );
    let stdout = String::from_utf8_lossy(&partial.stdout);
    assert!(stdout.contains("1 rejected"), "{stdout}");

    let nothing = vigil(&ws).arg("import").arg(&junk).output().unwrap();
    assert_eq!(nothing.status.code(), Some(4));

    let usage = vigil(&ws).arg("import").output().unwrap();
    assert_eq!(usage.status.code(), Some(2));
}

/// A workspace holding the EVTX fixtures (one has a corrupt chunk: exit status 3).
fn workspace_with_evtx_fixtures() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("temporary folder");
    let ws = dir.path().join("ws");
    vigil(&ws)
        .arg("import")
        .arg(fixture("evtx"))
        .assert()
        .code(3);
    (dir, ws)
}

#[test]
fn search_and_stats_output() {
    let (_dir, ws) = workspace_with_evtx_fixtures();

    let out = vigil(&ws)
        .args(["search", "--json", "--limit", "5", "process.name:NET.EXE"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let lines: Vec<Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(!lines.is_empty());
    for doc in &lines {
        assert!(doc["_id"].is_string());
        assert_eq!(
            doc["process"]["name"]
                .as_str()
                .map(str::to_lowercase)
                .as_deref(),
            Some("net.exe")
        );
    }
    let text = vigil(&ws)
        .args(["search", "event.code:4720"])
        .output()
        .unwrap();
    let shown = String::from_utf8_lossy(&text.stdout);
    assert!(shown.contains("added-user-account"), "{shown}");

    let bad = vigil(&ws).args(["search", "nope:("]).output().unwrap();
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("invalid query"));

    let stats = vigil(&ws).args(["stats", "--json"]).output().unwrap();
    let s: Value = serde_json::from_slice(&stats.stdout).unwrap();
    assert!(s["events"].as_u64().unwrap() > 3000);
    assert!(s["by_format"]["evtx"].as_u64().is_some());
    assert!(s["first"].as_str().unwrap().ends_with('Z'));
    let human = vigil(&ws).arg("stats").output().unwrap();
    assert!(String::from_utf8_lossy(&human.stdout).contains("by event code"));
}

/// Events found by `vigil search --json QUERY` (no limit that matters here).
fn found(ws: &std::path::Path, query: &str) -> Vec<Value> {
    let out = vigil(ws)
        .args(["search", "--json", "--limit", "100000", query])
        .output()
        .expect("vigil runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{query}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON document per line"))
        .collect()
}

#[test]
fn field_presence_queries_match_the_events_that_have_the_field() {
    let (_dir, ws) = workspace_with_evtx_fixtures();
    let all = found(&ws, "*");
    let has = |doc: &Value, path: &[&str]| {
        path.iter()
            .try_fold(doc, |v, key| v.get(key))
            .is_some_and(|v| !v.is_null())
    };
    for (query, path) in [
        ("process.name:*", &["process", "name"][..]),
        ("process.parent.name:*", &["process", "parent", "name"]),
        ("process.command_line:*", &["process", "command_line"]),
        ("process.parent:*", &["process", "parent"]),
        ("user.target.name:*", &["user", "target", "name"]),
        (
            "winlog.event_data.TargetUserName:*",
            &["winlog", "event_data", "TargetUserName"],
        ),
    ] {
        let expected = all.iter().filter(|d| has(d, path)).count();
        assert!(expected > 0, "{query}: the fixtures have such events");
        assert_eq!(found(&ws, query).len(), expected, "{query}");
        let without = found(&ws, &format!("NOT {query}"));
        assert_eq!(without.len(), all.len() - expected, "NOT {query}");
        assert!(without.iter().all(|d| !has(d, path)), "NOT {query}");
    }
    let counted = vigil(&ws)
        .args(["search", "--count", "--json", "process.parent.name:*"])
        .output()
        .unwrap();
    let counted: Value = serde_json::from_slice(&counted.stdout).unwrap();
    assert_eq!(
        counted["count"].as_u64(),
        Some(found(&ws, "process.parent.name:*").len() as u64)
    );
    let plain = vigil(&ws)
        .args(["search", "--count", "*"])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&plain.stdout).trim(),
        all.len().to_string()
    );
    let both = found(&ws, "event.code:4720 AND user.target.name:*");
    assert!(!both.is_empty());
    assert!(both.iter().all(|d| d["event"]["code"] == "4720"));
    assert!(found(&ws, "no_such_root.field:*").is_empty());
    let stored_only = vigil(&ws)
        .args(["search", "agent.type:*"])
        .output()
        .unwrap();
    assert_eq!(stored_only.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&stored_only.stderr).contains("not indexed"));
}

#[test]
fn missing_workspace_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = vigil(&dir.path().join("none"))
        .args(["search", "x"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no vigil workspace"));
}
