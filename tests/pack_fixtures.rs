//! Runs the triage half of the pack over the fixtures: for every alert the expected table
//! lists, enrichment must add exactly the listed fields and false-positive categories, folding
//! must merge net1.exe into net.exe as listed, and the created-users hunt must count them.
//! (Which rules fire is checked by the lead's integration test once the engines exist.)

mod common;

use common::{crate_dir, load_pack, read_ndjson};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use vigil::detect::{AccountScope, CompiledTriage, created_users, fold_into_parents};
use vigil::model::Alert;
use vigil::model::alert::alert_id;

fn expected() -> toml::Value {
    let text = std::fs::read_to_string(crate_dir().join("tests/fixtures/pack/expected.toml"))
        .expect("expected.toml is readable");
    toml::from_str(&text).expect("expected.toml is valid TOML")
}

fn alert_for(rule: &vigil::model::RuleMeta, file: &str, index: usize, doc: &Value) -> Alert {
    let event_id = format!("{file}:{index}");
    Alert {
        id: alert_id(&rule.id, std::slice::from_ref(&event_id)),
        rule_id: rule.id.clone(),
        rule_name: rule.name.clone(),
        rule_kind: rule.kind,
        severity: rule.severity,
        risk_score: rule.risk_score,
        mitre: Vec::new(),
        timestamp_ms: 0,
        host: vigil::model::fields::first_str(doc, "host.name").map(str::to_string),
        user: None,
        process: None,
        event_ids: vec![event_id],
        fields: BTreeMap::new(),
        fp_suggestions: Vec::new(),
        suppressed_by: None,
    }
}

#[test]
fn enrichment_matches_the_expected_table() {
    let table = expected();
    let short: HashMap<String, String> = table["rules"]
        .as_table()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string()))
        .collect();
    let pack = load_pack();
    let meta_of = |id: &str| {
        &pack
            .iter()
            .find(|r| r.meta.id == id)
            .expect("rule in pack")
            .meta
    };
    let mut checked = 0;
    let mut parse_alerts = Vec::new();
    for case in table["case"].as_array().unwrap() {
        let file = case["file"].as_str().unwrap();
        let events = read_ndjson(&crate_dir().join("tests/fixtures/pack").join(file));
        let Some(alerts) = case.get("alert").and_then(|a| a.as_array()) else {
            continue;
        };
        for expected_alert in alerts {
            let rule_short = expected_alert["rule"].as_str().unwrap();
            if rule_short == "CORR" {
                continue;
            }
            let meta = meta_of(&short[rule_short]);
            let compiled = CompiledTriage::compile(meta).unwrap();
            let index = expected_alert["events"][0].as_integer().unwrap() as usize;
            let mut alert = alert_for(meta, file, index, &events[index]);
            compiled.apply(&mut alert, &events[index]);
            let want_fields: BTreeMap<String, String> = expected_alert
                .get("fields")
                .and_then(|f| f.as_table())
                .map(|t| {
                    t.iter()
                        .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string()))
                        .collect()
                })
                .unwrap_or_default();
            assert_eq!(
                alert.fields, want_fields,
                "{file} {rule_short} event {index}"
            );
            let cats: Vec<&str> = alert
                .fp_suggestions
                .iter()
                .map(|s| s.category.as_str())
                .collect();
            let want_cats: Vec<&str> = expected_alert["fp_categories"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c.as_str().unwrap())
                .collect();
            assert_eq!(cats, want_cats, "{file} {rule_short} event {index}");
            for s in &alert.fp_suggestions {
                assert!(s.evidence.contains(" = "), "{}", s.evidence);
            }
            if rule_short == "PARSE" {
                parse_alerts.push(alert);
            }
            checked += 1;
        }
    }
    assert!(checked > 60, "only {checked} alerts checked");
    let summary = created_users(&parse_alerts);
    let find = |u: &str| {
        summary
            .iter()
            .find(|s| s.user == u)
            .unwrap_or_else(|| panic!("{u} missing"))
    };
    assert_eq!(find("adm_backup").local_or_domain, AccountScope::Domain);
    assert_eq!(find("svc_backup").local_or_domain, AccountScope::Local);
    assert_eq!(find("backup$").machine_count, 1);
}

#[test]
fn net1_alerts_fold_into_net_alerts_as_listed() {
    let table = expected();
    let short: HashMap<String, String> = table["rules"]
        .as_table()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string()))
        .collect();
    let pack = load_pack();
    let metas: Vec<&vigil::model::RuleMeta> = pack.iter().map(|r| &r.meta).collect();
    let mut folded_cases = 0;
    for case in table["case"].as_array().unwrap() {
        let file = case["file"].as_str().unwrap();
        let events = read_ndjson(&crate_dir().join("tests/fixtures/pack").join(file));
        let Some(alerts) = case.get("alert").and_then(|a| a.as_array()) else {
            continue;
        };
        for rule_short in ["NET", "ALT", "PARSE", "SUSP"] {
            let meta = metas.iter().find(|m| m.id == short[rule_short]).unwrap();
            assert!(meta.triage.fold_into_parent, "{rule_short} must fold");
            let groups: Vec<Vec<String>> = alerts
                .iter()
                .filter(|a| a["rule"].as_str() == Some(rule_short))
                .map(|a| {
                    a["events"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|i| format!("{file}:{}", i.as_integer().unwrap()))
                        .collect()
                })
                .collect();
            let mut raw = Vec::new();
            for group in &groups {
                for event_id in group {
                    let index: usize = event_id.rsplit(':').next().unwrap().parse().unwrap();
                    let mut alert = alert_for(meta, file, index, &events[index]);
                    alert.timestamp_ms = index as i64;
                    raw.push((alert, events[index].clone()));
                }
            }
            let out = fold_into_parents(raw, metas.iter().copied());
            let got: Vec<Vec<String>> = out.into_iter().map(|a| a.event_ids).collect();
            assert_eq!(got, groups, "{file} {rule_short}");
            if groups.iter().any(|g| g.len() > 1) {
                folded_cases += 1;
            }
        }
    }
    assert!(folded_cases >= 20, "{folded_cases}");
}
