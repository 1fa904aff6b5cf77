//! Rendering: pure functions from `&AppState` and `&Theme` to a frame.
//!
//! Views are rebuilt every frame from the state; they never change it and never do I/O.
//! Only visible rows are turned into widgets, so a queue of 50,000 alerts or a process
//! with thousands of children costs no more to draw than a screenful.

mod alert;
mod checklist;
mod header;
mod layout;
mod overlay;
mod queue;
mod statusbar;
pub mod style;
pub mod text;
mod tree;

pub use layout::hit_test;

use crate::app::state::{AppState, Mode};
use crate::app::theme::Theme;
use crate::ui::style::st;
use ratatui::Frame;
use ratatui::widgets::Block;

/// Draws the whole interface.
pub fn render(frame: &mut Frame, state: &AppState, theme: &Theme) {
    let area = frame.area();
    frame.render_widget(Block::default().style(st(theme, "base")), area);
    let l = layout::split(state, area);
    match state.mode {
        Mode::Queue => {
            header::render(frame, l.header, state, theme);
            queue::render(frame, l.body, state, theme);
        }
        Mode::Alert => {
            alert::render_tabs(frame, l.header, state, theme);
            alert::render(frame, l.body, state, theme);
        }
    }
    statusbar::render(frame, l.status, state, theme);
    overlay::render(frame, area, state, theme);
}
