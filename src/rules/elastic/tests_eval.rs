//! Evaluation through `ElasticRuleSet`: the seed EQL rule, KQL rules, threshold and
//! new_terms rules, with results that must not depend on the order events arrive in.

use super::{ElasticRuleSet, load_rule};
use crate::model::{Event, RuleOrigin};
use crate::rules::api::{CompiledRuleSet, RuleMatch};
use serde_json::{Value, json};

const MIN: i64 = 60_000;
const DAY: i64 = 86_400_000;

fn rule_set(texts: &[&str]) -> ElasticRuleSet {
    let rules = texts
        .iter()
        .enumerate()
        .map(|(i, t)| {
            load_rule(RuleOrigin::BuiltIn(format!("r{i}.toml")), "t.toml", t)
                .unwrap_or_else(|d| panic!("{d:?}"))
        })
        .collect();
    ElasticRuleSet::new(rules)
}

use crate::testutil::event as ev;

fn run(set: &ElasticRuleSet, events: &[Event]) -> Vec<RuleMatch> {
    crate::testutil::run_evaluator(set.evaluator().as_mut(), events)
}

/// Runs in the given order and reversed; both must give the same matches.
fn run_both_orders(set: &ElasticRuleSet, events: &[Event]) -> Vec<RuleMatch> {
    let forward = run(set, events);
    let mut rev = events.to_vec();
    rev.reverse();
    assert_eq!(forward, run(set, &rev), "results depend on arrival order");
    forward
}

const SEED: &str = include_str!("../../../tests/fixtures/elastic/user_account_creation.toml");

fn process(name: &str, parent: &str, args: &[&str]) -> Value {
    json!({
        "event": {"category": ["process"], "type": ["start"]},
        "host": {"os": {"type": "windows"}, "name": "WKS01"},
        "process": {"name": name, "args": args, "parent": {"name": parent}}
    })
}

#[test]
fn seed_rule_fires_on_net_user_add_only() {
    let set = rule_set(&[SEED]);
    let events = vec![
        ev(
            "a",
            1,
            process(
                "net.exe",
                "cmd.exe",
                &["net", "user", "bob", "P@ss1", "/add"],
            ),
        ),
        ev(
            "b",
            2,
            process(
                "net1.exe",
                "net.exe",
                &["net1", "user", "bob", "P@ss1", "/add"],
            ),
        ),
        ev("c", 3, process("net.exe", "cmd.exe", &["net", "user"])),
        ev(
            "d",
            4,
            process(
                "NET.EXE",
                "powershell.exe",
                &["NET", "USER", "eve", "x", "/AD"],
            ),
        ),
        ev(
            "e",
            5,
            process(
                "net.exe",
                "cmd.exe",
                &["net", "localgroup", "administrators"],
            ),
        ),
    ];
    let out = run(&set, &events);
    let ids: Vec<&str> = out.iter().map(|m| m.events[0].0.as_str()).collect();
    assert_eq!(ids, ["a", "d"]);
}

const KQL_RULE: &str = r#"[rule]
name = "Net via SYSTEM"
rule_id = "kql-1"
description = "d"
risk_score = 21
severity = "low"
type = "query"
language = "kuery"
query = '''event.category:process and process.name:(net.exe or net1.exe) and not process.parent.name:net.exe'''
filters = [{meta = {negate = true}, query = {match_phrase = {"host.name" = "BUILD01"}}}]
"#;

#[test]
fn kql_rule_with_filter_matches_single_events() {
    let set = rule_set(&[KQL_RULE]);
    let mut on_build = process("net.exe", "cmd.exe", &[]);
    on_build["host"]["name"] = json!("BUILD01");
    let events = vec![
        ev("a", 1, process("net.exe", "cmd.exe", &[])),
        ev("b", 2, process("net1.exe", "net.exe", &[])),
        ev("c", 3, on_build),
        ev("d", 4, process("whoami.exe", "cmd.exe", &[])),
    ];
    let out = run(&set, &events);
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].rule_id, "kql-1");
    assert_eq!(out[0].events, vec![("a".to_string(), 1)]);
}

const THRESHOLD_RULE: &str = r#"[rule]
name = "Many failures"
rule_id = "thr-1"
description = "d"
from = "now-10m"
risk_score = 47
severity = "medium"
type = "threshold"
language = "kuery"
query = "event.outcome:failure"

[rule.threshold]
field = ["user.name"]
value = 3
"#;

fn failure(user: &str) -> Value {
    json!({"event": {"outcome": "failure"}, "user": {"name": user}, "source": {"ip": "10.0.0.1"}})
}

#[test]
fn threshold_counts_per_group_within_the_window() {
    let set = rule_set(&[THRESHOLD_RULE]);
    let mut events = vec![
        // alice: three within two minutes -> fires once with 3.
        ev("a1", 0, failure("alice")),
        ev("a2", MIN, failure("alice")),
        ev("a3", 2 * MIN, failure("alice")),
        // bob: three, but 20 minutes apart -> never three in ten minutes.
        ev("b1", 0, failure("bob")),
        ev("b2", 20 * MIN, failure("bob")),
        ev("b3", 40 * MIN, failure("bob")),
        // a success does not count.
        ev(
            "b4",
            41 * MIN,
            json!({"event": {"outcome": "success"}, "user": {"name": "bob"}}),
        ),
        ev("b5", 42 * MIN, failure("bob")),
        // no user: no bucket.
        ev("n1", 0, json!({"event": {"outcome": "failure"}})),
    ];
    // carol: five in four minutes -> one bucket of five; later three more -> a second.
    for i in 0..5 {
        events.push(ev(&format!("c{i}"), i * MIN, failure("carol")));
    }
    for i in 0..3 {
        events.push(ev(&format!("d{i}"), (30 + i) * MIN, failure("carol")));
    }
    let out = run_both_orders(&set, &events);
    let summary: Vec<(String, String, usize)> = out
        .iter()
        .map(|m| {
            (
                m.fields["threshold_result.terms.user.name"].clone(),
                m.fields["threshold_result.count"].clone(),
                m.events.len(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            ("alice".to_string(), "3".to_string(), 3),
            ("carol".to_string(), "5".to_string(), 5),
            ("carol".to_string(), "3".to_string(), 3),
        ]
    );
    // Events of a match are in time order.
    assert_eq!(out[0].events[0], ("a1".to_string(), 0));
    assert!(out.iter().all(|m| m.rule_id == "thr-1"));
}

#[test]
fn threshold_cardinality_and_no_group_fields() {
    let card = THRESHOLD_RULE
        .replace("field = [\"user.name\"]", "field = [\"source.ip\"]")
        .replace(
            "value = 3",
            "value = 2\n[[rule.threshold.cardinality]]\nfield = \"user.name\"\nvalue = 3",
        );
    let set = rule_set(&[&card]);
    let mut spray = Vec::new();
    for (i, u) in ["a", "b", "c"].iter().enumerate() {
        let mut d = failure(u);
        d["source"]["ip"] = json!("1.1.1.1");
        spray.push(ev(&format!("s{i}"), i as i64 * MIN, d));
    }
    for i in 0..4 {
        let mut d = failure("same");
        d["source"]["ip"] = json!("2.2.2.2");
        spray.push(ev(&format!("t{i}"), i * MIN, d));
    }
    let out = run_both_orders(&set, &spray);
    assert_eq!(out.len(), 1, "{out:?}");
    assert_eq!(out[0].fields["threshold_result.terms.source.ip"], "1.1.1.1");
    assert_eq!(out[0].fields["threshold_result.cardinality.user.name"], "3");

    let ungrouped = THRESHOLD_RULE.replace("field = [\"user.name\"]", "field = []");
    let set = rule_set(&[&ungrouped]);
    let events: Vec<Event> = ["x", "y", "z"]
        .iter()
        .enumerate()
        .map(|(i, u)| ev(u, i as i64, failure(u)))
        .collect();
    let out = run_both_orders(&set, &events);
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].fields["threshold_result.count"], "3");
}

const NEW_TERMS_RULE: &str = r#"[rule]
name = "First logon"
rule_id = "nt-1"
description = "d"
risk_score = 21
severity = "low"
type = "new_terms"
language = "kuery"
query = "event.category:authentication"

[rule.new_terms]
field = "new_terms_fields"
value = ["host.name", "user.name"]

[[rule.new_terms.history_window_start]]
field = "history_window_start"
value = "now-14d"
"#;

fn logon(host: &str, user: Option<&str>) -> Value {
    let mut d = json!({"event": {"category": ["authentication"]}, "host": {"name": host}});
    if let Some(u) = user {
        d["user"] = json!({"name": u});
    }
    d
}

#[test]
fn new_terms_fire_on_first_sighting_within_history() {
    let set = rule_set(&[NEW_TERMS_RULE]);
    let events = vec![
        ev("1", 0, logon("h1", Some("u1"))),
        ev("2", DAY, logon("h1", Some("u1"))),
        ev("3", DAY, logon("h1", Some("u2"))),
        ev("4", 10 * DAY, logon("h2", Some("u1"))),
        // 19 days after the last h1/u1 sighting: new again.
        ev("5", 20 * DAY, logon("h1", Some("u1"))),
        // 13 days after: still known.
        ev("6", 23 * DAY, logon("h2", Some("u1"))),
        ev("7", 2 * DAY, logon("h3", None)),
        ev(
            "8",
            3 * DAY,
            json!({"event": {"category": ["process"]}, "host": {"name": "h9"}, "user": {"name": "u9"}}),
        ),
    ];
    let out = run_both_orders(&set, &events);
    let fired: Vec<(&str, &str)> = out
        .iter()
        .map(|m| (m.events[0].0.as_str(), m.fields["new_terms"].as_str()))
        .collect();
    assert_eq!(
        fired,
        [
            ("1", "h1, u1"),
            ("3", "h1, u2"),
            ("4", "h2, u1"),
            ("5", "h1, u1")
        ]
    );
    assert_eq!(out[1].fields["new_terms.user.name"], "u2");
}

#[test]
fn new_terms_ties_are_broken_by_event_id() {
    let set = rule_set(&[NEW_TERMS_RULE]);
    let events = vec![
        ev("b", 5, logon("h1", Some("u1"))),
        ev("a", 5, logon("h1", Some("u1"))),
    ];
    let out = run_both_orders(&set, &events);
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].events[0].0, "a");
}

#[test]
fn duplicate_rule_ids_are_listed_not_evaluated() {
    let set = rule_set(&[KQL_RULE, KQL_RULE]);
    assert_eq!(set.rules().len(), 1);
    assert_eq!(set.listed().len(), 2);
    let out = run(&set, &[ev("a", 1, process("net.exe", "cmd.exe", &[]))]);
    assert_eq!(out.len(), 1);
}
