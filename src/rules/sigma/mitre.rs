//! ATT&CK vocabulary for Sigma `attack.*` tags: tactic ids and names, and the names of
//! the techniques the built-in pack uses.
//!
//! Sigma tags name tactics by slug (`attack.persistence`) and techniques by id
//! (`attack.t1136.001`); alerts show both ids and names.

use crate::model::MitreRef;

/// (slug used in Sigma tags, tactic id, display name)
const TACTICS: &[(&str, &str, &str)] = &[
    ("reconnaissance", "TA0043", "Reconnaissance"),
    ("resource_development", "TA0042", "Resource Development"),
    ("initial_access", "TA0001", "Initial Access"),
    ("execution", "TA0002", "Execution"),
    ("persistence", "TA0003", "Persistence"),
    ("privilege_escalation", "TA0004", "Privilege Escalation"),
    ("defense_evasion", "TA0005", "Defense Evasion"),
    ("stealth", "TA0005", "Defense Evasion"),
    ("credential_access", "TA0006", "Credential Access"),
    ("discovery", "TA0007", "Discovery"),
    ("lateral_movement", "TA0008", "Lateral Movement"),
    ("collection", "TA0009", "Collection"),
    ("command_and_control", "TA0011", "Command and Control"),
    ("exfiltration", "TA0010", "Exfiltration"),
    ("impact", "TA0040", "Impact"),
];

/// Technique names for the techniques of the built-in account-creation pack.
const TECHNIQUES: &[(&str, &str)] = &[
    ("T1136", "Create Account"),
    ("T1136.001", "Local Account"),
    ("T1136.002", "Domain Account"),
    ("T1136.003", "Cloud Account"),
    ("T1098", "Account Manipulation"),
    ("T1564", "Hide Artifacts"),
    ("T1564.002", "Hidden Users"),
    ("T1078", "Valid Accounts"),
    ("T1078.003", "Local Accounts"),
];

pub fn technique_name(id: &str) -> Option<String> {
    TECHNIQUES
        .iter()
        .find(|(t, _)| t.eq_ignore_ascii_case(id))
        .map(|(_, n)| n.to_string())
}

fn tactic(tag: &str) -> Option<(&'static str, &'static str)> {
    let t = tag.to_ascii_lowercase().replace('-', "_");
    TACTICS
        .iter()
        .find(|(slug, id, _)| *slug == t || id.eq_ignore_ascii_case(&t))
        .map(|(_, id, name)| (*id, *name))
}

/// Builds MITRE references from a rule's tags: one per technique (with the rule's first
/// tactic), or one per tactic when no technique is tagged.
pub fn from_tags(tags: &[String]) -> Vec<MitreRef> {
    let mut tactics = Vec::new();
    let mut techniques: Vec<String> = Vec::new();
    for tag in tags {
        let Some(rest) = tag.strip_prefix("attack.") else {
            continue;
        };
        let upper = rest.to_ascii_uppercase();
        if upper.starts_with('T')
            && upper[1..]
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_digit())
        {
            if !techniques.contains(&upper) {
                techniques.push(upper);
            }
        } else if let Some(t) = tactic(rest)
            && !tactics.contains(&t)
        {
            tactics.push(t);
        }
    }
    let first = tactics.first().copied();
    let mut out: Vec<MitreRef> = Vec::new();
    for tech in &techniques {
        let (technique, sub) = match tech.split_once('.') {
            Some((t, _)) => (t.to_string(), Some(tech.clone())),
            None => (tech.clone(), None),
        };
        // A parent technique tagged alongside its subtechnique is already covered.
        if sub.is_none()
            && techniques
                .iter()
                .any(|o| o.starts_with(&format!("{technique}.")))
        {
            continue;
        }
        out.push(MitreRef {
            tactic_id: first.map(|t| t.0.to_string()),
            tactic_name: first.map(|t| t.1.to_string()),
            technique_name: technique_name(&technique),
            technique_id: Some(technique),
            subtechnique_name: sub.as_deref().and_then(technique_name),
            subtechnique_id: sub,
        });
    }
    if out.is_empty() {
        out = tactics
            .iter()
            .map(|(id, name)| MitreRef {
                tactic_id: Some(id.to_string()),
                tactic_name: Some(name.to_string()),
                ..Default::default()
            })
            .collect();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_to_refs() {
        let tags: Vec<String> = [
            "attack.persistence",
            "attack.t1136.001",
            "attack.t1136",
            "detection.threat-hunting",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let refs = from_tags(&tags);
        assert_eq!(refs.len(), 1);
        assert_eq!(refs[0].tactic_id.as_deref(), Some("TA0003"));
        assert_eq!(refs[0].technique_id.as_deref(), Some("T1136"));
        assert_eq!(refs[0].technique_name.as_deref(), Some("Create Account"));
        assert_eq!(refs[0].subtechnique_id.as_deref(), Some("T1136.001"));
        assert_eq!(refs[0].subtechnique_name.as_deref(), Some("Local Account"));
        let only_tactic = from_tags(&["attack.privilege-escalation".to_string()]);
        assert_eq!(
            only_tactic[0].tactic_name.as_deref(),
            Some("Privilege Escalation")
        );
    }
}
