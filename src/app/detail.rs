//! The alert detail as styled lines: rule, MITRE mapping, matched events (key fields
//! first), other rules on the same event, and nearby alerts for the same user or host.
//!
//! Built once per alert (and on triage changes) so `update` knows how far it can scroll;
//! views only translate the semantic style names and sanitize the text.

use crate::app::state::AppState;
use crate::model::fields::{get, scalar_text};
use crate::model::{Alert, Event};

/// A run of text with a semantic style key from the theme (`label`, `severity.high`...).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    pub text: String,
    pub style: &'static str,
}

pub type StyledLine = Vec<Span>;

pub fn span(text: impl Into<String>, style: &'static str) -> Span {
    Span {
        text: text.into(),
        style,
    }
}

/// ECS fields shown first for a matched event, in this order, when present.
pub const KEY_FIELDS: &[&str] = &[
    "@timestamp",
    "event.code",
    "event.action",
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
    "process.parent.pid",
    "process.parent.command_line",
    "registry.path",
    "winlog.channel",
    "winlog.record_id",
];

pub fn severity_style(sev: crate::model::Severity) -> &'static str {
    use crate::model::Severity::{Critical, High, Informational, Low, Medium};
    match sev {
        Informational => "severity.informational",
        Low => "severity.low",
        Medium => "severity.medium",
        High => "severity.high",
        Critical => "severity.critical",
    }
}

/// `2026-11-21 20:26:49Z` (UTC, seconds).
pub fn format_time(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms).map_or_else(
        || format!("{ms} ms"),
        |t| t.format("%Y-%m-%d %H:%M:%SZ").to_string(),
    )
}

fn field_line(label: &str, value: String) -> StyledLine {
    vec![span(format!("{label:<28} "), "label"), span(value, "base")]
}

fn event_lines(e: &Event, out: &mut Vec<StyledLine>) {
    out.push(vec![span(format!("Event {}", e.id), "title")]);
    for f in KEY_FIELDS {
        let Some(v) = get(&e.doc, f) else { continue };
        let text = match v {
            serde_json::Value::Array(items) => items
                .iter()
                .filter_map(scalar_text)
                .collect::<Vec<_>>()
                .join(", "),
            other => scalar_text(other).unwrap_or_else(|| other.to_string()),
        };
        out.push(field_line(f, text));
    }
}

fn alert_line(s: &AppState, a: &Alert) -> StyledLine {
    let status = crate::app::queue::status_word(s.status_of(&a.id));
    vec![
        span(format!("  {} ", format_time(a.timestamp_ms)), "muted"),
        span(
            format!("{:<8} ", a.severity.as_str()),
            severity_style(a.severity),
        ),
        span(a.rule_name.clone(), "base"),
        span(
            format!(
                "  host {}  user {}  [{status}]",
                a.host.as_deref().unwrap_or("-"),
                a.user.as_deref().unwrap_or("-")
            ),
            "muted",
        ),
    ]
}

/// Every line of the detail pane for the open alert.
pub fn build(s: &AppState) -> Vec<StyledLine> {
    let Some(v) = &s.view else { return Vec::new() };
    let a = &v.data.alert;
    let mut out: Vec<StyledLine> = Vec::new();
    out.push(vec![span(a.rule_name.clone(), "title")]);
    out.push(vec![
        span("Severity ", "label"),
        span(a.severity.as_str(), severity_style(a.severity)),
        span(format!("   Risk {}", a.risk_score), "base"),
        span(format!("   {}", format_time(a.timestamp_ms)), "muted"),
        span(format!("   alert {}", a.id), "muted"),
    ]);
    out.push(field_line(
        "Host",
        a.host.clone().unwrap_or_else(|| "-".into()),
    ));
    out.push(field_line(
        "User",
        a.user.clone().unwrap_or_else(|| "-".into()),
    ));
    for (k, val) in &a.fields {
        out.push(field_line(k, val.clone()));
    }
    for fp in &a.fp_suggestions {
        out.push(field_line(
            "Possible false positive",
            format!("{} ({})", fp.category, fp.evidence),
        ));
    }
    if let Some(exc) = &a.suppressed_by {
        out.push(field_line("Suppressed by exception", exc.clone()));
    }
    if let Some(rule) = &v.data.rule {
        out.push(Vec::new());
        for line in rule.description.lines() {
            out.push(vec![span(line.to_string(), "base")]);
        }
    }
    if !a.mitre.is_empty() {
        out.push(Vec::new());
        out.push(vec![span("MITRE ATT&CK", "header")]);
        for m in &a.mitre {
            let part = |id: &Option<String>, name: &Option<String>| match (id, name) {
                (Some(i), Some(n)) => Some(format!("{i} {n}")),
                (Some(i), None) => Some(i.clone()),
                (None, Some(n)) => Some(n.clone()),
                (None, None) => None,
            };
            let parts: Vec<String> = [
                part(&m.tactic_id, &m.tactic_name),
                part(&m.technique_id, &m.technique_name),
                part(&m.subtechnique_id, &m.subtechnique_name),
            ]
            .into_iter()
            .flatten()
            .collect();
            out.push(vec![span(format!("  {}", parts.join(" › ")), "base")]);
        }
    }
    out.push(Vec::new());
    out.push(vec![
        span(format!("Matched events ({})", a.event_ids.len()), "header"),
        span("   r: full original record", "muted"),
    ]);
    for e in &v.data.events {
        event_lines(e, &mut out);
    }
    let missing = a.event_ids.len().saturating_sub(v.data.events.len());
    if missing > 0 {
        out.push(vec![span(
            format!("{missing} matched event(s) not found in the workspace"),
            "error",
        )]);
    }
    triage_lines(s, &a.id, &mut out);
    out.push(Vec::new());
    out.push(vec![span("Other rules on the same event", "header")]);
    if v.same_event.is_empty() {
        out.push(vec![span("  none", "muted")]);
    }
    for &i in &v.same_event {
        out.push(alert_line(s, &s.alerts[i]));
    }
    out.push(Vec::new());
    out.push(vec![span(
        "Other alerts for this user or host within 48 hours",
        "header",
    )]);
    if v.nearby.is_empty() {
        out.push(vec![span("  none", "muted")]);
    }
    for &i in &v.nearby {
        out.push(alert_line(s, &s.alerts[i]));
    }
    out
}

/// The analyst's decisions on the alert: state, comments and the audit trail.
fn triage_lines(s: &AppState, alert_id: &str, out: &mut Vec<StyledLine>) {
    let Some(t) = s.triage.get(alert_id) else {
        return;
    };
    out.push(Vec::new());
    out.push(vec![span("Triage", "header")]);
    let status = crate::app::queue::status_word(t.status);
    let mut line = vec![
        span(format!("{:<28} ", "Status"), "label"),
        span(status, "base"),
    ];
    if let Some(c) = t.classification {
        line.push(span(
            format!("   {}", crate::app::memory::classification_name(c)),
            "base",
        ));
    }
    if let Some(r) = &t.reason {
        line.push(span(format!("   reason: {r}"), "base"));
    }
    if let Some(e) = &t.exception_id {
        line.push(span(format!("   by exception {e}"), "muted"));
    }
    out.push(line);
    for c in &t.comments {
        out.push(vec![
            span(format!("  {} {}: ", format_time(c.at_ms), c.by), "muted"),
            span(c.text.clone(), "base"),
        ]);
    }
    if !t.audit.is_empty() {
        out.push(vec![span("Audit trail", "label")]);
    }
    for e in &t.audit {
        out.push(vec![
            span(format!("  {} {} ", format_time(e.at_ms), e.by), "muted"),
            span(
                format!(
                    "{}: {} → {}",
                    e.what,
                    e.from.as_deref().unwrap_or("-"),
                    e.to.as_deref().unwrap_or("-")
                ),
                "base",
            ),
        ]);
    }
}

/// The original records of events, pretty-printed when they are JSON.
pub fn record_lines(events: &[Event]) -> Vec<String> {
    let mut out = Vec::new();
    for (n, e) in events.iter().enumerate() {
        if n > 0 {
            out.push(String::new());
        }
        out.push(format!(
            "── event {} ({})",
            e.id,
            format_time(e.timestamp_ms)
        ));
        let pretty = serde_json::from_str::<serde_json::Value>(&e.original)
            .ok()
            .and_then(|v| serde_json::to_string_pretty(&v).ok());
        let text = pretty.unwrap_or_else(|| e.original.clone());
        out.extend(text.lines().map(str::to_string));
    }
    out
}
