//! Command-line interface: argument definitions (clap) and the commands this
//! layer owns (`import`, `search`, `stats`). `main.rs` only parses, runs and
//! maps the outcome to an exit status.
//!
//! Exit statuses: 0 success; 1 error; 2 usage error (clap); 3 import finished
//! but some records or files were rejected; 4 nothing could be imported.

pub mod alert_cmd;
pub mod alert_filter;
pub mod alert_show;
pub mod alerts_cmd;
pub mod analyst;
pub mod detect_cmd;
pub mod dispositions_cmd;
pub mod exception_cmd;
pub mod export_cmd;
pub mod hunt_cmd;
pub mod import_cmd;
pub mod rule_sources;
pub mod rules_cmd;
pub mod search_cmd;
pub mod stats_cmd;
pub mod triage_ctx;
pub mod tui_cmd;

use crate::error::Result;
use clap::{Parser, Subcommand};
use std::path::PathBuf;

/// Exit status for errors other than usage errors.
pub const EXIT_ERROR: i32 = 1;

/// vigil: import security logs into a local workspace, search them, triage alerts.
#[derive(Debug, Parser)]
#[command(name = "vigil", version, about, long_about = None)]
pub struct Cli {
    /// Workspace directory (default: the platform data directory + vigil/workspaces/default).
    #[arg(long, global = true, env = crate::paths::WORKSPACE_ENV, value_name = "DIR")]
    pub workspace: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Option<Command>,

    /// Interface options when no command is given (`vigil` opens the interface).
    #[command(flatten)]
    pub ui: tui_cmd::UiArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Import the bundled samples into a demo workspace (once) and open the interface.
    Demo(tui_cmd::DemoArgs),
    /// Open the triage interface on the workspace (the same as `vigil` alone).
    Tui(tui_cmd::UiArgs),
    /// Import EVTX, ECS/Winlogbeat JSON, NXLog JSON, evtx_dump JSON and Defender
    /// records (plain or gzip), from files and folders (recursively).
    ///
    /// Exit status: 0 everything imported (or already present), 3 some records
    /// or files were rejected (each is reported on stderr), 4 nothing could be
    /// imported, 1 other errors.
    Import(import_cmd::ImportArgs),
    /// Search events with tantivy query syntax over ECS field names, newest first.
    ///
    /// Examples: `process.name:net.exe AND host.name:WORKSTATION6`,
    /// `@timestamp:[2020-09-14T00:00:00Z TO 2020-09-15T00:00:00Z]`,
    /// `process.command_line:"user /add"`, `rule.id:RULE_ID`, `process.parent.name:*`
    /// (events that have the field). `--count` prints only how many events match.
    /// Keyword fields match whole values case-insensitively; command lines and
    /// PowerShell script blocks are full-text.
    Search(search_cmd::SearchArgs),
    /// Events per source format, channel, event code and host, and the time range.
    Stats(stats_cmd::StatsArgs),
    /// Evaluate the rules over everything already in the workspace and record alerts
    /// (after adding rules, or for sequences spanning several imports).
    Detect(detect_cmd::DetectArgs),
    /// List alerts with the analyst's decisions (`--json`: one alert per line).
    Alerts(alerts_cmd::AlertsArgs),
    /// Show one alert (id or unique prefix) with its checklist, decision, comments, audit
    /// trail and process tree, or change it: `vigil alert ID status|classify|comment|check|uncheck|note ...`.
    Alert(alert_cmd::AlertArgs),
    /// Exceptions made from false positives: create (with a preview), list, remove.
    #[command(subcommand)]
    Exception(exception_cmd::ExceptionCommand),
    /// Case notes (Markdown or JSON) for alerts: ALERT_ID..., --all or --filter QUERY.
    Export(export_cmd::ExportArgs),
    /// Move decisions between workspaces: export to a file, import (merge) from one.
    #[command(subcommand)]
    Dispositions(dispositions_cmd::DispositionsCommand),
    /// Hunting summaries over the alerts (created-users: seed 002's machine count).
    #[command(subcommand)]
    Hunt(hunt_cmd::HuntCommand),
    /// List loaded rules, or check rule files.
    #[command(subcommand)]
    Rules(rules_cmd::RulesCommand),
}

/// Runs a parsed command; returns the process exit status.
pub fn run(cli: Cli) -> Result<i32> {
    if let Some(Command::Demo(args)) = cli.command {
        let dir = tui_cmd::demo_dir(cli.workspace)?;
        return tui_cmd::run_demo(&dir, args);
    }
    let workspace = crate::paths::resolve_workspace(cli.workspace)?;
    let Some(command) = cli.command else {
        return tui_cmd::run_tui(&workspace, &cli.ui);
    };
    match command {
        Command::Demo(_) => Ok(0),
        Command::Tui(ui) => tui_cmd::run_tui(&workspace, &ui),
        Command::Import(args) => import_cmd::run(&workspace, args),
        Command::Search(args) => search_cmd::run(&workspace, args),
        Command::Stats(args) => stats_cmd::run(&workspace, args),
        Command::Detect(args) => detect_cmd::run(&workspace, args),
        Command::Alerts(args) => alerts_cmd::run(&workspace, args),
        Command::Alert(args) => alert_cmd::run(&workspace, args),
        Command::Exception(cmd) => exception_cmd::run(&workspace, cmd),
        Command::Export(args) => export_cmd::run(&workspace, args),
        Command::Dispositions(cmd) => dispositions_cmd::run(&workspace, cmd),
        Command::Hunt(cmd) => hunt_cmd::run(&workspace, cmd),
        Command::Rules(cmd) => rules_cmd::run(cmd),
    }
}
