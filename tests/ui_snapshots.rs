//! Screen snapshots of every view at fixed sizes with a fixed clock (insta, text form),
//! plus style checks on single cells where colour carries meaning.

mod ui_support;

use ratatui::style::{Color, Modifier};
use ui_support::{controller, controller_sized, keys, screen, select_alert, terminal};
use vigil::app::Theme;

#[test]
fn queue_120x30() {
    let c = controller_sized(120, 30);
    insta::assert_snapshot!(screen(&c, 120, 30));
}

#[test]
fn queue_80x24_drops_columns_by_priority() {
    let c = controller_sized(80, 24);
    insta::assert_snapshot!(screen(&c, 80, 24));
}

#[test]
fn queue_grouped_by_rule_with_a_folded_group() {
    let mut c = controller_sized(100, 24);
    keys(&mut c, "vjjjg<enter>");
    insta::assert_snapshot!(screen(&c, 100, 24));
}

#[test]
fn queue_with_marks_and_closed_alerts() {
    let mut c = controller_sized(120, 24);
    keys(&mut c, "ffff<space><space>");
    insta::assert_snapshot!(screen(&c, 120, 24));
}

#[test]
fn detail_100x40() {
    let mut c = controller_sized(100, 40);
    select_alert(&mut c, "a01-office-net");
    keys(&mut c, "<enter>");
    insta::assert_snapshot!(screen(&c, 100, 40));
}

#[test]
fn process_tree_with_siblings_100x24() {
    let mut c = controller_sized(100, 24);
    select_alert(&mut c, "a01-office-net");
    keys(&mut c, "<enter><tab><tab>s");
    insta::assert_snapshot!(screen(&c, 100, 24));
}

#[test]
fn timeline_filtered_100x20() {
    let mut c = controller_sized(100, 20);
    select_alert(&mut c, "a01-office-net");
    keys(
        &mut c,
        "<enter><s-tab>/event.category:iam OR process.name:net*<enter>",
    );
    insta::assert_snapshot!(screen(&c, 100, 20));
}

#[test]
fn help_overlay_80x30() {
    let mut c = controller_sized(80, 30);
    keys(&mut c, "?");
    insta::assert_snapshot!(screen(&c, 80, 30));
}

#[test]
fn false_positive_picker_100x24() {
    let mut c = controller_sized(100, 24);
    select_alert(&mut c, "a05-helpdesk-new");
    keys(&mut c, "x");
    insta::assert_snapshot!(screen(&c, 100, 24));
}

#[test]
fn smallest_supported_size_40x10() {
    let mut c = controller_sized(40, 10);
    insta::assert_snapshot!("queue_40x10", screen(&c, 40, 10));
    keys(&mut c, "<enter><tab><tab>");
    insta::assert_snapshot!("tree_40x10", screen(&c, 40, 10));
}

#[test]
fn severity_and_selection_use_the_theme() {
    let c = controller_sized(120, 30);
    let theme = Theme::builtin("dark").unwrap();
    let t = terminal(&c, &theme, 120, 30);
    let buf = t.backend().buffer();
    // Find the "crit" badge in the Sev column (below the header) and check its colours.
    let row = (6..30)
        .find(|&y| {
            (0..120)
                .map(|x| buf[(x, y)].symbol())
                .collect::<String>()
                .starts_with("│  crit ")
        })
        .unwrap();
    let x = (0..120).find(|&x| buf[(x, row)].symbol() == "c").unwrap();
    assert_eq!(buf[(x, row)].bg, Color::Rgb(0xbf, 0x61, 0x6a));
    assert!(buf[(x, row)].modifier.contains(Modifier::BOLD));
    // The cursor row (first alert) carries the selection background.
    let first_alert_row = 6;
    assert_eq!(buf[(60, first_alert_row)].bg, Color::Rgb(0x3b, 0x42, 0x52));
}

#[test]
fn no_color_output_has_no_colours_but_keeps_the_selection_visible() {
    let c = controller();
    let theme = Theme::builtin("dark").unwrap().without_color();
    let t = terminal(&c, &theme, 120, 40);
    let buf = t.backend().buffer();
    for cell in buf.content() {
        assert!(
            matches!(cell.fg, Color::Reset),
            "colour {:?} leaked",
            cell.fg
        );
        assert!(
            matches!(cell.bg, Color::Reset),
            "colour {:?} leaked",
            cell.bg
        );
    }
    assert!(buf[(60, 6)].modifier.contains(Modifier::REVERSED));
}

#[test]
fn mouse_clicks_select_then_open_and_the_wheel_scrolls() {
    use ratatui::layout::Rect;
    use vigil::app::Action;
    let mut c = controller_sized(120, 30);
    let area = Rect::new(0, 0, 120, 30);
    // Row 6 is the first alert (4 header rows, the border, the column titles).
    let click = vigil::ui::hit_test(&c.state, area, 30, 8).unwrap();
    assert_eq!(click, Action::ClickRow(2));
    c.dispatch(click.clone());
    assert_eq!(c.state.queue.cursor.pos, 2);
    c.dispatch(click);
    assert_eq!(c.state.mode, vigil::app::state::Mode::Alert);
    keys(&mut c, "<s-tab>");
    c.dispatch(Action::ScrollDown);
    c.dispatch(Action::ScrollDown);
    let t = &c.state.view.as_ref().unwrap().timeline;
    let before = t.cursor.pos;
    c.dispatch(Action::ScrollUp);
    assert_eq!(
        c.state.view.as_ref().unwrap().timeline.cursor.pos,
        before - 1
    );
    assert_eq!(
        vigil::ui::hit_test(&c.state, area, 30, 0),
        None,
        "the tab bar is not a row"
    );
}

#[test]
fn an_empty_queue_explains_itself_across_the_table() {
    let mut c = controller_sized(100, 20);
    keys(&mut c, "/zzzz-nothing-matches<enter>");
    let text = screen(&c, 100, 20);
    assert!(
        text.contains("no alert matches: <bs> clears the filters, f changes the status shown"),
        "{text}"
    );
}
