//! The interface's functional core: state, actions, the one `update` function, and the
//! key map and theme loaded from data. No terminal code lives here (only `ui` and `tui`
//! import ratatui/crossterm), so everything is testable without a terminal.

pub mod action;
pub mod casework;
pub mod controller;
pub mod cursor;
pub mod detail;
pub mod input;
pub mod keymap;
pub mod keys;
pub mod memory;
mod memory_casework;
mod memory_query;
mod memory_tree;
pub mod precedents;
pub mod queue;
pub mod queue_filter;
pub mod queue_index;
#[cfg(test)]
mod queue_tests;
pub mod reads;
pub mod sanitize;
pub mod source;
pub mod state;
pub mod theme;
pub mod tree_rows;
pub mod update;
mod update_alert;
mod update_casework;
mod update_queue;
mod update_triage;
pub mod wrap;

pub use action::{Action, Effect};
pub use controller::Controller;
pub use keymap::Keymap;
pub use keys::{KeyPress, parse_keys};
pub use memory::MemorySource;
pub use source::{
    ANCESTORS_SHOWN, MoreAncestors, ShownTree, TimelineQuery, TimelineRead, TreeRead, TriageChange,
    TriageSource,
};
pub use state::AppState;
pub use theme::Theme;
