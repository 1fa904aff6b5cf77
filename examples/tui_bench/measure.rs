//! Drives a [`Controller`] through the real key map and draws each state into a
//! `TestBackend`, recording how long every keystroke took to handle and redraw.

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::time::Instant;
use vigil::app::{Controller, Theme, parse_keys};

pub struct Bench {
    pub ctrl: Controller,
    term: Terminal<TestBackend>,
    theme: Theme,
    /// (label, milliseconds of each sample), in first-recorded order.
    samples: Vec<(String, Vec<f64>)>,
}

pub fn ms(since: Instant) -> f64 {
    since.elapsed().as_secs_f64() * 1000.0
}

impl Bench {
    pub fn new(ctrl: Controller, theme: Theme, width: u16, height: u16) -> anyhow::Result<Self> {
        Ok(Bench {
            ctrl,
            term: Terminal::new(TestBackend::new(width, height))?,
            theme,
            samples: Vec::new(),
        })
    }

    pub fn draw(&mut self) -> anyhow::Result<()> {
        let (state, theme) = (&self.ctrl.state, &self.theme);
        self.term.draw(|f| vigil::ui::render(f, state, theme))?;
        Ok(())
    }

    pub fn record(&mut self, label: &str, millis: f64) {
        match self.samples.iter_mut().find(|(l, _)| l == label) {
            Some((_, v)) => v.push(millis),
            None => self.samples.push((label.to_string(), vec![millis])),
        }
    }

    /// Presses `keys` (key-map notation), draws one frame and records the time under `label`.
    pub fn step(&mut self, label: &str, keys: &str) -> anyhow::Result<f64> {
        let keys = parse_keys(keys)?;
        let t = Instant::now();
        self.ctrl.press_all(&keys);
        self.draw()?;
        let took = ms(t);
        self.record(label, took);
        Ok(took)
    }

    /// Like [`Bench::step`], then waits for the reads the keys started on other threads
    /// (a timeline, a tree) and records the time until their result is drawn under
    /// `settled` (nothing when the keys started none).
    pub fn step_settled(&mut self, label: &str, settled: &str, keys: &str) -> anyhow::Result<()> {
        let keys = parse_keys(keys)?;
        let t = Instant::now();
        self.ctrl.press_all(&keys);
        self.draw()?;
        self.record(label, ms(t));
        if !self.ctrl.busy() {
            return Ok(());
        }
        while self.ctrl.busy() {
            if !self.ctrl.poll_source() {
                std::thread::sleep(std::time::Duration::from_micros(200));
            }
        }
        self.draw()?;
        self.record(settled, ms(t));
        Ok(())
    }

    /// Presses keys without recording (setting up the next measurement).
    pub fn press(&mut self, keys: &str) -> anyhow::Result<()> {
        self.ctrl.press_all(&parse_keys(keys)?);
        while self.ctrl.busy() {
            if !self.ctrl.poll_source() {
                std::thread::sleep(std::time::Duration::from_micros(200));
            }
        }
        self.draw()
    }

    /// Rows of the open alert's process tree (0 when none).
    pub fn tree_rows(&self) -> usize {
        self.ctrl
            .state
            .view
            .as_ref()
            .and_then(|v| v.tree.as_ref())
            .map_or(0, |t| t.rows.len())
    }

    /// Prints one line per label: samples, median, max, and whether max met its budget
    /// (issue 6: first frame 300 ms, a process tree 50 ms, any other keystroke 16 ms;
    /// reads finishing on another thread, "..., read)", have none but the tree's).
    pub fn report(&self) {
        println!(
            "{:<48} {:>4} {:>9} {:>9} {:>7}",
            "action", "n", "median", "max", "budget"
        );
        for (label, v) in &self.samples {
            let budget_ms = if label.starts_with("first frame") || label.starts_with("full queue") {
                300.0
            } else if ["tree build", "tree shown", "tree: shown"]
                .iter()
                .any(|p| label.starts_with(p))
            {
                50.0
            } else if label.contains("read)") {
                f64::INFINITY
            } else {
                16.0
            };
            let mut sorted = v.clone();
            sorted.sort_by(f64::total_cmp);
            let median = sorted[sorted.len() / 2];
            let max = sorted[sorted.len() - 1];
            let verdict = if max <= budget_ms { "ok" } else { "OVER" };
            let budget = if budget_ms.is_finite() {
                budget_ms.to_string()
            } else {
                "-".to_string()
            };
            println!(
                "{label:<48} {:>4} {median:>9.2} {max:>9.2} {budget:>7}  {verdict}",
                sorted.len()
            );
        }
    }
}
