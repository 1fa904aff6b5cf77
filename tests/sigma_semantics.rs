//! Table-driven Sigma detection semantics: modifiers, wildcards, escapes, conditions.

mod sigma_common;
use serde_json::json;
use sigma_common::*;

fn rule(detection: &str) -> String {
    format!(
        "title: t\nid: r1\nlogsource: {{product: windows, category: process_creation}}\ndetection:\n{detection}\n"
    )
}

fn fires(detection: &str, fields: serde_json::Value) -> bool {
    let text = rule(detection);
    let set = set_of(&[&text]);
    !run(&set, &[event("e1", 0, sysmon1(fields))]).is_empty()
}

#[test]
fn modifiers_wildcards_and_conditions() {
    let cl = |s: &str| json!({"CommandLine": s, "Image": "C:\\Windows\\System32\\net.exe", "EventID": 1});
    let cases: Vec<(&str, serde_json::Value, bool)> = vec![
        // plain equality, case-insensitive
        (
            "  sel: {Image: 'c:\\windows\\system32\\NET.EXE'}\n  condition: sel",
            cl(""),
            true,
        ),
        ("  sel: {Image: 'net.exe'}\n  condition: sel", cl(""), false),
        (
            "  sel: {Image|endswith: '\\net.exe'}\n  condition: sel",
            cl(""),
            true,
        ),
        (
            "  sel: {Image|startswith: 'C:\\Windows\\'}\n  condition: sel",
            cl(""),
            true,
        ),
        (
            "  sel: {CommandLine|contains: 'USER'}\n  condition: sel",
            cl("net user bob /add"),
            true,
        ),
        (
            "  sel: {CommandLine|contains|all: ['user', '/add']}\n  condition: sel",
            cl("net user bob /add"),
            true,
        ),
        (
            "  sel: {CommandLine|contains|all: ['user', '/add']}\n  condition: sel",
            cl("net user bob"),
            false,
        ),
        (
            "  sel: {CommandLine|contains: ['localgroup', '/add']}\n  condition: sel",
            cl("net user bob /add"),
            true,
        ),
        // wildcards and escapes
        (
            "  sel: {CommandLine: 'net * /add'}\n  condition: sel",
            cl("net user x /add"),
            true,
        ),
        (
            "  sel: {CommandLine: 'n?t'}\n  condition: sel",
            cl("NET"),
            true,
        ),
        (
            "  sel: {CommandLine: 'a\\*b'}\n  condition: sel",
            cl("a*b"),
            true,
        ),
        (
            "  sel: {CommandLine: 'a\\*b'}\n  condition: sel",
            cl("axxb"),
            false,
        ),
        (
            "  sel: {CommandLine: 'a\\?'}\n  condition: sel",
            cl("ab"),
            false,
        ),
        // cased
        (
            "  sel: {CommandLine|cased: 'Net'}\n  condition: sel",
            cl("net"),
            false,
        ),
        (
            "  sel: {CommandLine|cased: 'Net'}\n  condition: sel",
            cl("Net"),
            true,
        ),
        // regex with flags
        (
            "  sel: {CommandLine|re: 'user\\s+\\w+\\s+/add'}\n  condition: sel",
            cl("net user bob /add"),
            true,
        ),
        (
            "  sel: {CommandLine|re: 'USER'}\n  condition: sel",
            cl("net user"),
            false,
        ),
        (
            "  sel: {CommandLine|re|i: 'USER'}\n  condition: sel",
            cl("net user"),
            true,
        ),
        (
            "  sel: {CommandLine|re|m: '^b$'}\n  condition: sel",
            cl("a\nb\nc"),
            true,
        ),
        (
            "  sel: {CommandLine|re|s: 'a.b'}\n  condition: sel",
            cl("a\nb"),
            true,
        ),
        (
            "  sel: {CommandLine|re: 'a.b'}\n  condition: sel",
            cl("a\nb"),
            false,
        ),
        // windash
        (
            "  sel: {CommandLine|windash|contains: ' -add'}\n  condition: sel",
            cl("net user x /add"),
            true,
        ),
        (
            "  sel: {CommandLine|windash|contains: ' -add'}\n  condition: sel",
            cl("net user x \u{2013}add"),
            true,
        ),
        (
            "  sel: {CommandLine|windash|contains: ' -add'}\n  condition: sel",
            cl("net user x add"),
            false,
        ),
        // base64 family
        (
            "  sel: {CommandLine|base64: 'net user'}\n  condition: sel",
            cl("bmV0IHVzZXI="),
            true,
        ),
        (
            "  sel: {CommandLine|base64offset|contains: 'http://'}\n  condition: sel",
            cl("powershell -e SQBFAFgAIABodHRwOi8v"),
            true,
        ),
        (
            "  sel: {CommandLine|base64offset|contains: 'http://'}\n  condition: sel",
            cl("powershell -e SQBFAFgAIABmdHA6Ly8="),
            false,
        ),
        (
            "  sel: {CommandLine|base64offset|contains: 'http://'}\n  condition: sel",
            cl("xx aHR0cDovL2V4YW1wbGU="),
            true,
        ),
        (
            "  sel: {CommandLine|wide|base64offset|contains: 'IEX'}\n  condition: sel",
            cl("powershell -enc SQBFAFgAIAAoAE4AZQB3AC0A"),
            true,
        ),
        (
            "  sel: {CommandLine|utf16le|base64offset|contains: 'IEX'}\n  condition: sel",
            cl("powershell -enc SQBFAFgAIAAoAE4AZQB3AC0A"),
            true,
        ),
        (
            "  sel: {CommandLine|utf16be|base64offset|contains: 'IEX'}\n  condition: sel",
            cl("AEkARQBY"),
            true,
        ),
        (
            "  sel: {CommandLine|utf16|base64: 'A'}\n  condition: sel",
            cl("//5BAA=="),
            true,
        ),
        // numbers: lenient
        ("  sel: {EventID: 1}\n  condition: sel", cl(""), true),
        ("  sel: {EventID: '1'}\n  condition: sel", cl(""), true),
        (
            "  sel: {EventID: [4688, 1]}\n  condition: sel",
            cl(""),
            true,
        ),
        (
            "  sel: {ProcessId|gt: 100}\n  condition: sel",
            json!({"ProcessId": 5244}),
            true,
        ),
        (
            "  sel: {ProcessId|lte: 100}\n  condition: sel",
            json!({"ProcessId": "5244"}),
            false,
        ),
        (
            "  sel: {ProcessId|gte: 5244}\n  condition: sel",
            json!({"ProcessId": 5244}),
            true,
        ),
        (
            "  sel: {ProcessId|lt: 5245}\n  condition: sel",
            json!({"ProcessId": 5244}),
            true,
        ),
        // cidr
        (
            "  sel: {DestinationIp|cidr: '10.0.0.0/8'}\n  condition: sel",
            json!({"DestinationIp": "10.1.2.3"}),
            true,
        ),
        (
            "  sel: {DestinationIp|cidr: ['192.168.0.0/16', 'fe80::/10']}\n  condition: sel",
            json!({"DestinationIp": "fe80::1"}),
            true,
        ),
        (
            "  sel: {DestinationIp|cidr: '10.0.0.0/8'}\n  condition: sel",
            json!({"DestinationIp": "11.1.2.3"}),
            false,
        ),
        // exists / null / empty
        (
            "  sel: {ParentUser|exists: true}\n  condition: sel",
            json!({"ParentUser": "x"}),
            true,
        ),
        (
            "  sel: {ParentUser|exists: false}\n  condition: sel",
            json!({"Other": "x"}),
            true,
        ),
        (
            "  sel: {ParentUser: null}\n  condition: sel",
            json!({"Other": "x"}),
            true,
        ),
        (
            "  sel: {ParentUser: null}\n  condition: sel",
            json!({"ParentUser": ""}),
            false,
        ),
        (
            "  sel: {ParentUser: ''}\n  condition: sel",
            json!({"ParentUser": ""}),
            true,
        ),
        (
            "  sel: {ParentUser: ''}\n  condition: sel",
            json!({}),
            false,
        ),
        (
            "  sel: {ParentUser: 'x'}\n  condition: not sel",
            json!({}),
            true,
        ),
        // fieldref
        (
            "  sel: {ParentImage|fieldref: Image}\n  condition: sel",
            json!({"Image": "A.exe", "ParentImage": "a.EXE"}),
            true,
        ),
        (
            "  sel: {ParentImage|fieldref|endswith: Image}\n  condition: sel",
            json!({"Image": "a.exe", "ParentImage": "c:\\a.exe"}),
            true,
        ),
        (
            "  sel: {ParentImage|fieldref: Image}\n  condition: sel",
            json!({"Image": "a.exe", "ParentImage": "b.exe"}),
            false,
        ),
        // neq
        (
            "  sel: {User|neq: 'SYSTEM'}\n  condition: sel",
            json!({"User": "bob"}),
            true,
        ),
        (
            "  sel: {User|neq: 'SYSTEM'}\n  condition: sel",
            json!({"User": "system"}),
            false,
        ),
        (
            "  sel: {User|neq: 'SYSTEM'}\n  condition: sel",
            json!({}),
            false,
        ),
        // keyword lists
        (
            "  keywords: ['evil.ps1', 'other']\n  condition: keywords",
            json!({"CommandLine": "run EVIL.ps1 now"}),
            true,
        ),
        (
            "  keywords: ['evil.ps1']\n  condition: keywords",
            json!({"CommandLine": "run good.ps1"}),
            false,
        ),
        (
            "  keywords:\n    '|all': ['run', 'now']\n  condition: keywords",
            json!({"CommandLine": "run x", "Other": "now"}),
            true,
        ),
        // lists of maps are OR, maps are AND
        (
            "  sel:\n    - {CommandLine: a}\n    - {CommandLine: b}\n  condition: sel",
            json!({"CommandLine": "b"}),
            true,
        ),
        (
            "  sel: {CommandLine: a, Image: b}\n  condition: sel",
            json!({"CommandLine": "a", "Image": "c"}),
            false,
        ),
        // conditions
        (
            "  sel_a: {CommandLine: a}\n  sel_b: {Image: b}\n  condition: 1 of sel_*",
            json!({"Image": "b"}),
            true,
        ),
        (
            "  sel_a: {CommandLine: a}\n  sel_b: {Image: b}\n  condition: all of sel_*",
            json!({"Image": "b"}),
            false,
        ),
        (
            "  sel_a: {CommandLine: a}\n  sel_b: {Image: b}\n  condition: all of them",
            json!({"Image": "b", "CommandLine": "a"}),
            true,
        ),
        (
            "  sel_a: {CommandLine: a}\n  _x: {Image: zzz}\n  condition: all of them",
            json!({"CommandLine": "a"}),
            true,
        ),
        (
            "  sel: {CommandLine: a}\n  f: {Image: b}\n  condition: sel and not f",
            json!({"CommandLine": "a", "Image": "b"}),
            false,
        ),
        (
            "  sel: {CommandLine: a}\n  f: {Image: b}\n  condition: (sel or f) and not (f and sel)",
            json!({"Image": "b"}),
            true,
        ),
        (
            "  sel: {CommandLine: a}\n  f: {Image: b}\n  condition: [f, sel]",
            json!({"CommandLine": "a"}),
            true,
        ),
        // arrays in the document: any element
        (
            "  sel: {process.args: '/add'}\n  condition: sel",
            json!({}),
            false,
        ),
    ];
    let mut failures = Vec::new();
    for (i, (det, doc, want)) in cases.iter().enumerate() {
        if fires(det, doc.clone()) != *want {
            failures.push(format!("case {i}: {det:?} on {doc} should be {want}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn ecs_arrays_and_4688_mapping() {
    let r = rule(
        "  sel: {Image|endswith: '\\net.exe', ProcessId: 6700, User|contains: 'CORP\\'}\n  condition: sel",
    );
    let set = set_of(&[&r]);
    let doc4688 = json!({
        "winlog": {"channel": "Security", "event_data": {"NewProcessName": "C:\\Windows\\System32\\net.exe", "NewProcessId": "0x1a2c",
            "ProcessId": "0x10", "SubjectUserName": "bob", "SubjectDomainName": "CORP"}},
        "event": {"code": "4688"}
    });
    assert_eq!(run(&set, &[event("a", 0, doc4688)]).len(), 1);
    let ecs = json!({"event": {"category": ["process"], "type": ["start"]}, "host": {"os": {"type": "windows"}},
        "process": {"executable": "C:\\Windows\\System32\\NET.EXE", "pid": 6700}, "user": {"name": "bob", "domain": "CORP"}});
    assert_eq!(run(&set, &[event("b", 0, ecs)]).len(), 1);
}

#[test]
fn expand_placeholders() {
    let text = rule("  sel: {Image|expand: '%admin_tools%'}\n  condition: sel");
    let r = load(&text);
    assert!(
        matches!(r.rules[0].status, vigil::rules::api::RuleStatus::NotEvaluable(ref why) if why.contains("admin_tools"))
    );
    let mut cfg = vigil::rules::sigma::SigmaConfig::default();
    cfg.placeholders
        .insert("admin_tools".into(), vec!["*\\psexec.exe".into()]);
    let r = vigil::rules::sigma::load_file_with(
        vigil::model::RuleOrigin::BuiltIn("t".into()),
        "t",
        &text,
        &cfg,
    );
    let set = vigil::rules::sigma::SigmaRuleSet::new(vec![r]);
    assert_eq!(
        run(
            &set,
            &[event(
                "e",
                0,
                sysmon1(json!({"Image": "C:\\x\\PsExec.exe"}))
            )]
        )
        .len(),
        1
    );
}

#[test]
fn load_errors_have_positions() {
    let r = load(
        "title: t\nlogsource: {product: windows, category: process_creation}\ndetection:\n  sel:\n    Image|nosuch: x\n  condition: sel\n",
    );
    assert_eq!(r.diagnostics.len(), 1);
    assert_eq!(r.diagnostics[0].line, 5, "{:?}", r.diagnostics);
    assert!(r.diagnostics[0].message.contains("nosuch"));
    let r = load(
        "title: t\nlogsource: {product: windows, category: process_creation}\ndetection:\n  sel: {Image: x}\n  condition: sel | count() > 5\n",
    );
    assert!(
        r.diagnostics[0].message.contains("correlation"),
        "{:?}",
        r.diagnostics
    );
    let r = load("title: [unclosed\n");
    assert!(r.diagnostics[0].message.contains("YAML"));
}

#[test]
fn collections_and_filters() {
    let text = "action: global\ntitle: base\nlogsource: {product: windows, category: process_creation}\ndetection:\n  condition: sel\n---\nid: a\ndetection:\n  sel: {Image|endswith: '\\a.exe'}\n---\nid: b\ndetection:\n  sel: {Image|endswith: '\\b.exe'}\n";
    let filter = "title: f\nlogsource: {product: windows, category: process_creation}\nfilter:\n  rules: [a]\n  selection: {User: 'admin'}\n  condition: not selection\n";
    let set = set_of(&[text, filter]);
    let a_admin = event(
        "1",
        0,
        sysmon1(json!({"Image": "c:\\a.exe", "User": "admin"})),
    );
    let a_bob = event(
        "2",
        0,
        sysmon1(json!({"Image": "c:\\a.exe", "User": "bob"})),
    );
    let b_admin = event(
        "3",
        0,
        sysmon1(json!({"Image": "c:\\b.exe", "User": "admin"})),
    );
    let out = run(&set, &[a_admin, a_bob, b_admin]);
    let got: Vec<(String, String)> = out
        .iter()
        .map(|m| (m.rule_id.clone(), m.events[0].0.clone()))
        .collect();
    assert_eq!(
        got,
        vec![
            ("a".to_string(), "2".to_string()),
            ("b".to_string(), "3".to_string())
        ]
    );
}
