//! The single place where the state changes: `update(&mut AppState, Action) -> Vec<Effect>`.
//!
//! Results from the shell (loaded alerts, timelines, worker progress) are handled here;
//! user actions are routed to the topmost layer: the prompt, an overlay, then the pane.

use crate::app::action::{Action, Effect};
use crate::app::state::{AppState, Message, Mode, Overlay};
use crate::app::{update_alert, update_casework, update_queue, update_triage};

pub fn update(s: &mut AppState, action: Action) -> Vec<Effect> {
    match action {
        Action::Resize { width, height } => {
            s.width = width;
            s.height = height;
            let (len, page) = (s.queue.rows.len(), s.page_rows());
            s.queue.cursor.keep_visible(len, page);
            Vec::new()
        }
        Action::Tick { now_ms } => {
            s.now_ms = now_ms;
            Vec::new()
        }
        Action::Quit => {
            s.quit = true;
            vec![Effect::Quit]
        }
        Action::Notice(text) => {
            s.message = Some(Message {
                text,
                is_error: false,
            });
            Vec::new()
        }
        Action::Error(text) => {
            s.message = Some(Message {
                text,
                is_error: true,
            });
            Vec::new()
        }
        Action::JobProgress { label, done, total } => {
            s.job = Some(crate::app::state::JobState { label, done, total });
            Vec::new()
        }
        Action::JobFinished(result) => {
            s.job = None;
            let (text, is_error) = match result {
                Ok(t) => (t, false),
                Err(e) => (e, true),
            };
            s.message = Some(Message { text, is_error });
            Vec::new()
        }
        Action::Reloaded { alerts, triage } => {
            s.alerts = alerts;
            s.triage = triage.into_iter().collect();
            crate::app::queue::refresh_all(s);
            update_alert::refresh_view(s);
            Vec::new()
        }
        Action::TriageReloaded(changed) => {
            let ids: Vec<String> = changed.iter().map(|(id, _)| id.clone()).collect();
            s.triage.extend(changed);
            crate::app::queue::refresh_triage(s, &ids);
            update_alert::refresh_view(s);
            Vec::new()
        }
        Action::AlertLoaded(data) => update_alert::loaded(s, *data),
        Action::TreeLoaded { alert_id, tree } => {
            update_alert::tree_loaded(s, &alert_id, tree);
            Vec::new()
        }
        Action::TimelineLoaded { query, result } => {
            update_alert::timeline_loaded(s, &query, result);
            Vec::new()
        }
        Action::ExceptionDraftLoaded(draft) => update_casework::draft_loaded(s, *draft),
        Action::ExceptionPreviewed(result) => {
            update_casework::previewed(s, result);
            Vec::new()
        }
        Action::ExceptionSaved(result) => {
            update_casework::saved(s, result);
            Vec::new()
        }
        Action::Input(edit) => update_triage::input(s, edit),
        Action::Noop => Vec::new(),
        other => route(s, other),
    }
}

fn route(s: &mut AppState, action: Action) -> Vec<Effect> {
    if s.prompt.is_some() {
        // Keys reach the prompt as `Input`; anything else waits until it closes.
        return Vec::new();
    }
    if s.overlay.is_some() {
        return update_triage::overlay(s, action);
    }
    s.message = None;
    match action {
        Action::Help => {
            s.overlay = Some(Overlay::Help { scroll: 0 });
            Vec::new()
        }
        Action::SetStatus(_)
        | Action::Classify(_)
        | Action::FalsePositive(_)
        | Action::StartComment => update_triage::decide(s, action),
        Action::MakeException => update_casework::make_exception(s),
        Action::ExportCase => update_casework::export(s),
        other => match s.mode {
            Mode::Queue => update_queue::handle(s, other),
            Mode::Alert => update_alert::handle(s, other),
        },
    }
}
