//! The analyst's decisions, kept in the workspace's `state/` directory apart from the
//! index: an append-only JSON-lines journal (`journal.jsonl`) compacted now and then into
//! `snapshot.json` (temp file, fsync, rename). A change is written to the journal before
//! it is acknowledged, so it survives the process being killed (kill -9, a crash); with
//! [`Durability::Immediate`] (the default, the CLI) it is also fsynced first, with
//! [`Durability::Deferred`] (the interface) within [`SYNC_DELAY`] and on [`Store::flush`]
//! or drop, so only a power failure in that window can lose it. A crash can at worst tear
//! the last journal line, which is reported and set aside. Several vigil processes may
//! share a workspace: writes happen under a file lock after catching up with the others.

pub mod change;
mod journal;
mod snapshot;
pub mod transfer;

pub use change::{
    Change, classification_key, classification_label, parse_classification, parse_status,
};
pub use journal::{Durability, SYNC_DELAY, TornTail};

use crate::model::triage::AlertTriage;
use crate::triage::exceptions::Exception;
use journal::{Entry, Record};
use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};

/// Journal records beyond which `open` compacts.
const COMPACT_AFTER: usize = 5_000;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("could not {action} {}: {source}", path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the triage snapshot {} is not valid JSON ({reason}); restore it from a backup or move it aside to rebuild from the journal", path.display())]
    Snapshot { path: PathBuf, reason: String },
    #[error("could not encode a triage record: {0}")]
    Encode(String),
    #[error("{0}")]
    Invalid(String),
    #[error("{} is not a vigil dispositions file ({reason}); export one with `vigil dispositions export FILE`", path.display())]
    Import { path: PathBuf, reason: String },
}

impl StoreError {
    fn io(action: &'static str, path: &Path, source: std::io::Error) -> StoreError {
        StoreError::Io {
            action,
            path: path.to_path_buf(),
            source,
        }
    }
}

/// What opening the store found that the analyst should know about.
#[derive(Debug, Default, Clone)]
pub struct LoadReport {
    /// A torn last journal line (a crash during a write): cut off and appended to
    /// `journal.torn`. The change it held had not been acknowledged.
    pub torn_tail: Option<TornTail>,
    /// Complete journal lines that did not parse and were skipped (line numbers).
    pub bad_lines: Vec<usize>,
    /// Records replayed from the journal.
    pub replayed: usize,
}

/// The analyst's triage state for one workspace.
#[derive(Debug)]
pub struct Store {
    dir: PathBuf,
    alerts: BTreeMap<String, AlertTriage>,
    exceptions: BTreeMap<String, Exception>,
    /// Sequence number of the last record applied.
    seq: u64,
    /// Journal bytes already applied.
    journal_len: u64,
    journal_records: usize,
    report: LoadReport,
    sync: journal::Syncer,
}

impl Store {
    /// Opens (creating if needed) the state directory `dir` and loads it.
    pub fn open(dir: &Path) -> Result<Store, StoreError> {
        std::fs::create_dir_all(dir).map_err(|e| StoreError::io("create", dir, e))?;
        let mut store = Store {
            dir: dir.to_path_buf(),
            alerts: BTreeMap::new(),
            exceptions: BTreeMap::new(),
            seq: 0,
            journal_len: 0,
            journal_records: 0,
            report: LoadReport::default(),
            sync: journal::Syncer::default(),
        };
        let lock = store.lock()?;
        store.reload()?;
        if store.journal_records > COMPACT_AFTER {
            store.compact_locked()?;
        }
        drop(lock);
        Ok(store)
    }

    /// Chooses when changes reach the disk (see the module doc); pending ones are
    /// synced first.
    pub fn set_durability(&mut self, durability: Durability) -> Result<(), StoreError> {
        if durability != self.sync.durability() {
            self.sync.flush()?;
            self.sync = journal::Syncer::new(durability);
        }
        Ok(())
    }

    /// Syncs every change written so far to disk, waiting for it; also reports a
    /// background sync that failed. Dropping the store does the same, silently.
    pub fn flush(&mut self) -> Result<(), StoreError> {
        self.sync.flush()
    }

    /// True when every change written so far is on disk (always, when immediate).
    pub fn is_synced(&self) -> bool {
        self.sync.is_synced()
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn load_report(&self) -> &LoadReport {
        &self.report
    }

    /// The triage of an alert (the default, open and untouched, when nothing was recorded).
    pub fn get(&self, alert_id: &str) -> AlertTriage {
        self.alerts.get(alert_id).cloned().unwrap_or_default()
    }

    /// The triage of an alert if anything was recorded for it.
    pub fn peek(&self, alert_id: &str) -> Option<&AlertTriage> {
        self.alerts.get(alert_id)
    }

    /// Every alert with recorded triage, by alert id.
    pub fn all(&self) -> &BTreeMap<String, AlertTriage> {
        &self.alerts
    }

    pub fn exceptions(&self) -> impl Iterator<Item = &Exception> {
        self.exceptions.values()
    }

    pub fn exception(&self, id: &str) -> Option<&Exception> {
        self.exceptions.get(id)
    }

    /// Applies one change; returns whether anything changed. When this returns `Ok`, the
    /// change is on disk.
    pub fn apply(
        &mut self,
        alert_id: &str,
        change: Change,
        who: &str,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        Ok(self.apply_many(&[alert_id], &change, who, now_ms)? > 0)
    }

    /// Applies the same change to several alerts with one disk sync (multi-selection).
    /// Returns how many alerts changed.
    pub fn apply_many<S: AsRef<str>>(
        &mut self,
        alert_ids: &[S],
        change: &Change,
        who: &str,
        now_ms: i64,
    ) -> Result<usize, StoreError> {
        change.validate().map_err(StoreError::Invalid)?;
        check_id("alert id", alert_ids.iter().map(AsRef::as_ref))?;
        let entries = alert_ids
            .iter()
            .map(|id| Entry::Change {
                alert: id.as_ref().to_string(),
                change: change.clone(),
            })
            .collect();
        self.commit(entries, who, now_ms)
    }

    /// Records an exception and closes the given alerts with it, in one durable write.
    pub fn save_exception(
        &mut self,
        exception: &Exception,
        close: &[String],
        who: &str,
        now_ms: i64,
    ) -> Result<usize, StoreError> {
        exception.validate().map_err(StoreError::Invalid)?;
        let mut entries = vec![Entry::ExceptionSaved {
            exception: exception.clone(),
        }];
        entries.extend(close.iter().map(|id| Entry::Change {
            alert: id.clone(),
            change: Change::CloseByException {
                exception_id: exception.id.clone(),
                classification: exception.classification,
                reason: exception.reason.clone(),
            },
        }));
        self.commit(entries, who, now_ms)
    }

    /// Deletes an exception (alerts it closed stay closed, with their audit trail).
    pub fn remove_exception(
        &mut self,
        id: &str,
        who: &str,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        let entries = vec![Entry::ExceptionRemoved { id: id.to_string() }];
        Ok(self.commit(entries, who, now_ms)? > 0)
    }

    /// Catches up with changes other processes wrote since the last read.
    pub fn refresh(&mut self) -> Result<(), StoreError> {
        let lock = self.lock()?;
        self.catch_up()?;
        drop(lock);
        Ok(())
    }

    /// Folds the journal into the snapshot and empties the journal.
    pub fn compact(&mut self) -> Result<(), StoreError> {
        let lock = self.lock()?;
        self.catch_up()?;
        self.compact_locked()?;
        drop(lock);
        Ok(())
    }

    fn journal_path(&self) -> PathBuf {
        self.dir.join("journal.jsonl")
    }

    fn lock(&self) -> Result<File, StoreError> {
        let path = self.dir.join("lock");
        let f = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| StoreError::io("open", &path, e))?;
        f.lock().map_err(|e| StoreError::io("lock", &path, e))?;
        Ok(f)
    }

    /// Writes the entries that change something, then applies them in memory.
    fn commit(&mut self, entries: Vec<Entry>, who: &str, now_ms: i64) -> Result<usize, StoreError> {
        if who.trim().is_empty() {
            return Err(StoreError::Invalid(
                "the analyst name is empty: set `analyst` in the config or the USER environment variable".into(),
            ));
        }
        // A deferred sync that failed is reported before anything else is written.
        self.sync.take_error()?;
        let lock = self.lock()?;
        self.catch_up()?;
        let mut records = Vec::with_capacity(entries.len());
        let mut staged: BTreeMap<String, AlertTriage> = BTreeMap::new();
        for entry in entries {
            let changes = match &entry {
                Entry::Change { alert, change } => {
                    let t = staged
                        .entry(alert.clone())
                        .or_insert_with(|| self.get(alert));
                    change::apply(t, change, who, now_ms)
                }
                Entry::ExceptionRemoved { id } => self.exceptions.contains_key(id),
                Entry::Replace { .. } | Entry::ExceptionSaved { .. } => true,
            };
            if changes {
                records.push(Record {
                    seq: self.seq + 1 + records.len() as u64,
                    by: who.to_string(),
                    at_ms: now_ms,
                    entry,
                });
            }
        }
        if records.is_empty() {
            return Ok(0);
        }
        self.journal_len = journal::append(&self.journal_path(), &records, &self.sync)?;
        let changed = records.len();
        for r in records {
            self.apply_record(r);
        }
        drop(lock);
        Ok(changed)
    }

    fn apply_record(&mut self, r: Record) {
        self.seq = r.seq;
        self.journal_records += 1;
        match r.entry {
            Entry::Change { alert, change } => {
                let t = self.alerts.entry(alert).or_default();
                change::apply(t, &change, &r.by, r.at_ms);
            }
            Entry::Replace { alert, triage } => {
                self.alerts.insert(alert, triage);
            }
            Entry::ExceptionSaved { exception } => {
                self.exceptions.insert(exception.id.clone(), exception);
            }
            Entry::ExceptionRemoved { id } => {
                self.exceptions.remove(&id);
            }
        }
    }

    /// Loads the snapshot and replays the whole journal. Caller holds the lock.
    fn reload(&mut self) -> Result<(), StoreError> {
        let snap = snapshot::read(&self.dir)?;
        self.alerts = snap.alerts;
        self.exceptions = snap
            .exceptions
            .into_iter()
            .map(|e| (e.id.clone(), e))
            .collect();
        self.seq = snap.seq;
        self.journal_len = 0;
        self.journal_records = 0;
        self.report = LoadReport::default();
        self.read_journal_from(0)
    }

    /// Applies journal records written since our last read; reloads everything if the
    /// journal was compacted meanwhile. Caller holds the lock.
    fn catch_up(&mut self) -> Result<(), StoreError> {
        let len = std::fs::metadata(self.journal_path()).map_or(0, |m| m.len());
        if len == self.journal_len {
            return Ok(());
        }
        if len < self.journal_len {
            return self.reload();
        }
        let out = journal::read_from(&self.journal_path(), self.journal_len)?;
        let continuous =
            out.records.first().is_none_or(|r| r.seq == self.seq + 1) && out.bad_lines.is_empty();
        if !continuous {
            return self.reload();
        }
        self.absorb(out)
    }

    fn read_journal_from(&mut self, offset: u64) -> Result<(), StoreError> {
        let out = journal::read_from(&self.journal_path(), offset)?;
        self.report.bad_lines.extend(out.bad_lines.iter().copied());
        self.absorb(out)
    }

    fn absorb(&mut self, out: journal::ReadOutcome) -> Result<(), StoreError> {
        if let Some(tail) = &out.torn {
            journal::cut_torn_tail(&self.journal_path(), &self.dir.join("journal.torn"), tail)?;
            self.report.torn_tail = Some(tail.clone());
        }
        for r in out.records {
            // Records already folded into the snapshot (a crash between snapshot rename
            // and journal reset) are skipped.
            if r.seq > self.seq {
                self.report.replayed += 1;
                self.apply_record(r);
            }
        }
        self.journal_len = out.good_len;
        Ok(())
    }

    fn compact_locked(&mut self) -> Result<(), StoreError> {
        snapshot::write(&self.dir, self.seq, &self.alerts, self.exceptions.values())?;
        snapshot::reset_journal(&self.journal_path())?;
        self.journal_len = 0;
        self.journal_records = 0;
        Ok(())
    }
}

fn check_id<'a>(what: &str, ids: impl Iterator<Item = &'a str>) -> Result<(), StoreError> {
    for id in ids {
        if id.trim().is_empty() || id.len() > 256 {
            return Err(StoreError::Invalid(format!(
                "{what} `{}` is not valid: give the alert's id as shown by `vigil alerts`",
                crate::text::visible(id)
            )));
        }
    }
    Ok(())
}

/// The analyst's name from `$USER` (or `%USERNAME%` on Windows), for when the config
/// names nobody.
pub fn analyst_from_env() -> Option<String> {
    ["USER", "USERNAME", "LOGNAME"]
        .into_iter()
        .filter_map(|k| std::env::var(k).ok())
        .map(|v| v.trim().to_string())
        .find(|v| !v.is_empty())
}

#[cfg(test)]
mod crash_tests;
#[cfg(test)]
mod sync_tests;
#[cfg(test)]
mod tests;
