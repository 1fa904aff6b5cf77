//! Field values as aggregation terms, shared by threshold and new_terms rules.
//!
//! Elasticsearch buckets a document under every value of a multi-valued field and skips
//! documents missing a grouped field; with several fields the buckets are the
//! combinations of their values. The number of combinations per event is capped so a
//! hostile event with huge arrays cannot blow up memory.

use crate::model::fields::{for_each_scalar, scalar_text};
use serde_json::Value;

/// Most value combinations taken from one event.
pub const MAX_COMBINATIONS: usize = 64;

/// The distinct scalar values of `field`, as text, in document order.
pub fn values_of(doc: &Value, field: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for_each_scalar(doc, field, &mut |v| {
        if let Some(t) = scalar_text(v)
            && !out.contains(&t)
        {
            out.push(t);
        }
    });
    out
}

/// Every combination of one value per field; empty when any field has no value.
pub fn combinations(doc: &Value, fields: &[String]) -> Vec<Vec<String>> {
    let mut combos: Vec<Vec<String>> = vec![Vec::new()];
    for field in fields {
        let values = values_of(doc, field);
        if values.is_empty() {
            return Vec::new();
        }
        let mut next = Vec::with_capacity(combos.len() * values.len());
        'outer: for prefix in &combos {
            for v in &values {
                if next.len() >= MAX_COMBINATIONS {
                    break 'outer;
                }
                let mut c = prefix.clone();
                c.push(v.clone());
                next.push(c);
            }
        }
        combos = next;
    }
    combos
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn combinations_cover_arrays_and_skip_missing() {
        let d = json!({"a": ["x", "y", "x"], "b": 5, "c": null});
        let f = |names: &[&str]| names.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(combinations(&d, &f(&["a"])), vec![vec!["x"], vec!["y"]]);
        assert_eq!(
            combinations(&d, &f(&["a", "b"])),
            vec![vec!["x", "5"], vec!["y", "5"]]
        );
        assert!(combinations(&d, &f(&["a", "missing"])).is_empty());
        assert!(combinations(&d, &f(&["c"])).is_empty());
        assert_eq!(combinations(&d, &[]), vec![Vec::<String>::new()]);
    }
}
