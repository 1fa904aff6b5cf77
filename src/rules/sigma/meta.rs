//! Rule metadata from a Sigma document: title, id, level, tags, false positives and
//! vigil's own `vigil:` triage block.
//!
//! Everything the triage side needs comes from here, whatever the rule's body; problems
//! are returned as messages with the node's position for the caller's diagnostics.

use super::mitre;
use super::yaml::{Scalar, YNode, YValue};
use crate::model::{FpCategory, RuleKind, RuleMeta, RuleOrigin, Severity, TriageHints};
use serde::Deserialize;

/// A problem at a position in the document.
pub type Located = (usize, usize, String);

/// vigil's optional custom attribute on Sigma rules.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct VigilBlock {
    #[serde(default)]
    guide: Option<String>,
    #[serde(default)]
    risk_score: Option<u8>,
    #[serde(default)]
    false_positives: Vec<FpCategory>,
    #[serde(default)]
    fp_hints: Vec<crate::model::FieldHint>,
    #[serde(default)]
    extract: Vec<crate::model::FieldExtract>,
    #[serde(default)]
    flags: Vec<crate::model::FieldFlag>,
    #[serde(default)]
    fold_into_parent: bool,
}

/// Converts a YAML node into JSON for serde-driven blocks.
pub fn to_json(node: &YNode) -> serde_json::Value {
    use serde_json::Value;
    match &node.value {
        YValue::Scalar(Scalar::Null) => Value::Null,
        YValue::Scalar(Scalar::Bool(b)) => Value::Bool(*b),
        YValue::Scalar(Scalar::Int(i)) => Value::from(*i),
        YValue::Scalar(Scalar::Float(f)) => serde_json::Number::from_f64(*f)
            .map(Value::Number)
            .unwrap_or(Value::Null),
        YValue::Scalar(Scalar::Str(s)) => Value::String(s.clone()),
        YValue::Seq(items) => Value::Array(items.iter().map(to_json).collect()),
        YValue::Map(entries) => Value::Object(
            entries
                .iter()
                .filter_map(|(k, v)| k.as_key().map(|k| (k, to_json(v))))
                .collect(),
        ),
    }
}

/// `falsepositives` text to a stable id: lowercase words joined by `-`.
pub fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out.chars().take(60).collect()
}

/// Builds the metadata; `fallback_id` is used when the rule has no `id`.
pub fn build(
    doc: &YNode,
    origin: &RuleOrigin,
    kind: RuleKind,
    fallback_id: &str,
    problems: &mut Vec<Located>,
) -> RuleMeta {
    let text = |key: &str| doc.get(key).and_then(YNode::as_key);
    let list = |key: &str| doc.get(key).map(YNode::string_list).unwrap_or_default();
    let title = text("title").unwrap_or_default();
    if title.is_empty() {
        problems.push((
            doc.line,
            doc.col,
            "the rule has no 'title'; add one (it is the alert name)".into(),
        ));
    }
    let severity = match doc.get("level") {
        None => Severity::Medium,
        Some(n) => match n.as_key().as_deref().and_then(Severity::parse) {
            Some(s) => s,
            None => {
                problems.push((
                    n.line,
                    n.col,
                    format!(
                        "unknown level '{}'; use informational, low, medium, high or critical",
                        n.as_key().unwrap_or_default()
                    ),
                ));
                Severity::Medium
            }
        },
    };
    let tags = list("tags");
    let mut false_positives: Vec<FpCategory> = list("falsepositives")
        .into_iter()
        .filter(|t| !t.trim().is_empty())
        .map(|t| FpCategory {
            id: slug(&t),
            label: t,
        })
        .collect();
    let mut meta = RuleMeta {
        id: text("id").unwrap_or_else(|| fallback_id.to_string()),
        name: title,
        description: text("description").unwrap_or_default(),
        kind,
        origin: origin.clone(),
        severity,
        risk_score: severity.default_risk(),
        mitre: mitre::from_tags(&tags),
        guide: None,
        setup: None,
        false_positives: Vec::new(),
        tags,
        references: list("references"),
        triage: TriageHints::default(),
    };
    if let Some(v) = doc.get("vigil") {
        match serde_json::from_value::<VigilBlock>(to_json(v)) {
            Ok(block) => {
                meta.guide = block.guide;
                if let Some(r) = block.risk_score {
                    meta.risk_score = r.min(100);
                }
                for fp in block.false_positives {
                    if !false_positives.iter().any(|f| f.id == fp.id) {
                        false_positives.push(fp);
                    }
                }
                meta.triage = TriageHints {
                    fp_hints: block.fp_hints,
                    extract: block.extract,
                    flags: block.flags,
                    fold_into_parent: block.fold_into_parent,
                };
                for e in &meta.triage.extract {
                    if let Err(err) = regex::Regex::new(&e.regex) {
                        problems.push((v.line, v.col, format!("vigil.extract '{}' has an invalid regex: {err}", e.name)));
                    }
                }
            }
            Err(e) => problems.push((
                v.line,
                v.col,
                format!("the 'vigil' block is not valid: {e} (keys: guide, risk_score, false_positives, fp_hints, extract, flags, fold_into_parent)"),
            )),
        }
    }
    meta.false_positives = false_positives;
    meta
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::sigma::yaml::parse_documents;

    #[test]
    fn meta_fields() {
        let text = "title: T\nid: abc\nlevel: high\ntags: [attack.persistence, attack.t1136.001]\nfalsepositives:\n  - Legitimate admin activity\nreferences: [https://x]\nvigil:\n  guide: |\n    ## Triage\n  fold_into_parent: true\n  false_positives: [{id: installer, label: Software installers}]\n  extract: [{name: CreatedUser, field: process.command_line, regex: 'user\\s+(\\S+)'}]\n";
        let (docs, _) = parse_documents(text);
        let mut problems = vec![];
        let m = build(
            &docs[0],
            &RuleOrigin::BuiltIn("x.yml".into()),
            RuleKind::Sigma,
            "f",
            &mut problems,
        );
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(
            (m.id.as_str(), m.name.as_str(), m.severity, m.risk_score),
            ("abc", "T", Severity::High, 73)
        );
        assert_eq!(m.false_positives[0].id, "legitimate-admin-activity");
        assert_eq!(m.false_positives[1].id, "installer");
        assert_eq!(m.mitre[0].subtechnique_id.as_deref(), Some("T1136.001"));
        assert!(m.triage.fold_into_parent);
        assert_eq!(m.triage.extract[0].name, "CreatedUser");
        assert_eq!(m.guide.as_deref(), Some("## Triage\n"));
    }

    #[test]
    fn bad_vigil_block_is_reported() {
        let (docs, _) = parse_documents("title: T\nlevel: severe\nvigil:\n  nonsense: 1\n");
        let mut problems = vec![];
        build(
            &docs[0],
            &RuleOrigin::BuiltIn("x".into()),
            RuleKind::Sigma,
            "f",
            &mut problems,
        );
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert_eq!(problems[1].0, 4);
    }
}
