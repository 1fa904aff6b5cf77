//! The in-memory source's checklist, exceptions and case notes.
//!
//! Guides are read with a small Markdown reader (headings, list items, code fences); steps
//! are the items under "Possible investigation steps" and "Response and remediation".
//! Pivots come from the fixture (`pivots`), attached to the steps whose text contains
//! `step_contains`, with `{{field}}` filled from the alert's event and counted live.

use crate::app::casework::{
    Checklist, ChecklistStep, ExceptionDraft, GuideLine, GuideLineKind, PivotHit, PivotResults,
};
use crate::app::memory_query::{Query, wildcard};
use crate::model::triage::{AlertTriage, Classification, FalsePositiveKind, Status};
use crate::model::{Alert, Event};
use serde::Deserialize;

/// A pivot for the in-memory source: `query` may hold `{{field}}` references to the alert's
/// first event (or `{{host}}`/`{{user}}` of the alert); the window is ± `window_hours`.
#[derive(Debug, Clone, Deserialize)]
pub struct FixturePivot {
    pub rule_id: String,
    pub step_contains: String,
    pub label: String,
    /// `events` or `alerts` (alerts are matched on their JSON: `host:`, `user:`, `rule_name:`).
    pub target: String,
    pub query: String,
    pub window_hours: i64,
}

fn checklist_section(title: &str) -> bool {
    let t = title.trim().trim_end_matches(':').to_ascii_lowercase();
    matches!(
        t.as_str(),
        "possible investigation steps" | "investigation steps" | "response and remediation"
    )
}

fn strip_inline(text: &str) -> String {
    text.replace("**", "").replace('`', "")
}

/// Reads a guide into display lines and (step line index, text, id) triples.
pub fn parse_guide(note: &str) -> (Vec<GuideLine>, Vec<(usize, String, String)>) {
    let mut lines = Vec::new();
    let mut steps = Vec::new();
    let mut in_checklist = false;
    let mut in_code = false;
    let mut prefix = "inv";
    let mut counter = 0;
    for raw in note.lines() {
        let trimmed = raw.trim_start();
        if trimmed.starts_with("```") {
            in_code = !in_code;
            continue;
        }
        if in_code {
            lines.push(GuideLine {
                kind: GuideLineKind::Code,
                text: raw.to_string(),
                depth: 0,
            });
            continue;
        }
        if let Some(h) = trimmed.strip_prefix('#') {
            let level = 1 + h.chars().take_while(|c| *c == '#').count();
            let title = h.trim_start_matches('#').trim().to_string();
            in_checklist = checklist_section(&title);
            if in_checklist {
                prefix = if title.to_ascii_lowercase().starts_with("response") {
                    "resp"
                } else {
                    "inv"
                };
                counter = 0;
            }
            lines.push(GuideLine {
                kind: GuideLineKind::Heading(u8::try_from(level).unwrap_or(6)),
                text: title,
                depth: 0,
            });
            continue;
        }
        let depth = (raw.len() - trimmed.len()) / 2;
        let item = trimmed
            .strip_prefix("- ")
            .or_else(|| trimmed.strip_prefix("* "));
        match item {
            Some(text) if in_checklist => {
                counter += 1;
                let id = format!("{prefix}-{counter}");
                let text = strip_inline(text);
                steps.push((lines.len(), text.clone(), id));
                lines.push(GuideLine {
                    kind: GuideLineKind::Step(steps.len() - 1),
                    text,
                    depth,
                });
            }
            Some(text) => lines.push(GuideLine {
                kind: GuideLineKind::Text,
                text: format!("• {}", strip_inline(text)),
                depth,
            }),
            None if trimmed.is_empty() => {
                lines.push(GuideLine {
                    kind: GuideLineKind::Blank,
                    text: String::new(),
                    depth: 0,
                });
            }
            None => lines.push(GuideLine {
                kind: GuideLineKind::Text,
                text: strip_inline(trimmed),
                depth: 0,
            }),
        }
    }
    (lines, steps)
}

/// Fills `{{field}}` from the event, then `{{host}}`/`{{user}}` from the alert.
fn substitute(template: &str, alert: &Alert, event: Option<&Event>) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let end = after
            .find("}}")
            .ok_or_else(|| format!("unclosed '{{{{' in pivot '{template}'"))?;
        let field = after[..end].trim();
        let value = match field {
            "host" => alert.host.clone(),
            "user" => alert.user.clone(),
            f => event
                .and_then(|e| e.str_field(f).map(str::to_string))
                .or_else(|| match f {
                    "host.name" => alert.host.clone(),
                    "user.name" => alert.user.clone(),
                    _ => None,
                }),
        };
        let value = value.ok_or_else(|| format!("this alert has no value for {field}"))?;
        out.push('"');
        out.push_str(&value.replace('"', ""));
        out.push('"');
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    Ok(out)
}

pub struct Ctx<'a> {
    pub alerts: &'a [Alert],
    pub events: &'a [Event],
    pub pivots: &'a [FixturePivot],
}

fn resolve(p: &FixturePivot, alert: &Alert, event: Option<&Event>, ctx: &Ctx) -> PivotHit {
    let window = p.window_hours.saturating_mul(3_600_000);
    let (from, to) = (alert.timestamp_ms - window, alert.timestamp_ms + window);
    let query_text = match substitute(&p.query, alert, event) {
        Ok(q) => q,
        Err(e) => {
            return PivotHit {
                label: p.label.clone(),
                count: Err(e),
                results: None,
            };
        }
    };
    let query = match Query::parse(&query_text) {
        Ok(q) => q,
        Err(e) => {
            return PivotHit {
                label: p.label.clone(),
                count: Err(e),
                results: None,
            };
        }
    };
    let (count, results) = if p.target == "alerts" {
        let ids: Vec<String> = ctx
            .alerts
            .iter()
            .filter(|a| a.id != alert.id && (from..=to).contains(&a.timestamp_ms))
            .filter(|a| serde_json::to_value(a).is_ok_and(|v| query.matches(&v)))
            .map(|a| a.id.clone())
            .collect();
        (ids.len(), PivotResults::Alerts(ids))
    } else {
        let n = ctx
            .events
            .iter()
            .filter(|e| (from..=to).contains(&e.timestamp_ms) && query.matches(&e.doc))
            .count();
        (
            n,
            PivotResults::Events {
                query: query_text,
                from_ms: Some(from),
                to_ms: Some(to),
            },
        )
    };
    PivotHit {
        label: p.label.clone(),
        count: Ok(count),
        results: Some(results),
    }
}

pub fn checklist(guide: &str, alert: &Alert, event: Option<&Event>, ctx: &Ctx) -> Checklist {
    let (lines, raw_steps) = parse_guide(guide);
    let steps = raw_steps
        .into_iter()
        .map(|(_, text, id)| {
            let lower = text.to_lowercase();
            let pivots = ctx
                .pivots
                .iter()
                .filter(|p| {
                    p.rule_id == alert.rule_id && lower.contains(&p.step_contains.to_lowercase())
                })
                .map(|p| resolve(p, alert, event, ctx))
                .collect();
            ChecklistStep { id, text, pivots }
        })
        .collect();
    Checklist { lines, steps }
}

pub fn draft_from(alert: &Alert, triage: &AlertTriage) -> ExceptionDraft {
    let p = alert.process.as_ref();
    let classification = match triage.classification {
        Some(c @ (Classification::FalsePositive(_) | Classification::BenignPositive)) => c,
        _ => Classification::FalsePositive(FalsePositiveKind::IncorrectRuleLogic),
    };
    ExceptionDraft {
        rule_id: Some(alert.rule_id.clone()),
        host: alert.host.clone(),
        user: alert.user.clone(),
        parent_executable: p.and_then(|p| p.parent_executable.clone()),
        executable: p.and_then(|p| p.executable.clone()),
        command_line: p
            .and_then(|p| p.command_line.as_deref())
            .map(command_pattern),
        classification,
        reason: triage
            .reason
            .clone()
            .or_else(|| alert.fp_suggestions.first().map(|s| s.category.clone())),
        comment: None,
        expires_ms: None,
        source_alert: Some(alert.id.clone()),
    }
}

/// Keeps the command's program and switches, wildcarding what varies (names, passwords).
pub fn command_pattern(cmd: &str) -> String {
    let parts: Vec<String> = cmd
        .split_whitespace()
        .enumerate()
        .map(|(i, w)| {
            if i == 0 || w.starts_with('/') || w.starts_with('-') || w.len() <= 4 {
                w.to_string()
            } else {
                "*".to_string()
            }
        })
        .collect();
    let mut out: Vec<String> = Vec::new();
    for p in parts {
        if !(p == "*" && out.last().is_some_and(|l| l == "*")) {
            out.push(p);
        }
    }
    out.join(" ")
}

fn field_matches(pattern: Option<&str>, value: Option<&str>) -> bool {
    match pattern {
        None => true,
        Some(p) => value.is_some_and(|v| wildcard(&p.to_lowercase(), &v.to_lowercase())),
    }
}

pub fn matches(d: &ExceptionDraft, a: &Alert) -> bool {
    let p = a.process.as_ref();
    d.rule_id.as_deref().is_none_or(|r| r == a.rule_id)
        && field_matches(d.host.as_deref(), a.host.as_deref())
        && field_matches(d.user.as_deref(), a.user.as_deref())
        && field_matches(
            d.parent_executable.as_deref(),
            p.and_then(|p| p.parent_executable.as_deref()),
        )
        && field_matches(
            d.executable.as_deref(),
            p.and_then(|p| p.executable.as_deref()),
        )
        && field_matches(
            d.command_line.as_deref(),
            p.and_then(|p| p.command_line.as_deref()),
        )
}

/// Whether the draft has at least one condition besides the rule (an exception for a
/// whole rule is a rule change, not an exception).
pub fn validate(d: &ExceptionDraft) -> Result<(), String> {
    let any = [
        &d.host,
        &d.user,
        &d.parent_executable,
        &d.executable,
        &d.command_line,
    ]
    .iter()
    .any(|f| f.is_some());
    if any {
        Ok(())
    } else {
        Err("an exception needs a condition besides the rule: set host, user, an executable or a command line".into())
    }
}

/// One case's notes as Markdown, event data in code spans so it cannot break the layout.
pub fn case_markdown(a: &Alert, t: &AlertTriage, checklist: Option<&Checklist>) -> String {
    let code = |s: &str| format!("`{}`", crate::app::sanitize::sanitize(s).replace('`', "'"));
    let mut md = format!("# Case: {}\n\n", code(&a.rule_name));
    md.push_str(&format!(
        "- Alert: {}\n- Severity: {} (risk {})\n",
        code(&a.id),
        a.severity,
        a.risk_score
    ));
    md.push_str(&format!(
        "- Host: {}\n- User: {}\n",
        code(a.host.as_deref().unwrap_or("-")),
        code(a.user.as_deref().unwrap_or("-"))
    ));
    if let Some(cmd) = a.process.as_ref().and_then(|p| p.command_line.as_deref()) {
        md.push_str(&format!("- Command line: {}\n", code(cmd)));
    }
    let status = match t.status {
        Status::Open => "open",
        Status::Acknowledged => "acknowledged",
        Status::Closed => "closed",
    };
    md.push_str(&format!("- Status: {status}\n"));
    if let Some(c) = t.classification {
        md.push_str(&format!(
            "- Classification: {}\n",
            crate::app::memory::classification_name(c)
        ));
    }
    if let Some(r) = &t.reason {
        md.push_str(&format!("- Reason: {}\n", code(r)));
    }
    if let Some(cl) = checklist {
        md.push_str("\n## Checklist\n\n");
        for s in &cl.steps {
            let done = t.steps.get(&s.id).is_some_and(|st| st.done);
            md.push_str(&format!(
                "- [{}] {}\n",
                if done { "x" } else { " " },
                code(&s.text)
            ));
        }
    }
    md.push_str("\n## Audit trail\n\n");
    for e in &t.audit {
        md.push_str(&format!(
            "- {} {} {}: {} → {}\n",
            crate::app::detail::format_time(e.at_ms),
            code(&e.by),
            e.what,
            code(e.from.as_deref().unwrap_or("-")),
            code(e.to.as_deref().unwrap_or("-"))
        ));
    }
    md
}

/// A file name from an alert id: letters, digits, `-` and `_` only.
pub fn safe_file_name(id: &str) -> String {
    let clean: String = id
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .take(64)
        .collect();
    if clean.is_empty() {
        "alert".into()
    } else {
        clean
    }
}
