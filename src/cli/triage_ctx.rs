//! What the triage commands (`alert`, `exception`, `export`) share: the workspace with
//! its alerts and the analyst's decisions, alert lookup by id or unique prefix, and the
//! assembly of everything known about one alert (event, guide, pivot counts, process
//! tree) into an [`export::Case`].

use crate::detect::AlertStore;
use crate::error::{Result, VigilError};
use crate::export::{Case, CaseInput};
use crate::index::reader::EventSearcher;
use crate::model::{Alert, Event};
use crate::store::Store;
use crate::text::visible;
use crate::triage::guide::{self, Guide};
use crate::triage::pivot::{self, PivotTarget, query};
use crate::triage::tree::{self, RenderOptions, TreeOptions};
use crate::workspace::Workspace;
use std::collections::BTreeMap;
use std::path::Path;

/// Process-start events are fetched this long before the alert (ancestors such as
/// explorer.exe or services start long before the alert) ...
const TREE_BEFORE_MS: i64 = 72 * 3_600_000;
/// ... and this long after it (descendants).
const TREE_AFTER_MS: i64 = 24 * 3_600_000;
/// At most this many process starts are read for one tree.
const TREE_EVENT_LIMIT: usize = 10_000;

/// An open workspace with its alerts and triage state.
pub struct TriageContext {
    pub ws: Workspace,
    pub alerts: AlertStore,
    pub store: Store,
}

impl TriageContext {
    pub fn open(workspace: &Path) -> Result<Self> {
        let ws = Workspace::open_read(workspace)?;
        let alerts = AlertStore::open(&ws.alerts_dir()).map_err(other)?;
        let store = Store::open(&ws.state_dir()).map_err(other)?;
        if let Some(torn) = &store.load_report().torn_tail {
            eprintln!(
                "vigil: note: the triage journal ended with an incomplete record (a crash during a write); it was set aside ({torn:?})"
            );
        }
        Ok(TriageContext { ws, alerts, store })
    }

    /// The alert with id `key`, or the only alert whose id starts with `key`.
    pub fn find(&self, key: &str) -> Result<&Alert> {
        find_alert(&self.alerts, key)
    }

    /// Resolves several keys, keeping their order and dropping repeats.
    pub fn find_all(&self, keys: &[String]) -> Result<Vec<&Alert>> {
        let mut out: Vec<&Alert> = Vec::with_capacity(keys.len());
        for k in keys {
            let a = self.find(k)?;
            if !out.iter().any(|o| o.id == a.id) {
                out.push(a);
            }
        }
        Ok(out)
    }

    /// Every alert of the workspace, owned (the pivot and exception APIs take slices).
    pub fn all_alerts(&self) -> Vec<Alert> {
        self.alerts.alerts().into_iter().cloned().collect()
    }

    /// The parsed guide of the alert's rule, if the rule has one.
    pub fn guide(&self, alert: &Alert) -> Option<Guide> {
        self.alerts
            .rule(&alert.rule_id)
            .and_then(|r| r.guide.as_deref())
            .map(|g| guide::parse(g, None))
    }

    /// Assembles the case for one alert: its first event, checklist with live pivot
    /// counts, process tree.
    pub fn case(
        &self,
        searcher: &EventSearcher,
        alert: &Alert,
        all: &[Alert],
        now_ms: i64,
    ) -> Result<Case> {
        let event = first_event(searcher, alert)?;
        let guide = self.guide(alert);
        let counts = event_pivot_counts(searcher, guide.as_ref(), alert, event.as_ref());
        let process_tree = match &event {
            Some(ev) => process_tree(searcher, alert, ev)?,
            None => None,
        };
        let triage = self.store.get(&alert.id);
        Ok(Case::build(CaseInput {
            alert,
            rule: self.alerts.rule(&alert.rule_id),
            event: event.as_ref(),
            process_tree,
            guide: guide.as_ref(),
            triage: &triage,
            event_counts: &counts,
            alerts: all,
            now_ms,
        }))
    }
}

/// Exact id first, then a unique prefix (ids are lowercase hex; the key is lowercased).
pub fn find_alert<'a>(alerts: &'a AlertStore, key: &str) -> Result<&'a Alert> {
    let key = key.trim();
    if let Some(a) = alerts.get(key) {
        return Ok(a);
    }
    let lower = key.to_ascii_lowercase();
    if let Some(a) = alerts.get(&lower) {
        return Ok(a);
    }
    if lower.is_empty() {
        return Err(VigilError::Other(
            "an empty alert id was given: `vigil alerts` lists the ids".into(),
        ));
    }
    let mut hits = alerts
        .alerts()
        .into_iter()
        .filter(|a| a.id.starts_with(&lower));
    match (hits.next(), hits.next()) {
        (Some(a), None) => Ok(a),
        (Some(_), Some(_)) => Err(VigilError::Other(format!(
            "alert id prefix '{}' matches several alerts: give more characters of the id",
            visible(key)
        ))),
        _ => Err(VigilError::Other(format!(
            "no alert has the id '{}' in this workspace: `vigil alerts --all` lists them",
            visible(key)
        ))),
    }
}

/// The alert's first matched event, if the index still has it.
pub fn first_event(searcher: &EventSearcher, alert: &Alert) -> Result<Option<Event>> {
    let Some(id) = alert.event_ids.first() else {
        return Ok(None);
    };
    Ok(searcher.get_events(&[id.as_str()])?.into_iter().next())
}

/// Counts every events pivot of the guide's steps against the index, keyed by query.
/// A query the index refuses is left uncounted.
pub fn event_pivot_counts(
    searcher: &EventSearcher,
    guide: Option<&Guide>,
    alert: &Alert,
    event: Option<&Event>,
) -> BTreeMap<String, u64> {
    let mut counts = BTreeMap::new();
    let Some(guide) = guide else {
        return counts;
    };
    for spec in guide.steps.iter().flat_map(|s| s.pivots.iter()) {
        let p = pivot::resolve(spec, alert, event);
        if p.target != PivotTarget::Events {
            continue;
        }
        if let Some(q) = query::events_query(&p)
            && !counts.contains_key(&q)
            && let Ok(n) = searcher.count(&q)
        {
            counts.insert(q, n as u64);
        }
    }
    counts
}

/// The process tree around the alert's event, from the process starts of its host in a
/// window around the alert, as plain text; `None` when the event names no process or the
/// alert has no host.
pub fn process_tree(
    searcher: &EventSearcher,
    alert: &Alert,
    focus: &Event,
) -> Result<Option<String>> {
    let Some(host) = alert
        .host
        .as_deref()
        .or_else(|| focus.str_field("host.name"))
    else {
        return Ok(None);
    };
    let from = query::iso(alert.timestamp_ms.saturating_sub(TREE_BEFORE_MS));
    let to = query::iso(alert.timestamp_ms.saturating_add(TREE_AFTER_MS));
    let q = format!(
        "host.name:{} AND event.category:process AND event.type:start AND @timestamp:[{from} TO {to}]",
        query::quote(host)
    );
    let events = searcher.search(&q, TREE_EVENT_LIMIT)?;
    Ok(tree::build(focus, &events, &TreeOptions::default())
        .map(|b| tree::render_text(&b, RenderOptions::default())))
}

pub fn other(e: impl std::fmt::Display) -> VigilError {
    VigilError::Other(e.to_string())
}
