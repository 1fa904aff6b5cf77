//! Conversion between [`Event`]s and tantivy documents.
//!
//! The ECS document is stored verbatim as JSON text (for retrieval) and indexed
//! root by root, restricted to the curated search fields ([`super::curated`]);
//! the original record is stored, never indexed. A few fast string
//! columns feed `vigil stats` without reading stored documents.

use super::curated::{self, Curated};
use super::schema::Fields;
use crate::model::{Event, fields};
use serde_json::Value;
use tantivy::schema::Value as _;
use tantivy::{DateTime, TantivyDocument};

/// Builds the tantivy document for an event.
pub fn to_document(fields_: &Fields, event: &Event) -> TantivyDocument {
    let mut doc = TantivyDocument::default();
    doc.add_text(fields_.id, &event.id);
    doc.add_date(
        fields_.timestamp,
        DateTime::from_timestamp_millis(event.timestamp_ms),
    );
    // `to_string` on the value goes through `fmt::Write`; serializing into a byte
    // buffer is about twice as fast. Serializing a `Value` cannot fail.
    let body = serde_json::to_string(&event.doc).unwrap_or_default();
    doc.add_text(fields_.doc, body);
    doc.add_text(fields_.original, &event.original);
    if let Value::Object(map) = &event.doc {
        let mut has_unlisted = false;
        for (key, value) in map {
            match fields_.root(key) {
                Some(field) if value.is_object() => {
                    if let Some(node) = curated::indexed_root(key) {
                        doc.add_field_value(field, Curated::new(value, node));
                    }
                }
                _ => has_unlisted |= curated::is_unlisted(key, value),
            }
        }
        if has_unlisted {
            doc.add_field_value(fields_.other, Curated::unlisted_roots(&event.doc));
        }
    }
    for (path, field) in &fields_.texts {
        fields::for_each_scalar(&event.doc, path, &mut |v| {
            if let Some(s) = v.as_str() {
                doc.add_text(*field, s);
            }
        });
    }
    let stat = |path: &str| fields::get(&event.doc, path).and_then(fields::scalar_text);
    for (field, path) in [
        (fields_.stat_format, "vigil.source.format"),
        (fields_.stat_channel, "winlog.channel"),
        (fields_.stat_code, "event.code"),
        (fields_.stat_host, "host.name"),
    ] {
        doc.add_text(field, stat(path).unwrap_or_default());
    }
    doc
}

/// Rebuilds the event from its stored fields; `None` when the document is not one of ours.
pub fn from_document(fields_: &Fields, doc: &TantivyDocument) -> Option<Event> {
    let text = |f| {
        doc.get_first(f)
            .and_then(|v| v.as_str().map(str::to_string))
    };
    let id = text(fields_.id)?;
    let body: Value = serde_json::from_str(&text(fields_.doc)?).ok()?;
    let original = text(fields_.original).unwrap_or_default();
    let timestamp_ms = doc
        .get_first(fields_.timestamp)
        .and_then(|v| v.as_datetime())
        .map(|d| d.into_timestamp_millis())
        .unwrap_or_default();
    Some(Event {
        id,
        timestamp_ms,
        doc: body,
        original,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::schema::build_schema;
    use serde_json::json;

    #[test]
    fn round_trip_keeps_everything() {
        let (_, f) = build_schema();
        let ev = Event {
            id: "abc".into(),
            timestamp_ms: 1_600_000_000_123,
            doc: json!({"process": {"name": "net.exe"}, "tags": ["x"], "message": "hi"}),
            original: "{\"raw\":1}".into(),
        };
        let doc = to_document(&f, &ev);
        assert_eq!(from_document(&f, &doc), Some(ev));
    }
}
