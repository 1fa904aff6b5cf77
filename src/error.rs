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
fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "no message".to_string())
}

thread_local! {
    /// Set while this thread runs code under [`catch_reported`].
    static REPORTING_PANICS: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `work`, turning a panic into `Err(message)` for the caller to report as a
/// problem (one record, one file, one background job) instead of ending the program.
/// While it runs, the hook of [`quiet_reported_panics`] keeps the panic's default
/// "thread panicked at" text off stderr: the caller's report says it in the user's terms.
pub fn catch_reported<R>(work: impl FnOnce() -> R) -> std::result::Result<R, String> {
    let outer = REPORTING_PANICS.with(|flag| flag.replace(true));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(work));
    REPORTING_PANICS.with(|flag| flag.set(outer));
    result.map_err(|panic| panic_message(&*panic))
}

/// Installs a panic hook that stays silent for panics [`catch_reported`] will report
/// and hands every other panic to the hook that was there before.
pub fn quiet_reported_panics() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if REPORTING_PANICS.with(std::cell::Cell::get) {
            return;
        }
        previous(info);
    }));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_caught_panic_becomes_its_message() {
        assert_eq!(catch_reported(|| 7), Ok(7));
        let caught = catch_reported(|| -> u8 { panic!("bad chunk {}", 3) });
        assert_eq!(caught, Err("bad chunk 3".to_string()));
        let caught = catch_reported(|| -> u8 { std::panic::panic_any(42_u32) });
        assert_eq!(caught, Err("no message".to_string()));
    }

    #[test]
    fn the_flag_is_restored_after_nested_calls() {
        let inner = catch_reported(|| catch_reported(|| -> u8 { panic!("inner") }));
        assert_eq!(inner, Ok(Err("inner".to_string())));
        assert!(!REPORTING_PANICS.with(std::cell::Cell::get));
    }
}
