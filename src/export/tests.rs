use super::*;
use crate::model::triage::{Classification, FalsePositiveKind, Status};
use crate::model::{FpCategory, RuleKind, RuleOrigin, Severity};
use crate::store::{Change, Store};
use crate::testutil::{T0, alert, net_event};
use crate::triage::guide;
use crate::triage::tree::{self, RenderOptions, TreeOptions};
use sha2::{Digest, Sha256};

const NOTE: &str = r#"## Triage and analysis

### Possible investigation steps

- Investigate the process execution chain (parent process tree).
- Investigate other alerts associated with the user/host during the past 48 hours. !{investigate{"label":"Alerts for the host or user","target":"alerts","providers":[[{"field":"host.name","value":"{{host.name}}"}],[{"field":"user.name","value":"{{user.name}}"}]],"relativeFrom":"now-48h","relativeTo":"now"}}
- Look for logons of the new account. !{investigate{"label":"Events of the host","providers":[[{"field":"host.name","value":"{{host.name}}"}]],"relativeFrom":"now-1h","relativeTo":"now"}}

### Response and remediation

- Delete the created account.
"#;

fn rule_meta() -> RuleMeta {
    RuleMeta {
        id: "1aa9181a-492b-4c01-8b16-fa0735786b2b".into(),
        name: "User Account Creation".into(),
        description: "Identifies attempts to create new users.".into(),
        kind: RuleKind::Eql,
        origin: RuleOrigin::BuiltIn("rules/user_account_creation.toml".into()),
        severity: Severity::Low,
        risk_score: 21,
        mitre: vec![],
        guide: Some(NOTE.into()),
        setup: None,
        false_positives: vec![FpCategory {
            id: "it-admin".into(),
            label: "IT helpdesk or administrators".into(),
        }],
        tags: vec![],
        references: vec![],
        triage: Default::default(),
    }
}

/// A fixed case: two steps ticked, closed as a false positive, one comment.
fn fixed_case(a: &Alert) -> Case {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    let g = guide::parse(NOTE, None);
    let mut ev = net_event();
    ev.doc["process"]["parent"] =
        serde_json::json!({"entity_id": "{cmd-1}", "pid": 300, "name": "cmd.exe"});
    let word = crate::testutil::event(
        "ev-word",
        T0 - 5_000,
        serde_json::json!({"host": {"name": "WS6"}, "user": {"name": "bob"},
            "process": {"name": "WINWORD.EXE", "pid": 200, "entity_id": "{word-1}", "command_line": "WINWORD.EXE /n invoice.docm"}}),
    );
    let cmd = crate::testutil::event(
        "ev-cmd",
        T0 - 2_000,
        serde_json::json!({"host": {"name": "WS6"}, "user": {"name": "bob"},
            "process": {"name": "cmd.exe", "pid": 300, "entity_id": "{cmd-1}", "command_line": "cmd.exe /c net user helpdesk2 /add",
                        "parent": {"entity_id": "{word-1}", "pid": 200}}}),
    );
    let host_events = vec![word, cmd, ev.clone()];
    store
        .apply(
            &a.id,
            Change::SetStatus(Status::Acknowledged),
            "ann",
            T0 + 60_000,
        )
        .unwrap();
    store
        .apply(
            &a.id,
            Change::CheckStep {
                step: g.steps[0].id.clone(),
                note: Some("explorer -> cmd -> net".into()),
            },
            "ann",
            T0 + 120_000,
        )
        .unwrap();
    store
        .apply(
            &a.id,
            Change::CheckStep {
                step: g.steps[1].id.clone(),
                note: None,
            },
            "ann",
            T0 + 180_000,
        )
        .unwrap();
    store
        .apply(
            &a.id,
            Change::Comment("Ticket HD-1234 requested this account.".into()),
            "ann",
            T0 + 200_000,
        )
        .unwrap();
    store
        .apply(
            &a.id,
            Change::Classify {
                classification: Classification::FalsePositive(
                    FalsePositiveKind::IncorrectRuleLogic,
                ),
                reason: Some("it-admin".into()),
            },
            "ann",
            T0 + 240_000,
        )
        .unwrap();
    let mut built = tree::build(&ev, &host_events, &TreeOptions::default()).unwrap();
    tree::mark_alerts(&mut built.tree, std::slice::from_ref(a));
    let others = vec![
        a.clone(),
        alert("o1", "WS6", "eve", T0 - 3_600_000),
        alert("o2", "SRV", "zed", T0),
    ];
    let g_ref = &g;
    let events_query =
        pivot::query::events_query(&pivot::resolve(&g_ref.steps[2].pivots[0], a, Some(&ev)))
            .unwrap();
    let counts = BTreeMap::from([(events_query, 17u64)]);
    let rule = rule_meta();
    Case::build(CaseInput {
        alert: a,
        rule: Some(&rule),
        event: Some(&ev),
        process_tree: Some(tree::render_text(&built, RenderOptions::default())),
        guide: Some(g_ref),
        triage: &store.get(&a.id),
        event_counts: &counts,
        alerts: &others,
        now_ms: T0 + 300_000,
    })
}

#[test]
fn markdown_case_snapshot() {
    let a = alert("a1", "WS6", "bob", T0);
    let md = markdown(&fixed_case(&a));
    insta::assert_snapshot!("case_markdown", md);
    let (body, last) = md.trim_end().rsplit_once('\n').unwrap();
    assert_eq!(
        last,
        format!(
            "SHA-256: {}",
            hex::encode(Sha256::digest(format!("{body}\n").as_bytes()))
        )
    );
}

#[test]
fn json_case_snapshot_and_hash() {
    let a = alert("a1", "WS6", "bob", T0);
    let doc = json(&fixed_case(&a));
    insta::assert_snapshot!("case_json", serde_json::to_string_pretty(&doc).unwrap());
    assert!(verify_json(&doc));
    let mut tampered = doc.clone();
    tampered["disposition"]["status"] = "open".into();
    assert!(!verify_json(&tampered));
    assert_eq!(
        doc["checklist"][1]["pivots"][0]["count"], 2,
        "a1 and o1 share host WS6"
    );
    assert_eq!(doc["checklist"][2]["pivots"][0]["count"], 17);
}

#[test]
fn hostile_alert_exports_safely() {
    let mut a = alert(
        "../../etc/passwd\u{0}\n",
        "WS6\u{1b}[2J\u{1b}]0;pwned\u{7}",
        "bob`\n## Fake heading\n- [x] fake step",
        T0,
    );
    a.rule_name = "# Title\r\n[click](javascript:alert(1)) <img src=x> | table | ~~strike~~".into();
    if let Some(p) = a.process.as_mut() {
        p.command_line = Some("cmd ```\n# injected\n```\u{202e}exe.txt".into());
    }
    a.fields
        .insert("CreatedUser".into(), "$(rm -rf /)*_evil_*".into());
    let case = fixed_case(&a);
    let md = markdown(&case);
    let headings: Vec<&str> = md.lines().filter(|l| l.starts_with('#')).collect();
    assert_eq!(
        headings,
        [
            "# Case notes: \\# Title\\\\r\\\\n\\[click\\]\\(javascript:alert\\(1\\)\\) \\<img src=x\\> \\| table \\| \\~\\~strike\\~\\~",
            "## Alert",
            "## Rule",
            "## Key event fields",
            "## Process tree",
            "## Investigation checklist (2/4 done)",
            "### Investigation steps",
            "### Response and remediation",
            "## Disposition",
            "## Comments",
            "## Audit trail",
        ]
    );
    assert!(
        !md.chars()
            .any(|c| crate::text::needs_escape(c) && c != '\n'),
        "raw control character in {md:?}"
    );
    assert!(md.contains("- Host: WS6\\\\u\\{1b\\}\\[2J"));
    assert!(!md.lines().any(|l| l.starts_with("- [x] fake")));
    let file = file_name(&a, "md");
    assert_eq!(
        file,
        "vigil-case-title-click-javascript-alert-1-img-src-x-table-s-etc-passwd.md"
    );
    for name in [file.clone(), file_name(&alert("..", "h", "u", T0), "../md")] {
        assert!(
            name.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.'),
            "{name}"
        );
        assert!(!name.contains("..") && name.len() <= 120, "{name}");
    }
    // JSON keeps the raw values (JSON escapes them itself) and still verifies.
    let doc = json(&case);
    assert_eq!(doc["alert"]["host"], a.host.clone().unwrap());
    assert!(verify_json(&doc));
}
