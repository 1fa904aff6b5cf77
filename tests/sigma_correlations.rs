//! Correlation rules: every type, group-by, ordering, chaining and arrival order.

mod sigma_common;
use serde_json::json;
use sigma_common::*;
use vigil::model::Event;

const BASE: &str = "title: created\nid: created\nname: created\nlogsource: {product: windows, service: security}\ndetection:\n  sel: {EventID: 4720}\n  condition: sel\n---\ntitle: added\nid: added\nname: added\nlogsource: {product: windows, service: security}\ndetection:\n  sel: {EventID: 4732}\n  condition: sel\n";

fn sec(id: &str, ts_min: i64, code: u32, user: &str, size: i64) -> Event {
    event(
        id,
        ts_min * 60_000,
        json!({"winlog": {"channel": "Security", "event_data": {"TargetUserName": user, "MemberName": user, "Size": size}}, "event": {"code": code.to_string()}}),
    )
}

fn corr(body: &str) -> String {
    format!("title: c\nid: corr\nlevel: high\ncorrelation:\n{body}\n")
}

fn matches_of(
    body: &str,
    events: &[Event],
) -> Vec<(Vec<String>, std::collections::BTreeMap<String, String>)> {
    let c = corr(body);
    let set = set_of(&[BASE, &c]);
    run(&set, events)
        .into_iter()
        .filter(|m| m.rule_id == "corr")
        .map(|m| (m.events.into_iter().map(|e| e.0).collect(), m.fields))
        .collect()
}

#[test]
fn correlation_types() {
    let evs = vec![
        sec("a1", 0, 4720, "eve", 1),
        sec("a2", 2, 4720, "eve", 5),
        sec("a3", 3, 4720, "bob", 7),
        sec("a4", 30, 4720, "eve", 9),
        sec("b1", 5, 4732, "eve", 0),
        sec("b2", 2, 4732, "bob", 0),
    ];
    let cases: Vec<(&str, Vec<Vec<&str>>)> = vec![
        (
            "  type: event_count\n  rules: [created]\n  group-by: [TargetUserName]\n  timespan: 10m\n  condition: {gte: 2}",
            vec![vec!["a1", "a2"]],
        ),
        (
            "  type: event_count\n  rules: [created]\n  timespan: 10m\n  condition: {gte: 3}",
            vec![vec!["a1", "a2", "a3"]],
        ),
        (
            "  type: event_count\n  rules: [created]\n  timespan: 59s\n  condition: {gte: 2}",
            vec![],
        ),
        (
            "  type: event_count\n  rules: [created]\n  timespan: 1m\n  condition: {gte: 2}",
            vec![vec!["a2", "a3"]],
        ),
        (
            "  type: value_count\n  rules: [created]\n  timespan: 10m\n  condition: {field: TargetUserName, gte: 2}",
            vec![vec!["a1", "a2", "a3"]],
        ),
        (
            "  type: value_sum\n  rules: [created]\n  group-by: [TargetUserName]\n  timespan: 1h\n  condition: {field: Size, gt: 14}",
            vec![vec!["a1", "a2", "a4"]],
        ),
        (
            "  type: value_avg\n  rules: [created]\n  timespan: 10m\n  condition: {field: Size, gte: 4}",
            vec![vec!["a1", "a2", "a3"], vec!["a4"]],
        ),
        (
            "  type: value_percentile\n  rules: [created]\n  timespan: 10m\n  condition: {field: Size, percentile: 50, gte: 5}",
            vec![vec!["a1", "a2", "a3"], vec!["a4"]],
        ),
        (
            "  type: value_percentile\n  rules: [created]\n  timespan: 10m\n  condition: {field: Size, percentile: 50, gte: 6}",
            vec![vec!["a3"], vec!["a4"]],
        ),
        (
            "  type: temporal\n  rules: [created, added]\n  group-by: [TargetUserName]\n  timespan: 10m",
            vec![vec!["b2", "a3"], vec!["a1", "a2", "b1"]],
        ),
        // Ordered: bob's 4732 came before his 4720, so only eve's chain counts.
        (
            "  type: temporal_ordered\n  rules: [created, added]\n  group-by: [TargetUserName]\n  timespan: 10m",
            vec![vec!["a1", "b1"]],
        ),
        // Without group-by, any events in the listed order within the window count.
        (
            "  type: temporal_ordered\n  rules: [added, created]\n  timespan: 10m",
            vec![vec!["b2", "a3"]],
        ),
    ];
    for (body, want) in cases {
        let got: Vec<Vec<String>> = matches_of(body, &evs).into_iter().map(|m| m.0).collect();
        let want: Vec<Vec<String>> = want
            .into_iter()
            .map(|v| v.into_iter().map(String::from).collect())
            .collect();
        assert_eq!(got, want, "correlation:\n{body}");
    }
}

#[test]
fn group_by_values_and_aliases_are_reported() {
    let body = "  type: temporal_ordered\n  rules: [created, added]\n  group-by: [account]\n  aliases:\n    account:\n      created: TargetUserName\n      added: MemberName\n  timespan: 10m";
    let evs = vec![
        event(
            "x1",
            0,
            json!({"winlog": {"channel": "Security", "event_data": {"TargetUserName": "eve"}}, "event": {"code": "4720"}}),
        ),
        event(
            "x2",
            60_000,
            json!({"winlog": {"channel": "Security", "event_data": {"TargetUserName": "Administrators", "MemberName": "eve"}}, "event": {"code": "4732"}}),
        ),
        event(
            "x3",
            120_000,
            json!({"winlog": {"channel": "Security", "event_data": {"TargetUserName": "Administrators", "MemberName": "bob"}}, "event": {"code": "4732"}}),
        ),
    ];
    let got = matches_of(body, &evs);
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].0, vec!["x1", "x2"]);
    assert_eq!(got[0].1.get("account").map(String::as_str), Some("eve"));
}

#[test]
fn arrival_order_does_not_matter_and_window_slides() {
    let body = "  type: temporal_ordered\n  rules: [created, added]\n  group-by: [TargetUserName]\n  timespan: 10m";
    // A 4732 eleven minutes after the 4720 is outside the window; a second 4720 later re-anchors.
    let evs = vec![
        sec("c1", 0, 4720, "eve", 0),
        sec("c2", 11, 4732, "eve", 0),
        sec("c3", 15, 4720, "eve", 0),
        sec("c4", 20, 4732, "eve", 0),
    ];
    let forward = matches_of(body, &evs);
    let mut reversed = evs.clone();
    reversed.reverse();
    assert_eq!(forward, matches_of(body, &reversed));
    assert_eq!(forward.len(), 1);
    assert_eq!(forward[0].0, vec!["c3", "c4"]);
}

#[test]
fn base_rules_are_silent_unless_generate_and_chains_work() {
    let body = "  type: event_count\n  rules: [created]\n  timespan: 10m\n  condition: {gte: 1}";
    let c = corr(body);
    let set = set_of(&[BASE, &c]);
    let out = run(
        &set,
        &[sec("a", 0, 4720, "eve", 0), sec("b", 0, 4732, "eve", 0)],
    );
    let ids: Vec<&str> = out.iter().map(|m| m.rule_id.as_str()).collect();
    assert_eq!(
        ids,
        vec!["added", "corr"],
        "created is referenced without generate"
    );
    let c = corr(&format!("{body}\n  generate: true"));
    let set = set_of(&[BASE, &c]);
    let out = run(&set, &[sec("a", 0, 4720, "eve", 0)]);
    assert_eq!(out.len(), 2);
    // A correlation of a correlation.
    let inner = "title: inner\nid: inner\nname: inner\ncorrelation:\n  type: event_count\n  rules: [created]\n  group-by: [TargetUserName]\n  timespan: 10m\n  condition: {gte: 2}\n";
    let outer = "title: outer\nid: outer\ncorrelation:\n  type: event_count\n  rules: [inner]\n  timespan: 1h\n  condition: {gte: 2}\n";
    let set = set_of(&[BASE, inner, outer]);
    let evs = vec![
        sec("1", 0, 4720, "eve", 0),
        sec("2", 1, 4720, "eve", 0),
        sec("3", 2, 4720, "bob", 0),
        sec("4", 3, 4720, "bob", 0),
    ];
    let out = run(&set, &evs);
    let outer_m: Vec<_> = out.iter().filter(|m| m.rule_id == "outer").collect();
    assert_eq!(outer_m.len(), 1);
    assert_eq!(
        outer_m[0].events.len(),
        4,
        "every contributing event is carried"
    );
    assert!(
        out.iter().all(|m| m.rule_id != "inner"),
        "inner is referenced without generate"
    );
}

#[test]
fn unknown_references_are_not_evaluable() {
    let c = corr("  type: event_count\n  rules: [nope]\n  timespan: 10m\n  condition: {gte: 1}");
    let set = vigil::rules::sigma::SigmaRuleSet::new(vec![load(&c)]);
    assert!(
        matches!(&set.loaded()[0].status, vigil::rules::api::RuleStatus::NotEvaluable(w) if w.contains("nope"))
    );
    assert!(!set.diagnostics().is_empty());
}
