//! `vigil import PATH...`: progress on a terminal, problems on stderr, the
//! summary on stdout (as JSON with `--json`).

use crate::error::{Result, VigilError};
use crate::ingest::pipeline::{ImportObserver, total_size};
use crate::ingest::walk::collect_files;
use crate::workspace::Workspace;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Instant;

#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// Files or folders to import (folders are walked recursively).
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,
    /// Import only: do not evaluate rules.
    #[arg(long)]
    pub no_detect: bool,
    #[command(flatten)]
    pub sources: crate::cli::rule_sources::RuleSourceArgs,
}

pub fn run(workspace: &Path, args: ImportArgs) -> Result<i32> {
    let ws = Workspace::open_or_create(workspace)?;
    let catalog = if args.no_detect {
        None
    } else {
        Some(args.sources.load()?)
    };
    let mut observer = TerminalObserver::new(&args.paths);
    let (outcome, recorded) = crate::session::jobs::import_and_detect(
        &ws,
        &args.paths,
        catalog.as_ref(),
        &mut observer,
        crate::cli::detect_cmd::now_ms(),
    )?;
    observer.finish();
    let summary = &outcome.summary;
    if args.json {
        let text = serde_json::to_string(&serde_json::json!({
            "import": summary,
            "detection": recorded,
        }))
        .map_err(|e| VigilError::Other(e.to_string()))?;
        println!("{text}");
    } else {
        print!("{}", summary.render());
        if let Some(r) = &recorded {
            crate::cli::detect_cmd::print_report(r, false)?;
        }
        println!("workspace: {}", ws.root().display());
    }
    Ok(summary.status() as i32)
}

/// Progress bar on a terminal; plain problem lines otherwise.
pub struct TerminalObserver {
    bar: Option<ProgressBar>,
    started: Instant,
}

impl TerminalObserver {
    pub fn new(paths: &[PathBuf]) -> Self {
        let bar = std::io::stderr().is_terminal().then(|| {
            let (files, _) = collect_files(paths);
            let bar = ProgressBar::with_draw_target(
                Some(total_size(&files)),
                ProgressDrawTarget::stderr(),
            );
            let style = ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} {msg}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar());
            bar.set_style(style);
            bar
        });
        TerminalObserver {
            bar,
            started: Instant::now(),
        }
    }

    pub fn finish(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}

impl ImportObserver for TerminalObserver {
    fn progress(&mut self, bytes: u64, events: u64) {
        if let Some(bar) = &self.bar {
            bar.set_position(bytes);
            let secs = self.started.elapsed().as_secs_f64().max(0.001);
            bar.set_message(format!(
                "{events} events, {:.0} events/s",
                events as f64 / secs
            ));
        }
    }

    fn problem(&mut self, message: &str) {
        match &self.bar {
            Some(bar) => bar.println(message),
            None => eprintln!("{message}"),
        }
    }
}
