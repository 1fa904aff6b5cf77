//! `vigil alerts`: the alerts of the workspace with the analyst's decisions, as a table
//! or one JSON object per line.

use crate::detect::AlertStore;
use crate::error::{Result, VigilError};
use crate::model::Alert;
use crate::model::triage::AlertTriage;
use crate::store::Store;
use crate::text::{truncate_chars, visible};
use crate::triage::guide;
use crate::workspace::Workspace;
use chrono::{DateTime, Utc};
use std::path::Path;

#[derive(Debug, clap::Args)]
pub struct AlertsArgs {
    /// Only alerts of this rule id or name.
    #[arg(long, value_name = "RULE")]
    pub rule: Option<String>,
    /// Only alerts on this host (case-insensitive).
    #[arg(long, value_name = "HOST")]
    pub host: Option<String>,
    /// Only alerts at or after this time (RFC 3339, e.g. 2020-09-14T00:00:00Z).
    #[arg(long, value_name = "TIME")]
    pub since: Option<String>,
    /// Include alerts suppressed by an exception.
    #[arg(long)]
    pub all: bool,
    /// One JSON object per alert, with status, classification, reason and checklist progress.
    #[arg(long)]
    pub json: bool,
}

pub fn run(workspace: &Path, args: AlertsArgs) -> Result<i32> {
    let ws = Workspace::open_read(workspace)?;
    let store = AlertStore::open(&ws.alerts_dir()).map_err(other)?;
    let triage = Store::open(&ws.state_dir()).map_err(other)?;
    let since = match &args.since {
        Some(t) => Some(
            DateTime::parse_from_rfc3339(t)
                .map_err(|e| {
                    VigilError::Other(format!(
                        "--since '{t}' is not an RFC 3339 time ({e}); write e.g. 2020-09-14T00:00:00Z"
                    ))
                })?
                .timestamp_millis(),
        ),
        None => None,
    };
    let selected = store.alerts().into_iter().filter(|a| {
        (args.all || a.suppressed_by.is_none())
            && args
                .rule
                .as_ref()
                .is_none_or(|r| &a.rule_id == r || a.rule_name.eq_ignore_ascii_case(r))
            && args.host.as_ref().is_none_or(|h| {
                a.host
                    .as_deref()
                    .is_some_and(|have| have.eq_ignore_ascii_case(h))
            })
            && since.is_none_or(|s| a.timestamp_ms >= s)
    });
    for a in selected {
        let t = triage.get(&a.id);
        let (done, steps) = store
            .rule(&a.rule_id)
            .and_then(|r| r.guide.as_deref())
            .map(|g| guide::parse(g, None).progress(&t))
            .unwrap_or((0, 0));
        if args.json {
            println!("{}", alert_json(a, &t, done, steps));
        } else {
            println!("{}", alert_line(a, &t, done, steps));
        }
    }
    Ok(0)
}

pub fn time_text(ms: i64) -> String {
    DateTime::<Utc>::from_timestamp_millis(ms)
        .map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string())
        .unwrap_or_else(|| ms.to_string())
}

pub fn alert_json(a: &Alert, t: &AlertTriage, done: usize, steps: usize) -> serde_json::Value {
    let mut v = serde_json::to_value(a).unwrap_or_default();
    if let Some(obj) = v.as_object_mut() {
        obj.insert("time".into(), time_text(a.timestamp_ms).into());
        obj.insert(
            "status".into(),
            serde_json::to_value(t.status).unwrap_or_default(),
        );
        obj.insert(
            "classification".into(),
            serde_json::to_value(t.classification).unwrap_or_default(),
        );
        obj.insert(
            "reason".into(),
            serde_json::to_value(&t.reason).unwrap_or_default(),
        );
        obj.insert(
            "checklist".into(),
            serde_json::json!({"done": done, "steps": steps}),
        );
        obj.insert("comments".into(), t.comments.len().into());
    }
    v
}

fn alert_line(a: &Alert, t: &AlertTriage, done: usize, steps: usize) -> String {
    let subject = a
        .fields
        .get("CreatedUser")
        .or(a.fields.get("TargetUser"))
        .cloned()
        .or_else(|| a.process.as_ref().and_then(|p| p.name.clone()))
        .unwrap_or_default();
    let decision = t
        .classification
        .map(crate::store::classification_label)
        .unwrap_or("");
    format!(
        "{}  {}  {:<13} {:>3}  {:<40}  {:<16} {:<22} {:<20} {:<12} {} {}/{}",
        &a.id[..a.id.len().min(12)],
        time_text(a.timestamp_ms),
        a.severity.as_str(),
        a.risk_score,
        visible(&truncate_chars(&a.rule_name, 40)),
        visible(&truncate_chars(a.host.as_deref().unwrap_or("-"), 16)),
        visible(&truncate_chars(a.user.as_deref().unwrap_or("-"), 22)),
        visible(&truncate_chars(&subject, 20)),
        format!("{:?}", t.status).to_lowercase(),
        decision,
        done,
        steps
    )
}

fn other(e: impl std::fmt::Display) -> VigilError {
    VigilError::Other(e.to_string())
}
