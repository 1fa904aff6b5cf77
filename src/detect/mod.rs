//! Detection driver: runs every loaded rule set over events, turns matches into alerts,
//! and keeps the alerts of a workspace.
//!
//! The engines (EQL, KQL, Sigma...) only report [`crate::rules::api::RuleMatch`]es; this
//! layer owns what an alert looks like and where it is stored.

pub mod build;
pub mod combine;
pub mod store;

pub use build::build_alert;
pub use combine::Combined;
pub use store::AlertStore;
