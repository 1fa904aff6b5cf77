//! The reads the interface may run on another thread (a process tree, a timeline
//! window): plain functions over a shared searcher, so `WorkspaceSource` can run them
//! in place or hand them to `app::reads` wrapped in a closure.

use crate::app::source::{ANCESTORS_SHOWN, MoreAncestors, ShownTree, TimelineQuery};
use crate::index::reader::EventSearcher;
use crate::model::{Alert, Event};
use crate::session::alert_keys::IndexedAlerts;
use crate::session::casework::{self, iso, quote};

/// The interface's tree: the nearest [`ANCESTORS_SHOWN`] ancestors unless `all_ancestors`.
pub fn shown_tree(
    searcher: &EventSearcher,
    alert: &Alert,
    alerts: &IndexedAlerts,
    all_ancestors: bool,
) -> Result<ShownTree, String> {
    let limit = (!all_ancestors).then_some(ANCESTORS_SHOWN);
    let (built, cut) = casework::process_tree_up_to(searcher, alert, alerts, limit)?;
    Ok(ShownTree {
        tree: built.tree,
        more_ancestors: cut.map(|(node, read)| MoreAncestors { node, read }),
    })
}

/// Events of the timeline's window (and query), oldest first.
pub fn timeline(searcher: &EventSearcher, q: &TimelineQuery) -> Result<Vec<Event>, String> {
    let mut parts = Vec::new();
    if !q.query.trim().is_empty() {
        parts.push(format!("({})", q.query.trim()));
    }
    if let Some(h) = &q.host {
        parts.push(format!("host.name:{}", quote(h)));
    }
    parts.push(format!(
        "@timestamp:[{} TO {}]",
        iso(q.from_ms),
        iso(q.to_ms)
    ));
    let mut events = searcher
        .search(&parts.join(" AND "), q.limit)
        .map_err(|e| e.to_string())?;
    events.reverse();
    Ok(events)
}
