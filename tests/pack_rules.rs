//! The built-in pack's rule files: each loads, carries the triage extension completely (guide
//! sections, pivots, the seed-004 false-positive categories, hints that compile), and the
//! Elastic rule is the seed rule unchanged.

mod common;

use common::{load_pack, shared_dir};
use vigil::detect::CompiledTriage;

const SEED_CATEGORIES: [&str; 5] = [
    "it-admin",
    "installer",
    "config-management",
    "domain-join",
    "break-glass",
];
const GUIDE_SECTIONS: [&str; 6] = [
    "## Triage and analysis",
    "### Investigating ",
    "#### Possible investigation steps",
    "### False positive analysis",
    "### Related rules",
    "### Response and remediation",
];

#[test]
fn every_rule_has_a_complete_triage_extension() {
    let pack = load_pack();
    assert_eq!(pack.len(), 16, "15 Sigma rules and 1 Elastic rule");
    let mut ids = std::collections::HashSet::new();
    for rule in &pack {
        let name = rule.path.display();
        assert!(ids.insert(rule.meta.id.clone()), "{name}: duplicate id");
        let cats: Vec<&str> = rule
            .meta
            .false_positives
            .iter()
            .map(|c| c.id.as_str())
            .collect();
        for needed in SEED_CATEGORIES {
            assert!(cats.contains(&needed), "{name}: missing category {needed}");
        }
        for hint in &rule.meta.triage.fp_hints {
            assert!(
                cats.contains(&hint.category.as_str()),
                "{name}: hint to unknown {}",
                hint.category
            );
        }
        let guide = rule.meta.guide.as_deref().expect("guide");
        let mut last = 0;
        for section in GUIDE_SECTIONS {
            let at = guide
                .find(section)
                .unwrap_or_else(|| panic!("{name}: no `{section}`"));
            assert!(at >= last, "{name}: `{section}` out of order");
            last = at;
        }
        assert!(
            guide.contains("\"target\":\"alerts\""),
            "{name}: no pivot over alerts"
        );
        assert!(
            CompiledTriage::compile(&rule.meta).is_ok(),
            "{name}: hints do not compile"
        );
    }
}

#[test]
fn every_pivot_is_well_formed_json() {
    for rule in load_pack() {
        let guide = rule.meta.guide.unwrap_or_default();
        let mut rest = guide.as_str();
        let mut count = 0;
        while let Some(start) = rest.find("!{investigate") {
            let body = &rest[start + "!{investigate".len()..];
            // The JSON object ends at the first `}}` followed by the end of line or text.
            let end = body
                .find("}}\n")
                .or_else(|| body.rfind("}}"))
                .expect("closed pivot");
            let json: serde_json::Value = serde_json::from_str(&body[..=end]).unwrap_or_else(|e| {
                panic!(
                    "{}: bad pivot JSON ({e}): {}",
                    rule.path.display(),
                    &body[..=end]
                )
            });
            assert!(json["label"].is_string() && json["providers"].is_array());
            for group in json["providers"].as_array().unwrap() {
                for term in group.as_array().unwrap() {
                    assert!(term["field"].is_string() && term["value"].is_string());
                }
            }
            count += 1;
            rest = &body[end..];
        }
        assert!(count >= 2, "{}: only {count} pivots", rule.path.display());
    }
}

#[test]
fn sigma_rules_are_tagged_and_well_formed() {
    for rule in load_pack()
        .into_iter()
        .filter(|r| r.path.extension().is_some_and(|e| e == "yml"))
    {
        let d = &rule.doc;
        let name = rule.path.display();
        let tags: Vec<&str> = d["tags"]
            .as_array()
            .expect("tags")
            .iter()
            .filter_map(|t| t.as_str())
            .collect();
        assert!(
            tags.iter()
                .any(|t| t.starts_with("attack.t1136") || *t == "attack.t1098"),
            "{name}"
        );
        assert!(tags.contains(&"attack.persistence"), "{name}");
        if let Some(corr) = d.get("correlation") {
            assert_eq!(corr["type"], "temporal_ordered");
            assert_eq!(corr["timespan"], "10m");
            assert_eq!(corr["generate"], true);
            let pack = load_pack();
            for referenced in corr["rules"].as_array().unwrap() {
                assert!(
                    pack.iter().any(|r| r.doc.get("name") == Some(referenced)),
                    "{name}: correlation refers to unknown rule {referenced}"
                );
            }
        } else {
            assert!(
                d["logsource"].is_object() && d["detection"]["condition"].is_string(),
                "{name}"
            );
        }
    }
}

/// The seed's listing with its line numbers stripped.
fn seed_rule_text(shared: &std::path::Path) -> Option<String> {
    let text = std::fs::read_to_string(shared.join("seeds/000_c9ac5831a516a241.txt")).ok()?;
    let mut out = Vec::new();
    let mut expected = 1;
    for line in text.lines() {
        let trimmed = line.trim_start();
        let digits: String = trimmed.chars().take_while(char::is_ascii_digit).collect();
        if digits.parse::<usize>().ok() == Some(expected) {
            out.push(trimmed[digits.len()..].to_string());
            expected += 1;
        } else if expected > 1 {
            break;
        }
    }
    Some(out.join("\n"))
}

#[test]
fn the_elastic_rule_is_the_seed_rule_unchanged() {
    let Some(shared) = shared_dir() else {
        eprintln!("notice: ../shared is absent; skipping the seed comparison");
        return;
    };
    let Some(seed) = seed_rule_text(&shared) else {
        eprintln!("notice: seed 000 not found; skipping");
        return;
    };
    let ours = std::fs::read_to_string(
        common::crate_dir().join("rules/elastic/user_account_creation.toml"),
    )
    .unwrap();
    assert!(
        ours.contains(seed.trim_end()),
        "the seed rule text is not contained verbatim"
    );
    let seed_toml: toml::Value = toml::from_str(&seed).unwrap();
    let ours_toml: toml::Value = toml::from_str(&ours).unwrap();
    assert_eq!(seed_toml["rule"], ours_toml["rule"]);
    assert_eq!(seed_toml["metadata"], ours_toml["metadata"]);
    let rule = &ours_toml["rule"];
    assert_eq!(
        rule["rule_id"].as_str(),
        Some("1aa9181a-492b-4c01-8b16-fa0735786b2b")
    );
    assert_eq!(rule["risk_score"].as_integer(), Some(21));
    assert_eq!(rule["severity"].as_str(), Some("low"));
    // The vigil guide is the note plus pivots: removing the pivots gives the note back.
    let note = rule["note"].as_str().unwrap();
    let guide = ours_toml["vigil"]["guide"].as_str().unwrap();
    let stripped: String = guide
        .lines()
        .map(|l| match l.find(" !{investigate") {
            Some(i) => &l[..i],
            None => l,
        })
        .collect::<Vec<_>>()
        .join("\n");
    assert_eq!(stripped.trim_end(), note.trim_end());
}
