//! The append-only journal: one JSON object per line, each a change made by someone at
//! some time. A line is acknowledged once the kernel has it (`write` returned), which
//! survives the process being killed; [`Durability`] says when it also reaches the disk
//! (fsync, which only power loss needs): at once, or on a background thread within
//! [`SYNC_DELAY`] (the interface, so a keystroke never waits for the disk). After a crash
//! the last line may be torn; reading stops there, reports it, and keeps the bytes aside.

use super::StoreError;
use super::change::Change;
use crate::model::triage::AlertTriage;
use crate::triage::exceptions::Exception;
use serde::{Deserialize, Serialize};
use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::Path;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration;

/// The longest a deferred change waits for its fsync.
pub const SYNC_DELAY: Duration = Duration::from_millis(100);

/// What one journal line records.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Entry {
    Change {
        alert: String,
        change: Change,
    },
    /// The whole triage of an alert after merging an imported file.
    Replace {
        alert: String,
        triage: AlertTriage,
    },
    ExceptionSaved {
        exception: Exception,
    },
    ExceptionRemoved {
        id: String,
    },
}

/// One journal line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    pub seq: u64,
    pub by: String,
    pub at_ms: i64,
    #[serde(flatten)]
    pub entry: Entry,
}

/// A last line that was cut short (a crash during the write).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TornTail {
    /// Byte offset where the torn line started; the journal is cut back to here.
    pub offset: u64,
    pub bytes: usize,
    /// The start of the torn text, control characters escaped.
    pub preview: String,
}

/// What reading the journal found.
#[derive(Debug, Default)]
pub struct ReadOutcome {
    pub records: Vec<Record>,
    /// Length up to the end of the last complete line.
    pub good_len: u64,
    pub torn: Option<TornTail>,
    /// 1-based line numbers of complete lines that did not parse (skipped, never fatal).
    pub bad_lines: Vec<usize>,
}

/// Reads records from `offset` on. A final line without its newline, or one that does not
/// parse and is the last, counts as torn.
pub fn read_from(path: &Path, offset: u64) -> Result<ReadOutcome, StoreError> {
    let mut out = ReadOutcome {
        good_len: offset,
        ..ReadOutcome::default()
    };
    let mut file = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
        Err(e) => return Err(StoreError::io("read", path, e)),
    };
    file.seek(SeekFrom::Start(offset))
        .map_err(|e| StoreError::io("read", path, e))?;
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes)
        .map_err(|e| StoreError::io("read", path, e))?;
    let mut pos = 0usize;
    let mut line_no = 0usize;
    while pos < bytes.len() {
        line_no += 1;
        let rest = &bytes[pos..];
        let Some(nl) = memchr::memchr(b'\n', rest) else {
            out.torn = Some(torn(offset + pos as u64, rest));
            break;
        };
        let line = &rest[..nl];
        let is_last = pos + nl + 1 >= bytes.len();
        if !line.iter().all(u8::is_ascii_whitespace) {
            match serde_json::from_slice::<Record>(line) {
                Ok(r) => out.records.push(r),
                Err(_) if is_last => {
                    out.torn = Some(torn(offset + pos as u64, &rest[..=nl]));
                    break;
                }
                Err(_) => out.bad_lines.push(line_no),
            }
        }
        pos += nl + 1;
        out.good_len = offset + pos as u64;
    }
    Ok(out)
}

fn torn(offset: u64, bytes: &[u8]) -> TornTail {
    let text = String::from_utf8_lossy(&bytes[..bytes.len().min(120)]);
    TornTail {
        offset,
        bytes: bytes.len(),
        preview: crate::text::visible(&text).into_owned(),
    }
}

/// Cuts a torn tail off the journal, first appending its bytes to `journal.torn` so
/// nothing is destroyed.
pub fn cut_torn_tail(path: &Path, torn_path: &Path, tail: &TornTail) -> Result<(), StoreError> {
    let mut bytes = Vec::new();
    let mut f = OpenOptions::new()
        .read(true)
        .write(true)
        .open(path)
        .map_err(|e| StoreError::io("open", path, e))?;
    f.seek(SeekFrom::Start(tail.offset))
        .and_then(|_| f.read_to_end(&mut bytes))
        .map_err(|e| StoreError::io("read", path, e))?;
    let mut keep = OpenOptions::new()
        .create(true)
        .append(true)
        .open(torn_path)
        .map_err(|e| StoreError::io("write", torn_path, e))?;
    bytes.push(b'\n');
    keep.write_all(&bytes)
        .and_then(|_| keep.sync_data())
        .map_err(|e| StoreError::io("write", torn_path, e))?;
    f.set_len(tail.offset)
        .and_then(|_| f.sync_all())
        .map_err(|e| StoreError::io("truncate", path, e))
}

/// Appends records as lines. With [`Durability::Immediate`] they are synced to disk before
/// this returns; otherwise they are handed to the background syncer. Returns the new
/// length of the journal.
pub fn append(path: &Path, records: &[Record], sync: &Syncer) -> Result<u64, StoreError> {
    let mut buf = Vec::with_capacity(records.len() * 256);
    for r in records {
        serde_json::to_writer(&mut buf, r).map_err(|e| StoreError::Encode(e.to_string()))?;
        buf.push(b'\n');
    }
    let existed = path.exists();
    let mut f = OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|e| StoreError::io("open", path, e))?;
    f.write_all(&buf)
        .map_err(|e| StoreError::io("write", path, e))?;
    let len = f
        .metadata()
        .map(|m| m.len())
        .map_err(|e| StoreError::io("read", path, e))?;
    match &sync.behind {
        None => f
            .sync_data()
            .map_err(|e| StoreError::io("write", path, e))?,
        Some(behind) => behind.request(f, path),
    }
    if !existed {
        sync_dir(path)?;
    }
    Ok(len)
}

/// Makes a new or renamed directory entry durable (a no-op where directories cannot be
/// opened, as on Windows).
pub fn sync_dir(file_in_dir: &Path) -> Result<(), StoreError> {
    #[cfg(unix)]
    if let Some(dir) = file_in_dir.parent() {
        File::open(dir)
            .and_then(|d| d.sync_all())
            .map_err(|e| StoreError::io("sync", dir, e))?;
    }
    #[cfg(not(unix))]
    let _ = file_in_dir;
    Ok(())
}

/// When the journal's appends reach the disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Durability {
    /// fsync before a change is acknowledged: the command line, whose process ends right
    /// after the change.
    #[default]
    Immediate,
    /// fsync on a background thread within [`SYNC_DELAY`], and at once when the store is
    /// flushed or dropped: the interface. A change is still written (handed to the kernel)
    /// before it is acknowledged, so killing the process loses nothing; only a power
    /// failure within the delay can.
    Deferred,
}

/// Carries out a [`Durability`]: nothing to do for `Immediate`, a syncing thread for
/// `Deferred`.
#[derive(Default)]
pub struct Syncer {
    behind: Option<SyncBehind>,
}

impl Syncer {
    /// A syncer for `durability`; `Immediate` when no thread can be started.
    pub fn new(durability: Durability) -> Syncer {
        Syncer {
            behind: match durability {
                Durability::Immediate => None,
                Durability::Deferred => SyncBehind::spawn(),
            },
        }
    }

    pub fn durability(&self) -> Durability {
        match self.behind {
            Some(_) => Durability::Deferred,
            None => Durability::Immediate,
        }
    }

    /// Syncs anything written and not yet on disk, waiting for it; reports a background
    /// sync that failed since the last call.
    pub fn flush(&self) -> Result<(), StoreError> {
        match &self.behind {
            Some(b) => b.flush(),
            None => Ok(()),
        }
    }

    /// A background sync that failed since the last call, if any.
    pub fn take_error(&self) -> Result<(), StoreError> {
        match &self.behind {
            Some(b) => b.take_error(),
            None => Ok(()),
        }
    }

    /// True when every append so far has been synced.
    pub fn is_synced(&self) -> bool {
        self.behind.as_ref().is_none_or(SyncBehind::is_synced)
    }
}

impl std::fmt::Debug for Syncer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Syncer({:?})", self.durability())
    }
}

/// How long the thread gathers further appends before one fsync covers them all.
const GATHER: Duration = Duration::from_millis(25);

#[derive(Default)]
struct SyncState {
    /// The journal as last appended to, not yet synced. One handle is enough: fsync
    /// flushes the file, whatever handle wrote to it, and a journal replaced by
    /// compaction had its records written to the (synced) snapshot.
    file: Option<(File, std::path::PathBuf)>,
    /// A sync is running on the thread.
    busy: bool,
    /// The first failed sync not yet reported.
    error: Option<StoreError>,
    stop: bool,
}

struct Shared {
    state: Mutex<SyncState>,
    changed: Condvar,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, SyncState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn wait<'a>(&self, guard: MutexGuard<'a, SyncState>) -> MutexGuard<'a, SyncState> {
        self.changed
            .wait(guard)
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Syncs `file`, recording a failure; the caller has set `busy` and dropped the lock.
    fn sync(&self, file: File, path: &Path) {
        let result = file.sync_data();
        let mut st = self.lock();
        st.busy = false;
        if let Err(e) = result
            && st.error.is_none()
        {
            st.error = Some(StoreError::io("sync", path, e));
        }
        drop(st);
        self.changed.notify_all();
    }
}

struct SyncBehind {
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
}

impl SyncBehind {
    fn spawn() -> Option<SyncBehind> {
        let shared = Arc::new(Shared {
            state: Mutex::new(SyncState::default()),
            changed: Condvar::new(),
        });
        let worker = Arc::clone(&shared);
        let thread = std::thread::Builder::new()
            .name("vigil-journal-sync".into())
            .spawn(move || sync_loop(&worker))
            .ok()?;
        Some(SyncBehind {
            shared,
            thread: Some(thread),
        })
    }

    fn request(&self, file: File, path: &Path) {
        let mut st = self.shared.lock();
        st.file = Some((file, path.to_path_buf()));
        drop(st);
        self.shared.changed.notify_all();
    }

    fn flush(&self) -> Result<(), StoreError> {
        let mut st = self.shared.lock();
        if !st.busy
            && let Some((file, path)) = st.file.take()
        {
            st.busy = true;
            drop(st);
            self.shared.sync(file, &path);
            st = self.shared.lock();
        }
        while st.busy || st.file.is_some() {
            st = self.shared.wait(st);
        }
        st.error.take().map_or(Ok(()), Err)
    }

    fn take_error(&self) -> Result<(), StoreError> {
        self.shared.lock().error.take().map_or(Ok(()), Err)
    }

    fn is_synced(&self) -> bool {
        let st = self.shared.lock();
        !st.busy && st.file.is_none()
    }
}

impl Drop for SyncBehind {
    fn drop(&mut self) {
        self.shared.lock().stop = true;
        self.shared.changed.notify_all();
        if let Some(t) = self.thread.take() {
            // The thread syncs what is pending before it ends.
            let _ = t.join();
        }
    }
}

/// The syncing thread: waits for an append, gathers more for [`GATHER`] (unless the
/// store is closing), syncs, and ends once stopped with nothing pending.
fn sync_loop(shared: &Shared) {
    loop {
        let mut st = shared.lock();
        while st.file.is_none() && !st.stop {
            st = shared.wait(st);
        }
        if st.file.is_none() {
            return;
        }
        if !st.stop {
            st = shared
                .changed
                .wait_timeout_while(st, GATHER, |s| !s.stop && s.file.is_some())
                .map(|(g, _)| g)
                .unwrap_or_else(|e| e.into_inner().0);
        }
        let Some((file, path)) = st.file.take() else {
            // A flush on the interface thread took it meanwhile.
            continue;
        };
        st.busy = true;
        drop(st);
        shared.sync(file, &path);
    }
}
