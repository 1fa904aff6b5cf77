//! Everything that can happen to the interface, as data.
//!
//! Keys (through the key map), mouse events, resize, loaded data and worker messages all
//! become an [`Action`]; [`crate::app::update::update`] is the only code that changes the
//! state, and returns [`Effect`]s for the shell to run (loading data, saving decisions).

use crate::app::casework::{Checklist, ExceptionDraft, ExceptionPreview};
use crate::app::source::{ShownTree, TimelineQuery, TriageChange};
use crate::app::state::{GroupBy, SortKey, StatusFilter};
use crate::model::triage::{AlertTriage, Classification, FalsePositiveKind, Status};
use crate::model::{Alert, Event, RuleMeta};

/// Edits of the one-line text prompt (filter, timeline query, comment...).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputEdit {
    Char(char),
    Backspace,
    Submit,
    Cancel,
}

/// What the alert view needs, fetched from the source by the shell.
#[derive(Debug, Clone, PartialEq)]
pub struct AlertData {
    pub alert: Alert,
    pub rule: Option<RuleMeta>,
    pub events: Vec<Event>,
    /// `None` until the tree pane is first shown (building a tree reads the index).
    pub tree: Option<Result<ShownTree, String>>,
    pub checklist: Result<Checklist, String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    // Movement, meaning depends on the focused pane or overlay.
    SelectNext,
    SelectPrev,
    PageDown,
    PageUp,
    SelectFirst,
    SelectLast,
    /// Enter: open the alert, the record, the node's events...
    Open,
    /// Esc: close the overlay, or go back to the queue.
    Back,
    NextPane,
    PrevPane,
    Help,
    Quit,
    /// `/`: edit the filter of the focused pane.
    StartFilter,
    ClearFilter,
    // Queue.
    SortBy(SortKey),
    CycleSort,
    ReverseSort,
    GroupBy(GroupBy),
    CycleGroup,
    FilterStatus(StatusFilter),
    CycleStatusFilter,
    CycleSeverityFilter,
    /// Narrow the queue to the selected alert's host, user or rule.
    FilterSameHost,
    FilterSameUser,
    FilterSameRule,
    ToggleSuppressed,
    Collapse,
    Expand,
    ToggleFold,
    ToggleSelect,
    SelectAllVisible,
    ClearSelection,
    // Alert view.
    ToggleOriginal,
    ToggleSiblings,
    /// Reads every ancestor of a tree whose ancestors were cut short.
    LoadAllAncestors,
    WidenWindow,
    NarrowWindow,
    // Triage decisions on the selection (or the alert under the cursor).
    SetStatus(Status),
    Classify(Classification),
    /// Opens the false-positive reason picker.
    FalsePositive(FalsePositiveKind),
    StartComment,
    // Checklist, exceptions, case notes.
    ToggleStep,
    StepNote,
    MakeException,
    Save,
    ExportCase,
    // Text prompt.
    Input(InputEdit),
    // Mouse, in terminal cells.
    ScrollDown,
    ScrollUp,
    /// A click on a row of the focused list (already mapped to a row index by the view).
    ClickRow(usize),
    // Results and events from the shell.
    Resize {
        width: u16,
        height: u16,
    },
    Tick {
        now_ms: i64,
    },
    AlertLoaded(Box<AlertData>),
    /// The process tree of the open alert, asked for by [`Effect::LoadTree`].
    TreeLoaded {
        alert_id: String,
        tree: Result<ShownTree, String>,
    },
    /// The events of a timeline read; ignored unless `query` is still what the open
    /// alert's timeline shows (the analyst may have moved on while it was read).
    TimelineLoaded {
        query: TimelineQuery,
        result: Result<Vec<Event>, String>,
    },
    /// The analyst's decisions on these alerts changed; the alerts themselves did not.
    TriageReloaded(Vec<(String, AlertTriage)>),
    /// The source changed (an exception saved, a worker finished): reload alerts and triage.
    Reloaded {
        alerts: Vec<Alert>,
        triage: Vec<(String, crate::model::triage::AlertTriage)>,
    },
    Notice(String),
    Error(String),
    JobProgress {
        label: String,
        done: u64,
        total: Option<u64>,
    },
    JobFinished(Result<String, String>),
    ExceptionDraftLoaded(Box<ExceptionDraft>),
    ExceptionPreviewed(Result<ExceptionPreview, String>),
    ExceptionSaved(Result<(String, usize), String>),
    Noop,
}

/// Work for the shell; results come back as actions.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Builds the process tree of this alert (answered by [`Action::TreeLoaded`]).
    LoadTree {
        alert_id: String,
        /// Every ancestor, not only the nearest [`crate::app::source::ANCESTORS_SHOWN`].
        all_ancestors: bool,
    },
    LoadAlert(String),
    LoadTimeline(TimelineQuery),
    Apply {
        alert_ids: Vec<String>,
        change: TriageChange,
    },
    LoadExceptionDraft(String),
    PreviewException(ExceptionDraft),
    SaveException(ExceptionDraft),
    ExportCaseNotes(Vec<String>),
    Quit,
}

fn sort_key(arg: &str) -> Option<SortKey> {
    Some(match arg {
        "time" => SortKey::Time,
        "severity" => SortKey::Severity,
        "risk" => SortKey::Risk,
        _ => return None,
    })
}

fn group_by(arg: &str) -> Option<GroupBy> {
    Some(match arg {
        "none" => GroupBy::None,
        "rule" => GroupBy::Rule,
        "host" => GroupBy::Host,
        "user" => GroupBy::User,
        _ => return None,
    })
}

fn status(arg: &str) -> Option<Status> {
    Some(match arg {
        "open" => Status::Open,
        "acknowledged" => Status::Acknowledged,
        "closed" => Status::Closed,
        _ => return None,
    })
}

fn status_filter(arg: &str) -> Option<StatusFilter> {
    Some(match arg {
        "active" => StatusFilter::Active,
        "all" => StatusFilter::All,
        other => StatusFilter::Only(status(other)?),
    })
}

fn classification(arg: &str) -> Option<Classification> {
    Some(match arg {
        "true_positive" => Classification::TruePositive,
        "benign_positive" => Classification::BenignPositive,
        "duplicate" => Classification::Duplicate,
        "undetermined" => Classification::Undetermined,
        _ => return None,
    })
}

fn fp_kind(arg: &str) -> Option<FalsePositiveKind> {
    Some(match arg {
        "" | "rule_logic" => FalsePositiveKind::IncorrectRuleLogic,
        "data" => FalsePositiveKind::IncorrectData,
        _ => return None,
    })
}

impl Action {
    /// Reads an action as written in a key map: `select_next`, `sort_by severity`.
    pub fn from_name(text: &str) -> Option<Action> {
        let mut parts = text.split_whitespace();
        let name = parts.next()?;
        let arg = parts.next().unwrap_or("");
        if parts.next().is_some() {
            return None;
        }
        let needs_arg = matches!(
            name,
            "sort_by" | "group_by" | "filter_status" | "set_status" | "classify"
        );
        if needs_arg == arg.is_empty() && name != "false_positive" {
            return None;
        }
        Some(match name {
            "select_next" => Action::SelectNext,
            "select_prev" => Action::SelectPrev,
            "page_down" => Action::PageDown,
            "page_up" => Action::PageUp,
            "select_first" => Action::SelectFirst,
            "select_last" => Action::SelectLast,
            "open" => Action::Open,
            "back" => Action::Back,
            "next_pane" => Action::NextPane,
            "prev_pane" => Action::PrevPane,
            "help" => Action::Help,
            "quit" => Action::Quit,
            "filter" => Action::StartFilter,
            "clear_filter" => Action::ClearFilter,
            "sort_by" => Action::SortBy(sort_key(arg)?),
            "cycle_sort" => Action::CycleSort,
            "reverse_sort" => Action::ReverseSort,
            "group_by" => Action::GroupBy(group_by(arg)?),
            "cycle_group" => Action::CycleGroup,
            "filter_status" => Action::FilterStatus(status_filter(arg)?),
            "cycle_status_filter" => Action::CycleStatusFilter,
            "cycle_severity_filter" => Action::CycleSeverityFilter,
            "filter_same_host" => Action::FilterSameHost,
            "filter_same_user" => Action::FilterSameUser,
            "filter_same_rule" => Action::FilterSameRule,
            "toggle_suppressed" => Action::ToggleSuppressed,
            "collapse" => Action::Collapse,
            "expand" => Action::Expand,
            "toggle_fold" => Action::ToggleFold,
            "toggle_select" => Action::ToggleSelect,
            "select_all" => Action::SelectAllVisible,
            "clear_selection" => Action::ClearSelection,
            "toggle_original" => Action::ToggleOriginal,
            "toggle_siblings" => Action::ToggleSiblings,
            "load_ancestors" => Action::LoadAllAncestors,
            "widen_window" => Action::WidenWindow,
            "narrow_window" => Action::NarrowWindow,
            "set_status" => Action::SetStatus(status(arg)?),
            "classify" => Action::Classify(classification(arg)?),
            "false_positive" => Action::FalsePositive(fp_kind(arg)?),
            "comment" => Action::StartComment,
            "toggle_step" => Action::ToggleStep,
            "step_note" => Action::StepNote,
            "make_exception" => Action::MakeException,
            "save" => Action::Save,
            "export_case" => Action::ExportCase,
            "noop" => Action::Noop,
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_parse_with_and_without_arguments() {
        assert_eq!(Action::from_name("select_next"), Some(Action::SelectNext));
        assert_eq!(
            Action::from_name("sort_by severity"),
            Some(Action::SortBy(SortKey::Severity))
        );
        assert_eq!(
            Action::from_name("filter_status closed"),
            Some(Action::FilterStatus(StatusFilter::Only(Status::Closed)))
        );
        assert_eq!(
            Action::from_name("false_positive"),
            Some(Action::FalsePositive(FalsePositiveKind::IncorrectRuleLogic))
        );
        for bad in [
            "",
            "sort_by",
            "sort_by colour",
            "select_next now",
            "launch",
            "a b c",
        ] {
            assert_eq!(Action::from_name(bad), None, "{bad}");
        }
    }
}
