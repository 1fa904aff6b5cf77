//! Timeline reads on another thread: the keystroke returns with the timeline marked
//! "reading…", the result is applied through the same action as a synchronous read and
//! gives the same state, rapid keys coalesce, and a result for a window or alert the
//! analyst has left is dropped.

#![allow(clippy::unwrap_used)]

mod ui_support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};
use ui_support::{NOW_MS, controller, keys, screen, select_alert, source};
use vigil::app::casework::{Checklist, ExceptionDraft, ExceptionPreview};
use vigil::app::{
    Action, Controller, Keymap, MemorySource, TimelineQuery, TimelineRead, TriageChange,
    TriageSource,
};
use vigil::model::process::ProcessTree;
use vigil::model::triage::AlertTriage;
use vigil::model::{Alert, Event, RuleMeta};

/// Reads the timeline in the background, each read waiting for a go from the test.
struct Gated {
    inner: MemorySource,
    gate: Arc<Mutex<mpsc::Receiver<()>>>,
    started: Arc<AtomicUsize>,
}

impl TriageSource for Gated {
    fn alerts(&self) -> Vec<Alert> {
        self.inner.alerts()
    }
    fn rule(&self, rule_id: &str) -> Option<RuleMeta> {
        self.inner.rule(rule_id)
    }
    fn event(&self, event_id: &str) -> Option<Event> {
        self.inner.event(event_id)
    }
    fn timeline(&self, q: &TimelineQuery) -> Result<Vec<Event>, String> {
        self.inner.timeline(q)
    }
    fn timeline_read(&self, q: &TimelineQuery) -> Option<TimelineRead> {
        let result = self.inner.timeline(q);
        let gate = Arc::clone(&self.gate);
        let started = Arc::clone(&self.started);
        Some(Box::new(move || {
            started.fetch_add(1, Ordering::SeqCst);
            let go = gate
                .lock()
                .map(|rx| rx.recv_timeout(Duration::from_secs(10)));
            match go {
                Ok(Ok(())) => result,
                _ => Err("the test never let the read finish".to_string()),
            }
        }))
    }
    fn process_tree(&self, alert: &Alert) -> Result<ProcessTree, String> {
        self.inner.process_tree(alert)
    }
    fn triage(&self, alert_id: &str) -> AlertTriage {
        self.inner.triage(alert_id)
    }
    fn apply(
        &mut self,
        ids: &[String],
        change: &TriageChange,
        by: &str,
        at_ms: i64,
    ) -> Result<(), String> {
        self.inner.apply(ids, change, by, at_ms)
    }
    fn checklist(&self, alert: &Alert) -> Result<Checklist, String> {
        self.inner.checklist(alert)
    }
    fn exception_draft(&self, alert: &Alert) -> ExceptionDraft {
        self.inner.exception_draft(alert)
    }
    fn preview_exception(&self, d: &ExceptionDraft) -> Result<ExceptionPreview, String> {
        self.inner.preview_exception(d)
    }
    fn save_exception(
        &mut self,
        d: &ExceptionDraft,
        by: &str,
        at_ms: i64,
    ) -> Result<(String, usize), String> {
        self.inner.save_exception(d, by, at_ms)
    }
    fn export_case_notes(&self, ids: &[String]) -> Result<String, String> {
        self.inner.export_case_notes(ids)
    }
}

struct Harness {
    c: Controller,
    go: mpsc::Sender<()>,
    started: Arc<AtomicUsize>,
}

fn gated() -> Harness {
    let (go, rx) = mpsc::channel();
    let started = Arc::new(AtomicUsize::new(0));
    let src = Gated {
        inner: source(),
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
