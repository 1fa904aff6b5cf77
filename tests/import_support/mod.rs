//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use vigil::Workspace;
use vigil::ingest::pipeline::{ImportOutcome, Silent, import_paths};

/// ../shared relative to the crate, else /work/shared; None (with a notice) when absent.
pub fn shared_dir() -> Option<PathBuf> {
    let candidates = [
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared"),
        PathBuf::from("/work/shared"),
    ];
    let found = candidates.into_iter().find(|p| p.join("datasets").is_dir());
    if found.is_none() {
        eprintln!("notice: ../shared/datasets is absent; skipping this test");
    }
    found
}

pub fn dataset(rel: &str) -> Option<PathBuf> {
    shared_dir().map(|d| d.join("datasets").join(rel))
}

pub fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rel)
}

/// A fresh workspace in a temporary directory (kept alive by the returned guard).
pub fn temp_workspace() -> (tempfile::TempDir, Workspace) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let ws = Workspace::open_or_create(&dir.path().join("ws")).expect("workspace");
    (dir, ws)
}

pub fn import(ws: &Workspace, paths: &[PathBuf]) -> ImportOutcome {
    let mut writer = ws.writer().expect("writer");
    import_paths(&mut writer, paths, None, &mut Silent).expect("import")
}

/// Writes `content` to a file named `name` in `dir`.
pub fn write(dir: &Path, name: &str, content: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, content).expect("write test file");
    p
}
