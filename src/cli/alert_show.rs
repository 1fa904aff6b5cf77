//! `vigil alert ID` without an action: everything known and decided about one alert,
//! as text for the terminal (every event or analyst value made inert by
//! [`visible`]) or as one JSON object per alert.

use crate::cli::alerts_cmd::time_text;
use crate::cli::detect_cmd::now_ms;
use crate::cli::triage_ctx::TriageContext;
use crate::error::Result;
use crate::export::Case;
use crate::model::MitreRef;
use crate::store::change::status_key;
use crate::store::{classification_key, classification_label};
use crate::text::visible;
use crate::triage::pivot::PivotTarget;
use serde_json::{Value, json};
use std::fmt::Write;

pub fn run(ctx: &TriageContext, ids: &[String], as_json: bool) -> Result<i32> {
    let targets = ctx.find_all(ids)?;
    let searcher = ctx.ws.searcher()?;
    let all = ctx.all_alerts();
    let now = now_ms();
    for (i, alert) in targets.into_iter().enumerate() {
        let case = ctx.case(&searcher, alert, &all, now)?;
        if as_json {
            println!("{}", case_json(&case));
        } else {
            if i > 0 {
                println!();
            }
            print!("{}", case_text(&case));
        }
    }
    Ok(0)
}

/// The facts of a case as one JSON object (the alert record as stored, rule, checklist
/// with pivot counts, disposition, comments, audit trail, process tree).
pub fn case_json(case: &Case) -> Value {
    let t = &case.triage;
    let done = case.checklist.iter().filter(|s| s.done).count();
    json!({
        "id": case.alert.id,
        "time": time_text(case.alert.timestamp_ms),
        "alert": case.alert,
        "rule": case.rule.as_ref().map(|r| json!({
            "id": r.id,
            "name": r.name,
            "kind": r.kind,
            "severity": r.severity,
            "risk_score": r.risk_score,
            "false_positives": r.false_positives,
        })),
        "key_fields": case.key_fields.iter().map(|(k, v)| json!({"field": k, "value": v})).collect::<Vec<_>>(),
        "status": status_key(t.status),
        "classification": t.classification.map(classification_key),
        "reason": t.reason,
        "reason_label": case.reason_text(),
        "exception_id": t.exception_id,
        "checklist": {"done": done, "steps": case.checklist.len()},
        "steps": case.checklist,
        "comments": t.comments,
        "audit": t.audit,
        "process_tree": case.process_tree,
    })
}

/// The case as terminal text.
pub fn case_text(case: &Case) -> String {
    let mut out = String::new();
    let a = &case.alert;
    let v = |s: &str| visible(s).into_owned();
    let opt = |s: Option<&str>| s.map_or_else(|| "-".to_string(), |s| visible(s).into_owned());
    let _ = writeln!(out, "Alert     {}", v(&a.id));
    let _ = writeln!(out, "Rule      {} ({})", v(&a.rule_name), v(&a.rule_id));
    let _ = writeln!(
        out,
        "Severity  {} (risk {})",
        a.severity.as_str(),
        a.risk_score
    );
    for m in &a.mitre {
        let _ = writeln!(out, "MITRE     {}", mitre_text(m));
    }
    let _ = writeln!(out, "Time      {} UTC", time_text(a.timestamp_ms));
    let _ = writeln!(out, "Host      {}", opt(a.host.as_deref()));
    let _ = writeln!(out, "User      {}", opt(a.user.as_deref()));
    if let Some(p) = &a.process {
        let pid = p.pid.map(|n| format!(" (pid {n})")).unwrap_or_default();
        let _ = writeln!(
            out,
            "Process   {}{pid}  {}",
            opt(p.name.as_deref()),
            opt(p.executable.as_deref())
        );
        if let Some(c) = &p.command_line {
            let _ = writeln!(out, "  command {}", v(c));
        }
        if p.parent_name.is_some() || p.parent_executable.is_some() {
            let _ = writeln!(
                out,
                "Parent    {}  {}",
                opt(p.parent_name.as_deref()),
                opt(p.parent_executable.as_deref())
            );
        }
        if let Some(c) = &p.parent_command_line {
            let _ = writeln!(out, "  command {}", v(c));
        }
    }
    if let Some(s) = &a.suppressed_by {
        let _ = writeln!(out, "Suppressed by exception {}", v(s));
    }
    if !a.fields.is_empty() {
        out.push_str("\nExtracted fields\n");
        for (k, val) in &a.fields {
            let _ = writeln!(out, "  {} = {}", v(k), v(val));
        }
    }
    if !a.fp_suggestions.is_empty() {
        out.push_str("\nFalse-positive suggestions\n");
        for s in &a.fp_suggestions {
            let _ = writeln!(out, "  {}  ({})", v(&s.category), v(&s.evidence));
        }
    }
    if let Some(r) = case.rule.as_ref().filter(|r| !r.false_positives.is_empty()) {
        out.push_str("\nFalse-positive categories (classify fp --reason ID)\n");
        for c in &r.false_positives {
            let _ = writeln!(out, "  {:<24} {}", v(&c.id), v(&c.label));
        }
    }
    disposition(&mut out, case);
    checklist(&mut out, case);
    let t = &case.triage;
    if !t.comments.is_empty() {
        out.push_str("\nComments\n");
        for c in &t.comments {
            let _ = writeln!(out, "  {} {}: {}", time_text(c.at_ms), v(&c.by), v(&c.text));
        }
    }
    if !t.audit.is_empty() {
        out.push_str("\nAudit trail\n");
        for e in &t.audit {
            let _ = writeln!(
                out,
                "  {} {}: {} {} -> {}",
                time_text(e.at_ms),
                v(&e.by),
                v(&e.what),
                opt(e.from.as_deref()),
                opt(e.to.as_deref())
            );
        }
    }
    if let Some(tree) = &case.process_tree {
        out.push_str("\nProcess tree\n");
        for line in tree.lines() {
            let _ = writeln!(out, "  {}", v(line));
        }
    }
    out
}

fn disposition(out: &mut String, case: &Case) {
    let t = &case.triage;
    let _ = writeln!(out, "\nStatus    {}", status_key(t.status));
    if let Some(c) = t.classification {
        let _ = writeln!(out, "Decision  {}", classification_label(c));
    }
    if let Some(r) = case.reason_text() {
        let _ = writeln!(out, "Reason    {}", visible(&r));
    }
    if let Some(e) = &t.exception_id {
        let _ = writeln!(out, "Closed by exception {}", visible(e));
    }
}

fn checklist(out: &mut String, case: &Case) {
    if case.checklist.is_empty() {
        return;
    }
    let done = case.checklist.iter().filter(|s| s.done).count();
    let _ = writeln!(
        out,
        "\nChecklist ({done}/{} done; `vigil alert ID check N`)",
        case.checklist.len()
    );
    for (i, s) in case.checklist.iter().enumerate() {
        let mark = if s.done { 'x' } else { ' ' };
        let _ = writeln!(
            out,
            "  {:>2}. [{mark}] {}  {}",
            i + 1,
            visible(&s.text),
            visible(&s.id)
        );
        if let (Some(by), Some(at)) = (&s.by, s.at_ms) {
            let _ = writeln!(out, "        by {} at {}", visible(by), time_text(at));
        }
        if let Some(n) = &s.note {
            let _ = writeln!(out, "        note: {}", visible(n));
        }
        for p in &s.pivots {
            let what = match p.target {
                PivotTarget::Alerts => "alerts",
                PivotTarget::Events => "events",
            };
            let count = p
                .count
                .map_or_else(|| "not counted".to_string(), |c| format!("{c} {what}"));
            let _ = writeln!(out, "        pivot: {}: {count}", visible(&p.label));
            if let Some(q) = &p.query {
                let _ = writeln!(out, "          query: {}", visible(q));
            }
        }
    }
}

fn mitre_text(m: &MitreRef) -> String {
    let pair = |id: &Option<String>, name: &Option<String>| match (id, name) {
        (Some(i), Some(n)) => Some(format!("{} {}", visible(i), visible(n))),
        (Some(i), None) => Some(visible(i).into_owned()),
        (None, Some(n)) => Some(visible(n).into_owned()),
        (None, None) => None,
    };
    [
        pair(&m.tactic_id, &m.tactic_name),
        pair(&m.technique_id, &m.technique_name),
        pair(&m.subtechnique_id, &m.subtechnique_name),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" / ")
}
