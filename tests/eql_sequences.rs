//! Sequences, samples, pipes and the rule-set evaluator: every scenario runs with events
//! in time order and reversed, and must give the same matches.

#![allow(clippy::unwrap_used)]

use serde_json::{Value, json};
use vigil::model::Event;
use vigil::rules::api::{Evaluator, RuleMatch};
use vigil::rules::eql::{EqlRuleSet, compile};

fn ev(id: &str, ts: i64, doc: Value) -> Event {
    Event {
        id: id.into(),
        timestamp_ms: ts,
        doc,
        original: String::new(),
    }
}

/// A process event for `user` running `name`.
fn proc(id: &str, ts: i64, user: &str, name: &str) -> Event {
    ev(
        id,
        ts,
        json!({"event": {"category": ["process"]}, "user": {"name": user},
               "process": {"name": name}}),
    )
}

fn run_set(rules: &[(&str, &str)], events: &[Event]) -> Vec<RuleMatch> {
    let compiled = rules
        .iter()
        .map(|(id, q)| (id.to_string(), compile(q).unwrap()))
        .collect();
    let set = EqlRuleSet::new(compiled);
    let mut out = Vec::new();
    let mut e = set.evaluator();
    for x in events {
        e.on_event(x, &mut out);
    }
    e.finish(&mut out);
    out
}

/// Matches as lists of event ids, checked to be independent of arrival order.
fn run(query: &str, events: &[Event]) -> Vec<Vec<String>> {
    let ids = |ms: Vec<RuleMatch>| -> Vec<Vec<String>> {
        let mut v: Vec<Vec<String>> = ms
            .into_iter()
            .map(|m| m.events.into_iter().map(|(id, _)| id).collect())
            .collect();
        v.sort();
        v
    };
    let forward = ids(run_set(&[("r", query)], events));
    let mut reversed: Vec<Event> = events.to_vec();
    reversed.reverse();
    let backward = ids(run_set(&[("r", query)], &reversed));
    assert_eq!(
        forward, backward,
        "arrival order changed the result of {query}"
    );
    forward
}

fn ids(lists: &[&[&str]]) -> Vec<Vec<String>> {
    let mut v: Vec<Vec<String>> = lists
        .iter()
        .map(|l| l.iter().map(|s| s.to_string()).collect())
        .collect();
    v.sort();
    v
}

#[test]
fn elasticsearch_state_machine_example() {
    let data = [
        ("root", "attrib"),
        ("root", "attrib"),
        ("elkbee", "bash"),
        ("root", "bash"),
        ("root", "bash"),
        ("elkbee", "attrib"),
        ("root", "attrib"),
        ("elkbee", "bash"),
        ("root", "cat"),
        ("elkbee", "cat"),
        ("root", "cat"),
    ];
    let events: Vec<Event> = data
        .iter()
        .enumerate()
        .map(|(i, (u, n))| proc(&format!("{:02}", i + 1), (i as i64 + 1) * 1000, u, n))
        .collect();
    let q = r#"sequence by user.name
  [process where process.name == "attrib"]
  [process where process.name == "bash"]
  [process where process.name == "cat"]"#;
    assert_eq!(
        run(q, &events),
        ids(&[&["02", "04", "09"], &["06", "08", "10"]])
    );
}

#[test]
fn maxspan_is_measured_from_the_first_event() {
    let q = r#"sequence by user.name with maxspan=10s
  [process where process.name == "a"] [process where process.name == "b"]"#;
    let within = [proc("1", 0, "u", "a"), proc("2", 10_000, "u", "b")];
    assert_eq!(run(q, &within), ids(&[&["1", "2"]]));
    let late = [proc("1", 0, "u", "a"), proc("2", 10_001, "u", "b")];
    assert!(run(q, &late).is_empty());
    let q3 = r#"sequence with maxspan=500ms [process where process.name == "a"]
      [process where process.name == "b"] [process where process.name == "c"]"#;
    let chain = [
        proc("1", 0, "u", "a"),
        proc("2", 400, "u", "b"),
        proc("3", 800, "u", "c"),
    ];
    assert!(run(q3, &chain).is_empty());
    let q4 = q3.replace("500ms", "1s");
    assert_eq!(run(&q4, &chain), ids(&[&["1", "2", "3"]]));
    let q5 = q3.replace("500ms", "1m");
    assert_eq!(run(&q5, &chain), ids(&[&["1", "2", "3"]]));
}

#[test]
fn until_discards_pending_sequences_only() {
    let q = r#"sequence by user.name
  [process where process.name == "A"] [process where process.name == "B"]
until [process where process.name == "C"]"#;
    let ab = [proc("1", 1, "x", "A"), proc("2", 2, "x", "B")];
    assert_eq!(run(q, &ab), ids(&[&["1", "2"]]));
    let abc = [
        proc("1", 1, "x", "A"),
        proc("2", 2, "x", "B"),
        proc("3", 3, "x", "C"),
    ];
    assert_eq!(run(q, &abc), ids(&[&["1", "2"]]));
    let acb = [
        proc("1", 1, "x", "A"),
        proc("2", 2, "x", "C"),
        proc("3", 3, "x", "B"),
    ];
    assert!(run(q, &acb).is_empty());
    // An until event of another key does not interfere.
    let other = [
        proc("1", 1, "x", "A"),
        proc("2", 2, "y", "C"),
        proc("3", 3, "x", "B"),
    ];
    assert_eq!(run(q, &other), ids(&[&["1", "3"]]));
}

#[test]
fn per_item_keys_join_positionally() {
    let file = |id: &str, ts: i64, path: &str| {
        ev(
            id,
            ts,
            json!({"event": {"category": "file"}, "user": {"name": "u"},
                           "file": {"path": path, "extension": "exe"}}),
        )
    };
    let exec = |id: &str, ts: i64, exe: &str| {
        ev(
            id,
            ts,
            json!({"event": {"category": "process"}, "user": {"name": "u"},
                           "process": {"executable": exe}}),
        )
    };
    let q = r#"sequence by user.name
  [file where file.extension == "exe"] by file.path
  [process where true] by process.executable"#;
    let events = [
        file("1", 1, "C:\\a.exe"),
        exec("2", 2, "C:\\b.exe"),
        exec("3", 3, "C:\\a.exe"),
    ];
    assert_eq!(run(q, &events), ids(&[&["1", "3"]]));
    let q2 = r#"sequence
  [file where file.extension == "exe"] by user.name, file.path
  [process where true] by user.name, process.executable"#;
    assert_eq!(run(q2, &events), ids(&[&["1", "3"]]));
}

#[test]
fn optional_keys_allow_null() {
    let a = |id: &str, ts: i64, k: Option<&str>| {
        let mut d = json!({"event": {"category": "process"}, "process": {"name": "a"}});
        if let Some(k) = k {
            d["process"]["entity_id"] = json!(k);
        }
        ev(id, ts, d)
    };
    let b = |id: &str, ts: i64| ev(id, ts, json!({"event": {"category": "network"}}));
    let required = r#"sequence by process.entity_id [process where true] [network where true]"#;
    let optional = r#"sequence by ?process.entity_id [process where true] [network where true]"#;
    let events = [a("1", 1, None), b("2", 2)];
    assert!(run(required, &events).is_empty());
    assert_eq!(run(optional, &events), ids(&[&["1", "2"]]));
    let keyed = [a("1", 1, Some("k")), b("2", 2)];
    assert!(run(optional, &keyed).is_empty());
}

#[test]
fn interleaved_partial_matches_per_key() {
    let q = r#"sequence by user.name [process where process.name == "a"]
      [process where process.name == "b"]"#;
    let events = [
        proc("1", 1, "k1", "a"),
        proc("2", 2, "k2", "a"),
        proc("3", 3, "k1", "b"),
        proc("4", 4, "k2", "b"),
        proc("5", 5, "k1", "b"),
    ];
    assert_eq!(run(q, &events), ids(&[&["1", "3"], &["2", "4"]]));
    // Same timestamps: the event id breaks the tie.
    let tied = [proc("b", 7, "k", "b"), proc("a", 7, "k", "a")];
    let q2 = r#"sequence [process where process.name == "a"] [process where process.name == "b"]"#;
    assert_eq!(run(q2, &tied), ids(&[&["a", "b"]]));
    let tied_rev = [proc("a", 7, "k", "b"), proc("b", 7, "k", "a")];
    assert!(run(q2, &tied_rev).is_empty());
}

#[test]
fn runs_repeat_an_item() {
    let q = r#"sequence by user.name [process where process.name == "f"] with runs=3
      [process where process.name == "ok"]"#;
    let events = [
        proc("1", 1, "u", "f"),
        proc("2", 2, "u", "f"),
        proc("3", 3, "u", "f"),
        proc("4", 4, "u", "ok"),
    ];
    assert_eq!(run(q, &events), ids(&[&["1", "2", "3", "4"]]));
    assert!(run(q, &events[1..]).is_empty());
    let same =
        r#"sequence [process where process.name == "f"] [process where process.name == "f"]"#;
    assert_eq!(run(same, &events[..3]), ids(&[&["1", "2"], &["2", "3"]]));
}

#[test]
fn missing_events() {
    let mid = r#"sequence by user.name with maxspan=1h [process where process.name == "a"]
      ![process where process.name == "b"] [process where process.name == "c"]"#;
    let ac = [proc("1", 1, "u", "a"), proc("2", 3, "u", "c")];
    assert_eq!(run(mid, &ac), ids(&[&["1", "2"]]));
    let abc = [
        proc("1", 1, "u", "a"),
        proc("2", 2, "u", "b"),
        proc("3", 3, "u", "c"),
    ];
    assert!(run(mid, &abc).is_empty());
    let other_key = [
        proc("1", 1, "u", "a"),
        proc("2", 2, "v", "b"),
        proc("3", 3, "u", "c"),
    ];
    assert_eq!(run(mid, &other_key), ids(&[&["1", "3"]]));

    let tail = r#"sequence by user.name with maxspan=5s [process where process.name == "logon"]
      ![process where process.name == "logoff"]"#;
    let quick = [proc("1", 0, "u", "logon"), proc("2", 4_000, "u", "logoff")];
    assert!(run(tail, &quick).is_empty());
    let slow = [proc("1", 0, "u", "logon"), proc("2", 6_000, "u", "logoff")];
    assert_eq!(run(tail, &slow), ids(&[&["1"]]));

    let head = r#"sequence with maxspan=5s ![process where process.name == "x"]
      [process where process.name == "a"] [process where process.name == "b"]"#;
    let preceded = [
        proc("0", 0, "u", "x"),
        proc("1", 1_000, "u", "a"),
        proc("2", 2_000, "u", "b"),
    ];
    assert!(run(head, &preceded).is_empty());
    let long_before = [
        proc("0", 0, "u", "x"),
        proc("1", 10_000, "u", "a"),
        proc("2", 11_000, "u", "b"),
    ];
    assert_eq!(run(head, &long_before), ids(&[&["1", "2"]]));
}

#[test]
fn samples_are_unordered_and_keyed() {
    let host = |id: &str, ts: i64, cat: &str, h: &str| {
        ev(
            id,
            ts,
            json!({"event": {"category": cat}, "host": {"name": h}}),
        )
    };
    let q = r#"sample by host.name [file where true] [process where true]"#;
    let events = [
        host("1", 1, "process", "h1"),
        host("2", 2, "file", "h1"),
        host("3", 3, "file", "h2"),
        host("4", 4, "network", "h2"),
        host("5", 5, "process", "h1"),
    ];
    assert_eq!(run(q, &events), ids(&[&["1", "2"]]));
    let any = r#"sample by host.name [any where true] [any where true]"#;
    assert_eq!(run(any, &events), ids(&[&["1", "2"], &["3", "4"]]));
}

#[test]
fn head_and_tail_pipes() {
    let events: Vec<Event> = (1..=5)
        .map(|i| proc(&i.to_string(), i * 10, "u", "a"))
        .collect();
    assert_eq!(
        run(r#"process where true | head 2"#, &events),
        ids(&[&["1"], &["2"]])
    );
    assert_eq!(
        run(r#"process where true | tail 2"#, &events),
        ids(&[&["4"], &["5"]])
    );
    assert_eq!(
        run(r#"process where true | tail 4 | head 1"#, &events),
        ids(&[&["2"]])
    );
    let seq = r#"sequence [process where true] [process where true] | tail 1"#;
    assert_eq!(run(seq, &events), ids(&[&["4", "5"]]));
    assert!(
        compile("process where true | head 1")
            .unwrap()
            .is_stateful()
    );
}

#[test]
fn rule_set_dispatch_and_match_details() {
    let rules = [
        ("exact", r#"process where process.name == "NET.exe""#),
        ("ci", r#"process where process.name : "NET.exe""#),
        ("file", r#"file where file.name : "NET.exe""#),
        ("any", r#"any where user.name == "u""#),
        (
            "seq",
            r#"sequence by user.name [process where process.name : "net.exe"] [process where true]"#,
        ),
    ];
    let events = [proc("1", 1, "u", "net.exe"), proc("2", 2, "u", "cmd.exe")];
    let out = run_set(&rules, &events);
    let summary: Vec<(String, Vec<String>)> = out
        .iter()
        .map(|m| {
            (
                m.rule_id.clone(),
                m.events.iter().map(|(i, _)| i.clone()).collect(),
            )
        })
        .collect();
    let want = vec![
        ("ci".to_string(), vec!["1".to_string()]),
        ("any".to_string(), vec!["1".to_string()]),
        ("any".to_string(), vec!["2".to_string()]),
        ("seq".to_string(), vec!["1".to_string(), "2".to_string()]),
    ];
    assert_eq!(summary, want);
    let seq = out.iter().find(|m| m.rule_id == "seq").unwrap();
    assert_eq!(seq.fields.get("user.name").map(String::as_str), Some("u"));
    assert_eq!(seq.events[1], ("2".to_string(), 2));
}

#[test]
fn indexed_affixes_never_hide_matches() {
    let exe = |id: &str, path: &str| {
        ev(
            id,
            1,
            json!({"event": {"category": "process"}, "process": {"executable": path}}),
        )
    };
    let rules = [
        (
            "suffix",
            r#"process where process.executable : "*\\net.exe""#,
        ),
        (
            "general",
            r#"process where process.executable : "?:\\windows\\*\\NET.exe""#,
        ),
        (
            "prefix",
            r#"process where process.executable like "C:\\Win*""#,
        ),
        (
            "cased",
            r#"process where process.executable like "*\\net.exe""#,
        ),
    ];
    let events = [
        exe("1", "C:\\Windows\\System32\\NET.EXE"),
        exe("2", "c:\\windows\\x\\net.exe"),
        exe("3", "D:\\tools\\net.exe.bak"),
        exe("4", "é:\\windows\\ü\\net.exe"),
    ];
    let mut got: Vec<(String, String)> = run_set(&rules, &events)
        .into_iter()
        .map(|m| (m.rule_id, m.events[0].0.clone()))
        .collect();
    got.sort();
    let want: Vec<(String, String)> = [
        ("cased", "2"),
        ("cased", "4"),
        ("general", "1"),
        ("general", "2"),
        ("general", "4"),
        ("prefix", "1"),
        ("suffix", "1"),
        ("suffix", "2"),
        ("suffix", "4"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    assert_eq!(got, want);
}
