//! The append-only journal: one JSON object per line, each a change made by someone at
//! some time. A line is acknowledged only after it is on disk (fsync). After a crash the
//! last line may be torn; reading stops there, reports it, and keeps the bytes aside.

use super::StoreError;
use super::change::Change;
use crate::model::triage::AlertTriage;
use crate::triage::exceptions::Exception;
use serde::{Deserialize, Serialize};
use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::Path;

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

/// Appends records as lines and syncs them to disk before returning.
pub fn append(path: &Path, records: &[Record]) -> Result<u64, StoreError> {
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
        .and_then(|_| f.sync_data())
        .map_err(|e| StoreError::io("write", path, e))?;
    if !existed {
        sync_dir(path)?;
    }
    f.metadata()
        .map(|m| m.len())
        .map_err(|e| StoreError::io("read", path, e))
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
