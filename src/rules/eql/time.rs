//! A rule's event time: the rule's `timestamp_override` field (Elastic rules often use
//! `event.ingested`) when the event has it in a readable form, else the event's own time,
//! as Elasticsearch falls back to `@timestamp`.

use super::cond::FieldPath;
use super::doc_view::DocView;
use crate::normalize::time::parse_utc_ms;
use serde_json::Value;

/// Epoch milliseconds from a date field: RFC 3339 text, or a number of milliseconds.
pub fn time_value(v: &Value) -> Option<i64> {
    match v {
        Value::String(s) => parse_utc_ms(s),
        Value::Number(n) => n.as_i64().or_else(|| n.as_f64().map(|f| f as i64)),
        Value::Array(items) => items.iter().find_map(time_value),
        _ => None,
    }
}

/// The time a rule sees for the event.
pub fn event_time(field: Option<&FieldPath>, doc: &mut DocView<'_, '_>, own: i64) -> i64 {
    field
        .and_then(|f| doc.get(f))
        .and_then(time_value)
        .unwrap_or(own)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn override_field_or_fallback() {
        let f = FieldPath::new("event.ingested", None);
        let cases = [
            (
                json!({"event": {"ingested": "2024-01-01T00:00:01Z"}}),
                1_704_067_201_000,
            ),
            (
                json!({"event": {"ingested": 1_704_067_202_000_i64}}),
                1_704_067_202_000,
            ),
            (
                json!({"event": {"ingested": ["2024-01-01T00:00:03.5Z"]}}),
                1_704_067_203_500,
            ),
            (json!({"event": {"ingested": "not a date"}}), 7),
            (json!({"event": {}}), 7),
        ];
        for (doc, want) in cases {
            let mut view = DocView::plain(&doc);
            assert_eq!(event_time(Some(&f), &mut view, 7), want, "{doc}");
        }
        let doc = json!({"event": {"ingested": "2024-01-01T00:00:01Z"}});
        assert_eq!(event_time(None, &mut DocView::plain(&doc), 7), 7);
    }
}
