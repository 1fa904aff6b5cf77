//! The interface's data source over a real workspace: alerts from the alert store, events
//! from the index, the analyst's decisions from the triage store.

use crate::app::casework::{
    Checklist, ChecklistStep, ExceptionDraft, ExceptionPreview, GuideLine, GuideLineKind, PivotHit,
    PivotResults,
};
use crate::app::source::{
    ShownTree, TimelineQuery, TimelineRead, TreeRead, TriageChange, TriageSource,
};
use crate::detect::AlertStore;
use crate::index::reader::EventSearcher;
use crate::model::process::ProcessTree;
use crate::model::triage::AlertTriage;
use crate::model::{Alert, Event, RuleMeta};
use crate::session::alert_keys::IndexedAlerts;
use crate::session::casework::{self, build_case, focus_event, guide_with_counts};
use crate::session::reads;
use crate::store::{Change, Durability, Store};
use crate::triage::exceptions::{self, Exception};
use crate::triage::guide::{LineKind, SpanStyle};
use crate::workspace::Workspace;
use std::path::PathBuf;
use std::sync::Arc;
use std::thread::JoinHandle;

pub struct WorkspaceSource {
    ws: Workspace,
    /// Shared with timeline reads running on other threads.
    searcher: Arc<EventSearcher>,
    alerts: AlertStore,
    /// Every alert in time order, kept so casework does not clone them all per call.
    /// With the look-up that marks a tree's alerts; shared with reads on other threads.
    sorted: Arc<IndexedAlerts>,
    store: Store,
    export_dir: PathBuf,
    /// The alert store being read on another thread (`open_in_background`).
    pending: Option<JoinHandle<Result<Loaded, String>>>,
}

/// The alert store and its alerts in time order.
type Loaded = (AlertStore, IndexedAlerts);

fn load_alerts(dir: &std::path::Path) -> Result<Loaded, String> {
    let alerts = AlertStore::open(dir).map_err(text)?;
    let sorted = IndexedAlerts::new(alerts.alerts().into_iter().cloned().collect());
    Ok((alerts, sorted))
}

fn text<E: std::fmt::Display>(e: E) -> String {
    e.to_string()
}

impl WorkspaceSource {
    pub fn open(ws: Workspace) -> Result<Self, String> {
        let (alerts, sorted) = load_alerts(&ws.alerts_dir())?;
        Self::with_alerts(ws, alerts, sorted, None)
    }

    /// Opens the workspace but reads its alerts on another thread, so the interface can
    /// draw at once; until [`TriageSource::poll_loaded`] reports them the source has none.
    pub fn open_in_background(ws: Workspace) -> Result<Self, String> {
        let dir = ws.alerts_dir();
        let pending = std::thread::spawn(move || load_alerts(&dir));
        Self::with_alerts(
            ws,
            AlertStore::default(),
            IndexedAlerts::default(),
            Some(pending),
        )
    }

    fn with_alerts(
        ws: Workspace,
        alerts: AlertStore,
        sorted: IndexedAlerts,
        pending: Option<JoinHandle<Result<Loaded, String>>>,
    ) -> Result<Self, String> {
        let searcher = Arc::new(ws.searcher().map_err(text)?);
        let mut store = Store::open(&ws.state_dir()).map_err(text)?;
        // A keystroke must not wait for the disk: changes are written at once (safe from
        // kill -9) and synced within `store::SYNC_DELAY`, and on `close`.
        store.set_durability(Durability::Deferred).map_err(text)?;
        let export_dir = ws.root().join("case-notes");
        Ok(Self {
            ws,
            searcher,
            alerts,
            sorted: Arc::new(sorted),
            store,
            export_dir,
            pending,
        })
    }

    fn all_alerts(&self) -> &[Alert] {
        &self.sorted.list
    }

    fn find(&self, id: &str) -> Result<&Alert, String> {
        self.alerts
            .get(id)
            .ok_or_else(|| format!("no alert with id '{id}' in this workspace"))
    }

    fn exception_of(&self, d: &ExceptionDraft, by: &str, at_ms: i64) -> Exception {
        let mut e = Exception {
            id: String::new(),
            rule_id: d.rule_id.clone(),
            host: d.host.clone(),
            user: d.user.clone(),
            parent_executable: d.parent_executable.clone(),
            executable: d.executable.clone(),
            command_line: d.command_line.clone(),
            classification: d.classification,
            reason: d.reason.clone(),
            comment: d.comment.clone(),
            expires_ms: d.expires_ms,
            created_by: by.to_string(),
            created_ms: at_ms,
            source_alert: d.source_alert.clone(),
        };
        e.id = e.derive_id();
        e
    }
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

impl TriageSource for WorkspaceSource {
    fn alerts(&self) -> Vec<Alert> {
        self.sorted.list.clone()
    }

    fn rule(&self, rule_id: &str) -> Option<RuleMeta> {
        self.alerts.rule(rule_id).cloned()
    }

    fn event(&self, event_id: &str) -> Option<Event> {
        self.searcher
            .get_events(&[event_id])
            .ok()?
            .into_iter()
            .next()
    }

    fn timeline(&self, q: &TimelineQuery) -> Result<Vec<Event>, String> {
        reads::timeline(&self.searcher, q)
    }

    fn timeline_read(&self, q: &TimelineQuery) -> Option<TimelineRead> {
        let searcher = Arc::clone(&self.searcher);
        let q = q.clone();
        Some(Box::new(move || reads::timeline(&searcher, &q)))
    }

    fn process_tree(&self, alert: &Alert) -> Result<ProcessTree, String> {
        casework::process_tree_up_to(&self.searcher, alert, &self.sorted, None).map(|(b, _)| b.tree)
    }

    fn shown_tree(&self, alert: &Alert, all_ancestors: bool) -> Result<ShownTree, String> {
        reads::shown_tree(&self.searcher, alert, &self.sorted, all_ancestors)
    }

    fn tree_read(&self, alert: &Alert, all_ancestors: bool) -> Option<TreeRead> {
        let (searcher, alerts) = (Arc::clone(&self.searcher), Arc::clone(&self.sorted));
        let alert = alert.clone();
        Some(Box::new(move || {
            reads::shown_tree(&searcher, &alert, &alerts, all_ancestors)
        }))
    }

    fn triage(&self, alert_id: &str) -> AlertTriage {
        self.store.get(alert_id)
    }

    fn apply(
        &mut self,
        alert_ids: &[String],
        change: &TriageChange,
        by: &str,
        at_ms: i64,
    ) -> Result<(), String> {
        for id in alert_ids {
            self.find(id)?;
        }
        let change = match change.clone() {
            TriageChange::Status(s) => Change::SetStatus(s),
            TriageChange::Classify {
                classification,
                reason,
            } => Change::Classify {
                classification,
                reason,
            },
            TriageChange::Comment(c) => Change::Comment(c),
            TriageChange::Step {
                step_id,
                done: true,
                note,
            } => Change::CheckStep {
                step: step_id,
                note,
            },
            TriageChange::Step {
                step_id,
                done: false,
                ..
            } => Change::UncheckStep { step: step_id },
        };
        self.store
            .apply_many(alert_ids, &change, by, at_ms)
            .map(|_| ())
            .map_err(text)
    }

    fn checklist(&self, alert: &Alert) -> Result<Checklist, String> {
        let rule = self.alerts.rule(&alert.rule_id);
        let event = focus_event(&self.searcher, alert);
        let (guide, counted) = guide_with_counts(
            &self.searcher,
            rule,
            alert,
            event.as_ref(),
            self.all_alerts(),
        );
        let lines = guide
            .lines
            .iter()
            .map(|l| {
                let joined: String = l
                    .spans
                    .iter()
                    .map(|s| match &s.style {
                        SpanStyle::Embed(_) => format!("[{}]", s.text),
                        _ => s.text.clone(),
                    })
                    .collect();
                let (kind, depth, text) = match (&l.kind, l.step) {
                    (LineKind::Item { depth, .. }, Some(i)) => {
                        (GuideLineKind::Step(i), *depth, joined)
                    }
                    (_, Some(i)) => (GuideLineKind::Step(i), 0, joined),
                    (LineKind::Heading { level }, None) => {
                        (GuideLineKind::Heading(*level), 0, joined)
                    }
                    (LineKind::Item { depth, marker }, None) => {
                        (GuideLineKind::Text, *depth, format!("{marker} {joined}"))
                    }
                    (LineKind::Code { .. }, None) => (GuideLineKind::Code, 0, joined),
                    (LineKind::Blank, None) => (GuideLineKind::Blank, 0, String::new()),
                    (LineKind::Rule, None) => (GuideLineKind::Text, 0, "───".into()),
                    (_, None) => (GuideLineKind::Text, 0, joined),
                };
                GuideLine { kind, text, depth }
            })
            .collect();
        let steps = guide
            .steps
            .iter()
            .zip(counted)
            .map(|(step, pivots)| ChecklistStep {
                id: step.id.clone(),
                text: step.text.clone(),
                pivots: pivots
                    .into_iter()
                    .map(|c| PivotHit {
                        label: c.pivot.label.clone(),
                        results: match (&c.count, c.pivot.target) {
                            (Err(_), _) => None,
                            (Ok(_), crate::triage::pivot::PivotTarget::Alerts) => {
                                Some(PivotResults::Alerts(c.alert_ids.clone()))
                            }
                            (Ok(_), crate::triage::pivot::PivotTarget::Events) => {
                                c.query.clone().map(|query| PivotResults::Events {
                                    query,
                                    from_ms: c.pivot.from_ms,
                                    to_ms: c.pivot.to_ms,
                                })
                            }
                        },
                        count: c.count,
                    })
                    .collect(),
            })
            .collect();
        Ok(Checklist { lines, steps })
    }

    fn exception_draft(&self, alert: &Alert) -> ExceptionDraft {
        let event = focus_event(&self.searcher, alert);
        let triage = self.store.get(&alert.id);
        let e = Exception::from_alert(alert, event.as_ref(), &triage, "", now_ms());
        ExceptionDraft {
            rule_id: e.rule_id,
            host: e.host,
            user: e.user,
            parent_executable: e.parent_executable,
            executable: e.executable,
            command_line: e.command_line,
            classification: e.classification,
            reason: e.reason,
            comment: e.comment,
            expires_ms: e.expires_ms,
            source_alert: e.source_alert,
        }
    }

    fn preview_exception(&self, draft: &ExceptionDraft) -> Result<ExceptionPreview, String> {
        let now = now_ms();
        let e = self.exception_of(draft, "", now);
        e.validate()?;
        let p = exceptions::preview(&e, self.all_alerts(), &self.store, now);
        Ok(ExceptionPreview {
            open: p.open.len(),
            past: p.past.len(),
        })
    }

    fn save_exception(
        &mut self,
        draft: &ExceptionDraft,
        by: &str,
        at_ms: i64,
    ) -> Result<(String, usize), String> {
        let e = self.exception_of(draft, by, at_ms);
        e.validate()?;
        let closed =
            exceptions::save(&mut self.store, &e, &self.sorted.list, by, at_ms).map_err(text)?;
        Ok((e.id, closed.len()))
    }

    fn export_case_notes(&self, alert_ids: &[String]) -> Result<String, String> {
        std::fs::create_dir_all(&self.export_dir)
            .map_err(|e| format!("cannot create {}: {e}", self.export_dir.display()))?;
        let alerts = self.all_alerts();
        let now = now_ms();
        for id in alert_ids {
            let alert = self.find(id)?;
            let case = build_case(
                &self.searcher,
                self.alerts.rule(&alert.rule_id),
                alert,
                &self.store.get(id),
                alerts,
                now,
            );
            let path = self.export_dir.join(crate::export::file_name(alert, "md"));
            std::fs::write(&path, crate::export::markdown(&case))
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        }
        Ok(format!(
            "{} case note(s) in {}",
            alert_ids.len(),
            self.export_dir.display()
        ))
    }

    fn loading(&self) -> Option<String> {
        self.pending
            .as_ref()
            .map(|_| "reading the alerts".to_string())
    }

    fn poll_loaded(&mut self) -> Result<bool, String> {
        if !self.pending.as_ref().is_some_and(JoinHandle::is_finished) {
            return Ok(false);
        }
        let Some(handle) = self.pending.take() else {
            return Ok(false);
        };
        let (alerts, sorted) = handle
            .join()
            .map_err(|_| "reading the alerts failed unexpectedly".to_string())??;
        self.alerts = alerts;
        self.sorted = Arc::new(sorted);
        Ok(true)
    }

    fn close(&mut self) -> Result<(), String> {
        self.store.flush().map_err(text)
    }

    fn refresh(&mut self) -> Result<(), String> {
        self.pending = None;
        self.searcher = Arc::new(self.ws.searcher().map_err(text)?);
        self.alerts = AlertStore::open(&self.ws.alerts_dir()).map_err(text)?;
        self.sorted = Arc::new(IndexedAlerts::new(
            self.alerts.alerts().into_iter().cloned().collect(),
        ));
        self.store.refresh().map_err(text)
    }
}
