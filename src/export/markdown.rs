//! The Markdown case note. Sections in a fixed order; every value that comes from event
//! data, the rule or the analyst is escaped; the last line is `SHA-256: <hex>` over all
//! bytes above it.

use super::escape::{fenced, md_text};
use super::{Case, iso};
use crate::store::{change::status_key, classification_label};
use crate::triage::guide::SectionKind;
use crate::triage::pivot::PivotTarget;
use sha2::{Digest, Sha256};
use std::fmt::Write;

/// Renders the case note.
pub fn markdown(case: &Case) -> String {
    let mut md = String::new();
    let a = &case.alert;
    let _ = writeln!(md, "# Case notes: {}\n", md_text(&a.rule_name));
    summary(&mut md, case);
    rule(&mut md, case);
    if !case.key_fields.is_empty() {
        md.push_str("## Key event fields\n\n");
        for (k, v) in &case.key_fields {
            let _ = writeln!(md, "- {}: {}", md_text(k), md_text(v));
        }
        md.push('\n');
    }
    if let Some(tree) = &case.process_tree {
        md.push_str("## Process tree\n\n");
        // Lines are structure; anything inside a line is escaped.
        let body: Vec<_> = tree.lines().map(crate::text::visible).collect();
        md.push_str(&fenced(&body.join("\n"), "text"));
        md.push('\n');
    }
    checklist(&mut md, case);
    disposition(&mut md, case);
    comments_and_audit(&mut md, case);
    let digest = hex::encode(Sha256::digest(md.as_bytes()));
    let _ = writeln!(md, "SHA-256: {digest}");
    md
}

fn opt(v: Option<&str>) -> String {
    v.map_or_else(|| "(none)".to_string(), md_text)
}

fn summary(md: &mut String, case: &Case) {
    let a = &case.alert;
    md.push_str("## Alert\n\n");
    let _ = writeln!(md, "- Alert id: {}", md_text(&a.id));
    let _ = writeln!(md, "- Time: {}", iso(a.timestamp_ms));
    let _ = writeln!(
        md,
        "- Severity: {} (risk score {})",
        a.severity, a.risk_score
    );
    let _ = writeln!(md, "- Host: {}", opt(a.host.as_deref()));
    let _ = writeln!(md, "- User: {}", opt(a.user.as_deref()));
    if let Some(p) = &a.process {
        let name = opt(p.name.as_deref().or(p.executable.as_deref()));
        let pid = p.pid.map(|n| format!(" (pid {n})")).unwrap_or_default();
        let _ = writeln!(md, "- Process: {name}{pid}");
        if let Some(cmd) = &p.command_line {
            let _ = writeln!(md, "- Command line: {}", md_text(cmd));
        }
        if let Some(parent) = p.parent_executable.as_deref().or(p.parent_name.as_deref()) {
            let _ = writeln!(md, "- Parent: {}", md_text(parent));
        }
    }
    let _ = writeln!(
        md,
        "- Matched events: {}",
        a.event_ids
            .iter()
            .map(|e| md_text(e))
            .collect::<Vec<_>>()
            .join(", ")
    );
    if let Some(s) = &a.suppressed_by {
        let _ = writeln!(md, "- Suppressed by exception: {}", md_text(s));
    }
    let _ = writeln!(md, "- Notes generated: {}\n", iso(case.generated_at_ms));
}

fn rule(md: &mut String, case: &Case) {
    let a = &case.alert;
    md.push_str("## Rule\n\n");
    let _ = writeln!(md, "- Name: {}", md_text(&a.rule_name));
    let _ = writeln!(md, "- Id: {}", md_text(&a.rule_id));
    if let Some(r) = &case.rule {
        let desc = r
            .description
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        let _ = writeln!(md, "- Description: {}", md_text(&desc));
    }
    if !a.mitre.is_empty() {
        md.push_str("- MITRE ATT&CK:\n");
        for m in &a.mitre {
            let pair = |id: &Option<String>, name: &Option<String>| match (id, name) {
                (Some(i), Some(n)) => Some(format!("{} {}", md_text(i), md_text(n))),
                (Some(i), None) => Some(md_text(i)),
                (None, Some(n)) => Some(md_text(n)),
                (None, None) => None,
            };
            let parts: Vec<String> = [
                pair(&m.tactic_id, &m.tactic_name),
                pair(&m.technique_id, &m.technique_name),
                pair(&m.subtechnique_id, &m.subtechnique_name),
            ]
            .into_iter()
            .flatten()
            .collect();
            let _ = writeln!(md, "  - {}", parts.join(" / "));
        }
    }
    md.push('\n');
}

fn checklist(md: &mut String, case: &Case) {
    if case.checklist.is_empty() {
        return;
    }
    let done = case.checklist.iter().filter(|s| s.done).count();
    let _ = writeln!(
        md,
        "## Investigation checklist ({done}/{} done)\n",
        case.checklist.len()
    );
    for section in [SectionKind::Investigation, SectionKind::Response] {
        let steps: Vec<_> = case
            .checklist
            .iter()
            .filter(|s| s.section == section)
            .collect();
        if steps.is_empty() {
            continue;
        }
        let title = if section == SectionKind::Investigation {
            "Investigation steps"
        } else {
            "Response and remediation"
        };
        let _ = writeln!(md, "### {title}\n");
        for s in steps {
            let mark = if s.done { "x" } else { " " };
            let _ = write!(md, "- [{mark}] {} ({})", md_text(&s.text), md_text(&s.id));
            if let (Some(by), Some(at)) = (&s.by, s.at_ms) {
                let _ = write!(md, " by {} at {}", md_text(by), iso(at));
            }
            md.push('\n');
            if let Some(note) = &s.note {
                let _ = writeln!(md, "  - Note: {}", md_text(note));
            }
            for p in &s.pivots {
                let what = if p.target == PivotTarget::Alerts {
                    "alerts"
                } else {
                    "events"
                };
                let count = p
                    .count
                    .map_or_else(|| "not counted".to_string(), |c| format!("{c} {what}"));
                let _ = writeln!(md, "  - Pivot: {}: {count}", md_text(&p.label));
            }
        }
        md.push('\n');
    }
}

fn disposition(md: &mut String, case: &Case) {
    let t = &case.triage;
    md.push_str("## Disposition\n\n");
    let _ = writeln!(md, "- Status: {}", status_key(t.status));
    let class = t.classification.map_or("(none)", classification_label);
    let _ = writeln!(md, "- Classification: {class}");
    let _ = writeln!(md, "- Reason: {}", opt(case.reason_text().as_deref()));
    if let Some(e) = &t.exception_id {
        let _ = writeln!(md, "- Closed by exception: {}", md_text(e));
    }
    md.push('\n');
}

fn comments_and_audit(md: &mut String, case: &Case) {
    let t = &case.triage;
    if !t.comments.is_empty() {
        md.push_str("## Comments\n\n");
        for c in &t.comments {
            let _ = writeln!(
                md,
                "- {} {}: {}",
                iso(c.at_ms),
                md_text(&c.by),
                md_text(&c.text)
            );
        }
        md.push('\n');
    }
    if !t.audit.is_empty() {
        md.push_str("## Audit trail\n\n");
        for e in &t.audit {
            let _ = writeln!(
                md,
                "- {} {}: {} {} -> {}",
                iso(e.at_ms),
                md_text(&e.by),
                md_text(&e.what),
                opt(e.from.as_deref()),
                opt(e.to.as_deref())
            );
        }
        md.push('\n');
    }
}
