use super::*;
use crate::store::Change;
use crate::testutil::{T0, alert, net_event};

const HOUR: i64 = 3_600_000;

#[test]
fn command_patterns_keep_program_verb_and_switches() {
    let cases = [
        ("net user helpdesk2 Passw0rd! /add", "net user * /add"),
        ("net1  user  x /add /domain", "net1 user * /add /domain"),
        (
            r#""C:\Program Files\App\app.exe" --install "my thing" now"#,
            r#""C:\Program Files\App\app.exe" --install *"#,
        ),
        ("cmd.exe", "cmd.exe"),
        ("", ""),
    ];
    for (cmd, want) in cases {
        assert_eq!(command_pattern(cmd), want, "{cmd}");
    }
}

#[test]
fn prefill_takes_the_alert_fields() {
    let a = alert("a1", "WS6", "bob", T0);
    let t = AlertTriage {
        classification: Some(Classification::BenignPositive),
        reason: Some("it-admin".into()),
        ..AlertTriage::default()
    };
    let e = Exception::from_alert(&a, Some(&net_event()), &t, "ann", T0);
    assert!(e.id.starts_with("exc-") && e.id.len() == 20);
    assert_eq!(e.rule_id.as_deref(), Some(a.rule_id.as_str()));
    assert_eq!(e.host.as_deref(), Some("WS6"));
    assert_eq!(
        e.parent_executable.as_deref(),
        Some("C:\\Windows\\System32\\cmd.exe")
    );
    assert_eq!(e.command_line.as_deref(), Some("net user * /add"));
    assert_eq!(e.classification, Classification::BenignPositive);
    assert_eq!(e.reason.as_deref(), Some("it-admin"));
    assert!(matches(&e, &a, T0));
}

#[test]
fn matching_table() {
    let base = Exception::from_alert(
        &alert("a1", "WS6", "bob", T0),
        None,
        &AlertTriage::default(),
        "ann",
        T0,
    );
    let mut other_cmd = alert("x", "WS6", "bob", T0);
    if let Some(p) = other_cmd.process.as_mut() {
        p.command_line = Some("net localgroup administrators bob /add".into());
    }
    let mut no_process = alert("x", "WS6", "bob", T0);
    no_process.process = None;
    let mut wide = base.clone();
    wide.host = Some("ws*".into());
    wide.user = None;
    let mut expiring = base.clone();
    expiring.expires_ms = Some(T0 + HOUR);
    let cases = [
        (&base, alert("x", "ws6", "BOB", T0), T0, true), // case-insensitive
        (&base, alert("x", "WS7", "bob", T0), T0, false),
        (&base, other_cmd.clone(), T0, false),
        (&base, no_process, T0, false), // a set condition needs a value
        (&wide, alert("x", "WS99", "eve", T0), T0, true),
        (&expiring, alert("x", "WS6", "bob", T0), T0 + HOUR - 1, true),
        (&expiring, alert("x", "WS6", "bob", T0), T0 + HOUR, false),
    ];
    for (i, (exc, a, now, want)) in cases.into_iter().enumerate() {
        assert_eq!(matches(exc, &a, now), want, "case {i}");
    }
}

#[test]
fn everything_matching_exceptions_are_refused() {
    let mut e = Exception::from_alert(
        &alert("a1", "WS6", "bob", T0),
        None,
        &AlertTriage::default(),
        "ann",
        T0,
    );
    e.rule_id = None;
    e.host = Some("*".into());
    e.user = None;
    e.parent_executable = None;
    e.executable = None;
    e.command_line = Some(" * ".into());
    assert!(
        e.validate()
            .unwrap_err()
            .contains("would match every alert")
    );
}

#[test]
fn preview_counts_then_save_closes_open_matches_with_audit() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    let alerts = vec![
        alert("a1", "WS6", "bob", T0),
        alert("a2", "WS6", "bob", T0 + HOUR),
        alert("a3", "WS6", "bob", T0 - HOUR),
        alert("a4", "WS7", "bob", T0),
        alert("a5", "WS6", "eve", T0),
    ];
    let tp = Change::Classify {
        classification: Classification::TruePositive,
        reason: None,
    };
    store.apply("a3", tp, "ann", T0).unwrap();
    store
        .apply("a2", Change::SetStatus(Status::Acknowledged), "ann", T0)
        .unwrap();
    let fp = Change::Classify {
        classification: Classification::FalsePositive(FalsePositiveKind::IncorrectRuleLogic),
        reason: Some("it-admin".into()),
    };
    store.apply("a1", fp, "ann", T0).unwrap();

    let mut exc = Exception::from_alert(&alerts[0], None, &store.get("a1"), "ann", T0 + 5);
    let p = preview(&exc, &alerts, &store, T0 + 5);
    assert_eq!(p.open, ["a2"]);
    assert_eq!(p.past, ["a1", "a3"]);
    // Editing widens it: without the user condition a5 matches too.
    exc.user = None;
    exc.id = exc.derive_id();
    let p = preview(&exc, &alerts, &store, T0 + 5);
    assert_eq!((p.open.len(), p.past.len()), (2, 2));

    let closed = save(&mut store, &exc, &alerts, "ann", T0 + 6).unwrap();
    assert_eq!(closed, ["a2", "a5"]);
    let reopened = Store::open(dir.path()).unwrap();
    for id in ["a2", "a5"] {
        let t = reopened.get(id);
        assert_eq!(t.status, Status::Closed);
        assert_eq!(t.exception_id.as_deref(), Some(exc.id.as_str()));
        assert_eq!(t.reason.as_deref(), Some("it-admin"));
        let last = t.audit.last().unwrap();
        assert_eq!(
            (last.what.as_str(), last.to.as_deref()),
            ("exception", Some(exc.id.as_str()))
        );
    }
    assert_eq!(
        reopened.get("a3").classification,
        Some(Classification::TruePositive),
        "past decisions stay"
    );
    assert_eq!(reopened.exception(&exc.id), Some(&exc));
    // A future alert is marked suppressed, not deleted.
    let future = alert("a9", "WS6", "zed", T0 + 10 * HOUR);
    assert_eq!(
        suppressed_by(&future, reopened.exceptions(), T0 + 10 * HOUR),
        Some(exc.id.as_str())
    );
}
