//! An in-memory [`TriageSource`] for tests, snapshot fixtures and the demo example.
//!
//! It is a faithful stand-in, not a mock: queries are evaluated, trees are built from the
//! events, and triage changes append to an audit trail exactly as the real store must.

use crate::app::memory_query::Query;
use crate::app::source::{TimelineQuery, TriageChange, TriageSource};
use crate::model::process::ProcessTree;
use crate::model::triage::{AlertTriage, AuditEntry, Classification, Comment, Status};
use crate::model::{Alert, Event, RuleMeta};
use serde::Deserialize;
use std::collections::HashMap;

/// The JSON fixture format: `{"rules": [...], "events": [...], "alerts": [...], "triage": {id: ...}}`.
#[derive(Debug, Default, Deserialize)]
pub struct Fixture {
    #[serde(default)]
    pub rules: Vec<RuleMeta>,
    #[serde(default)]
    pub events: Vec<Event>,
    #[serde(default)]
    pub alerts: Vec<Alert>,
    #[serde(default)]
    pub triage: HashMap<String, AlertTriage>,
}

#[derive(Debug, Default, Clone)]
pub struct MemorySource {
    alerts: Vec<Alert>,
    rules: HashMap<String, RuleMeta>,
    /// Oldest first.
    events: Vec<Event>,
    event_index: HashMap<String, usize>,
    triage: HashMap<String, AlertTriage>,
}

impl MemorySource {
    pub fn new(fixture: Fixture) -> MemorySource {
        let mut events = fixture.events;
        events.sort_by(|a, b| (a.timestamp_ms, &a.id).cmp(&(b.timestamp_ms, &b.id)));
        let event_index = events
            .iter()
            .enumerate()
            .map(|(i, e)| (e.id.clone(), i))
            .collect();
        MemorySource {
            alerts: fixture.alerts,
            rules: fixture
                .rules
                .into_iter()
                .map(|r| (r.id.clone(), r))
                .collect(),
            events,
            event_index,
            triage: fixture.triage,
        }
    }

    /// Reads a JSON fixture; the error quotes serde's position so the file can be fixed.
    pub fn from_json(text: &str) -> Result<MemorySource, String> {
        let fixture: Fixture = serde_json::from_str(text)
            .map_err(|e| format!("the fixture is not valid vigil fixture JSON: {e}"))?;
        Ok(MemorySource::new(fixture))
    }

    pub fn push_alert(&mut self, alert: Alert) {
        self.alerts.push(alert);
    }

    pub fn push_events(&mut self, new: impl IntoIterator<Item = Event>) {
        let mut all = std::mem::take(&mut self.events);
        all.extend(new);
        *self = MemorySource::new(Fixture {
            rules: self.rules.values().cloned().collect(),
            events: all,
            alerts: std::mem::take(&mut self.alerts),
            triage: std::mem::take(&mut self.triage),
        });
    }
}

fn status_name(s: Status) -> &'static str {
    match s {
        Status::Open => "open",
        Status::Acknowledged => "acknowledged",
        Status::Closed => "closed",
    }
}

/// The audit text of a classification (`false_positive:incorrect_rule_logic`).
pub fn classification_name(c: Classification) -> String {
    match serde_json::to_value(c) {
        Ok(v) => {
            let class = v.get("class").and_then(|x| x.as_str()).unwrap_or("unknown");
            match v.get("kind").and_then(|x| x.as_str()) {
                Some(kind) => format!("{class}:{kind}"),
                None => class.to_string(),
            }
        }
        Err(_) => "unknown".to_string(),
    }
}

impl TriageSource for MemorySource {
    fn alerts(&self) -> Vec<Alert> {
        self.alerts.clone()
    }

    fn rule(&self, rule_id: &str) -> Option<RuleMeta> {
        self.rules.get(rule_id).cloned()
    }

    fn event(&self, event_id: &str) -> Option<Event> {
        self.event_index
            .get(event_id)
            .map(|&i| self.events[i].clone())
    }

    fn timeline(&self, q: &TimelineQuery) -> Result<Vec<Event>, String> {
        let query = Query::parse(&q.query)?;
        let start = self.events.partition_point(|e| e.timestamp_ms < q.from_ms);
        Ok(self.events[start..]
            .iter()
            .take_while(|e| e.timestamp_ms <= q.to_ms)
            .filter(|e| q.host.is_none() || e.str_field("host.name") == q.host.as_deref())
            .filter(|e| query.matches(&e.doc))
            .take(q.limit)
            .cloned()
            .collect())
    }

    fn process_tree(&self, alert: &Alert) -> Result<ProcessTree, String> {
        crate::app::memory_tree::build(alert, &self.events, &self.alerts)
    }

    fn triage(&self, alert_id: &str) -> AlertTriage {
        self.triage.get(alert_id).cloned().unwrap_or_default()
    }

    fn apply(
        &mut self,
        alert_ids: &[String],
        change: &TriageChange,
        by: &str,
        at_ms: i64,
    ) -> Result<(), String> {
        for id in alert_ids {
            if !self.alerts.iter().any(|a| &a.id == id) {
                return Err(format!("no alert with id '{id}' in this workspace"));
            }
        }
        for id in alert_ids {
            let t = self.triage.entry(id.clone()).or_default();
            let mut audit = |what: &str, from: Option<String>, to: Option<String>| {
                t.audit.push(AuditEntry {
                    by: by.to_string(),
                    at_ms,
                    what: what.to_string(),
                    from,
                    to,
                });
            };
            match change {
                TriageChange::Status(s) => {
                    audit(
                        "status",
                        Some(status_name(t.status).into()),
                        Some(status_name(*s).into()),
                    );
                    t.status = *s;
                    if *s != Status::Closed {
                        t.classification = None;
                        t.reason = None;
                    }
                }
                TriageChange::Classify {
                    classification,
                    reason,
                } => {
                    if t.status != Status::Closed {
                        audit(
                            "status",
                            Some(status_name(t.status).into()),
                            Some("closed".into()),
                        );
                    }
                    audit(
                        "classification",
                        t.classification.map(classification_name),
                        Some(classification_name(*classification)),
                    );
                    if reason != &t.reason {
                        audit("reason", t.reason.clone(), reason.clone());
                    }
                    t.status = Status::Closed;
                    t.classification = Some(*classification);
                    t.reason.clone_from(reason);
                }
                TriageChange::Comment(text) => {
                    audit("comment", None, Some(text.clone()));
                    t.comments.push(Comment {
                        by: by.to_string(),
                        at_ms,
                        text: text.clone(),
                    });
                }
            }
        }
        Ok(())
    }
}
