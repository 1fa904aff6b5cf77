use super::*;
use crate::detect::test_support::{alert, meta};
use crate::model::rule::{FieldExtract, FieldFlag, FieldHint, TriageHints};
use serde_json::json;

/// The net user rule's hints as the pack writes them.
fn net_user_hints() -> TriageHints {
    TriageHints {
        fp_hints: vec![
            FieldHint {
                category: "config-management".into(),
                field: "process.parent.executable".into(),
                patterns: vec![r"*\Puppet\*".into(), "*ansible*".into()],
            },
            FieldHint {
                category: "installer".into(),
                field: "process.parent.name".into(),
                patterns: vec!["msiexec.exe".into()],
            },
            FieldHint {
                category: "os-setup".into(),
                field: "user.name".into(),
                patterns: vec!["*$".into()],
            },
        ],
        extract: vec![
            FieldExtract {
                name: "CreatedUser".into(),
                field: "process.command_line".into(),
                regex: r#"(?i)\buser\s+(?:[/-]\S+\s+)*(?:"([^"]+)"|([^\s"/-]\S*))"#.into(),
            },
            FieldExtract {
                name: "DomainSwitch".into(),
                field: "process.command_line".into(),
                regex: r"(?i)(?:^|\s)([/-]do[a-z]*)(?:\s|$)".into(),
            },
        ],
        flags: vec![FieldFlag {
            name: "SuspiciousParent".into(),
            field: "process.parent.name".into(),
            patterns: vec!["cmd.exe".into(), "powershell.exe".into()],
            severity: Some(Severity::Medium),
        }],
        fold_into_parent: true,
    }
}

fn doc(cmd: &str, parent_name: &str, parent_exe: &str, user: &str) -> Value {
    json!({
        "process": {
            "command_line": cmd,
            "parent": {"name": parent_name, "executable": parent_exe}
        },
        "user": {"name": user}
    })
}

#[test]
fn hints_extracts_and_flags_apply_from_the_event() {
    struct Case {
        cmd: &'static str,
        parent: &'static str,
        parent_exe: &'static str,
        user: &'static str,
        created: Option<&'static str>,
        domain: Option<&'static str>,
        suspicious: bool,
        categories: &'static [&'static str],
    }
    let cases = [
        Case {
            cmd: "net user svc_backup P@ss /add",
            parent: "CMD.EXE",
            parent_exe: r"C:\Windows\System32\cmd.exe",
            user: "jdoe",
            created: Some("svc_backup"),
            domain: None,
            suspicious: true,
            categories: &[],
        },
        Case {
            cmd: r#"net.exe user "John Smith" Pw1 /ad /DOM"#,
            parent: "ruby.exe",
            parent_exe: r"C:\Program Files\Puppet Labs\Puppet\puppet\bin\ruby.exe",
            user: "svc_puppet",
            created: Some("John Smith"),
            domain: Some("/DOM"),
            suspicious: false,
            categories: &["config-management"],
        },
        Case {
            cmd: "net user /add kiosk Pw1",
            parent: "msiexec.exe",
            parent_exe: r"C:\Windows\System32\msiexec.exe",
            user: "WKS-NEW05$",
            created: Some("kiosk"),
            domain: None,
            suspicious: false,
            categories: &["installer", "os-setup"],
        },
        Case {
            cmd: "net use \\\\srv\\share /USER:corp\\x",
            parent: "explorer.exe",
            parent_exe: r"C:\Windows\explorer.exe",
            user: "jdoe",
            created: None,
            domain: None,
            suspicious: false,
            categories: &[],
        },
    ];
    let compiled = CompiledTriage::compile(&meta("r", net_user_hints())).unwrap();
    for case in cases {
        let mut a = alert("a", "r", 0, "e");
        compiled.apply(
            &mut a,
            &doc(case.cmd, case.parent, case.parent_exe, case.user),
        );
        assert_eq!(
            a.fields.get("CreatedUser").map(String::as_str),
            case.created,
            "{}",
            case.cmd
        );
        assert_eq!(
            a.fields.get("DomainSwitch").map(String::as_str),
            case.domain,
            "{}",
            case.cmd
        );
        assert_eq!(
            a.fields.contains_key("SuspiciousParent"),
            case.suspicious,
            "{}",
            case.cmd
        );
        let expected_severity = if case.suspicious {
            Severity::Medium
        } else {
            Severity::Low
        };
        assert_eq!(a.severity, expected_severity, "{}", case.cmd);
        let cats: Vec<&str> = a
            .fp_suggestions
            .iter()
            .map(|s| s.category.as_str())
            .collect();
        assert_eq!(cats, case.categories, "{}", case.cmd);
    }
}

#[test]
fn evidence_names_the_field_and_value() {
    let compiled = CompiledTriage::compile(&meta("r", net_user_hints())).unwrap();
    let mut a = alert("a", "r", 0, "e");
    compiled.apply(&mut a, &doc("net user x y /add", "msiexec.exe", "", "bob"));
    assert_eq!(
        a.fp_suggestions[0].evidence,
        "process.parent.name = msiexec.exe"
    );
}

#[test]
fn several_pieces_of_evidence_make_one_suggestion() {
    let hints = TriageHints {
        fp_hints: vec![
            FieldHint {
                category: "os-setup".into(),
                field: "user.name".into(),
                patterns: vec!["*$".into()],
            },
            FieldHint {
                category: "os-setup".into(),
                field: "user.target.name".into(),
                patterns: vec!["defaultuser*".into()],
            },
        ],
        ..TriageHints::default()
    };
    let compiled = CompiledTriage::compile(&meta("r", hints)).unwrap();
    let mut a = alert("a", "r", 0, "e");
    let d = json!({"user": {"name": "WKS-NEW05$", "target": {"name": "defaultuser0"}}});
    compiled.apply(&mut a, &d);
    compiled.apply(&mut a, &d);
    assert_eq!(a.fp_suggestions.len(), 1);
    assert_eq!(
        a.fp_suggestions[0].evidence,
        "user.name = WKS-NEW05$; user.target.name = defaultuser0"
    );
}

#[test]
fn flags_raise_risk_but_never_lower_severity() {
    let compiled = CompiledTriage::compile(&meta("r", net_user_hints())).unwrap();
    let mut a = alert("a", "r", 0, "e");
    a.severity = Severity::High;
    a.risk_score = 73;
    compiled.apply(&mut a, &doc("net user x y /add", "cmd.exe", "", "bob"));
    assert_eq!(a.severity, Severity::High);
    assert_eq!(a.risk_score, 73);
    let mut low = alert("b", "r", 0, "e");
    compiled.apply(
        &mut low,
        &doc("net user x y /add", "powershell.exe", "", "bob"),
    );
    assert_eq!(low.risk_score, Severity::Medium.default_risk());
}

#[test]
fn applying_twice_changes_nothing_more() {
    let compiled = CompiledTriage::compile(&meta("r", net_user_hints())).unwrap();
    let d = doc("net user x y /add", "msiexec.exe", "", "PC$");
    let mut once = alert("a", "r", 0, "e");
    compiled.apply(&mut once, &d);
    let mut twice = once.clone();
    compiled.apply(&mut twice, &d);
    assert_eq!(once, twice);
}

#[test]
fn engine_fields_are_not_overwritten_and_arrays_and_numbers_are_read() {
    let hints = TriageHints {
        extract: vec![
            FieldExtract {
                name: "Arg".into(),
                field: "process.args".into(),
                regex: r"(?i)^/(ad\w*)$".into(),
            },
            FieldExtract {
                name: "Code".into(),
                field: "event.code".into(),
                regex: r"^(47\d\d)$".into(),
            },
            FieldExtract {
                name: "Kept".into(),
                field: "event.code".into(),
                regex: r"(.+)".into(),
            },
        ],
        ..TriageHints::default()
    };
    let compiled = CompiledTriage::compile(&meta("r", hints)).unwrap();
    let mut a = alert("a", "r", 0, "e");
    a.fields.insert("Kept".into(), "from engine".into());
    let d = json!({"process": {"args": ["net", "user", "/ADD"]}, "event": {"code": 4720}});
    compiled.apply(&mut a, &d);
    assert_eq!(a.fields["Arg"], "ADD");
    assert_eq!(a.fields["Code"], "4720");
    assert_eq!(a.fields["Kept"], "from engine");
}

#[test]
fn bad_regexes_are_reported_with_the_rule_and_value() {
    for (regex, needle) in [("(unclosed", "not valid"), ("no group", "no capture group")] {
        let hints = TriageHints {
            extract: vec![FieldExtract {
                name: "X".into(),
                field: "f".into(),
                regex: regex.into(),
            }],
            ..TriageHints::default()
        };
        let err = CompiledTriage::compile(&meta("rule-9", hints)).unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("rule-9") && text.contains(regex) && text.contains(needle),
            "{text}"
        );
    }
}

#[test]
fn enricher_dispatches_by_rule_and_reports_broken_rules() {
    let good = meta("good", net_user_hints());
    let bad = meta(
        "bad",
        TriageHints {
            extract: vec![FieldExtract {
                name: "X".into(),
                field: "f".into(),
                regex: "[".into(),
            }],
            ..TriageHints::default()
        },
    );
    let (enricher, errors) = Enricher::new([&good, &bad]);
    assert_eq!(errors.len(), 1);
    assert!(
        enricher
            .rule("good")
            .is_some_and(CompiledTriage::folds_into_parent)
    );
    let d = doc("net user x y /add", "msiexec.exe", "", "bob");
    let mut other = alert("a", "unknown", 0, "e");
    enricher.enrich(&mut other, &d);
    assert!(other.fp_suggestions.is_empty());
    let mut mine = alert("b", "good", 0, "e");
    enricher.enrich(&mut mine, &d);
    assert_eq!(mine.fields["CreatedUser"], "x");
    let mut via_fn = alert("b", "good", 0, "e");
    enrich(&mut via_fn, &good, &d).unwrap();
    assert_eq!(via_fn, mine);
}
