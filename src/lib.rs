//! vigil: a terminal workbench for security analysts who triage alerts.
//!
//! Module map (see ARCHITECTURE.md for how data flows between them):
//! - [`model`]: plain types shared by every layer (events, rules' metadata, alerts).
//! - [`rules`]: rule engines behind one evaluation contract ([`rules::api`]).
//! - [`app`]: the interface's state, actions and `update` (no terminal code).
//! - [`ui`]: rendering of the state with ratatui (pure views).
//! - [`tui`]: the terminal shell: setup/restore, event loop, background worker.

pub mod app;
pub mod model;
pub mod rules;
pub mod tui;
pub mod ui;
