use super::*;
use crate::testutil::{T0, alert, net_event};
use serde_json::json;

fn spec(v: serde_json::Value) -> PivotSpec {
    PivotSpec::from_json(&v).unwrap()
}

#[test]
fn fields_are_substituted_and_time_is_relative_to_the_alert() {
    let s = spec(json!({
        "label": "Host and user",
        "providers": [[
            {"field": "host.name", "queryType": "phrase", "value": "{{host.name}}"},
            {"field": "user.name", "queryType": "phrase", "value": "{{user.name}}"}
        ]],
        "relativeFrom": "now-48h", "relativeTo": "now"
    }));
    let p = resolve(&s, &alert("a1", "WS6", "bob", T0), Some(&net_event()));
    assert!(p.problems.is_empty(), "{:?}", p.problems);
    assert_eq!(
        query::events_query(&p).unwrap(),
        r#"(host.name:"WS6" AND user.name:"bob") AND @timestamp:[2020-09-12T08:05:46Z TO 2020-09-14T08:05:46Z]"#
    );
}

#[test]
fn query_rendering_table() {
    let cases = [
        (
            json!([[{"field": "process.pid", "value": "{{process.pid}}"}],
                   [{"field": "process.entity_id", "queryType": "exists"}]]),
            r#"((process.pid:"4242") OR (process.entity_id:*))"#,
        ),
        (
            json!([[{"field": "event.code", "excluded": true, "value": "4688"}]]),
            r#"(* AND NOT event.code:"4688")"#,
        ),
        (
            json!([[{"field": "process.command_line", "value": "a \"quoted\" \\ value) OR x:*"}]]),
            r#"(process.command_line:"a \"quoted\" \\ value) OR x:*")"#,
        ),
        (
            json!([[{"field": "message", "value": "pre-{{host.name}}-post"}]]),
            r#"(message:"pre-WS6-post")"#,
        ),
    ];
    let a = alert("a1", "WS6", "bob", T0);
    for (providers, want) in cases {
        let p = resolve(
            &spec(json!({"providers": providers})),
            &a,
            Some(&net_event()),
        );
        assert_eq!(query::events_query(&p).as_deref(), Some(want));
    }
}

#[test]
fn unresolvable_groups_are_dropped_with_a_reason() {
    let s = spec(json!({
        "providers": [
            [{"field": "host.name", "value": "{{host.name}}"}, {"field": "dns.question.name", "value": "{{dns.question.name}}"}],
            [{"field": "bad field!", "value": "x"}],
            [{"field": "x", "queryType": "range", "value": "1"}],
            [{"field": "user.name", "value": "{{user.name}}"}]
        ],
        "relativeFrom": "last tuesday"
    }));
    let p = resolve(&s, &alert("a1", "WS6", "bob", T0), Some(&net_event()));
    assert_eq!(p.clauses.len(), 1);
    assert_eq!(p.problems.len(), 4, "{:?}", p.problems);
    assert!(p.problems[0].contains("dns.question.name"));
    assert_eq!(p.from_ms, None);
    let none = resolve(
        &spec(json!({"providers": [[{"field": "a", "value": "{{missing}}"}]]})),
        &alert("a1", "WS6", "bob", T0),
        None,
    );
    assert!(!none.is_runnable());
    assert_eq!(query::events_query(&none), None);
}

#[test]
fn alert_values_are_used_when_the_event_lacks_the_field() {
    let s = spec(
        json!({"providers": [[{"field": "rule.id", "value": "{{kibana.alert.rule.rule_id}}"}]]}),
    );
    let p = resolve(&s, &alert("a1", "WS6", "bob", T0), None);
    assert_eq!(
        p.clauses[0][0].test,
        ClauseTest::Equals("1aa9181a-492b-4c01-8b16-fa0735786b2b".into())
    );
}

#[test]
fn alerts_pivot_counts_other_alerts_for_host_or_user() {
    let s = spec(json!({
        "label": "Other alerts for the user or host", "target": "alerts",
        "providers": [[{"field": "host.name", "value": "{{host.name}}"}],
                      [{"field": "user.name", "value": "{{user.name}}"}]],
        "relativeFrom": "now-48h", "relativeTo": "now"
    }));
    let hour = 3_600_000;
    let me = alert("a1", "WS6", "bob", T0);
    let alerts = vec![
        me.clone(),
        alert("a2", "WS6", "eve", T0 - 10 * hour), // same host
        alert("a3", "SRV1", "bob", T0 - 47 * hour), // same user
        alert("a4", "SRV1", "bob", T0 - 49 * hour), // too old
        alert("a5", "SRV1", "eve", T0 - hour),     // neither
        alert("a6", "WS6", "bob", T0 + hour),      // after the alert
    ];
    let p = resolve(&s, &me, None);
    assert_eq!(p.target, PivotTarget::Alerts);
    let ids: Vec<&str> = alerts::matching(&p, &alerts)
        .iter()
        .map(|a| a.id.as_str())
        .collect();
    assert_eq!(ids, ["a1", "a2", "a3"]);
}

#[test]
fn excluded_and_exists_on_alerts() {
    let s = spec(json!({"target": "alerts", "providers": [[
        {"field": "host.name", "value": "WS6"},
        {"field": "rule.id", "excluded": true, "value": "1aa9181a-492b-4c01-8b16-fa0735786b2b"}
    ], [{"field": "CreatedUser", "queryType": "exists"}, {"field": "user.name", "value": "eve"}]]}));
    let p = resolve(&s, &alert("x", "WS6", "bob", T0), None);
    let alerts = vec![alert("a", "WS6", "bob", T0), alert("b", "X", "eve", T0)];
    let ids: Vec<&str> = alerts::matching(&p, &alerts)
        .iter()
        .map(|a| a.id.as_str())
        .collect();
    assert_eq!(ids, ["b"]);
}

#[test]
fn field_names_can_be_mapped_for_the_index() {
    let s = spec(
        json!({"providers": [[{"field": "host.name", "value": "WS6"}]], "relativeFrom": "now-1h"}),
    );
    let p = resolve(&s, &alert("a1", "WS6", "bob", T0), None);
    let q = query::events_query_mapped(&p, &|f| format!("doc.{f}")).unwrap();
    assert_eq!(
        q,
        r#"(doc.host.name:"WS6") AND doc.@timestamp:[2020-09-14T07:05:46Z TO *]"#
    );
}
