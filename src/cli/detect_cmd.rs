//! `vigil detect`: evaluates the rules over everything already in the workspace (after
//! adding a rule, or to catch sequences that span several imports), tags the matched
//! events and records the alerts.

use crate::cli::rule_sources::RuleSourceArgs;
use crate::detect::{Recorded, record_matches};
use crate::error::{Result, VigilError};
use crate::rules::api::{Evaluator, RuleMatch};
use crate::rules::catalog::Catalog;
use crate::workspace::Workspace;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

#[derive(Debug, clap::Args)]
pub struct DetectArgs {
    #[command(flatten)]
    pub sources: RuleSourceArgs,
    /// Only record alerts of this rule id.
    #[arg(long, value_name = "ID")]
    pub rule: Option<String>,
    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,
}

pub fn run(workspace: &Path, args: DetectArgs) -> Result<i32> {
    let ws = Workspace::open_read(workspace)?;
    let catalog = args.sources.load()?;
    if let Some(id) = &args.rule
        && !catalog.ready().iter().any(|r| &r.id == id)
    {
        return Err(VigilError::Other(format!(
            "no evaluable rule with id '{id}'; `vigil rules list` shows the loaded rules"
        )));
    }
    let mut writer = ws.writer()?;
    let matches = evaluate_workspace(&ws, &catalog, args.rule.as_deref())?;
    let mut tags: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for m in &matches {
        for (id, _) in &m.events {
            tags.entry(id.clone())
                .or_default()
                .insert(m.rule_id.clone());
        }
    }
    writer.add_tags(&tags)?;
    writer.commit()?;
    let report = record_matches(&ws, &catalog.ready(), &matches, now_ms())?;
    print_report(&report, args.json)?;
    Ok(0)
}

/// Runs every ready rule (or one) over all stored events.
pub fn evaluate_workspace(
    ws: &Workspace,
    catalog: &Catalog,
    only: Option<&str>,
) -> Result<Vec<RuleMatch>> {
    let searcher = ws.searcher()?;
    let mut eval = catalog.evaluator();
    let mut matches = Vec::new();
    for event in searcher.iter_events() {
        eval.on_event(&event?, &mut matches);
    }
    eval.finish(&mut matches);
    for shortfall in eval.shortfalls() {
        eprintln!("vigil: {}", crate::text::visible(&shortfall));
    }
    if let Some(id) = only {
        matches.retain(|m| m.rule_id == id);
    }
    Ok(matches)
}

pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

pub fn print_report(report: &Recorded, json: bool) -> Result<()> {
    if json {
        let text = serde_json::to_string(report).map_err(|e| VigilError::Other(e.to_string()))?;
        println!("{text}");
        return Ok(());
    }
    for p in &report.problems {
        eprintln!("vigil: {p}");
    }
    println!(
        "alerts: {} raised ({} new, {} suppressed by exceptions); {} in the workspace",
        report.raised, report.new, report.suppressed, report.total
    );
    for (rule, n) in &report.by_rule {
        println!("  {n:>6}  {}", crate::text::visible(rule));
    }
    Ok(())
}
