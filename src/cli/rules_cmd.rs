//! `vigil rules list` and `vigil rules check PATH...`.

use crate::cli::rule_sources::RuleSourceArgs;
use crate::error::{Result, VigilError};
use crate::model::RuleOrigin;
use crate::rules::api::RuleStatus;
use crate::rules::catalog::{Catalog, Sources};
use crate::text::visible;
use serde_json::json;
use std::path::PathBuf;

#[derive(Debug, clap::Subcommand)]
pub enum RulesCommand {
    /// List every loaded rule with its source, language, severity and status.
    List {
        #[command(flatten)]
        sources: RuleSourceArgs,
        /// One JSON object per rule.
        #[arg(long)]
        json: bool,
    },
    /// Validate rule files or folders: prints `path:line:column: message` for every error
    /// and the reason for every rule that cannot be evaluated. Exit status 3 when any
    /// file has errors.
    Check {
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,
        /// Explain one Sigma rule (id or title): fields that cannot exist on the sources
        /// its logsource selects.
        #[arg(long, value_name = "RULE")]
        explain: Option<String>,
        /// One JSON object per file.
        #[arg(long)]
        json: bool,
    },
}

/// Exit status when some rule files have errors.
pub const EXIT_RULE_ERRORS: i32 = 3;

pub fn run(cmd: RulesCommand) -> Result<i32> {
    match cmd {
        RulesCommand::List { sources, json } => list(&sources.load()?, json),
        RulesCommand::Check {
            paths,
            explain,
            json,
        } => {
            let catalog = Catalog::load(&Sources {
                builtin: false,
                paths,
                user_dir: None,
            })
            .map_err(|e| VigilError::Other(e.to_string()))?;
            check(&catalog, explain.as_deref(), json)
        }
    }
}

fn origin_text(o: &RuleOrigin) -> String {
    match o {
        RuleOrigin::BuiltIn(p) => format!("built-in:{p}"),
        RuleOrigin::File(p) => p.display().to_string(),
    }
}

fn list(catalog: &Catalog, json: bool) -> Result<i32> {
    for r in catalog.listed() {
        let status = match r.status {
            RuleStatus::Ready => "ready".to_string(),
            RuleStatus::NotEvaluable(why) => format!("not evaluable: {why}"),
        };
        if json {
            println!(
                "{}",
                json!({"id": r.meta.id, "name": r.meta.name, "language": r.language,
                       "severity": r.meta.severity, "risk_score": r.meta.risk_score,
                       "source": origin_text(&r.meta.origin), "status": status,
                       "mitre": r.meta.mitre})
            );
        } else {
            println!(
                "{:<8} {:<9} {:<38} {}  [{}] {}",
                r.meta.severity.as_str(),
                r.language,
                r.meta.id,
                visible(&r.meta.name),
                visible(&origin_text(&r.meta.origin)),
                status
            );
        }
    }
    Ok(0)
}

fn check(catalog: &Catalog, explain: Option<&str>, json: bool) -> Result<i32> {
    let mut failed = 0;
    let (mut ready, mut not_eval) = (0, 0);
    for f in &catalog.files {
        ready += f.ready;
        not_eval += f.not_evaluable.len();
        if !f.errors.is_empty() {
            failed += 1;
        }
        if json {
            println!(
                "{}",
                json!({"path": f.path, "ready": f.ready,
                   "not_evaluable": f.not_evaluable.iter().map(|(n, w)| json!({"rule": n, "reason": w})).collect::<Vec<_>>(),
                   "errors": f.errors.iter().map(ToString::to_string).collect::<Vec<_>>()})
            );
            continue;
        }
        for d in &f.errors {
            println!("{}", visible(&d.to_string()));
        }
        for (name, why) in &f.not_evaluable {
            println!(
                "{}: not evaluable: {}: {why}",
                visible(&f.path),
                visible(name)
            );
        }
    }
    for d in catalog.link_diagnostics() {
        if !json {
            println!("{}", visible(&d.to_string()));
        }
    }
    if let Some(wanted) = explain {
        let rule = catalog
            .sigma()
            .loaded()
            .iter()
            .find(|r| r.meta.id == wanted || r.meta.name == wanted)
            .ok_or_else(|| {
                VigilError::Other(format!(
                    "no Sigma rule with id or title '{wanted}' in the given paths"
                ))
            })?;
        let notes = crate::rules::sigma::explain(rule);
        if notes.is_empty() {
            println!(
                "{}: every field can exist on the selected sources",
                visible(&rule.meta.name)
            );
        }
        for n in notes {
            println!("{}: {}", visible(&rule.meta.name), visible(&n));
        }
    }
    if !json {
        let files = catalog.files.len();
        let share = if files == 0 {
            100.0
        } else {
            100.0 * (files - failed) as f64 / files as f64
        };
        println!(
            "{files} files: {} loaded ({share:.2}%), {failed} with errors; {ready} rules ready, {not_eval} not evaluable",
            files - failed
        );
    }
    Ok(if failed > 0 { EXIT_RULE_ERRORS } else { 0 })
}
