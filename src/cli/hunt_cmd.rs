//! `vigil hunt created-users`: seed 002's `MachineCount` over the workspace's alerts,
//! one row per created account with the distinct hosts it was created on. An account
//! sprayed over many machines stands out from one admin's local account.

use crate::cli::alerts_cmd::time_text;
use crate::cli::triage_ctx::other;
use crate::detect::{AccountScope, AlertStore, created_users};
use crate::error::Result;
use crate::text::{truncate_chars, visible};
use crate::workspace::Workspace;
use std::path::Path;

#[derive(Debug, clap::Subcommand)]
pub enum HuntCommand {
    /// Accounts created with `net user NAME ... /add` (every alert with a CreatedUser
    /// field, suppressed ones included): local or domain, on how many machines, where,
    /// first and last time, and the alerts.
    CreatedUsers {
        /// One JSON object per account.
        #[arg(long)]
        json: bool,
    },
}

pub fn run(workspace: &Path, cmd: HuntCommand) -> Result<i32> {
    let ws = Workspace::open_read(workspace)?;
    let store = AlertStore::open(&ws.alerts_dir()).map_err(other)?;
    let alerts: Vec<_> = store.alerts().into_iter().cloned().collect();
    match cmd {
        HuntCommand::CreatedUsers { json } => {
            let rows = created_users(&alerts);
            if json {
                for r in &rows {
                    let mut v = serde_json::to_value(r).map_err(other)?;
                    if let Some(obj) = v.as_object_mut() {
                        obj.insert("first".into(), time_text(r.first_ms).into());
                        obj.insert("last".into(), time_text(r.last_ms).into());
                    }
                    println!("{v}");
                }
                return Ok(0);
            }
            println!(
                "{:<24} {:<6} {:>8}  {:<19}  {:<19}  {:>6}  hosts",
                "user", "scope", "machines", "first", "last", "alerts"
            );
            for r in &rows {
                let scope = match r.local_or_domain {
                    AccountScope::Local => "local",
                    AccountScope::Domain => "domain",
                };
                println!(
                    "{:<24} {scope:<6} {:>8}  {}  {}  {:>6}  {}",
                    visible(&truncate_chars(&r.user, 24)),
                    r.machine_count,
                    time_text(r.first_ms),
                    time_text(r.last_ms),
                    r.alert_ids.len(),
                    visible(&r.hosts.join(", "))
                );
            }
        }
    }
    Ok(0)
}
