//! Loading a Sigma YAML file: documents, rule collections, rules, correlations, filters.
//!
//! Every problem becomes a `path:line:column` diagnostic, and every rule document
//! becomes a loaded rule: ready, or not evaluable with the exact reason, never dropped.

use super::compile::{self, CompiledDetection};
use super::correlation::{self, CorrelationSpec};
use super::logsource::{self, Guard, LogSource};
use super::meta::{self, Located};
use super::modifiers::Placeholders;
use super::yaml::{self, YNode, YValue};
use crate::model::{RuleKind, RuleMeta, RuleOrigin};
use crate::rules::api::{Diagnostic, RuleStatus};
use std::sync::Arc;

/// Engine configuration that rules may depend on.
#[derive(Debug, Clone, Default)]
pub struct SigmaConfig {
    /// Values of `%placeholder%` for the `expand` modifier.
    pub placeholders: Placeholders,
}

/// A compiled single-event rule.
#[derive(Debug)]
pub struct DetectionRule {
    pub guard: Guard,
    pub detection: CompiledDetection,
}

#[derive(Debug, Clone)]
pub enum RuleBody {
    Detection(Arc<DetectionRule>),
    Correlation(CorrelationSpec),
    /// Not evaluable; the reason is in the status.
    Unevaluable,
}

/// A rule or correlation as loaded from a file.
#[derive(Debug, Clone)]
pub struct LoadedRule {
    pub meta: RuleMeta,
    pub status: RuleStatus,
    /// The Sigma `name`, used by correlations to refer to rules.
    pub name: Option<String>,
    pub logsource: LogSource,
    pub path: String,
    pub line: usize,
    pub body: RuleBody,
}

/// A Sigma meta filter.
#[derive(Debug, Clone)]
pub struct LoadedFilter {
    pub id: String,
    pub title: String,
    pub logsource: LogSource,
    /// Rule ids or names; `None` means every rule whose logsource matches.
    pub targets: Option<Vec<String>>,
    pub detection: Arc<CompiledDetection>,
    pub path: String,
    pub line: usize,
}

/// Everything found in one file.
#[derive(Debug, Clone, Default)]
pub struct LoadResult {
    pub rules: Vec<LoadedRule>,
    pub filters: Vec<LoadedFilter>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Loads one Sigma file with the default configuration.
pub fn load_file(origin: RuleOrigin, path_for_messages: &str, text: &str) -> LoadResult {
    load_file_with(origin, path_for_messages, text, &SigmaConfig::default())
}

/// Loads one Sigma file.
pub fn load_file_with(
    origin: RuleOrigin,
    path: &str,
    text: &str,
    config: &SigmaConfig,
) -> LoadResult {
    let mut out = LoadResult::default();
    let (docs, err) = yaml::parse_documents(text);
    if let Some(e) = err {
        out.diagnostics.push(Diagnostic {
            path: path.to_string(),
            line: e.line,
            column: e.col,
            message: format!("YAML syntax error: {}", e.message),
            hint: Some("check indentation and quoting around this position".into()),
        });
    }
    let mut global: Option<YNode> = None;
    let mut previous: Option<YNode> = None;
    for (index, doc) in docs.into_iter().enumerate() {
        if !matches!(doc.value, YValue::Map(_)) {
            if !doc.is_null() {
                push(
                    &mut out.diagnostics,
                    path,
                    (
                        doc.line,
                        doc.col,
                        format!("a Sigma document must be a map, found {}", doc.kind_name()),
                    ),
                    None,
                );
            }
            continue;
        }
        let action = doc.get("action").and_then(YNode::as_key);
        let merged = match action.as_deref() {
            Some("global") => {
                global = Some(without_key(&doc, "action"));
                continue;
            }
            Some("reset") => {
                global = None;
                continue;
            }
            Some("repeat") => match &previous {
                Some(prev) => merge(prev, &without_key(&doc, "action")),
                None => {
                    push(
                        &mut out.diagnostics,
                        path,
                        (
                            doc.line,
                            doc.col,
                            "'action: repeat' has no previous document to repeat".into(),
                        ),
                        None,
                    );
                    continue;
                }
            },
            Some(other) => {
                push(
                    &mut out.diagnostics,
                    path,
                    (
                        doc.line,
                        doc.col,
                        format!("unknown collection action '{other}'"),
                    ),
                    Some("use global, reset or repeat"),
                );
                continue;
            }
            None => match &global {
                Some(g) => merge(g, &doc),
                None => doc,
            },
        };
        previous = Some(merged.clone());
        load_document(&merged, index, &origin, path, config, &mut out);
    }
    out
}

fn push(
    diags: &mut Vec<Diagnostic>,
    path: &str,
    (line, column, message): Located,
    hint: Option<&str>,
) {
    diags.push(Diagnostic {
        path: path.to_string(),
        line,
        column,
        message,
        hint: hint.map(str::to_string),
    });
}

fn without_key(doc: &YNode, key: &str) -> YNode {
    let mut d = doc.clone();
    if let YValue::Map(entries) = &mut d.value {
        entries.retain(|(k, _)| k.as_key().as_deref() != Some(key));
    }
    d
}

/// Deep merge for rule collections: maps merge key by key, anything else is replaced.
fn merge(base: &YNode, over: &YNode) -> YNode {
    match (&base.value, &over.value) {
        (YValue::Map(b), YValue::Map(o)) => {
            let mut entries = b.clone();
            for (k, v) in o {
                match entries.iter_mut().find(|(bk, _)| bk.as_key() == k.as_key()) {
                    Some((_, bv)) => *bv = merge(bv, v),
                    None => entries.push((k.clone(), v.clone())),
                }
            }
            YNode {
                value: YValue::Map(entries),
                line: over.line,
                col: over.col,
            }
        }
        _ => over.clone(),
    }
}

fn logsource_of(doc: &YNode) -> LogSource {
    let field = |k: &str| {
        doc.get("logsource")
            .and_then(|l| l.get(k))
            .and_then(YNode::as_key)
            .map(|s| s.trim().to_ascii_lowercase())
    };
    LogSource {
        product: field("product"),
        category: field("category"),
        service: field("service"),
    }
}

fn load_document(
    doc: &YNode,
    index: usize,
    origin: &RuleOrigin,
    path: &str,
    config: &SigmaConfig,
    out: &mut LoadResult,
) {
    let fallback_id = format!("{path}#{}", index + 1);
    if let Some(filter) = doc.get("filter") {
        let title = doc.get("title").and_then(YNode::as_key).unwrap_or_default();
        let id = doc.get("id").and_then(YNode::as_key).unwrap_or(fallback_id);
        let targets = match filter.get("rules") {
            None => Some(Vec::new()),
            Some(r) if r.as_key().is_some_and(|s| s.eq_ignore_ascii_case("any")) => None,
            Some(r) => Some(r.string_list()),
        };
        let mut det_node = filter.clone();
        if let YValue::Map(entries) = &mut det_node.value {
            entries.retain(|(k, _)| k.as_key().as_deref() != Some("rules"));
        }
        match compile::compile_detection(&det_node, &config.placeholders) {
            Ok(det) => out.filters.push(LoadedFilter {
                id,
                title,
                logsource: logsource_of(doc),
                targets,
                detection: Arc::new(det),
                path: path.to_string(),
                line: doc.line,
            }),
            Err(e) => push(
                &mut out.diagnostics,
                path,
                e,
                Some("a filter needs selections and a condition (usually 'not selection')"),
            ),
        }
        return;
    }
    let mut problems = Vec::new();
    let is_corr = doc.get("correlation").is_some();
    let kind = if is_corr {
        RuleKind::SigmaCorrelation
    } else {
        RuleKind::Sigma
    };
    let meta = meta::build(doc, origin, kind, &fallback_id, &mut problems);
    let mut status = RuleStatus::Ready;
    let mut fail = |problems: &mut Vec<Located>, p: Located| {
        if status == RuleStatus::Ready {
            status = RuleStatus::NotEvaluable(p.2.clone());
        }
        problems.push(p);
    };
    let mut body = RuleBody::Unevaluable;
    if let Some(c) = doc.get("correlation") {
        match correlation::parse_spec(c) {
            Ok(spec) => body = RuleBody::Correlation(spec),
            Err(e) => fail(&mut problems, e),
        }
    } else {
        let ls = logsource_of(doc);
        let guard = match doc.get("logsource") {
            None => Err((doc.line, doc.col, "the rule has no 'logsource'".to_string())),
            Some(n) => logsource::guard_for(&ls)
                .map_err(|e| (n.line, n.col, format!("not evaluable: {e}"))),
        };
        let det = match doc.get("detection") {
            None => Err((
                doc.line,
                doc.col,
                "the rule has no 'detection' block".to_string(),
            )),
            Some(d) => compile::compile_detection(d, &config.placeholders),
        };
        match (guard, det) {
            (Ok(guard), Ok(detection)) => {
                body = RuleBody::Detection(Arc::new(DetectionRule { guard, detection }))
            }
            (g, d) => {
                if let Err(e) = d {
                    fail(&mut problems, e);
                }
                if let Err(e) = g {
                    fail(&mut problems, e);
                }
            }
        }
    }
    for p in problems {
        push(&mut out.diagnostics, path, p, None);
    }
    out.rules.push(LoadedRule {
        name: doc.get("name").and_then(YNode::as_key),
        logsource: logsource_of(doc),
        meta,
        status,
        path: path.to_string(),
        line: doc.line,
        body,
    });
}
