//! Queue actions: movement, sort, group, filters, folding, marks, opening an alert.

use crate::app::action::{Action, Effect};
use crate::app::queue::rebuild;
use crate::app::state::{
    AppState, GroupBy, Prompt, PromptPurpose, QueueRow, SortKey, StatusFilter,
};
use crate::model::Severity;
use crate::model::triage::Status;

fn move_cursor(s: &mut AppState, delta: isize) {
    let (len, page) = (s.queue.rows.len(), s.page_rows());
    s.queue.cursor.move_by(delta, len, page);
}

fn page(s: &AppState) -> isize {
    isize::try_from(s.page_rows()).unwrap_or(1)
}

fn set_filter_term(s: &mut AppState, key: &str, value: Option<String>) {
    let Some(value) = value else {
        s.message = Some(crate::app::state::Message {
            text: format!("this alert has no {key}"),
            is_error: true,
        });
        return;
    };
    let mut terms: Vec<String> = s
        .queue
        .filter
        .text
        .split_whitespace()
        .filter(|t| !t.to_lowercase().starts_with(&format!("{key}:")))
        .map(str::to_string)
        .collect();
    // Values with spaces cannot be a single term; the first word narrows enough.
    let word = value
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_string();
    terms.push(format!("{key}:{word}"));
    s.queue.filter.text = terms.join(" ");
    rebuild(s);
}

fn group_key_at(s: &AppState) -> Option<(String, bool)> {
    match s.queue.rows.get(s.queue.cursor.pos)? {
        QueueRow::Group { key, collapsed, .. } => Some((key.clone(), *collapsed)),
        QueueRow::Alert(_) => None,
    }
}

fn set_collapsed(s: &mut AppState, collapse: Option<bool>) {
    if let Some((key, collapsed)) = group_key_at(s) {
        let want = collapse.unwrap_or(!collapsed);
        if want {
            s.queue.collapsed.insert(key);
        } else {
            s.queue.collapsed.remove(&key);
        }
        rebuild(s);
    } else if collapse == Some(true) && s.queue.group != GroupBy::None {
        // On an alert row, collapsing jumps to its group header first.
        let pos = s.queue.cursor.pos;
        if let Some(g) = s.queue.rows[..pos]
            .iter()
            .rposition(|r| matches!(r, QueueRow::Group { .. }))
        {
            let (len, page) = (s.queue.rows.len(), s.page_rows());
            s.queue.cursor.set(g, len, page);
            set_collapsed(s, Some(true));
        }
    }
}

pub fn open_current(s: &mut AppState) -> Vec<Effect> {
    match s.queue.rows.get(s.queue.cursor.pos) {
        Some(QueueRow::Group { .. }) => {
            set_collapsed(s, None);
            Vec::new()
        }
        Some(QueueRow::Alert(i)) => s
            .alerts
            .get(*i)
            .map(|a| vec![Effect::LoadAlert(a.id.clone())])
            .unwrap_or_default(),
        None => Vec::new(),
    }
}

pub fn handle(s: &mut AppState, action: Action) -> Vec<Effect> {
    match action {
        Action::SelectNext | Action::ScrollDown => move_cursor(s, 1),
        Action::SelectPrev | Action::ScrollUp => move_cursor(s, -1),
        Action::PageDown => move_cursor(s, page(s)),
        Action::PageUp => move_cursor(s, -page(s)),
        Action::SelectFirst => move_cursor(s, isize::MIN / 2),
        Action::SelectLast => move_cursor(s, isize::MAX / 2),
        Action::ClickRow(row) => {
            // A click selects; a click on the selected row opens it.
            if row == s.queue.cursor.pos {
                return open_current(s);
            }
            let (len, page) = (s.queue.rows.len(), s.page_rows());
            if row < len {
                s.queue.cursor.set(row, len, page);
            }
        }
        Action::Open | Action::NextPane => return open_current(s),
        Action::Back => s.queue.marked.clear(),
        Action::StartFilter => {
            s.prompt = Some(Prompt {
                purpose: PromptPurpose::QueueFilter,
                text: s.queue.filter.text.clone(),
                before: s.queue.filter.text.clone(),
            });
        }
        Action::ClearFilter => {
            s.queue.filter = crate::app::state::QueueFilter::default();
            rebuild(s);
        }
        Action::SortBy(key) => {
            s.queue.sort = key;
            rebuild(s);
        }
        Action::CycleSort => {
            s.queue.sort = match s.queue.sort {
                SortKey::Time => SortKey::Severity,
                SortKey::Severity => SortKey::Risk,
                SortKey::Risk => SortKey::Time,
            };
            rebuild(s);
        }
        Action::ReverseSort => {
            s.queue.descending = !s.queue.descending;
            rebuild(s);
        }
        Action::GroupBy(g) => {
            s.queue.group = g;
            rebuild(s);
        }
        Action::CycleGroup => {
            s.queue.group = match s.queue.group {
                GroupBy::None => GroupBy::Rule,
                GroupBy::Rule => GroupBy::Host,
                GroupBy::Host => GroupBy::User,
                GroupBy::User => GroupBy::None,
            };
            s.queue.collapsed.clear();
            rebuild(s);
        }
        Action::FilterStatus(f) => {
            s.queue.filter.status = f;
            rebuild(s);
        }
        Action::CycleStatusFilter => {
            s.queue.filter.status = match s.queue.filter.status {
                StatusFilter::Active => StatusFilter::Only(Status::Open),
                StatusFilter::Only(Status::Open) => StatusFilter::Only(Status::Acknowledged),
                StatusFilter::Only(Status::Acknowledged) => StatusFilter::Only(Status::Closed),
                StatusFilter::Only(Status::Closed) => StatusFilter::All,
                StatusFilter::All => StatusFilter::Active,
            };
            rebuild(s);
        }
        Action::CycleSeverityFilter => {
            s.queue.filter.min_severity = match s.queue.filter.min_severity {
                None => Some(Severity::Low),
                Some(Severity::Informational | Severity::Low) => Some(Severity::Medium),
                Some(Severity::Medium) => Some(Severity::High),
                Some(Severity::High) => Some(Severity::Critical),
                Some(Severity::Critical) => None,
            };
            rebuild(s);
        }
        Action::FilterSameHost => {
            let v = s.current_alert().and_then(|a| a.host.clone());
            set_filter_term(s, "host", v);
        }
        Action::FilterSameUser => {
            let v = s.current_alert().and_then(|a| a.user.clone());
            set_filter_term(s, "user", v);
        }
        Action::FilterSameRule => {
            let v = s.current_alert().map(|a| a.rule_id.clone());
            set_filter_term(s, "rule", v);
        }
        Action::ToggleSuppressed => {
            s.queue.filter.show_suppressed = !s.queue.filter.show_suppressed;
            rebuild(s);
        }
        Action::Collapse => set_collapsed(s, Some(true)),
        Action::Expand => set_collapsed(s, Some(false)),
        Action::ToggleFold => set_collapsed(s, None),
        Action::ToggleSelect => {
            if let Some(id) = s.current_alert().map(|a| a.id.clone()) {
                if !s.queue.marked.remove(&id) {
                    s.queue.marked.insert(id);
                }
                move_cursor(s, 1);
            }
        }
        Action::SelectAllVisible => {
            let ids: Vec<String> = s
                .queue
                .rows
                .iter()
                .filter_map(|r| match r {
                    QueueRow::Alert(i) => Some(s.alerts[*i].id.clone()),
                    QueueRow::Group { .. } => None,
                })
                .collect();
            s.queue.marked.extend(ids);
        }
        Action::ClearSelection => s.queue.marked.clear(),
        _ => {}
    }
    Vec::new()
}
