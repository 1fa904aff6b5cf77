use super::*;
use crate::detect::test_support::{alert, meta};
use crate::model::rule::TriageHints;
use serde_json::json;

fn folding_meta(id: &str) -> RuleMeta {
    meta(
        id,
        TriageHints {
            fold_into_parent: true,
            ..TriageHints::default()
        },
    )
}

#[allow(clippy::too_many_arguments)]
fn proc_doc(
    host: &str,
    entity: Option<&str>,
    parent_entity: Option<&str>,
    pid: u64,
    ppid: u64,
    args: &[&str],
) -> Value {
    let mut d = json!({
        "host": {"name": host},
        "process": {"pid": pid, "args": args, "parent": {"pid": ppid}}
    });
    if let Some(e) = entity {
        d["process"]["entity_id"] = json!(e);
    }
    if let Some(p) = parent_entity {
        d["process"]["parent"]["entity_id"] = json!(p);
    }
    d
}

const NET: &[&str] = &["net", "user", "bob", "Pw1", "/add"];
const NET1: &[&str] = &[r"C:\Windows\system32\net1", "USER", "bob", "Pw1", "/add"];

#[test]
fn net1_child_folds_into_net_parent_by_entity_id() {
    let metas = [folding_meta("r")];
    let alerts = vec![
        (
            alert("p", "r", 1000, "e1"),
            proc_doc("h", Some("{A}"), Some("{C}"), 10, 5, NET),
        ),
        (
            alert("c", "r", 1010, "e2"),
            proc_doc("h", Some("{B}"), Some("{a}"), 11, 10, NET1),
        ),
    ];
    let out = fold_into_parents(alerts, &metas);
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].id, "p");
    assert_eq!(out[0].event_ids, vec!["e1", "e2"]);
    assert_eq!(out[0].fields[FOLDED_ALERTS_FIELD], "c");
}

#[test]
fn folding_needs_same_rule_host_arguments_and_a_folding_rule() {
    struct Case {
        name: &'static str,
        child_rule: &'static str,
        child_host: &'static str,
        child_args: &'static [&'static str],
        expected: usize,
    }
    let cases = [
        Case {
            name: "all equal",
            child_rule: "r",
            child_host: "h",
            child_args: NET1,
            expected: 1,
        },
        Case {
            name: "other rule",
            child_rule: "s",
            child_host: "h",
            child_args: NET1,
            expected: 2,
        },
        Case {
            name: "other host",
            child_rule: "r",
            child_host: "h2",
            child_args: NET1,
            expected: 2,
        },
        Case {
            name: "other args",
            child_rule: "r",
            child_host: "h",
            child_args: &["net1", "user", "eve", "Pw1", "/add"],
            expected: 2,
        },
        Case {
            name: "rule without fold",
            child_rule: "nofold",
            child_host: "h",
            child_args: NET1,
            expected: 2,
        },
    ];
    let metas = [
        folding_meta("r"),
        folding_meta("s"),
        meta("nofold", TriageHints::default()),
    ];
    for case in cases {
        let parent_rule = if case.child_rule == "nofold" {
            "nofold"
        } else {
            "r"
        };
        let alerts = vec![
            (
                alert("p", parent_rule, 0, "e1"),
                proc_doc("h", Some("{A}"), None, 10, 5, NET),
            ),
            (
                alert("c", case.child_rule, 5, "e2"),
                proc_doc(
                    case.child_host,
                    Some("{B}"),
                    Some("{A}"),
                    11,
                    10,
                    case.child_args,
                ),
            ),
        ];
        assert_eq!(
            fold_into_parents(alerts, &metas).len(),
            case.expected,
            "{}",
            case.name
        );
    }
}

#[test]
fn pid_fallback_when_entity_ids_are_missing_respects_time() {
    let metas = [folding_meta("r")];
    for (child_ts, expected) in [(500, 1), (61_000, 2), (-5, 2)] {
        let alerts = vec![
            (
                alert("p", "r", 0, "e1"),
                proc_doc("h", None, None, 4100, 900, NET),
            ),
            (
                alert("c", "r", child_ts, "e2"),
                proc_doc("h", None, None, 4104, 4100, NET1),
            ),
        ];
        assert_eq!(
            fold_into_parents(alerts, &metas).len(),
            expected,
            "child at {child_ts}"
        );
    }
}

#[test]
fn command_line_is_used_when_args_are_missing_and_order_is_kept() {
    let metas = [folding_meta("r")];
    let parent =
        json!({"host": {"name": "h"}, "process": {"pid": 1, "command_line": "net user x /add"}});
    let child = json!({"host": {"name": "h"}, "process": {"pid": 2, "parent": {"pid": 1},
        "command_line": r"C:\Windows\system32\net1  user x /add"}});
    let other = json!({"host": {"name": "h"}, "process": {"pid": 3}});
    let alerts = vec![
        (alert("z", "x", 0, "e0"), other.clone()),
        (alert("c", "r", 10, "e2"), child),
        (alert("p", "r", 5, "e1"), parent),
        (alert("y", "r", 20, "e3"), other),
    ];
    let out = fold_into_parents(alerts, &metas);
    let ids: Vec<&str> = out.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, ["z", "p", "y"]);
    assert_eq!(out[1].event_ids, vec!["e1", "e2"]);
}

#[test]
fn grandchildren_fold_into_the_topmost_alert_and_keep_suggestions() {
    let metas = [folding_meta("r")];
    let mut child = alert("c", "r", 2, "e2");
    child
        .fp_suggestions
        .push(crate::model::alert::FpSuggestion {
            category: "installer".into(),
            evidence: "x = y".into(),
        });
    child.fields.insert("CreatedUser".into(), "bob".into());
    let alerts = vec![
        (
            alert("p", "r", 1, "e1"),
            proc_doc("h", Some("{A}"), None, 1, 0, NET),
        ),
        (child, proc_doc("h", Some("{B}"), Some("{A}"), 2, 1, NET1)),
        (
            alert("g", "r", 3, "e3"),
            proc_doc("h", Some("{C}"), Some("{B}"), 3, 2, NET1),
        ),
    ];
    let out = fold_into_parents(alerts, &metas);
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].event_ids, vec!["e1", "e2", "e3"]);
    assert_eq!(out[0].fp_suggestions.len(), 1);
    assert_eq!(out[0].fields["CreatedUser"], "bob");
    assert_eq!(out[0].fields[FOLDED_ALERTS_FIELD], "c,g");
}

#[test]
fn a_process_is_never_its_own_parent() {
    let metas = [folding_meta("r")];
    let alerts = vec![(
        alert("p", "r", 1, "e1"),
        proc_doc("h", Some("{A}"), Some("{A}"), 1, 1, NET),
    )];
    assert_eq!(fold_into_parents(alerts, &metas).len(), 1);
}
