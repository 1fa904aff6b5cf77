//! Exceptions made from false positives: conditions prefilled from an alert, editable,
//! optionally expiring. Saving one closes the open alerts it matches (audit-trailed,
//! with a reference to the exception); later matches are marked suppressed, never deleted.

use super::glob::Glob;
use crate::model::triage::{AlertTriage, Classification, FalsePositiveKind, Status};
use crate::model::{Alert, Event};
use crate::store::{Store, StoreError};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// An exception: every condition that is set must match (case-insensitive, `*`/`?`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exception {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_executable: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub executable: Option<String>,
    /// A wildcard pattern over the whole command line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub command_line: Option<String>,
    /// How matching alerts are closed.
    pub classification: Classification,
    /// A rule's `FpCategory::id` or free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// After this instant the exception no longer matches.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_ms: Option<i64>,
    pub created_by: String,
    pub created_ms: i64,
    /// The alert it was made from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_alert: Option<String>,
}

/// How many alerts an exception would touch, before saving it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Preview {
    /// Matching alerts not yet closed: saving closes them.
    pub open: Vec<String>,
    /// Matching alerts already closed: left as they are.
    pub past: Vec<String>,
}

impl Exception {
    /// An exception prefilled from `alert` (and its event for fields the alert lacks),
    /// closing as the analyst classified the alert, or as a rule-logic false positive.
    pub fn from_alert(
        alert: &Alert,
        event: Option<&Event>,
        triage: &AlertTriage,
        who: &str,
        now_ms: i64,
    ) -> Exception {
        let p = alert.process.as_ref();
        let ev = |f: &str| event.and_then(|e| e.str_field(f)).map(str::to_string);
        let command = p
            .and_then(|p| p.command_line.clone())
            .or_else(|| ev("process.command_line"));
        let classification = match triage.classification {
            Some(c @ (Classification::FalsePositive(_) | Classification::BenignPositive)) => c,
            _ => Classification::FalsePositive(FalsePositiveKind::IncorrectRuleLogic),
        };
        let mut e = Exception {
            id: String::new(),
            rule_id: Some(alert.rule_id.clone()),
            host: alert.host.clone().or_else(|| ev("host.name")),
            user: alert.user.clone().or_else(|| ev("user.name")),
            parent_executable: p
                .and_then(|p| p.parent_executable.clone())
                .or_else(|| ev("process.parent.executable")),
            executable: p
                .and_then(|p| p.executable.clone())
                .or_else(|| ev("process.executable")),
            command_line: command.as_deref().map(command_pattern),
            classification,
            reason: triage.reason.clone(),
            comment: None,
            expires_ms: None,
            created_by: who.to_string(),
            created_ms: now_ms,
            source_alert: Some(alert.id.clone()),
        };
        e.id = e.derive_id();
        e
    }

    /// `exc-` and 16 hex digits over the conditions, author and creation time.
    pub fn derive_id(&self) -> String {
        let mut h = Sha256::new();
        for part in self.conditions().map(|(_, v)| v) {
            h.update(part.as_bytes());
            h.update([0]);
        }
        h.update(self.created_by.as_bytes());
        h.update(self.created_ms.to_le_bytes());
        format!("exc-{}", hex::encode(&h.finalize()[..8]))
    }

    /// The set conditions as (field label, pattern).
    pub fn conditions(&self) -> impl Iterator<Item = (&'static str, &str)> {
        [
            ("rule", &self.rule_id),
            ("host", &self.host),
            ("user", &self.user),
            ("parent executable", &self.parent_executable),
            ("executable", &self.executable),
            ("command line", &self.command_line),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.as_deref().map(|v| (k, v)))
    }

    /// Refuses exceptions that would match everything.
    pub fn validate(&self) -> Result<(), String> {
        let narrowing = self
            .conditions()
            .any(|(_, v)| !v.chars().all(|c| c == '*' || c.is_whitespace()));
        if !narrowing {
            return Err(format!(
                "exception {} has no condition that narrows it down and would match every alert: set at least a rule, host, user or executable",
                self.id
            ));
        }
        if self.id.trim().is_empty() {
            return Err("the exception has no id: use Exception::derive_id".to_string());
        }
        Ok(())
    }

    pub fn is_active(&self, now_ms: i64) -> bool {
        self.expires_ms.is_none_or(|t| now_ms < t)
    }
}

/// A command line turned into a pattern: the program, a leading verb and the switches
/// are kept, every other argument (names, passwords, paths) becomes `*`.
pub fn command_pattern(command_line: &str) -> String {
    let tokens = split_command(command_line);
    let mut out: Vec<&str> = Vec::with_capacity(tokens.len());
    for (i, tok) in tokens.iter().enumerate() {
        let keep = i == 0
            || tok.starts_with('/')
            || tok.starts_with('-')
            || (i == 1 && tok.chars().all(|c| c.is_ascii_alphabetic()));
        let piece = if keep { tok.as_str() } else { "*" };
        if !(piece == "*" && out.last() == Some(&"*")) {
            out.push(piece);
        }
    }
    out.join(" ")
}

/// Splits on whitespace outside double quotes, keeping the quotes.
fn split_command(s: &str) -> Vec<String> {
    let mut tokens = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    for c in s.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                cur.push(c);
            }
            c if c.is_whitespace() && !quoted => {
                if !cur.is_empty() {
                    tokens.push(std::mem::take(&mut cur));
                }
            }
            c => cur.push(c),
        }
    }
    if !cur.is_empty() {
        tokens.push(cur);
    }
    tokens
}

/// Whether `exception` matches `alert` at `now_ms` (false once it has expired).
pub fn matches(exception: &Exception, alert: &Alert, now_ms: i64) -> bool {
    if !exception.is_active(now_ms) {
        return false;
    }
    let p = alert.process.as_ref();
    let checks: [(&Option<String>, Option<&str>); 6] = [
        (&exception.rule_id, Some(alert.rule_id.as_str())),
        (&exception.host, alert.host.as_deref()),
        (&exception.user, alert.user.as_deref()),
        (
            &exception.parent_executable,
            p.and_then(|p| p.parent_executable.as_deref()),
        ),
        (
            &exception.executable,
            p.and_then(|p| p.executable.as_deref()),
        ),
        (
            &exception.command_line,
            p.and_then(|p| p.command_line.as_deref()),
        ),
    ];
    checks.iter().all(|(pattern, value)| match pattern {
        None => true,
        Some(pat) => value.is_some_and(|v| Glob::new(pat).matches(v)),
    })
}

/// The first active exception matching `alert`, for marking it suppressed at detection.
pub fn suppressed_by<'a>(
    alert: &Alert,
    exceptions: impl IntoIterator<Item = &'a Exception>,
    now_ms: i64,
) -> Option<&'a str> {
    exceptions
        .into_iter()
        .find(|e| matches(e, alert, now_ms))
        .map(|e| e.id.as_str())
}

/// Splits the alerts an exception matches into open and already closed ones.
pub fn preview(exception: &Exception, alerts: &[Alert], triage: &Store, now_ms: i64) -> Preview {
    let mut out = Preview::default();
    for a in alerts.iter().filter(|a| matches(exception, a, now_ms)) {
        let closed = triage
            .peek(&a.id)
            .is_some_and(|t| t.status == Status::Closed);
        if closed {
            out.past.push(a.id.clone());
        } else {
            out.open.push(a.id.clone());
        }
    }
    out
}

/// Saves `exception` and closes the open alerts it matches, all in one durable write.
/// Returns the ids of the alerts it closed.
pub fn save(
    store: &mut Store,
    exception: &Exception,
    alerts: &[Alert],
    who: &str,
    now_ms: i64,
) -> Result<Vec<String>, StoreError> {
    exception.validate().map_err(StoreError::Invalid)?;
    let to_close = preview(exception, alerts, store, now_ms).open;
    store.save_exception(exception, &to_close, who, now_ms)?;
    Ok(to_close)
}

#[cfg(test)]
mod tests;
