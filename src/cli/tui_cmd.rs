//! `vigil` / `vigil tui` (the interface on a workspace) and `vigil demo` (the bundled
//! samples imported once into a demo workspace, then the interface).

use crate::error::{Result, VigilError};
use crate::ingest::pipeline::ImportObserver;
use crate::rules::catalog::{Catalog, Sources};
use crate::session::WorkspaceSource;
use crate::tui::{Progress, UiOptions};
use crate::workspace::Workspace;
use std::path::{Path, PathBuf};

/// The bundled demo dataset (see samples/README.md), embedded so `vigil demo` works from
/// any directory.
const DEMO_EVENTS: &str = include_str!("../../samples/demo_events.ndjson");

#[derive(Debug, Clone, clap::Args)]
pub struct UiArgs {
    /// Colour theme: dark (default), light, high-contrast, a user theme name, or a path.
    #[arg(long, value_name = "NAME")]
    pub theme: Option<String>,
    /// No colours (the NO_COLOR environment variable does the same).
    #[arg(long)]
    pub no_color: bool,
    /// The analyst named in audit trails (default: config `analyst`, then $USER).
    #[arg(long, value_name = "NAME")]
    pub analyst: Option<String>,
}

impl UiArgs {
    fn options(&self) -> UiOptions {
        UiOptions {
            theme: self.theme.clone(),
            no_color: self.no_color,
            config_dir: crate::paths::config_dir(),
            analyst: self
                .analyst
                .clone()
                .or_else(crate::paths::configured_analyst),
            job: None,
        }
    }
}

#[derive(Debug, clap::Args)]
pub struct DemoArgs {
    #[command(flatten)]
    pub ui: UiArgs,
    /// Start again from a fresh demo workspace (the analyst's decisions in it are lost).
    #[arg(long)]
    pub reset: bool,
}

/// Opens the interface on an existing workspace.
pub fn run_tui(workspace: &Path, ui: &UiArgs) -> Result<i32> {
    let ws = Workspace::open_read(workspace)?;
    let source = WorkspaceSource::open_in_background(ws).map_err(VigilError::Other)?;
    crate::tui::run(Box::new(source), ui.options())
        .map_err(|e| VigilError::Other(format!("{e:#}")))?;
    Ok(0)
}

/// The demo workspace: `--workspace`/`VIGIL_WORKSPACE` when given, else `demo` beside the
/// default workspace.
pub fn demo_dir(explicit: Option<PathBuf>) -> Result<PathBuf> {
    match explicit {
        Some(p) => Ok(p),
        None => Ok(crate::paths::default_workspace_dir()?
            .parent()
            .map(|p| p.join("demo"))
            .unwrap_or_else(|| PathBuf::from("vigil-demo"))),
    }
}

pub fn run_demo(workspace: &Path, args: DemoArgs) -> Result<i32> {
    if args.reset && workspace.join("workspace.toml").is_file() {
        std::fs::remove_dir_all(workspace)
            .map_err(|e| VigilError::Other(format!("cannot reset {}: {e}", workspace.display())))?;
    }
    let ws = Workspace::open_or_create(workspace)?;
    let samples = ws.root().join("samples").join("demo_events.ndjson");
    let needs_import = !samples.is_file() || ws.searcher()?.count_all() == 0;
    let mut opts = args.ui.options();
    if needs_import {
        if let Some(dir) = samples.parent() {
            std::fs::create_dir_all(dir)
                .map_err(|e| VigilError::Other(format!("cannot create {}: {e}", dir.display())))?;
        }
        std::fs::write(&samples, DEMO_EVENTS)
            .map_err(|e| VigilError::Other(format!("cannot write {}: {e}", samples.display())))?;
        let root = ws.root().to_path_buf();
        opts.job = Some(Box::new(move |progress: &Progress| {
            import_job(&root, &samples, progress)
        }));
    }
    let source = WorkspaceSource::open(ws).map_err(VigilError::Other)?;
    crate::tui::run(Box::new(source), opts).map_err(|e| VigilError::Other(format!("{e:#}")))?;
    Ok(0)
}

/// Imports the samples with the built-in pack, reporting progress to the interface.
fn import_job(
    root: &Path,
    samples: &Path,
    progress: &Progress,
) -> std::result::Result<String, String> {
    let ws = Workspace::open_or_create(root).map_err(|e| e.to_string())?;
    let catalog = Catalog::load(&Sources {
        builtin: true,
        paths: Vec::new(),
        user_dir: crate::paths::user_rules_dir(),
    })
    .map_err(|e| e.to_string())?;
    let total = std::fs::metadata(samples).map(|m| m.len()).ok();
    let mut observer = JobObserver { progress, total };
    let (outcome, recorded) = crate::session::jobs::import_and_detect(
        &ws,
        &[samples.to_path_buf()],
        Some(&catalog),
        &mut observer,
        chrono::Utc::now().timestamp_millis(),
    )
    .map_err(|e| e.to_string())?;
    Ok(format!(
        "imported {} events; {} alerts",
        outcome.summary.new,
        recorded.map_or(0, |r| r.total)
    ))
}

struct JobObserver<'a> {
    progress: &'a Progress,
    total: Option<u64>,
}

impl ImportObserver for JobObserver<'_> {
    fn progress(&mut self, bytes: u64, _events: u64) {
        self.progress.report("importing samples", bytes, self.total);
    }
}
