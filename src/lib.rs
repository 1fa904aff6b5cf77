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
//! - [`samples`]: the deterministic generator behind `samples/` and the benchmarks.
//! - [`workspace`]: the workspace directory, its lock and schema version.
//! - [`ingest`]: format detection, streaming readers and the import pipeline.
//! - [`normalize`]: mapping source records to ECS events.
//! - [`index`]: the tantivy index: writing, searching, iterating, tagging, stats.
//! - [`cli`]: the command line (`import`, `search`, `stats`).

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
pub mod store;
#[cfg(test)]
pub(crate) mod testutil;
pub mod text;
pub mod triage;
pub mod workspace;

pub use error::{Result, VigilError};
pub use workspace::Workspace;
