//! The rule catalog: every rule vigil knows, from the built-in pack, `--rules` folders and
//! the user's config folder, loaded by the engine of its language and listed with its
//! status. `vigil rules list/check`, `vigil detect` and `vigil import` all start here.
//!
//! Files are routed by extension (`.toml` Elastic, `.yml`/`.yaml` Sigma). Nothing is
//! dropped in silence: a file that fails to load leaves diagnostics, a rule that cannot
//! be evaluated stays listed with the reason.

use crate::detect::Combined;
use crate::model::{RuleMeta, RuleOrigin};
use crate::rules::api::{CompiledRuleSet, Diagnostic, RuleStatus};
use crate::rules::builtin::BUILTIN_RULES;
use crate::rules::elastic::{self, ElasticRuleSet};
use crate::rules::sigma::{self, SigmaRuleSet};
use crate::triage::guide::markup::substitute_transform;
use std::path::{Path, PathBuf};

/// Where to look for rules.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    pub builtin: bool,
    /// Folders or files given with `--rules` (repeatable).
    pub paths: Vec<PathBuf>,
    /// The user's config folder for rules, used when it exists.
    pub user_dir: Option<PathBuf>,
}

/// One rule as listed.
#[derive(Debug, Clone)]
pub struct Listed<'a> {
    pub meta: &'a RuleMeta,
    pub status: &'a RuleStatus,
    /// `eql`, `kuery`, `sigma`, `threshold`...
    pub language: String,
}

/// What one rule file gave: how many rules, and its problems.
#[derive(Debug, Clone, Default)]
pub struct FileReport {
    pub path: String,
    pub ready: usize,
    pub not_evaluable: Vec<(String, String)>,
    pub errors: Vec<Diagnostic>,
}

pub struct Catalog {
    elastic: ElasticRuleSet,
    sigma: SigmaRuleSet,
    pub files: Vec<FileReport>,
}

#[derive(Debug, thiserror::Error)]
#[error("cannot read rules from {path}: {source}")]
pub struct CatalogError {
    pub path: PathBuf,
    #[source]
    pub source: std::io::Error,
}

impl Catalog {
    /// Loads every rule file of `sources`. Only unreadable `--rules` paths are errors;
    /// problems inside files are reported in [`Catalog::files`].
    pub fn load(sources: &Sources) -> Result<Self, CatalogError> {
        let mut inputs: Vec<(RuleOrigin, String, String)> = Vec::new();
        if sources.builtin {
            for (path, text) in BUILTIN_RULES {
                inputs.push((
                    RuleOrigin::BuiltIn((*path).to_string()),
                    format!("(built-in) rules/{path}"),
                    (*text).to_string(),
                ));
            }
        }
        let mut files = Vec::new();
        for p in &sources.paths {
            collect(p, &mut files, true)?;
        }
        if let Some(dir) = sources.user_dir.as_ref().filter(|d| d.is_dir()) {
            collect(dir, &mut files, false)?;
        }
        for f in files {
            let text = std::fs::read(&f).map_err(|source| CatalogError {
                path: f.clone(),
                source,
            })?;
            let text = String::from_utf8_lossy(&text).into_owned();
            inputs.push((RuleOrigin::File(f.clone()), f.display().to_string(), text));
        }
        Ok(Self::from_texts(inputs))
    }

    /// Loads rules from (origin, path shown in messages, text) triples.
    pub fn from_texts(inputs: Vec<(RuleOrigin, String, String)>) -> Self {
        let mut elastic_rules = Vec::new();
        let mut sigma_results = Vec::new();
        let mut files = Vec::new();
        for (origin, shown, text) in inputs {
            let mut report = FileReport {
                path: shown.clone(),
                ..FileReport::default()
            };
            if is_toml(&shown) {
                match elastic::load_rule(origin, &shown, &text) {
                    Ok(mut rule) => {
                        if let (Some(guide), Some(t)) = (&rule.meta.guide, &rule.transform) {
                            rule.meta.guide = Some(substitute_transform(guide, Some(t)));
                        }
                        match &rule.status {
                            RuleStatus::Ready => report.ready += 1,
                            RuleStatus::NotEvaluable(why) => report
                                .not_evaluable
                                .push((rule.meta.name.clone(), why.clone())),
                        }
                        elastic_rules.push(rule);
                    }
                    Err(diags) => report.errors = diags,
                }
            } else {
                let result = sigma::load_file(origin, &shown, &text);
                for r in &result.rules {
                    match &r.status {
                        RuleStatus::Ready => report.ready += 1,
                        RuleStatus::NotEvaluable(why) => report
                            .not_evaluable
                            .push((r.meta.name.clone(), why.clone())),
                    }
                }
                report.errors = result.diagnostics.clone();
                sigma_results.push(result);
            }
            files.push(report);
        }
        Self {
            elastic: ElasticRuleSet::new(elastic_rules),
            sigma: SigmaRuleSet::new(sigma_results),
            files,
        }
    }

    /// Every loaded rule with its status, Elastic first, then Sigma, each sorted by name.
    pub fn listed(&self) -> Vec<Listed<'_>> {
        let mut out: Vec<Listed<'_>> = self
            .elastic
            .listed()
            .iter()
            .map(|r| Listed {
                meta: &r.meta,
                status: &r.status,
                language: r
                    .language
                    .clone()
                    .filter(|_| r.rule_type == "query" || r.rule_type == "eql")
                    .unwrap_or_else(|| r.rule_type.clone()),
            })
            .collect();
        out.sort_by(|a, b| a.meta.name.cmp(&b.meta.name));
        let mut sig: Vec<Listed<'_>> = self
            .sigma
            .loaded()
            .iter()
            .map(|r| Listed {
                meta: &r.meta,
                status: &r.status,
                language: "sigma".into(),
            })
            .collect();
        sig.sort_by(|a, b| a.meta.name.cmp(&b.meta.name));
        out.extend(sig);
        out
    }

    /// Metadata of every rule that will be evaluated.
    pub fn ready(&self) -> Vec<&RuleMeta> {
        let mut v = self.elastic.rules();
        v.extend(self.sigma.rules());
        v
    }

    /// Problems found by the Sigma engine while linking files (correlations, filters).
    pub fn link_diagnostics(&self) -> &[Diagnostic] {
        self.sigma.diagnostics()
    }

    /// One evaluator over every ready rule.
    pub fn evaluator(&self) -> Combined<'_> {
        // An engine without ready rules is left out: its per-event set-up (the Sigma
        // engine reads the logsource facts of every event) would cost for nothing.
        let mut inner = Vec::new();
        if !self.elastic.rules().is_empty() {
            inner.push(self.elastic.evaluator());
        }
        if !self.sigma.rules().is_empty() {
            inner.push(self.sigma.evaluator());
        }
        Combined::new(inner)
    }

    pub fn sigma(&self) -> &SigmaRuleSet {
        &self.sigma
    }
}

fn is_toml(path: &str) -> bool {
    path.to_ascii_lowercase().ends_with(".toml")
}

fn is_rule_file(p: &Path) -> bool {
    matches!(
        p.extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref(),
        Some("toml" | "yml" | "yaml")
    )
}

/// Collects rule files under `p` (a file is taken as given when `explicit`).
fn collect(p: &Path, out: &mut Vec<PathBuf>, explicit: bool) -> Result<(), CatalogError> {
    let meta = std::fs::metadata(p).map_err(|source| CatalogError {
        path: p.to_path_buf(),
        source,
    })?;
    if meta.is_file() {
        if explicit || is_rule_file(p) {
            out.push(p.to_path_buf());
        }
        return Ok(());
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(p)
        .map_err(|source| CatalogError {
            path: p.to_path_buf(),
            source,
        })?
        .flatten()
        .map(|e| e.path())
        .collect();
    entries.sort();
    for e in entries {
        // Symlinked folders are skipped so a loop of links cannot hang the walk.
        let is_link = std::fs::symlink_metadata(&e).is_ok_and(|m| m.file_type().is_symlink());
        if e.is_dir() && !is_link {
            collect(&e, out, false)?;
        } else if e.is_file() && is_rule_file(&e) {
            out.push(e);
        }
    }
    Ok(())
}
