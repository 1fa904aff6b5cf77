//! Who is making a change: `--analyst NAME`, else the `analyst` key of
//! `<config dir>/config.toml`, else `$USER`. Every audit entry carries this name, so a
//! missing one is an error rather than a guess.

use crate::error::{Result, VigilError};
use std::path::Path;

/// The `--analyst` flag shared by every command that records a change.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct AnalystArg {
    /// Name recorded in the audit trail (default: `analyst` in the config file, else $USER).
    #[arg(long, value_name = "NAME", global = true)]
    pub analyst: Option<String>,
}

impl AnalystArg {
    pub fn resolve(&self) -> Result<String> {
        let config = crate::paths::config_dir().map(|d| d.join("config.toml"));
        resolve(self.analyst.as_deref(), config.as_deref())
    }
}

/// The analyst name from the flag, the config file at `config`, or the environment.
pub fn resolve(flag: Option<&str>, config: Option<&Path>) -> Result<String> {
    if let Some(name) = flag.map(str::trim).filter(|n| !n.is_empty()) {
        return Ok(name.to_string());
    }
    if let Some(path) = config
        && let Some(name) = from_config(path)?
    {
        return Ok(name);
    }
    crate::store::analyst_from_env().ok_or_else(|| {
        VigilError::Other(
            "no analyst name: pass --analyst NAME, set `analyst = \"NAME\"` in the vigil config.toml, or set USER".into(),
        )
    })
}

/// The `analyst` key of a TOML config file; `None` when the file or the key is missing.
fn from_config(path: &Path) -> Result<Option<String>> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(VigilError::io("read", path, e)),
    };
    let table: toml::Table = toml::from_str(&text).map_err(|e| {
        VigilError::Other(format!(
            "the config file {} is not valid TOML ({}); fix it or pass --analyst NAME",
            path.display(),
            e.message()
        ))
    })?;
    match table.get("analyst") {
        None => Ok(None),
        Some(toml::Value::String(s)) if !s.trim().is_empty() => Ok(Some(s.trim().to_string())),
        Some(other) => Err(VigilError::Other(format!(
            "`analyst` in {} must be a non-empty string like analyst = \"jdoe\", not {other}",
            path.display()
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flag_then_config_then_environment() {
        let dir = tempfile::tempdir().unwrap();
        let cfg = dir.path().join("config.toml");
        let missing = dir.path().join("missing.toml");
        std::fs::write(&cfg, "analyst = \" mkeller \"\ntheme = \"dark\"\n").unwrap();
        let env = crate::store::analyst_from_env();
        let cases: [(Option<&str>, &Path, Option<&str>); 4] = [
            (Some("flagger"), &cfg, Some("flagger")),
            (Some("  "), &cfg, Some("mkeller")),
            (None, &cfg, Some("mkeller")),
            (None, &missing, env.as_deref()),
        ];
        for (flag, path, want) in cases {
            let got = resolve(flag, Some(path)).ok();
            assert_eq!(got.as_deref(), want, "flag {flag:?} config {path:?}");
        }
    }

    #[test]
    fn bad_config_is_reported_with_its_path() {
        let dir = tempfile::tempdir().unwrap();
        let cfg = dir.path().join("config.toml");
        for text in ["analyst = 3\n", "analyst = \"\"\n", "analyst = [\n"] {
            std::fs::write(&cfg, text).unwrap();
            let err = resolve(None, Some(&cfg)).unwrap_err().to_string();
            assert!(err.contains("config.toml"), "{text}: {err}");
        }
    }
}
