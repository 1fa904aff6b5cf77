//! Checklist pane, exception editor, pivot results and case-note export.

use crate::app::action::{Action, Effect};
use crate::app::casework::{ExceptionDraft, PivotResults};
use crate::app::cursor::Cursor;
use crate::app::source::TriageChange;
use crate::app::state::{AppState, ExceptionEditor, Message, Overlay, Pane, Prompt, PromptPurpose};

fn message(s: &mut AppState, text: String, is_error: bool) {
    s.message = Some(Message { text, is_error });
}

/// The open alert and the step under the checklist cursor: (alert id, step id, done, note).
fn current_step(s: &AppState) -> Option<(String, String, bool, Option<String>)> {
    let v = s.view.as_ref()?;
    let cl = v.data.checklist.as_ref().ok()?;
    let step = cl.steps.get(v.step_cursor)?;
    let st = s
        .triage
        .get(&v.data.alert.id)
        .and_then(|t| t.steps.get(&step.id));
    Some((
        v.data.alert.id.clone(),
        step.id.clone(),
        st.is_some_and(|x| x.done),
        st.and_then(|x| x.note.clone()),
    ))
}

pub fn checklist_action(s: &mut AppState, action: &Action) -> Vec<Effect> {
    let page = s.page_rows();
    let Some(v) = s.view.as_mut() else {
        return Vec::new();
    };
    let n = v.data.checklist.as_ref().map_or(0, |c| c.steps.len());
    let last = n.saturating_sub(1);
    let step = isize::try_from(page / 2).unwrap_or(1).max(1);
    let moved = match action {
        Action::SelectNext | Action::ScrollDown => Some(1),
        Action::SelectPrev | Action::ScrollUp => Some(-1),
        Action::PageDown => Some(step),
        Action::PageUp => Some(-step),
        Action::SelectFirst => Some(isize::MIN / 2),
        Action::SelectLast => Some(isize::MAX / 2),
        _ => None,
    };
    if let Some(d) = moved {
        v.step_cursor = v.step_cursor.saturating_add_signed(d).min(last);
        return Vec::new();
    }
    match action {
        Action::ToggleStep => match current_step(s) {
            Some((alert, step_id, done, _)) => vec![Effect::Apply {
                alert_ids: vec![alert],
                change: TriageChange::Step {
                    step_id,
                    done: !done,
                    note: None,
                },
            }],
            None => {
                message(s, "no checklist step here".into(), true);
                Vec::new()
            }
        },
        Action::StepNote => {
            if let Some((alert_id, step_id, _, note)) = current_step(s) {
                let text = note.unwrap_or_default();
                s.prompt = Some(Prompt {
                    purpose: PromptPurpose::StepNote { alert_id, step_id },
                    before: text.clone(),
                    text,
                });
            }
            Vec::new()
        }
        Action::Open => open_pivot(s),
        _ => Vec::new(),
    }
}

fn open_pivot(s: &mut AppState) -> Vec<Effect> {
    let Some(v) = s.view.as_mut() else {
        return Vec::new();
    };
    let Some(step) = v
        .data
        .checklist
        .as_ref()
        .ok()
        .and_then(|c| c.steps.get(v.step_cursor))
    else {
        return Vec::new();
    };
    let Some(hit) = step.pivots.iter().find(|p| p.results.is_some()) else {
        let why = step
            .pivots
            .iter()
            .find_map(|p| p.count.clone().err())
            .unwrap_or_else(|| "this step has no query to run".into());
        message(s, why, true);
        return Vec::new();
    };
    match hit.results.clone() {
        Some(PivotResults::Events {
            query,
            from_ms,
            to_ms,
        }) => {
            let t = &mut v.timeline;
            t.host = None;
            t.query = query;
            if let (Some(from), Some(to)) = (from_ms, to_ms) {
                t.center_ms = from / 2 + to / 2;
                t.half_window_ms = ((to - from) / 2).max(60_000);
            }
            t.loading = true;
            let q = crate::app::update_alert::timeline_query(t);
            s.pane = Pane::Timeline;
            vec![Effect::LoadTimeline(q)]
        }
        Some(PivotResults::Alerts(ids)) => {
            s.overlay = Some(Overlay::AlertList {
                title: hit.label.clone(),
                ids,
                cursor: Cursor::default(),
            });
            Vec::new()
        }
        None => Vec::new(),
    }
}

/// `X`: an exception from the open alert, or the one under the cursor.
pub fn make_exception(s: &mut AppState) -> Vec<Effect> {
    match s.target_alerts().into_iter().next() {
        Some(id) => vec![Effect::LoadExceptionDraft(id)],
        None => {
            message(s, "no alert here to make an exception from".into(), true);
            Vec::new()
        }
    }
}

pub fn export(s: &mut AppState) -> Vec<Effect> {
    let ids = s.target_alerts();
    if ids.is_empty() {
        message(s, "no alert here to export".into(), true);
        return Vec::new();
    }
    vec![Effect::ExportCaseNotes(ids)]
}

pub fn draft_loaded(s: &mut AppState, draft: ExceptionDraft) -> Vec<Effect> {
    s.overlay = Some(Overlay::Exception(ExceptionEditor {
        draft: draft.clone(),
        cursor: 0,
        preview: None,
    }));
    vec![Effect::PreviewException(draft)]
}

pub fn previewed(s: &mut AppState, result: Result<crate::app::casework::ExceptionPreview, String>) {
    if let Some(Overlay::Exception(ed)) = s.overlay.as_mut() {
        ed.preview = Some(result);
    }
}

pub fn saved(s: &mut AppState, result: Result<(String, usize), String>) {
    match result {
        Ok((id, closed)) => {
            s.overlay = None;
            message(
                s,
                format!("exception {id} saved: {closed} open alert(s) closed as false positive"),
                false,
            );
        }
        Err(e) => message(s, format!("exception not saved: {e}"), true),
    }
}

pub fn editor_action(s: &mut AppState, action: &Action) -> Vec<Effect> {
    let Some(Overlay::Exception(ed)) = s.overlay.as_mut() else {
        return Vec::new();
    };
    let n = ed.draft.fields().len();
    match action {
        Action::SelectNext | Action::ScrollDown => ed.cursor = (ed.cursor + 1).min(n - 1),
        Action::SelectPrev | Action::ScrollUp => ed.cursor = ed.cursor.saturating_sub(1),
        Action::SelectFirst => ed.cursor = 0,
        Action::SelectLast => ed.cursor = n - 1,
        Action::ClickRow(r) if *r < n => ed.cursor = *r,
        Action::Open => {
            let text = ed
                .draft
                .fields()
                .into_iter()
                .nth(ed.cursor)
                .and_then(|f| f.1)
                .unwrap_or_default();
            s.prompt = Some(Prompt {
                purpose: PromptPurpose::ExceptionField { index: ed.cursor },
                before: text.clone(),
                text,
            });
        }
        Action::Save => return vec![Effect::SaveException(ed.draft.clone())],
        _ => {}
    }
    Vec::new()
}

/// A submitted field of the exception editor: update the draft and preview again.
pub fn field_edited(s: &mut AppState, index: usize, text: &str) -> Vec<Effect> {
    let Some(Overlay::Exception(ed)) = s.overlay.as_mut() else {
        return Vec::new();
    };
    if let Err(e) = ed.draft.set_field(index, text) {
        message(s, e, true);
        return Vec::new();
    }
    ed.preview = None;
    vec![Effect::PreviewException(ed.draft.clone())]
}

pub fn alert_list_action(s: &mut AppState, action: &Action) -> Vec<Effect> {
    let page = s.page_rows();
    let Some(Overlay::AlertList { ids, cursor, .. }) = s.overlay.as_mut() else {
        return Vec::new();
    };
    let len = ids.len();
    match action {
        Action::SelectNext | Action::ScrollDown => cursor.move_by(1, len, page),
        Action::SelectPrev | Action::ScrollUp => cursor.move_by(-1, len, page),
        Action::SelectFirst => cursor.set(0, len, page),
        Action::SelectLast => cursor.set(len, len, page),
        Action::ClickRow(r) if *r < len => cursor.set(*r, len, page),
        Action::Open => {
            let id = ids.get(cursor.pos).cloned();
            s.overlay = None;
            return id.map(|id| vec![Effect::LoadAlert(id)]).unwrap_or_default();
        }
        _ => {}
    }
    Vec::new()
}
