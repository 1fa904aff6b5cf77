//! The single-writer lock of a workspace.
//!
//! An advisory lock (fs4) on `writer.lock` whose content names the holder
//! (pid and host), so a second writer can say who is in the way. The OS drops
//! the lock when the process dies, so a stale file never blocks anyone.

use crate::error::{Result, VigilError};
use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// File name of the lock inside the workspace.
pub const LOCK_FILE: &str = "writer.lock";

/// Held while a writer is alive; released on drop.
#[derive(Debug)]
pub struct WriterLock {
    file: File,
    path: PathBuf,
}

impl WriterLock {
    /// Takes the lock or fails naming the current holder.
    pub fn acquire(workspace: &Path) -> Result<Self> {
        let path = workspace.join(LOCK_FILE);
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|e| VigilError::io("open the lock file", &path, e))?;
        match fs4::FileExt::try_lock(&file) {
            Ok(()) => {}
            Err(fs4::TryLockError::WouldBlock) => {
                let mut holder = String::new();
                let _ = file.read_to_string(&mut holder);
                let holder = holder.trim();
                return Err(VigilError::Locked {
                    path: workspace.to_path_buf(),
                    holder: if holder.is_empty() {
                        "unknown process".to_string()
                    } else {
                        holder.to_string()
                    },
                    lock_file: path,
                });
            }
            Err(fs4::TryLockError::Error(e)) => {
                return Err(VigilError::io("lock", &path, e));
            }
        }
        let me = format!("pid {} on host {}", std::process::id(), host_name());
        let write = |f: &mut File| -> std::io::Result<()> {
            f.set_len(0)?;
            f.seek(SeekFrom::Start(0))?;
            f.write_all(me.as_bytes())?;
            f.flush()
        };
        write(&mut file).map_err(|e| VigilError::io("write", &path, e))?;
        Ok(WriterLock { file, path })
    }

    /// Path of the lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for WriterLock {
    fn drop(&mut self) {
        let _ = self.file.set_len(0);
        let _ = fs4::FileExt::unlock(&self.file);
    }
}

fn host_name() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .or_else(|| std::env::var("COMPUTERNAME").ok())
        .unwrap_or_else(|| "unknown-host".to_string())
}
