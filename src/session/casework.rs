//! Casework over a workspace, shared by the interface and the CLI: the process tree around
//! an alert, the live counts of its guide's pivots, and the case notes built from both.
//!
//! These are the only places that combine the index (events), the alert store and the
//! triage libraries, so `vigil alert`, `vigil export` and the interface always agree.

use crate::export::{Case, CaseInput};
use crate::index::reader::EventSearcher;
use crate::model::triage::AlertTriage;
use crate::model::{Alert, Event, RuleMeta};
use crate::session::alert_keys::IndexedAlerts;
use crate::triage::guide::{self, Guide};
use crate::triage::pivot::{self, Pivot, PivotTarget};
use crate::triage::tree::{self, BuiltTree, RenderOptions, TreeOptions};
use std::collections::{BTreeMap, HashMap};

/// Process starts fetched to build one tree; older ancestors beyond it are shown from
/// their children's `process.parent.*` fields.
const TREE_EVENT_LIMIT: usize = 20_000;
/// Look-back and look-ahead around the alert for process starts of the tree.
const TREE_WINDOW_MS: i64 = 7 * 24 * 3_600_000;
/// Nodes whose other-event count is looked up (one count query each).
const COUNTED_NODES: usize = 300;

pub use crate::triage::pivot::query::{iso, quote};

/// The event an alert is about: the first matched event that describes a process, else
/// the first one found.
pub fn focus_event(searcher: &EventSearcher, alert: &Alert) -> Option<Event> {
    let ids: Vec<&str> = alert.event_ids.iter().map(String::as_str).collect();
    let events = searcher.get_events(&ids).ok()?;
    let with_process = events
        .iter()
        .position(|e| e.get("process.pid").is_some() || e.get("process.entity_id").is_some());
    match with_process {
        Some(i) => events.into_iter().nth(i),
        None => events.into_iter().next(),
    }
}

/// The process tree around the alert's process, with alert markers and, for the nodes
/// nearest the focus, how many other events belong to each process.
pub fn process_tree(
    searcher: &EventSearcher,
    alert: &Alert,
    alerts: &[Alert],
) -> Result<BuiltTree, String> {
    build_tree(searcher, alert, Marks::All(alerts), None).map(|(b, _)| b)
}

/// The alerts a tree's nodes are marked with.
enum Marks<'a> {
    All(&'a [Alert]),
    /// Only those naming one of the tree's processes (same marks, far fewer read).
    Indexed(&'a IndexedAlerts),
}

/// The same tree for the interface, its process starts fetched by entity id when
/// possible (`tree_query`), reading at most `max_ancestors` ancestors (all when `None`).
/// Only the "N more" counts of siblings may be lower than [`process_tree`]'s, which the
/// interface does not show; case notes use the latter. When the ancestors stopped short,
/// also returns the node standing for the unread ones (the topmost, known from the oldest
/// read ancestor's fields) and how many ancestors were read.
pub fn process_tree_up_to(
    searcher: &EventSearcher,
    alert: &Alert,
    alerts: &IndexedAlerts,
    max_ancestors: Option<usize>,
) -> Result<(BuiltTree, Option<(usize, usize)>), String> {
    build_tree(searcher, alert, Marks::Indexed(alerts), Some(max_ancestors))
}

/// `quick`: `None` reads the whole window; `Some(limit)` fetches by entity id when it
/// can, reading at most `limit` ancestors.
fn build_tree(
    searcher: &EventSearcher,
    alert: &Alert,
    marks: Marks<'_>,
    quick: Option<Option<usize>>,
) -> Result<(BuiltTree, Option<(usize, usize)>), String> {
    let focus = focus_event(searcher, alert)
        .ok_or_else(|| "the alert's events are not in this workspace".to_string())?;
    let host = alert
        .host
        .clone()
        .ok_or_else(|| "the alert has no host, so its processes cannot be found".to_string())?;
    let query = tree_window(&host, alert.timestamp_ms);
    let bounds = tree_bounds(alert.timestamp_ms);
    let related = quick.and_then(|limit| {
        crate::session::tree_query::related_starts_up_to(searcher, &focus, &query, bounds, limit)
    });
    let (events, stopped_at) = match related {
        Some(found) => {
            let found = found?;
            (found.events, found.stopped_at)
        }
        None => (window_starts(searcher, &query)?, None),
    };
    let mut built = tree::build(&focus, &events, &TreeOptions::default())
        .ok_or_else(|| "the alert's event describes no process".to_string())?;
    let cut = stopped_at.and_then(|key| {
        let node = built
            .tree
            .nodes
            .iter()
            .position(|n| n.key == key && n.event_id.is_none())?;
        // Ancestors read: the nodes on the path between the cut and the focus.
        let read = built
            .path_to_focus
            .iter()
            .position(|&n| n == built.tree.focus)?
            .saturating_sub(1);
        Some((node, read))
    });
    match marks {
        Marks::All(alerts) => tree::mark_alerts(&mut built.tree, alerts),
        Marks::Indexed(indexed) => {
            let candidates = indexed.for_tree(&built.tree);
            tree::mark_alerts(&mut built.tree, &candidates);
        }
    }
    let mut counts = HashMap::new();
    for node in built.tree.nodes.iter().take(COUNTED_NODES) {
        if node.key.is_empty() || node.event_id.is_none() {
            continue;
        }
        let q = format!("process.entity_id:{}", quote(&node.key));
        if let Ok(n) = searcher.count(&q) {
            counts.insert(node.key.clone(), n.saturating_sub(1));
        }
    }
    tree::fill_event_counts(&mut built.tree, &counts);
    Ok((built, cut))
}

/// The tree's time window around `at_ms`, in ms.
pub fn tree_bounds(at_ms: i64) -> (i64, i64) {
    (at_ms - TREE_WINDOW_MS, at_ms + TREE_WINDOW_MS)
}

/// The query for the process starts of `host` in the tree's window around `at_ms`.
pub fn tree_window(host: &str, at_ms: i64) -> String {
    let (from, to) = tree_bounds(at_ms);
    format!(
        "host.name:{} AND event.category:process AND event.type:start AND @timestamp:[{} TO {}]",
        quote(host),
        iso(from),
        iso(to)
    )
}

/// Every process start of the host in the tree's window (newest `TREE_EVENT_LIMIT`),
/// oldest first.
pub fn window_starts(searcher: &EventSearcher, query: &str) -> Result<Vec<Event>, String> {
    let mut events = searcher
        .search(query, TREE_EVENT_LIMIT)
        .map_err(|e| e.to_string())?;
    events.reverse();
    Ok(events)
}

/// A pivot of a guide step, resolved for one alert, with its live count.
#[derive(Debug, Clone)]
pub struct CountedPivot {
    pub pivot: Pivot,
    /// The events query, for events pivots that can run.
    pub query: Option<String>,
    /// Matching alert ids, for alerts pivots.
    pub alert_ids: Vec<String>,
    pub count: Result<usize, String>,
}

/// The rule's guide for this alert with every step's pivots counted, in step order.
pub fn guide_with_counts(
    searcher: &EventSearcher,
    rule: Option<&RuleMeta>,
    alert: &Alert,
    event: Option<&Event>,
    alerts: &[Alert],
) -> (Guide, Vec<Vec<CountedPivot>>) {
    let guide = guide::parse(
        rule.and_then(|r| r.guide.as_deref()).unwrap_or_default(),
        None,
    );
    let counted = guide
        .steps
        .iter()
        .map(|step| {
            step.pivots
                .iter()
                .map(|spec| count_pivot(searcher, pivot::resolve(spec, alert, event), alerts))
                .collect()
        })
        .collect();
    (guide, counted)
}

fn count_pivot(searcher: &EventSearcher, p: Pivot, alerts: &[Alert]) -> CountedPivot {
    if !p.is_runnable() {
        let why = if p.problems.is_empty() {
            "this pivot has nothing to search for".to_string()
        } else {
            p.problems.join("; ")
        };
        return CountedPivot {
            pivot: p,
            query: None,
            alert_ids: Vec::new(),
            count: Err(why),
        };
    }
    match p.target {
        PivotTarget::Alerts => {
            let ids: Vec<String> = pivot::alerts::matching(&p, alerts)
                .into_iter()
                .map(|a| a.id.clone())
                .collect();
            CountedPivot {
                count: Ok(ids.len()),
                pivot: p,
                query: None,
                alert_ids: ids,
            }
        }
        PivotTarget::Events => {
            let query = pivot::query::events_query(&p);
            let count = match &query {
                Some(q) => searcher.count(q).map_err(|e| e.to_string()),
                None => Err("this pivot has nothing to search for".into()),
            };
            CountedPivot {
                pivot: p,
                query,
                alert_ids: Vec::new(),
                count,
            }
        }
    }
}

/// Everything the case notes of one alert need, gathered from the workspace.
pub fn build_case(
    searcher: &EventSearcher,
    rule: Option<&RuleMeta>,
    alert: &Alert,
    triage: &AlertTriage,
    alerts: &[Alert],
    now_ms: i64,
) -> Case {
    let event = focus_event(searcher, alert);
    let tree_text = process_tree(searcher, alert, alerts)
        .ok()
        .map(|t| tree::render_text(&t, RenderOptions { siblings: false }));
    let (guide, counted) = guide_with_counts(searcher, rule, alert, event.as_ref(), alerts);
    let mut event_counts = BTreeMap::new();
    for c in counted.iter().flatten() {
        if let (Some(q), Ok(n)) = (&c.query, &c.count) {
            event_counts.insert(q.clone(), *n as u64);
        }
    }
    Case::build(CaseInput {
        alert,
        rule,
        event: event.as_ref(),
        process_tree: tree_text,
        guide: rule.and_then(|r| r.guide.as_ref()).map(|_| &guide),
        triage,
        event_counts: &event_counts,
        alerts,
        now_ms,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn range_bounds_are_rfc3339() {
        assert_eq!(iso(1_600_000_000_123), "2020-09-13T12:26:40.123Z");
        assert_eq!(quote("a\"b"), "\"a\\\"b\"");
    }
}
