//! CloudTrail, Entra ID audit, Microsoft 365 unified audit and auditd exports imported
//! raw through the real pipeline with the built-in pack: the cloud and Linux account
//! creation rules fire with the right actor and created account, and noise stays silent.

#![allow(clippy::unwrap_used)]

mod import_support;

use import_support::{fixture, import, temp_workspace, write};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;
use vigil::detect::AlertStore;
use vigil::ingest::pipeline::Silent;
use vigil::model::Alert;
use vigil::rules::catalog::{Catalog, Sources};
use vigil::session::jobs::import_and_detect;

const AWS: &str = "8fdee07c-2d1b-450e-b7eb-af21bb785980";
const ENTRA: &str = "57548de0-3bf6-4a33-9c37-7fe86c92edf6";
const M365: &str = "09abbd54-a4b9-40b4-99ec-fdde321345db";
const AUDITD: &str = "82d6c7f0-25fa-428b-904b-142e7d2540ca";
const USERADD: &str = "0b2d2a86-69dc-44ca-902f-cbb441c2d5ed";

fn cloud(name: &str) -> PathBuf {
    fixture(&format!("cloud/{name}"))
}

fn alerts_of(paths: &[PathBuf]) -> Vec<Alert> {
    let (_dir, ws) = temp_workspace();
    let catalog = Catalog::load(&Sources {
        builtin: true,
        ..Sources::default()
    })
    .unwrap();
    let (outcome, _) = import_and_detect(&ws, paths, Some(&catalog), &mut Silent, 0).unwrap();
    assert_eq!(
        outcome.summary.rejected, 0,
        "{:?}",
        outcome.summary.problems
    );
    let alerts = AlertStore::open(&ws.alerts_dir()).unwrap();
    let mut all: Vec<Alert> = alerts.alerts().into_iter().cloned().collect();
    all.sort_by_key(|a| a.timestamp_ms);
    all
}

/// (rule id, actor, created account) of every alert.
fn summary(alerts: &[Alert]) -> Vec<(String, Option<String>, Option<String>)> {
    alerts
        .iter()
        .map(|a| {
            let created = a
                .fields
                .get("CreatedAccount")
                .or_else(|| a.fields.get("CreatedUser"))
                .cloned();
            (a.rule_id.clone(), a.user.clone(), created)
        })
        .collect()
}

fn row(rule: &str, user: &str, created: &str) -> (String, Option<String>, Option<String>) {
    (rule.into(), Some(user.into()), Some(created.into()))
}

#[test]
fn cloudtrail_create_user_and_login_profile_alert_and_failures_do_not() {
    let alerts = alerts_of(&[cloud("cloudtrail_iam_backdoor.json")]);
    assert_eq!(
        summary(&alerts),
        vec![
            row(AWS, "j.doe", "backup-admin"),
            row(AWS, "j.doe", "backup-admin"),
        ]
    );
}

#[test]
fn cloudtrail_lines_and_gzip_are_read_and_terraform_is_suggested_as_config_management() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read(cloud("cloudtrail_lake.ndjson")).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&text).unwrap();
    let gz_path = write(dir.path(), "lake.json.gz", &gz.finish().unwrap());
    for path in [cloud("cloudtrail_lake.ndjson"), gz_path] {
        let alerts = alerts_of(&[path]);
        assert_eq!(
            summary(&alerts),
            vec![row(AWS, "terraform-ci", "app-reader")]
        );
        let cats: Vec<&str> = alerts[0]
            .fp_suggestions
            .iter()
            .map(|s| s.category.as_str())
            .collect();
        assert!(cats.contains(&"config-management"), "{cats:?}");
    }
}

#[test]
fn entra_graph_and_diagnostic_exports_alert_on_successful_add_user_only() {
    let alerts = alerts_of(&[
        cloud("entra_directory_audits.json"),
        cloud("entra_diagnostic_records.json"),
    ]);
    assert_eq!(
        summary(&alerts),
        vec![
            row(ENTRA, "admin@contoso.example", "svc-sync2@contoso.example"),
            row(
                ENTRA,
                "it-ops@contoso.example",
                "printer-scan@contoso.example"
            ),
        ]
    );
}

#[test]
fn m365_add_user_alerts_with_its_audit_data() {
    let alerts = alerts_of(&[cloud("m365_unified_audit.json")]);
    assert_eq!(
        summary(&alerts),
        vec![row(
            M365,
            "admin@contoso.example",
            "helpdesk2@contoso.example"
        )]
    );
}

#[test]
fn auditd_add_user_and_the_useradd_exec_alert_with_host() {
    let alerts = alerts_of(&[cloud("auditd_webshell_useradd.log")]);
    let mut rules: BTreeMap<&str, &Alert> = BTreeMap::new();
    for a in &alerts {
        assert!(rules.insert(a.rule_id.as_str(), a).is_none(), "{a:?}");
    }
    assert_eq!(
        rules.keys().copied().collect::<Vec<_>>(),
        vec![USERADD, AUDITD]
    );
    let add_user = rules[AUDITD];
    assert_eq!(add_user.host.as_deref(), Some("web01"));
    assert_eq!(
        add_user.fields.get("CreatedUser").map(String::as_str),
        Some("sysupdate")
    );
    assert_eq!(add_user.user.as_deref(), Some("root"));
    assert_eq!(rules[USERADD].host.as_deref(), Some("web01"));
}

#[test]
fn noise_raises_nothing() {
    let alerts = alerts_of(&[cloud("cloudtrail_noise.json"), cloud("auditd_noise.log")]);
    assert!(alerts.is_empty(), "{:#?}", summary(&alerts));
}

#[test]
fn formats_are_detected_counted_and_stored_once() {
    let (_dir, ws) = temp_workspace();
    let all: Vec<PathBuf> = [
        "cloudtrail_iam_backdoor.json",
        "cloudtrail_noise.json",
        "cloudtrail_lake.ndjson",
        "entra_directory_audits.json",
        "entra_diagnostic_records.json",
        "m365_unified_audit.json",
        "auditd_webshell_useradd.log",
        "auditd_noise.log",
    ]
    .iter()
    .map(|n| cloud(n))
    .collect();
    let first = import(&ws, &all).summary;
    assert_eq!(first.rejected, 0, "{:?}", first.problems);
    let per_format: BTreeMap<String, u64> =
        first.files.iter().fold(BTreeMap::new(), |mut acc, f| {
            for (k, v) in &f.formats {
                *acc.entry(k.clone()).or_default() += *v;
            }
            acc
        });
    let want: BTreeMap<String, u64> = [
        ("auditd", 26),
        ("cloudtrail", 13),
        ("entra_audit", 6),
        ("m365_audit", 4),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    assert_eq!(per_format, want);
    assert_eq!(first.new, 49);
    let again = import(&ws, &all).summary;
    assert_eq!((again.new, again.already_present), (0, 49));
    let hits = ws
        .searcher()
        .unwrap()
        .search(
            "user.target.name:BACKUP-ADMIN AND event.action:CreateUser",
            10,
        )
        .unwrap();
    assert_eq!(hits.len(), 1);
}

#[test]
fn damaged_envelopes_and_audit_lines_are_reported_with_their_place() {
    let (dir, ws) = temp_workspace();
    let trail = write(
        dir.path(),
        "trail.json",
        br#"{"Records":[{"eventVersion":"1.08","eventTime":"2026-03-04T11:00:00Z","eventSource":"iam.amazonaws.com","eventName":"ListUsers","eventID":"a"},{"eventVersion":"1.08","eventSource":"iam.amazonaws.com","eventName":"GetUser"},{"eventTime":"#,
    );
    let audit = write(
        dir.path(),
        "audit.log",
        b"type=ADD_USER msg=audit(1772488202.835:1): pid=1 uid=0 msg='op=add-user acct=\"x\" res=success'\n\
          type=ADD_USER msg=audit(17724882xx:2): pid=1\n\
          some text that is not audit\n",
    );
    let s = import(&ws, &[trail.clone(), audit.clone()]).summary;
    assert_eq!((s.new, s.rejected), (2, 4), "{:?}", s.problems);
    let t = trail.display().to_string();
    let a = audit.display().to_string();
    let expect = [
        format!("{t}:1: record 2: no eventTime"),
        format!("{t}:1: record 3: truncated"),
        format!("{a}:2: audit time stamp"),
        format!("{a}:3: not an audit record"),
    ];
    for prefix in expect {
        assert!(
            s.problems.iter().any(|p| p.starts_with(&prefix)),
            "{prefix} not in {:?}",
            s.problems
        );
    }
}
