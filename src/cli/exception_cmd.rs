//! `vigil exception create|list|remove`: exceptions made from a false-positive alert.
//! `create` prefills the conditions from the alert, lets flags override them, previews
//! how many open and past alerts match, and (unless `--dry-run`) saves the exception,
//! closing the matching open alerts with a reference to it.

use crate::cli::alert_cmd::resolve_reason;
use crate::cli::alerts_cmd::time_text;
use crate::cli::analyst::AnalystArg;
use crate::cli::detect_cmd::now_ms;
use crate::cli::triage_ctx::{TriageContext, first_event, other};
use crate::error::{Result, VigilError};
use crate::model::Alert;
use crate::store::classification_label;
use crate::text::visible;
use crate::triage::exceptions::{self, Exception, Preview};
use chrono::{DateTime, NaiveDate};
use std::path::Path;

#[derive(Debug, clap::Subcommand)]
pub enum ExceptionCommand {
    /// Create an exception from an alert (conditions prefilled from it; an empty value,
    /// e.g. --user '', drops a condition). Shows how many open and past alerts it
    /// matches; saving closes the open ones as false positives.
    Create(Box<CreateArgs>),
    /// List the exceptions of the workspace.
    List {
        /// One JSON object per exception.
        #[arg(long)]
        json: bool,
    },
    /// Delete an exception (alerts it closed stay closed, with their audit trail).
    Remove {
        #[arg(value_name = "EXCEPTION_ID")]
        id: String,
        #[command(flatten)]
        analyst: AnalystArg,
    },
}

#[derive(Debug, clap::Args)]
pub struct CreateArgs {
    /// The alert to start from (id or unique prefix).
    #[arg(value_name = "ALERT_ID")]
    pub alert: String,
    /// Rule id condition (default: the alert's rule).
    #[arg(long, value_name = "RULE_ID")]
    pub rule: Option<String>,
    /// Host name pattern (`*` and `?` wildcards, any case).
    #[arg(long, value_name = "PATTERN")]
    pub host: Option<String>,
    /// User name pattern.
    #[arg(long, value_name = "PATTERN")]
    pub user: Option<String>,
    /// Executable path pattern of the alert's process.
    #[arg(long, value_name = "PATTERN")]
    pub executable: Option<String>,
    /// Executable path pattern of the parent process.
    #[arg(long, value_name = "PATTERN")]
    pub parent: Option<String>,
    /// Pattern over the whole command line (default: the alert's command with names and
    /// passwords replaced by `*`).
    #[arg(long, value_name = "PATTERN")]
    pub command_line: Option<String>,
    /// Reason recorded on the alerts it closes: a false-positive category id or label of
    /// the rule, or free text (default: the alert's own reason).
    #[arg(long, value_name = "CATEGORY_OR_TEXT")]
    pub reason: Option<String>,
    /// Free-text comment kept with the exception.
    #[arg(long, value_name = "TEXT")]
    pub comment: Option<String>,
    /// The exception stops matching at this time: YYYY-MM-DD (midnight UTC) or RFC 3339.
    #[arg(long, value_name = "DATE")]
    pub expires: Option<String>,
    /// Show the exception and what it matches without saving it.
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub analyst: AnalystArg,
}

pub fn run(workspace: &Path, cmd: ExceptionCommand) -> Result<i32> {
    let mut ctx = TriageContext::open(workspace)?;
    match cmd {
        ExceptionCommand::Create(args) => create(&mut ctx, *args),
        ExceptionCommand::List { json } => list(&ctx, json),
        ExceptionCommand::Remove { id, analyst } => {
            let who = analyst.resolve()?;
            if ctx
                .store
                .remove_exception(&id, &who, now_ms())
                .map_err(other)?
            {
                println!("removed exception {}", visible(&id));
                Ok(0)
            } else {
                Err(VigilError::Other(format!(
                    "no exception has the id '{}': `vigil exception list` shows them",
                    visible(&id)
                )))
            }
        }
    }
}

fn create(ctx: &mut TriageContext, args: CreateArgs) -> Result<i32> {
    let alert = ctx.find(&args.alert)?.clone();
    let now = now_ms();
    // The author is only needed to save; a dry run works without one.
    let who = match args.analyst.resolve() {
        Ok(w) => w,
        Err(e) if !args.dry_run => return Err(e),
        Err(_) => "(dry run)".to_string(),
    };
    let event = first_event(&ctx.ws.searcher()?, &alert)?;
    let triage = ctx.store.get(&alert.id);
    let mut exc = Exception::from_alert(&alert, event.as_ref(), &triage, &who, now);
    let set = |slot: &mut Option<String>, value: &Option<String>| {
        if let Some(v) = value {
            *slot = Some(v.trim().to_string()).filter(|v| !v.is_empty());
        }
    };
    set(&mut exc.rule_id, &args.rule);
    set(&mut exc.host, &args.host);
    set(&mut exc.user, &args.user);
    set(&mut exc.executable, &args.executable);
    set(&mut exc.parent_executable, &args.parent);
    set(&mut exc.command_line, &args.command_line);
    set(&mut exc.comment, &args.comment);
    if let Some(r) = args
        .reason
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty())
    {
        exc.reason = Some(resolve_reason(ctx.alerts.rule(&alert.rule_id), r));
    }
    if let Some(d) = &args.expires {
        let at = parse_expiry(d)?;
        if at <= now {
            return Err(VigilError::Other(format!(
                "--expires '{}' is in the past: the exception would never match; give a later date",
                visible(d)
            )));
        }
        exc.expires_ms = Some(at);
    }
    exc.id = exc.derive_id();
    exc.validate().map_err(VigilError::Other)?;
    let all = ctx.all_alerts();
    let preview = exceptions::preview(&exc, &all, &ctx.store, now);
    print!("{}", describe(&exc, ctx, &alert));
    print!("{}", preview_text(&preview, &all));
    if args.dry_run {
        println!("dry run: nothing saved");
        return Ok(0);
    }
    if exc.reason.is_none() {
        return Err(VigilError::Other(
            "the exception closes alerts as false positives and needs a reason: add --reason with one of the rule's categories (listed by `vigil alert ID`) or free text, or classify the alert first".into(),
        ));
    }
    let closed = exceptions::save(&mut ctx.store, &exc, &all, &who, now).map_err(other)?;
    println!(
        "saved exception {}; closed {} open alert(s); future matches will be marked suppressed",
        exc.id,
        closed.len()
    );
    Ok(0)
}

/// `YYYY-MM-DD` (midnight UTC starting that day) or an RFC 3339 time, in ms.
pub fn parse_expiry(text: &str) -> Result<i64> {
    let t = text.trim();
    if let Ok(d) = NaiveDate::parse_from_str(t, "%Y-%m-%d")
        && let Some(dt) = d.and_hms_opt(0, 0, 0)
    {
        return Ok(dt.and_utc().timestamp_millis());
    }
    DateTime::parse_from_rfc3339(t)
        .map(|d| d.timestamp_millis())
        .map_err(|_| {
            VigilError::Other(format!(
                "--expires '{}' is not a date: write 2026-06-30 or 2026-06-30T18:00:00Z",
                visible(t)
            ))
        })
}

fn describe(exc: &Exception, ctx: &TriageContext, alert: &Alert) -> String {
    let mut out = format!("Exception {} (from alert {})\n", exc.id, visible(&alert.id));
    for (label, pattern) in exc.conditions() {
        out.push_str(&format!("  {label:<18} {}\n", visible(pattern)));
    }
    let reason = exc.reason.as_deref().map(|r| {
        let label = ctx
            .alerts
            .rule(&alert.rule_id)
            .and_then(|rule| rule.false_positives.iter().find(|c| c.id == r))
            .map(|c| format!(" ({})", visible(&c.label)))
            .unwrap_or_default();
        format!("{}{label}", visible(r))
    });
    out.push_str(&format!(
        "  {:<18} {}; reason: {}\n",
        "closes as",
        classification_label(exc.classification),
        reason.as_deref().unwrap_or("(none)")
    ));
    if let Some(c) = &exc.comment {
        out.push_str(&format!("  {:<18} {}\n", "comment", visible(c)));
    }
    out.push_str(&format!(
        "  {:<18} {}\n",
        "expires",
        exc.expires_ms
            .map_or_else(|| "never".to_string(), |t| format!("{} UTC", time_text(t)))
    ));
    out
}

fn preview_text(p: &Preview, all: &[Alert]) -> String {
    let mut out = format!(
        "Matches {} open alert(s) (saving closes them) and {} past alert(s) (already closed, left as they are)\n",
        p.open.len(),
        p.past.len()
    );
    let line = |state: &str, id: &str| {
        let a = all.iter().find(|a| a.id == id);
        format!(
            "  {state:<5} {}  {}  {:<16} {}\n",
            &id[..id.len().min(12)],
            a.map(|a| time_text(a.timestamp_ms)).unwrap_or_default(),
            visible(a.and_then(|a| a.host.as_deref()).unwrap_or("-")),
            visible(a.map(|a| a.rule_name.as_str()).unwrap_or(""))
        )
    };
    for id in &p.open {
        out.push_str(&line("open", id));
    }
    for id in &p.past {
        out.push_str(&line("past", id));
    }
    out
}

fn list(ctx: &TriageContext, json: bool) -> Result<i32> {
    let all = ctx.all_alerts();
    let now = now_ms();
    for e in ctx.store.exceptions() {
        let matching = all
            .iter()
            .filter(|a| exceptions::matches(e, a, now))
            .count();
        if json {
            let mut v = serde_json::to_value(e).map_err(other)?;
            if let Some(obj) = v.as_object_mut() {
                obj.insert("active".into(), e.is_active(now).into());
                obj.insert("matching_alerts".into(), matching.into());
            }
            println!("{v}");
            continue;
        }
        let conditions: Vec<String> = e
            .conditions()
            .map(|(k, v)| format!("{k}={}", visible(v)))
            .collect();
        println!(
            "{}  {}  by {} at {}  {} matching alert(s)",
            e.id,
            if e.is_active(now) {
                "active "
            } else {
                "expired"
            },
            visible(&e.created_by),
            time_text(e.created_ms),
            matching
        );
        println!("  {}", conditions.join("  "));
        println!(
            "  closes as {}; reason: {}; expires: {}",
            classification_label(e.classification),
            visible(e.reason.as_deref().unwrap_or("(none)")),
            e.expires_ms
                .map_or_else(|| "never".to_string(), |t| format!("{} UTC", time_text(t)))
        );
    }
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiry_dates() {
        let cases = [
            ("2026-06-30", Some(1_782_777_600_000)),
            (" 2026-06-30T18:00:00Z ", Some(1_782_842_400_000)),
            ("2026-06-30T20:00:00+02:00", Some(1_782_842_400_000)),
            ("2026-13-01", None),
            ("next week", None),
            ("", None),
        ];
        for (text, want) in cases {
            assert_eq!(parse_expiry(text).ok(), want, "{text}");
        }
    }
}
