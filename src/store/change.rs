//! The changes an analyst makes to one alert, and how each turns into new state plus
//! audit entries. Pure functions: the journal replays them to rebuild state.

use crate::model::triage::{
    AlertTriage, AuditEntry, Classification, Comment, FalsePositiveKind, Status, StepState,
};
use serde::{Deserialize, Serialize};

/// One change to an alert's triage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    /// Open / acknowledge / close. Leaving `Closed` clears classification, reason and
    /// exception (as Elastic removes the closing reason on reopen).
    SetStatus(Status),
    /// Closes the alert with a classification and an optional reason (a rule's
    /// `FpCategory::id` or free text).
    Classify {
        classification: Classification,
        reason: Option<String>,
    },
    Comment(String),
    /// Ticks a step; `note` replaces the step's note when given.
    CheckStep {
        step: String,
        note: Option<String>,
    },
    UncheckStep {
        step: String,
    },
    /// Sets or clears a step's note without changing its tick.
    StepNote {
        step: String,
        note: Option<String>,
    },
    /// Closes an open alert because an exception matches it. Alerts the analyst already
    /// closed are left as they are.
    CloseByException {
        exception_id: String,
        classification: Classification,
        reason: Option<String>,
    },
}

const MAX_TEXT: usize = 64 * 1024;

impl Change {
    /// Rejects changes that make no sense, with a message saying how to fix them.
    pub fn validate(&self) -> Result<(), String> {
        let text_ok = |what: &str, t: &str| {
            if t.trim().is_empty() {
                Err(format!("the {what} is empty: type some text"))
            } else if t.len() > MAX_TEXT {
                Err(format!(
                    "the {what} is {} bytes long; keep it under {MAX_TEXT} bytes",
                    t.len()
                ))
            } else {
                Ok(())
            }
        };
        match self {
            Change::Comment(t) => text_ok("comment", t),
            Change::CheckStep { step, note } | Change::StepNote { step, note } => {
                text_ok("step id", step)?;
                note.as_deref().map_or(Ok(()), |n| {
                    if n.len() > MAX_TEXT {
                        text_ok("step note", n)
                    } else {
                        Ok(())
                    }
                })
            }
            Change::UncheckStep { step } => text_ok("step id", step),
            Change::Classify { reason, .. } => {
                reason.as_deref().map_or(Ok(()), |r| text_ok("reason", r))
            }
            Change::CloseByException { exception_id, .. } => text_ok("exception id", exception_id),
            Change::SetStatus(_) => Ok(()),
        }
    }
}

/// Applies `change` made by `who` at `at_ms`; returns false (and leaves `t` untouched)
/// when it changes nothing.
pub fn apply(t: &mut AlertTriage, change: &Change, who: &str, at_ms: i64) -> bool {
    let before = t.audit.len();
    let mut audit = |what: &str, from: Option<String>, to: Option<String>| {
        if from != to {
            t.audit.push(AuditEntry {
                by: who.to_string(),
                at_ms,
                what: what.to_string(),
                from,
                to,
            });
        }
    };
    match change {
        Change::SetStatus(s) => {
            audit(
                "status",
                Some(status_key(t.status).into()),
                Some(status_key(*s).into()),
            );
            if *s != Status::Closed {
                audit(
                    "classification",
                    t.classification.map(|c| classification_key(c).into()),
                    None,
                );
                audit("reason", t.reason.clone(), None);
                audit("exception", t.exception_id.clone(), None);
            }
        }
        Change::Classify {
            classification,
            reason,
        } => {
            audit(
                "status",
                Some(status_key(t.status).into()),
                Some("closed".into()),
            );
            audit(
                "classification",
                t.classification.map(|c| classification_key(c).into()),
                Some(classification_key(*classification).into()),
            );
            audit("reason", t.reason.clone(), reason.clone());
            audit("exception", t.exception_id.clone(), None);
        }
        Change::CloseByException {
            exception_id,
            classification,
            reason,
        } => {
            if t.status == Status::Closed {
                return false;
            }
            audit(
                "status",
                Some(status_key(t.status).into()),
                Some("closed".into()),
            );
            audit(
                "classification",
                t.classification.map(|c| classification_key(c).into()),
                Some(classification_key(*classification).into()),
            );
            audit("reason", t.reason.clone(), reason.clone());
            audit(
                "exception",
                t.exception_id.clone(),
                Some(exception_id.clone()),
            );
        }
        Change::Comment(text) => audit("comment", None, Some(text.clone())),
        Change::CheckStep { step, note } => {
            let old = t.steps.get(step).cloned().unwrap_or_default();
            audit(
                &format!("step:{step}"),
                Some(tick(old.done).into()),
                Some("checked".into()),
            );
            if let Some(n) = note {
                audit(&format!("step:{step}:note"), old.note.clone(), non_blank(n));
            }
        }
        Change::UncheckStep { step } => {
            let old = t.steps.get(step).cloned().unwrap_or_default();
            audit(
                &format!("step:{step}"),
                Some(tick(old.done).into()),
                Some("unchecked".into()),
            );
        }
        Change::StepNote { step, note } => {
            let old = t.steps.get(step).and_then(|s| s.note.clone());
            audit(
                &format!("step:{step}:note"),
                old,
                note.as_deref().and_then(non_blank),
            );
        }
    }
    if t.audit.len() == before {
        return false;
    }
    set_state(t, change, who, at_ms);
    true
}

fn set_state(t: &mut AlertTriage, change: &Change, who: &str, at_ms: i64) {
    let touch_step = |t: &mut AlertTriage, step: &str, f: &dyn Fn(&mut StepState)| {
        let s = t.steps.entry(step.to_string()).or_default();
        f(s);
        s.by = Some(who.to_string());
        s.at_ms = Some(at_ms);
    };
    match change {
        Change::SetStatus(s) => {
            t.status = *s;
            if *s != Status::Closed {
                t.classification = None;
                t.reason = None;
                t.exception_id = None;
            }
        }
        Change::Classify {
            classification,
            reason,
        } => {
            t.status = Status::Closed;
            t.classification = Some(*classification);
            t.reason = reason.clone();
            t.exception_id = None;
        }
        Change::CloseByException {
            exception_id,
            classification,
            reason,
        } => {
            t.status = Status::Closed;
            t.classification = Some(*classification);
            t.reason = reason.clone();
            t.exception_id = Some(exception_id.clone());
        }
        Change::Comment(text) => t.comments.push(Comment {
            by: who.to_string(),
            at_ms,
            text: text.clone(),
        }),
        Change::CheckStep { step, note } => touch_step(t, step, &|s| {
            s.done = true;
            if let Some(n) = note {
                s.note = non_blank(n);
            }
        }),
        Change::UncheckStep { step } => touch_step(t, step, &|s| s.done = false),
        Change::StepNote { step, note } => touch_step(t, step, &|s| {
            s.note = note.as_deref().and_then(non_blank);
        }),
    }
}

fn non_blank(s: &str) -> Option<String> {
    (!s.trim().is_empty()).then(|| s.to_string())
}

fn tick(done: bool) -> &'static str {
    if done { "checked" } else { "unchecked" }
}

pub fn status_key(s: Status) -> &'static str {
    match s {
        Status::Open => "open",
        Status::Acknowledged => "acknowledged",
        Status::Closed => "closed",
    }
}

/// Short stable names used in the audit trail, the CLI and exports.
pub fn classification_key(c: Classification) -> &'static str {
    match c {
        Classification::TruePositive => "true_positive",
        Classification::BenignPositive => "benign_positive",
        Classification::FalsePositive(FalsePositiveKind::IncorrectRuleLogic) => {
            "false_positive:incorrect_rule_logic"
        }
        Classification::FalsePositive(FalsePositiveKind::IncorrectData) => {
            "false_positive:incorrect_data"
        }
        Classification::Duplicate => "duplicate",
        Classification::Undetermined => "undetermined",
    }
}

/// What an analyst reads for a classification.
pub fn classification_label(c: Classification) -> &'static str {
    match c {
        Classification::TruePositive => "True positive",
        Classification::BenignPositive => "Benign positive (expected activity)",
        Classification::FalsePositive(FalsePositiveKind::IncorrectRuleLogic) => {
            "False positive (incorrect rule logic)"
        }
        Classification::FalsePositive(FalsePositiveKind::IncorrectData) => {
            "False positive (incorrect data)"
        }
        Classification::Duplicate => "Duplicate",
        Classification::Undetermined => "Undetermined",
    }
}

/// Parses what a user types on the command line (`tp`, `benign`, `fp`, `fp-data`...).
pub fn parse_classification(s: &str) -> Result<Classification, String> {
    let k = s.trim().to_ascii_lowercase().replace(['-', ' '], "_");
    Ok(match k.as_str() {
        "tp" | "true_positive" => Classification::TruePositive,
        "bp" | "benign" | "benign_positive" => Classification::BenignPositive,
        "fp" | "false_positive" | "fp_logic" | "false_positive:incorrect_rule_logic" => {
            Classification::FalsePositive(FalsePositiveKind::IncorrectRuleLogic)
        }
        "fp_data" | "false_positive:incorrect_data" => {
            Classification::FalsePositive(FalsePositiveKind::IncorrectData)
        }
        "dup" | "duplicate" => Classification::Duplicate,
        "undetermined" | "unknown" => Classification::Undetermined,
        _ => {
            return Err(format!(
                "unknown classification `{s}`: use tp, benign, fp (rule logic), fp-data, duplicate or undetermined"
            ));
        }
    })
}

/// Parses `open`, `ack`/`acknowledged`, `closed`.
pub fn parse_status(s: &str) -> Result<Status, String> {
    match s.trim().to_ascii_lowercase().as_str() {
        "open" | "reopen" => Ok(Status::Open),
        "ack" | "acknowledged" | "in-progress" => Ok(Status::Acknowledged),
        "closed" | "close" => Ok(Status::Closed),
        _ => Err(format!(
            "unknown status `{s}`: use open, acknowledged or closed"
        )),
    }
}
