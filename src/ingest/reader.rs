//! Reading and normalizing on a thread of its own.
//!
//! Parsing and normalizing are about half of the importing thread's work; doing
//! them on a second thread lets the importing thread run detection and feed the
//! index meanwhile. Pieces keep file order and travel in batches so the hand-off
//! costs one channel operation per few hundred events, not one per event.

use super::{Container, ReadItem, read_file};
use crate::model::Event;
use crate::normalize::{SourceFormat, normalize};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::thread::{Scope, ScopedJoinHandle};

/// Events per batch sent to the importing thread.
const BATCH: usize = 128;
/// Batches in flight: bounds memory to a few thousand normalized events.
const IN_FLIGHT: usize = 4;

/// What the reading thread reports, in file order.
pub enum Piece {
    /// A file is about to be read (`size` in bytes).
    FileStarted { path: PathBuf, size: u64 },
    /// A record that could not be read or normalized, already located: `path:line: reason`.
    Rejected(String),
    /// A normalized event.
    Event(Event, SourceFormat),
    /// The file is done: its container format, or why it was not imported.
    FileDone(Result<Container, String>),
}

/// The importing thread's end: batches of pieces, and a way to stop the reader early.
pub struct Pieces {
    rx: Receiver<Vec<Piece>>,
    stop: Arc<AtomicBool>,
}

impl Pieces {
    /// The next batch, or `None` once every file has been read.
    pub fn next_batch(&self) -> Option<Vec<Piece>> {
        self.rx.recv().ok()
    }

    /// Asks the reader to stop after the record it is reading.
    pub fn stop(&self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// Starts reading `files` on a scoped thread; `counter` receives bytes read.
pub fn spawn<'scope, 'env>(
    scope: &'scope Scope<'scope, 'env>,
    files: &'env [PathBuf],
    counter: Arc<AtomicU64>,
) -> (Pieces, ScopedJoinHandle<'scope, ()>) {
    let (tx, rx) = sync_channel(IN_FLIGHT);
    let stop = Arc::new(AtomicBool::new(false));
    let reader_stop = stop.clone();
    let handle = scope.spawn(move || {
        let mut out = Batcher {
            tx,
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
    (Pieces { rx, stop }, handle)
}

fn read_one(file: &Path, counter: Arc<AtomicU64>, out: &mut Batcher) {
    let display = file.display().to_string();
    let size = std::fs::metadata(file).map(|m| m.len()).unwrap_or(0);
    out.push(Piece::FileStarted {
        path: file.to_path_buf(),
        size,
    });
    let result = read_file(file, counter, &mut |item| {
        if out.stopped() {
            return;
        }
        match item {
            ReadItem::Bad { location, reason } => {
                out.push(Piece::Rejected(format!(
                    "{}: {reason}",
                    location.describe(&display)
                )));
            }
            ReadItem::Record(raw) => {
                let location = raw.location;
                match normalize(raw, &display) {
                    Ok((event, format)) => out.push(Piece::Event(event, format)),
                    Err(reason) => out.push(Piece::Rejected(format!(
                        "{}: {reason}",
                        location.describe(&display)
                    ))),
                }
            }
        }
    });
    out.push(Piece::FileDone(result.map_err(|rejected| rejected.0)));
    // A file boundary is a natural point to let the importer catch up with progress.
    out.flush();
}

struct Batcher {
    tx: SyncSender<Vec<Piece>>,
    batch: Vec<Piece>,
    stop: Arc<AtomicBool>,
}

impl Batcher {
    fn stopped(&self) -> bool {
        self.stop.load(Ordering::Relaxed)
    }

    fn push(&mut self, piece: Piece) {
        self.batch.push(piece);
        if self.batch.len() >= BATCH {
            self.flush();
        }
    }

    fn flush(&mut self) {
        if self.batch.is_empty() {
            return;
        }
        let full = std::mem::replace(&mut self.batch, Vec::with_capacity(BATCH));
        if self.tx.send(full).is_err() {
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
                Piece::Event(e, _) => format!("event {}", e.timestamp_ms),
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
