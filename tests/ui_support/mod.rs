//! Shared helpers for the interface tests: the fixture source, a fixed clock, a key
//! sequence driver through the real default key map, and rendering to a test backend.
#![allow(dead_code, clippy::unwrap_used)]

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use vigil::app::{Action, Controller, Keymap, MemorySource, Theme, parse_keys};

/// A fixed "now" (2026-11-26 11:00Z, two hours after the demo attack).
pub const NOW_MS: i64 = 1_795_690_800_000;

pub const FIXTURE: &str = include_str!("../fixtures/tui/demo.json");

pub fn source() -> MemorySource {
    static PARSED: std::sync::OnceLock<MemorySource> = std::sync::OnceLock::new();
    PARSED
        .get_or_init(|| MemorySource::from_json(FIXTURE).unwrap())
        .clone()
}

pub fn controller_sized(width: u16, height: u16) -> Controller {
    let mut c = Controller::new(
        Box::new(source()),
        Keymap::builtin().unwrap(),
        "tester",
        NOW_MS,
    );
    c.dispatch(Action::Resize { width, height });
    c
}

pub fn controller() -> Controller {
    controller_sized(120, 40)
}

/// Presses keys written as `"jj<enter>"` through the default key map.
pub fn keys(c: &mut Controller, seq: &str) {
    c.press_all(&parse_keys(seq).unwrap());
}

pub fn terminal(c: &Controller, theme: &Theme, width: u16, height: u16) -> Terminal<TestBackend> {
    let mut t = Terminal::new(TestBackend::new(width, height)).unwrap();
    t.draw(|f| vigil::ui::render(f, &c.state, theme)).unwrap();
    t
}

/// The screen as text (what `tmux capture-pane` would show).
pub fn screen(c: &Controller, width: u16, height: u16) -> String {
    let theme = Theme::builtin("dark").unwrap();
    terminal(c, &theme, width, height).backend().to_string()
}

/// Moves the queue cursor onto the alert with `id` (by pressing j), panicking if absent.
pub fn select_alert(c: &mut Controller, id: &str) {
    keys(c, "g");
    for _ in 0..c.state.queue.rows.len() {
        if c.state.current_alert().is_some_and(|a| a.id == id) {
            return;
        }
        keys(c, "j");
    }
    panic!("alert {id} is not in the queue");
}

/// The `TriageSource` methods a test wrapper passes on to its `inner` source unchanged;
/// the wrapper writes only the methods it changes.
#[allow(unused_macros)]
macro_rules! delegate_to_inner {
    () => {
        fn rule(&self, rule_id: &str) -> Option<vigil::model::RuleMeta> {
            self.inner.rule(rule_id)
        }
        fn event(&self, event_id: &str) -> Option<vigil::model::Event> {
            self.inner.event(event_id)
        }
        fn timeline(
            &self,
            q: &vigil::app::TimelineQuery,
        ) -> Result<Vec<vigil::model::Event>, String> {
            self.inner.timeline(q)
        }
        fn process_tree(
            &self,
            alert: &vigil::model::Alert,
        ) -> Result<vigil::model::process::ProcessTree, String> {
            self.inner.process_tree(alert)
        }
        fn triage(&self, alert_id: &str) -> vigil::model::triage::AlertTriage {
            self.inner.triage(alert_id)
        }
        fn apply(
            &mut self,
            ids: &[String],
            change: &vigil::app::TriageChange,
            by: &str,
            at_ms: i64,
        ) -> Result<(), String> {
            self.inner.apply(ids, change, by, at_ms)
        }
        fn checklist(
            &self,
            alert: &vigil::model::Alert,
        ) -> Result<vigil::app::casework::Checklist, String> {
            self.inner.checklist(alert)
        }
        fn exception_draft(
            &self,
            alert: &vigil::model::Alert,
        ) -> vigil::app::casework::ExceptionDraft {
            self.inner.exception_draft(alert)
        }
        fn preview_exception(
            &self,
            d: &vigil::app::casework::ExceptionDraft,
        ) -> Result<vigil::app::casework::ExceptionPreview, String> {
            self.inner.preview_exception(d)
        }
        fn save_exception(
            &mut self,
            d: &vigil::app::casework::ExceptionDraft,
            by: &str,
            at_ms: i64,
        ) -> Result<(String, usize), String> {
            self.inner.save_exception(d, by, at_ms)
        }
        fn export_case_notes(&self, ids: &[String]) -> Result<String, String> {
            self.inner.export_case_notes(ids)
        }
    };
}
#[allow(unused_imports)]
pub(crate) use delegate_to_inner;
