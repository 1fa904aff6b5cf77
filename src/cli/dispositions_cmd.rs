//! `vigil dispositions export FILE` / `import FILE`: moving the analyst's decisions
//! (triage of every alert, exceptions) between colleagues' workspaces. Import merges by
//! alert id with the audit trail (see [`crate::store::transfer`]).

use crate::cli::analyst::AnalystArg;
use crate::cli::detect_cmd::now_ms;
use crate::cli::triage_ctx::other;
use crate::error::Result;
use crate::store::Store;
use crate::workspace::Workspace;
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Subcommand)]
pub enum DispositionsCommand {
    /// Write every alert's triage and every exception to FILE (JSON).
    Export {
        #[arg(value_name = "FILE")]
        file: PathBuf,
        #[command(flatten)]
        analyst: AnalystArg,
    },
    /// Merge a file written by `vigil dispositions export` into this workspace.
    Import {
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// Print the merge summary as JSON.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        analyst: AnalystArg,
    },
}

pub fn run(workspace: &Path, cmd: DispositionsCommand) -> Result<i32> {
    let ws = Workspace::open_read(workspace)?;
    let mut store = Store::open(&ws.state_dir()).map_err(other)?;
    match cmd {
        DispositionsCommand::Export { file, analyst } => {
            let who = analyst.resolve()?;
            store
                .export_dispositions(&file, &who, now_ms())
                .map_err(other)?;
            println!(
                "exported the triage of {} alert(s) and {} exception(s) to {}",
                store.all().len(),
                store.exceptions().count(),
                file.display()
            );
        }
        DispositionsCommand::Import {
            file,
            json,
            analyst,
        } => {
            let who = analyst.resolve()?;
            let s = store
                .import_dispositions(&file, &who, now_ms())
                .map_err(other)?;
            if json {
                println!(
                    "{}",
                    serde_json::json!({
                        "alerts_added": s.alerts_added,
                        "alerts_merged": s.alerts_merged,
                        "alerts_unchanged": s.alerts_unchanged,
                        "exceptions_added": s.exceptions_added,
                    })
                );
            } else {
                println!(
                    "merged {}: {} alert(s) added, {} merged, {} unchanged; {} exception(s) added",
                    file.display(),
                    s.alerts_added,
                    s.alerts_merged,
                    s.alerts_unchanged,
                    s.exceptions_added
                );
            }
        }
    }
    Ok(0)
}
