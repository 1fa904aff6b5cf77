//! Where workspaces live by default.
//!
//! The default is the platform data directory (`directories`) plus
//! `vigil/workspaces/default`; `--workspace DIR` and `VIGIL_WORKSPACE` override it
//! (the CLI resolves both through clap, this module only supplies the fallback).

use crate::error::{Result, VigilError};
use std::path::PathBuf;

/// Environment variable naming the workspace directory.
pub const WORKSPACE_ENV: &str = "VIGIL_WORKSPACE";

/// The default workspace directory for this user.
pub fn default_workspace_dir() -> Result<PathBuf> {
    let dirs = directories::ProjectDirs::from("", "", "vigil").ok_or_else(|| {
        VigilError::Other(
            "cannot find a home directory for the default workspace; pass --workspace DIR \
             or set VIGIL_WORKSPACE"
                .to_string(),
        )
    })?;
    Ok(dirs.data_dir().join("workspaces").join("default"))
}

/// The user's own rules: the platform config directory + `vigil/rules`, when a home
/// directory exists. Loaded by every command that evaluates rules.
pub fn user_rules_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "vigil").map(|d| d.config_dir().join("rules"))
}

/// The user's config directory (key map, themes, rules, analyst name).
pub fn config_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "vigil").map(|d| d.config_dir().to_path_buf())
}

/// The analyst's name from `<config>/config.toml` (`analyst = "..."`), if set.
pub fn configured_analyst() -> Option<String> {
    let text = std::fs::read_to_string(config_dir()?.join("config.toml")).ok()?;
    let table: toml::Table = toml::from_str(&text).ok()?;
    table
        .get("analyst")?
        .as_str()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// The workspace to use: the explicit choice if any, else the default.
pub fn resolve_workspace(explicit: Option<PathBuf>) -> Result<PathBuf> {
    match explicit {
        Some(p) => Ok(p),
        None => default_workspace_dir(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explicit_choice_wins() {
        let p = resolve_workspace(Some(PathBuf::from("/tmp/x"))).unwrap();
        assert_eq!(p, PathBuf::from("/tmp/x"));
    }

    #[test]
    fn default_ends_with_vigil_layout() {
        if let Ok(p) = default_workspace_dir() {
            assert!(p.ends_with("workspaces/default"), "{}", p.display());
            assert!(p.to_string_lossy().to_lowercase().contains("vigil"));
        }
    }
}
