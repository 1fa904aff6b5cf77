//! The library's error type, worded for the analyst who reads it.
//!
//! Every variant says what went wrong, quotes the offending value or path and,
//! where there is something to do about it, how to fix it. The CLI maps these
//! to exit codes (see `cli::exit`).

use std::path::PathBuf;

/// Errors raised by the workspace, the index and the importer.
#[derive(Debug, thiserror::Error)]
pub enum VigilError {
    #[error("cannot {action} {path}: {source}")]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error(
        "no vigil workspace at {path} (missing workspace.toml); run `vigil import` to create one \
         or pass --workspace DIR"
    )]
    NoWorkspace { path: PathBuf },

    #[error(
        "{path} exists and is not empty but is not a vigil workspace (no workspace.toml); \
         choose another directory with --workspace DIR"
    )]
    NotAWorkspace { path: PathBuf },

    #[error("workspace file {path} is unreadable: {reason}; restore it or start a new workspace")]
    BadWorkspaceFile { path: PathBuf, reason: String },

    #[error(
        "workspace {path} has schema version {found}, this vigil supports version {supported}; \
         re-import your logs into a new workspace (--workspace NEW_DIR) or use a matching vigil"
    )]
    IncompatibleSchema {
        path: PathBuf,
        found: u32,
        supported: u32,
    },

    #[error(
        "workspace {path} is locked by another writer ({holder}); wait for it to finish, or \
         delete {lock_file} if that process no longer runs"
    )]
    Locked {
        path: PathBuf,
        holder: String,
        lock_file: PathBuf,
    },

    #[error("index error in {path}: {reason}")]
    Index { path: PathBuf, reason: String },

    #[error("invalid query {query:?}: {reason}")]
    Query { query: String, reason: String },

    #[error("{0}")]
    Other(String),
}

impl VigilError {
    pub(crate) fn io(
        action: &'static str,
        path: impl Into<PathBuf>,
        source: std::io::Error,
    ) -> Self {
        VigilError::Io {
            action,
            path: path.into(),
            source,
        }
    }

    pub(crate) fn index(path: impl Into<PathBuf>, err: impl std::fmt::Display) -> Self {
        VigilError::Index {
            path: path.into(),
            reason: err.to_string(),
        }
    }
}

/// Result alias used across the library.
pub type Result<T, E = VigilError> = std::result::Result<T, E>;

/// The message a caught panic carried, for reports ("no message" when it had none).
pub fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "no message".to_string())
}
