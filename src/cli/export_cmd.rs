//! `vigil export`: case notes for chosen alerts (ids, `--all`, or `--filter`), as
//! Markdown or JSON, to stdout, one file, or one file per case in a directory. File
//! names in a directory come from [`export::file_name`], never from event data as is.

use crate::cli::alert_filter::AlertFilter;
use crate::cli::detect_cmd::now_ms;
use crate::cli::triage_ctx::TriageContext;
use crate::error::{Result, VigilError};
use crate::export::{self, Case};
use crate::model::Alert;
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    /// Markdown case notes (documents separated by a `---` line on stdout or in one file).
    Md,
    /// One JSON array of case notes (one `.json` file per case in a directory).
    Json,
    /// One JSON case note per line.
    Ndjson,
}

#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// Alert ids (or unique prefixes).
    #[arg(value_name = "ALERT_ID", conflicts_with_all = ["all", "filter"])]
    pub ids: Vec<String>,
    /// Every alert of the workspace, including those suppressed by exceptions.
    #[arg(long, conflicts_with = "filter")]
    pub all: bool,
    /// Alerts matching `key:value` terms (rule, host, user, status, severity, class,
    /// suppressed), e.g. 'host:wks-hr02 status:closed rule:"User Account Creation"'.
    #[arg(long, value_name = "QUERY")]
    pub filter: Option<String>,
    #[arg(long, value_enum, default_value = "md")]
    pub format: ExportFormat,
    /// Output file, or an existing directory (or a path ending in `/`) for one file per
    /// case. Default: stdout.
    #[arg(short = 'o', long, value_name = "PATH")]
    pub output: Option<PathBuf>,
}

pub fn run(workspace: &Path, args: ExportArgs) -> Result<i32> {
    let ctx = TriageContext::open(workspace)?;
    let chosen = select(&ctx, &args)?;
    if chosen.is_empty() {
        eprintln!("vigil: no alert matched; nothing exported");
        return Ok(0);
    }
    let searcher = ctx.ws.searcher()?;
    let all = ctx.all_alerts();
    let now = now_ms();
    let cases = chosen
        .iter()
        .map(|a| ctx.case(&searcher, a, &all, now))
        .collect::<Result<Vec<Case>>>()?;
    match &args.output {
        Some(path) if is_dir_target(path) => write_dir(path, &cases, args.format),
        Some(path) => {
            write_atomic(path, render_all(&cases, args.format)?.as_bytes())?;
            eprintln!("wrote {} case(s) to {}", cases.len(), path.display());
            Ok(0)
        }
        None => {
            let text = render_all(&cases, args.format)?;
            let mut out = std::io::stdout().lock();
            out.write_all(text.as_bytes())
                .and_then(|()| out.flush())
                .map_err(|e| VigilError::io("write", "stdout", e))?;
            Ok(0)
        }
    }
}

fn select<'a>(ctx: &'a TriageContext, args: &ExportArgs) -> Result<Vec<&'a Alert>> {
    if !args.ids.is_empty() {
        return ctx.find_all(&args.ids);
    }
    if args.all {
        return Ok(ctx.alerts.alerts());
    }
    let Some(text) = &args.filter else {
        return Err(VigilError::Other(
            "say which alerts to export: ALERT_ID..., --all or --filter QUERY".into(),
        ));
    };
    let filter = AlertFilter::parse(text)?;
    Ok(ctx
        .alerts
        .alerts()
        .into_iter()
        .filter(|a| filter.matches(a, &ctx.store.get(&a.id)))
        .collect())
}

/// Every case in one text: Markdown documents separated by `---`, a JSON array, or NDJSON.
pub fn render_all(cases: &[Case], format: ExportFormat) -> Result<String> {
    Ok(match format {
        ExportFormat::Md => cases
            .iter()
            .map(export::markdown)
            .collect::<Vec<_>>()
            .join("\n---\n\n"),
        ExportFormat::Json => {
            let docs: Vec<_> = cases.iter().map(export::json).collect();
            let mut s = serde_json::to_string_pretty(&docs)
                .map_err(|e| VigilError::Other(e.to_string()))?;
            s.push('\n');
            s
        }
        ExportFormat::Ndjson => cases
            .iter()
            .map(|c| format!("{}\n", export::json(c)))
            .collect(),
    })
}

fn is_dir_target(path: &Path) -> bool {
    path.is_dir() || path.as_os_str().to_string_lossy().ends_with(['/', '\\'])
}

fn write_dir(dir: &Path, cases: &[Case], format: ExportFormat) -> Result<i32> {
    std::fs::create_dir_all(dir).map_err(|e| VigilError::io("create", dir, e))?;
    let ext = if format == ExportFormat::Md {
        "md"
    } else {
        "json"
    };
    for case in cases {
        let body = match format {
            ExportFormat::Md => export::markdown(case),
            ExportFormat::Json | ExportFormat::Ndjson => {
                let mut s = serde_json::to_string_pretty(&export::json(case))
                    .map_err(|e| VigilError::Other(e.to_string()))?;
                s.push('\n');
                s
            }
        };
        let path = dir.join(export::file_name(&case.alert, ext));
        write_atomic(&path, body.as_bytes())?;
        println!("{}", path.display());
    }
    eprintln!("wrote {} case file(s) to {}", cases.len(), dir.display());
    Ok(0)
}

/// Writes through a temporary file in the same directory, then renames.
fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    std::fs::write(&tmp, bytes).map_err(|e| VigilError::io("write", &tmp, e))?;
    std::fs::rename(&tmp, path).map_err(|e| VigilError::io("rename", path, e))
}
