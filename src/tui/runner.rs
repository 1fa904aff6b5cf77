//! The event loop: draw, read keys/mouse/resize, drain worker messages, repeat.

use crate::app::action::Action;
use crate::app::controller::Controller;
use crate::app::keymap::Keymap;
use crate::app::source::TriageSource;
use crate::app::theme::{Theme, no_color_requested};
use crate::tui::events::key_press;
use crate::tui::worker::{BackgroundJob, Worker, WorkerMsg};
use anyhow::Context as _;
use crossterm::event::{self, Event, MouseButton, MouseEventKind};
use ratatui::layout::Rect;
use std::path::PathBuf;
use std::time::Duration;

/// How the interface starts.
#[derive(Default)]
pub struct UiOptions {
    /// `--theme`: a built-in name, a user theme name, or a path to a `.toml` file.
    pub theme: Option<String>,
    /// Forces colourless output; `NO_COLOR` in the environment does the same.
    pub no_color: bool,
    /// Overrides the config directory (keymap.toml, themes/); default from `directories`.
    pub config_dir: Option<PathBuf>,
    /// Who the audit trail names; default `$USER`.
    pub analyst: Option<String>,
    /// Work to run in the background once the interface is up (import, detection);
    /// when it ends the source is refreshed.
    pub job: Option<BackgroundJob>,
}

fn config_dir(opts: &UiOptions) -> Option<PathBuf> {
    opts.config_dir.clone().or_else(|| {
        directories::ProjectDirs::from("", "", "vigil").map(|d| d.config_dir().to_path_buf())
    })
}

/// The theme `--theme`/`NO_COLOR` ask for.
pub fn load_theme(opts: &UiOptions) -> anyhow::Result<Theme> {
    let dir = config_dir(opts).map(|d| d.join("themes"));
    let theme = Theme::load(opts.theme.as_deref().unwrap_or("dark"), dir.as_deref())?;
    let no_color = opts.no_color || no_color_requested(std::env::var("NO_COLOR").ok().as_deref());
    Ok(if no_color {
        theme.without_color()
    } else {
        theme
    })
}

/// The built-in key map with the user's `keymap.toml` on top.
pub fn load_keymap(opts: &UiOptions) -> anyhow::Result<Keymap> {
    let file = config_dir(opts).map(|d| d.join("keymap.toml"));
    Ok(Keymap::load(file.as_deref())?)
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// Opens the interface on `source` and returns when the analyst quits.
pub fn run(source: Box<dyn TriageSource>, mut opts: UiOptions) -> anyhow::Result<()> {
    let theme = load_theme(&opts)?;
    let keymap = load_keymap(&opts)?;
    let analyst = opts
        .analyst
        .clone()
        .or_else(|| std::env::var("USER").ok())
        .unwrap_or_else(|| "analyst".into());
    let mut ctrl = Controller::new(source, keymap, &analyst, now_ms());
    let worker = opts.job.take().map(Worker::spawn);
    let (mut terminal, _guard) =
        crate::tui::terminal::init().context("cannot set up the terminal")?;
    let size = terminal.size()?;
    ctrl.dispatch(Action::Resize {
        width: size.width,
        height: size.height,
    });
    let mut dirty = true;
    while !ctrl.state.quit {
        if dirty {
            terminal.draw(|f| crate::ui::render(f, &ctrl.state, &theme))?;
            dirty = false;
        }
        // Look for background reads (alerts, a timeline) often while they are on their way.
        let wait = if ctrl.busy() { 15 } else { 100 };
        if event::poll(Duration::from_millis(wait))? {
            dirty = true;
            match event::read()? {
                Event::Key(k) => {
                    if let Some(kp) = key_press(&k) {
                        ctrl.press(kp);
                    }
                }
                Event::Mouse(m) => {
                    let size = terminal.size()?;
                    let area = Rect::new(0, 0, size.width, size.height);
                    let action = match m.kind {
                        MouseEventKind::ScrollDown => Some(Action::ScrollDown),
                        MouseEventKind::ScrollUp => Some(Action::ScrollUp),
                        MouseEventKind::Down(MouseButton::Left) => {
                            crate::ui::hit_test(&ctrl.state, area, m.column, m.row)
                        }
                        _ => None,
                    };
                    if let Some(a) = action {
                        ctrl.dispatch(a);
                    }
                }
                Event::Resize(width, height) => ctrl.dispatch(Action::Resize { width, height }),
                _ => {}
            }
        }
        if let Some(w) = &worker {
            while let Ok(msg) = w.rx.try_recv() {
                dirty = true;
                match msg {
                    WorkerMsg::Progress { label, done, total } => {
                        ctrl.dispatch(Action::JobProgress { label, done, total });
                    }
                    WorkerMsg::Finished(result) => {
                        let ok = result.is_ok();
                        ctrl.dispatch(Action::JobFinished(result));
                        if ok {
                            ctrl.reload();
                        }
                    }
                }
            }
        }
        dirty |= ctrl.poll_source();
        ctrl.dispatch(Action::Tick { now_ms: now_ms() });
    }
    ctrl.source
        .close()
        .map_err(|e| anyhow::anyhow!("the analyst's last decisions may not be on disk: {e}"))
}
