//! Expanding the command line's paths into the files to import.
//!
//! Folders are walked recursively in name order (so runs are reproducible);
//! symbolic links to folders are not followed, to avoid cycles.

use std::path::{Path, PathBuf};

/// A path that could not be listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WalkProblem {
    pub path: PathBuf,
    pub reason: String,
}

/// Every regular file under `paths`, in a stable order, plus listing problems.
pub fn collect_files(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<WalkProblem>) {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    for p in paths {
        visit(p, true, &mut files, &mut problems);
    }
    (files, problems)
}

fn visit(path: &Path, top: bool, files: &mut Vec<PathBuf>, problems: &mut Vec<WalkProblem>) {
    let meta = if top {
        std::fs::metadata(path)
    } else {
        std::fs::symlink_metadata(path)
    };
    let meta = match meta {
        Ok(m) => m,
        Err(e) => {
            problems.push(WalkProblem {
                path: path.to_path_buf(),
                reason: format!("cannot access: {e}"),
            });
            return;
        }
    };
    if meta.is_file() {
        files.push(path.to_path_buf());
    } else if meta.is_dir() {
        let entries = match std::fs::read_dir(path) {
            Ok(rd) => rd,
            Err(e) => {
                problems.push(WalkProblem {
                    path: path.to_path_buf(),
                    reason: format!("cannot list folder: {e}"),
                });
                return;
            }
        };
        let mut children: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        children.sort();
        for child in children {
            visit(&child, false, files, problems);
        }
    } else if meta.file_type().is_symlink() {
        // Follow links to files, not to folders.
        if std::fs::metadata(path)
            .map(|m| m.is_file())
            .unwrap_or(false)
        {
            files.push(path.to_path_buf());
        }
    } else if top {
        problems.push(WalkProblem {
            path: path.to_path_buf(),
            reason: "not a regular file or folder".to_string(),
        });
    }
}
