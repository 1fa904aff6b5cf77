//! Every `language = "eql"` query shipped in shared/rules/elastic must compile.

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use vigil::rules::eql::compile;

fn shared_dir() -> Option<PathBuf> {
    let local = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared");
    [local, PathBuf::from("/work/shared")]
        .into_iter()
        .find(|p| p.is_dir())
}

fn toml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            toml_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "toml") {
            out.push(p);
        }
    }
}

#[test]
fn every_elastic_eql_rule_compiles() {
    let Some(shared) = shared_dir() else {
        eprintln!("notice: shared/ not found; skipping the Elastic rule corpus test");
        return;
    };
    let mut files = Vec::new();
    toml_files(&shared.join("rules/elastic"), &mut files);
    files.sort();
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
