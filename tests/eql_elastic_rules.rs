//! Every `language = "eql"` query shipped in shared/rules/elastic must compile.

#![allow(clippy::unwrap_used)]

mod common;

use common::{files_with_extension, shared_dir};
use vigil::rules::eql::compile;

#[test]
fn every_elastic_eql_rule_compiles() {
    let Some(shared) = shared_dir() else {
        eprintln!("notice: shared/ not found; skipping the Elastic rule corpus test");
        return;
    };
    let files = files_with_extension(&shared.join("rules/elastic"), "toml");
    let mut compiled = 0;
    let mut failures = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        let doc: toml::Value = toml::from_str(&text).unwrap();
        let Some(rule) = doc.get("rule") else {
            continue;
        };
        if rule.get("language").and_then(|l| l.as_str()) != Some("eql") {
            continue;
        }
        let query = rule.get("query").and_then(|q| q.as_str()).unwrap();
        match compile(query) {
            Ok(_) => compiled += 1,
            Err(e) => failures.push(format!("{}: {e}", f.display())),
        }
    }
    println!("{compiled} EQL rules compiled");
    assert!(failures.is_empty(), "failures:\n{}", failures.join("\n"));
    assert!(
        compiled >= 50,
        "expected the corpus' EQL rules, found {compiled}"
    );
}
