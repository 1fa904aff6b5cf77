//! Maps a validated Elastic rule onto vigil's language-independent `RuleMeta`:
//! MITRE threat entries flattened to tactic/technique/subtechnique rows with their
//! names, and the `[vigil]` triage table turned into hints and false-positive
//! categories.

use super::raw::{RawRule, RawThreat, RawVigil};
use crate::model::{FpCategory, MitreRef, RuleKind, RuleMeta, RuleOrigin, Severity, TriageHints};

/// What `load` has already validated, gathered for the mapping.
pub struct MetaParts {
    pub id: String,
    pub name: String,
    pub kind: RuleKind,
    pub origin: RuleOrigin,
    pub severity: Severity,
    pub risk_score: u8,
}

pub fn build_meta(parts: MetaParts, rule: &RawRule, vigil: Option<RawVigil>) -> RuleMeta {
    let vigil = vigil.unwrap_or_default();
    let mut false_positives = vigil.false_positives;
    // The rule's own prose false positives become categories too, after vigil's.
    for (i, text) in rule.false_positives.iter().flatten().enumerate() {
        let label = text.trim();
        if !label.is_empty() {
            false_positives.push(FpCategory {
                id: format!("rule-fp-{}", i + 1),
                label: label.to_string(),
            });
        }
    }
    RuleMeta {
        id: parts.id,
        name: parts.name,
        description: rule
            .description
            .clone()
            .unwrap_or_default()
            .trim()
            .to_string(),
        kind: parts.kind,
        origin: parts.origin,
        severity: parts.severity,
        risk_score: parts.risk_score,
        mitre: rule
            .threat
            .iter()
            .flatten()
            .filter(|t| t.framework.as_deref().is_none_or(|f| f == "MITRE ATT&CK"))
            .flat_map(mitre_rows)
            .collect(),
        guide: rule.note.clone().filter(|n| !n.trim().is_empty()),
        setup: rule.setup.clone().filter(|s| !s.trim().is_empty()),
        false_positives,
        tags: rule.tags.clone().unwrap_or_default(),
        references: rule.references.clone().unwrap_or_default(),
        triage: TriageHints {
            fp_hints: vigil.fp_hints,
            extract: vigil.extract,
            flags: vigil.flags,
            fold_into_parent: vigil.fold_into_parent,
        },
    }
}

/// One row per subtechnique, per technique without subtechniques, or for the bare tactic.
fn mitre_rows(threat: &RawThreat) -> Vec<MitreRef> {
    let tactic = MitreRef {
        tactic_id: threat.tactic.as_ref().and_then(|t| t.id.clone()),
        tactic_name: threat.tactic.as_ref().and_then(|t| t.name.clone()),
        ..MitreRef::default()
    };
    let techniques = threat.technique.as_deref().unwrap_or_default();
    if techniques.is_empty() {
        return vec![tactic];
    }
    let mut rows = Vec::new();
    for tech in techniques {
        let with_tech = MitreRef {
            technique_id: tech.id.clone(),
            technique_name: tech.name.clone(),
            ..tactic.clone()
        };
        let subs = tech.subtechnique.as_deref().unwrap_or_default();
        if subs.is_empty() {
            rows.push(with_tech);
            continue;
        }
        for sub in subs {
            rows.push(MitreRef {
                subtechnique_id: sub.id.clone(),
                subtechnique_name: sub.name.clone(),
                ..with_tech.clone()
            });
        }
    }
    rows
}
