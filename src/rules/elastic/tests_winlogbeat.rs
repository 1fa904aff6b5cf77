//! The whole shared Elastic rule corpus over real Winlogbeat output (the golden files in
//! ../shared/datasets/elastic-beats-winlogbeat): only the rules that Elasticsearch would
//! fire on those documents fire here.

use super::{ElasticRuleSet, load_rule};
use crate::model::{Event, RuleOrigin};
use crate::rules::api::CompiledRuleSet;
use crate::rules::kql::parse_date_ms;
use crate::testutil::shared_dir;
use std::collections::BTreeSet;

fn corpus(shared: &std::path::Path) -> ElasticRuleSet {
    let mut files = Vec::new();
    let mut stack = vec![shared.join("rules/elastic")];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "toml") {
                files.push(p);
            }
        }
    }
    files.sort();
    let rules = files
        .into_iter()
        .filter_map(|p| {
            let text = std::fs::read_to_string(&p).ok()?;
            load_rule(RuleOrigin::File(p.clone()), &p.display().to_string(), &text).ok()
        })
        .collect();
    ElasticRuleSet::new(rules)
}

#[test]
fn corpus_over_winlogbeat_golden_files() {
    let Some(shared) = shared_dir() else {
        eprintln!("notice: ../shared is absent; skipping the Winlogbeat golden files");
        return;
    };
    let set = corpus(&shared);
    let dir = shared.join("datasets/elastic-beats-winlogbeat");
    let mut events = Vec::new();
    for name in [
        "security-windows2016_4720_Account_Created.evtx.golden.json",
        "security-windows2016_4732.evtx.golden.json",
        "security-windows2019_4688_Process_Created.evtx.golden.json",
    ] {
        let text = std::fs::read_to_string(dir.join(name)).unwrap_or_default();
        let docs: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap_or_default();
        assert!(!docs.is_empty(), "{name} has no documents");
        for (i, doc) in docs.into_iter().enumerate() {
            let ts = doc["@timestamp"]
                .as_str()
                .and_then(parse_date_ms)
                .unwrap_or(0);
            events.push(Event {
                id: format!("{name}#{i}"),
                timestamp_ms: ts,
                doc,
                original: String::new(),
            });
        }
    }
    let out = crate::testutil::run_evaluator(set.evaluator().as_mut(), &events);
    let names: BTreeSet<(String, String)> = out
        .iter()
        .map(|m| {
            let name = set
                .listed()
                .iter()
                .find(|r| r.meta.id == m.rule_id)
                .map(|r| r.meta.name.clone())
                .unwrap_or_default();
            (name, m.events[0].0.clone())
        })
        .collect();
    // Only the old KQL rule `event.module:security and event.code:4720` fires (on both
    // 4720s, whose event.code is the number 4720 in these files). The 4732 has no
    // host.os.type and a non-privileged group; the 4688 has no event.category, so
    // `process where` rules stay silent, as in Elasticsearch.
    let local = "Creation of a local user account".to_string();
    let expected: BTreeSet<(String, String)> = [0, 1]
        .iter()
        .map(|i| {
            (
                local.clone(),
                format!("security-windows2016_4720_Account_Created.evtx.golden.json#{i}"),
            )
        })
        .collect();
    assert_eq!(names, expected);
    assert_eq!(out.len(), 2);
}
