//! The built-in pack through the real engines: every fixture of tests/fixtures/pack is run
//! through the catalog (built-in rules only), matches become alerts through the same
//! pipeline as `vigil import`, and the result must equal the expected table: which rules
//! fire and which must not, how many alerts each raises after folding, and each alert's
//! events, extracted fields and false-positive suggestions.

#![allow(clippy::unwrap_used)]

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use vigil::detect::alerts_from_matches;
use vigil::model::Event;
use vigil::rules::api::Evaluator;
use vigil::rules::catalog::{Catalog, Sources};

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/pack")
}

fn events(file: &str) -> Vec<Event> {
    let text = std::fs::read_to_string(fixtures().join(file)).unwrap();
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, line)| {
            let doc: Value = serde_json::from_str(line).unwrap();
            let ts = doc["@timestamp"].as_str().unwrap();
            let ts = chrono::DateTime::parse_from_rfc3339(ts)
                .unwrap()
                .timestamp_millis();
            Event {
                id: format!("{file}:{i}"),
                timestamp_ms: ts,
                doc,
                original: line.to_string(),
            }
        })
        .collect()
}

#[test]
fn builtin_pack_fires_exactly_as_the_expected_table_says() {
    let catalog = Catalog::load(&Sources {
        builtin: true,
        ..Sources::default()
    })
    .unwrap();
    for f in &catalog.files {
        assert!(f.errors.is_empty(), "{}: {:?}", f.path, f.errors);
        assert!(
            f.not_evaluable.is_empty(),
            "{}: {:?}",
            f.path,
            f.not_evaluable
        );
    }
    let table: toml::Value =
        toml::from_str(&std::fs::read_to_string(fixtures().join("expected.toml")).unwrap())
            .unwrap();
    let short: BTreeMap<String, String> = table["rules"]
        .as_table()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string()))
        .collect();
    let rules = catalog.ready();
    let mut failures = Vec::new();
    for case in table["case"].as_array().unwrap() {
        let file = case["file"].as_str().unwrap();
        let evs = events(file);
        let mut matches = Vec::new();
        // Reverse order on purpose: results must not depend on the order events arrive in.
        let mut eval = catalog.evaluator();
        for e in evs.iter().rev() {
            eval.on_event(e, &mut matches);
        }
        eval.finish(&mut matches);
        let docs: BTreeMap<String, Value> =
            evs.iter().map(|e| (e.id.clone(), e.doc.clone())).collect();
        let (alerts, errs) = alerts_from_matches(&rules, &matches, &mut |id| docs.get(id).cloned());
        assert!(errs.is_empty(), "{errs:?}");
        let mut counts: BTreeMap<&str, i64> = BTreeMap::new();
        for a in &alerts {
            *counts.entry(a.rule_id.as_str()).or_default() += 1;
        }
        for s in case["must_fire"].as_array().unwrap() {
            let id = &short[s.as_str().unwrap()];
            if !counts.contains_key(id.as_str()) {
                failures.push(format!("{file}: {} did not fire", s.as_str().unwrap()));
            }
        }
        for s in case["must_not_fire"].as_array().unwrap() {
            let id = &short[s.as_str().unwrap()];
            if counts.contains_key(id.as_str()) {
                failures.push(format!(
                    "{file}: {} fired but must not",
                    s.as_str().unwrap()
                ));
            }
        }
        if let Some(want) = case.get("alerts").and_then(|a| a.as_table()) {
            for (s, n) in want {
                let got = counts.get(short[s].as_str()).copied().unwrap_or(0);
                if got != n.as_integer().unwrap() {
                    failures.push(format!("{file}: {s} raised {got} alerts, expected {n}"));
                }
            }
        }
        for want in case
            .get("alert")
            .and_then(|a| a.as_array())
            .into_iter()
            .flatten()
        {
            let s = want["rule"].as_str().unwrap();
            let ids: Vec<String> = want["events"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| format!("{file}:{}", i.as_integer().unwrap()))
                .collect();
            let Some(a) = alerts
                .iter()
                .find(|a| a.rule_id == short[s] && a.event_ids == ids)
            else {
                let got: Vec<_> = alerts
                    .iter()
                    .filter(|a| a.rule_id == short[s])
                    .map(|a| a.event_ids.clone())
                    .collect();
                failures.push(format!("{file}: no {s} alert on {ids:?} (got {got:?})"));
                continue;
            };
            for (k, v) in want
                .get("fields")
                .and_then(|f| f.as_table())
                .into_iter()
                .flatten()
            {
                if a.fields.get(k).map(String::as_str) != v.as_str() {
                    failures.push(format!(
                        "{file}: {s} field {k} = {:?}, want {v}",
                        a.fields.get(k)
                    ));
                }
            }
            if let Some(cats) = want.get("fp_categories").and_then(|c| c.as_array()) {
                let want: BTreeSet<&str> = cats.iter().map(|c| c.as_str().unwrap()).collect();
                let got: BTreeSet<&str> = a
                    .fp_suggestions
                    .iter()
                    .map(|s| s.category.as_str())
                    .collect();
                if want != got {
                    failures.push(format!("{file}: {s} fp categories {got:?}, want {want:?}"));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} problems:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
