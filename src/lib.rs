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

pub mod detect;
pub mod export;
pub mod model;
pub mod rules;
pub mod samples;
pub mod store;
#[cfg(test)]
pub(crate) mod testutil;
pub mod text;
pub mod triage;
