//! Phase-2 interface behaviour: the guide checklist with notes and pivot counts, the
//! exception editor with its preview, and case-note export, all driven by keys.

#![allow(clippy::unwrap_used)]

mod ui_support;

use ui_support::{controller, keys, screen, select_alert};
use vigil::app::casework::PivotResults;
use vigil::app::state::{Overlay, Pane};
use vigil::app::{Action, Controller, Keymap, MemorySource};
use vigil::model::triage::{Classification, FalsePositiveKind, Status};

fn open_checklist(c: &mut Controller, alert: &str) {
    select_alert(c, alert);
    keys(c, "<enter><tab>");
    assert_eq!(c.state.pane, Pane::Checklist);
}

fn steps(c: &Controller) -> &vigil::app::casework::Checklist {
    c.state
        .view
        .as_ref()
        .unwrap()
        .data
        .checklist
        .as_ref()
        .unwrap()
}

#[test]
fn the_guide_becomes_a_checklist_with_live_pivot_counts() {
    let mut c = controller();
    open_checklist(&mut c, "a01-office-net");
    let cl = steps(&c);
    assert_eq!(cl.steps.len(), 8, "4 investigation + 4 response steps");
    assert!(cl.steps[0].id.starts_with("inv-") && cl.steps[7].id.starts_with("resp-"));
    assert_eq!(cl.steps[4].id, "resp-1");
    let alerts_pivot = &cl.steps[3].pivots[0];
    assert_eq!(alerts_pivot.label, "alerts for this user or host ±48h");
    // a02 and a03 share host and user with a01 within 48 hours; nothing else does.
    assert_eq!(alerts_pivot.count, Ok(2));
    let groups = &cl.steps[2].pivots[0];
    assert_eq!(groups.count, Ok(1), "the 4732 on WS01");
}

#[test]
fn ticking_and_noting_steps_is_saved_with_who_and_when() {
    let mut c = controller();
    open_checklist(&mut c, "a01-office-net");
    keys(&mut c, "<space>jN");
    keys(&mut c, "alice is not an admin<enter>");
    let t = &c.state.triage["a01-office-net"];
    let first = &t.steps["inv-1"];
    assert!(first.done);
    assert_eq!(first.by.as_deref(), Some("tester"));
    assert_eq!(first.at_ms, Some(ui_support::NOW_MS));
    let second = &t.steps["inv-2"];
    assert!(!second.done);
    assert_eq!(second.note.as_deref(), Some("alice is not an admin"));
    let whats: Vec<&str> = t.audit.iter().map(|e| e.what.as_str()).collect();
    assert_eq!(whats, ["step:inv-1", "step:inv-2:note"]);
    keys(&mut c, "k<space>");
    assert!(
        !c.state.triage["a01-office-net"].steps["inv-1"].done,
        "space unticks"
    );
    let s = screen(&c, 120, 40);
    assert!(s.contains("Checklist 0/8"), "{s}");
    assert!(s.contains("✎ alice is not an admin"), "{s}");
}

#[test]
fn enter_on_a_pivot_opens_its_results() {
    let mut c = controller();
    open_checklist(&mut c, "a01-office-net");
    keys(&mut c, "jjj<enter>");
    let Some(Overlay::AlertList { ids, .. }) = &c.state.overlay else {
        panic!("no alert list")
    };
    assert_eq!(ids, &["a02-4720", "a03-corr"]);
    keys(&mut c, "j<enter>");
    assert!(c.state.overlay.is_none());
    assert_eq!(c.state.view.as_ref().unwrap().data.alert.id, "a03-corr");
    // An events pivot opens the timeline with its query, on every host.
    keys(&mut c, "<esc>");
    select_alert(&mut c, "a01-office-net");
    keys(&mut c, "<enter><tab>jj<enter>");
    assert_eq!(c.state.pane, Pane::Timeline);
    let t = &c.state.view.as_ref().unwrap().timeline;
    assert_eq!(t.query, "event.code:4732 AND host.name:\"WS01\"");
    assert_eq!(t.host, None);
    assert_eq!(t.events.len(), 1);
    let cl = steps(&c);
    assert!(matches!(
        cl.steps[2].pivots[0].results,
        Some(PivotResults::Events { .. })
    ));
}

#[test]
fn a_step_without_a_pivot_explains_itself() {
    let mut c = controller();
    open_checklist(&mut c, "a01-office-net");
    keys(&mut c, "G<enter>");
    assert!(c.state.message.as_ref().unwrap().is_error);
    assert!(c.state.overlay.is_none());
}

#[test]
fn exception_editor_previews_then_closes_the_matching_alerts() {
    let mut c = controller();
    select_alert(&mut c, "a05-helpdesk-new");
    keys(&mut c, "X");
    let Some(Overlay::Exception(ed)) = &c.state.overlay else {
        panic!("no editor")
    };
    assert_eq!(ed.draft.host.as_deref(), Some("HELPDESK-PC"));
    assert_eq!(ed.draft.user.as_deref(), Some("jsmith"));
    assert_eq!(ed.draft.command_line.as_deref(), Some("net user * /add"));
    let p = ed.preview.clone().unwrap().unwrap();
    // a05 and the suppressed a10 are open; a04 was closed before.
    assert_eq!((p.open, p.past), (2, 1));
    // Narrow the command line to tempuser2 only, then set the reason.
    keys(&mut c, "jjjjj<enter>");
    for _ in 0.."net user * /add".len() {
        keys(&mut c, "<bs>");
    }
    keys(&mut c, "net user tempuser2 *<enter>");
    let Some(Overlay::Exception(ed)) = &c.state.overlay else {
        panic!("editor closed")
    };
    assert_eq!(ed.preview.clone().unwrap().unwrap().past, 0);
    assert_eq!(
        ed.draft.reason.as_deref(),
        Some("it-admin"),
        "prefilled from the suggestion"
    );
    keys(&mut c, "w");
    assert!(c.state.overlay.is_none());
    assert!(
        c.state
            .message
            .as_ref()
            .unwrap()
            .text
            .contains("2 open alert(s) closed")
    );
    for id in ["a05-helpdesk-new", "a10-suppressed"] {
        let t = &c.state.triage[id];
        assert_eq!(t.status, Status::Closed);
        assert_eq!(
            t.classification,
            Some(Classification::FalsePositive(
                FalsePositiveKind::IncorrectRuleLogic
            ))
        );
        assert_eq!(t.reason.as_deref(), Some("it-admin"));
        assert_eq!(t.exception_id.as_deref(), Some("exc-1"));
    }
}

#[test]
fn an_exception_with_no_condition_is_refused() {
    let mut c = controller();
    select_alert(&mut c, "a02-4720");
    keys(&mut c, "X");
    // a02 has a host and a user; clear both.
    keys(&mut c, "j<enter>");
    for _ in 0..10 {
        keys(&mut c, "<bs>");
    }
    keys(&mut c, "<enter>j<enter>");
    for _ in 0..10 {
        keys(&mut c, "<bs>");
    }
    keys(&mut c, "<enter>");
    let Some(Overlay::Exception(ed)) = &c.state.overlay else {
        panic!("editor closed")
    };
    let err = ed.preview.clone().unwrap().unwrap_err();
    assert!(err.contains("needs a condition"), "{err}");
    keys(&mut c, "w");
    assert!(c.state.overlay.is_some(), "not saved, still editing");
    assert!(c.state.message.as_ref().unwrap().is_error);
}

#[test]
fn case_notes_export_for_a_selection_with_safe_file_names() {
    let dir = tempfile::tempdir().unwrap();
    let src = MemorySource::from_json(ui_support::FIXTURE)
        .unwrap()
        .with_export_dir(dir.path().to_path_buf());
    let mut c = Controller::new(
        Box::new(src),
        Keymap::builtin().unwrap(),
        "tester",
        ui_support::NOW_MS,
    );
    c.dispatch(Action::Resize {
        width: 120,
        height: 40,
    });
    select_alert(&mut c, "a01-office-net");
    keys(&mut c, "t");
    select_alert(&mut c, "a08-hostile");
    keys(&mut c, "E");
    assert!(
        c.state
            .message
            .as_ref()
            .unwrap()
            .text
            .contains("1 case note(s) written")
    );
    let md = std::fs::read_to_string(dir.path().join("a08-hostile.md")).unwrap();
    assert!(!md.contains('\u{1b}'), "no raw ESC in the notes");
    assert!(md.contains("\\x1b"));
    // The closed one: reach it by showing all statuses, mark it and the hostile one.
    keys(&mut c, "ffff");
    select_alert(&mut c, "a01-office-net");
    keys(&mut c, "m");
    select_alert(&mut c, "a08-hostile");
    keys(&mut c, "mE");
    let md = std::fs::read_to_string(dir.path().join("a01-office-net.md")).unwrap();
    assert!(md.contains("Classification: true_positive"), "{md}");
    assert!(md.contains("## Checklist"));
}

#[test]
fn checklist_and_exception_editor_snapshots() {
    let mut c = ui_support::controller_sized(110, 30);
    open_checklist(&mut c, "a01-office-net");
    keys(&mut c, "<space>jjj");
    insta::assert_snapshot!("checklist_110x30", screen(&c, 110, 30));
    keys(&mut c, "<esc>");
    select_alert(&mut c, "a05-helpdesk-new");
    keys(&mut c, "X");
    insta::assert_snapshot!("exception_editor_110x30", screen(&c, 110, 30));
}
