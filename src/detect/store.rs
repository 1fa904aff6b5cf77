//! The alerts of a workspace: `alerts/alerts.jsonl` plus `alerts/rules.jsonl`, the
//! metadata of every rule that raised one (so a guide survives the rule file going away).
//!
//! Alerts are derived data: detection can always recompute them. They are still written
//! atomically (temporary file, fsync, rename) so a crash never leaves a half file, and
//! merged by their stable id so a re-run never duplicates them.

use crate::model::{Alert, RuleMeta};
use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum AlertStoreError {
    #[error("cannot read or write alerts in {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "{path}:{line}: unreadable alert record: {source} (run `vigil detect` to rebuild the alerts)"
    )]
    Corrupt {
        path: PathBuf,
        line: usize,
        #[source]
        source: serde_json::Error,
    },
}

type Result<T> = std::result::Result<T, AlertStoreError>;

/// All alerts of one workspace, keyed by alert id, with the rules that raised them.
#[derive(Debug, Default)]
pub struct AlertStore {
    dir: PathBuf,
    alerts: BTreeMap<String, Alert>,
    rules: BTreeMap<String, RuleMeta>,
}

impl AlertStore {
    /// Opens the store in `dir` (created when missing).
    pub fn open(dir: &Path) -> Result<Self> {
        fs::create_dir_all(dir).map_err(|source| AlertStoreError::Io {
            path: dir.to_path_buf(),
            source,
        })?;
        let alerts: Vec<Alert> = read_lines(&dir.join("alerts.jsonl"))?;
        let rules: Vec<RuleMeta> = read_lines(&dir.join("rules.jsonl"))?;
        Ok(Self {
            dir: dir.to_path_buf(),
            alerts: alerts.into_iter().map(|a| (a.id.clone(), a)).collect(),
            rules: rules.into_iter().map(|r| (r.id.clone(), r)).collect(),
        })
    }

    /// Adds or replaces alerts and the rules that raised them. Returns how many alert ids
    /// were new. Nothing is written until [`AlertStore::save`].
    pub fn merge(&mut self, alerts: Vec<Alert>, rules: &[&RuleMeta]) -> usize {
        let mut new = 0;
        for a in alerts {
            if !self.rules.contains_key(&a.rule_id)
                && let Some(meta) = rules.iter().find(|r| r.id == a.rule_id)
            {
                self.rules.insert(meta.id.clone(), (*meta).clone());
            }
            if self.alerts.insert(a.id.clone(), a).is_none() {
                new += 1;
            }
        }
        // A rule's latest metadata (guide fixes, new severity) replaces the stored copy.
        for meta in rules {
            if self.rules.contains_key(&meta.id) {
                self.rules.insert(meta.id.clone(), (*meta).clone());
            }
        }
        new
    }

    /// Writes both files atomically.
    pub fn save(&self) -> Result<()> {
        let mut alerts: Vec<&Alert> = self.alerts.values().collect();
        alerts.sort_by(|a, b| (a.timestamp_ms, &a.id).cmp(&(b.timestamp_ms, &b.id)));
        write_lines(&self.dir.join("alerts.jsonl"), alerts.iter().copied())?;
        write_lines(&self.dir.join("rules.jsonl"), self.rules.values())
    }

    /// Alerts in time order, ties by id.
    pub fn alerts(&self) -> Vec<&Alert> {
        let mut v: Vec<&Alert> = self.alerts.values().collect();
        v.sort_by(|a, b| (a.timestamp_ms, &a.id).cmp(&(b.timestamp_ms, &b.id)));
        v
    }

    pub fn get(&self, id: &str) -> Option<&Alert> {
        self.alerts.get(id)
    }

    pub fn rule(&self, id: &str) -> Option<&RuleMeta> {
        self.rules.get(id)
    }

    pub fn len(&self) -> usize {
        self.alerts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.alerts.is_empty()
    }
}

fn read_lines<T: serde::de::DeserializeOwned>(path: &Path) -> Result<Vec<T>> {
    let file = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => {
            return Err(AlertStoreError::Io {
                path: path.to_path_buf(),
                source,
            });
        }
    };
    let mut out = Vec::new();
    for (i, line) in BufReader::new(file).lines().enumerate() {
        let line = line.map_err(|source| AlertStoreError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        if line.trim().is_empty() {
            continue;
        }
        let item = serde_json::from_str(&line).map_err(|source| AlertStoreError::Corrupt {
            path: path.to_path_buf(),
            line: i + 1,
            source,
        })?;
        out.push(item);
    }
    Ok(out)
}

fn write_lines<'a, T: serde::Serialize + 'a>(
    path: &Path,
    items: impl Iterator<Item = &'a T>,
) -> Result<()> {
    let io = |source| AlertStoreError::Io {
        path: path.to_path_buf(),
        source,
    };
    let tmp = path.with_extension("jsonl.tmp");
    let file = File::create(&tmp).map_err(io)?;
    let mut w = BufWriter::new(file);
    for item in items {
        serde_json::to_writer(&mut w, item).map_err(|e| io(e.into()))?;
        w.write_all(b"\n").map_err(io)?;
    }
    let file = w.into_inner().map_err(|e| io(e.into_error()))?;
    file.sync_all().map_err(io)?;
    fs::rename(&tmp, path).map_err(io)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{RuleKind, RuleOrigin, Severity};

    fn meta(id: &str) -> RuleMeta {
        RuleMeta {
            id: id.into(),
            name: format!("rule {id}"),
            description: String::new(),
            kind: RuleKind::Sigma,
            origin: RuleOrigin::BuiltIn("r.yml".into()),
            severity: Severity::Medium,
            risk_score: 47,
            mitre: vec![],
            guide: Some("## Triage".into()),
            setup: None,
            false_positives: vec![],
            tags: vec![],
            references: vec![],
            triage: Default::default(),
        }
    }

    fn alert(id: &str, rule: &str, ts: i64) -> Alert {
        Alert {
            id: id.into(),
            rule_id: rule.into(),
            rule_name: String::new(),
            rule_kind: RuleKind::Sigma,
            severity: Severity::Medium,
            risk_score: 47,
            mitre: vec![],
            timestamp_ms: ts,
            host: None,
            user: None,
            process: None,
            event_ids: vec![],
            fields: Default::default(),
            fp_suggestions: vec![],
            suppressed_by: None,
        }
    }

    #[test]
    fn merge_dedupes_and_persists() {
        let dir = tempfile::tempdir().unwrap();
        let m = meta("r1");
        let mut store = AlertStore::open(dir.path()).unwrap();
        assert_eq!(
            store.merge(vec![alert("b", "r1", 2), alert("a", "r1", 1)], &[&m]),
            2
        );
        assert_eq!(store.merge(vec![alert("a", "r1", 1)], &[&m]), 0);
        store.save().unwrap();
        let again = AlertStore::open(dir.path()).unwrap();
        let ids: Vec<_> = again.alerts().iter().map(|a| a.id.clone()).collect();
        assert_eq!(ids, ["a", "b"]);
        assert_eq!(
            again.rule("r1").unwrap().guide.as_deref(),
            Some("## Triage")
        );
    }

    #[test]
    fn corrupt_line_is_reported_with_its_location() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("alerts.jsonl"), "{not json\n").unwrap();
        let err = AlertStore::open(dir.path()).unwrap_err().to_string();
        assert!(err.contains("alerts.jsonl:1"), "{err}");
    }
}
