//! What stateful rules keep of an event, as compactly as possible: for each
//! sequence/sample item it matched, one 24-byte [`Hit`] (time, interned event id, item,
//! interned join key). Event ids and join keys are stored once per evaluator however many
//! rules and items refer to them, and nothing else of the document is retained, so memory
//! grows with the number of distinct candidate events, never with their size.

use super::doc_view::DocView;
use super::query::KeyField;
use super::text_table::TextTable;
use serde_json::Value;
use std::fmt::Write as _;

/// One event matching one item of a stateful rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    /// The rule's event time (its `timestamp_override` field when set).
    pub ts: i64,
    pub event: u32,
    /// Item index; `until` is the index after the last item.
    pub stage: u32,
    pub key: u32,
}

/// Event ids and join keys of the candidates, each stored once (see `text_table`). A
/// join key is stored in its flat form (see [`write_key`]), so a key met again is found
/// without allocating.
#[derive(Debug, Default)]
pub struct Interned {
    ids: TextTable,
    first_ts: Vec<i64>,
    keys: TextTable,
    /// Some event id came again with another time (distinct records sharing an id).
    ids_reused: bool,
}

impl Interned {
    /// The number of an event, or `None` when this exact event (same id, same time) was
    /// already recorded: a record imported twice adds nothing.
    pub fn event(&mut self, id: &str, ts: i64) -> Option<u32> {
        let (n, new) = self.ids.intern(id)?;
        if new {
            self.first_ts.push(ts);
            return Some(n);
        }
        if self.first_ts.get(n as usize) == Some(&ts) {
            return None;
        }
        self.ids_reused = true;
        Some(n)
    }

    /// The number of a join key given in its flat form.
    pub fn key(&mut self, flat: &str) -> u32 {
        self.keys.intern(flat).map_or(u32::MAX, |(n, _)| n)
    }

    pub fn id(&self, event: u32) -> &str {
        self.ids.get(event)
    }

    /// Whether every event number stands for one (id, time): then a candidate's hits
    /// are all its event's hits, whichever other candidates are left out.
    pub fn ids_unique(&self) -> bool {
        !self.ids_reused
    }

    /// The parts of a join key, in key order; `None` is a null allowed by `?field`.
    pub fn key_parts(&self, key: u32) -> Vec<Option<&str>> {
        if (key as usize) < self.keys.len() {
            key_parts(self.keys.get(key))
        } else {
            Vec::new()
        }
    }
}

/// The hits of one event for one rule, after sorting.
#[derive(Debug, Clone, Copy)]
pub struct Candidate<'h> {
    pub event: u32,
    pub ts: i64,
    pub hits: &'h [Hit],
}

impl Candidate<'_> {
    pub fn key_for(&self, stage: usize) -> Option<u32> {
        self.hits
            .iter()
            .find(|h| h.stage as usize == stage)
            .map(|h| h.key)
    }
}

/// Sorts a rule's hits by (time, event id) and groups them per event; an event met
/// again at the same time is kept once (its first hits).
pub fn group<'h>(hits: &'h mut [Hit], names: &Interned) -> Vec<Candidate<'h>> {
    hits.sort_by(|a, b| {
        (a.ts, names.id(a.event), a.event, a.stage).cmp(&(
            b.ts,
            names.id(b.event),
            b.event,
            b.stage,
        ))
    });
    let mut out: Vec<Candidate<'h>> = Vec::new();
    let mut rest: &'h [Hit] = hits;
    while let Some(first) = rest.first().copied() {
        let n = rest
            .iter()
            .take_while(|h| h.ts == first.ts && h.event == first.event)
            .count();
        let (mine, tail) = rest.split_at(n);
        rest = tail;
        if out.last().is_some_and(|c| c.event == first.event) {
            continue;
        }
        out.push(Candidate {
            event: first.event,
            ts: first.ts,
            hits: mine,
        });
    }
    out
}

/// Writes the join key of the event for `keys` into `out` in flat form: each part is
/// its text, `:`, the text's byte length and `;`, or `-;` for a null allowed by
/// `?field`. Read from the end, the form is unambiguous whatever the texts contain.
/// Returns false (and leaves `out` unspecified) when a required key is missing.
pub fn write_key(keys: &[KeyField], doc: &mut DocView<'_, '_>, out: &mut String) -> bool {
    out.clear();
    for k in keys {
        let start = out.len();
        let present = match doc.get(&k.field) {
            None | Some(Value::Null) => false,
            Some(Value::Array(items)) => {
                // An array key joins as the composite of its values.
                let mut any = false;
                for item in items {
                    let before = out.len();
                    if any {
                        out.push('\u{1f}');
                    }
                    if write_scalar(item, out) {
                        any = true;
                    } else {
                        out.truncate(before);
                    }
                }
                any
            }
            Some(v) => write_scalar(v, out),
        };
        if present {
            let len = out.len() - start;
            out.push(':');
            push_decimal(out, len);
            out.push(';');
        } else if k.optional {
            out.truncate(start);
            out.push_str("-;");
        } else {
            return false;
        }
    }
    true
}

/// Appends `n` in decimal without the formatting machinery (once per key part).
fn push_decimal(out: &mut String, n: usize) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut rest = n;
    loop {
        at -= 1;
        digits[at] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    for &d in &digits[at..] {
        out.push(char::from(d));
    }
}

/// The text `scalar_text` gives a scalar, appended; false for anything else.
fn write_scalar(v: &Value, out: &mut String) -> bool {
    match v {
        Value::String(s) => out.push_str(s),
        Value::Number(n) => {
            let _ = write!(out, "{n}");
        }
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        _ => return false,
    }
    true
}

/// Splits a flat key (see [`write_key`]) into its parts.
fn key_parts(flat: &str) -> Vec<Option<&str>> {
    let mut parts = Vec::new();
    let mut rest = flat;
    while let Some(body) = rest.strip_suffix(';') {
        if let Some(before) = body.strip_suffix('-') {
            parts.push(None);
            rest = before;
            continue;
        }
        let Some(colon) = body.rfind(':') else {
            break;
        };
        let len: usize = body
            .get(colon + 1..)
            .and_then(|d| d.parse().ok())
            .unwrap_or(0);
        let Some(start) = colon.checked_sub(len) else {
            break;
        };
        parts.push(body.get(start..colon));
        rest = body.get(..start).unwrap_or("");
    }
    parts.reverse();
    parts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::fields::scalar_text;
    use crate::rules::eql::cond::FieldPath;
    use serde_json::json;

    #[test]
    fn flat_keys_round_trip_and_never_collide() {
        let doc = json!({
            "a": "x:1;", "b": null, "c": 7, "d": ["p", 2, null, true], "e": "-;", "f": [],
            "g": "", "h": {"o": 1}, "i": 2.5
        });
        let key = |names: &[(&str, bool)]| -> Vec<KeyField> {
            names
                .iter()
                .map(|(p, optional)| KeyField {
                    field: FieldPath::new(p, None),
                    optional: *optional,
                })
                .collect()
        };
        type Parts = Option<Vec<Option<String>>>;
        let cases: &[(&[(&str, bool)], Parts)] = &[
            (&[("a", false)], Some(vec![Some("x:1;".into())])),
            (
                &[("a", false), ("b", true)],
                Some(vec![Some("x:1;".into()), None]),
            ),
            (&[("b", false)], None),
            (
                &[("missing", true), ("c", false)],
                Some(vec![None, Some("7".into())]),
            ),
            (
                &[("d", false)],
                Some(vec![Some("p\u{1f}2\u{1f}true".into())]),
            ),
            (
                &[("e", false), ("g", false)],
                Some(vec![Some("-;".into()), Some("".into())]),
            ),
            (&[("f", false)], None),
            (&[("f", true)], Some(vec![None])),
            (&[("h", false)], None),
            (&[("i", false)], Some(vec![scalar_text(&json!(2.5))])),
        ];
        let mut flats = Vec::new();
        for (fields, want) in cases {
            let keys = key(fields);
            let mut view = DocView::plain(&doc);
            let mut out = String::new();
            let ok = write_key(&keys, &mut view, &mut out);
            assert_eq!(ok, want.is_some(), "{fields:?}");
            if let Some(want) = want {
                let got: Vec<Option<String>> = key_parts(&out)
                    .into_iter()
                    .map(|p| p.map(str::to_string))
                    .collect();
                assert_eq!(&got, want, "{fields:?} -> {out:?}");
                flats.push(out);
            }
        }
        let distinct: std::collections::HashSet<&String> = flats.iter().collect();
        assert_eq!(distinct.len(), flats.len(), "{flats:?}");
        let mut names = Interned::default();
        let a = names.key(&flats[0]);
        assert_eq!(names.key(&flats[0]), a);
        assert_ne!(names.key(&flats[1]), a);
        assert_eq!(names.key_parts(a), vec![Some("x:1;")]);
        for n in [0usize, 7, 10, 99, 1234567, usize::MAX] {
            let mut s = String::new();
            push_decimal(&mut s, n);
            assert_eq!(s, n.to_string());
        }
    }
}
