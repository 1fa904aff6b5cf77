//! Reading on a thread of its own, parsing and normalizing on worker threads.
//!
//! Reading a file is sequential (an EVTX chunk walk, a gzip stream, line cutting),
//! but parsing each record's JSON and normalizing it to ECS are independent per
//! record and cost more than reading: the reader cuts records into batches and
//! hands each batch to a small pool of workers, one per core. The importing thread
//! receives the batches in file order (each batch comes with its own one-shot
//! channel, queued in reading order), so nothing downstream sees the parallelism.
//! Batches are small and few are in flight, which bounds memory whatever the input.

use super::seen::{Fingerprint, SettledRecords};
use super::{Container, Location, RawKind, RawRecord, ReadItem, read_file};
use crate::error::catch_reported;
use crate::model::Event;
use crate::normalize::{SourceFormat, normalize};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Mutex};
use std::thread::{Scope, ScopedJoinHandle};

/// Records per batch.
const BATCH: usize = 128;
/// Batches queued for the importing thread (on top of those being normalized).
const IN_FLIGHT: usize = 4;
/// Upper bound on normalizing workers, whatever the machine.
const MAX_WORKERS: usize = 4;

/// What the importing thread receives, in file order.
pub enum Piece {
    /// A file is about to be read (`size` in bytes).
    FileStarted { path: PathBuf, size: u64 },
    /// A record that could not be read or normalized, already located: `path:line: reason`.
    Rejected(String),
    /// A normalized event, with the fingerprint of the record it came from.
    Event(Event, SourceFormat, Fingerprint),
    /// A record identical to one already settled in this import (see [`super::seen`]):
    /// not parsed again, its event is already stored.
    Repeat(SourceFormat),
    /// The file is done: its container format, or why it was not imported.
    FileDone(Result<Container, String>),
}

/// The importing thread's end: batches of pieces, and a way to stop the reader early.
pub struct Pieces {
    order: Receiver<Receiver<Vec<Piece>>>,
    stop: Arc<AtomicBool>,
    settled: Arc<SettledRecords>,
}

impl Pieces {
    /// The next batch, or `None` once every file has been read.
    pub fn next_batch(&self) -> Option<Vec<Piece>> {
        loop {
            let slot = self.order.recv().ok()?;
            // A worker always answers its batch; an empty answer cannot happen, but a
            // lost one (a worker gone) is skipped rather than ending the import early.
            if let Ok(batch) = slot.recv() {
                return Some(batch);
            }
        }
    }

    /// Tells the workers that these records' events are stored (or were already), so
    /// later copies of them need not be parsed. Empties `records`.
    pub fn settle(&self, records: &mut Vec<(Fingerprint, SourceFormat)>) {
        self.settled.settle(records);
    }

    /// Asks the reader to stop after the record it is reading.
    pub fn stop(&self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// A record cut out by the reader, owned so that it can cross to a worker.
struct OwnedRecord {
    kind: RawKind,
    text: String,
    location: Location,
    /// The file's path as reports show it, shared by the file's records.
    display: Arc<str>,
}

/// One entry of a batch before the workers have been through it.
enum Job {
    Ready(Piece),
    Record(OwnedRecord),
}

type Work = (Vec<Job>, SyncSender<Vec<Piece>>);

/// Starts reading `files` on a scoped thread, normalizing on workers; `counter`
/// receives the bytes read.
pub fn spawn<'scope, 'env>(
    scope: &'scope Scope<'scope, 'env>,
    files: &'env [PathBuf],
    counter: Arc<AtomicU64>,
) -> (Pieces, ScopedJoinHandle<'scope, ()>) {
    spawn_with(scope, files, counter, worker_count())
}

fn spawn_with<'scope, 'env>(
    scope: &'scope Scope<'scope, 'env>,
    files: &'env [PathBuf],
    counter: Arc<AtomicU64>,
    workers: usize,
) -> (Pieces, ScopedJoinHandle<'scope, ()>) {
    let (order_tx, order) = sync_channel(IN_FLIGHT);
    let (work_tx, work_rx) = sync_channel::<Work>(IN_FLIGHT);
    let work_rx = Arc::new(Mutex::new(work_rx));
    let settled = Arc::new(SettledRecords::default());
    for _ in 0..workers {
        let work_rx = work_rx.clone();
        let settled = settled.clone();
        scope.spawn(move || work(&work_rx, &settled));
    }
    let stop = Arc::new(AtomicBool::new(false));
    let reader_stop = stop.clone();
    let reader_settled = settled.clone();
    let handle = scope.spawn(move || {
        let mut out = Batcher {
            inline: workers == 0,
            settled: reader_settled,
            order: order_tx,
            work: work_tx,
            batch: Vec::with_capacity(BATCH),
            stop: reader_stop,
        };
        for file in files {
            if out.stopped() {
                break;
            }
            read_one(file, counter.clone(), &mut out);
        }
        out.flush();
    });
    (
        Pieces {
            order,
            stop,
            settled,
        },
        handle,
    )
}

/// A worker: normalizes batches until the reader is done.
fn work(jobs: &Mutex<Receiver<Work>>, settled: &SettledRecords) {
    loop {
        // The lock is held only while waiting for the next batch, never while working.
        let next = match jobs.lock() {
            Ok(rx) => rx.recv(),
            Err(_) => return,
        };
        let Ok((batch, reply)) = next else {
            return;
        };
        let pieces = batch
            .into_iter()
            .map(|job| finish_job(job, settled))
            .collect();
        // The importing thread may be gone (it failed): nothing to do about it here.
        let _ = reply.send(pieces);
    }
}

fn finish_job(job: Job, settled: &SettledRecords) -> Piece {
    match job {
        Job::Ready(piece) => piece,
        Job::Record(rec) => {
            let raw = RawRecord {
                kind: rec.kind,
                text: &rec.text,
                location: rec.location,
            };
            normalized(raw, &rec.display, settled)
        }
    }
}

fn normalized(raw: RawRecord<'_>, display: &str, settled: &SettledRecords) -> Piece {
    let print = Fingerprint::of(raw.kind, raw.text);
    if let Some(format) = settled.format_of(&print) {
        return Piece::Repeat(format);
    }
    let location = raw.location;
    // A bug in a normalizer must cost one record, reported, not the import.
    match catch_reported(|| normalize(raw, display)) {
        Ok(Ok((event, format))) => Piece::Event(event, format, print),
        Ok(Err(reason)) => Piece::Rejected(format!("{}: {reason}", location.describe(display))),
        Err(panic) => Piece::Rejected(format!(
            "{}: internal error while normalizing this record ({panic}); please report it",
            location.describe(display),
        )),
    }
}

/// Normalizing workers: `VIGIL_IMPORT_WORKERS` when set (0: the reading thread
/// normalizes itself), else one per core up to [`MAX_WORKERS`].
fn worker_count() -> usize {
    if let Some(n) = std::env::var("VIGIL_IMPORT_WORKERS")
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok())
    {
        return n.min(MAX_WORKERS);
    }
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .clamp(1, MAX_WORKERS)
}

fn read_one(file: &Path, counter: Arc<AtomicU64>, out: &mut Batcher) {
    let display: Arc<str> = Arc::from(file.display().to_string());
    let size = std::fs::metadata(file).map(|m| m.len()).unwrap_or(0);
    out.push(Job::Ready(Piece::FileStarted {
        path: file.to_path_buf(),
        size,
    }));
    // A parser bug on hostile data must not end the whole import: the file is reported
    // as stopped at that point and reading goes on with the next one.
    let result = catch_reported(|| {
        read_file(file, counter, &mut |item| {
            if out.stopped() {
                return;
            }
            match item {
                ReadItem::Bad { location, reason } => {
                    out.push(Job::Ready(Piece::Rejected(format!(
                        "{}: {reason}",
                        location.describe(&display)
                    ))));
                }
                // Without workers, normalize here, from the reader's own buffer.
                ReadItem::Record(raw) if out.inline => {
                    let piece = normalized(raw, &display, &out.settled);
                    out.push(Job::Ready(piece));
                }
                ReadItem::Record(raw) => out.push(Job::Record(OwnedRecord {
                    kind: raw.kind,
                    text: raw.text.to_string(),
                    location: raw.location,
                    display: display.clone(),
                })),
            }
        })
    });
    let result = match result {
        Ok(read) => read.map_err(|rejected| rejected.0),
        Err(panic) => Err(format!(
            "reading stopped inside this file, the parser failed ({panic}); the records \
             before that point were imported"
        )),
    };
    out.push(Job::Ready(Piece::FileDone(result)));
    // A file boundary is a natural point to let the importer catch up with progress.
    out.flush();
}

struct Batcher {
    /// No workers: records are normalized as they are read, and batches answered at once.
    inline: bool,
    settled: Arc<SettledRecords>,
    order: SyncSender<Receiver<Vec<Piece>>>,
    work: SyncSender<Work>,
    batch: Vec<Job>,
    stop: Arc<AtomicBool>,
}

impl Batcher {
    fn stopped(&self) -> bool {
        self.stop.load(Ordering::Relaxed)
    }

    fn push(&mut self, job: Job) {
        self.batch.push(job);
        if self.batch.len() >= BATCH {
            self.flush();
        }
    }

    fn flush(&mut self) {
        if self.batch.is_empty() {
            return;
        }
        let full = std::mem::replace(&mut self.batch, Vec::with_capacity(BATCH));
        let (reply, slot) = sync_channel(1);
        let sent = if self.inline {
            let settled = &self.settled;
            let pieces = full.into_iter().map(|j| finish_job(j, settled)).collect();
            reply.send(pieces).is_ok() && self.order.send(slot).is_ok()
        } else {
            // The slot is queued first, so the importing thread waits for batches in the
            // order they were read, whichever worker finishes first.
            self.order.send(slot).is_ok() && self.work.send((full, reply)).is_ok()
        };
        if !sent {
            // The importer is gone (it failed): nothing more to read for.
            self.stop.store(true, Ordering::Relaxed);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(batches: Vec<Vec<Piece>>) -> Vec<String> {
        batches
            .into_iter()
            .flatten()
            .map(|p| match p {
                Piece::FileStarted { path, .. } => format!(
                    "start {}",
                    path.file_name().unwrap_or_default().to_string_lossy()
                ),
                Piece::Rejected(m) => format!("rejected {}", m.rsplit('/').next().unwrap_or("")),
                Piece::Event(e, _, _) => format!("event {}", e.timestamp_ms),
                Piece::Repeat(_) => "repeat".to_string(),
                Piece::FileDone(r) => format!("done {}", r.is_ok()),
            })
            .collect()
    }

    #[test]
    fn pieces_arrive_in_file_order_with_problems_in_place() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.ndjson");
        let b = dir.path().join("b.ndjson");
        std::fs::write(
            &a,
            "{\"@timestamp\":\"2024-01-01T00:00:00Z\"}\nnot json\n{\"@timestamp\":\"2024-01-01T00:00:01Z\"}\n",
        )
        .unwrap();
        std::fs::write(&b, "{\"@timestamp\":\"2024-01-01T00:00:02Z\"}\n").unwrap();
        let files = vec![a, b];
        let got = std::thread::scope(|s| {
            let (pieces, _h) = spawn(s, &files, Arc::new(AtomicU64::new(0)));
            let mut all = Vec::new();
            while let Some(batch) = pieces.next_batch() {
                all.push(batch);
            }
            all
        });
        assert_eq!(
            kinds(got),
            [
                "start a.ndjson",
                "event 1704067200000",
                "rejected a.ndjson:2: malformed JSON: expected ident at line 1 column 2",
                "event 1704067201000",
                "done true",
                "start b.ndjson",
                "event 1704067202000",
                "done true",
            ]
        );
    }

    #[test]
    fn any_number_of_workers_gives_the_same_pieces_in_the_same_order() {
        let dir = tempfile::tempdir().unwrap();
        let mut files = Vec::new();
        for f in 0..3 {
            let mut text = String::new();
            for i in 0..700 {
                if i % 97 == 5 {
                    text.push_str("{broken\n");
                } else {
                    text.push_str(&format!(
                        "{{\"@timestamp\":\"2024-01-01T00:00:00Z\",\"event\":{{\"code\":\"{f}-{i}\"}}}}\n"
                    ));
                }
            }
            let p = dir.path().join(format!("f{f}.ndjson"));
            std::fs::write(&p, text).unwrap();
            files.push(p);
        }
        let run = |workers| {
            std::thread::scope(|s| {
                let (pieces, _h) = spawn_with(s, &files, Arc::new(AtomicU64::new(0)), workers);
                let mut all = Vec::new();
                while let Some(batch) = pieces.next_batch() {
                    for p in batch {
                        all.push(match p {
                            Piece::Repeat(_) => "repeat".into(),
                            Piece::Event(e, _, _) => {
                                crate::model::fields::get(&e.doc, "event.code")
                                    .and_then(|v| v.as_str())
                                    .unwrap_or("?")
                                    .to_string()
                            }
                            Piece::Rejected(m) => m.rsplit('/').next().unwrap_or("").to_string(),
                            Piece::FileStarted { .. } => "start".into(),
                            Piece::FileDone(_) => "done".into(),
                        });
                    }
                }
                all
            })
        };
        let inline = run(0);
        assert_eq!(inline.len(), 3 * 702);
        assert_eq!(inline[1], "0-0");
        assert!(
            inline[6].starts_with("f0.ndjson:6: malformed JSON"),
            "{}",
            inline[6]
        );
        assert_eq!(run(1), inline);
        assert_eq!(run(3), inline);
    }

    #[test]
    fn a_stopped_or_abandoned_reader_ends() {
        let dir = tempfile::tempdir().unwrap();
        let big = dir.path().join("big.ndjson");
        let line = "{\"@timestamp\":\"2024-01-01T00:00:00Z\",\"n\":1}\n";
        std::fs::write(&big, line.repeat(20_000)).unwrap();
        let files = vec![big.clone(), big];
        std::thread::scope(|s| {
            let (pieces, handle) = spawn(s, &files, Arc::new(AtomicU64::new(0)));
            assert!(pieces.next_batch().is_some());
            pieces.stop();
            drop(pieces);
            handle.join().unwrap();
        });
    }
}
