//! Applies a rule's triage hints to an alert: false-positive suggestions with the evidence
//! that points at them, values extracted from the event (the created user name), and flags
//! that mark an alert and may raise its severity (a suspicious parent process).
//!
//! Hints are compiled once per rule ([`CompiledTriage`]); [`Enricher`] keeps them by rule id.

use crate::detect::pattern::WildcardSet;
use crate::model::alert::FpSuggestion;
use crate::model::fields::{for_each_scalar, scalar_text};
use crate::model::rule::Severity;
use crate::model::{Alert, RuleMeta};
use regex::Regex;
use serde_json::Value;
use std::collections::HashMap;
use std::ops::ControlFlow;

/// A triage hint of a rule that cannot be compiled.
#[derive(Debug, thiserror::Error)]
pub enum TriageError {
    #[error(
        "rule {rule_id}: the `extract` regex for `{name}` is not valid: `{regex}` ({source}); \
         fix the regex in the rule's vigil section"
    )]
    BadExtractRegex {
        rule_id: String,
        name: String,
        regex: String,
        source: regex::Error,
    },
    #[error(
        "rule {rule_id}: the {what} patterns on field `{field}` cannot be compiled ({source}); \
         shorten or simplify the patterns in the rule's vigil section"
    )]
    BadPatterns {
        rule_id: String,
        what: &'static str,
        field: String,
        source: regex::Error,
    },
    #[error(
        "rule {rule_id}: the `extract` regex for `{name}` has no capture group: `{regex}`; \
         put the part to extract in parentheses"
    )]
    NoCaptureGroup {
        rule_id: String,
        name: String,
        regex: String,
    },
}

#[derive(Debug, Clone)]
struct CompiledHint {
    category: String,
    field: String,
    patterns: WildcardSet,
}

#[derive(Debug, Clone)]
struct CompiledExtract {
    name: String,
    field: String,
    regex: Regex,
}

#[derive(Debug, Clone)]
struct CompiledFlag {
    name: String,
    field: String,
    patterns: WildcardSet,
    severity: Option<Severity>,
}

/// One rule's triage hints, ready to apply to any number of alerts.
#[derive(Debug, Clone)]
pub struct CompiledTriage {
    hints: Vec<CompiledHint>,
    extracts: Vec<CompiledExtract>,
    flags: Vec<CompiledFlag>,
    fold_into_parent: bool,
}

impl CompiledTriage {
    pub fn compile(meta: &RuleMeta) -> Result<Self, TriageError> {
        let triage = &meta.triage;
        let patterns_error = |what: &'static str, field: &str, source| TriageError::BadPatterns {
            rule_id: meta.id.clone(),
            what,
            field: field.to_string(),
            source,
        };
        let mut hints = Vec::with_capacity(triage.fp_hints.len());
        for hint in &triage.fp_hints {
            hints.push(CompiledHint {
                category: hint.category.clone(),
                field: hint.field.clone(),
                patterns: WildcardSet::compile(&hint.patterns)
                    .map_err(|e| patterns_error("fp_hints", &hint.field, e))?,
            });
        }
        let mut extracts = Vec::with_capacity(triage.extract.len());
        for extract in &triage.extract {
            let regex =
                Regex::new(&extract.regex).map_err(|source| TriageError::BadExtractRegex {
                    rule_id: meta.id.clone(),
                    name: extract.name.clone(),
                    regex: extract.regex.clone(),
                    source,
                })?;
            if regex.captures_len() < 2 {
                return Err(TriageError::NoCaptureGroup {
                    rule_id: meta.id.clone(),
                    name: extract.name.clone(),
                    regex: extract.regex.clone(),
                });
            }
            extracts.push(CompiledExtract {
                name: extract.name.clone(),
                field: extract.field.clone(),
                regex,
            });
        }
        let mut flags = Vec::with_capacity(triage.flags.len());
        for flag in &triage.flags {
            flags.push(CompiledFlag {
                name: flag.name.clone(),
                field: flag.field.clone(),
                patterns: WildcardSet::compile(&flag.patterns)
                    .map_err(|e| patterns_error("flags", &flag.field, e))?,
                severity: flag.severity,
            });
        }
        Ok(Self {
            hints,
            extracts,
            flags,
            fold_into_parent: triage.fold_into_parent,
        })
    }

    /// Whether alerts of this rule fold into their parent process's alert.
    pub fn folds_into_parent(&self) -> bool {
        self.fold_into_parent
    }

    /// Adds suggestions, extracted fields and flags to `alert` from its event `doc`. A category
    /// is suggested once, its evidence listing every matching `field = value` (`; `-separated).
    ///
    /// An extract never overwrites a field already set (by the engine, or by an earlier
    /// extract of the same name, so several extracts of one name act as fallbacks).
    /// Applying twice gives the same alert as applying once.
    pub fn apply(&self, alert: &mut Alert, doc: &Value) {
        for hint in &self.hints {
            if let Some(value) = first_matching(doc, &hint.field, &hint.patterns) {
                let evidence = format!("{} = {}", hint.field, value);
                // One suggestion per category; further evidence for it is appended.
                match alert
                    .fp_suggestions
                    .iter_mut()
                    .find(|s| s.category == hint.category)
                {
                    Some(existing) => {
                        if !existing.evidence.split("; ").any(|e| e == evidence) {
                            existing.evidence.push_str("; ");
                            existing.evidence.push_str(&evidence);
                        }
                    }
                    None => alert.fp_suggestions.push(FpSuggestion {
                        category: hint.category.clone(),
                        evidence,
                    }),
                }
            }
        }
        for extract in &self.extracts {
            if alert.fields.contains_key(&extract.name) {
                continue;
            }
            if let Some(value) = first_capture(doc, &extract.field, &extract.regex) {
                alert.fields.insert(extract.name.clone(), value);
            }
        }
        for flag in &self.flags {
            if first_matching(doc, &flag.field, &flag.patterns).is_none() {
                continue;
            }
            alert.fields.insert(flag.name.clone(), "true".to_string());
            if let Some(severity) = flag.severity {
                if severity > alert.severity {
                    alert.severity = severity;
                }
                alert.risk_score = alert.risk_score.max(severity.default_risk());
            }
        }
    }
}

/// The first value of `field` (any element for arrays) matching `patterns`, as text.
fn first_matching(doc: &Value, field: &str, patterns: &WildcardSet) -> Option<String> {
    visit_texts(doc, field, |text| {
        if patterns.is_match(text) {
            ControlFlow::Break(text.to_string())
        } else {
            ControlFlow::Continue(())
        }
    })
}

/// The first capture group that took part in the first match over the values of `field`.
fn first_capture(doc: &Value, field: &str, regex: &Regex) -> Option<String> {
    visit_texts(doc, field, |text| {
        let found = regex.captures(text).and_then(|caps| {
            caps.iter()
                .skip(1)
                .flatten()
                .next()
                .map(|m| m.as_str().to_string())
        });
        match found {
            Some(value) => ControlFlow::Break(value),
            None => ControlFlow::Continue(()),
        }
    })
}

fn visit_texts(
    doc: &Value,
    field: &str,
    mut f: impl FnMut(&str) -> ControlFlow<String>,
) -> Option<String> {
    let mut result = None;
    for_each_scalar(doc, field, &mut |value| {
        if result.is_some() {
            return;
        }
        let flow = match value {
            Value::String(s) => f(s),
            other => match scalar_text(other) {
                Some(text) => f(&text),
                None => ControlFlow::Continue(()),
            },
        };
        if let ControlFlow::Break(found) = flow {
            result = Some(found);
        }
    });
    result
}

/// Compiles `meta`'s hints and applies them to `alert`. For many alerts, compile once with
/// [`CompiledTriage::compile`] or [`Enricher`] instead.
pub fn enrich(alert: &mut Alert, meta: &RuleMeta, doc: &Value) -> Result<(), TriageError> {
    CompiledTriage::compile(meta)?.apply(alert, doc);
    Ok(())
}

/// The compiled hints of a whole rule set, looked up by rule id.
#[derive(Debug, Clone, Default)]
pub struct Enricher {
    by_rule: HashMap<String, CompiledTriage>,
}

impl Enricher {
    /// Compiles every rule's hints. A rule whose hints do not compile is reported and its
    /// alerts are left as the engine made them.
    pub fn new<'a>(metas: impl IntoIterator<Item = &'a RuleMeta>) -> (Self, Vec<TriageError>) {
        let mut by_rule = HashMap::new();
        let mut errors = Vec::new();
        for meta in metas {
            match CompiledTriage::compile(meta) {
                Ok(compiled) => {
                    by_rule.insert(meta.id.clone(), compiled);
                }
                Err(e) => errors.push(e),
            }
        }
        (Self { by_rule }, errors)
    }

    /// Applies the hints of the alert's rule; alerts of unknown rules are left alone.
    pub fn enrich(&self, alert: &mut Alert, doc: &Value) {
        if let Some(compiled) = self.by_rule.get(&alert.rule_id) {
            compiled.apply(alert, doc);
        }
    }

    pub fn rule(&self, rule_id: &str) -> Option<&CompiledTriage> {
        self.by_rule.get(rule_id)
    }
}

#[cfg(test)]
#[path = "enrich_tests.rs"]
mod tests;
