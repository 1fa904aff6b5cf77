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
pub const FIELD_NAMES: [&str; 8] = [
    "rule",
    "host",
    "user",
    "parent executable",
    "executable",
    "command line",
    "reason",
    "comment",
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
    /// The editable fields in display order: (label, value).
    pub fn fields(&self) -> [(&'static str, Option<&str>); 8] {
        let values = [
            self.rule_id.as_deref(),
            self.host.as_deref(),
            self.user.as_deref(),
            self.parent_executable.as_deref(),
            self.executable.as_deref(),
            self.command_line.as_deref(),
            self.reason.as_deref(),
            self.comment.as_deref(),
        ];
        std::array::from_fn(|i| (FIELD_NAMES[i], values[i]))
    }

    /// Sets field `index` of [`ExceptionDraft::fields`]; empty text clears it.
    pub fn set_field(&mut self, index: usize, text: &str) {
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
            _ => {}
        }
    }
}

/// How many alerts an exception would close now (open) and how many already closed ones
/// it matches (past).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ExceptionPreview {
    pub open: usize,
    pub past: usize,
}
