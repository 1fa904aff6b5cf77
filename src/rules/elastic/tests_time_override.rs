//! `timestamp_override`: the rule's time field (usually `event.ingested`) is the event
//! time for sequences, windows, look-backs and alert times, with the event's own time as
//! the fallback when the field is missing, for every Elastic rule type.

use super::{ElasticRuleSet, load_rule};
use crate::model::{Event, RuleOrigin};
use crate::rules::api::{CompiledRuleSet, RuleMatch};
use serde_json::{Value, json};

const MIN: i64 = 60_000;
/// 2024-01-01T00:00:00Z.
const T0: i64 = 1_704_067_200_000;

fn iso(ms: i64) -> String {
    crate::normalize::time::format_ms(ms)
}

fn rule(id: &str, kind: &str, query: &str, extra: &str, overridden: bool) -> ElasticRuleSet {
    let over = if overridden {
        "timestamp_override = \"event.ingested\"\n"
    } else {
        ""
    };
    let language = if kind == "eql" { "eql" } else { "kuery" };
    let text = format!(
        "[rule]\nname = \"n\"\nrule_id = \"{id}\"\ndescription = \"d\"\nfrom = \"now-5m\"\n\
         risk_score = 21\nseverity = \"low\"\ntype = \"{kind}\"\nlanguage = \"{language}\"\n\
         {over}query = '''\n{query}\n'''\n{extra}"
    );
    let loaded = load_rule(RuleOrigin::BuiltIn("t.toml".into()), "t.toml", &text)
        .unwrap_or_else(|d| panic!("{d:?}"));
    ElasticRuleSet::new(vec![loaded])
}

/// An event whose own time is `own` and, when given, ingested at `ingested`.
fn ev(id: &str, own: i64, ingested: Option<i64>, mut doc: Value) -> Event {
    if let (Some(t), Some(o)) = (ingested, doc.as_object_mut()) {
        o.insert("event.ingested".into(), json!(iso(t)));
    }
    Event {
        id: id.into(),
        timestamp_ms: own,
        doc,
        original: String::new(),
    }
}

fn run(set: &ElasticRuleSet, events: &[Event]) -> Vec<RuleMatch> {
    let mut forward = Vec::new();
    let mut ev = set.evaluator();
    for e in events {
        ev.on_event(e, &mut forward);
    }
    ev.finish(&mut forward);
    let mut backward = Vec::new();
    let mut ev = set.evaluator();
    for e in events.iter().rev() {
        ev.on_event(e, &mut backward);
    }
    ev.finish(&mut backward);
    forward.sort_by(|a, b| a.events.cmp(&b.events));
    backward.sort_by(|a, b| a.events.cmp(&b.events));
    assert_eq!(forward, backward, "results depend on arrival order");
    forward
}

fn proc(name: &str) -> Value {
    json!({"event": {"category": "process"}, "process": {"name": name}, "user": {"name": "u"}})
}

const SEQ: &str = r#"sequence by user.name with maxspan=1m
  [process where process.name == "a.exe"] [process where process.name == "b.exe"]"#;

#[test]
fn sequences_follow_the_override_field() {
    // Own times 10 minutes apart, ingested 30 s apart (and in the other order for c/d).
    let events = vec![
        ev("a", T0, Some(T0 + 20 * MIN), proc("a.exe")),
        ev(
            "b",
            T0 + 10 * MIN,
            Some(T0 + 20 * MIN + 30_000),
            proc("b.exe"),
        ),
        ev("d", T0 + 40 * MIN, Some(T0 + 60 * MIN), proc("b.exe")),
        ev(
            "c",
            T0 + 45 * MIN,
            Some(T0 + 60 * MIN - 10_000),
            proc("a.exe"),
        ),
    ];
    let with = run(&rule("s1", "eql", SEQ, "", true), &events);
    let got: Vec<Vec<(String, i64)>> = with.iter().map(|m| m.events.clone()).collect();
    assert_eq!(
        got,
        vec![
            vec![
                ("a".into(), T0 + 20 * MIN),
                ("b".into(), T0 + 20 * MIN + 30_000)
            ],
            vec![
                ("c".into(), T0 + 60 * MIN - 10_000),
                ("d".into(), T0 + 60 * MIN)
            ],
        ]
    );
    // Without the override, the own times are 10 minutes apart and c comes after d.
    assert!(run(&rule("s2", "eql", SEQ, "", false), &events).is_empty());
}

#[test]
fn missing_override_field_falls_back_to_the_event_time() {
    let events = vec![
        ev("a", T0, None, proc("a.exe")),
        ev("b", T0 + 30_000, Some(T0 + 30_000), proc("b.exe")),
        ev("x", T0 + 50_000, Some(-1), proc("zzz")),
    ];
    let out = run(&rule("s3", "eql", SEQ, "", true), &events);
    assert_eq!(out.len(), 1);
    assert_eq!(
        out[0].events,
        vec![("a".into(), T0), ("b".into(), T0 + 30_000)]
    );
    // A field that is not a date also falls back.
    let mut bad = proc("a.exe");
    bad["event"]["ingested"] = json!("yesterday");
    let one = rule(
        "e1",
        "eql",
        r#"process where process.name == "a.exe""#,
        "",
        true,
    );
    let out = run(&one, &[ev("y", T0 + 7, None, bad)]);
    assert_eq!(out[0].events, vec![("y".into(), T0 + 7)]);
}

#[test]
fn single_event_rules_report_the_override_time() {
    let events = vec![ev("k", T0, Some(T0 + 5 * MIN), proc("a.exe"))];
    for (kind, query) in [
        ("eql", r#"process where process.name == "a.exe""#),
        ("eql", r#"process where process.name == "a.exe" | head 1"#),
        ("query", "process.name:a.exe"),
    ] {
        let out = run(&rule("k1", kind, query, "", true), &events);
        assert_eq!(out.len(), 1, "{query}");
        assert_eq!(out[0].events, vec![("k".into(), T0 + 5 * MIN)], "{query}");
    }
}

#[test]
fn threshold_and_new_terms_windows_use_the_override() {
    // Own times spread over an hour; ingested within two minutes.
    let events: Vec<Event> = (0..3)
        .map(|i| {
            ev(
                &format!("t{i}"),
                T0 + i * 30 * MIN,
                Some(T0 + i * MIN),
                proc("a.exe"),
            )
        })
        .collect();
    let extra = "[rule.threshold]\nfield = [\"user.name\"]\nvalue = 3\n";
    let query = "process.name:a.exe";
    let with = run(&rule("t1", "threshold", query, extra, true), &events);
    assert_eq!(with.len(), 1);
    assert_eq!(with[0].fields["threshold_result.count"], "3");
    assert!(run(&rule("t2", "threshold", query, extra, false), &events).is_empty());

    // new_terms: the second sighting of the user is new only when its time is outside
    // the one-hour history, which depends on the time field.
    let extra = "[rule.new_terms]\nfield = \"new_terms_fields\"\nvalue = [\"user.name\"]\n\
                 [[rule.new_terms.history_window_start]]\nfield = \"history_window_start\"\nvalue = \"now-1h\"\n";
    let events = vec![
        ev("n1", T0, Some(T0), proc("a.exe")),
        ev("n2", T0 + 90 * MIN, Some(T0 + 10 * MIN), proc("a.exe")),
    ];
    let with = run(&rule("nt1", "new_terms", query, extra, true), &events);
    assert_eq!(with.len(), 1, "{with:?}");
    let without = run(&rule("nt2", "new_terms", query, extra, false), &events);
    assert_eq!(without.len(), 2, "{without:?}");
}
