//! The benchmark on a real workspace: first frame (opening the workspace and loading its
//! alerts included), every class of keystroke in the queue and the alert view, and the
//! process trees of the benchmark's tree-shape alerts, through `WorkspaceSource`.

use crate::measure::{Bench, ms};
use std::path::Path;
use std::time::Instant;
use vigil::app::{Controller, Keymap, Theme};
use vigil::session::WorkspaceSource;
use vigil::workspace::Workspace;

const WIDTH: u16 = 120;
const HEIGHT: u16 = 40;

pub fn run(dir: &Path, repeat: usize) -> anyhow::Result<()> {
    let started = Instant::now();
    let ws = Workspace::open_read(dir)?;
    // As `vigil` does: the alerts are read on another thread while the first frame draws.
    let source = WorkspaceSource::open_in_background(ws).map_err(anyhow::Error::msg)?;
    let opened = ms(started);
    let keymap = Keymap::builtin()?;
    let theme = Theme::builtin("dark")?;
    let now = chrono::Utc::now().timestamp_millis();
    let mut ctrl = Controller::new(Box::new(source), keymap, "bench", now);
    let loaded = ms(started);
    ctrl.dispatch(vigil::app::Action::Resize {
        width: WIDTH,
        height: HEIGHT,
    });
    let mut b = Bench::new(ctrl, theme, WIDTH, HEIGHT)?;
    b.draw()?;
    let first = ms(started);
    let shown_first = b.ctrl.state.queue.rows.len();
    while !b.ctrl.poll_source() {
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    let arrived = ms(started);
    b.draw()?;
    let ready = ms(started);
    println!(
        "workspace {} : {} alerts, {} rows shown ({shown_first} in the first frame)",
        dir.display(),
        b.ctrl.state.alerts.len(),
        b.ctrl.state.queue.rows.len()
    );
    println!(
        "first frame {first:.1} ms (workspace opened {opened:.1} ms, controller ready {loaded:.1} ms); \
         alerts read and queue built {arrived:.1} ms, full queue drawn {ready:.1} ms"
    );
    b.record("first frame (start to drawn)", first);
    b.record("full queue drawn (start to drawn)", ready);
    queue(&mut b, repeat)?;
    alert_view(&mut b, repeat)?;
    trees(&mut b)?;
    b.report();
    Ok(())
}

fn queue(b: &mut Bench, repeat: usize) -> anyhow::Result<()> {
    for _ in 0..repeat {
        b.step("queue: move down (j)", "j")?;
    }
    for _ in 0..repeat {
        b.step("queue: move up (k)", "k")?;
    }
    for _ in 0..repeat {
        b.step("queue: page down (pgdn)", "<pgdn>")?;
    }
    for _ in 0..repeat {
        b.step("queue: page up (pgup)", "<pgup>")?;
    }
    b.step("queue: last (G)", "G")?;
    b.step("queue: first (g)", "g")?;
    for _ in 0..3 {
        b.step("queue: sort by severity (s)", "s")?;
        b.step("queue: sort by risk (s)", "s")?;
        b.step("queue: sort by time (s)", "s")?;
        b.step("queue: reverse sort (S)", "S")?;
    }
    for _ in 0..3 {
        b.step("queue: group by rule (v)", "v")?;
        b.step("queue: group by host (v)", "v")?;
        b.step("queue: group by user (v)", "v")?;
        b.step("queue: group none (v)", "v")?;
    }
    // Folding on the host grouping (many groups), from the first header down.
    b.press("vvg")?;
    for _ in 0..repeat.min(10) {
        b.step("queue: fold group (z)", "z")?;
        b.step("queue: move in groups (j)", "j")?;
    }
    b.press("g")?;
    for _ in 0..repeat.min(10) {
        b.step("queue: unfold group (z)", "z")?;
        b.step("queue: collapse from alert (j h)", "jh")?;
        b.step("queue: expand group (l)", "l")?;
        b.press("j")?;
    }
    b.press("vvg")?;
    filter_typing(b, "wks-0013")?;
    filter_typing(b, "localgroup")?;
    for _ in 0..5 {
        b.step("queue: status filter (f)", "f")?;
        b.step("queue: severity filter (F)", "F")?;
    }
    b.step("queue: same host (H)", "H")?;
    b.step("queue: clear filter (bs)", "<bs>")?;
    b.step("queue: acknowledge (a)", "a")?;
    b.step("queue: reopen (O)", "O")?;
    Ok(())
}

fn filter_typing(b: &mut Bench, text: &str) -> anyhow::Result<()> {
    b.step("filter: open prompt (/)", "/")?;
    for c in text.chars() {
        b.step("filter: type one char", &c.to_string())?;
    }
    b.step("filter: backspace", "<bs>")?;
    b.step("filter: submit (enter)", "<enter>")?;
    b.step("filter: clear (bs)", "<bs>")?;
    Ok(())
}

fn alert_view(b: &mut Bench, repeat: usize) -> anyhow::Result<()> {
    b.press("g")?;
    for _ in 0..repeat.min(10) {
        b.step("alert: open (enter)", "<enter>")?;
        b.step("alert: back to queue (esc)", "<esc>")?;
        b.press("<pgdn>")?;
    }
    b.press("g<enter>")?;
    for _ in 0..repeat {
        b.step("detail: scroll (j)", "j")?;
    }
    b.step("detail: original record (r)", "r")?;
    b.step("overlay: close (esc)", "<esc>")?;
    b.step("pane: checklist (tab)", "<tab>")?;
    b.step("checklist: move (j)", "j")?;
    b.step_settled(
        "pane: process tree (tab)",
        "tree: shown (tab to drawn, read)",
        "<tab>",
    )?;
    for _ in 0..repeat {
        b.step("tree: move (j)", "j")?;
    }
    b.step("tree: siblings on (s)", "s")?;
    b.step("tree: last (G)", "G")?;
    b.step("tree: siblings off (s)", "s")?;
    b.step_settled(
        "pane: timeline (tab)",
        "timeline: shown (tab to drawn, read)",
        "<tab>",
    )?;
    for _ in 0..repeat {
        b.step("timeline: move (j)", "j")?;
    }
    b.step("timeline: page down (pgdn)", "<pgdn>")?;
    for _ in 0..3 {
        b.step_settled(
            "timeline: widen window (+)",
            "timeline: widened (+ to drawn, read)",
            "+",
        )?;
    }
    for _ in 0..3 {
        b.step_settled(
            "timeline: narrow window (-)",
            "timeline: narrowed (- to drawn, read)",
            "-",
        )?;
    }
    b.step("timeline: open prompt (/)", "/")?;
    for c in "process.name:cmd.exe".chars() {
        b.step("timeline: type one char", &c.to_string())?;
    }
    b.step_settled(
        "timeline: run query (enter)",
        "timeline: query run (enter to drawn, read)",
        "<enter>",
    )?;
    b.step("timeline: event record (enter)", "<enter>")?;
    b.step("overlay: close (esc)", "<esc>")?;
    b.step("alert: back to queue (esc)", "<esc>")?;
    Ok(())
}

/// Opens the alerts whose process trees are large: the wide parent and the end of the deep
/// chain (rule tui-bench-0005) and a macOS process whose parent, launchd, has thousands of
/// children in the generated data (siblings shown).
fn trees(b: &mut Bench) -> anyhow::Result<()> {
    for (what, filter) in [
        ("wide parent", "bench-wide-parent"),
        ("deep chain", "bench-chain-end"),
        ("launchd child", "softwareupdated"),
    ] {
        b.press(&format!("<bs>/{filter}<enter>g"))?;
        let Some(alert) = b.ctrl.state.current_alert().cloned() else {
            println!("tree {what}: no alert matches `{filter}` (import the tree events?)");
            continue;
        };
        let t = Instant::now();
        let tree = b.ctrl.source.shown_tree(&alert, false);
        let built = ms(t);
        let nodes = tree.as_ref().map_or(0, |t| t.tree.nodes.len());
        b.record(&format!("tree build: {what}"), built);
        let t = Instant::now();
        let all = b.ctrl.source.shown_tree(&alert, true);
        let built_all = ms(t);
        let all_nodes = all.as_ref().map_or(0, |t| t.tree.nodes.len());
        b.record(
            &format!("tree all ancestors built (read): {what}"),
            built_all,
        );
        b.step(&format!("tree open alert: {what}"), "<enter>")?;
        b.step_settled(
            &format!("tree pane key (tab tab): {what}"),
            &format!("tree shown (tab to drawn): {what}"),
            "<tab><tab>",
        )?;
        let rows = b.tree_rows();
        let cut = b
            .ctrl
            .state
            .view
            .as_ref()
            .and_then(|v| v.tree.as_ref())
            .is_some_and(|t| t.more_ancestors.is_some());
        if cut {
            b.step_settled(
                &format!("tree read all ancestors key (A): {what}"),
                &format!("tree all ancestors (A to drawn, read): {what}"),
                "A",
            )?;
        }
        b.step(&format!("tree siblings on: {what}"), "s")?;
        let with_siblings = b.tree_rows();
        b.step(&format!("tree last row: {what}"), "G")?;
        b.step(&format!("tree fold at cursor: {what}"), "gz")?;
        b.step(&format!("tree move: {what}"), "j")?;
        println!(
            "tree {what}: {nodes} nodes, {rows} rows shown (cut: {cut}), {with_siblings} with \
             siblings, built in {built:.1} ms; all ancestors: {all_nodes} nodes in {built_all:.1} ms"
        );
        b.press("<esc>")?;
    }
    b.press("<bs>")
}
