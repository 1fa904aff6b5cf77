//! The import pipeline: read each file, normalize each record, run detection,
//! store new events once, report every problem, and summarize.
//!
//! Detection hook: every parsed event (new or already stored) goes through the
//! optional [`Evaluator`]; rule ids matched right away are written into the
//! event's `rule.id` before it is stored; matches returned by `finish` (and
//! matches on already-stored events) re-tag the stored documents at the end.

use super::summary::{FileReport, ImportSummary, MAX_KEPT_PROBLEMS};
use super::{ReadItem, read_file, walk};
use crate::error::Result;
use crate::index::EventWriter;
use crate::index::writer::merge_rule_ids;
use crate::normalize::normalize;
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
    let mut events_seen = 0u64;
    let mut pending_tags: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut on_event_matches = Vec::new();
    for file in &files {
        let display = file.display().to_string();
        observer.file_started(file, std::fs::metadata(file).map(|m| m.len()).unwrap_or(0));
        let mut report = FileReport {
            path: display.clone(),
            ..Default::default()
        };
        let mut fatal = None;
        let result = read_file(file, counter.clone(), &mut |item| {
            if fatal.is_some() {
                return;
            }
            match item {
                ReadItem::Bad { location, reason } => {
                    report.rejected += 1;
                    problems.push(
                        observer,
                        format!("{}: {reason}", location.describe(&display)),
                    );
                }
                ReadItem::Record(raw) => {
                    let location = raw.location;
                    match normalize(raw, &display) {
                        Err(reason) => {
                            report.rejected += 1;
                            problems.push(
                                observer,
                                format!("{}: {reason}", location.describe(&display)),
                            );
                        }
                        Ok((mut event, format)) => {
                            *report
                                .formats
                                .entry(format.as_str().to_string())
                                .or_default() += 1;
                            let mut own_rules = BTreeSet::new();
                            if let Some(ev) = evaluator.as_deref_mut() {
                                on_event_matches.clear();
                                ev.on_event(&event, &mut on_event_matches);
                                for m in &on_event_matches {
                                    for (eid, _) in &m.events {
                                        if *eid == event.id {
                                            own_rules.insert(m.rule_id.clone());
                                        } else {
                                            pending_tags
                                                .entry(eid.clone())
                                                .or_default()
                                                .insert(m.rule_id.clone());
                                        }
                                    }
                                }
                                outcome.matches.append(&mut on_event_matches);
                            }
                            if !own_rules.is_empty() {
                                merge_rule_ids(&mut event.doc, &own_rules);
                            }
                            match writer.add(&event) {
                                Ok(true) => report.new += 1,
                                Ok(false) => {
                                    report.already_present += 1;
                                    if !own_rules.is_empty() {
                                        pending_tags
                                            .entry(event.id.clone())
                                            .or_default()
                                            .extend(own_rules);
                                    }
                                }
                                Err(e) => fatal = Some(e),
                            }
                            events_seen += 1;
                            if events_seen.is_multiple_of(2048) {
                                observer.progress(counter.load(Ordering::Relaxed), events_seen);
                            }
                        }
                    }
                }
            }
        });
        if let Some(e) = fatal {
            return Err(e);
        }
        match result {
            Ok(container) => report.container = Some(container.to_string()),
            Err(rejected) => {
                outcome.summary.unreadable_files += 1;
                problems.push(observer, format!("{display}: not imported: {}", rejected.0));
                report.file_error = Some(rejected.0);
            }
        }
        outcome.summary.new += report.new;
        outcome.summary.already_present += report.already_present;
        outcome.summary.rejected += report.rejected;
        outcome.summary.files.push(report);
        observer.progress(counter.load(Ordering::Relaxed), events_seen);
    }
    writer.commit()?;
    if let Some(ev) = evaluator {
        let mut finished = Vec::new();
        ev.finish(&mut finished);
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
