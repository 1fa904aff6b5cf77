//! `vigil alert ID...`: shows alerts, or changes them (status, classification,
//! comment, checklist steps). Several ids (or unique prefixes) take the same action;
//! every change goes through the triage store, durable and audit-trailed.

use crate::cli::alert_show;
use crate::cli::analyst::AnalystArg;
use crate::cli::detect_cmd::now_ms;
use crate::cli::triage_ctx::{TriageContext, other};
use crate::error::{Result, VigilError};
use crate::model::triage::Classification;
use crate::model::{Alert, RuleMeta};
use crate::store::{Change, parse_classification, parse_status};
use crate::text::visible;
use std::collections::BTreeMap;
use std::path::Path;

#[derive(Debug, clap::Args)]
#[command(subcommand_precedence_over_arg = true)]
pub struct AlertArgs {
    /// Alert ids (or unique prefixes of them), as `vigil alerts` shows them.
    #[arg(required = true, value_name = "ID")]
    pub ids: Vec<String>,
    /// Print the alert(s) as JSON (one object per line) instead of text.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub analyst: AnalystArg,
    #[command(subcommand)]
    pub action: Option<AlertAction>,
}

#[derive(Debug, clap::Subcommand)]
pub enum AlertAction {
    /// Set the status: open, acknowledged (ack) or closed. Reopening clears the decision.
    Status {
        #[arg(value_name = "open|acknowledged|closed")]
        status: String,
    },
    /// Close with a classification: tp, benign, fp (incorrect rule logic), fp-data
    /// (incorrect data), dup or undetermined. A false positive needs --reason.
    Classify {
        #[arg(value_name = "tp|benign|fp|fp-data|dup|undetermined")]
        classification: String,
        /// One of the rule's false-positive categories (id or label, see `vigil alert ID`)
        /// or free text.
        #[arg(long, value_name = "CATEGORY_OR_TEXT")]
        reason: Option<String>,
    },
    /// Add a comment.
    Comment {
        #[arg(value_name = "TEXT")]
        text: String,
    },
    /// Tick a checklist step (its id, a unique prefix of it, or its number).
    Check {
        #[arg(value_name = "STEP")]
        step: String,
        /// Note kept with the step (replaces an earlier note).
        #[arg(long, value_name = "TEXT")]
        note: Option<String>,
    },
    /// Untick a checklist step.
    Uncheck {
        #[arg(value_name = "STEP")]
        step: String,
    },
    /// Set a step's note without ticking it (no TEXT clears the note).
    Note {
        #[arg(value_name = "STEP")]
        step: String,
        #[arg(value_name = "TEXT")]
        text: Option<String>,
    },
}

pub fn run(workspace: &Path, args: AlertArgs) -> Result<i32> {
    let mut ctx = TriageContext::open(workspace)?;
    let Some(action) = args.action else {
        return alert_show::run(&ctx, &args.ids, args.json);
    };
    let targets: Vec<Alert> = ctx.find_all(&args.ids)?.into_iter().cloned().collect();
    // (alert, change) pairs; changes are planned for every alert before any is written,
    // so a bad step name on the third alert writes nothing.
    let mut plan: Vec<(String, Change)> = Vec::with_capacity(targets.len());
    for alert in &targets {
        let rule = ctx.alerts.rule(&alert.rule_id);
        plan.push((alert.id.clone(), change_for(&ctx, alert, rule, &action)?));
    }
    let who = args.analyst.resolve()?;
    let now = now_ms();
    // Identical changes (same status, same resolved step...) share one durable write.
    let mut groups: BTreeMap<String, (Change, Vec<String>)> = BTreeMap::new();
    for (id, change) in plan {
        let key = serde_json::to_string(&change).map_err(other)?;
        groups.entry(key).or_insert((change, Vec::new())).1.push(id);
    }
    let mut changed = 0;
    for (change, ids) in groups.values() {
        changed += ctx
            .store
            .apply_many(ids, change, &who, now)
            .map_err(other)?;
    }
    let unchanged = targets.len() - changed;
    println!(
        "{changed} alert(s) changed{}",
        if unchanged > 0 {
            format!(", {unchanged} already as asked")
        } else {
            String::new()
        }
    );
    for alert in &targets {
        let t = ctx.store.get(&alert.id);
        println!(
            "  {}  {}  {}",
            alert.id,
            crate::store::change::status_key(t.status),
            t.classification
                .map(crate::store::classification_label)
                .unwrap_or("")
        );
    }
    Ok(0)
}

/// The store change `action` means for `alert`.
fn change_for(
    ctx: &TriageContext,
    alert: &Alert,
    rule: Option<&RuleMeta>,
    action: &AlertAction,
) -> Result<Change> {
    let step_id = |key: &str| -> Result<String> {
        let guide = ctx.guide(alert).ok_or_else(|| {
            VigilError::Other(format!(
                "alert {} ({}) has no guide, so it has no checklist steps",
                alert.id,
                visible(&alert.rule_name)
            ))
        })?;
        guide
            .find_step(key)
            .map(|s| s.id.clone())
            .map_err(|e| VigilError::Other(format!("alert {}: {}", alert.id, visible(&e))))
    };
    Ok(match action {
        AlertAction::Status { status } => {
            Change::SetStatus(parse_status(status).map_err(VigilError::Other)?)
        }
        AlertAction::Classify {
            classification,
            reason,
        } => {
            let classification = parse_classification(classification).map_err(VigilError::Other)?;
            let reason = reason
                .as_deref()
                .map(str::trim)
                .filter(|r| !r.is_empty())
                .map(|r| resolve_reason(rule, r));
            if matches!(classification, Classification::FalsePositive(_)) && reason.is_none() {
                return Err(VigilError::Other(format!(
                    "a false positive needs a reason: add --reason with one of the rule's categories{} or free text",
                    category_list(rule)
                )));
            }
            Change::Classify {
                classification,
                reason,
            }
        }
        AlertAction::Comment { text } => Change::Comment(text.clone()),
        AlertAction::Check { step, note } => Change::CheckStep {
            step: step_id(step)?,
            note: note.clone(),
        },
        AlertAction::Uncheck { step } => Change::UncheckStep {
            step: step_id(step)?,
        },
        AlertAction::Note { step, text } => Change::StepNote {
            step: step_id(step)?,
            note: text.clone(),
        },
    })
}

/// A reason naming one of the rule's false-positive categories (by id or label, any
/// case) becomes that category's id; anything else is kept as free text.
pub fn resolve_reason(rule: Option<&RuleMeta>, reason: &str) -> String {
    let reason = reason.trim();
    rule.and_then(|r| {
        r.false_positives.iter().find(|c| {
            c.id.eq_ignore_ascii_case(reason) || c.label.trim().eq_ignore_ascii_case(reason)
        })
    })
    .map_or_else(|| reason.to_string(), |c| c.id.clone())
}

fn category_list(rule: Option<&RuleMeta>) -> String {
    let ids: Vec<&str> = rule
        .map(|r| r.false_positives.iter().map(|c| c.id.as_str()).collect())
        .unwrap_or_default();
    if ids.is_empty() {
        String::new()
    } else {
        format!(" ({})", visible(&ids.join(", ")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{FpCategory, RuleKind, RuleOrigin, Severity};

    #[test]
    fn reasons_name_categories_by_id_or_label() {
        let rule = RuleMeta {
            id: "r".into(),
            name: "r".into(),
            description: String::new(),
            kind: RuleKind::Sigma,
            origin: RuleOrigin::BuiltIn("r.yml".into()),
            severity: Severity::Low,
            risk_score: 21,
            mitre: vec![],
            guide: None,
            setup: None,
            false_positives: vec![FpCategory {
                id: "it-admin".into(),
                label: "IT helpdesk or administrators creating accounts".into(),
            }],
            tags: vec![],
            references: vec![],
            triage: Default::default(),
        };
        let cases = [
            ("it-admin", "it-admin"),
            ("IT-Admin", "it-admin"),
            (
                " it helpdesk or administrators creating accounts ",
                "it-admin",
            ),
            ("ticket CHG-1234 approved", "ticket CHG-1234 approved"),
            ("it", "it"),
        ];
        for (given, want) in cases {
            assert_eq!(resolve_reason(Some(&rule), given), want, "{given}");
        }
        assert_eq!(resolve_reason(None, "it-admin"), "it-admin");
    }
}
