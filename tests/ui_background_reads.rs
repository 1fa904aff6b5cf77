//! Timeline and tree reads on another thread: the keystroke returns with the pane marked
//! "reading…", the result is applied through the same action as a synchronous read and
//! gives the same state, rapid keys coalesce, and a result for a window or alert the
//! analyst has left is dropped. A tree whose ancestors were cut short shows a row saying
//! so, and `A` reads them all.

#![allow(clippy::unwrap_used)]

mod ui_support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};
use ui_support::{NOW_MS, controller, keys, screen, select_alert, source};
use vigil::app::{
    Action, Controller, Keymap, MemorySource, MoreAncestors, ShownTree, TimelineQuery,
    TimelineRead, TreeRead, TriageSource,
};
use vigil::model::Alert;

/// Reads the timeline in the background, each read waiting for a go from the test.
struct Gated {
    inner: MemorySource,
    /// The first tree read pretends the ancestors above the root's child were not read.
    cut: bool,
    gate: Arc<Mutex<mpsc::Receiver<()>>>,
    started: Arc<AtomicUsize>,
}

impl Gated {
    /// A read that answers `result` once the test lets it go.
    fn gated<T: Send + 'static>(
        &self,
        result: Result<T, String>,
    ) -> Box<dyn FnOnce() -> Result<T, String> + Send> {
        let gate = Arc::clone(&self.gate);
        let started = Arc::clone(&self.started);
        Box::new(move || {
            started.fetch_add(1, Ordering::SeqCst);
            let go = gate
                .lock()
                .map(|rx| rx.recv_timeout(Duration::from_secs(10)));
            match go {
                Ok(Ok(())) => result,
                _ => Err("the test never let the read finish".to_string()),
            }
        })
    }
}

impl TriageSource for Gated {
    fn alerts(&self) -> Vec<Alert> {
        self.inner.alerts()
    }
    fn timeline_read(&self, q: &TimelineQuery) -> Option<TimelineRead> {
        let result = self.inner.timeline(q);
        Some(self.gated(result))
    }
    fn shown_tree(&self, alert: &Alert, all_ancestors: bool) -> Result<ShownTree, String> {
        let tree = self.inner.process_tree(alert)?;
        let more_ancestors = (self.cut && !all_ancestors).then_some(MoreAncestors {
            node: tree.root,
            read: 1,
        });
        Ok(ShownTree {
            tree,
            more_ancestors,
        })
    }
    fn tree_read(&self, alert: &Alert, all_ancestors: bool) -> Option<TreeRead> {
        let result = self.shown_tree(alert, all_ancestors);
        Some(self.gated(result))
    }
    ui_support::delegate_to_inner!();
}

struct Harness {
    c: Controller,
    go: mpsc::Sender<()>,
    started: Arc<AtomicUsize>,
}

fn gated() -> Harness {
    gated_with(false)
}

fn gated_with(cut: bool) -> Harness {
    let (go, rx) = mpsc::channel();
    let started = Arc::new(AtomicUsize::new(0));
    let src = Gated {
        inner: source(),
        cut,
        gate: Arc::new(Mutex::new(rx)),
        started: Arc::clone(&started),
    };
    let mut c = Controller::new(Box::new(src), Keymap::builtin().unwrap(), "tester", NOW_MS);
    c.dispatch(Action::Resize {
        width: 120,
        height: 40,
    });
    Harness { c, go, started }
}

impl Harness {
    /// Lets one read finish and waits until the controller has taken its result in.
    fn finish_one(&mut self) {
        self.go.send(()).unwrap();
        let start = Instant::now();
        while !self.c.poll_source() {
            assert!(start.elapsed() < Duration::from_secs(10), "no result");
            std::thread::sleep(Duration::from_millis(1));
        }
    }

    fn timeline(&self) -> &vigil::app::state::TimelineView {
        &self.c.state.view.as_ref().unwrap().timeline
    }
}

#[test]
fn the_timeline_reads_in_the_background_and_lands_as_a_synchronous_read_would() {
    let mut h = gated();
    select_alert(&mut h.c, "a01-office-net");
    keys(&mut h.c, "<enter><s-tab>");
    assert!(h.timeline().loading && !h.timeline().fetched);
    assert!(h.c.busy());
    assert!(
        screen(&h.c, 120, 40).contains("reading…"),
        "the pane says it is reading"
    );
    h.finish_one();
    assert!(!h.c.busy());
    let mut sync = controller();
    select_alert(&mut sync, "a01-office-net");
    keys(&mut sync, "<enter><s-tab>");
    assert_eq!(h.c.state.view, sync.state.view);
    assert!(!screen(&h.c, 120, 40).contains("reading…"));
    // Widening: the old events stay on screen while the wider window is read.
    let before = h.timeline().events.len();
    keys(&mut h.c, "+");
    assert!(h.timeline().loading);
    assert_eq!(h.timeline().events.len(), before);
    h.finish_one();
    keys(&mut sync, "+");
    assert_eq!(h.c.state.view, sync.state.view);
}

#[test]
fn rapid_keys_read_the_first_and_the_last_window_only() {
    let mut h = gated();
    select_alert(&mut h.c, "a01-office-net");
    keys(&mut h.c, "<enter><s-tab>");
    h.finish_one();
    keys(&mut h.c, "+++");
    h.finish_one();
    // The first widening's result is stale: still reading the last one.
    assert!(
        h.timeline().loading,
        "the newest window is still on its way"
    );
    h.finish_one();
    assert!(!h.timeline().loading);
    assert_eq!(
        h.started.load(Ordering::SeqCst),
        3,
        "initial, first and last window"
    );
    let mut sync = controller();
    select_alert(&mut sync, "a01-office-net");
    keys(&mut sync, "<enter><s-tab>+++");
    assert_eq!(h.c.state.view, sync.state.view);
}

#[test]
fn a_result_for_an_alert_the_analyst_left_is_dropped() {
    let mut h = gated();
    select_alert(&mut h.c, "a01-office-net");
    keys(&mut h.c, "<enter><s-tab><esc>j<enter>");
    let other = h.c.state.view.as_ref().unwrap().data.alert.id.clone();
    assert_ne!(other, "a01-office-net");
    h.finish_one();
    let t = h.timeline();
    assert!(
        !t.fetched && t.events.is_empty(),
        "the old alert's events were applied"
    );
}

#[test]
fn the_tree_reads_in_the_background_and_lands_as_a_synchronous_read_would() {
    let mut h = gated();
    select_alert(&mut h.c, "a01-office-net");
    keys(&mut h.c, "<enter><tab><tab>");
    let v = h.c.state.view.as_ref().unwrap();
    assert!(v.tree_reading && v.tree.is_none());
    assert!(screen(&h.c, 120, 40).contains("Reading the process tree…"));
    // Moving in the pane while it reads is not an error.
    keys(&mut h.c, "j");
    assert!(h.c.state.message.as_ref().is_none_or(|m| !m.is_error));
    h.finish_one();
    let mut sync = controller();
    select_alert(&mut sync, "a01-office-net");
    keys(&mut sync, "<enter><tab><tab>");
    let (got, want) = (
        h.c.state.view.as_ref().unwrap(),
        sync.state.view.as_ref().unwrap(),
    );
    assert_eq!(got.tree, want.tree);
    assert_eq!(got.data, want.data);
}

#[test]
fn a_cut_chain_says_so_and_a_reads_every_ancestor() {
    let mut h = gated_with(true);
    select_alert(&mut h.c, "a01-office-net");
    keys(&mut h.c, "<enter><tab><tab>");
    h.finish_one();
    let text = screen(&h.c, 120, 40);
    assert!(
        text.contains("older ancestors not read") && text.contains("press A to read them all"),
        "{text}"
    );
    let tv = h.c.state.view.as_ref().unwrap().tree.as_ref().unwrap();
    let focus_key = tv.tree.nodes[tv.tree.focus].key.clone();
    assert_eq!(
        tv.rows[0].node,
        tv.more_ancestors.unwrap().node,
        "the notice is the top row"
    );
    keys(&mut h.c, "A");
    let tv = h.c.state.view.as_ref().unwrap().tree.as_ref().unwrap();
    assert!(tv.reading_all);
    assert!(screen(&h.c, 120, 40).contains("reading all ancestors…"));
    keys(&mut h.c, "A");
    h.finish_one();
    assert_eq!(h.started.load(Ordering::SeqCst), 2, "A twice reads once");
    let tv = h.c.state.view.as_ref().unwrap().tree.as_ref().unwrap();
    assert!(tv.more_ancestors.is_none() && !tv.reading_all);
    let at = tv.rows[tv.cursor.pos].node;
    assert_eq!(
        tv.tree.nodes[at].key, focus_key,
        "the cursor stays on the process"
    );
    assert!(!screen(&h.c, 120, 40).contains("older ancestors not read"));
    // Without a cut, A does nothing.
    keys(&mut h.c, "A");
    assert!(!h.c.busy());
}
