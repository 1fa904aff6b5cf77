//! The shared-item path (hash-consed tests, per-event memo) against the plain evaluation
//! of each rule, on hand-written rules whose items repeat across rules with small
//! differences (case, modifiers, field, `all`, `neq`, keywords, `fieldref`, filters).

use super::eval::{self, EventCtx};
use super::fieldmap;
use super::load::load_file;
use super::logsource::DocFacts;
use super::ruleset::SigmaRuleSet;
use crate::model::RuleOrigin;
use serde_json::{Value, json};
use std::path::PathBuf;

const RULES: &[&str] = &[
    "title: a\nid: a\nlogsource: {product: windows, category: process_creation}\ndetection:\n  sel: {Image|endswith: ['\\net.exe', '\\net1.exe']}\n  condition: sel\n",
    "title: b\nid: b\nlogsource: {product: windows, category: process_creation}\ndetection:\n  sel: {Image|endswith: ['\\net.exe', '\\net1.exe']}\n  cmd: {CommandLine|contains: ' user '}\n  condition: sel and cmd\n",
    "title: c\nid: c\nlogsource: {product: windows, category: process_creation}\ndetection:\n  sel: {Image|endswith|cased: ['\\net.exe', '\\net1.exe']}\n  condition: sel\n",
    "title: d\nid: d\nlogsource: {product: windows, category: process_creation}\ndetection:\n  sel: {ParentImage|endswith: ['\\net.exe', '\\net1.exe']}\n  condition: not sel\n",
    "title: e\nid: e\nlogsource: {product: windows, category: process_creation}\ndetection:\n  sel: {CommandLine|contains|all: [' user ', '/add']}\n  condition: sel\n",
    "title: f\nid: f\nlogsource: {product: windows, category: process_creation}\ndetection:\n  sel: {CommandLine|contains: [' user ', '/add']}\n  condition: sel\n",
    "title: g\nid: g\nlogsource: {product: windows, category: process_creation}\ndetection:\n  sel: {Image|neq: 'C:\\Windows\\System32\\net.exe'}\n  condition: sel\n",
    "title: h\nid: h\nlogsource: {product: windows}\ndetection:\n  keywords: ['user', 'mimikatz']\n  condition: keywords\n",
    "title: i\nid: i\nlogsource: {product: windows}\ndetection:\n  keywords: ['USER']\n  condition: keywords\n",
    "title: j\nid: j\nlogsource: {product: windows, category: process_creation}\ndetection:\n  sel: {ParentProcessId|fieldref: ProcessId}\n  condition: sel\n",
    "title: k\nid: k\nlogsource: {product: windows, category: process_creation}\ndetection:\n  sel: {User|contains: 'admin'}\n  other: {Image|endswith: '\\net.exe'}\n  condition: 1 of them\n",
    "title: l\nid: l\nlogsource: {product: windows, category: process_creation}\ndetection:\n  sel: {Image|re: '(?i)\\\\net1?\\.exe$'}\n  nope: {Image: null}\n  condition: sel or nope\n",
];

fn rule_set() -> SigmaRuleSet {
    let results = RULES
        .iter()
        .enumerate()
        .map(|(i, text)| {
            let name = format!("rule{i}.yml");
            load_file(RuleOrigin::File(PathBuf::from(&name)), &name, text)
        })
        .collect();
    SigmaRuleSet::new(results)
}

fn docs() -> Vec<Value> {
    let sysmon = |image: &str, cmd: &str, parent: &str| {
        json!({"winlog": {"channel": "Microsoft-Windows-Sysmon/Operational",
            "event_data": {"Image": image, "CommandLine": cmd, "ParentImage": parent,
                "ProcessId": "7", "ParentProcessId": "7", "User": "CORP\\Admin"}},
            "event": {"code": "1", "category": ["process"], "type": ["start"]}})
    };
    vec![
        sysmon(
            "C:\\Windows\\System32\\net.exe",
            "net user bob /add",
            "C:\\x\\cmd.exe",
        ),
        sysmon(
            "C:\\Windows\\System32\\NET1.EXE",
            "net1 USER bob",
            "C:\\x\\net.exe",
        ),
        sysmon(
            "C:\\Windows\\System32\\whoami.exe",
            "whoami",
            "C:\\x\\explorer.exe",
        ),
        json!({"winlog": {"channel": "Security", "event_data": {"NewProcessName": "C:\\Windows\\System32\\net.exe",
            "CommandLine": "net user x /add", "SubjectUserName": "admin", "SubjectDomainName": "CORP",
            "NewProcessId": "0x10", "ProcessId": "0x10"}}, "event": {"code": "4688"}}),
        json!({"event": {"category": ["process"], "type": ["start"]}, "host": {"os": {"type": "windows"}},
            "process": {"executable": "C:\\Windows\\System32\\net.exe", "command_line": "net user",
                "pid": 5, "parent": {"pid": 6, "executable": "C:\\x\\net1.exe"}},
            "user": {"name": "Administrator", "domain": "CORP"}}),
        json!({"winlog": {"channel": "System", "event_data": {"Param1": "mimikatz here"}}, "event": {"code": "7045"}}),
    ]
}

/// Rule ids whose detection and filters pass, by the plain path and by the shared one.
fn both(set: &SigmaRuleSet, doc: &Value) -> (Vec<String>, Vec<String>) {
    let facts = DocFacts::of(doc);
    let source = fieldmap::source_kind(doc, facts.channel, facts.code);
    let plain_ctx = EventCtx::new(doc, source);
    let shared_ctx =
        EventCtx::with_buffers(doc, source, Default::default(), false, set.shared().sizes());
    let (mut plain, mut shared) = (Vec::new(), Vec::new());
    for d in 0..set.detection_count() {
        let entry = set.detection(d);
        let id = set.loaded()[entry.rule].meta.id.clone();
        if eval::matches(&entry.compiled.detection, &plain_ctx) {
            plain.push(id.clone());
        }
        // Twice: the second answer comes from the memo.
        for _ in 0..2 {
            if set
                .shared()
                .matches(&entry.compiled.detection.cond, &entry.plan, &shared_ctx)
            {
                shared.push(id.clone());
            }
        }
    }
    shared.dedup();
    (plain, shared)
}

#[test]
fn shared_items_answer_like_the_plain_path() {
    let set = rule_set();
    assert_eq!(set.detection_count(), RULES.len());
    let mut fired = 0;
    for doc in docs() {
        let (plain, shared) = both(&set, &doc);
        assert_eq!(shared, plain, "{doc}");
        fired += plain.len();
    }
    assert!(fired >= 15, "only {fired} matches");
}

#[test]
fn identical_tests_share_one_item_and_different_ones_do_not() {
    let set = rule_set();
    let (items, fields) = set.shared().sizes();
    // Rules a and b share `Image|endswith` (one item); everything else is distinct.
    let written: usize = (0..set.detection_count())
        .map(|d| count(&set.detection(d).plan))
        .sum();
    assert_eq!(written, 15);
    assert_eq!(items, 14);
    // Image, CommandLine, ParentImage, ParentProcessId, User (keywords have no field).
    assert_eq!(fields, 5);
    assert_eq!(set.detection(0).plan, set.detection(1).plan[..1]);
}

fn count(plan: &[super::shared::PlanSearch]) -> usize {
    use super::shared::PlanSearch;
    plan.iter()
        .map(|s| match s {
            PlanSearch::And(ids) => ids.len(),
            PlanSearch::Or(items) => count(items),
        })
        .sum()
}

/// Sigma 2.1 time modifiers through whole rules, by both paths.
#[test]
fn time_modifiers_fire_on_their_hours_only() {
    let texts = [
        "title: late\nid: late\nlogsource: {product: windows}\ndetection:\n  sel: {UtcTime|hour|gte: 22}\n  condition: sel\n",
        "title: march\nid: march\nlogsource: {product: windows}\ndetection:\n  sel: {UtcTime|month: [3, 4]}\n  condition: sel\n",
        "title: notmin\nid: notmin\nlogsource: {product: windows}\ndetection:\n  sel: {UtcTime|minute|neq: 15}\n  condition: sel\n",
        "title: week\nid: week\nlogsource: {product: windows}\ndetection:\n  sel: {UtcTime|week|lte: 10}\n  year: {UtcTime|year: 2026}\n  condition: sel and year\n",
    ];
    let results = texts
        .iter()
        .map(|t| load_file(RuleOrigin::File(PathBuf::from("t.yml")), "t.yml", t))
        .collect();
    let set = SigmaRuleSet::new(results);
    assert_eq!(
        set.detection_count(),
        texts.len(),
        "{:?}",
        set.diagnostics()
    );
    let doc = |ts: &str| {
        json!({"winlog": {"channel": "Microsoft-Windows-Sysmon/Operational",
            "event_data": {"UtcTime": ts}}, "event": {"code": "1"}})
    };
    let cases: &[(&str, &[&str])] = &[
        ("2026-03-02 22:15:00.000", &["late", "march", "week"]),
        ("2026-03-02 21:59:00.000", &["march", "notmin", "week"]),
        ("2026-05-30T23:00:00Z", &["late", "notmin"]),
        ("2025-01-05T23:15:00Z", &["late"]),
        // `neq`: present and not equal; a value that is no timestamp equals nothing.
        ("not a time", &["notmin"]),
    ];
    for (ts, want) in cases {
        let (plain, shared) = both(&set, &doc(ts));
        assert_eq!(shared, plain, "{ts}");
        assert_eq!(plain, *want, "{ts}");
    }
    let bad = load_file(
        RuleOrigin::File(PathBuf::from("b.yml")),
        "b.yml",
        "title: b\nid: b\nlogsource: {product: windows}\ndetection:\n  sel: {UtcTime|hour|contains: 3}\n  condition: sel\n",
    );
    let set = SigmaRuleSet::new(vec![bad]);
    assert_eq!(set.detection_count(), 0);
}
