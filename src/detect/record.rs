//! Recording detection results in a workspace: fetch the matched events' documents, turn
//! matches into alerts, mark new alerts an analyst's exception covers as suppressed, and
//! merge everything into the workspace's alert store.

use crate::detect::{AlertBuilder, AlertStore};
use crate::error::{Result, VigilError};
use crate::model::RuleMeta;
use crate::rules::api::RuleMatch;
use crate::store::Store;
use crate::triage::exceptions::suppressed_by;
use crate::workspace::Workspace;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// What one detection run added to the workspace.
#[derive(Debug, Default, Serialize)]
pub struct Recorded {
    /// Alerts raised by this run (after folding), new or already known.
    pub raised: usize,
    /// Alerts whose id was not in the workspace before.
    pub new: usize,
    /// New alerts hidden because an exception matched them.
    pub suppressed: usize,
    /// Alerts in the workspace after the run.
    pub total: usize,
    /// Alerts raised by this run, per rule name.
    pub by_rule: BTreeMap<String, usize>,
    /// Rules whose triage hints could not be compiled (their alerts are kept as built).
    pub problems: Vec<String>,
}

/// Matches whose events are read from the index at once.
const MATCHES_PER_READ: usize = 2_048;

/// Turns `matches` into alerts and stores them in `ws`. `now_ms` decides which
/// exceptions are still active.
pub fn record_matches(
    ws: &Workspace,
    rules: &[&RuleMeta],
    matches: &[RuleMatch],
    now_ms: i64,
) -> Result<Recorded> {
    // Event documents are read a part of the matches at a time: with tens of thousands
    // of alerts, holding every matched document at once took gigabytes.
    let mut builder = AlertBuilder::new(rules);
    for part in matches.chunks(MATCHES_PER_READ) {
        let ids: BTreeSet<&str> = part
            .iter()
            .flat_map(|m| m.events.iter().map(|(id, _)| id.as_str()))
            .collect();
        let ids: Vec<&str> = ids.into_iter().collect();
        let docs: HashMap<String, serde_json::Value> = if ids.is_empty() {
            HashMap::new()
        } else {
            ws.searcher()?
                .get_events(&ids)?
                .into_iter()
                .map(|e| (e.id, e.doc))
                .collect()
        };
        builder.add(part, &mut |id| docs.get(id).cloned());
    }
    let (mut alerts, problems) = builder.finish();
    let mut store = AlertStore::open(&ws.alerts_dir()).map_err(other)?;
    let triage = Store::open(&ws.state_dir()).map_err(other)?;
    let mut report = Recorded {
        raised: alerts.len(),
        problems: problems.iter().map(ToString::to_string).collect(),
        ..Recorded::default()
    };
    for a in &mut alerts {
        *report.by_rule.entry(a.rule_name.clone()).or_default() += 1;
        match store.get(&a.id) {
            // A known alert keeps what it was: an exception saved later closed it instead.
            Some(old) => a.suppressed_by = old.suppressed_by.clone(),
            None => {
                a.suppressed_by = suppressed_by(a, triage.exceptions(), now_ms).map(str::to_string);
                if a.suppressed_by.is_some() {
                    report.suppressed += 1;
                }
            }
        }
    }
    report.new = store.merge(alerts, rules);
    store.save().map_err(other)?;
    report.total = store.len();
    Ok(report)
}

fn other(e: impl std::fmt::Display) -> VigilError {
    VigilError::Other(e.to_string())
}
