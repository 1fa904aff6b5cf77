//! The bundled sample through the real pipeline: exactly the alerts samples/README.md
//! promises, each false-positive bait with its suggestion, and the same alerts whatever
//! order the data arrives in (the sample split into files imported in reverse order).

#![allow(clippy::unwrap_used)]

mod import_support;

use import_support::temp_workspace;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use vigil::detect::AlertStore;
use vigil::ingest::pipeline::Silent;
use vigil::model::Alert;
use vigil::rules::catalog::{Catalog, Sources};
use vigil::session::jobs::import_and_detect;

fn sample() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("samples/demo_events.ndjson")
}

fn alerts_of(paths: &[PathBuf]) -> Vec<Alert> {
    let (_dir, ws) = temp_workspace();
    let catalog = Catalog::load(&Sources {
        builtin: true,
        ..Sources::default()
    })
    .unwrap();
    import_and_detect(&ws, paths, Some(&catalog), &mut Silent, 0).unwrap();
    let alerts = AlertStore::open(&ws.alerts_dir()).unwrap();
    alerts.alerts().into_iter().cloned().collect()
}

#[test]
fn sample_raises_the_documented_alerts_with_their_suggestions() {
    let alerts = alerts_of(&[sample()]);
    let mut per_rule: BTreeMap<&str, usize> = BTreeMap::new();
    for a in &alerts {
        *per_rule.entry(a.rule_id.as_str()).or_default() += 1;
    }
    let want = [
        ("f662da42-abb8-4fc6-9f3d-39769bb508e8", 11), // U4720
        ("0f5ae8b4-43fd-414f-8b4f-02c66f5c2c7a", 10), // SUSP
        ("1aa9181a-492b-4c01-8b16-fa0735786b2b", 9),  // E (the seed rule)
        ("4d816053-4018-47e1-9058-374e14f4adc9", 9),  // NET
        ("71b547fb-a4d6-494e-b8c5-fbe96b48e6f6", 9),  // PARSE
        ("bed174d8-09c2-4123-8462-c0992d1f5d81", 4),  // MAC
        ("52e96cbb-34a4-4493-9f25-db77cb14159e", 3),  // G4732
        ("7f3f10e6-9d18-42bb-844c-55ef56479961", 2),  // SAM
        ("deaf75b3-16a6-4d97-b7a6-8aa06862b443", 1),  // ALT
        ("2d4a0e09-6237-4fd9-810f-14f13dba26c1", 1),  // HID
        ("0b2d2a86-69dc-44ca-902f-cbb441c2d5ed", 1),  // LNX
        ("82d6c7f0-25fa-428b-904b-142e7d2540ca", 1),  // AUD
        ("c6f5e6bc-f559-42f5-b115-a12f467143dd", 1),  // CORR
    ];
    let want: BTreeMap<&str, usize> = want.into_iter().collect();
    assert_eq!(per_rule, want);
    assert_eq!(alerts.len(), 62);

    let cats = |host: &str, rule_name_part: &str| -> BTreeSet<String> {
        alerts
            .iter()
            .filter(|a| a.host.as_deref() == Some(host) && a.rule_name.contains(rule_name_part))
            .flat_map(|a| a.fp_suggestions.iter().map(|s| s.category.clone()))
            .collect()
    };
    assert!(cats("srv-web02", "User Account Creation").contains("config-management"));
    assert!(cats("wks-ops04", "User Account Creation").contains("config-management"));
    assert!(cats("srv-app01", "User Account Creation").contains("installer"));
    assert!(cats("wks-new05", "Windows Local User Account Created").contains("os-setup"));
    assert!(cats("wks-hr02", "Windows Local User Account Created").contains("it-admin"));
    // The Office chain is a real attack: no suggestion softens it.
    assert!(cats("wks-fin01", "User Account Creation").is_empty());
}

#[test]
fn alerts_do_not_depend_on_file_order_or_split() {
    let text = std::fs::read_to_string(sample()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let dir = tempfile::tempdir().unwrap();
    // Three files, interleaved so that sequences and correlations span files.
    let mut parts = [String::new(), String::new(), String::new()];
    for (i, l) in lines.iter().enumerate() {
        parts[i % 3].push_str(l);
        parts[i % 3].push('\n');
    }
    let mut paths = Vec::new();
    for (i, p) in parts.iter().enumerate().rev() {
        let path = dir.path().join(format!("part{i}.ndjson"));
        std::fs::write(&path, p).unwrap();
        paths.push(path);
    }
    let ids =
        |alerts: Vec<Alert>| -> BTreeSet<String> { alerts.into_iter().map(|a| a.id).collect() };
    assert_eq!(ids(alerts_of(&paths)), ids(alerts_of(&[sample()])));
}
