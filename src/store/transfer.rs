//! Moving decisions between colleagues' workspaces: `export_dispositions` writes every
//! alert's triage and the exceptions to one JSON file; `import_dispositions` merges such
//! a file into this store.
//!
//! Merge rule, per alert id:
//! - audit trails are united (identical entries once), ordered by time;
//! - the decision (status, classification, reason, exception) comes from the side whose
//!   latest decision audit entry is newer; on a tie the local decision stays;
//! - each step's state comes from the side that touched that step last (local on a tie);
//! - comments are united (identical comments once), ordered by time.
//!
//! The importing analyst's own audit entry (`import`) records each merge that changed
//! something. Exceptions are united by id (ids hash the conditions, author and creation time).

use super::journal::Entry;
use super::{Store, StoreError};
use crate::model::triage::{AlertTriage, AuditEntry, Comment};
use crate::triage::exceptions::Exception;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

pub const FORMAT: &str = "vigil-dispositions";

/// The file exchanged between workspaces.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DispositionsFile {
    pub format: String,
    pub version: u32,
    pub exported_by: String,
    pub exported_at_ms: i64,
    pub alerts: BTreeMap<String, AlertTriage>,
    #[serde(default)]
    pub exceptions: Vec<Exception>,
}

/// What an import changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ImportSummary {
    /// Alerts this workspace knew nothing about.
    pub alerts_added: usize,
    /// Alerts whose triage changed by merging.
    pub alerts_merged: usize,
    /// Alerts already identical (or where the local side is newer everywhere).
    pub alerts_unchanged: usize,
    pub exceptions_added: usize,
}

const DECISION_FIELDS: [&str; 4] = ["status", "classification", "reason", "exception"];

impl Store {
    /// Writes every alert's triage and every exception to `path` (atomically).
    pub fn export_dispositions(
        &self,
        path: &Path,
        who: &str,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        let file = DispositionsFile {
            format: FORMAT.to_string(),
            version: 1,
            exported_by: who.to_string(),
            exported_at_ms: now_ms,
            alerts: self.alerts.clone(),
            exceptions: self.exceptions.values().cloned().collect(),
        };
        let mut bytes =
            serde_json::to_vec_pretty(&file).map_err(|e| StoreError::Encode(e.to_string()))?;
        bytes.push(b'\n');
        super::snapshot::replace_file(path, &bytes)
    }

    /// Merges a file written by [`Store::export_dispositions`] into this store.
    pub fn import_dispositions(
        &mut self,
        path: &Path,
        who: &str,
        now_ms: i64,
    ) -> Result<ImportSummary, StoreError> {
        let bad = |reason: String| StoreError::Import {
            path: path.to_path_buf(),
            reason,
        };
        let bytes = std::fs::read(path).map_err(|e| StoreError::io("read", path, e))?;
        let file: DispositionsFile =
            serde_json::from_slice(&bytes).map_err(|e| bad(e.to_string()))?;
        if file.format != FORMAT {
            return Err(bad(format!("its format is `{}`", file.format)));
        }
        self.refresh()?;
        let mut summary = ImportSummary::default();
        let note = crate::model::triage::AuditEntry {
            by: who.to_string(),
            at_ms: now_ms,
            what: "import".to_string(),
            from: None,
            to: Some(format!("merged decisions exported by {}", file.exported_by)),
        };
        let mut entries = Vec::new();
        for (id, theirs) in file.alerts {
            let mut merged = match self.alerts.get(&id) {
                None => {
                    summary.alerts_added += 1;
                    theirs
                }
                Some(ours) => {
                    let m = merge(ours, &theirs);
                    if &m == ours {
                        summary.alerts_unchanged += 1;
                        continue;
                    }
                    summary.alerts_merged += 1;
                    m
                }
            };
            merged.audit.push(note.clone());
            entries.push(Entry::Replace {
                alert: id,
                triage: merged,
            });
        }
        for e in file.exceptions {
            if !self.exceptions.contains_key(&e.id) && e.validate().is_ok() {
                summary.exceptions_added += 1;
                entries.push(Entry::ExceptionSaved { exception: e });
            }
        }
        self.commit(entries, who, now_ms)?;
        Ok(summary)
    }
}

/// Merges two triages of the same alert (see the module doc for the rule).
pub fn merge(ours: &AlertTriage, theirs: &AlertTriage) -> AlertTriage {
    let mut out = ours.clone();
    if last_decision(theirs) > last_decision(ours) {
        out.status = theirs.status;
        out.classification = theirs.classification;
        out.reason = theirs.reason.clone();
        out.exception_id = theirs.exception_id.clone();
    }
    for (step, state) in &theirs.steps {
        let newer = match out.steps.get(step) {
            None => true,
            Some(mine) => state.at_ms.unwrap_or(i64::MIN) > mine.at_ms.unwrap_or(i64::MIN),
        };
        if newer {
            out.steps.insert(step.clone(), state.clone());
        }
    }
    out.comments = union(&ours.comments, &theirs.comments, |c: &Comment| c.at_ms);
    out.audit = union(&ours.audit, &theirs.audit, |a: &AuditEntry| a.at_ms);
    out
}

fn last_decision(t: &AlertTriage) -> i64 {
    t.audit
        .iter()
        .filter(|a| DECISION_FIELDS.contains(&a.what.as_str()))
        .map(|a| a.at_ms)
        .max()
        .unwrap_or(i64::MIN)
}

/// Items of both, each distinct item once, stably ordered by time (ours first on ties).
fn union<T: Clone + PartialEq>(ours: &[T], theirs: &[T], at: impl Fn(&T) -> i64) -> Vec<T> {
    let mut out: Vec<T> = ours.to_vec();
    for t in theirs {
        if !out.contains(t) {
            out.push(t.clone());
        }
    }
    out.sort_by_key(|x| at(x));
    out
}
