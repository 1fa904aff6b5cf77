//! Loading the built-in pack's rule files the way the tests need them: the `vigil:` block of
//! Sigma rules and the `[vigil]` table of Elastic rules as `RuleMeta`, and the fixture table.

#![allow(dead_code)]

use serde_json::{Map, Value};
use std::path::{Path, PathBuf};
use vigil::model::RuleMeta;
use vigil::model::rule::{FpCategory, RuleKind, RuleOrigin, Severity, TriageHints};
use yaml_rust2::{Yaml, YamlLoader};

pub fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn shared_dir() -> Option<PathBuf> {
    let near = crate_dir().join("../shared");
    [near, PathBuf::from("/work/shared")]
        .into_iter()
        .find(|candidate| candidate.is_dir())
}

/// Every file below `dir` whose name ends in `.{extension}`, sorted (the importer's walk).
pub fn files_with_extension(dir: &Path, extension: &str) -> Vec<PathBuf> {
    let (files, _) = vigil::ingest::walk::collect_files(&[dir.to_path_buf()]);
    let mut out: Vec<PathBuf> = files
        .into_iter()
        .filter(|p| p.extension().is_some_and(|x| x == extension))
        .collect();
    out.sort();
    out
}

pub fn yaml_to_json(y: &Yaml) -> Value {
    match y {
        Yaml::Real(s) => s
            .parse::<f64>()
            .map(Value::from)
            .unwrap_or(Value::String(s.clone())),
        Yaml::Integer(i) => Value::from(*i),
        Yaml::String(s) => Value::String(s.clone()),
        Yaml::Boolean(b) => Value::Bool(*b),
        Yaml::Array(items) => Value::Array(items.iter().map(yaml_to_json).collect()),
        Yaml::Hash(h) => {
            let mut m = Map::new();
            for (k, v) in h {
                let key = match k {
                    Yaml::String(s) => s.clone(),
                    Yaml::Integer(i) => i.to_string(),
                    other => format!("{other:?}"),
                };
                m.insert(key, yaml_to_json(v));
            }
            Value::Object(m)
        }
        _ => Value::Null,
    }
}

pub struct PackRule {
    pub path: PathBuf,
    /// The whole rule document as JSON (Sigma) or TOML converted to JSON (Elastic).
    pub doc: Value,
    pub meta: RuleMeta,
}

fn rule_files(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let p = entry.path();
        if p.is_dir() {
            rule_files(&p, ext, out);
        } else if p.extension().is_some_and(|e| e == ext) {
            out.push(p);
        }
    }
    out.sort();
}

fn meta_from(
    id: &str,
    name: &str,
    kind: RuleKind,
    severity: &str,
    vigil: &Value,
    path: &Path,
) -> RuleMeta {
    let severity = Severity::parse(severity).expect("known severity");
    let triage: TriageHints =
        serde_json::from_value(vigil.clone()).expect("vigil block is TriageHints");
    let false_positives: Vec<FpCategory> =
        serde_json::from_value(vigil["false_positives"].clone()).expect("false_positives");
    RuleMeta {
        id: id.to_string(),
        name: name.to_string(),
        description: String::new(),
        kind,
        origin: RuleOrigin::BuiltIn(path.to_string_lossy().into_owned()),
        severity,
        risk_score: severity.default_risk(),
        mitre: Vec::new(),
        guide: vigil["guide"].as_str().map(str::to_string),
        setup: None,
        false_positives,
        tags: Vec::new(),
        references: Vec::new(),
        triage,
    }
}

pub fn load_pack() -> Vec<PackRule> {
    let root = crate_dir().join("rules");
    let mut out = Vec::new();
    let mut files = Vec::new();
    rule_files(&root.join("sigma"), "yml", &mut files);
    for path in files {
        let text = std::fs::read_to_string(&path).expect("readable");
        let docs = YamlLoader::load_from_str(&text).expect("valid YAML");
        assert_eq!(docs.len(), 1, "{}: one document per file", path.display());
        let doc = yaml_to_json(&docs[0]);
        let kind = if doc.get("correlation").is_some() {
            RuleKind::SigmaCorrelation
        } else {
            RuleKind::Sigma
        };
        let meta = meta_from(
            doc["id"].as_str().expect("id"),
            doc["title"].as_str().expect("title"),
            kind,
            doc["level"].as_str().expect("level"),
            &doc["vigil"],
            &path,
        );
        out.push(PackRule { path, doc, meta });
    }
    let mut tomls = Vec::new();
    rule_files(&root.join("elastic"), "toml", &mut tomls);
    for path in tomls {
        let text = std::fs::read_to_string(&path).expect("readable");
        let table: toml::Value = toml::from_str(&text).expect("valid TOML");
        let doc = serde_json::to_value(&table).expect("TOML as JSON");
        let mut meta = meta_from(
            doc["rule"]["rule_id"].as_str().expect("rule_id"),
            doc["rule"]["name"].as_str().expect("name"),
            RuleKind::Eql,
            doc["rule"]["severity"].as_str().expect("severity"),
            &doc["vigil"],
            &path,
        );
        meta.risk_score = doc["rule"]["risk_score"].as_u64().expect("risk") as u8;
        out.push(PackRule { path, doc, meta });
    }
    out
}

pub fn read_ndjson(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .expect("fixture readable")
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("fixture line is JSON"))
        .collect()
}
