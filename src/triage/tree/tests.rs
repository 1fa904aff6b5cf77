use super::*;
use crate::testutil::{T0, alert, event};
use serde_json::json;

const SEC: i64 = 1000;

fn sysmon(
    id: &str,
    t: i64,
    name: &str,
    pid: u64,
    (guid, parent_guid): (&str, &str),
    ppid: u64,
    cmd: &str,
) -> Event {
    event(
        id,
        t,
        json!({
            "host": {"name": "WS6"}, "user": {"name": "bob", "domain": "CORP"},
            "process": {"name": name, "pid": pid, "entity_id": guid, "command_line": cmd,
                        "executable": format!("C:\\Windows\\{name}"),
                        "parent": {"entity_id": parent_guid, "pid": ppid, "name": "explorer.exe",
                                   "executable": "C:\\Windows\\explorer.exe"}}
        }),
    )
}

fn security_4688(id: &str, t: i64, host: &str, name: &str, pid: &str, ppid: &str) -> Event {
    event(
        id,
        t,
        json!({
            "host": {"name": host}, "user": {"name": "bob"},
            "process": {"name": name, "pid": pid, "command_line": name,
                        "parent": {"pid": ppid, "name": "parent.exe"}}
        }),
    )
}

fn names(b: &BuiltTree, idx: &[usize]) -> Vec<String> {
    idx.iter()
        .map(|&i| b.tree.nodes[i].name.clone().unwrap_or_default())
        .collect()
}

#[test]
fn entity_ids_link_office_to_net1() {
    let evs = vec![
        sysmon(
            "e1",
            T0,
            "WINWORD.EXE",
            100,
            ("{w}", "{explorer}"),
            50,
            "WINWORD.EXE /n evil.docm",
        ),
        sysmon(
            "e2",
            T0 + SEC,
            "cmd.exe",
            200,
            ("{c}", "{w}"),
            100,
            "cmd.exe /c net user x /add",
        ),
        sysmon(
            "e3",
            T0 + 2 * SEC,
            "net.exe",
            300,
            ("{n}", "{c}"),
            200,
            "net user x P@ss /add",
        ),
        sysmon(
            "e4",
            T0 + 3 * SEC,
            "net1.exe",
            400,
            ("{n1}", "{n}"),
            300,
            "net1 user x P@ss /add",
        ),
        sysmon(
            "e5",
            T0 + 4 * SEC,
            "whoami.exe",
            500,
            ("{wh}", "{c}"),
            200,
            "whoami",
        ),
        sysmon("e6", T0, "unrelated.exe", 600, ("{u}", "{other}"), 1, "x"),
    ];
    let mut b = build(&evs[2], &evs, &TreeOptions::default()).unwrap();
    assert_eq!(
        names(&b, &b.path_to_focus),
        ["explorer.exe", "WINWORD.EXE", "cmd.exe", "net.exe"]
    );
    assert_eq!(
        b.tree.nodes[b.tree.root].event_id, None,
        "explorer is known only from its child"
    );
    assert_eq!(
        names(&b, &b.tree.nodes[b.tree.focus].children),
        ["net1.exe"]
    );
    assert_eq!(names(&b, &b.siblings), ["whoami.exe"]);
    assert_eq!(b.tree.nodes.len(), 6);
    let mut net_alert = alert("a1", "WS6", "bob", T0 + 2 * SEC);
    net_alert.event_ids = vec!["e3".into()];
    mark_alerts(&mut b.tree, &[net_alert]);
    fill_event_counts(&mut b.tree, &HashMap::from([("{c}".to_string(), 7)]));
    insta::assert_snapshot!(
        "tree_office_chain",
        render_text(&b, RenderOptions { siblings: true })
    );
    let plain = render_text(&b, RenderOptions::default());
    assert!(
        !plain.contains("whoami") && plain.contains("(1 more)"),
        "{plain}"
    );
}

#[test]
fn pid_fallback_respects_host_and_pid_reuse() {
    let evs = vec![
        security_4688("old", T0, "WS6", "first-owner.exe", "0x10", "0x4"),
        security_4688(
            "new",
            T0 + 60 * SEC,
            "WS6",
            "second-owner.exe",
            "0x10",
            "0x4",
        ),
        security_4688(
            "c1",
            T0 + 30 * SEC,
            "WS6",
            "child-of-first.exe",
            "0x20",
            "0x10",
        ),
        security_4688(
            "c2",
            T0 + 90 * SEC,
            "WS6",
            "child-of-second.exe",
            "0x21",
            "0x10",
        ),
        security_4688(
            "other-host",
            T0 + 80 * SEC,
            "WS7",
            "elsewhere.exe",
            "0x10",
            "0x4",
        ),
    ];
    let b1 = build(&evs[2], &evs, &TreeOptions::default()).unwrap();
    assert_eq!(
        names(&b1, &b1.path_to_focus),
        ["parent.exe", "first-owner.exe", "child-of-first.exe"]
    );
    let b2 = build(&evs[3], &evs, &TreeOptions::default()).unwrap();
    assert_eq!(
        names(&b2, &b2.path_to_focus),
        ["parent.exe", "second-owner.exe", "child-of-second.exe"]
    );
    assert_eq!(
        b2.tree.nodes[b2.path_to_focus[1]].key,
        format!("WS6|16|{}", T0 + 60 * SEC)
    );
    // Descendants of the first owner do not include the second owner's child.
    let b3 = build(&evs[0], &evs, &TreeOptions::default()).unwrap();
    assert_eq!(
        names(&b3, &b3.tree.nodes[b3.tree.focus].children),
        ["child-of-first.exe"]
    );
}

#[test]
fn deep_chains_and_wide_fans_stay_bounded() {
    let mut evs = Vec::new();
    for i in 0..20_000u64 {
        let parent = if i == 0 {
            "{root-parent}".to_string()
        } else {
            format!("{{p{}}}", i - 1)
        };
        evs.push(sysmon(
            &format!("d{i}"),
            T0 + i as i64,
            "deep.exe",
            i + 1,
            (&format!("{{p{i}}}"), &parent),
            i,
            "deep",
        ));
    }
    for i in 0..10_000u64 {
        evs.push(sysmon(
            &format!("f{i}"),
            T0 + 30_000 + i as i64,
            "fan.exe",
            100_000 + i,
            (&format!("{{f{i}}}"), "{p0}"),
            1,
            "fan",
        ));
    }
    let opts = TreeOptions::default();
    let deep = build(&evs[19_999], &evs, &opts).unwrap();
    assert_eq!(deep.path_to_focus.len(), 20_001);
    let root_view = build(&evs[0], &evs, &opts).unwrap();
    let focus = root_view.tree.focus;
    assert_eq!(
        root_view.tree.nodes[focus].children.len(),
        opts.max_children
    );
    assert_eq!(
        root_view.hidden_children[&focus],
        10_001 - opts.max_children
    );
    assert!(root_view.tree.nodes.len() <= 2 + opts.max_descendants);
    let text = render_text(&deep, RenderOptions::default());
    assert_eq!(text.lines().count(), 20_001);
}

#[test]
fn focus_outside_the_events_and_cycles_are_handled() {
    let lone = security_4688("lone", T0, "WS6", "lone.exe", "5", "6");
    let b = build(&lone, &[], &TreeOptions::default()).unwrap();
    assert_eq!(names(&b, &b.path_to_focus), ["parent.exe", "lone.exe"]);
    // Two processes naming each other as parent (bad data) do not loop.
    let a = sysmon("a", T0, "a.exe", 1, ("{a}", "{b}"), 2, "a");
    let bb = sysmon("b", T0, "b.exe", 2, ("{b}", "{a}"), 1, "b");
    let t = build(&a, &[a.clone(), bb], &TreeOptions::default()).unwrap();
    assert_eq!(t.path_to_focus.len(), 2);
    assert!(
        build(
            &event("x", T0, json!({"user": {"name": "x"}})),
            &[],
            &TreeOptions::default()
        )
        .is_none()
    );
}

#[test]
fn hostile_command_lines_render_inert() {
    let evil = sysmon(
        "e",
        T0,
        "evil\u{1b}[2J.exe",
        1,
        ("{e}", "{p}"),
        2,
        "line1\nline2\u{7}\u{1b}]0;owned\u{7}",
    );
    let b = build(&evil, std::slice::from_ref(&evil), &TreeOptions::default()).unwrap();
    let text = render_text(&b, RenderOptions::default());
    assert_eq!(text.lines().count(), 2, "{text}");
    assert!(
        !text.chars().any(|c| c.is_control() && c != '\n'),
        "{text:?}"
    );
    assert!(text.contains("evil\\u{1b}[2J.exe") && text.contains("line1\\nline2"));
}
