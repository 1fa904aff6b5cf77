//! Case notes: everything known and decided about one alert, as Markdown for people and
//! JSON for tools, each sealed with a SHA-256 over its content. Event data is escaped so
//! it cannot alter the document, and file names are derived safely from the alert.

mod escape;
mod json;
mod markdown;

pub use json::{json, verify as verify_json};
pub use markdown::markdown;

use crate::model::triage::AlertTriage;
use crate::model::{Alert, Event, RuleMeta};
use crate::triage::guide::{Guide, SectionKind};
use crate::triage::pivot::{self, PivotTarget};
use serde::Serialize;
use std::collections::BTreeMap;

/// ECS fields shown first, in this order, when the event has them.
pub const KEY_FIELDS: &[&str] = &[
    "@timestamp",
    "event.code",
    "event.action",
    "winlog.channel",
    "host.name",
    "user.domain",
    "user.name",
    "user.target.name",
    "group.name",
    "process.name",
    "process.pid",
    "process.executable",
    "process.command_line",
    "process.parent.name",
    "process.parent.executable",
    "process.parent.command_line",
    "process.hash.sha256",
    "registry.path",
    "file.path",
    "source.ip",
    "destination.ip",
    "vigil.source.path",
];

/// A pivot of a step with its hit count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PivotCount {
    pub label: String,
    pub target: PivotTarget,
    /// The index query for events pivots.
    pub query: Option<String>,
    /// `None` when the count is unknown (not run, or the pivot could not be resolved).
    pub count: Option<u64>,
}

/// One checklist step with its state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChecklistItem {
    pub id: String,
    pub section: SectionKind,
    pub text: String,
    pub done: bool,
    pub note: Option<String>,
    pub by: Option<String>,
    pub at_ms: Option<i64>,
    pub pivots: Vec<PivotCount>,
}

/// Everything a case note holds.
#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    pub alert: Alert,
    pub rule: Option<RuleMeta>,
    /// (ECS field, value) from the alert's event, then the rule-extracted alert fields.
    pub key_fields: Vec<(String, String)>,
    /// The process tree as plain text ([`crate::triage::tree::render_text`]).
    pub process_tree: Option<String>,
    pub checklist: Vec<ChecklistItem>,
    pub triage: AlertTriage,
    pub generated_at_ms: i64,
}

/// What the caller knows about an alert, to assemble a [`Case`].
pub struct CaseInput<'a> {
    pub alert: &'a Alert,
    pub rule: Option<&'a RuleMeta>,
    /// The alert's (first) matched event.
    pub event: Option<&'a Event>,
    pub process_tree: Option<String>,
    pub guide: Option<&'a Guide>,
    pub triage: &'a AlertTriage,
    /// Hit counts of events pivots, by events query string (as from
    /// [`pivot::query::events_query`]); the caller runs them against the index.
    pub event_counts: &'a BTreeMap<String, u64>,
    /// Alerts that alerts pivots are counted over (usually all alerts of the workspace).
    pub alerts: &'a [Alert],
    pub now_ms: i64,
}

impl Case {
    pub fn build(input: CaseInput<'_>) -> Case {
        let mut key_fields = Vec::new();
        if let Some(ev) = input.event {
            for &f in KEY_FIELDS {
                let mut values = Vec::new();
                crate::model::fields::for_each_scalar(&ev.doc, f, &mut |v| {
                    if let Some(t) = crate::model::fields::scalar_text(v) {
                        values.push(t);
                    }
                });
                if !values.is_empty() {
                    key_fields.push((f.to_string(), values.join(", ")));
                }
            }
        }
        for (k, v) in &input.alert.fields {
            key_fields.push((format!("vigil.fields.{k}"), v.clone()));
        }
        let checklist = input
            .guide
            .map(|g| {
                g.steps
                    .iter()
                    .map(|step| {
                        let state = input
                            .triage
                            .steps
                            .get(&step.id)
                            .cloned()
                            .unwrap_or_default();
                        ChecklistItem {
                            id: step.id.clone(),
                            section: step.section,
                            text: step.text.clone(),
                            done: state.done,
                            note: state.note,
                            by: state.by,
                            at_ms: state.at_ms,
                            pivots: step
                                .pivots
                                .iter()
                                .map(|spec| count_pivot(spec, &input))
                                .collect(),
                        }
                    })
                    .collect()
            })
            .unwrap_or_default();
        Case {
            alert: input.alert.clone(),
            rule: input.rule.cloned(),
            key_fields,
            process_tree: input.process_tree,
            checklist,
            triage: input.triage.clone(),
            generated_at_ms: input.now_ms,
        }
    }

    /// The reason with its label when it names one of the rule's false-positive categories.
    pub fn reason_text(&self) -> Option<String> {
        let reason = self.triage.reason.as_deref()?;
        let label = self
            .rule
            .as_ref()
            .and_then(|r| r.false_positives.iter().find(|c| c.id == reason))
            .map(|c| c.label.as_str());
        Some(match label {
            Some(l) => format!("{l} ({reason})"),
            None => reason.to_string(),
        })
    }
}

fn count_pivot(spec: &pivot::PivotSpec, input: &CaseInput<'_>) -> PivotCount {
    let p = pivot::resolve(spec, input.alert, input.event);
    let (query, count) = match p.target {
        PivotTarget::Events => {
            let q = pivot::query::events_query(&p);
            let c = q.as_ref().and_then(|q| input.event_counts.get(q).copied());
            (q, c)
        }
        PivotTarget::Alerts => {
            let c = p
                .is_runnable()
                .then(|| pivot::alerts::matching(&p, input.alerts).len() as u64);
            (None, c)
        }
    };
    PivotCount {
        label: p.label,
        target: p.target,
        query,
        count,
    }
}

/// A safe file name for an alert's case note: `vigil-case-<rule>-<alert id>.<ext>`,
/// ASCII letters, digits and dashes only, at most ~110 characters.
pub fn file_name(alert: &Alert, ext: &str) -> String {
    let rule = escape::slug(&alert.rule_name, 48, "rule");
    let id = escape::slug(&alert.id, 40, "alert");
    let ext = escape::slug(ext, 8, "txt");
    format!("vigil-case-{rule}-{id}.{ext}")
}

pub(crate) fn iso(ms: i64) -> String {
    use chrono::{SecondsFormat, TimeZone, Utc};
    Utc.timestamp_millis_opt(ms).single().map_or_else(
        || ms.to_string(),
        |t| t.to_rfc3339_opts(SecondsFormat::Millis, true),
    )
}

#[cfg(test)]
mod tests;
