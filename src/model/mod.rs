//! Plain data types shared by every layer: events, rules' metadata, alerts.
//!
//! Nothing here does I/O or knows about tantivy or the terminal; the importer
//! produces [`Event`]s, the rule engines read them through [`fields`], and the
//! detection driver turns matches into [`Alert`]s.

pub mod alert;
pub mod event;
pub mod fields;
pub mod process;
pub mod rule;
pub mod triage;

pub use alert::{Alert, ProcessSummary};
pub use event::Event;
pub use rule::{
    FieldExtract, FieldFlag, FieldHint, FpCategory, MitreRef, RuleKind, RuleMeta, RuleOrigin,
    Severity, TriageHints,
};
