//! Command-line interface: argument definitions (clap) and the commands this
//! layer owns (`import`, `search`, `stats`). `main.rs` only parses, runs and
//! maps the outcome to an exit status.
//!
//! Exit statuses: 0 success; 1 error; 2 usage error (clap); 3 import finished
//! but some records or files were rejected; 4 nothing could be imported.

pub mod import_cmd;
pub mod search_cmd;
pub mod stats_cmd;

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
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
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
    /// `process.command_line:"user /add"`, `rule.id:RULE_ID`.
    /// Keyword fields match whole values case-insensitively; command lines and
    /// PowerShell script blocks are full-text.
    Search(search_cmd::SearchArgs),
    /// Events per source format, channel, event code and host, and the time range.
    Stats(stats_cmd::StatsArgs),
}

/// Runs a parsed command; returns the process exit status.
pub fn run(cli: Cli) -> Result<i32> {
    let workspace = crate::paths::resolve_workspace(cli.workspace)?;
    match cli.command {
        Command::Import(args) => import_cmd::run(&workspace, args),
        Command::Search(args) => search_cmd::run(&workspace, args),
        Command::Stats(args) => stats_cmd::run(&workspace, args),
    }
}
