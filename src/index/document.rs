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

/// Room reserved in a document for the indexed views and small fields, on top of
/// the two stored texts; enough for a typical event, so its buffer never regrows.
const DOC_EXTRA_BYTES: usize = 2048;

/// Builds the tantivy document for an event. `scratch` is a reusable buffer for the
/// stored JSON text (its contents on entry do not matter).
pub fn to_document(fields_: &Fields, event: &Event, scratch: &mut Vec<u8>) -> TantivyDocument {
    scratch.clear();
    // Serializing a `Value` into memory cannot fail, and its output is UTF-8.
    let body = match serde_json::to_writer(&mut *scratch, &event.doc) {
        Ok(()) => std::str::from_utf8(scratch).unwrap_or_default(),
        Err(_) => "",
    };
    // The document copies everything into one byte buffer: sizing it up front
    // spares the copies of its regrowth (it starts at 1 KB, an event needs ~4).
    let mut doc =
        TantivyDocument::with_capacity(body.len() + event.original.len() + DOC_EXTRA_BYTES);
    doc.add_text(fields_.id, &event.id);
    doc.add_date(
        fields_.timestamp,
        DateTime::from_timestamp_millis(event.timestamp_ms),
    );
    doc.add_text(fields_.doc, body);
    doc.add_text(fields_.original, &event.original);
    if let Value::Object(map) = &event.doc {
        let mut has_unlisted = false;
        for (key, value) in map {
            match fields_.root_with_paths(key) {
                Some((field, indexed)) if value.is_object() => {
                    if let Some(node) = indexed {
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
    for (field, path) in [
        (fields_.stat_format, "vigil.source.format"),
        (fields_.stat_channel, "winlog.channel"),
        (fields_.stat_code, "event.code"),
        (fields_.stat_host, "host.name"),
    ] {
        // Strings, the usual case, are copied straight into the document.
        match fields::get(&event.doc, path) {
            Some(Value::String(s)) => doc.add_text(field, s),
            found => doc.add_text(
                field,
                found.and_then(fields::scalar_text).unwrap_or_default(),
            ),
        }
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
    use crate::ingest::RawKind;
    use serde_json::json;
    use std::path::Path;
    use tantivy::Document;

    /// JSON records of a file: one per line, or the elements of a top-level array.
    fn records(path: &Path) -> Vec<String> {
        let text = std::fs::read_to_string(path).unwrap();
        match serde_json::from_str::<Value>(&text) {
            Ok(Value::Array(items)) => items.iter().map(|v| v.to_string()).collect(),
            _ => text
                .lines()
                .filter(|l| !l.trim().is_empty())
                .map(str::to_string)
                .collect(),
        }
    }

    #[test]
    fn real_events_round_trip_whatever_the_scratch_buffer_held() {
        let mut files =
            vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/demo_events.ndjson")];
        match crate::testutil::shared_dir() {
            Some(shared) => {
                for dir in [
                    "elastic-beats-winlogbeat",
                    "elastic-integrations-m365_defender",
                ] {
                    let dir = shared.join("datasets").join(dir);
                    for entry in std::fs::read_dir(&dir).unwrap() {
                        files.push(entry.unwrap().path());
                    }
                }
            }
            None => eprintln!("../shared/datasets not found: checking the demo events only"),
        }
        let (schema, f) = build_schema();
        let mut scratch = vec![b'x'; 10];
        let mut checked = 0;
        for file in &files {
            let source = file.display().to_string();
            for record in records(file) {
                let value = serde_json::from_str(&record).unwrap();
                let Ok((mut event, _)) =
                    crate::normalize::normalize_value(RawKind::Json, &record, value, &source)
                else {
                    continue;
                };
                for tagged in [false, true] {
                    if tagged {
                        crate::index::writer::merge_rule_ids(
                            &mut event.doc,
                            &["r1".to_string()].into(),
                        );
                    }
                    // The scratch buffer still holds the previous event's text.
                    let built = to_document(&f, &event, &mut scratch);
                    let fresh = to_document(&f, &event, &mut Vec::new());
                    let named = built.to_named_doc(&schema).0;
                    assert_eq!(named, fresh.to_named_doc(&schema).0, "{source}");
                    assert_eq!(from_document(&f, &built).as_ref(), Some(&event), "{source}");
                    for (column, path) in [
                        ("_stat_format", "vigil.source.format"),
                        ("_stat_channel", "winlog.channel"),
                        ("_stat_code", "event.code"),
                        ("_stat_host", "host.name"),
                    ] {
                        let expected = fields::get(&event.doc, path)
                            .and_then(fields::scalar_text)
                            .unwrap_or_default();
                        let stored = named.get(column).map(Vec::as_slice);
                        assert!(
                            matches!(stored, Some([tantivy::schema::OwnedValue::Str(s)]) if *s == expected),
                            "{source}: {column} {stored:?}, expected {expected:?}"
                        );
                    }
                    checked += 1;
                }
            }
        }
        assert!(checked >= 6000, "only {checked} documents compared");
    }

    #[test]
    fn stat_columns_take_numbers_and_booleans_as_text() {
        let (schema, f) = build_schema();
        let ev = Event {
            id: "n".into(),
            timestamp_ms: 0,
            doc: json!({"event": {"code": 4688}, "host": {"name": true}, "winlog": {"channel": ["a"]}}),
            original: String::new(),
        };
        let named = to_document(&f, &ev, &mut Vec::new()).to_named_doc(&schema);
        let text = |name: &str| match named.0.get(name).map(Vec::as_slice) {
            Some([tantivy::schema::OwnedValue::Str(s)]) => s.clone(),
            other => panic!("{name}: {other:?}"),
        };
        assert_eq!(text("_stat_code"), "4688");
        assert_eq!(text("_stat_host"), "true");
        assert_eq!(text("_stat_channel"), "");
        assert_eq!(text("_stat_format"), "");
    }

    #[test]
    fn round_trip_keeps_everything() {
        let (_, f) = build_schema();
        let ev = Event {
            id: "abc".into(),
            timestamp_ms: 1_600_000_000_123,
            doc: json!({"process": {"name": "net.exe"}, "tags": ["x"], "message": "hi"}),
            original: "{\"raw\":1}".into(),
        };
        let doc = to_document(&f, &ev, &mut Vec::new());
        assert_eq!(from_document(&f, &doc), Some(ev));
    }
}
