//! The terminal shell around the functional core: terminal setup/restore, the event
//! loop, and the background worker. `run` is what `vigil` and `vigil demo` call.

pub mod events;
mod runner;
pub mod terminal;
pub mod worker;

pub use runner::{UiOptions, load_keymap, load_theme, run};
pub use worker::{BackgroundJob, Progress};
