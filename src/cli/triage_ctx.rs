//! What the triage commands (`alert`, `exception`, `export`) share: the workspace with
//! its alerts and the analyst's decisions, alert lookup by id or unique prefix, and the
//! assembly of everything known about one alert (event, guide, pivot counts, process
//! tree) into an [`export::Case`].

use crate::detect::AlertStore;
use crate::error::{Result, VigilError};
use crate::export::Case;
use crate::index::reader::EventSearcher;
use crate::model::{Alert, Event};
use crate::session::casework;
use crate::store::Store;
use crate::text::visible;
use crate::triage::guide::{self, Guide};
use crate::workspace::Workspace;
use std::path::Path;

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

    /// Assembles the case for one alert: its event, checklist with live pivot counts,
    /// process tree (the same casework the interface shows).
    pub fn case(
        &self,
        searcher: &EventSearcher,
        alert: &Alert,
        all: &[Alert],
        now_ms: i64,
    ) -> Result<Case> {
        let triage = self.store.get(&alert.id);
        Ok(casework::build_case(
            searcher,
            self.alerts.rule(&alert.rule_id),
            alert,
            &triage,
            all,
            now_ms,
        ))
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

/// The event the alert is about, if the index still has it.
pub fn first_event(searcher: &EventSearcher, alert: &Alert) -> Result<Option<Event>> {
    Ok(casework::focus_event(searcher, alert))
}

pub fn other(e: impl std::fmt::Display) -> VigilError {
    VigilError::Other(e.to_string())
}
