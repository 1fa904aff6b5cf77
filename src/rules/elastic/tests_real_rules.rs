//! Real published rules from ../shared/rules/elastic, run on events shaped like the
//! Winlogbeat / Elastic integrations output: the KQL traps they rely on (escaped
//! Windows paths inside wildcards, `?` in wildcard values, arrays, `not` on missing
//! fields) must give the verdict Elasticsearch gives.

use super::{ElasticRuleSet, load_rule};
use crate::model::{Event, RuleOrigin};
use crate::rules::api::{CompiledRuleSet, RuleMatch};
use crate::testutil::shared_dir;
use serde_json::{Value, json};

fn load_shared(rel: &str) -> Option<ElasticRuleSet> {
    let Some(shared) = shared_dir() else {
        eprintln!("notice: ../shared is absent; skipping {rel}");
        return None;
    };
    let path = shared.join("rules/elastic/rules").join(rel);
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    let rule = load_rule(RuleOrigin::File(path), rel, &text).unwrap_or_else(|d| panic!("{d:?}"));
    Some(ElasticRuleSet::new(vec![rule]))
}

fn run(set: &ElasticRuleSet, docs: &[(i64, Value)]) -> Vec<RuleMatch> {
    let mut ev = set.evaluator();
    let mut out = Vec::new();
    for (i, (ts, doc)) in docs.iter().enumerate() {
        let e = Event {
            id: format!("e{i}"),
            timestamp_ms: *ts,
            doc: doc.clone(),
            original: String::new(),
        };
        ev.on_event(&e, &mut out);
    }
    ev.finish(&mut out);
    out
}

fn fired_ids(out: &[RuleMatch]) -> Vec<String> {
    out.iter().map(|m| m.events[0].0.clone()).collect()
}

fn enum_event(caller: &str, subject: &str, host: &str) -> Value {
    json!({
        "host": {"os": {"type": "windows"}, "id": host},
        "event": {"category": ["iam"], "action": "user-member-enumerated", "code": "4799"},
        "group": {"name": "Administrators"},
        "winlog": {"event_data": {
            "TargetSid": "S-1-5-32-544",
            "SubjectUserName": subject,
            "CallerProcessName": caller
        }}
    })
}

#[test]
fn privileged_group_enumeration_new_terms_with_escaped_paths() {
    let Some(set) = load_shared("windows/discovery_privileged_localgroup_membership.toml") else {
        return;
    };
    let day = 86_400_000;
    let docs = vec![
        // Excluded callers: the rule writes them as `*\:\\\\Windows\\\\System32\\\\X.exe`.
        (
            0,
            enum_event("C:\\Windows\\System32\\VSSVC.exe", "alice", "h1"),
        ),
        (
            1,
            enum_event("C:\\Program Files (x86)\\Tool\\tool.exe", "alice", "h1"),
        ),
        (
            2,
            enum_event(
                "C:\\Windows\\System32\\spool\\drivers\\x64\\3\\x3jobt3a.exe",
                "alice",
                "h1",
            ),
        ),
        // Machine accounts are excluded with `*$`.
        (3, enum_event("C:\\Users\\bob\\evil.exe", "WKS01$", "h1")),
        // Fires: an unusual caller, first time for this host/user/process.
        (4, enum_event("C:\\Users\\bob\\evil.exe", "bob", "h1")),
        // Same terms a day later: known.
        (day, enum_event("C:\\Users\\bob\\evil.exe", "bob", "h1")),
        // Different host: new terms.
        (day + 1, enum_event("C:\\Users\\bob\\evil.exe", "bob", "h2")),
    ];
    let out = run(&set, &docs);
    assert_eq!(fired_ids(&out), ["e4", "e6"]);
    assert_eq!(out[0].fields["new_terms.host.id"], "h1");
}

#[test]
fn net_command_via_system_kql() {
    let Some(set) = load_shared("windows/discovery_net_command_system_account.toml") else {
        return;
    };
    let proc = |name: &str, parent: &str, user: &str| {
        json!({
            "event": {"category": ["process"], "type": ["start"]},
            "process": {"name": name, "parent": {"name": parent}},
            "user": {"name": user}
        })
    };
    let docs = vec![
        (0, proc("net.exe", "cmd.exe", "SYSTEM")),
        (1, proc("net1.exe", "net.exe", "SYSTEM")),
        (2, proc("net1.exe", "svchost.exe", "SYSTEM")),
        (3, proc("whoami.exe", "cmd.exe", "alice")),
        (4, proc("whoami.exe", "cmd.exe", "system")),
    ];
    assert_eq!(fired_ids(&run(&set, &docs)), ["e0", "e2"]);
}

#[test]
fn o365_sso_errors_threshold() {
    let Some(set) =
        load_shared("integrations/o365/credential_access_user_excessive_sso_logon_errors.toml")
    else {
        return;
    };
    let err = |user: &str| {
        json!({
            "event": {"dataset": "o365.audit", "provider": "AzureActiveDirectory", "category": ["authentication"]},
            "o365": {"audit": {"LogonError": "SsoArtifactInvalidOrExpired"}},
            "user": {"id": user}
        })
    };
    let min = 60_000;
    let mut docs: Vec<(i64, Value)> = (0..5).map(|i| (i * min, err("u1"))).collect();
    // Four errors for u2 within the 20 minute window: under the threshold of 5.
    docs.extend((0..4).map(|i| (i * min, err("u2"))));
    // Five for u3, but spread over 25 minutes: never five within 20.
    docs.extend((0..5).map(|i| (i * 6 * min, err("u3"))));
    let out = run(&set, &docs);
    assert_eq!(out.len(), 1, "{out:?}");
    assert_eq!(out[0].fields["threshold_result.terms.user.id"], "u1");
    assert_eq!(out[0].fields["threshold_result.count"], "5");
}

#[test]
fn dcsync_backdoor_kql_and_within_a_value_list() {
    let Some(set) = load_shared("windows/credential_access_dcsync_user_backdoor.toml") else {
        return;
    };
    let ace = |v: &str| {
        json!({
            "event": {"code": "5136"},
            "winlog": {"event_data": {"AttributeLDAPDisplayName": "nTSecurityDescriptor", "AttributeValue": v}}
        })
    };
    let all = "(OA;;CR;1131f6ad-9c07-11d1-f79f-00c04fc2dcd2;;S-1-5-21-1)(OA;;CR;1131f6aa-9c07-11d1-f79f-00c04fc2dcd2;;S-1-5-21-1)(OA;;CR;89e95b76-444d-4c62-991a-0facbeda640c;;S-1-5-21-1)";
    let partial = "(OA;;CR;1131f6ad-9c07-11d1-f79f-00c04fc2dcd2;;S-1-5-21-1)";
    let out = run(&set, &[(0, ace(all)), (1, ace(partial))]);
    assert_eq!(fired_ids(&out), ["e0"]);
}
