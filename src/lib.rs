//! vigil: a terminal workbench for security analysts who triage alerts.
//!
//! Module map (see ARCHITECTURE.md for how data flows between them):
//! - [`model`]: plain types shared by every layer (events, rules' metadata, alerts).
//! - [`rules`]: rule engines behind one evaluation contract ([`rules::api`]).
//! - [`detect`]: the detection driver: evaluators over events, alerts and their store.
//! - [`triage`]: guides as checklists, pivots, exceptions, process trees, precedents.
//! - [`store`]: the analyst's decisions, crash-safe, kept apart from the index.
//! - [`export`]: case notes in Markdown and JSON.
//! - [`text`]: making attacker-controlled text inert for display.
//! - [`workspace`], [`index`], [`ingest`], [`normalize`]: the workspace directory, its
//!   tantivy index, and the importer that reads files and maps them to ECS.
//! - [`cli`]: the `vigil` commands (the only place that prints).
//! - [`samples`]: the deterministic generator behind `samples/` and the benchmarks.
//! - [`session`]: a workspace opened for triage (the interface's data source, casework).
//! - [`app`]: the interface's state, actions and `update` (no terminal code).
//! - [`ui`]: rendering of the state with ratatui (pure views).
//! - [`tui`]: the terminal shell: setup/restore, event loop, background worker.

pub mod app;
pub mod cli;
pub mod detect;
pub mod error;
pub mod export;
pub mod index;
pub mod ingest;
pub mod model;
pub mod normalize;
pub mod paths;
pub mod rules;
pub mod samples;
pub mod session;
pub mod store;
#[cfg(test)]
pub(crate) mod testutil;
pub mod text;
pub mod triage;
pub mod tui;
pub mod ui;
pub mod workspace;

pub use error::{Result, VigilError};
pub use workspace::Workspace;
