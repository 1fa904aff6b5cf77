//! Detection driver: runs every loaded rule set over events, turns matches into alerts,
//! shapes them for triage, and keeps the alerts of a workspace.
//!
//! The engines (EQL, KQL, Sigma...) only report [`crate::rules::api::RuleMatch`]es; this
//! layer owns what an alert looks like: its fields ([`build`]), the triage hints of its
//! rule ([`enrich`]: false-positive suggestions, extracted values, flags), folding of
//! duplicate child-process alerts ([`fold`]), and where alerts are stored ([`store`]).
//! [`hunt`] builds summaries over alerts (created users per host).

pub mod build;
pub mod combine;
pub mod enrich;
pub mod fold;
pub mod hunt;
pub mod pattern;
pub mod pipeline;
pub mod record;
pub mod store;
#[cfg(test)]
mod test_support;

pub use build::build_alert;
pub use combine::Combined;
pub use enrich::{CompiledTriage, Enricher, TriageError, enrich};
pub use fold::fold_into_parents;
pub use hunt::{AccountScope, CreatedUserSummary, created_users};
pub use pipeline::{AlertBuilder, alerts_from_matches};
pub use record::{Recorded, record_matches};
pub use store::AlertStore;
