//! vigil: a terminal workbench for security analysts who triage alerts.
//!
//! Module map (see ARCHITECTURE.md for how data flows between them):
//! - [`model`]: plain types shared by every layer (events, rules' metadata, alerts).
//! - [`rules`]: rule engines behind one evaluation contract ([`rules::api`]).

pub mod model;
pub mod rules;
