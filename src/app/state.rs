//! The interface's whole state: plain data that `update` changes and views read.
//!
//! Nothing here knows about the terminal; the current time is injected (`now_ms`) so
//! views and tests are deterministic.

use crate::app::action::AlertData;
use crate::app::cursor::Cursor;
use crate::model::process::ProcessTree;
use crate::model::triage::{AlertTriage, Classification, FalsePositiveKind, Status};
use crate::model::{Alert, Event, Severity};
use std::collections::{BTreeSet, HashMap, HashSet};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortKey {
    #[default]
    Time,
    Severity,
    Risk,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum GroupBy {
    #[default]
    None,
    Rule,
    Host,
    User,
}

/// Which statuses the queue shows; `Active` is open and acknowledged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StatusFilter {
    #[default]
    Active,
    Only(Status),
    All,
}

impl StatusFilter {
    pub fn admits(self, s: Status) -> bool {
        match self {
            StatusFilter::Active => s != Status::Closed,
            StatusFilter::Only(only) => s == only,
            StatusFilter::All => true,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            StatusFilter::Active => "active",
            StatusFilter::Only(Status::Open) => "open",
            StatusFilter::Only(Status::Acknowledged) => "acknowledged",
            StatusFilter::Only(Status::Closed) => "closed",
            StatusFilter::All => "all",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct QueueFilter {
    pub status: StatusFilter,
    pub min_severity: Option<Severity>,
    /// Free text plus `rule:` `host:` `user:` `status:` `severity:` terms.
    pub text: String,
    pub show_suppressed: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueueRow {
    Group {
        key: String,
        count: usize,
        max_severity: Severity,
        collapsed: bool,
    },
    /// Index into `AppState::alerts`.
    Alert(usize),
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct QueueState {
    pub sort: SortKey,
    /// Newest / most severe / riskiest first when true.
    pub descending: bool,
    pub group: GroupBy,
    pub filter: QueueFilter,
    pub cursor: Cursor,
    /// What the table shows, recomputed whenever alerts, triage, sort or filters change.
    pub rows: Vec<QueueRow>,
    /// How many alerts pass the filters (grouped ones included).
    pub shown: usize,
    /// Times of the alerts passing the filters, ascending (for the histogram).
    pub times: Vec<i64>,
    /// (by status, by severity of active alerts), suppressed ones left out.
    pub counts: ([usize; 3], [usize; 5]),
    pub marked: BTreeSet<String>,
    pub collapsed: BTreeSet<String>,
    /// Sort orders, groups, search text and statuses precomputed from the alerts.
    pub index: crate::app::queue_index::QueueIndex,
}

/// The last disposition given to another alert of the same rule, host and user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Precedent {
    pub alert_id: String,
    pub classification: Classification,
    pub reason: Option<String>,
    pub at_ms: i64,
}

impl Precedent {
    /// The decision recorded for `alert_id`, timed by its last classification in the
    /// audit trail; `None` while the alert is unclassified.
    pub fn of(alert_id: &str, triage: &AlertTriage) -> Option<Self> {
        let classification = triage.classification?;
        let at_ms = triage
            .audit
            .iter()
            .rev()
            .find(|e| e.what == "classification")
            .map_or(0, |e| e.at_ms);
        Some(Precedent {
            alert_id: alert_id.to_string(),
            classification,
            reason: triage.reason.clone(),
            at_ms,
        })
    }

    /// Adds `p` to `slot`, which keeps the two latest decisions of one fingerprint (two,
    /// so that an alert is never its own precedent), latest first, ties by id.
    pub fn keep_two_latest(slot: &mut Vec<Precedent>, p: Precedent) {
        slot.push(p);
        slot.sort_by(|x, y| (y.at_ms, &y.alert_id).cmp(&(x.at_ms, &x.alert_id)));
        slot.truncate(2);
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    #[default]
    Queue,
    Alert,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Pane {
    #[default]
    Detail,
    Checklist,
    Tree,
    Timeline,
}

impl Pane {
    pub const ALL: [Pane; 4] = [Pane::Detail, Pane::Checklist, Pane::Tree, Pane::Timeline];

    pub fn title(self) -> &'static str {
        match self {
            Pane::Detail => "Detail",
            Pane::Checklist => "Checklist",
            Pane::Tree => "Process tree",
            Pane::Timeline => "Timeline",
        }
    }
}

/// One visible row of the process tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TreeRow {
    pub node: usize,
    /// Connector text drawn before the node (`│  ├─ `).
    pub guide: String,
    pub has_children: bool,
    pub folded: bool,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct TreeView {
    pub tree: ProcessTree,
    /// Set when older ancestors were not read; its node is drawn as a notice row.
    pub more_ancestors: Option<crate::app::source::MoreAncestors>,
    /// Every ancestor is being read in the background.
    pub reading_all: bool,
    pub show_siblings: bool,
    pub folded: HashSet<usize>,
    pub rows: Vec<TreeRow>,
    pub cursor: Cursor,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct TimelineView {
    pub host: Option<String>,
    pub center_ms: i64,
    pub half_window_ms: i64,
    pub query: String,
    pub events: Vec<Event>,
    pub error: Option<String>,
    pub cursor: Cursor,
    pub loading: bool,
    /// True once a result (events or an error) arrived; the first fetch waits until the
    /// timeline pane is shown.
    pub fetched: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AlertView {
    pub data: AlertData,
    /// Indices into `AppState::alerts` of other alerts on the same event(s).
    pub same_event: Vec<usize>,
    /// Other alerts for the same user or host within 48 hours.
    pub nearby: Vec<usize>,
    pub detail: Vec<crate::app::detail::StyledLine>,
    pub detail_scroll: usize,
    pub tree: Option<TreeView>,
    pub tree_error: Option<String>,
    /// The tree is being read in the background.
    pub tree_reading: bool,
    pub timeline: TimelineView,
    /// The checklist cursor, over `checklist.steps`.
    pub step_cursor: usize,
}

/// What a text prompt is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PromptPurpose {
    QueueFilter,
    TimelineQuery,
    StepNote {
        alert_id: String,
        step_id: String,
    },
    /// Editing field `index` of the exception editor's draft.
    ExceptionField {
        index: usize,
    },
    Comment {
        alert_ids: Vec<String>,
    },
    FpReason {
        kind: FalsePositiveKind,
        alert_ids: Vec<String>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prompt {
    pub purpose: PromptPurpose,
    pub text: String,
    /// The value before editing, restored on Esc (the queue filter applies live).
    pub before: String,
}

/// A list of choices; the last entry of an FP reason picker is "free text".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Picker {
    pub title: String,
    /// (value, label); an empty value means "type a reason".
    pub choices: Vec<(String, String)>,
    pub cursor: Cursor,
    pub kind: FalsePositiveKind,
    pub alert_ids: Vec<String>,
}

/// The exception editor: a draft, the field under the cursor, and the last preview.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExceptionEditor {
    pub draft: crate::app::casework::ExceptionDraft,
    pub cursor: usize,
    pub preview: Option<Result<crate::app::casework::ExceptionPreview, String>>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Overlay {
    Help {
        scroll: usize,
    },
    Record {
        title: String,
        lines: Vec<String>,
        scroll: usize,
    },
    Picker(Picker),
    Exception(ExceptionEditor),
    /// Alerts a pivot found; Enter opens one.
    AlertList {
        title: String,
        ids: Vec<String>,
        cursor: Cursor,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub text: String,
    pub is_error: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobState {
    pub label: String,
    pub done: u64,
    pub total: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelpRow {
    pub section: &'static str,
    pub keys: String,
    pub desc: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AppState {
    pub now_ms: i64,
    pub analyst: String,
    pub alerts: Vec<Alert>,
    /// Metadata of the rules the alerts come from (false-positive categories, guides).
    pub rules: HashMap<String, crate::model::RuleMeta>,
    pub triage: HashMap<String, AlertTriage>,
    pub precedents: HashMap<String, Precedent>,
    pub queue: QueueState,
    pub mode: Mode,
    pub pane: Pane,
    pub view: Option<AlertView>,
    pub overlay: Option<Overlay>,
    pub prompt: Option<Prompt>,
    pub message: Option<Message>,
    pub job: Option<JobState>,
    /// The help overlay's rows (section, keys, description), generated from the key map.
    pub help: Vec<HelpRow>,
    /// Status-bar key hints per key-map section name, generated from the key map.
    pub hints: HashMap<&'static str, String>,
    /// Terminal size in cells, for paging.
    pub width: u16,
    pub height: u16,
    pub quit: bool,
}

impl AppState {
    pub fn new(
        alerts: Vec<Alert>,
        triage: HashMap<String, AlertTriage>,
        analyst: &str,
        now_ms: i64,
    ) -> AppState {
        let mut s = AppState {
            now_ms,
            analyst: analyst.to_string(),
            alerts,
            rules: HashMap::new(),
            triage,
            precedents: HashMap::new(),
            queue: QueueState {
                descending: true,
                ..QueueState::default()
            },
            mode: Mode::Queue,
            pane: Pane::Detail,
            view: None,
            overlay: None,
            prompt: None,
            message: None,
            job: None,
            help: Vec::new(),
            hints: HashMap::new(),
            width: 80,
            height: 24,
            quit: false,
        };
        crate::app::queue::refresh_all(&mut s);
        s
    }

    pub fn status_of(&self, alert_id: &str) -> Status {
        self.triage.get(alert_id).map_or(Status::Open, |t| t.status)
    }

    /// The alert under the queue cursor, if the cursor is on an alert row.
    pub fn current_alert(&self) -> Option<&Alert> {
        match self.queue.rows.get(self.queue.cursor.pos)? {
            QueueRow::Alert(i) => self.alerts.get(*i),
            QueueRow::Group { .. } => None,
        }
    }

    /// The alerts a triage key acts on: the marked ones, else the open alert view's
    /// alert, else the one under the cursor.
    pub fn target_alerts(&self) -> Vec<String> {
        if !self.queue.marked.is_empty() && self.mode == Mode::Queue {
            return self.queue.marked.iter().cloned().collect();
        }
        if self.mode == Mode::Alert
            && let Some(v) = &self.view
        {
            return vec![v.data.alert.id.clone()];
        }
        self.current_alert()
            .map(|a| vec![a.id.clone()])
            .unwrap_or_default()
    }

    /// Rows a list pane can show at the current size (mirrors `ui::layout`; views clamp).
    pub fn page_rows(&self) -> usize {
        let h = usize::from(self.height);
        let header = match self.mode {
            Mode::Alert => 1,
            Mode::Queue if h >= 20 => 4,
            Mode::Queue if h >= 12 => 2,
            Mode::Queue => 1,
        };
        h.saturating_sub(header + 4).max(1)
    }
}
