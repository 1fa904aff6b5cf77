//! The pack's enrichment on real Winlogbeat documents (the Elastic beats golden files in
//! ../shared): numbers where strings were expected, arrays in event data, real field sets.

mod common;

use common::{load_pack, shared_dir};
use std::collections::BTreeMap;
use vigil::detect::CompiledTriage;
use vigil::model::Alert;

fn blank_alert(meta: &vigil::model::RuleMeta) -> Alert {
    Alert {
        id: "a".into(),
        rule_id: meta.id.clone(),
        rule_name: meta.name.clone(),
        rule_kind: meta.kind,
        severity: meta.severity,
        risk_score: meta.risk_score,
        mitre: Vec::new(),
        timestamp_ms: 0,
        host: None,
        user: None,
        process: None,
        event_ids: vec!["e".into()],
        fields: BTreeMap::new(),
        fp_suggestions: Vec::new(),
        suppressed_by: None,
    }
}

#[test]
fn winlogbeat_golden_account_events_are_enriched() {
    let Some(shared) = shared_dir() else {
        eprintln!("notice: ../shared is absent; skipping the real-data check");
        return;
    };
    let dir = shared.join("datasets/elastic-beats-winlogbeat");
    let read = |name: &str| -> Option<Vec<serde_json::Value>> {
        let text = std::fs::read_to_string(dir.join(name)).ok()?;
        serde_json::from_str(&text).ok()
    };
    let (Some(created), Some(added)) = (
        read("security-windows2016_4720_Account_Created.evtx.golden.json"),
        read("security-windows2016_4732.evtx.golden.json"),
    ) else {
        eprintln!("notice: golden files not found; skipping");
        return;
    };
    let pack = load_pack();
    let meta = |id: &str| &pack.iter().find(|r| r.meta.id == id).expect("rule").meta;
    let u4720 = CompiledTriage::compile(meta("f662da42-abb8-4fc6-9f3d-39769bb508e8")).unwrap();
    let names: Vec<String> = created
        .iter()
        .map(|doc| {
            let mut alert = blank_alert(meta("f662da42-abb8-4fc6-9f3d-39769bb508e8"));
            u4720.apply(&mut alert, doc);
            assert_eq!(alert.fields["CreatedBy"], "Administrator");
            assert_eq!(alert.fields["CreatedOnHost"], "WIN-41OB2LO92CR");
            assert!(
                alert.fp_suggestions.is_empty(),
                "{:?}",
                alert.fp_suggestions
            );
            alert.fields["CreatedAccount"].clone()
        })
        .collect();
    assert_eq!(names, ["elastictest1", "audittest0609"]);

    let g4732 = CompiledTriage::compile(meta("52e96cbb-34a4-4493-9f25-db77cb14159e")).unwrap();
    let mut alert = blank_alert(meta("52e96cbb-34a4-4493-9f25-db77cb14159e"));
    g4732.apply(&mut alert, &added[0]);
    assert_eq!(alert.fields["AddedToGroup"], "test_group1");
    assert_eq!(alert.fields["AddedAccount"], "Administrator");
    assert_eq!(alert.fields["AddedBy"], "Administrator");
}
