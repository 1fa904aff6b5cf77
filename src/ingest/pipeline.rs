//! The import pipeline: read each file, normalize each record, run detection,
//! store new events once, report every problem, and summarize.
//!
//! Detection hook: every parsed event (new or already stored) goes through the
//! optional [`Evaluator`], once per run: an exact copy of a record already settled
//! in this run is not parsed again ([`super::seen`]) and only counted as present,
//! since its event is the same and has been through detection. Rule ids matched
//! right away are written into the event's `rule.id` before it is stored; matches
//! returned by `finish` (and matches on already-stored events) re-tag the stored
//! documents at the end.

use super::reader::{self, Piece};
use super::seen::Fingerprint;
use super::summary::{FileReport, ImportSummary, MAX_KEPT_PROBLEMS};
use super::{Container, walk};
use crate::error::Result;
use crate::index::EventWriter;
use crate::index::writer::merge_rule_ids;
use crate::model::Event;
use crate::normalize::SourceFormat;
use crate::rules::api::{Evaluator, RuleMatch};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

/// Receives live progress and problem reports during an import.
pub trait ImportObserver {
    /// A file is about to be read (`size` in bytes).
    fn file_started(&mut self, _path: &Path, _size: u64) {}
    /// Bytes read so far in the whole run and events parsed so far.
    fn progress(&mut self, _bytes: u64, _events: u64) {}
    /// One problem, formatted `path:line: reason` or `path: record N: reason`.
    fn problem(&mut self, _message: &str) {}
}

/// An observer that ignores everything.
pub struct Silent;
impl ImportObserver for Silent {}

/// Result of [`import_paths`].
#[derive(Debug, Default)]
pub struct ImportOutcome {
    pub summary: ImportSummary,
    /// Every rule match, from `on_event` and from `finish`, in the order returned.
    pub matches: Vec<RuleMatch>,
}

/// Total size of the files, for the progress bar.
pub fn total_size(files: &[PathBuf]) -> u64 {
    files
        .iter()
        .filter_map(|f| std::fs::metadata(f).ok())
        .map(|m| m.len())
        .sum()
}

/// Imports `paths` (files and folders, recursively) through `writer`.
pub fn import_paths(
    writer: &mut EventWriter,
    paths: &[PathBuf],
    mut evaluator: Option<&mut dyn Evaluator>,
    observer: &mut dyn ImportObserver,
) -> Result<ImportOutcome> {
    let started = Instant::now();
    let (files, walk_problems) = walk::collect_files(paths);
    let mut outcome = ImportOutcome::default();
    let mut problems = Problems {
        summary_problems: Vec::new(),
        total: 0,
    };
    for p in walk_problems {
        let msg = format!("{}: {}", p.path.display(), p.reason);
        problems.push(observer, msg.clone());
        outcome.summary.unreadable_files += 1;
        outcome.summary.files.push(FileReport {
            path: p.path.display().to_string(),
            file_error: Some(p.reason),
            ..Default::default()
        });
    }
    let counter = Arc::new(AtomicU64::new(0));
    let mut state = Importing {
        writer: &mut *writer,
        evaluator: evaluator.as_deref_mut(),
        observer: &mut *observer,
        problems: &mut problems,
        outcome: &mut outcome,
        counter: counter.clone(),
        events_seen: 0,
        pending_tags: BTreeMap::new(),
        on_event_matches: Vec::new(),
        settled: Vec::new(),
        report: None,
    };
    let result = std::thread::scope(|scope| {
        let (pieces, _reader) = reader::spawn(scope, &files, counter.clone());
        while let Some(batch) = pieces.next_batch() {
            for piece in batch {
                if let Err(e) = state.take(piece) {
                    pieces.stop();
                    return Err(e);
                }
            }
            pieces.settle(&mut state.settled);
        }
        Ok(())
    });
    result?;
    let mut pending_tags = std::mem::take(&mut state.pending_tags);
    drop(state);
    writer.commit()?;
    if let Some(ev) = evaluator {
        let mut finished = Vec::new();
        ev.finish(&mut finished);
        for shortfall in ev.shortfalls() {
            problems.push(observer, shortfall);
        }
        for m in &finished {
            for (eid, _) in &m.events {
                pending_tags
                    .entry(eid.clone())
                    .or_default()
                    .insert(m.rule_id.clone());
            }
        }
        outcome.matches.extend(finished);
    }
    outcome.summary.retagged = writer.add_tags(&pending_tags)?;
    outcome.summary.rule_matches = outcome.matches.len();
    outcome.summary.bytes = counter.load(Ordering::Relaxed);
    outcome.summary.elapsed_ms = started.elapsed().as_millis() as u64;
    outcome.summary.problems = problems.summary_problems;
    outcome.summary.problems_total = problems.total;
    Ok(outcome)
}

/// The importing thread's state while pieces arrive from the reader.
struct Importing<'a, 'e> {
    writer: &'a mut EventWriter,
    evaluator: Option<&'a mut (dyn Evaluator + 'e)>,
    observer: &'a mut dyn ImportObserver,
    problems: &'a mut Problems,
    outcome: &'a mut ImportOutcome,
    counter: Arc<AtomicU64>,
    events_seen: u64,
    pending_tags: BTreeMap<String, BTreeSet<String>>,
    on_event_matches: Vec<RuleMatch>,
    /// Records of this batch whose event is now stored or known present.
    settled: Vec<(Fingerprint, SourceFormat)>,
    /// The file being read.
    report: Option<FileReport>,
}

impl Importing<'_, '_> {
    fn take(&mut self, piece: Piece) -> Result<()> {
        match piece {
            Piece::FileStarted { path, size } => {
                self.observer.file_started(&path, size);
                self.report = Some(FileReport {
                    path: path.display().to_string(),
                    ..Default::default()
                });
            }
            Piece::Rejected(message) => {
                if let Some(r) = self.report.as_mut() {
                    r.rejected += 1;
                }
                self.problems.push(self.observer, message);
            }
            Piece::Event(event, format, print) => {
                self.add(event, format)?;
                self.settled.push((print, format));
            }
            Piece::Repeat(format) => {
                // Its first copy went through detection and the index in this run.
                if let Some(report) = self.report.as_mut() {
                    count_format(report, format);
                    report.already_present += 1;
                }
                self.event_done();
            }
            Piece::FileDone(result) => self.file_done(result),
        }
        Ok(())
    }

    fn add(&mut self, mut event: Event, format: SourceFormat) -> Result<()> {
        let Some(report) = self.report.as_mut() else {
            return Ok(());
        };
        count_format(report, format);
        let mut own_rules = BTreeSet::new();
        if let Some(ev) = self.evaluator.as_deref_mut() {
            self.on_event_matches.clear();
            ev.on_event(&event, &mut self.on_event_matches);
            for m in &self.on_event_matches {
                for (eid, _) in &m.events {
                    if *eid == event.id {
                        own_rules.insert(m.rule_id.clone());
                    } else {
                        self.pending_tags
                            .entry(eid.clone())
                            .or_default()
                            .insert(m.rule_id.clone());
                    }
                }
            }
            self.outcome.matches.append(&mut self.on_event_matches);
        }
        if !own_rules.is_empty() {
            merge_rule_ids(&mut event.doc, &own_rules);
        }
        if self.writer.add(&event)? {
            report.new += 1;
        } else {
            report.already_present += 1;
            if !own_rules.is_empty() {
                self.pending_tags
                    .entry(event.id)
                    .or_default()
                    .extend(own_rules);
            }
        }
        self.event_done();
        Ok(())
    }

    fn event_done(&mut self) {
        self.events_seen += 1;
        if self.events_seen.is_multiple_of(2048) {
            self.observer
                .progress(self.counter.load(Ordering::Relaxed), self.events_seen);
        }
    }

    fn file_done(&mut self, result: std::result::Result<Container, String>) {
        let Some(mut report) = self.report.take() else {
            return;
        };
        match result {
            Ok(container) => report.container = Some(container.to_string()),
            Err(reason) => {
                self.outcome.summary.unreadable_files += 1;
                self.problems.push(
                    self.observer,
                    format!("{}: not imported: {reason}", report.path),
                );
                report.file_error = Some(reason);
            }
        }
        let summary = &mut self.outcome.summary;
        summary.new += report.new;
        summary.already_present += report.already_present;
        summary.rejected += report.rejected;
        summary.files.push(report);
        self.observer
            .progress(self.counter.load(Ordering::Relaxed), self.events_seen);
    }
}

fn count_format(report: &mut FileReport, format: SourceFormat) {
    // Looked up by `&str` first so the key is allocated once per format, not per event.
    match report.formats.get_mut(format.as_str()) {
        Some(n) => *n += 1,
        None => {
            report.formats.insert(format.as_str().to_string(), 1);
        }
    }
}

struct Problems {
    summary_problems: Vec<String>,
    total: u64,
}

impl Problems {
    fn push(&mut self, observer: &mut dyn ImportObserver, msg: String) {
        observer.problem(&msg);
        self.total += 1;
        if self.summary_problems.len() < MAX_KEPT_PROBLEMS {
            self.summary_problems.push(msg);
        }
    }
}
