//! Loads one Elastic rule TOML file: parse into the raw spec, validate the metadata,
//! then compile the query for its type (see `compile`).
//!
//! Every problem becomes a `Diagnostic` at `path:line:column` with a hint; as many as can
//! be found are reported together so one `vigil rules check` run shows them all.

use super::ElasticRule;
use super::compile::{CompileInput, compile_rule};
use super::datemath::window_ms;
use super::diag::DiagSink;
use super::meta::{MetaParts, build_meta};
use super::raw::{RawRuleFile, RawVigil};
use crate::model::{RuleKind, RuleOrigin, Severity};
use crate::rules::api::Diagnostic;
use toml::Spanned;

/// Elastic's default look-back when `from` is absent.
const DEFAULT_FROM: &str = "now-6m";

/// Parses, validates and compiles one rule file.
pub fn load_rule(
    origin: RuleOrigin,
    path_for_messages: &str,
    text: &str,
) -> Result<ElasticRule, Vec<Diagnostic>> {
    let mut sink = DiagSink::new(path_for_messages, text);
    let file: RawRuleFile = match toml::from_str(text) {
        Ok(f) => f,
        Err(e) => {
            let offset = e.span().map_or(0, |s| s.start);
            let message = e.message().trim().to_string();
            let hint = toml_hint(&message);
            sink.at_offset(offset, format!("invalid rule file: {message}"), Some(hint));
            return Err(sink.items);
        }
    };
    let Some(rule) = file.rule else {
        sink.at_table(
            "rule",
            "this file has no [rule] table, so it is not an Elastic detection rule".to_string(),
            Some(
                "add a [rule] table with name, rule_id, type, query, severity and risk_score"
                    .to_string(),
            ),
        );
        return Err(sink.items);
    };
    let name = required_str(&mut sink, &rule.name, "name", "name = \"Rule name\"");
    let id = required_str(&mut sink, &rule.rule_id, "rule_id", "rule_id = \"<uuid>\"");
    if let Some(id) = &rule.rule_id
        && id
            .get_ref()
            .chars()
            .any(|c| c.is_whitespace() || c.is_control())
    {
        sink.at_span(
            &id.span(),
            format!(
                "rule_id `{}` contains spaces or control characters",
                id.get_ref().escape_debug()
            ),
            Some("use a UUID such as 1aa9181a-492b-4c01-8b16-fa0735786b2b".to_string()),
        );
    }
    if rule
        .description
        .as_deref()
        .is_none_or(|d| d.trim().is_empty())
    {
        sink.at_table(
            "rule",
            "the rule has no description".to_string(),
            Some("add description = \"\"\"what the rule detects\"\"\" under [rule]".to_string()),
        );
    }
    let severity = severity(&mut sink, &rule.severity);
    let risk_score = risk_score(&mut sink, &rule.risk_score);
    let rule_type = required_str(&mut sink, &rule.rule_type, "type", "type = \"eql\"");
    let look_back_ms = from_window(&mut sink, &rule.from);
    check_vigil(&mut sink, file.vigil.as_ref());
    if !sink.items.is_empty() {
        return Err(sink.items);
    }
    let (
        Some(name),
        Some(id),
        Some(severity),
        Some(risk_score),
        Some(rule_type),
        Some(look_back_ms),
    ) = (name, id, severity, risk_score, rule_type, look_back_ms)
    else {
        return Err(sink.items);
    };
    let language = rule.language.as_ref().map(|l| l.get_ref().clone());
    let compiled = compile_rule(
        &mut sink,
        CompileInput {
            rule_type: &rule_type,
            language: language.as_deref(),
            rule: &rule,
            look_back_ms,
        },
    );
    let Some((kind, status, query)) = compiled else {
        return Err(sink.items);
    };
    let meta = build_meta(
        MetaParts {
            id,
            name,
            kind,
            origin,
            severity,
            risk_score,
        },
        &rule,
        file.vigil,
    );
    Ok(ElasticRule {
        meta,
        status,
        query,
        rule_type,
        language,
        index: rule.index.clone().unwrap_or_default(),
        author: rule.author.clone().unwrap_or_default(),
        license: rule.license.clone(),
        timestamp_override: rule.timestamp_override.clone(),
        look_back_ms,
        transform: file.transform,
        metadata: file.metadata,
    })
}

fn toml_hint(message: &str) -> String {
    let m = message.to_ascii_lowercase();
    if m.contains("duplicate") {
        "each key may appear only once per table; remove or rename the repeated one".to_string()
    } else if m.contains("invalid type") {
        "give the value the type the key expects: numbers without quotes, text in quotes, lists in [ ]".to_string()
    } else if m.contains("unknown field") {
        "check the key's spelling against the keys listed in the message".to_string()
    } else {
        "fix the TOML syntax here: text values need quotes, tables need [brackets], and `'''` strings must be closed".to_string()
    }
}

fn required_str(
    sink: &mut DiagSink<'_>,
    value: &Option<Spanned<String>>,
    key: &str,
    example: &str,
) -> Option<String> {
    match value {
        Some(v) if !v.get_ref().trim().is_empty() => Some(v.get_ref().trim().to_string()),
        Some(v) => {
            sink.at_span(
                &v.span(),
                format!("`{key}` is empty"),
                Some(format!("write for example {example}")),
            );
            None
        }
        None => {
            sink.at_table(
                "rule",
                format!("the rule has no `{key}`"),
                Some(format!("add {example} under [rule]")),
            );
            None
        }
    }
}

fn severity(sink: &mut DiagSink<'_>, value: &Option<Spanned<String>>) -> Option<Severity> {
    let Some(v) = value else {
        sink.at_table(
            "rule",
            "the rule has no `severity`".to_string(),
            Some("add severity = \"low\" (or medium, high, critical) under [rule]".to_string()),
        );
        return None;
    };
    let parsed = Severity::parse(v.get_ref());
    if parsed.is_none() {
        sink.at_span(
            &v.span(),
            format!("unknown severity `{}`", v.get_ref()),
            Some("use one of low, medium, high, critical".to_string()),
        );
    }
    parsed
}

fn risk_score(sink: &mut DiagSink<'_>, value: &Option<Spanned<i64>>) -> Option<u8> {
    let Some(v) = value else {
        sink.at_table(
            "rule",
            "the rule has no `risk_score`".to_string(),
            Some("add risk_score = 21 (a number from 0 to 100) under [rule]".to_string()),
        );
        return None;
    };
    let score = u8::try_from(*v.get_ref()).ok().filter(|s| *s <= 100);
    if score.is_none() {
        sink.at_span(
            &v.span(),
            format!("risk_score {} is outside 0..100", v.get_ref()),
            Some(
                "use a number from 0 to 100 (Elastic: low 21, medium 47, high 73, critical 99)"
                    .to_string(),
            ),
        );
    }
    score
}

fn from_window(sink: &mut DiagSink<'_>, value: &Option<Spanned<String>>) -> Option<i64> {
    let (text, span) = match value {
        Some(v) => (v.get_ref().as_str(), Some(v.span())),
        None => (DEFAULT_FROM, None),
    };
    match window_ms(text) {
        Ok(ms) => Some(ms),
        Err(e) => {
            let hint = Some(
                "write the look-back as now-<number><unit>, e.g. from = \"now-9m\"".to_string(),
            );
            match span {
                Some(s) => sink.at_span(&s, e, hint),
                None => sink.at_table("rule", e, hint),
            }
            None
        }
    }
}

/// Checks the parts of `[vigil]` that serde cannot: regexes and category references.
fn check_vigil(sink: &mut DiagSink<'_>, vigil: Option<&RawVigil>) {
    let Some(v) = vigil else { return };
    for ex in &v.extract {
        if let Err(e) = regex::Regex::new(&ex.regex) {
            sink.at_table(
                "vigil",
                format!(
                    "extract `{}`: the regex `{}` is invalid: {e}",
                    ex.name, ex.regex
                ),
                Some(
                    "fix the regular expression; its first capture group is the value".to_string(),
                ),
            );
        }
    }
    for hint in &v.fp_hints {
        if !v.false_positives.iter().any(|c| c.id == hint.category) {
            sink.at_table(
                "vigil",
                format!(
                    "fp_hints refers to the unknown false-positive category `{}`",
                    hint.category
                ),
                Some(
                    "declare it in false_positives = [{id = \"...\", label = \"...\"}]".to_string(),
                ),
            );
        }
    }
}

/// Kind of a rule from its type and language, for listing.
pub fn rule_kind(rule_type: &str, language: Option<&str>) -> RuleKind {
    match (rule_type, language) {
        ("eql", _) => RuleKind::Eql,
        ("threshold", _) => RuleKind::Threshold,
        ("new_terms", _) => RuleKind::NewTerms,
        ("esql", _) => RuleKind::Esql,
        ("machine_learning", _) => RuleKind::MachineLearning,
        ("threat_match", _) => RuleKind::ThreatMatch,
        (_, Some("lucene")) => RuleKind::Lucene,
        (_, Some("eql")) => RuleKind::Eql,
        (_, Some("esql")) => RuleKind::Esql,
        _ => RuleKind::Kuery,
    }
}
