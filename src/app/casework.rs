//! Data the checklist, exception editor and case-note export exchange with the source.
//!
//! Plain types owned by the interface; the workspace implementation maps the triage
//! library's guide, pivot, exception and export types onto them.

use crate::model::triage::Classification;

/// What a display line of the guide is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GuideLineKind {
    Heading(u8),
    Text,
    Code,
    /// A checklist step (index into `Checklist::steps`).
    Step(usize),
    Blank,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GuideLine {
    pub kind: GuideLineKind,
    /// Readable text (Markdown markup removed; list markers kept for non-step items).
    pub text: String,
    /// Nesting depth for list items.
    pub depth: usize,
}

/// Where a pivot's results are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PivotResults {
    /// Events: a query in the `vigil search` syntax over a time range (any host).
    Events {
        query: String,
        from_ms: Option<i64>,
        to_ms: Option<i64>,
    },
    /// Alerts, by id.
    Alerts(Vec<String>),
}

/// A step's pivot resolved for one alert, with its live hit count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PivotHit {
    pub label: String,
    /// `Err` explains why the pivot cannot run (a field the alert lacks...).
    pub count: Result<usize, String>,
    pub results: Option<PivotResults>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChecklistStep {
    /// Stable id under which the step's state is kept (`AlertTriage::steps`).
    pub id: String,
    pub text: String,
    pub pivots: Vec<PivotHit>,
}

/// A rule's guide for one alert: readable lines, and the steps to tick.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Checklist {
    pub lines: Vec<GuideLine>,
    pub steps: Vec<ChecklistStep>,
}

/// The exception editor's field names, in the order of [`ExceptionDraft::fields`].
pub const FIELD_NAMES: [&str; 9] = [
    "rule",
    "host",
    "user",
    "parent executable",
    "executable",
    "command line",
    "reason",
    "comment",
    "expires (YYYY-MM-DD)",
];

/// An exception being edited: every set condition must match (case-insensitive, `*`/`?`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExceptionDraft {
    pub rule_id: Option<String>,
    pub host: Option<String>,
    pub user: Option<String>,
    pub parent_executable: Option<String>,
    pub executable: Option<String>,
    pub command_line: Option<String>,
    pub classification: Classification,
    pub reason: Option<String>,
    pub comment: Option<String>,
    pub expires_ms: Option<i64>,
    /// The alert the exception was made from.
    pub source_alert: Option<String>,
}

impl ExceptionDraft {
    /// The editable fields in display order: (label, value as text).
    pub fn fields(&self) -> [(&'static str, Option<String>); 9] {
        let expiry = self
            .expires_ms
            .and_then(chrono::DateTime::from_timestamp_millis);
        let values = [
            self.rule_id.clone(),
            self.host.clone(),
            self.user.clone(),
            self.parent_executable.clone(),
            self.executable.clone(),
            self.command_line.clone(),
            self.reason.clone(),
            self.comment.clone(),
            expiry.map(|t| t.format("%Y-%m-%d").to_string()),
        ];
        let mut values = values.into_iter();
        std::array::from_fn(|i| (FIELD_NAMES[i], values.next().flatten()))
    }

    /// Sets field `index` of [`ExceptionDraft::fields`]; empty text clears it. An expiry
    /// date is the end of that day, UTC.
    pub fn set_field(&mut self, index: usize, text: &str) -> Result<(), String> {
        let v = (!text.trim().is_empty()).then(|| text.trim().to_string());
        match index {
            0 => self.rule_id = v,
            1 => self.host = v,
            2 => self.user = v,
            3 => self.parent_executable = v,
            4 => self.executable = v,
            5 => self.command_line = v,
            6 => self.reason = v,
            7 => self.comment = v,
            8 => {
                self.expires_ms = match v {
                    None => None,
                    Some(day) => {
                        let date = chrono::NaiveDate::parse_from_str(&day, "%Y-%m-%d").map_err(|_| {
                            format!("expiry '{day}' is not a date: write it as YYYY-MM-DD, or leave it empty")
                        })?;
                        let end = date.and_hms_milli_opt(23, 59, 59, 999).map(|t| t.and_utc());
                        end.map(|t| t.timestamp_millis())
                    }
                };
            }
            _ => {}
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_set_clear_and_parse_the_expiry() {
        let mut d = ExceptionDraft {
            rule_id: Some("r".into()),
            host: None,
            user: None,
            parent_executable: None,
            executable: None,
            command_line: None,
            classification: Classification::Duplicate,
            reason: None,
            comment: None,
            expires_ms: None,
            source_alert: None,
        };
        d.set_field(1, " WS01 ").unwrap();
        assert_eq!(d.host.as_deref(), Some("WS01"));
        d.set_field(0, "").unwrap();
        assert_eq!(d.rule_id, None);
        d.set_field(8, "2026-12-31").unwrap();
        assert_eq!(d.fields()[8].1.as_deref(), Some("2026-12-31"));
        let err = d.set_field(8, "next week").unwrap_err();
        assert!(err.contains("'next week'"), "{err}");
        assert_eq!(
            d.fields()[8].1.as_deref(),
            Some("2026-12-31"),
            "a bad date keeps the old one"
        );
    }
}

/// How many alerts an exception would close now (open) and how many already closed ones
/// it matches (past).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ExceptionPreview {
    pub open: usize,
    pub past: usize,
}
