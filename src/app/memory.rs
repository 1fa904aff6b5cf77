//! An in-memory [`TriageSource`] for tests, snapshot fixtures and the demo example.
//!
//! It is a faithful stand-in, not a mock: queries are evaluated, trees are built from the
//! events, and triage changes append to an audit trail exactly as the real store must.

use crate::app::casework::{Checklist, ExceptionDraft, ExceptionPreview};
use crate::app::memory_casework::{self as casework, FixturePivot};
use crate::app::memory_query::Query;
use crate::app::source::{TimelineQuery, TriageChange, TriageSource};
use crate::model::process::ProcessTree;
use crate::model::triage::{AlertTriage, AuditEntry, Classification, Comment, Status};
use crate::model::{Alert, Event, RuleMeta};
use serde::Deserialize;
use std::collections::HashMap;
use std::path::PathBuf;

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
    #[serde(default)]
    pub pivots: Vec<FixturePivot>,
}

#[derive(Debug, Default, Clone)]
pub struct MemorySource {
    alerts: Vec<Alert>,
    rules: HashMap<String, RuleMeta>,
    /// Oldest first.
    events: Vec<Event>,
    event_index: HashMap<String, usize>,
    triage: HashMap<String, AlertTriage>,
    pivots: Vec<FixturePivot>,
    exceptions: Vec<(String, ExceptionDraft)>,
    export_dir: Option<PathBuf>,
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
            pivots: fixture.pivots,
            exceptions: Vec::new(),
            export_dir: None,
        }
    }

    /// Where `export_case_notes` writes its Markdown files.
    pub fn with_export_dir(mut self, dir: PathBuf) -> MemorySource {
        self.export_dir = Some(dir);
        self
    }

    /// Exceptions saved so far: (id, conditions).
    pub fn exceptions(&self) -> &[(String, ExceptionDraft)] {
        &self.exceptions
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
        let export_dir = self.export_dir.take();
        let exceptions = std::mem::take(&mut self.exceptions);
        *self = MemorySource::new(Fixture {
            rules: self.rules.values().cloned().collect(),
            events: all,
            alerts: std::mem::take(&mut self.alerts),
            triage: std::mem::take(&mut self.triage),
            pivots: std::mem::take(&mut self.pivots),
        });
        self.export_dir = export_dir;
        self.exceptions = exceptions;
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
                TriageChange::Step {
                    step_id,
                    done,
                    note,
                } => {
                    let st = t.steps.entry(step_id.clone()).or_default();
                    let word = |d: bool| if d { "done" } else { "todo" }.to_string();
                    let what = format!("step:{step_id}");
                    let (old_done, old_note) = (st.done, st.note.clone());
                    st.done = *done;
                    if note.is_some() {
                        st.note.clone_from(note);
                    }
                    st.by = Some(by.to_string());
                    st.at_ms = Some(at_ms);
                    if old_done != *done {
                        audit(&what, Some(word(old_done)), Some(word(*done)));
                    }
                    if note.is_some() && &old_note != note {
                        audit(&format!("{what}:note"), old_note, note.clone());
                    }
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

    fn checklist(&self, alert: &Alert) -> Result<Checklist, String> {
        let rule = self
            .rules
            .get(&alert.rule_id)
            .ok_or_else(|| format!("rule '{}' is not loaded", alert.rule_id))?;
        let guide = rule
            .guide
            .as_deref()
            .ok_or_else(|| format!("rule '{}' has no investigation guide", rule.name))?;
        let event = alert.event_ids.first().and_then(|id| self.event(id));
        let ctx = casework::Ctx {
            alerts: &self.alerts,
            events: &self.events,
            pivots: &self.pivots,
        };
        Ok(casework::checklist(guide, alert, event.as_ref(), &ctx))
    }

    fn exception_draft(&self, alert: &Alert) -> ExceptionDraft {
        casework::draft_from(alert, &self.triage(&alert.id))
    }

    fn preview_exception(&self, draft: &ExceptionDraft) -> Result<ExceptionPreview, String> {
        casework::validate(draft)?;
        let mut p = ExceptionPreview::default();
        for a in self.alerts.iter().filter(|a| casework::matches(draft, a)) {
            if self.triage(&a.id).status == Status::Closed {
                p.past += 1;
            } else {
                p.open += 1;
            }
        }
        Ok(p)
    }

    fn save_exception(
        &mut self,
        draft: &ExceptionDraft,
        by: &str,
        at_ms: i64,
    ) -> Result<(String, usize), String> {
        casework::validate(draft)?;
        let id = format!("exc-{}", self.exceptions.len() + 1);
        let open: Vec<String> = self
            .alerts
            .iter()
            .filter(|a| casework::matches(draft, a) && self.triage(&a.id).status != Status::Closed)
            .map(|a| a.id.clone())
            .collect();
        let change = TriageChange::Classify {
            classification: draft.classification,
            reason: draft.reason.clone(),
        };
        self.apply(&open, &change, by, at_ms)?;
        for a in &open {
            let t = self.triage.entry(a.clone()).or_default();
            t.exception_id = Some(id.clone());
            t.audit.push(AuditEntry {
                by: by.to_string(),
                at_ms,
                what: "exception".into(),
                from: None,
                to: Some(id.clone()),
            });
        }
        self.exceptions.push((id.clone(), draft.clone()));
        Ok((id, open.len()))
    }

    fn export_case_notes(&self, alert_ids: &[String]) -> Result<String, String> {
        let dir = self
            .export_dir
            .as_ref()
            .ok_or("no export directory is set for the in-memory source")?;
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        for id in alert_ids {
            let a = self
                .alerts
                .iter()
                .find(|a| &a.id == id)
                .ok_or_else(|| format!("no alert with id '{id}'"))?;
            let md = casework::case_markdown(a, &self.triage(id), self.checklist(a).ok().as_ref());
            let path = dir.join(format!("{}.md", casework::safe_file_name(id)));
            std::fs::write(&path, md)
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        }
        Ok(format!(
            "{} case note(s) written to {}",
            alert_ids.len(),
            dir.display()
        ))
    }
}
