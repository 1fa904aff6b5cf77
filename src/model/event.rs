//! One normalized event as the importer hands it to the index and the rule engines.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A normalized event.
///
/// `doc` is an ECS document made of nested JSON objects (`{"process":{"name":"net.exe"}}`),
/// never flat dotted keys, except inside `winlog.event_data` where the source's own
/// field names are kept as given. `original` is the source record verbatim.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// Stable identity derived from the source (Windows: computer, channel, record id;
    /// otherwise a content hash), hex encoded.
    pub id: String,
    /// Event time in milliseconds since the Unix epoch, UTC (the event's own time).
    pub timestamp_ms: i64,
    /// The ECS document used by rules, search and views.
    pub doc: Value,
    /// The source record exactly as read (XML rendered as JSON for EVTX).
    pub original: String,
}

impl Event {
    /// Looks up a dotted ECS field; see [`crate::model::fields`].
    pub fn get(&self, path: &str) -> Option<&Value> {
        crate::model::fields::get(&self.doc, path)
    }

    /// The first string value of a field, if any.
    pub fn str_field(&self, path: &str) -> Option<&str> {
        crate::model::fields::first_str(&self.doc, path)
    }
}
