//! The alert view: loading an alert, and movement in the detail, tree and timeline panes.

use crate::app::action::{Action, AlertData, Effect};
use crate::app::cursor::Cursor;
use crate::app::source::{ShownTree, TimelineQuery};
use crate::app::state::{
    AlertView, AppState, Message, Mode, Overlay, Pane, Prompt, PromptPurpose, TimelineView,
    TreeView,
};
use crate::model::Event;
use std::collections::HashSet;

const HOURS_48_MS: i64 = 48 * 3_600_000;
const NEARBY_LIMIT: usize = 50;
pub const TIMELINE_LIMIT: usize = 2000;
/// Half-widths of the timeline window, narrowest first.
pub const WINDOWS_MS: [i64; 7] = [
    60_000,
    300_000,
    900_000,
    3_600_000,
    21_600_000,
    86_400_000,
    604_800_000,
];
const DEFAULT_WINDOW_MS: i64 = 900_000;

pub fn timeline_query(t: &TimelineView) -> TimelineQuery {
    TimelineQuery {
        host: t.host.clone(),
        from_ms: t.center_ms.saturating_sub(t.half_window_ms),
        to_ms: t.center_ms.saturating_add(t.half_window_ms),
        query: t.query.clone(),
        limit: TIMELINE_LIMIT,
    }
}

fn related(s: &AppState, data: &AlertData) -> (Vec<usize>, Vec<usize>) {
    let a = &data.alert;
    let events: HashSet<&String> = a.event_ids.iter().collect();
    let mut same_event = Vec::new();
    let mut nearby = Vec::new();
    for (i, other) in s.alerts.iter().enumerate() {
        if other.id == a.id {
            continue;
        }
        if other.event_ids.iter().any(|e| events.contains(e)) {
            same_event.push(i);
        } else if (other.timestamp_ms - a.timestamp_ms).abs() <= HOURS_48_MS
            && ((a.user.is_some() && other.user == a.user)
                || (a.host.is_some() && other.host == a.host))
        {
            nearby.push(i);
        }
    }
    nearby.sort_by_key(|&i| (s.alerts[i].timestamp_ms, s.alerts[i].id.clone()));
    nearby.truncate(NEARBY_LIMIT);
    (same_event, nearby)
}

fn tree_view(tree: &Result<ShownTree, String>, page: usize) -> (Option<TreeView>, Option<String>) {
    match tree {
        Ok(t) => {
            let mut tv = TreeView {
                tree: t.tree.clone(),
                more_ancestors: t.more_ancestors,
                ..TreeView::default()
            };
            tv.rows = crate::app::tree_rows::flatten(&tv);
            let focus = tv
                .rows
                .iter()
                .position(|r| r.node == tv.tree.focus)
                .unwrap_or(0);
            let len = tv.rows.len();
            tv.cursor.set(focus, len, page);
            (Some(tv), None)
        }
        Err(e) => (None, Some(e.clone())),
    }
}

/// The open alert's process tree arrived; ignored when another alert is open by now.
/// A tree read again with all its ancestors keeps the siblings setting and the cursor
/// on the same process.
pub fn tree_loaded(s: &mut AppState, alert_id: &str, tree: Result<ShownTree, String>) {
    let page = s.page_rows();
    let Some(v) = s.view.as_mut().filter(|v| v.data.alert.id == alert_id) else {
        return;
    };
    v.tree_reading = false;
    let before = v.tree.take();
    (v.tree, v.tree_error) = tree_view(&tree, page);
    if let (Some(old), Some(new)) = (before, v.tree.as_mut()) {
        new.show_siblings = old.show_siblings;
        new.rows = crate::app::tree_rows::flatten(new);
        let key = old
            .rows
            .get(old.cursor.pos)
            .and_then(|r| old.tree.nodes.get(r.node))
            .map(|n| n.key.as_str());
        let focus = new.tree.focus;
        let pos = new
            .rows
            .iter()
            .position(|r| new.tree.nodes.get(r.node).map(|n| n.key.as_str()) == key)
            .or_else(|| new.rows.iter().position(|r| r.node == focus))
            .unwrap_or(0);
        let len = new.rows.len();
        new.cursor = Cursor::default();
        new.cursor.set(pos, len, page);
    }
    v.data.tree = Some(tree);
}

/// What the newly focused pane still needs: the tree and the timeline are fetched the
/// first time their pane is shown, so opening an alert stays quick.
fn load_pane(s: &mut AppState) -> Vec<Effect> {
    let Some(v) = s.view.as_ref() else {
        return Vec::new();
    };
    match s.pane {
        Pane::Tree if v.data.tree.is_none() && !v.tree_reading => {
            let alert_id = v.data.alert.id.clone();
            if let Some(v) = s.view.as_mut() {
                v.tree_reading = true;
            }
            vec![Effect::LoadTree {
                alert_id,
                all_ancestors: false,
            }]
        }
        Pane::Timeline if !v.timeline.fetched && !v.timeline.loading => reload_timeline(s),
        _ => Vec::new(),
    }
}

pub fn loaded(s: &mut AppState, data: AlertData) -> Vec<Effect> {
    let (same_event, nearby) = related(s, &data);
    let (tree, tree_error) = match &data.tree {
        Some(t) => tree_view(t, s.page_rows()),
        None => (None, None),
    };
    let timeline = TimelineView {
        host: data.alert.host.clone(),
        center_ms: data.alert.timestamp_ms,
        half_window_ms: DEFAULT_WINDOW_MS,
        ..TimelineView::default()
    };
    s.view = Some(AlertView {
        data,
        same_event,
        nearby,
        detail: Vec::new(),
        detail_scroll: 0,
        tree,
        tree_error,
        tree_reading: false,
        timeline,
        step_cursor: 0,
    });
    refresh_view(s);
    s.mode = Mode::Alert;
    s.pane = Pane::Detail;
    Vec::new()
}

/// Rebuilds the detail lines (statuses of related alerts may have changed).
pub fn refresh_view(s: &mut AppState) {
    let lines = crate::app::detail::build(s);
    if let Some(v) = s.view.as_mut() {
        v.detail = lines;
    }
}

pub fn timeline_loaded(
    s: &mut AppState,
    query: &TimelineQuery,
    result: Result<Vec<Event>, String>,
) {
    let page = s.page_rows();
    let Some(v) = s.view.as_mut() else { return };
    let t = &mut v.timeline;
    if timeline_query(t) != *query {
        // A read for another window, query or alert: a newer one is on its way.
        return;
    }
    t.loading = false;
    t.fetched = true;
    match result {
        Ok(events) => {
            t.error = None;
            let start = events.partition_point(|e| e.timestamp_ms < t.center_ms);
            t.events = events;
            t.cursor = Cursor::default();
            let len = t.events.len();
            t.cursor.set(start, len, page);
        }
        Err(e) => t.error = Some(e),
    }
}

fn reload_timeline(s: &mut AppState) -> Vec<Effect> {
    match s.view.as_mut() {
        Some(v) => {
            v.timeline.loading = true;
            vec![Effect::LoadTimeline(timeline_query(&v.timeline))]
        }
        None => Vec::new(),
    }
}

fn list_move(c: &mut Cursor, action: &Action, len: usize, page: usize) -> bool {
    let p = isize::try_from(page).unwrap_or(1);
    let delta = match action {
        Action::SelectNext | Action::ScrollDown => 1,
        Action::SelectPrev | Action::ScrollUp => -1,
        Action::PageDown => p,
        Action::PageUp => -p,
        Action::SelectFirst => isize::MIN / 2,
        Action::SelectLast => isize::MAX / 2,
        Action::ClickRow(row) => {
            if *row < len {
                c.set(*row, len, page);
            }
            return true;
        }
        _ => return false,
    };
    c.move_by(delta, len, page);
    true
}

fn tree_action(s: &mut AppState, action: &Action) -> Vec<Effect> {
    let page = s.page_rows();
    let Some(v) = s.view.as_mut() else {
        return Vec::new();
    };
    let Some(tv) = v.tree.as_mut() else {
        return Vec::new();
    };
    if list_move(&mut tv.cursor, action, tv.rows.len(), page) {
        return Vec::new();
    }
    let Some(row) = tv.rows.get(tv.cursor.pos).cloned() else {
        return Vec::new();
    };
    match action {
        Action::Collapse | Action::Expand | Action::ToggleFold => {
            let fold = match action {
                Action::Collapse => true,
                Action::Expand => false,
                _ => !row.folded,
            };
            if fold && (!row.has_children || row.folded) {
                // Already folded or a leaf: go to the parent, as file trees do.
                let parent = tv.tree.nodes.get(row.node).and_then(|n| n.parent);
                if let Some(p) = parent.and_then(|p| tv.rows.iter().position(|r| r.node == p)) {
                    let len = tv.rows.len();
                    tv.cursor.set(p, len, page);
                }
                return Vec::new();
            }
            if fold {
                tv.folded.insert(row.node);
            } else {
                tv.folded.remove(&row.node);
            }
        }
        Action::ToggleSiblings => tv.show_siblings = !tv.show_siblings,
        Action::LoadAllAncestors => {
            if tv.more_ancestors.is_none() || tv.reading_all {
                return Vec::new();
            }
            tv.reading_all = true;
            v.tree_reading = true;
            return vec![Effect::LoadTree {
                alert_id: v.data.alert.id.clone(),
                all_ancestors: true,
            }];
        }
        Action::Open => {
            let node = tv.tree.nodes.get(row.node).cloned().unwrap_or_default();
            let query = match (&node.event_id, node.pid) {
                (_, Some(pid)) => format!("process.pid:{pid}"),
                (Some(id), None) => format!("\"{id}\""),
                (None, None) => return Vec::new(),
            };
            v.timeline.query = query;
            if let Some(start) = node.start_ms {
                v.timeline.center_ms = start;
            }
            s.pane = Pane::Timeline;
            return reload_timeline(s);
        }
        _ => return Vec::new(),
    }
    let keep = row.node;
    tv.rows = crate::app::tree_rows::flatten(tv);
    let pos = tv.rows.iter().position(|r| r.node == keep).unwrap_or(0);
    let len = tv.rows.len();
    tv.cursor.set(pos, len, page);
    Vec::new()
}

fn timeline_action(s: &mut AppState, action: &Action) -> Vec<Effect> {
    let page = s.page_rows();
    let Some(v) = s.view.as_mut() else {
        return Vec::new();
    };
    let t = &mut v.timeline;
    if list_move(&mut t.cursor, action, t.events.len(), page) {
        return Vec::new();
    }
    match action {
        Action::Open => {
            if let Some(e) = t.events.get(t.cursor.pos) {
                s.overlay = Some(Overlay::Record {
                    title: format!("Event {}", e.id),
                    lines: crate::app::detail::record_lines(std::slice::from_ref(e)),
                    scroll: 0,
                });
            }
            Vec::new()
        }
        Action::StartFilter => {
            s.prompt = Some(Prompt {
                purpose: PromptPurpose::TimelineQuery,
                text: t.query.clone(),
                before: t.query.clone(),
            });
            Vec::new()
        }
        Action::ClearFilter => {
            t.query.clear();
            t.center_ms = v.data.alert.timestamp_ms;
            reload_timeline(s)
        }
        Action::WidenWindow | Action::NarrowWindow => {
            let i = WINDOWS_MS
                .iter()
                .position(|&w| w >= t.half_window_ms)
                .unwrap_or(WINDOWS_MS.len() - 1);
            let j = if *action == Action::WidenWindow {
                (i + 1).min(WINDOWS_MS.len() - 1)
            } else {
                i.saturating_sub(1)
            };
            t.half_window_ms = WINDOWS_MS[j];
            reload_timeline(s)
        }
        _ => Vec::new(),
    }
}

fn detail_action(s: &mut AppState, action: &Action) -> Vec<Effect> {
    let page = s.page_rows();
    let width = s.width;
    let Some(v) = s.view.as_mut() else {
        return Vec::new();
    };
    let rows = crate::app::wrap::detail_rows(&v.detail, width).len();
    let max = rows.saturating_sub(page);
    let p = page;
    v.detail_scroll = match action {
        Action::SelectNext | Action::ScrollDown => v.detail_scroll + 1,
        Action::SelectPrev | Action::ScrollUp => v.detail_scroll.saturating_sub(1),
        Action::PageDown => v.detail_scroll + p,
        Action::PageUp => v.detail_scroll.saturating_sub(p),
        Action::SelectFirst => 0,
        Action::SelectLast => max,
        Action::ToggleOriginal | Action::Open => {
            let lines = crate::app::detail::record_lines(&v.data.events);
            s.overlay = Some(Overlay::Record {
                title: format!("Original record(s) of alert {}", v.data.alert.id),
                lines,
                scroll: 0,
            });
            return Vec::new();
        }
        _ => v.detail_scroll,
    }
    .min(max);
    Vec::new()
}

pub fn handle(s: &mut AppState, action: Action) -> Vec<Effect> {
    match action {
        Action::Back => {
            s.mode = Mode::Queue;
            Vec::new()
        }
        Action::NextPane | Action::PrevPane => {
            let i = Pane::ALL.iter().position(|p| *p == s.pane).unwrap_or(0);
            let n = Pane::ALL.len();
            let j = if action == Action::NextPane {
                (i + 1) % n
            } else {
                (i + n - 1) % n
            };
            s.pane = Pane::ALL[j];
            load_pane(s)
        }
        other => {
            let effects = match s.pane {
                Pane::Detail => detail_action(s, &other),
                Pane::Checklist => crate::app::update_casework::checklist_action(s, &other),
                Pane::Tree => tree_action(s, &other),
                Pane::Timeline => timeline_action(s, &other),
            };
            if s.pane == Pane::Tree
                && s.view
                    .as_ref()
                    .is_some_and(|v| v.tree.is_none() && !v.tree_reading)
            {
                let reason = s
                    .view
                    .as_ref()
                    .and_then(|v| v.tree_error.clone())
                    .unwrap_or_default();
                s.message = Some(Message {
                    text: format!("no process tree: {reason}"),
                    is_error: true,
                });
            }
            effects
        }
    }
}
