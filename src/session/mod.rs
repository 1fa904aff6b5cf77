//! A workspace opened for triage: the glue between the index, the alert store, the
//! analyst's decisions and the triage libraries, used by the interface
//! ([`source::WorkspaceSource`]) and by the CLI's casework commands ([`casework`]).

pub mod alert_keys;
pub mod casework;
pub mod jobs;
pub mod reads;
pub mod source;
pub mod start_lookup;
pub mod tree_query;

pub use source::WorkspaceSource;
