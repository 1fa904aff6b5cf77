//! Runs `update` and carries out its effects against a [`TriageSource`], synchronously.
//!
//! The terminal loop and the tests both drive the interface through [`Controller`], so a
//! test that presses keys exercises the same code as an analyst does.

use crate::app::action::{Action, AlertData, Effect};
use crate::app::input::{action_for_key, help_rows, hints};
use crate::app::keymap::Keymap;
use crate::app::keys::KeyPress;
use crate::app::reads::{BackgroundReads, Lane};
use crate::app::source::{TriageChange, TriageSource};
use crate::app::state::AppState;
use crate::app::update::update;
use std::collections::HashMap;

pub struct Controller {
    pub state: AppState,
    pub source: Box<dyn TriageSource>,
    pub keymap: Keymap,
    /// Timeline reads running on another thread.
    reads: BackgroundReads,
}

/// Every alert with its triage, ready for [`Action::Reloaded`].
pub fn snapshot(source: &dyn TriageSource) -> Action {
    let alerts = source.alerts();
    let triage = alerts
        .iter()
        .map(|a| (a.id.clone(), source.triage(&a.id)))
        .collect();
    Action::Reloaded { alerts, triage }
}

fn rules_of(source: &dyn TriageSource, state: &mut AppState) {
    let mut rules = HashMap::new();
    for a in &state.alerts {
        if !rules.contains_key(&a.rule_id)
            && let Some(r) = source.rule(&a.rule_id)
        {
            rules.insert(a.rule_id.clone(), r);
        }
    }
    state.rules = rules;
}

fn describe(change: &TriageChange, n: usize) -> String {
    let what = match change {
        TriageChange::Status(s) => format!("set to {}", crate::app::queue::status_word(*s)),
        TriageChange::Classify {
            classification,
            reason,
        } => {
            let c = crate::app::memory::classification_name(*classification);
            match reason {
                Some(r) => format!("closed as {c} ({r})"),
                None => format!("closed as {c}"),
            }
        }
        TriageChange::Comment(_) => "commented".to_string(),
        TriageChange::Step { done, .. } => {
            format!("step marked {}", if *done { "done" } else { "to do" })
        }
    };
    format!("{n} alert(s) {what}")
}

impl Controller {
    pub fn new(source: Box<dyn TriageSource>, keymap: Keymap, analyst: &str, now_ms: i64) -> Self {
        let alerts = source.alerts();
        let triage = alerts
            .iter()
            .map(|a| (a.id.clone(), source.triage(&a.id)))
            .collect();
        let mut state = AppState::new(alerts, triage, analyst, now_ms);
        state.help = help_rows(&keymap);
        state.hints = crate::app::keymap::Context::ALL
            .into_iter()
            .map(|c| (c.name(), hints(&keymap, c)))
            .collect();
        rules_of(source.as_ref(), &mut state);
        let loading = source.loading();
        let mut ctrl = Controller {
            state,
            source,
            keymap,
            reads: BackgroundReads::default(),
        };
        if let Some(label) = loading {
            ctrl.dispatch(Action::JobProgress {
                label,
                done: 0,
                total: None,
            });
        }
        ctrl
    }

    /// Takes in what finished in the background (the alerts, a timeline read); true when
    /// the state changed (redraw).
    pub fn poll_source(&mut self) -> bool {
        let mut changed = false;
        for answer in self.reads.poll() {
            self.dispatch(answer);
            changed = true;
        }
        changed | self.poll_alerts()
    }

    /// True while something is being read in the background: poll often.
    pub fn busy(&self) -> bool {
        self.reads.busy() || self.source.loading().is_some()
    }

    fn poll_alerts(&mut self) -> bool {
        match self.source.poll_loaded() {
            Ok(false) => false,
            Ok(true) => {
                self.resync();
                let n = self.state.alerts.len();
                self.dispatch(Action::JobFinished(Ok(format!("{n} alerts loaded"))));
                true
            }
            Err(e) => {
                self.dispatch(Action::JobFinished(Err(format!(
                    "cannot read the alerts: {e}"
                ))));
                true
            }
        }
    }

    /// Feeds one action and runs every effect it causes, until none remain.
    pub fn dispatch(&mut self, action: Action) {
        let mut queue = vec![action];
        while let Some(a) = queue.pop() {
            for effect in update(&mut self.state, a) {
                if let Some(next) = self.run(effect) {
                    queue.push(next);
                }
            }
        }
    }

    pub fn press(&mut self, key: KeyPress) {
        let action = action_for_key(&self.state, &self.keymap, key);
        self.dispatch(action);
    }

    pub fn press_all(&mut self, keys: &[KeyPress]) {
        for k in keys {
            self.press(*k);
        }
    }

    fn run(&mut self, effect: Effect) -> Option<Action> {
        match effect {
            Effect::Quit => None,
            Effect::LoadAlert(id) => {
                let Some(alert) = self.state.alerts.iter().find(|a| a.id == id).cloned() else {
                    return Some(Action::Error(format!(
                        "alert '{id}' is no longer in the workspace"
                    )));
                };
                let rule = self.source.rule(&alert.rule_id);
                let events = alert
                    .event_ids
                    .iter()
                    .filter_map(|e| self.source.event(e))
                    .collect();
                let checklist = self.source.checklist(&alert);
                Some(Action::AlertLoaded(Box::new(AlertData {
                    alert,
                    rule,
                    events,
                    tree: None,
                    checklist,
                })))
            }
            Effect::LoadTree {
                alert_id,
                all_ancestors,
            } => {
                let Some(alert) = self.state.alerts.iter().find(|a| a.id == alert_id) else {
                    return Some(Action::TreeLoaded {
                        tree: Err(format!("alert '{alert_id}' is no longer in the workspace")),
                        alert_id,
                    });
                };
                match self.source.tree_read(alert, all_ancestors) {
                    Some(read) => {
                        let lost = Action::TreeLoaded {
                            alert_id: alert_id.clone(),
                            tree: Err("reading the process tree stopped unexpectedly".into()),
                        };
                        let job = Box::new(move || Action::TreeLoaded {
                            alert_id,
                            tree: read(),
                        });
                        self.reads.start(Lane::Tree, job, lost);
                        None
                    }
                    None => Some(Action::TreeLoaded {
                        tree: self.source.shown_tree(alert, all_ancestors),
                        alert_id,
                    }),
                }
            }
            Effect::LoadExceptionDraft(id) => {
                let alert = self.state.alerts.iter().find(|a| a.id == id)?;
                Some(Action::ExceptionDraftLoaded(Box::new(
                    self.source.exception_draft(alert),
                )))
            }
            Effect::PreviewException(draft) => Some(Action::ExceptionPreviewed(
                self.source.preview_exception(&draft),
            )),
            Effect::SaveException(draft) => {
                let analyst = self.state.analyst.clone();
                let result = self
                    .source
                    .save_exception(&draft, &analyst, self.state.now_ms);
                if result.is_ok() {
                    update(&mut self.state, snapshot(self.source.as_ref()));
                }
                Some(Action::ExceptionSaved(result))
            }
            Effect::ExportCaseNotes(ids) => Some(match self.source.export_case_notes(&ids) {
                Ok(done) => Action::Notice(done),
                Err(e) => Action::Error(format!("case notes not exported: {e}")),
            }),
            Effect::LoadTimeline(query) => match self.source.timeline_read(&query) {
                Some(read) => {
                    let lost = Action::TimelineLoaded {
                        query: query.clone(),
                        result: Err("reading the timeline stopped unexpectedly".into()),
                    };
                    let job = Box::new(move || {
                        let result = read();
                        Action::TimelineLoaded { query, result }
                    });
                    self.reads.start(Lane::Timeline, job, lost);
                    None
                }
                None => {
                    let result = self.source.timeline(&query);
                    Some(Action::TimelineLoaded { query, result })
                }
            },
            Effect::Apply { alert_ids, change } => {
                let analyst = self.state.analyst.clone();
                match self
                    .source
                    .apply(&alert_ids, &change, &analyst, self.state.now_ms)
                {
                    Ok(()) => {
                        // Only these alerts' decisions changed: re-read just those.
                        let changed = alert_ids
                            .iter()
                            .map(|id| (id.clone(), self.source.triage(id)))
                            .collect();
                        update(&mut self.state, Action::TriageReloaded(changed));
                        Some(Action::Notice(describe(&change, alert_ids.len())))
                    }
                    Err(e) => Some(Action::Error(format!("not saved: {e}"))),
                }
            }
        }
    }

    /// Re-reads the source after a background job changed the workspace.
    pub fn reload(&mut self) {
        if let Err(e) = self.source.refresh() {
            self.dispatch(Action::Error(e));
            return;
        }
        self.resync();
    }

    /// Re-reads every alert and its triage from the source as it is now.
    pub fn resync(&mut self) {
        let snap = snapshot(self.source.as_ref());
        self.dispatch(snap);
        rules_of(self.source.as_ref(), &mut self.state);
    }
}
