//! Behaviour driven by key sequences through the real default key map (no terminal).

mod ui_support;

use ui_support::{controller, keys, select_alert};
use vigil::app::state::{GroupBy, Mode, Overlay, Pane, QueueRow, SortKey};
use vigil::model::Severity;
use vigil::model::triage::{Classification, FalsePositiveKind, Status};

fn shown_ids(c: &vigil::app::Controller) -> Vec<String> {
    c.state
        .queue
        .rows
        .iter()
        .filter_map(|r| match r {
            QueueRow::Alert(i) => Some(c.state.alerts[*i].id.clone()),
            QueueRow::Group { .. } => None,
        })
        .collect()
}

#[test]
fn queue_starts_newest_first_with_active_alerts_only() {
    let c = controller();
    let ids = shown_ids(&c);
    assert_eq!(ids.first().map(String::as_str), Some("a08-hostile"));
    assert!(
        !ids.contains(&"a04-helpdesk-old".to_string()),
        "closed alerts hidden by default"
    );
    assert!(
        !ids.contains(&"a10-suppressed".to_string()),
        "suppressed alerts hidden by default"
    );
    let times: Vec<i64> = c
        .state
        .queue
        .rows
        .iter()
        .filter_map(|r| match r {
            QueueRow::Alert(i) => Some(c.state.alerts[*i].timestamp_ms),
            QueueRow::Group { .. } => None,
        })
        .collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]));
}

#[test]
fn movement_keys_move_and_stop_at_the_ends() {
    let mut c = controller();
    keys(&mut c, "jj");
    assert_eq!(c.state.queue.cursor.pos, 2);
    keys(&mut c, "<up>");
    assert_eq!(c.state.queue.cursor.pos, 1);
    keys(&mut c, "G");
    assert_eq!(c.state.queue.cursor.pos, c.state.queue.rows.len() - 1);
    keys(&mut c, "jjj");
    assert_eq!(c.state.queue.cursor.pos, c.state.queue.rows.len() - 1);
    keys(&mut c, "g");
    assert_eq!(c.state.queue.cursor.pos, 0);
}

#[test]
fn sorting_cycles_and_reverses() {
    let mut c = controller();
    keys(&mut c, "s");
    assert_eq!(c.state.queue.sort, SortKey::Severity);
    assert_eq!(shown_ids(&c)[0], "a09-hidden", "critical first");
    keys(&mut c, "S");
    let last = shown_ids(&c).pop().unwrap();
    assert_eq!(last, "a09-hidden");
    keys(&mut c, "Ss");
    assert_eq!(c.state.queue.sort, SortKey::Risk);
    assert_eq!(shown_ids(&c)[0], "a09-hidden");
}

#[test]
fn grouping_folds_and_counts() {
    let mut c = controller();
    keys(&mut c, "vv");
    assert_eq!(c.state.queue.group, GroupBy::Host);
    let groups: Vec<(String, usize)> = c
        .state
        .queue
        .rows
        .iter()
        .filter_map(|r| match r {
            QueueRow::Group { key, count, .. } => Some((key.clone(), *count)),
            QueueRow::Alert(_) => None,
        })
        .collect();
    assert!(groups.contains(&("WS01".to_string(), 3)), "{groups:?}");
    assert!(groups.contains(&("WS02".to_string(), 2)), "{groups:?}");
    let before = c.state.queue.rows.len();
    // Cursor starts on the first group header; h folds it.
    assert!(matches!(c.state.queue.rows[0], QueueRow::Group { .. }));
    keys(&mut c, "h");
    assert!(c.state.queue.rows.len() < before);
    keys(&mut c, "<enter>");
    assert_eq!(
        c.state.queue.rows.len(),
        before,
        "enter on a group unfolds it"
    );
    keys(&mut c, "vv");
    assert_eq!(c.state.queue.group, GroupBy::None);
}

#[test]
fn filters_narrow_by_text_host_status_and_severity() {
    let mut c = controller();
    keys(&mut c, "/host:ws02<enter>");
    assert_eq!(shown_ids(&c).len(), 2);
    keys(&mut c, "<bs>");
    keys(&mut c, "/backdoor<enter>");
    assert_eq!(shown_ids(&c).len(), 3);
    keys(&mut c, "<bs>");
    select_alert(&mut c, "a05-helpdesk-new");
    keys(&mut c, "H");
    assert_eq!(shown_ids(&c), ["a05-helpdesk-new"]);
    keys(&mut c, "f".repeat(3).as_str());
    // active -> open -> acknowledged -> closed
    assert_eq!(shown_ids(&c), ["a04-helpdesk-old"]);
    keys(&mut c, "f");
    assert_eq!(shown_ids(&c), ["a05-helpdesk-new", "a04-helpdesk-old"]);
    keys(&mut c, ".");
    assert_eq!(
        shown_ids(&c),
        ["a10-suppressed", "a05-helpdesk-new", "a04-helpdesk-old"],
        "suppressed alerts appear on request"
    );
    keys(&mut c, "<bs>FFF");
    assert_eq!(c.state.queue.filter.min_severity, Some(Severity::High));
    assert_eq!(shown_ids(&c), ["a09-hidden", "a03-corr"]);
}

#[test]
fn escape_in_the_filter_prompt_restores_the_previous_filter() {
    let mut c = controller();
    let all = shown_ids(&c).len();
    keys(&mut c, "/zzz");
    assert!(shown_ids(&c).is_empty(), "the filter applies while typing");
    keys(&mut c, "<esc>");
    assert_eq!(shown_ids(&c).len(), all);
    assert!(c.state.prompt.is_none());
}

#[test]
fn enter_opens_the_alert_and_tab_cycles_panes() {
    let mut c = controller();
    select_alert(&mut c, "a01-office-net");
    keys(&mut c, "<enter>");
    assert_eq!(c.state.mode, Mode::Alert);
    let v = c.state.view.as_ref().unwrap();
    assert_eq!(v.data.alert.id, "a01-office-net");
    assert_eq!(v.data.events.len(), 1);
    assert!(v.nearby.iter().any(|&i| c.state.alerts[i].id == "a03-corr"));
    keys(&mut c, "<tab>");
    assert_eq!(c.state.pane, Pane::Checklist);
    keys(&mut c, "<tab>");
    assert_eq!(c.state.pane, Pane::Tree);
    keys(&mut c, "<tab>");
    // The timeline is fetched when its pane is first shown.
    let v = c.state.view.as_ref().unwrap();
    assert!(
        v.timeline.events.len() > 10,
        "timeline loaded around the alert"
    );
    keys(&mut c, "<tab>");
    assert_eq!(c.state.pane, Pane::Detail);
    keys(&mut c, "<s-tab>");
    assert_eq!(c.state.pane, Pane::Timeline);
    keys(&mut c, "<esc>");
    assert_eq!(c.state.mode, Mode::Queue);
}

#[test]
fn same_event_alerts_are_listed() {
    let mut c = controller();
    select_alert(&mut c, "a02-4720");
    keys(&mut c, "<enter>");
    let v = c.state.view.as_ref().unwrap();
    let same: Vec<&str> = v
        .same_event
        .iter()
        .map(|&i| c.state.alerts[i].id.as_str())
        .collect();
    assert_eq!(same, ["a03-corr"]);
}

#[test]
fn tree_shows_the_chain_folds_and_toggles_siblings() {
    let mut c = controller();
    select_alert(&mut c, "a01-office-net");
    keys(&mut c, "<enter><tab><tab>");
    let names = |c: &vigil::app::Controller| -> Vec<String> {
        let tv = c.state.view.as_ref().unwrap().tree.as_ref().unwrap();
        tv.rows
            .iter()
            .map(|r| tv.tree.nodes[r.node].name.clone().unwrap())
            .collect()
    };
    assert_eq!(
        names(&c),
        [
            "explorer.exe",
            "WINWORD.EXE",
            "powershell.exe",
            "cmd.exe",
            "net.exe",
            "net1.exe"
        ]
    );
    let tv = c.state.view.as_ref().unwrap().tree.as_ref().unwrap();
    assert_eq!(tv.cursor.pos, 4, "cursor starts on the alert's process");
    keys(&mut c, "s");
    assert_eq!(
        names(&c),
        [
            "explorer.exe",
            "WINWORD.EXE",
            "powershell.exe",
            "cmd.exe",
            "whoami.exe",
            "ipconfig.exe",
            "net.exe",
            "net1.exe"
        ]
    );
    keys(&mut c, "kkkh");
    assert_eq!(
        names(&c),
        ["explorer.exe", "WINWORD.EXE", "powershell.exe", "cmd.exe"]
    );
    keys(&mut c, "l");
    assert_eq!(names(&c).len(), 8);
    // h on a leaf goes to its parent.
    keys(&mut c, "Gh");
    let tv = c.state.view.as_ref().unwrap().tree.as_ref().unwrap();
    assert_eq!(
        tv.tree.nodes[tv.rows[tv.cursor.pos].node].name.as_deref(),
        Some("net.exe")
    );
}

#[test]
fn enter_on_a_tree_node_shows_its_events_in_the_timeline() {
    let mut c = controller();
    select_alert(&mut c, "a01-office-net");
    keys(&mut c, "<enter><tab><tab>kk<enter>");
    assert_eq!(c.state.pane, Pane::Timeline);
    let t = &c.state.view.as_ref().unwrap().timeline;
    assert_eq!(t.query, "process.pid:5120");
    assert_eq!(
        t.events.len(),
        4,
        "powershell start and its three connections"
    );
}

#[test]
fn timeline_filters_with_the_query_syntax_and_adjusts_the_window() {
    let mut c = controller();
    select_alert(&mut c, "a01-office-net");
    keys(&mut c, "<enter><s-tab>");
    let all = c.state.view.as_ref().unwrap().timeline.events.len();
    keys(&mut c, "/event.code:4732<enter>");
    let t = &c.state.view.as_ref().unwrap().timeline;
    assert_eq!(t.events.len(), 1);
    keys(&mut c, "/process.name:\"net<enter>");
    let t = &c.state.view.as_ref().unwrap().timeline;
    assert!(t.error.as_deref().unwrap().contains("unclosed quote"));
    keys(&mut c, "<bs>");
    assert_eq!(c.state.view.as_ref().unwrap().timeline.events.len(), all);
    keys(&mut c, "-");
    let narrow = c.state.view.as_ref().unwrap().timeline.events.len();
    assert!(narrow < all);
    keys(&mut c, "++");
    assert!(c.state.view.as_ref().unwrap().timeline.events.len() > all);
    keys(&mut c, "<enter>");
    assert!(matches!(c.state.overlay, Some(Overlay::Record { .. })));
    keys(&mut c, "q");
    assert!(c.state.overlay.is_none(), "q closes the overlay, not vigil");
    assert!(!c.state.quit);
}

#[test]
fn detail_scrolls_and_shows_the_original_record() {
    let mut c = ui_support::controller_sized(100, 20);
    select_alert(&mut c, "a01-office-net");
    keys(&mut c, "<enter>jjj");
    assert_eq!(c.state.view.as_ref().unwrap().detail_scroll, 3);
    keys(&mut c, "g");
    assert_eq!(c.state.view.as_ref().unwrap().detail_scroll, 0);
    keys(&mut c, "r");
    let Some(Overlay::Record { lines, .. }) = &c.state.overlay else {
        panic!("no record")
    };
    assert!(
        lines
            .iter()
            .any(|l| l.contains("\"command_line\": \"net user backdoor P@ssw0rd1 /add\""))
    );
    keys(&mut c, "<esc>");
    assert!(c.state.overlay.is_none());
}

#[test]
fn help_overlay_lists_the_key_map() {
    let mut c = controller();
    keys(&mut c, "?");
    assert!(matches!(c.state.overlay, Some(Overlay::Help { .. })));
    assert!(
        c.state
            .help
            .iter()
            .any(|r| r.keys == "j <down>" && r.desc == "Next alert")
    );
    keys(&mut c, "?");
    assert!(c.state.overlay.is_none());
}

#[test]
fn status_and_classification_keys_record_an_audit_trail() {
    let mut c = controller();
    select_alert(&mut c, "a01-office-net");
    keys(&mut c, "a");
    let t = &c.state.triage["a01-office-net"];
    assert_eq!(t.status, Status::Acknowledged);
    assert_eq!(t.audit.last().unwrap().by, "tester");
    keys(&mut c, "t");
    let t = &c.state.triage["a01-office-net"];
    assert_eq!(t.status, Status::Closed);
    assert_eq!(t.classification, Some(Classification::TruePositive));
    let whats: Vec<&str> = t.audit.iter().map(|e| e.what.as_str()).collect();
    assert_eq!(whats, ["status", "status", "classification"]);
    assert!(
        !c.state
            .queue
            .rows
            .iter()
            .any(|r| matches!(r, QueueRow::Alert(i) if c.state.alerts[*i].id == "a01-office-net")),
        "closed alerts leave the active queue"
    );
    assert!(
        c.state
            .message
            .as_ref()
            .unwrap()
            .text
            .contains("closed as true_positive")
    );
}

#[test]
fn false_positive_picker_offers_the_rules_categories_suggestion_first() {
    let mut c = controller();
    select_alert(&mut c, "a05-helpdesk-new");
    keys(&mut c, "x");
    let Some(Overlay::Picker(p)) = &c.state.overlay else {
        panic!("no picker")
    };
    assert_eq!(p.choices[0].0, "it-admin");
    assert!(p.choices[0].1.contains("suggested"));
    assert!(p.choices.iter().any(|(v, _)| v == "config-management"));
    assert_eq!(p.choices.last().unwrap().0, "");
    keys(&mut c, "<enter>");
    let t = &c.state.triage["a05-helpdesk-new"];
    assert_eq!(
        t.classification,
        Some(Classification::FalsePositive(
            FalsePositiveKind::IncorrectRuleLogic
        ))
    );
    assert_eq!(t.reason.as_deref(), Some("it-admin"));
    // Closing one alert as a false positive offers the exception made from it next.
    let Some(Overlay::Exception(ed)) = &c.state.overlay else {
        panic!("the exception editor did not open after the false positive")
    };
    assert_eq!(ed.draft.source_alert.as_deref(), Some("a05-helpdesk-new"));
    assert_eq!(ed.draft.reason.as_deref(), Some("it-admin"));
    keys(&mut c, "<esc>");
    assert!(c.state.overlay.is_none());
}

#[test]
fn free_text_reason_and_comment_on_a_multi_selection() {
    let mut c = controller();
    select_alert(&mut c, "a06-altloc");
    keys(&mut c, "<space>");
    select_alert(&mut c, "a09-hidden");
    keys(&mut c, "m");
    assert_eq!(c.state.queue.marked.len(), 2);
    keys(&mut c, "c");
    keys(&mut c, "checked with carol<enter>");
    for id in ["a06-altloc", "a09-hidden"] {
        assert_eq!(c.state.triage[id].comments[0].text, "checked with carol");
    }
    keys(&mut c, "*");
    let n = c.state.queue.marked.len();
    assert!(n >= 7);
    keys(&mut c, "xG<enter>pentest exercise<enter>");
    assert!(c.state.queue.marked.is_empty());
    let closed = c
        .state
        .triage
        .values()
        .filter(|t| t.reason.as_deref() == Some("pentest exercise"))
        .count();
    assert_eq!(closed, n);
    // A multi-selection is not a single pattern: no exception editor is offered.
    assert!(c.state.overlay.is_none());
}

#[test]
fn precedent_shows_the_last_disposition_for_the_same_rule_host_and_user() {
    let mut c = controller();
    let p = &c.state.precedents["a05-helpdesk-new"];
    assert_eq!(p.alert_id, "a04-helpdesk-old");
    assert_eq!(p.reason.as_deref(), Some("it-admin"));
    assert!(
        !c.state.precedents.contains_key("a04-helpdesk-old"),
        "never its own precedent"
    );
    // A newer decision on the other alert becomes the old one's precedent.
    select_alert(&mut c, "a05-helpdesk-new");
    keys(&mut c, "b");
    assert_eq!(
        c.state.precedents["a04-helpdesk-old"].alert_id,
        "a05-helpdesk-new"
    );
}

#[test]
fn triage_keys_with_nothing_selected_explain_themselves() {
    let mut c = controller();
    keys(&mut c, "/nothing-matches<enter>t");
    assert!(c.state.message.as_ref().unwrap().is_error);
    assert!(
        c.state
            .triage
            .values()
            .all(|t| t.classification.is_none() || t.reason.is_some())
    );
}

#[test]
fn q_quits() {
    let mut c = controller();
    keys(&mut c, "q");
    assert!(c.state.quit);
}

#[test]
fn help_and_record_overlays_scroll_to_their_last_line() {
    let mut c = ui_support::controller_sized(60, 16);
    keys(&mut c, "?G");
    let screen = ui_support::screen(&c, 60, 16);
    assert!(
        screen.contains("In a prompt"),
        "help footer reachable:\n{screen}"
    );
    keys(&mut c, "<esc>");
    select_alert(&mut c, "a01-office-net");
    keys(&mut c, "<enter>rG");
    let screen = ui_support::screen(&c, 60, 16);
    assert!(
        screen.contains("\"winlog\"") || screen.contains('}'),
        "{screen}"
    );
    let Some(Overlay::Record { scroll, lines, .. }) = &c.state.overlay else {
        panic!("no record overlay")
    };
    assert!(
        *scroll > lines.len().saturating_sub(12),
        "long lines wrap, so the scroll goes past the raw line count"
    );
}

#[test]
fn the_detail_shows_decisions_comments_and_the_audit_trail() {
    let mut c = ui_support::controller_sized(120, 60);
    select_alert(&mut c, "a01-office-net");
    keys(&mut c, "<enter>cfound by hunting<enter>t");
    let screen = ui_support::screen(&c, 120, 60);
    for want in [
        "Triage",
        "closed   true_positive",
        "found by hunting",
        "Audit trail",
        "classification: - → true_positive",
    ] {
        assert!(screen.contains(want), "missing {want:?}:\n{screen}");
    }
}
