//! Event and alert data is attacker-controlled: no control character or escape sequence
//! from it may reach the terminal. Every view is rendered with a hostile alert open and
//! every cell of the buffer is checked.
#![allow(clippy::unwrap_used)]

mod ui_support;

use ui_support::{controller_sized, keys, select_alert, terminal};
use vigil::app::Theme;
use vigil::app::sanitize::is_hostile;

fn assert_inert(c: &vigil::app::Controller, what: &str) -> String {
    let theme = Theme::builtin("dark").unwrap();
    let t = terminal(c, &theme, 120, 40);
    let buf = t.backend().buffer();
    for cell in buf.content() {
        assert!(
            !cell.symbol().chars().any(is_hostile),
            "{what}: raw control character {:?} reached the screen",
            cell.symbol()
        );
    }
    t.backend().to_string()
}

#[test]
fn esc_csi_osc_and_bidi_payloads_render_visibly_escaped_in_every_view() {
    let mut c = controller_sized(120, 40);
    let queue = assert_inert(&c, "queue");
    assert!(
        queue.contains("EVIL\\x1b]0;"),
        "OSC title payload shown escaped:\n{queue}"
    );
    assert!(
        queue.contains("bob\\x1b["),
        "CSI colour payload shown escaped"
    );
    select_alert(&mut c, "a08-hostile");
    keys(&mut c, "<enter>");
    let detail = assert_inert(&c, "detail");
    assert!(detail.contains("\\x1b[1;1H\\x1b[2Jhidden$"), "{detail}");
    assert!(detail.contains("EVIL\\x1b]0;pwned\\x07PC"), "{detail}");
    assert!(
        detail.contains("\\u{202e}exe.txt"),
        "bidi override shown escaped"
    );
    assert!(detail.contains("\\x9b31m"), "8-bit CSI shown escaped");
    keys(&mut c, "r");
    let record = assert_inert(&c, "record overlay");
    assert!(
        record.contains("\\u001b") || record.contains("\\x1b"),
        "{record}"
    );
    keys(&mut c, "<esc><tab>");
    assert_inert(&c, "checklist");
    keys(&mut c, "<tab>");
    let tree = assert_inert(&c, "tree");
    assert!(tree.contains("net\\x1b[2J.exe"), "{tree}");
    keys(&mut c, "<tab>");
    assert_inert(&c, "timeline");
    keys(&mut c, "<enter>");
    assert_inert(&c, "timeline record");
    keys(&mut c, "<esc>/\u{1b}]0;typed\u{7}");
    let prompt = assert_inert(&c, "prompt");
    assert!(prompt.contains("\\x1b]0;typed\\x07"), "{prompt}");
}

#[test]
fn escapes_are_styled_so_they_stand_out() {
    let mut c = controller_sized(120, 40);
    // Move off the hostile row so the selection style does not cover it.
    keys(&mut c, "j");
    let theme = Theme::builtin("dark").unwrap();
    let t = terminal(&c, &theme, 120, 40);
    let buf = t.backend().buffer();
    let escaped = vigil::ui::style::st(&theme, "escaped");
    let hit = (0..40u16).any(|y| {
        (0..119u16).any(|x| {
            buf[(x, y)].symbol() == "\\"
                && buf[(x + 1, y)].symbol() == "x"
                && buf[(x, y)].bg == escaped.bg.unwrap()
        })
    });
    assert!(hit, "no escaped sequence drawn in the `escaped` style");
}
