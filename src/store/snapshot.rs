//! The compacted state: `snapshot.json`, pretty-printed with sorted keys so it diffs well,
//! replaced atomically (write a temp file, fsync, rename, fsync the directory).

use super::StoreError;
use super::journal::sync_dir;
use crate::model::triage::AlertTriage;
use crate::triage::exceptions::Exception;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fs::File;
use std::io::Write;
use std::path::Path;

pub const FORMAT: &str = "vigil-triage-snapshot";

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Snapshot {
    #[serde(default)]
    pub format: String,
    #[serde(default)]
    pub version: u32,
    /// Sequence number of the last journal record folded in.
    pub seq: u64,
    #[serde(default)]
    pub alerts: BTreeMap<String, AlertTriage>,
    #[serde(default)]
    pub exceptions: Vec<Exception>,
}

pub fn read(dir: &Path) -> Result<Snapshot, StoreError> {
    let path = dir.join("snapshot.json");
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Snapshot::default()),
        Err(e) => return Err(StoreError::io("read", &path, e)),
    };
    serde_json::from_slice(&bytes).map_err(|e| StoreError::Snapshot {
        path,
        reason: e.to_string(),
    })
}

pub fn write<'a>(
    dir: &Path,
    seq: u64,
    alerts: &BTreeMap<String, AlertTriage>,
    exceptions: impl Iterator<Item = &'a Exception>,
) -> Result<(), StoreError> {
    #[derive(Serialize)]
    struct Out<'b> {
        format: &'static str,
        version: u32,
        seq: u64,
        alerts: &'b BTreeMap<String, AlertTriage>,
        exceptions: Vec<&'b Exception>,
    }
    let out = Out {
        format: FORMAT,
        version: 1,
        seq,
        alerts,
        exceptions: exceptions.collect(),
    };
    let mut bytes =
        serde_json::to_vec_pretty(&out).map_err(|e| StoreError::Encode(e.to_string()))?;
    bytes.push(b'\n');
    replace_file(&dir.join("snapshot.json"), &bytes)
}

/// Empties the journal by renaming an empty file over it.
pub fn reset_journal(path: &Path) -> Result<(), StoreError> {
    replace_file(path, &[])
}

/// Atomically replaces `path` with `bytes`.
pub fn replace_file(path: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    let mut tmp_name = path.as_os_str().to_owned();
    tmp_name.push(".tmp");
    let tmp = std::path::PathBuf::from(tmp_name);
    let mut f = File::create(&tmp).map_err(|e| StoreError::io("create", &tmp, e))?;
    f.write_all(bytes)
        .and_then(|_| f.sync_all())
        .map_err(|e| StoreError::io("write", &tmp, e))?;
    drop(f);
    std::fs::rename(&tmp, path).map_err(|e| StoreError::io("replace", path, e))?;
    sync_dir(path)
}
