//! vigil: a terminal workbench for security analysts who triage alerts.
//!
//! Module map (see ARCHITECTURE.md for how data flows between them):
//! - [`model`]: plain types shared by every layer (events, rules' metadata, alerts).
//! - [`rules`]: rule engines behind one evaluation contract ([`rules::api`]).

pub mod cli;
pub mod error;
pub mod index;
pub mod ingest;
pub mod model;
pub mod normalize;
pub mod paths;
pub mod rules;
pub mod workspace;

pub use error::{Result, VigilError};
pub use workspace::Workspace;
