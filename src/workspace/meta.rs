//! `workspace.toml`: what a workspace is and which schema version wrote it.

use crate::error::{Result, VigilError};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// File name of the workspace descriptor.
pub const META_FILE: &str = "workspace.toml";

/// Contents of `workspace.toml`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkspaceMeta {
    pub schema_version: u32,
    /// RFC 3339 creation time.
    pub created: String,
    /// The vigil version that created the workspace.
    #[serde(default)]
    pub created_by: String,
}

impl WorkspaceMeta {
    pub fn new(schema_version: u32) -> Self {
        WorkspaceMeta {
            schema_version,
            created: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            created_by: format!("vigil {}", env!("CARGO_PKG_VERSION")),
        }
    }

    pub fn read(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| VigilError::io("read", path, e))?;
        toml::from_str(&text).map_err(|e| VigilError::BadWorkspaceFile {
            path: path.to_path_buf(),
            reason: e.message().to_string(),
        })
    }

    pub fn write(&self, path: &Path) -> Result<()> {
        let text = toml::to_string(self).map_err(|e| VigilError::Other(e.to_string()))?;
        let tmp = path.with_extension("toml.tmp");
        std::fs::write(&tmp, text).map_err(|e| VigilError::io("write", &tmp, e))?;
        std::fs::rename(&tmp, path).map_err(|e| VigilError::io("rename", path, e))
    }
}
