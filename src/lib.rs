//! vigil: a terminal workbench for security analysts who triage alerts.
//!
//! Module map (see ARCHITECTURE.md for how data flows between them):
//! - [`detect`]: the detection driver: evaluators over events, alerts and their store.
//! - [`model`]: plain types shared by every layer (events, rules' metadata, alerts).
//! - [`rules`]: rule engines behind one evaluation contract ([`rules::api`]).

pub mod detect;
pub mod model;
pub mod rules;
