use super::*;
use crate::model::triage::{Classification, FalsePositiveKind, Status};
use std::io::Write;

const FP: Classification = Classification::FalsePositive(FalsePositiveKind::IncorrectRuleLogic);

fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

#[test]
fn transitions_and_audit_trail() {
    let dir = tmp();
    let mut s = Store::open(dir.path()).unwrap();
    assert_eq!(s.get("a1"), AlertTriage::default());
    assert!(
        s.apply("a1", Change::SetStatus(Status::Acknowledged), "ann", 10)
            .unwrap()
    );
    assert!(
        !s.apply("a1", Change::SetStatus(Status::Acknowledged), "ann", 11)
            .unwrap(),
        "no-op is not a change"
    );
    s.apply(
        "a1",
        Change::CheckStep {
            step: "inv-1".into(),
            note: Some("parent is explorer".into()),
        },
        "ann",
        20,
    )
    .unwrap();
    s.apply(
        "a1",
        Change::Classify {
            classification: FP,
            reason: Some("it-admin".into()),
        },
        "ann",
        30,
    )
    .unwrap();
    s.apply(
        "a1",
        Change::Comment("helpdesk ticket 42".into()),
        "bob",
        40,
    )
    .unwrap();
    s.apply("a1", Change::SetStatus(Status::Open), "bob", 50)
        .unwrap();
    let t = s.get("a1");
    assert_eq!(t.status, Status::Open);
    assert_eq!(
        t.classification, None,
        "reopening clears the classification"
    );
    assert_eq!(t.reason, None);
    assert!(t.steps["inv-1"].done);
    assert_eq!(t.steps["inv-1"].note.as_deref(), Some("parent is explorer"));
    assert_eq!(t.steps["inv-1"].by.as_deref(), Some("ann"));
    type Row = (String, i64, String, Option<String>, Option<String>);
    let trail: Vec<Row> = t
        .audit
        .iter()
        .map(|a| {
            (
                a.by.clone(),
                a.at_ms,
                a.what.clone(),
                a.from.clone(),
                a.to.clone(),
            )
        })
        .collect();
    let e = |by: &str, at, what: &str, from: Option<&str>, to: Option<&str>| {
        (
            by.to_string(),
            at,
            what.to_string(),
            from.map(String::from),
            to.map(String::from),
        )
    };
    assert_eq!(
        trail,
        vec![
            e("ann", 10, "status", Some("open"), Some("acknowledged")),
            e("ann", 20, "step:inv-1", Some("unchecked"), Some("checked")),
            e(
                "ann",
                20,
                "step:inv-1:note",
                None,
                Some("parent is explorer")
            ),
            e("ann", 30, "status", Some("acknowledged"), Some("closed")),
            e(
                "ann",
                30,
                "classification",
                None,
                Some("false_positive:incorrect_rule_logic")
            ),
            e("ann", 30, "reason", None, Some("it-admin")),
            e("bob", 40, "comment", None, Some("helpdesk ticket 42")),
            e("bob", 50, "status", Some("closed"), Some("open")),
            e(
                "bob",
                50,
                "classification",
                Some("false_positive:incorrect_rule_logic"),
                None
            ),
            e("bob", 50, "reason", Some("it-admin"), None),
        ]
    );
    // Everything survives a reopen of the store, identical.
    let again = Store::open(dir.path()).unwrap();
    assert_eq!(again.get("a1"), t);
    assert_eq!(again.load_report().replayed, 5);
}

#[test]
fn invalid_changes_are_refused_with_a_reason() {
    let dir = tmp();
    let mut s = Store::open(dir.path()).unwrap();
    let cases = [
        ("a1", Change::Comment("   ".into()), "comment is empty"),
        (
            "a1",
            Change::CheckStep {
                step: "".into(),
                note: None,
            },
            "step id is empty",
        ),
        ("", Change::SetStatus(Status::Closed), "alert id"),
        (
            "a1",
            Change::Classify {
                classification: FP,
                reason: Some("".into()),
            },
            "reason is empty",
        ),
    ];
    for (i, (id, change, want)) in cases.into_iter().enumerate() {
        let who = if i == 4 { " " } else { "ann" };
        let err = s.apply(id, change, who, 1).unwrap_err().to_string();
        assert!(err.contains(want), "{err}");
    }
    assert!(s.all().is_empty());
}

#[test]
fn multi_selection_applies_once_per_alert() {
    let dir = tmp();
    let mut s = Store::open(dir.path()).unwrap();
    s.apply(
        "b",
        Change::Classify {
            classification: Classification::TruePositive,
            reason: None,
        },
        "ann",
        1,
    )
    .unwrap();
    let n = s
        .apply_many(
            &["a", "b", "c"],
            &Change::Classify {
                classification: Classification::TruePositive,
                reason: None,
            },
            "ann",
            2,
        )
        .unwrap();
    assert_eq!(n, 2, "b was already closed as true positive");
    assert_eq!(
        s.get("c").classification,
        Some(Classification::TruePositive)
    );
}

#[test]
fn torn_last_line_is_reported_and_set_aside() {
    let dir = tmp();
    {
        let mut s = Store::open(dir.path()).unwrap();
        s.apply("a1", Change::Comment("kept".into()), "ann", 1)
            .unwrap();
    }
    let journal = dir.path().join("journal.jsonl");
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(&journal)
        .unwrap();
    f.write_all(br#"{"seq":2,"by":"ann","at_ms":2,"type":"change","alert":"a1","change":{"comm"#)
        .unwrap();
    drop(f);
    let mut s = Store::open(dir.path()).unwrap();
    let torn = s
        .load_report()
        .torn_tail
        .clone()
        .expect("torn tail reported");
    assert!(torn.preview.starts_with("{\"seq\":2"));
    assert_eq!(s.get("a1").comments.len(), 1);
    assert!(
        std::fs::read_to_string(dir.path().join("journal.torn"))
            .unwrap()
            .contains("\"seq\":2")
    );
    // New writes land on a clean line.
    s.apply("a1", Change::Comment("after".into()), "ann", 3)
        .unwrap();
    let s2 = Store::open(dir.path()).unwrap();
    assert!(s2.load_report().torn_tail.is_none());
    assert_eq!(s2.get("a1").comments.len(), 2);
}

#[test]
fn corrupt_middle_line_is_skipped_not_fatal() {
    let dir = tmp();
    {
        let mut s = Store::open(dir.path()).unwrap();
        s.apply("a1", Change::Comment("one".into()), "ann", 1)
            .unwrap();
        s.apply("a1", Change::Comment("two".into()), "ann", 2)
            .unwrap();
    }
    let journal = dir.path().join("journal.jsonl");
    let text = std::fs::read_to_string(&journal).unwrap();
    let (first, rest) = text.split_once('\n').unwrap();
    std::fs::write(&journal, format!("{first}\ngarbage line\n{rest}")).unwrap();
    let s2 = Store::open(dir.path()).unwrap();
    assert_eq!(s2.load_report().bad_lines, vec![2]);
    assert!(s2.load_report().torn_tail.is_none());
    assert_eq!(s2.get("a1").comments.len(), 2);
}

#[test]
fn compaction_keeps_state_and_tolerates_a_stale_journal() {
    let dir = tmp();
    let mut s = Store::open(dir.path()).unwrap();
    for i in 0..10 {
        s.apply(
            &format!("a{}", i % 3),
            Change::Comment(format!("c{i}")),
            "ann",
            i,
        )
        .unwrap();
    }
    let before = s.all().clone();
    let journal = dir.path().join("journal.jsonl");
    let stale = std::fs::read(&journal).unwrap();
    s.compact().unwrap();
    assert_eq!(std::fs::metadata(&journal).unwrap().len(), 0);
    assert_eq!(Store::open(dir.path()).unwrap().all(), &before);
    // A crash after the snapshot rename but before the journal reset leaves old records:
    // they are skipped by sequence number, not applied twice.
    std::fs::write(&journal, stale).unwrap();
    let s2 = Store::open(dir.path()).unwrap();
    assert_eq!(s2.all(), &before);
    assert_eq!(s2.load_report().replayed, 0);
    let snap = std::fs::read_to_string(dir.path().join("snapshot.json")).unwrap();
    assert!(snap.contains("\"format\": \"vigil-triage-snapshot\""));
}

#[test]
fn two_stores_on_one_workspace_see_each_other() {
    let dir = tmp();
    let mut a = Store::open(dir.path()).unwrap();
    let mut b = Store::open(dir.path()).unwrap();
    a.apply("x", Change::Comment("from a".into()), "ann", 1)
        .unwrap();
    b.apply("x", Change::Comment("from b".into()), "bob", 2)
        .unwrap();
    a.compact().unwrap();
    b.apply("x", Change::Comment("b after compaction".into()), "bob", 3)
        .unwrap();
    a.refresh().unwrap();
    let texts: Vec<String> = a.get("x").comments.into_iter().map(|c| c.text).collect();
    assert_eq!(texts, ["from a", "from b", "b after compaction"]);
}

#[test]
fn dispositions_round_trip_and_merge() {
    let (d1, d2) = (tmp(), tmp());
    let mut ann = Store::open(d1.path()).unwrap();
    let mut bob = Store::open(d2.path()).unwrap();
    ann.apply("shared", Change::SetStatus(Status::Acknowledged), "ann", 10)
        .unwrap();
    ann.apply(
        "shared",
        Change::CheckStep {
            step: "s1".into(),
            note: None,
        },
        "ann",
        11,
    )
    .unwrap();
    ann.apply(
        "only-ann",
        Change::Classify {
            classification: Classification::TruePositive,
            reason: None,
        },
        "ann",
        12,
    )
    .unwrap();
    bob.apply(
        "shared",
        Change::Classify {
            classification: FP,
            reason: Some("it-admin".into()),
        },
        "bob",
        20,
    )
    .unwrap();
    bob.apply(
        "shared",
        Change::CheckStep {
            step: "s1".into(),
            note: None,
        },
        "bob",
        4,
    )
    .unwrap();
    bob.apply(
        "shared",
        Change::UncheckStep { step: "s1".into() },
        "bob",
        5,
    )
    .unwrap();
    bob.apply("shared", Change::Comment("seen it".into()), "bob", 21)
        .unwrap();

    let file = d2.path().join("bob.json");
    bob.export_dispositions(&file, "bob", 100).unwrap();
    let summary = ann.import_dispositions(&file, "ann", 200).unwrap();
    assert_eq!(
        summary,
        transfer::ImportSummary {
            alerts_added: 0,
            alerts_merged: 1,
            alerts_unchanged: 0,
            exceptions_added: 0
        }
    );
    let t = ann.get("shared");
    assert_eq!(t.status, Status::Closed, "bob's decision is newer");
    assert_eq!(t.reason.as_deref(), Some("it-admin"));
    assert!(t.steps["s1"].done, "ann ticked s1 after bob unticked it");
    assert_eq!(t.comments.len(), 1);
    let times: Vec<i64> = t.audit.iter().map(|a| a.at_ms).collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "{times:?}");
    assert_eq!(t.audit.len(), 2 + 2 + 3 + 1 + 1, "{:#?}", t.audit);
    assert_eq!(t.audit.last().unwrap().what, "import");
    // Importing again changes nothing; the merge survives a reopen.
    let again = ann.import_dispositions(&file, "ann", 300).unwrap();
    assert_eq!(again.alerts_unchanged, 1);
    assert_eq!(Store::open(d1.path()).unwrap().get("shared"), t);
    // A file of the wrong kind is refused with a hint.
    std::fs::write(d1.path().join("x.json"), "{}").unwrap();
    let err = ann
        .import_dispositions(&d1.path().join("x.json"), "ann", 1)
        .unwrap_err();
    assert!(
        err.to_string().contains("vigil dispositions export"),
        "{err}"
    );
}
