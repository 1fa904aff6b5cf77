//! The triage command line driven through the real binary over the bundled demo
//! dataset: alert changes and their persistence across processes, exceptions with
//! preview, case-note export, dispositions moved between workspaces, the created-users
//! hunt, and a hostile alert exported safely.
#![allow(clippy::unwrap_used)]

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The demo dataset imported once; every test works on its own copy.
fn template() -> &'static Path {
    static TEMPLATE: OnceLock<PathBuf> = OnceLock::new();
    TEMPLATE.get_or_init(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("triage_cli_template");
        let _ = std::fs::remove_dir_all(&dir);
        let config = Path::new(env!("CARGO_TARGET_TMPDIR")).join("triage_cli_config");
        std::fs::create_dir_all(&config).unwrap();
        let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/demo_events.ndjson");
        Command::cargo_bin("vigil")
            .unwrap()
            .env("XDG_CONFIG_HOME", &config)
            .env_remove("VIGIL_WORKSPACE")
            .arg("--workspace")
            .arg(&dir)
            .arg("import")
            .arg(samples)
            .assert()
            .success();
        dir
    })
}

/// A private copy of the imported demo workspace, with an empty config directory.
struct Ws {
    _tmp: tempfile::TempDir,
    root: PathBuf,
    config: PathBuf,
}

impl Ws {
    fn new() -> Ws {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("ws");
        copy_dir(template(), &root);
        let config = tmp.path().join("config");
        std::fs::create_dir_all(&config).unwrap();
        Ws {
            _tmp: tmp,
            root,
            config,
        }
    }

    fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::cargo_bin("vigil").unwrap();
        c.env("XDG_CONFIG_HOME", &self.config)
            .env("USER", "tester")
            .env_remove("VIGIL_WORKSPACE")
            .arg("--workspace")
            .arg(&self.root)
            .args(args);
        c
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.cmd(args).assert().success().get_output().clone();
        String::from_utf8(out.stdout).unwrap()
    }

    fn fails(&self, args: &[&str]) -> String {
        let out = self.cmd(args).assert().failure().get_output().clone();
        String::from_utf8(out.stderr).unwrap()
    }

    fn alerts(&self) -> Vec<Value> {
        lines_json(&self.ok(&["alerts", "--all", "--json"]))
    }

    fn alert(&self, id: &str) -> Value {
        serde_json::from_str(self.ok(&["alert", id, "--json"]).trim()).unwrap()
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

fn lines_json(text: &str) -> Vec<Value> {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// The alert of `rule` about `subject` (CreatedUser/TargetUser field).
fn find<'a>(alerts: &'a [Value], rule: &str, subject: &str) -> &'a Value {
    alerts
        .iter()
        .find(|a| {
            a["rule_name"] == rule
                && (a["fields"]["CreatedUser"] == subject || a["fields"]["TargetUser"] == subject)
        })
        .unwrap_or_else(|| panic!("no {rule} alert for {subject}"))
}

fn id(a: &Value) -> String {
    a["id"].as_str().unwrap().to_string()
}

const NET: &str = "Detect User Account Creation via Net.exe";
const SUSP: &str = "Net.exe Add Command With Shell or Script Host Parent";

#[test]
fn changes_show_in_alerts_json_and_in_a_new_process() {
    let ws = Ws::new();
    let alerts = ws.alerts();
    assert_eq!(alerts.len(), 62, "the demo raises 62 alerts");
    let target = find(&alerts, NET, "ext.consultant");
    let full = id(target);
    let prefix = &full[..8];
    assert_eq!(target["status"], "open");

    // A false positive needs a reason; nothing is written when it is missing.
    let err = ws.fails(&["alert", prefix, "classify", "fp"]);
    assert!(
        err.contains("needs a reason") && err.contains("it-admin"),
        "{err}"
    );
    // Unknown step: refused, nothing written.
    let err = ws.fails(&["alert", prefix, "check", "99"]);
    assert!(err.contains("no step 99"), "{err}");
    assert_eq!(ws.alert(prefix)["audit"].as_array().unwrap().len(), 0);

    // A category given by its label is stored as its id.
    ws.ok(&[
        "alert",
        prefix,
        "classify",
        "fp",
        "--reason",
        "IT helpdesk or administrators creating accounts",
        "--analyst",
        "mkeller",
    ]);
    ws.ok(&[
        "alert",
        prefix,
        "check",
        "2",
        "--note",
        "hd_mmiller is helpdesk",
    ]);
    ws.ok(&["alert", prefix, "check", "1"]);
    ws.ok(&["alert", prefix, "uncheck", "1"]);
    ws.ok(&["alert", prefix, "comment", "ticket CHG-4711"]);

    // Every command above ran in its own process; these are new ones again.
    let listed = ws.alerts();
    let after = listed.iter().find(|a| a["id"] == full.as_str()).unwrap();
    assert_eq!(after["status"], "closed");
    assert_eq!(after["classification"]["class"], "false_positive");
    assert_eq!(after["classification"]["kind"], "incorrect_rule_logic");
    assert_eq!(after["reason"], "it-admin");
    assert_eq!(after["checklist"]["done"], 1);
    assert!(after["checklist"]["steps"].as_u64().unwrap() >= 5);
    assert_eq!(after["comments"], 1);

    let shown = ws.alert(&full);
    assert_eq!(
        shown["reason_label"],
        "IT helpdesk or administrators creating accounts (it-admin)"
    );
    let steps = shown["steps"].as_array().unwrap();
    assert_eq!(steps[0]["done"], false);
    assert_eq!(steps[1]["done"], true);
    assert_eq!(steps[1]["note"], "hd_mmiller is helpdesk");
    assert_eq!(steps[1]["by"], "tester");
    assert_eq!(shown["comments"][0]["text"], "ticket CHG-4711");
    let audit: Vec<(String, String)> = shown["audit"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["by"].as_str().unwrap().into(),
                e["what"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(audit[0], ("mkeller".to_string(), "status".to_string()));
    assert!(audit.iter().any(|(_, w)| w == "comment"));
    // Ticking then unticking step 1 is two audit entries for it.
    let step1 = format!("step:{}", steps[0]["id"].as_str().unwrap());
    assert_eq!(audit.iter().filter(|(_, w)| *w == step1).count(), 2);
    // The "other alerts for this host or user" pivot is counted over alerts.
    let alert_pivots: Vec<&Value> = steps
        .iter()
        .flat_map(|s| s["pivots"].as_array().unwrap())
        .filter(|p| p["target"] == "alerts")
        .collect();
    assert!(!alert_pivots.is_empty());
    assert!(
        alert_pivots
            .iter()
            .all(|p| p["count"].as_u64().unwrap() > 0)
    );
    // Events pivots were counted against the index.
    assert!(
        steps
            .iter()
            .flat_map(|s| s["pivots"].as_array().unwrap())
            .any(|p| p["target"] == "events" && p["count"].as_u64().is_some_and(|n| n > 0))
    );

    // Status changes on a selection, with the analyst from the config file.
    std::fs::create_dir_all(ws.config.join("vigil")).unwrap();
    std::fs::write(
        ws.config.join("vigil/config.toml"),
        "analyst = \"cfg-analyst\"\n",
    )
    .unwrap();
    let others: Vec<String> = ["svc_backup", "helpdesk_tmp"]
        .iter()
        .map(|u| id(find(&alerts, NET, u))[..10].to_string())
        .collect();
    let out = ws.ok(&["alert", &others[0], &others[1], "status", "ack"]);
    assert!(out.starts_with("2 alert(s) changed"), "{out}");
    for o in &others {
        let a = ws.alert(o);
        assert_eq!(a["status"], "acknowledged");
        assert_eq!(a["audit"][0]["by"], "cfg-analyst");
    }
    // Reopening clears the decision.
    ws.ok(&["alert", prefix, "status", "open"]);
    let reopened = ws.alert(prefix);
    assert_eq!(reopened["status"], "open");
    assert!(reopened["classification"].is_null() && reopened["reason"].is_null());
}

#[test]
fn alert_text_shows_tree_checklist_and_decision() {
    let ws = Ws::new();
    let alerts = ws.alerts();
    let a = id(find(&alerts, NET, "svc_backup"));
    ws.ok(&[
        "alert",
        &a,
        "classify",
        "tp",
        "--reason",
        "Office macro chain",
    ]);
    ws.ok(&[
        "alert",
        &a,
        "check",
        "1",
        "--note",
        "WINWORD -> powershell -> cmd",
    ]);
    let text = ws.ok(&["alert", &a]);
    for want in [
        "Rule      Detect User Account Creation via Net.exe",
        "T1136.001 Local Account",
        "Host      wks-fin01",
        "CreatedUser = svc_backup",
        "Decision  True positive",
        "Reason    Office macro chain",
        "[x]",
        "note: WINWORD -> powershell -> cmd",
        "Alerts for this host or user in the past 48 hours:",
        "Process tree",
        "WINWORD.EXE",
        "<== alert process",
        "Audit trail",
    ] {
        assert!(text.contains(want), "missing {want:?} in\n{text}");
    }
    let err = ws.fails(&["alert", "zzzz"]);
    assert!(err.contains("no alert has the id 'zzzz'"), "{err}");
}

#[test]
fn exception_previews_then_closes_the_matching_open_alerts() {
    let ws = Ws::new();
    let alerts = ws.alerts();
    let source = find(&alerts, SUSP, "ext.consultant");
    let sid = id(source);
    ws.ok(&["alert", &sid, "classify", "fp", "--reason", "it-admin"]);

    // Expected matches, worked out from the alert list: same rule, same executable and
    // parent executable (host, user and command line conditions dropped below).
    let lower = |v: &Value| v.as_str().unwrap_or("").to_ascii_lowercase();
    let expected: Vec<String> = alerts
        .iter()
        .filter(|a| {
            a["rule_id"] == source["rule_id"]
                && lower(&a["process"]["executable"]) == lower(&source["process"]["executable"])
                && lower(&a["process"]["parent_executable"])
                    == lower(&source["process"]["parent_executable"])
        })
        .map(id)
        .collect();
    assert!(expected.len() >= 3, "{expected:?}");
    let args = [
        "exception",
        "create",
        &sid[..12],
        "--host",
        "",
        "--user",
        "",
        "--command-line",
        "",
        "--expires",
        "2099-01-01",
    ];
    let mut dry = args.to_vec();
    dry.push("--dry-run");
    let preview = ws.ok(&dry);
    let want = format!(
        "Matches {} open alert(s) (saving closes them) and 1 past alert(s)",
        expected.len() - 1
    );
    assert!(preview.contains(&want), "{preview}");
    assert!(preview.contains("dry run: nothing saved"));
    assert!(
        !preview.contains("  host "),
        "host condition dropped:\n{preview}"
    );
    assert!(ws.ok(&["exception", "list"]).is_empty());
    let still_open = ws.alerts().iter().filter(|a| a["status"] == "open").count();
    assert_eq!(still_open, 61);

    let saved = ws.ok(&args);
    assert!(
        saved.contains(&format!("closed {} open alert(s)", expected.len() - 1)),
        "{saved}"
    );
    let listed = lines_json(&ws.ok(&["exception", "list", "--json"]));
    assert_eq!(listed.len(), 1);
    let exc_id = listed[0]["id"].as_str().unwrap().to_string();
    assert_eq!(listed[0]["reason"], "it-admin");
    assert_eq!(listed[0]["matching_alerts"], expected.len());
    assert!(listed[0]["expires_ms"].as_i64().is_some());

    let after = ws.alerts();
    for e in &expected {
        let a = after.iter().find(|a| a["id"] == e.as_str()).unwrap();
        assert_eq!(a["status"], "closed", "{e}");
        assert_eq!(a["reason"], "it-admin", "{e}");
        if *e != sid {
            assert_eq!(ws.alert(e)["exception_id"], exc_id.as_str());
        }
    }
    assert_eq!(
        after.iter().filter(|a| a["status"] == "closed").count(),
        expected.len()
    );
    // A second preview finds nothing left open.
    let again = ws.ok(&dry);
    assert!(
        again.contains(&format!(
            "Matches 0 open alert(s) (saving closes them) and {} past",
            expected.len()
        )),
        "{again}"
    );
}

#[test]
fn export_markdown_and_json_carry_tree_checklist_and_decision() {
    let ws = Ws::new();
    let alerts = ws.alerts();
    let a = id(find(&alerts, NET, "svc_backup"));
    ws.ok(&[
        "alert",
        &a,
        "classify",
        "tp",
        "--reason",
        "Office macro chain",
    ]);
    ws.ok(&[
        "alert",
        &a,
        "check",
        "1",
        "--note",
        "parent chain from WINWORD",
    ]);
    ws.ok(&["alert", &a, "comment", "escalated to IR"]);

    let md = ws.ok(&["export", &a[..10], "--format", "md"]);
    for want in [
        "# Case notes: Detect User Account Creation via Net.exe",
        "## Process tree",
        "WINWORD.EXE",
        "## Investigation checklist (1/",
        "- [x] ",
        "  - Note: parent chain from WINWORD",
        "Pivot: Alerts for this host or user in the past 48 hours:",
        "- Classification: True positive",
        "- Reason: Office macro chain",
        "escalated to IR",
        "## Audit trail",
        "SHA-256: ",
    ] {
        assert!(md.contains(want), "missing {want:?} in\n{md}");
    }

    let json: Value = serde_json::from_str(&ws.ok(&["export", &a, "--format", "json"])).unwrap();
    let doc = &json.as_array().unwrap()[0];
    assert!(vigil::export::verify_json(doc));
    assert_eq!(doc["alert"]["id"], a.as_str());
    assert_eq!(doc["disposition"]["status"], "closed");
    assert_eq!(doc["disposition"]["classification"], "true_positive");
    assert_eq!(doc["disposition"]["reason"], "Office macro chain");
    assert_eq!(doc["comments"][0]["text"], "escalated to IR");
    let steps = doc["checklist"].as_array().unwrap();
    assert_eq!(steps[0]["done"], true);
    assert_eq!(steps[0]["note"], "parent chain from WINWORD");
    assert!(steps[1..].iter().all(|s| s["done"] == false));
    assert!(
        doc["process_tree"]
            .as_str()
            .unwrap()
            .contains("<== alert process")
    );
    // The same facts as `vigil alert --json`.
    let shown = ws.alert(&a);
    assert_eq!(shown["steps"], doc["checklist"]);
    assert_eq!(shown["audit"], doc["audit"]);

    // --filter selects by decision; ndjson is one case per line.
    let nd = lines_json(&ws.ok(&[
        "export",
        "--filter",
        "status:closed class:tp",
        "--format",
        "ndjson",
    ]));
    assert_eq!(nd.len(), 1);
    assert_eq!(nd[0]["alert"]["id"], a.as_str());
    let host = ws.ok(&[
        "export",
        "--filter",
        "host:wks-fin01 rule:\"User Account Creation\"",
        "--format",
        "ndjson",
    ]);
    assert_eq!(lines_json(&host).len(), 1);
    let err = ws.fails(&["export", "--filter", "colour:blue"]);
    assert!(err.contains("known keys"), "{err}");

    // --all into a directory: one file per alert, named safely.
    let out = ws._tmp.path().join("cases");
    std::fs::create_dir_all(&out).unwrap();
    ws.ok(&[
        "export",
        "--all",
        "--format",
        "md",
        "-o",
        out.to_str().unwrap(),
    ]);
    let names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(names.len(), 62);
    assert!(
        names
            .iter()
            .all(|n| n.starts_with("vigil-case-") && n.ends_with(".md"))
    );
    // One file for several cases.
    let single = ws._tmp.path().join("two.json");
    let others = id(find(&alerts, NET, "kiosk"));
    ws.ok(&[
        "export",
        &a,
        &others,
        "--format",
        "json",
        "-o",
        single.to_str().unwrap(),
    ]);
    let two: Value = serde_json::from_slice(&std::fs::read(&single).unwrap()).unwrap();
    assert_eq!(two.as_array().unwrap().len(), 2);
}

#[test]
fn dispositions_move_between_workspaces() {
    let alice = Ws::new();
    let bob = Ws::new();
    let alerts = alice.alerts();
    let a = id(find(&alerts, SUSP, "app_deploy"));
    let b = id(find(&alerts, NET, "kiosk"));
    alice.ok(&[
        "alert",
        &a,
        "classify",
        "fp",
        "--reason",
        "config-management",
        "--analyst",
        "alice",
    ]);
    alice.ok(&[
        "alert",
        &a,
        "comment",
        "Ansible run, ticket CHG-9",
        "--analyst",
        "alice",
    ]);
    alice.ok(&["alert", &b, "classify", "benign", "--analyst", "alice"]);
    bob.ok(&["alert", &a, "comment", "looking at it", "--analyst", "bob"]);
    let file = alice._tmp.path().join("decisions.json");
    let out = alice.ok(&["dispositions", "export", file.to_str().unwrap()]);
    assert!(out.contains("2 alert(s)"), "{out}");

    let summary: Value = serde_json::from_str(
        bob.ok(&[
            "dispositions",
            "import",
            file.to_str().unwrap(),
            "--json",
            "--analyst",
            "bob",
        ])
        .trim(),
    )
    .unwrap();
    assert_eq!(summary["alerts_added"], 1);
    assert_eq!(summary["alerts_merged"], 1);
    let merged = bob.alert(&a);
    assert_eq!(merged["status"], "closed");
    assert_eq!(merged["reason"], "config-management");
    let comments: Vec<&str> = merged["comments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["text"].as_str().unwrap())
        .collect();
    assert!(comments.contains(&"looking at it") && comments.contains(&"Ansible run, ticket CHG-9"));
    assert!(
        merged["audit"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["what"] == "import")
    );
    assert_eq!(bob.alert(&b)["classification"], "benign_positive");
    // Importing the same file again changes nothing.
    let again = bob.ok(&["dispositions", "import", file.to_str().unwrap()]);
    assert!(
        again.contains("0 alert(s) added, 0 merged, 2 unchanged"),
        "{again}"
    );
    let err = bob.fails(&["dispositions", "import", "/nonexistent/decisions.json"]);
    assert!(err.contains("decisions.json"), "{err}");
}

#[test]
fn hunt_lists_the_created_users_with_machine_counts() {
    let ws = Ws::new();
    let rows = lines_json(&ws.ok(&["hunt", "created-users", "--json"]));
    let get = |user: &str| {
        rows.iter()
            .find(|r| r["user"] == user)
            .unwrap_or_else(|| panic!("{user} missing from {rows:?}"))
    };
    for user in [
        "svc_backup",
        "helpdesk_tmp",
        "support_388945a0",
        "adm_backup",
        "backup$",
        "ext.consultant",
        "svc_sqlreports",
        "app_deploy",
        "kiosk",
        "sysupdate",
        "remote_support",
    ] {
        let r = get(user);
        assert_eq!(r["machine_count"], 1, "{user}");
        assert_eq!(r["hosts"].as_array().unwrap().len(), 1, "{user}");
        assert!(!r["alert_ids"].as_array().unwrap().is_empty(), "{user}");
    }
    assert_eq!(get("adm_backup")["local_or_domain"], "domain");
    assert_eq!(get("svc_backup")["local_or_domain"], "local");
    assert_eq!(get("svc_backup")["hosts"][0], "wks-fin01");
    assert_eq!(rows.len(), 11, "{rows:?}");
    let table = ws.ok(&["hunt", "created-users"]);
    assert!(
        table
            .lines()
            .any(|l| l.starts_with("adm_backup") && l.contains("domain"))
    );
}

#[test]
fn hostile_alert_is_shown_and_exported_safely() {
    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path().join("ws");
    let config = tmp.path().join("config");
    std::fs::create_dir_all(&config).unwrap();
    let rule = tmp.path().join("hostile.yml");
    std::fs::write(
        &rule,
        "title: \"../../../tmp/evil \\x1b[31m red | *bold* # rule\"\n\
         id: 6f3e1b2a-1111-4222-8333-944455556666\n\
         status: experimental\n\
         description: hostile fixture\n\
         logsource:\n  product: windows\n  category: process_creation\n\
         detection:\n  selection:\n    CommandLine|contains: hostile-marker\n  condition: selection\n\
         level: high\n",
    )
    .unwrap();
    let event = serde_json::json!({
        "@timestamp": "2026-03-02T10:00:00.000Z",
        "host": {"name": "../../etc/\u{1b}]0;owned\u{7}host", "os": {"type": "windows", "family": "windows"}},
        "process": {
            "pid": 4242, "entity_id": "{HOSTILE-0001}", "name": "cmd.exe",
            "executable": "C:\\Windows\\System32\\cmd.exe",
            "command_line": "cmd /c echo hostile-marker \u{1b}[2J\r\n# injected heading ../../x",
            "parent": {"pid": 4000, "entity_id": "{HOSTILE-0000}", "name": "explorer.exe",
                        "executable": "C:\\Windows\\explorer.exe"}
        },
        "user": {"name": "evil`|user", "domain": "CORP"},
        "event": {"kind": "event", "code": "1", "category": ["process"], "type": ["start"],
                  "module": "sysmon", "provider": "Microsoft-Windows-Sysmon"},
        "winlog": {"channel": "Microsoft-Windows-Sysmon/Operational", "event_id": 1,
                   "record_id": 1, "computer_name": "hostile", "provider_name": "Microsoft-Windows-Sysmon"}
    });
    let events = tmp.path().join("hostile.ndjson");
    std::fs::write(&events, format!("{event}\n")).unwrap();
    let vigil = |args: &[&str]| {
        let mut c = Command::cargo_bin("vigil").unwrap();
        c.env("XDG_CONFIG_HOME", &config)
            .env("USER", "tester")
            .env_remove("VIGIL_WORKSPACE")
            .arg("--workspace")
            .arg(&ws)
            .args(args);
        c
    };
    vigil(&[
        "import",
        events.to_str().unwrap(),
        "--no-builtin",
        "--rules",
        rule.to_str().unwrap(),
    ])
    .assert()
    .success();
    let listed = vigil(&["alerts", "--json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let alerts = lines_json(&String::from_utf8(listed).unwrap());
    assert_eq!(alerts.len(), 1, "the hostile rule raised its alert");
    let aid = id(&alerts[0]);

    for args in [
        vec!["alert", aid.as_str()],
        vec!["alerts"],
        vec!["exception", "create", aid.as_str(), "--dry-run"],
    ] {
        let out = vigil(&args).assert().success().get_output().stdout.clone();
        assert!(
            !out.iter().any(|b| *b == 0x1b || *b == 0x07 || *b == b'\r'),
            "{args:?} printed raw control characters: {}",
            String::from_utf8_lossy(&out)
        );
    }

    let out_dir = tmp.path().join("out");
    std::fs::create_dir_all(&out_dir).unwrap();
    for format in ["md", "json"] {
        vigil(&[
            "export",
            "--all",
            "--format",
            format,
            "-o",
            out_dir.to_str().unwrap(),
        ])
        .assert()
        .success();
    }
    let names: Vec<String> = std::fs::read_dir(&out_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
    for n in &names {
        assert!(
            n.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
                && !n.contains(".."),
            "unsafe file name {n:?}"
        );
    }
    // Nothing was written outside the output directory.
    let mut seen = Vec::new();
    for e in std::fs::read_dir(tmp.path()).unwrap() {
        seen.push(e.unwrap().file_name().into_string().unwrap());
    }
    seen.sort();
    assert_eq!(
        seen,
        ["config", "hostile.ndjson", "hostile.yml", "out", "ws"]
    );
    let md_name = names.iter().find(|n| n.ends_with(".md")).unwrap();
    let md = std::fs::read_to_string(out_dir.join(md_name)).unwrap();
    assert!(!md.contains('\u{1b}') && !md.contains('\u{7}'));
    assert!(!md.lines().any(|l| l.starts_with("# injected")), "{md}");
    let json_name = names.iter().find(|n| n.ends_with(".json")).unwrap();
    let doc: Value =
        serde_json::from_slice(&std::fs::read(out_dir.join(json_name)).unwrap()).unwrap();
    assert!(vigil::export::verify_json(&doc));
    // JSON keeps the original value (JSON escapes for itself).
    assert!(doc["alert"]["host"].as_str().unwrap().contains('\u{1b}'));
}
