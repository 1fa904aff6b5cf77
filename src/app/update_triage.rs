//! Triage decisions (status, classification, false-positive reason, comment), the text
//! prompt, and the overlays (help, full record, reason picker).

use crate::app::action::{Action, Effect, InputEdit};
use crate::app::cursor::Cursor;
use crate::app::source::TriageChange;
use crate::app::state::{AppState, Message, Overlay, Picker, Prompt, PromptPurpose};
use crate::model::triage::{Classification, FalsePositiveKind};

fn no_target(s: &mut AppState) -> Vec<Effect> {
    s.message = Some(Message {
        text: "no alert here: move to an alert row or mark alerts with space".into(),
        is_error: true,
    });
    Vec::new()
}

fn reason_choices(s: &AppState, ids: &[String]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    let mut push = |value: String, label: String| {
        if !out.iter().any(|(v, _)| *v == value) {
            out.push((value, label));
        }
    };
    for id in ids {
        let Some(a) = s.alerts.iter().find(|a| &a.id == id) else {
            continue;
        };
        let rule = s.rules.get(&a.rule_id);
        for sug in &a.fp_suggestions {
            let label = rule
                .and_then(|r| r.false_positives.iter().find(|c| c.id == sug.category))
                .map_or_else(|| sug.category.clone(), |c| c.label.clone());
            push(
                sug.category.clone(),
                format!("{label}  (suggested: {})", sug.evidence),
            );
        }
    }
    for id in ids {
        let Some(a) = s.alerts.iter().find(|a| &a.id == id) else {
            continue;
        };
        if let Some(rule) = s.rules.get(&a.rule_id) {
            for c in &rule.false_positives {
                push(c.id.clone(), c.label.clone());
            }
        }
    }
    out.push((String::new(), "Other reason (type it)…".into()));
    out
}

pub fn decide(s: &mut AppState, action: Action) -> Vec<Effect> {
    let ids = s.target_alerts();
    if ids.is_empty() {
        return no_target(s);
    }
    let change = match action {
        Action::SetStatus(st) => TriageChange::Status(st),
        Action::Classify(classification) => TriageChange::Classify {
            classification,
            reason: None,
        },
        Action::FalsePositive(kind) => {
            let choices = reason_choices(s, &ids);
            s.overlay = Some(Overlay::Picker(Picker {
                title: format!("False positive: why? ({} alert(s))", ids.len()),
                choices,
                cursor: Cursor::default(),
                kind,
                alert_ids: ids,
            }));
            return Vec::new();
        }
        Action::StartComment => {
            s.prompt = Some(Prompt {
                purpose: PromptPurpose::Comment { alert_ids: ids },
                text: String::new(),
                before: String::new(),
            });
            return Vec::new();
        }
        _ => return Vec::new(),
    };
    apply(s, ids, change)
}

fn apply(s: &mut AppState, alert_ids: Vec<String>, change: TriageChange) -> Vec<Effect> {
    s.queue.marked.clear();
    vec![Effect::Apply { alert_ids, change }]
}

/// Closes alerts as false positives; for a single alert the exception editor opens next,
/// prefilled from it, so the analyst can suppress its look-alikes (esc skips it).
fn close_fp(
    s: &mut AppState,
    alert_ids: Vec<String>,
    kind: FalsePositiveKind,
    reason: String,
) -> Vec<Effect> {
    let single = match alert_ids.as_slice() {
        [one] => Some(one.clone()),
        _ => None,
    };
    let mut effects = apply(s, alert_ids, fp(kind, reason));
    if let Some(id) = single {
        effects.push(Effect::LoadExceptionDraft(id));
    }
    effects
}

fn fp(kind: FalsePositiveKind, reason: String) -> TriageChange {
    TriageChange::Classify {
        classification: Classification::FalsePositive(kind),
        reason: Some(reason),
    }
}

pub fn input(s: &mut AppState, edit: InputEdit) -> Vec<Effect> {
    let Some(mut prompt) = s.prompt.take() else {
        return Vec::new();
    };
    match edit {
        InputEdit::Char(c) => prompt.text.push(c),
        InputEdit::Backspace => {
            prompt.text.pop();
        }
        InputEdit::Cancel => {
            if prompt.purpose == PromptPurpose::QueueFilter {
                s.queue.filter.text = prompt.before;
                crate::app::queue::rebuild(s);
            }
            return Vec::new();
        }
        InputEdit::Submit => return submit(s, prompt),
    }
    if prompt.purpose == PromptPurpose::QueueFilter {
        s.queue.filter.text.clone_from(&prompt.text);
        crate::app::queue::rebuild(s);
    }
    s.prompt = Some(prompt);
    Vec::new()
}

fn submit(s: &mut AppState, prompt: Prompt) -> Vec<Effect> {
    let text = prompt.text.trim().to_string();
    match prompt.purpose {
        PromptPurpose::QueueFilter => {
            s.queue.filter.text = text;
            crate::app::queue::rebuild(s);
            Vec::new()
        }
        PromptPurpose::TimelineQuery => match s.view.as_mut() {
            Some(v) => {
                v.timeline.query = text;
                v.timeline.loading = true;
                vec![Effect::LoadTimeline(
                    crate::app::update_alert::timeline_query(&v.timeline),
                )]
            }
            None => Vec::new(),
        },
        PromptPurpose::StepNote { alert_id, step_id } => {
            let done = s
                .triage
                .get(&alert_id)
                .and_then(|t| t.steps.get(&step_id))
                .is_some_and(|st| st.done);
            apply(
                s,
                vec![alert_id],
                TriageChange::Step {
                    step_id,
                    done,
                    note: Some(text),
                },
            )
        }
        PromptPurpose::ExceptionField { index } => {
            crate::app::update_casework::field_edited(s, index, &text)
        }
        PromptPurpose::Comment { alert_ids } if !text.is_empty() => {
            apply(s, alert_ids, TriageChange::Comment(text))
        }
        PromptPurpose::FpReason { kind, alert_ids } if !text.is_empty() => {
            close_fp(s, alert_ids, kind, text)
        }
        PromptPurpose::Comment { .. } | PromptPurpose::FpReason { .. } => {
            s.message = Some(Message {
                text: "nothing typed: nothing was saved".into(),
                is_error: true,
            });
            Vec::new()
        }
    }
}

fn scroll(pos: usize, action: &Action, len: usize, page: usize) -> usize {
    let max = len.saturating_sub(page);
    match action {
        Action::SelectNext | Action::ScrollDown => pos + 1,
        Action::SelectPrev | Action::ScrollUp => pos.saturating_sub(1),
        Action::PageDown => pos + page,
        Action::PageUp => pos.saturating_sub(page),
        Action::SelectFirst => 0,
        Action::SelectLast => max,
        _ => pos,
    }
    .min(max)
}

pub fn overlay(s: &mut AppState, action: Action) -> Vec<Effect> {
    let page = s.page_rows();
    let help_len = crate::app::input::help_line_count(&s.help);
    let width = s.width;
    let Some(ov) = s.overlay.as_mut() else {
        return Vec::new();
    };
    if matches!(action, Action::Back | Action::Help | Action::ToggleOriginal) {
        s.overlay = None;
        return Vec::new();
    }
    match ov {
        Overlay::Exception(_) => return crate::app::update_casework::editor_action(s, &action),
        Overlay::AlertList { .. } => {
            return crate::app::update_casework::alert_list_action(s, &action);
        }
        Overlay::Help { scroll: pos } => *pos = scroll(*pos, &action, help_len, page),
        Overlay::Record {
            lines, scroll: pos, ..
        } => {
            let rows = crate::app::wrap::record_rows(lines, width).len();
            *pos = scroll(*pos, &action, rows, page);
        }
        Overlay::Picker(p) => {
            let len = p.choices.len();
            match action {
                Action::Open => {
                    let Some((value, _)) = p.choices.get(p.cursor.pos).cloned() else {
                        return Vec::new();
                    };
                    let (kind, ids) = (p.kind, p.alert_ids.clone());
                    s.overlay = None;
                    if value.is_empty() {
                        s.prompt = Some(Prompt {
                            purpose: PromptPurpose::FpReason {
                                kind,
                                alert_ids: ids,
                            },
                            text: String::new(),
                            before: String::new(),
                        });
                        return Vec::new();
                    }
                    return close_fp(s, ids, kind, value);
                }
                Action::ClickRow(row) if row < len => p.cursor.set(row, len, page),
                Action::SelectNext | Action::ScrollDown => p.cursor.move_by(1, len, page),
                Action::SelectPrev | Action::ScrollUp => p.cursor.move_by(-1, len, page),
                Action::SelectFirst => p.cursor.set(0, len, page),
                Action::SelectLast => p.cursor.set(len, len, page),
                _ => {}
            }
        }
    }
    Vec::new()
}
