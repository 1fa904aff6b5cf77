//! A workspace: one directory holding the event index and, apart from it, the
//! analyst's state and detection output.
//!
//! Layout: `workspace.toml` (schema version, creation time), `index/` (tantivy),
//! `state/` (triage work, written by the triage layer), `alerts/` (detection
//! output), `writer.lock` (single-writer lock). Readers never take the lock.

pub mod lock;
pub mod meta;

use crate::error::{Result, VigilError};
use crate::index::{self, EventSearcher, EventWriter, Fields, SCHEMA_VERSION};
use meta::{META_FILE, WorkspaceMeta};
use std::path::{Path, PathBuf};

/// An opened workspace.
pub struct Workspace {
    root: PathBuf,
    meta: WorkspaceMeta,
    index: tantivy::Index,
    fields: Fields,
}

impl Workspace {
    /// Opens the workspace at `path`, creating it (and its directories) if needed.
    pub fn open_or_create(path: &Path) -> Result<Self> {
        let meta_path = path.join(META_FILE);
        if !meta_path.exists() {
            if path.exists() && !is_empty_dir(path)? {
                return Err(VigilError::NotAWorkspace {
                    path: path.to_path_buf(),
                });
            }
            std::fs::create_dir_all(path).map_err(|e| VigilError::io("create", path, e))?;
            WorkspaceMeta::new(SCHEMA_VERSION).write(&meta_path)?;
        }
        Self::open(path, true)
    }

    /// Opens an existing workspace for reading (no lock taken).
    pub fn open_read(path: &Path) -> Result<Self> {
        if !path.join(META_FILE).exists() {
            return Err(VigilError::NoWorkspace {
                path: path.to_path_buf(),
            });
        }
        Self::open(path, false)
    }

    fn open(path: &Path, create_dirs: bool) -> Result<Self> {
        let meta = WorkspaceMeta::read(&path.join(META_FILE))?;
        if meta.schema_version != SCHEMA_VERSION {
            return Err(VigilError::IncompatibleSchema {
                path: path.to_path_buf(),
                found: meta.schema_version,
                supported: SCHEMA_VERSION,
            });
        }
        if create_dirs {
            for sub in ["state", "alerts"] {
                let d = path.join(sub);
                std::fs::create_dir_all(&d).map_err(|e| VigilError::io("create", &d, e))?;
            }
        }
        let (index, fields) = index::open_index(&path.join("index"), create_dirs)?;
        Ok(Workspace {
            root: path.to_path_buf(),
            meta,
            index,
            fields,
        })
    }

    /// Takes the single-writer lock and returns the index writer.
    pub fn writer(&self) -> Result<EventWriter> {
        let lock = lock::WriterLock::acquire(&self.root)?;
        EventWriter::new(self.index_dir(), &self.index, self.fields.clone(), lock)
    }

    /// A read view of the last committed state.
    pub fn searcher(&self) -> Result<EventSearcher> {
        EventSearcher::new(self.index_dir(), self.index.clone(), self.fields.clone())
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn meta(&self) -> &WorkspaceMeta {
        &self.meta
    }

    pub fn index_dir(&self) -> PathBuf {
        self.root.join("index")
    }

    /// Where the triage layer keeps the analyst's work.
    pub fn state_dir(&self) -> PathBuf {
        self.root.join("state")
    }

    /// Where detection output (alerts) is kept.
    pub fn alerts_dir(&self) -> PathBuf {
        self.root.join("alerts")
    }
}

fn is_empty_dir(path: &Path) -> Result<bool> {
    let mut entries = std::fs::read_dir(path).map_err(|e| VigilError::io("read", path, e))?;
    Ok(entries.next().is_none())
}
