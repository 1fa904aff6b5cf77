//! Normalization never panics on hostile records: real records of every JSON shape
//! vigil reads (Mordor NXLog lines, Winlogbeat ECS documents, Defender rows, evtx_dump
//! JSON, the bundled ECS sample, the cloud fixtures) get one of their values replaced
//! by another type or by awkward text, and are normalized. A record may be accepted or
//! rejected with a reason; nothing may panic, and an accepted event keeps its text.

#![allow(clippy::unwrap_used)]

mod common;

use common::{crate_dir, shared_dir};
use proptest::prelude::*;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::sync::LazyLock;
use vigil::ingest::{Location, RawKind, RawRecord};
use vigil::normalize::normalize;

/// Up to `per_file` JSON records from each file: NDJSON lines, or one whole document.
fn records_of(path: &Path, per_file: usize, out: &mut Vec<Value>) {
    let Ok(text) = std::fs::read_to_string(path) else {
        return;
    };
    if let Ok(Value::Array(items)) = serde_json::from_str::<Value>(&text) {
        out.extend(items.into_iter().filter(Value::is_object).take(per_file));
        return;
    }
    if let Ok(v @ Value::Object(_)) = serde_json::from_str::<Value>(&text) {
        out.push(v);
        return;
    }
    out.extend(
        text.lines()
            .filter_map(|l| serde_json::from_str::<Value>(l).ok())
            .filter(Value::is_object)
            .take(per_file),
    );
}

static SEEDS: LazyLock<Vec<Value>> = LazyLock::new(|| {
    let mut files: Vec<PathBuf> = vec![crate_dir().join("samples/demo_events.ndjson")];
    let fixtures = crate_dir().join("tests/fixtures");
    for sub in ["cloud", "json", "defender", "pack"] {
        if let Ok(rd) = std::fs::read_dir(fixtures.join(sub)) {
            files.extend(rd.flatten().map(|e| e.path()));
        }
    }
    if let Some(shared) = shared_dir() {
        for sub in [
            "OTRF-mordor",
            "elastic-beats-winlogbeat",
            "elastic-integrations-m365_defender",
        ] {
            if let Ok(rd) = std::fs::read_dir(shared.join("datasets").join(sub)) {
                files.extend(rd.flatten().map(|e| e.path()));
            }
        }
    }
    files.sort();
    let mut out = Vec::new();
    for f in files.iter().filter(|f| {
        f.extension()
            .is_some_and(|e| e == "json" || e == "ndjson" || e == "jsonl")
    }) {
        records_of(f, 40, &mut out);
    }
    out
});

/// Replacement values: other types, empty and oversized text, control characters,
/// numbers at the edges, deep nesting.
fn hostile(i: usize) -> Value {
    let cases = [
        Value::Null,
        json!(true),
        json!(-1),
        json!(u64::MAX),
        json!(1.5e308),
        json!(""),
        json!(" "),
        json!("\u{1b}[2J\u{7}\u{0}"),
        json!("C:\\\\\"\\ \"\" \\\""),
        json!("x".repeat(70_000)),
        json!("0x"),
        json!("-0xffffffffffffffffff"),
        json!("2024-13-45T99:99:99Z"),
        json!("DOMAIN\\"),
        json!("\\user"),
        json!([]),
        json!([null, 1, "a", [[]]]),
        json!({}),
        json!({"a": {"b": {"c": {"d": {"e": {}}}}}}),
        json!("é€😀\u{fffd}"),
    ];
    cases[i % cases.len()].clone()
}

/// Replaces the `n`-th value met in a depth-first walk (objects and arrays included).
fn replace_nth(v: &mut Value, n: &mut usize, with: &Value) -> bool {
    if *n == 0 {
        *v = with.clone();
        return true;
    }
    *n -= 1;
    match v {
        Value::Object(m) => m.values_mut().any(|c| replace_nth(c, n, with)),
        Value::Array(a) => a.iter_mut().any(|c| replace_nth(c, n, with)),
        _ => false,
    }
}

fn count(v: &Value) -> usize {
    1 + match v {
        Value::Object(m) => m.values().map(count).sum(),
        Value::Array(a) => a.iter().map(count).sum(),
        _ => 0,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1500))]

    #[test]
    fn hostile_values_never_panic(pick in any::<usize>(), at in any::<usize>(), with in any::<usize>(), also in any::<usize>()) {
        prop_assume!(!SEEDS.is_empty());
        let mut record = SEEDS[pick % SEEDS.len()].clone();
        // Never the root: a record that is not an object is a different (tested) case.
        let mut n = 1 + at % count(&record).saturating_sub(1).max(1);
        replace_nth(&mut record, &mut n, &hostile(with));
        let mut n = 1 + also % count(&record).saturating_sub(1).max(1);
        replace_nth(&mut record, &mut n, &hostile(with / 7 + 3));
        let text = record.to_string();
        let raw = RawRecord { kind: RawKind::Json, text: &text, location: Location::Line(1) };
        if let Ok((event, _)) = normalize(raw, "fuzz.json") {
            prop_assert_eq!(&event.original, &text);
            prop_assert!(!event.id.is_empty());
        }
    }
}

#[test]
fn there_are_seeds_of_every_shape() {
    // Without the shared datasets the bundled sample and fixtures still give seeds of
    // several formats; the mutations above start from records that normalize.
    let mut formats = std::collections::BTreeSet::new();
    for record in SEEDS.iter() {
        let text = record.to_string();
        let raw = RawRecord {
            kind: RawKind::Json,
            text: &text,
            location: Location::Line(1),
        };
        if let Ok((_, format)) = normalize(raw, "seed.json") {
            formats.insert(format.as_str());
        }
    }
    assert!(SEEDS.len() >= 40, "{}", SEEDS.len());
    assert!(formats.len() >= 3, "{formats:?}");
}
