//! Every view renders at every terminal size down to 40x10 (and degenerate sizes below)
//! without a panic, and resizing keeps the cursor on screen.

mod ui_support;

use ui_support::{controller_sized, keys, select_alert, terminal};
use vigil::app::{Action, Theme};

#[test]
fn size_sweep_over_every_view() {
    let theme = Theme::builtin("dark").unwrap();
    // (keys from a fresh queue, label)
    let views = [
        ("", "queue"),
        ("vv", "grouped queue"),
        ("?", "help"),
        ("<enter>", "detail"),
        ("<enter>r", "record"),
        ("<enter><tab>", "checklist"),
        ("<enter><tab><tab>", "tree"),
        ("<enter><s-tab>", "timeline"),
        ("<enter>X", "exception editor"),
        ("<enter><tab>k<enter>", "pivot results"),
        ("/ab", "prompt"),
        ("x", "picker"),
    ];
    let mut sizes: Vec<(u16, u16)> = Vec::new();
    for w in (40..=160).step_by(17) {
        for h in (10..=50).step_by(9) {
            sizes.push((w, h));
        }
    }
    sizes.extend([(0, 0), (1, 1), (5, 3), (39, 9), (200, 60), (40, 10)]);
    for (seq, label) in views {
        for &(w, h) in &sizes {
            let mut c = controller_sized(w, h);
            select_alert(&mut c, "a01-office-net");
            keys(&mut c, seq);
            // Render twice: before and after a resize to another size.
            let _ = terminal(&c, &theme, w, h);
            c.dispatch(Action::Resize {
                width: 40,
                height: 10,
            });
            let _ = terminal(&c, &theme, 40, 10);
            let _ = label;
        }
    }
}

#[test]
fn resize_keeps_the_cursor_visible() {
    let mut c = controller_sized(120, 40);
    keys(&mut c, "G");
    c.dispatch(Action::Resize {
        width: 40,
        height: 10,
    });
    let page = c.state.page_rows();
    let q = &c.state.queue;
    assert!(q.cursor.pos >= q.cursor.offset && q.cursor.pos < q.cursor.offset + page);
    let screen = ui_support::screen(&c, 40, 10);
    assert!(
        screen.contains("HELPDESK-PC"),
        "the last alert is drawn:\n{screen}"
    );
}

#[test]
fn a_process_with_thousands_of_children_pages_instead_of_freezing() {
    use serde_json::json;
    let mut src = ui_support::source();
    let children = (0..5000).map(|i| {
        let doc = json!({
            "event": {"category": ["process"], "type": ["start"]},
            "host": {"name": "WS01"},
            "process": {"name": "conhost.exe", "pid": 20_000 + i, "entity_id": format!("g-child-{i}"),
                        "parent": {"entity_id": "g-cmd", "name": "cmd.exe", "pid": 5388}}
        });
        vigil::model::Event { id: format!("child-{i}"), timestamp_ms: 1_795_683_540_000 + i64::from(i), original: doc.to_string(), doc }
    });
    src.push_events(children);
    let mut c = vigil::app::Controller::new(
        Box::new(src),
        vigil::app::Keymap::builtin().unwrap(),
        "t",
        ui_support::NOW_MS,
    );
    c.dispatch(Action::Resize {
        width: 100,
        height: 30,
    });
    select_alert(&mut c, "a01-office-net");
    keys(&mut c, "<enter><tab><tab>s");
    let rows = c
        .state
        .view
        .as_ref()
        .unwrap()
        .tree
        .as_ref()
        .unwrap()
        .rows
        .len();
    assert_eq!(rows, 5008);
    let started = std::time::Instant::now();
    keys(&mut c, "<pgdn><pgdn>G");
    let theme = Theme::builtin("dark").unwrap();
    let screen = terminal(&c, &theme, 100, 30).backend().to_string();
    assert!(
        screen.contains("conhost.exe") || screen.contains("net1.exe"),
        "{screen}"
    );
    // Generous bound: a debug build on a shared machine; a freeze would take far longer.
    assert!(started.elapsed().as_secs() < 5);
    // Folding cmd.exe hides all of them at once.
    keys(&mut c, "g jjj h");
    let rows = c
        .state
        .view
        .as_ref()
        .unwrap()
        .tree
        .as_ref()
        .unwrap()
        .rows
        .len();
    assert_eq!(rows, 4);
}
