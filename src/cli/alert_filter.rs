//! The `--filter` language of `vigil export`: space-separated `key:value` terms over
//! the alert list, values double-quoted when they hold spaces. Terms with different keys
//! must all match; several terms with the same key match any of their values.
//!
//! Keys: `rule` (id or name), `host`, `user`, `status`, `severity`, `class`
//! (classification, as `vigil alert ID classify` takes it), `suppressed` (yes/no/any).

use crate::error::{Result, VigilError};
use crate::model::Alert;
use crate::model::triage::{AlertTriage, Classification, FalsePositiveKind, Status};
use crate::store::{parse_classification, parse_status};
use crate::text::visible;

/// A parsed filter.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AlertFilter {
    rules: Vec<String>,
    hosts: Vec<String>,
    users: Vec<String>,
    statuses: Vec<Status>,
    severities: Vec<String>,
    classes: Vec<Classification>,
    /// `None`: only alerts not suppressed (the default); `Some(true)`: only suppressed
    /// ones; `Some(false)` after `suppressed:any`: both.
    suppressed: Option<bool>,
    any_suppression: bool,
}

impl AlertFilter {
    pub fn parse(text: &str) -> Result<AlertFilter> {
        let mut f = AlertFilter::default();
        for term in split_terms(text)? {
            let Some((key, value)) = term.split_once(':') else {
                return Err(bad(&term, "a term is key:value"));
            };
            let value = value.trim().to_string();
            if value.is_empty() {
                return Err(bad(&term, "the value is empty"));
            }
            match key.trim().to_ascii_lowercase().as_str() {
                "rule" => f.rules.push(value),
                "host" => f.hosts.push(value),
                "user" => f.users.push(value),
                "status" => f
                    .statuses
                    .push(parse_status(&value).map_err(|e| bad(&term, &e))?),
                "severity" => f.severities.push(value.to_ascii_lowercase()),
                "class" | "classification" => f
                    .classes
                    .push(parse_classification(&value).map_err(|e| bad(&term, &e))?),
                "suppressed" => match value.to_ascii_lowercase().as_str() {
                    "yes" | "true" => f.suppressed = Some(true),
                    "no" | "false" => f.suppressed = None,
                    "any" | "all" => f.any_suppression = true,
                    _ => return Err(bad(&term, "suppressed takes yes, no or any")),
                },
                _ => {
                    return Err(bad(
                        &term,
                        "known keys: rule, host, user, status, severity, class, suppressed",
                    ));
                }
            }
        }
        Ok(f)
    }

    /// Whether `alert` with its triage `t` passes.
    pub fn matches(&self, alert: &Alert, t: &AlertTriage) -> bool {
        let any = |wanted: &[String], have: Option<&str>| {
            wanted.is_empty()
                || have.is_some_and(|h| wanted.iter().any(|w| w.eq_ignore_ascii_case(h)))
        };
        let suppression_ok = self.any_suppression
            || match self.suppressed {
                Some(true) => alert.suppressed_by.is_some(),
                _ => alert.suppressed_by.is_none(),
            };
        let class_ok = self.classes.is_empty()
            || t.classification
                .is_some_and(|c| self.classes.iter().any(|w| same_class(*w, c)));
        suppression_ok
            && class_ok
            && (self.rules.is_empty()
                || self.rules.iter().any(|r| {
                    r.eq_ignore_ascii_case(&alert.rule_id)
                        || r.eq_ignore_ascii_case(&alert.rule_name)
                }))
            && any(&self.hosts, alert.host.as_deref())
            && any(&self.users, alert.user.as_deref())
            && any(&self.severities, Some(alert.severity.as_str()))
            && (self.statuses.is_empty() || self.statuses.contains(&t.status))
    }
}

/// `class:fp` means any false positive; `class:fp-data` only incorrect data.
fn same_class(wanted: Classification, have: Classification) -> bool {
    match (wanted, have) {
        (
            Classification::FalsePositive(FalsePositiveKind::IncorrectRuleLogic),
            Classification::FalsePositive(_),
        ) => true,
        _ => wanted == have,
    }
}

fn bad(term: &str, why: &str) -> VigilError {
    VigilError::Other(format!(
        "--filter term '{}' is not understood: {why} (e.g. --filter 'host:wks-hr02 status:open rule:\"User Account Creation\"')",
        visible(term)
    ))
}

/// Splits on spaces outside double quotes; the quotes are removed.
fn split_terms(text: &str) -> Result<Vec<String>> {
    crate::text::split_quoted(text).ok_or_else(|| {
        VigilError::Other(format!(
            "--filter '{}' has an unclosed double quote",
            visible(text)
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{RuleKind, Severity};

    fn alert(host: &str, rule: &str, suppressed: bool) -> Alert {
        Alert {
            id: "a".into(),
            rule_id: "rid-1".into(),
            rule_name: rule.into(),
            rule_kind: RuleKind::Sigma,
            severity: Severity::Medium,
            risk_score: 47,
            mitre: vec![],
            timestamp_ms: 0,
            host: Some(host.into()),
            user: Some("CORP\\jdoe".into()),
            process: None,
            event_ids: vec![],
            fields: Default::default(),
            fp_suggestions: vec![],
            suppressed_by: suppressed.then(|| "exc-1".into()),
        }
    }

    #[test]
    fn terms_combine_as_documented() {
        let open = AlertTriage::default();
        let fp_data = AlertTriage {
            status: Status::Closed,
            classification: Some(Classification::FalsePositive(
                FalsePositiveKind::IncorrectData,
            )),
            ..AlertTriage::default()
        };
        let a = alert("WKS-HR02", "User Account Creation", false);
        let s = alert("wks-hr02", "User Account Creation", true);
        let cases: [(&str, &Alert, &AlertTriage, bool); 14] = [
            ("", &a, &open, true),
            ("", &s, &open, false),
            ("suppressed:any", &s, &open, true),
            ("suppressed:yes", &a, &open, false),
            ("host:wks-hr02", &a, &open, true),
            ("host:wks-hr02 host:dc01", &a, &open, true),
            ("host:dc01", &a, &open, false),
            (
                "rule:\"user account creation\" status:open",
                &a,
                &open,
                true,
            ),
            ("rule:rid-1 status:closed", &a, &open, false),
            ("class:fp", &a, &fp_data, true),
            ("class:tp", &a, &fp_data, false),
            ("class:fp-data status:closed", &a, &fp_data, true),
            ("severity:MEDIUM user:corp\\jdoe", &a, &open, true),
            ("severity:high", &a, &open, false),
        ];
        for (text, alert, t, want) in cases {
            let f = AlertFilter::parse(text).unwrap();
            assert_eq!(f.matches(alert, t), want, "{text}");
        }
    }

    #[test]
    fn bad_filters_say_what_is_wrong() {
        for text in [
            "hostname:x",
            "host",
            "status:done",
            "host:",
            "rule:\"x",
            "suppressed:maybe",
        ] {
            assert!(AlertFilter::parse(text).is_err(), "{text}");
        }
    }
}
