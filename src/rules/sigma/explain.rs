//! `vigil rules check --explain`: fields a rule tests that cannot exist on the sources its
//! logsource selects, so a rule that would never match says so instead of staying silent.

use super::compile::{CompiledDetection, Search};
use super::load::{LoadedRule, RuleBody};
use super::logsource::{Clause, SYSMON};
use crate::rules::api::RuleStatus;

const PROCESS: &[&str] = &[
    "Image",
    "CommandLine",
    "ParentImage",
    "ParentCommandLine",
    "OriginalFileName",
    "User",
    "ProcessId",
    "ParentProcessId",
    "ProcessGuid",
    "ParentProcessGuid",
    "IntegrityLevel",
    "Hashes",
    "CurrentDirectory",
    "Product",
    "Company",
    "Description",
    "FileVersion",
    "LogonId",
    "LogonGuid",
    "TerminalSessionId",
    "ParentUser",
    "RuleName",
    "UtcTime",
];
const SEC_4688: &[&str] = &[
    "Image",
    "ParentImage",
    "CommandLine",
    "NewProcessName",
    "NewProcessId",
    "ProcessId",
    "ParentProcessName",
    "ParentProcessId",
    "SubjectUserName",
    "SubjectDomainName",
    "SubjectUserSid",
    "SubjectLogonId",
    "TargetUserName",
    "TargetDomainName",
    "TargetUserSid",
    "TargetLogonId",
    "TokenElevationType",
    "MandatoryLabel",
    "IntegrityLevel",
    "User",
    "LogonId",
];
const COMMON: &[&str] = &[
    "EventID",
    "Channel",
    "Provider_Name",
    "Computer",
    "ComputerName",
];

/// Known EventData names of a clause, `None` when the schema is open or unknown.
fn schema(c: &Clause) -> Option<Vec<&'static str>> {
    let Clause::Win { channel, codes } = c else {
        return None;
    };
    if codes.is_empty() {
        return None;
    }
    let mut fields: Vec<&'static str> = Vec::new();
    for code in codes {
        let extra: &[&str] = match (channel.as_str(), code) {
            (SYSMON, 1) => PROCESS,
            ("Security", 4688) => SEC_4688,
            (SYSMON, 3) => &[
                "Image",
                "User",
                "ProcessId",
                "ProcessGuid",
                "Protocol",
                "Initiated",
                "SourceIsIpv6",
                "SourceIp",
                "SourceHostname",
                "SourcePort",
                "SourcePortName",
                "DestinationIsIpv6",
                "DestinationIp",
                "DestinationHostname",
                "DestinationPort",
                "DestinationPortName",
                "RuleName",
                "UtcTime",
            ],
            (SYSMON, 7) => &[
                "Image",
                "ImageLoaded",
                "User",
                "ProcessId",
                "ProcessGuid",
                "Hashes",
                "Signed",
                "Signature",
                "SignatureStatus",
                "OriginalFileName",
                "Product",
                "Company",
                "Description",
                "FileVersion",
                "RuleName",
                "UtcTime",
            ],
            (SYSMON, 11) => &[
                "Image",
                "TargetFilename",
                "User",
                "ProcessId",
                "ProcessGuid",
                "CreationUtcTime",
                "RuleName",
                "UtcTime",
            ],
            (SYSMON, 12..=14) => &[
                "Image",
                "TargetObject",
                "Details",
                "EventType",
                "NewName",
                "User",
                "ProcessId",
                "ProcessGuid",
                "RuleName",
                "UtcTime",
            ],
            (SYSMON, 22) => &[
                "Image",
                "QueryName",
                "QueryStatus",
                "QueryResults",
                "User",
                "ProcessId",
                "ProcessGuid",
                "RuleName",
                "UtcTime",
            ],
            _ => return None,
        };
        fields.extend_from_slice(extra);
    }
    fields.extend_from_slice(COMMON);
    Some(fields)
}

fn fields_of(det: &CompiledDetection, out: &mut Vec<String>) {
    fn walk(s: &Search, out: &mut Vec<String>) {
        match s {
            Search::Or(items) => items.iter().for_each(|i| walk(i, out)),
            Search::And(fields) => {
                for f in fields {
                    if let Some(r) = &f.field
                        && !out.contains(&r.name)
                    {
                        out.push(r.name.clone());
                    }
                }
            }
        }
    }
    det.searches.iter().for_each(|s| walk(s, out));
}

/// Problems that keep `rule` from ever matching, worded for the analyst.
pub fn explain(rule: &LoadedRule) -> Vec<String> {
    let mut out = Vec::new();
    if let RuleStatus::NotEvaluable(why) = &rule.status {
        out.push(format!("not evaluable: {why}"));
    }
    let RuleBody::Detection(d) = &rule.body else {
        return out;
    };
    // Windows channel clauses carry a known schema; ECS clauses are judged through them
    // (the ECS fields are the importer's renderings of the same EventData).
    let win: Vec<&Clause> = d
        .guard
        .clauses
        .iter()
        .filter(|c| matches!(c, Clause::Win { .. }))
        .collect();
    let schemas: Option<Vec<Vec<&str>>> = win.iter().map(|c| schema(c)).collect();
    let Some(schemas) = schemas.filter(|s| !s.is_empty()) else {
        return out;
    };
    let mut fields = Vec::new();
    fields_of(&d.detection, &mut fields);
    for f in fields {
        if f.contains('.') {
            continue;
        }
        if !schemas.iter().any(|s| s.contains(&f.as_str())) {
            out.push(format!(
                "field '{f}' does not exist on the sources this logsource selects ({}); the rule can never match on it",
                d.guard.clauses.iter().map(|c| format!("{c:?}")).collect::<Vec<_>>().join(", ")
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::RuleOrigin;
    use crate::rules::sigma::load_file;

    #[test]
    fn impossible_fields_are_reported() {
        let text = "title: t\nlogsource: {product: windows, category: process_creation}\ndetection:\n  sel: {Image: x, TargetObject: y}\n  condition: sel\n";
        let r = load_file(RuleOrigin::BuiltIn("t".into()), "t", text);
        let lines = explain(&r.rules[0]);
        assert_eq!(lines.len(), 1, "{lines:?}");
        assert!(lines[0].contains("TargetObject"));
        let ok = text.replace("TargetObject", "CommandLine");
        assert!(explain(&load_file(RuleOrigin::BuiltIn("t".into()), "t", &ok).rules[0]).is_empty());
    }
}
