//! The rule-source flags shared by `import`, `detect` and `rules`: the built-in pack,
//! `--rules PATH` (repeatable) and the user's config folder.

use crate::error::{Result, VigilError};
use crate::rules::catalog::{Catalog, Sources};
use std::path::PathBuf;

#[derive(Debug, Clone, clap::Args)]
pub struct RuleSourceArgs {
    /// Also load rules from this folder or file (Elastic TOML, Sigma YAML); repeatable.
    #[arg(long = "rules", value_name = "PATH")]
    pub rules: Vec<PathBuf>,
    /// Leave the built-in pack out.
    #[arg(long)]
    pub no_builtin: bool,
}

impl RuleSourceArgs {
    pub fn sources(&self) -> Sources {
        Sources {
            builtin: !self.no_builtin,
            paths: self.rules.clone(),
            user_dir: crate::paths::user_rules_dir(),
        }
    }

    /// Loads the catalog and reports, on stderr, how many files had problems (the details
    /// are for `vigil rules check`).
    pub fn load(&self) -> Result<Catalog> {
        let catalog =
            Catalog::load(&self.sources()).map_err(|e| VigilError::Other(e.to_string()))?;
        let broken = catalog
            .files
            .iter()
            .filter(|f| !f.errors.is_empty())
            .count();
        if broken > 0 {
            eprintln!(
                "vigil: {broken} rule file(s) could not be loaded; `vigil rules check` lists why"
            );
        }
        Ok(catalog)
    }
}
