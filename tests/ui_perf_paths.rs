//! The interface's fast paths behave like the slow ones they replace: alerts read in the
//! background fill the same queue, a triage key refreshes only its alerts yet leaves the
//! same state as a full reload, and the tree and timeline load when their pane is shown.

mod ui_support;

use ui_support::{NOW_MS, controller, keys, screen, select_alert, source};
use vigil::app::state::{Mode, Pane};
use vigil::app::{Controller, Keymap, MemorySource, TriageSource};
use vigil::model::Alert;
use vigil::model::triage::Status;

/// A source whose alerts "arrive" on the second poll, like `WorkspaceSource` reading
/// them on another thread.
struct Deferred {
    inner: MemorySource,
    polls: usize,
}

impl Deferred {
    fn ready(&self) -> bool {
        self.polls >= 2
    }
}

impl TriageSource for Deferred {
    fn alerts(&self) -> Vec<Alert> {
        if self.ready() {
            self.inner.alerts()
        } else {
            Vec::new()
        }
    }
    fn loading(&self) -> Option<String> {
        (!self.ready()).then(|| "reading the alerts".to_string())
    }
    fn poll_loaded(&mut self) -> Result<bool, String> {
        if self.ready() {
            return Ok(false);
        }
        self.polls += 1;
        Ok(self.ready())
    }
    ui_support::delegate_to_inner!();
}

#[test]
fn alerts_read_in_the_background_fill_the_same_queue() {
    let deferred = Deferred {
        inner: source(),
        polls: 0,
    };
    let mut c = Controller::new(
        Box::new(deferred),
        Keymap::builtin().unwrap(),
        "tester",
        NOW_MS,
    );
    c.dispatch(vigil::app::Action::Resize {
        width: 120,
        height: 40,
    });
    assert!(c.state.queue.rows.is_empty());
    assert!(c.state.job.is_some(), "a progress line while reading");
    assert!(screen(&c, 120, 40).contains("reading the alerts"));
    assert!(!c.poll_source(), "nothing arrived on the first poll");
    assert!(c.poll_source(), "the alerts arrived on the second");
    assert!(c.state.job.is_none());
    let eager = controller();
    assert_eq!(c.state.alerts, eager.state.alerts);
    assert_eq!(c.state.queue.rows, eager.state.queue.rows);
    assert_eq!(c.state.queue.counts, eager.state.queue.counts);
    assert_eq!(c.state.rules.len(), eager.state.rules.len());
    assert!(!c.poll_source(), "polling after arrival changes nothing");
}

#[test]
fn a_triage_key_refreshes_like_a_full_reload() {
    let mut c = controller();
    select_alert(&mut c, "a01-office-net");
    keys(&mut c, "a");
    assert_eq!(c.state.status_of("a01-office-net"), Status::Acknowledged);
    for key in ["a", "t", "O", "<space>j<space>a"] {
        keys(&mut c, key);
        let quick = c.state.clone();
        c.resync();
        assert_eq!(quick.triage, c.state.triage, "after {key}");
        assert_eq!(quick.queue.rows, c.state.queue.rows, "after {key}");
        assert_eq!(quick.queue.counts, c.state.queue.counts, "after {key}");
        assert_eq!(quick.precedents, c.state.precedents, "after {key}");
        assert_eq!(quick.queue.cursor, c.state.queue.cursor, "after {key}");
    }
}

#[test]
fn the_tree_and_the_timeline_load_when_their_pane_is_shown() {
    let mut c = controller();
    select_alert(&mut c, "a01-office-net");
    keys(&mut c, "<enter>");
    let v = c.state.view.as_ref().unwrap();
    assert!(v.data.tree.is_none() && v.tree.is_none(), "no tree yet");
    assert!(!v.timeline.fetched, "no timeline yet");
    keys(&mut c, "<tab><tab>");
    assert_eq!(c.state.pane, Pane::Tree);
    let v = c.state.view.as_ref().unwrap();
    assert!(v.tree.as_ref().is_some_and(|t| !t.rows.is_empty()));
    keys(&mut c, "<tab>");
    let v = c.state.view.as_ref().unwrap();
    assert!(v.timeline.fetched && v.timeline.events.len() > 10);
    // Going back and forth does not fetch again: the cursor stays where it was.
    keys(&mut c, "jjj<tab><s-tab>");
    let v = c.state.view.as_ref().unwrap();
    assert_eq!(c.state.mode, Mode::Alert);
    assert_eq!(c.state.pane, Pane::Timeline);
    assert!(v.timeline.cursor.pos >= 3);
}
