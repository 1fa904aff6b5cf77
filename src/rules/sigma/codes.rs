//! The event codes a rule's detection can match, read from its `EventID` tests.
//!
//! Many SigmaHQ rules select a whole channel (`service: security`) and name the event
//! ids in the detection instead. Knowing them lets the dispatcher index such rules by
//! code, so a Security 4624 never reaches the rules written for 4720 or 4732.

use super::compile::{CompiledDetection, CompiledField, Search};
use super::condition::Cond;
use super::fieldmap::DocPath;
use super::modifiers::ValueTest;

/// The codes one of which the event's `EventID` must have for the detection to match;
/// `None` when the detection does not pin the code down.
pub fn required_codes(det: &CompiledDetection) -> Option<Vec<u32>> {
    cond_codes(&det.cond, det)
}

fn cond_codes(c: &Cond, det: &CompiledDetection) -> Option<Vec<u32>> {
    match c {
        Cond::Ident(i) => det.searches.get(*i).and_then(search_codes),
        Cond::Not(_) => None,
        // Every branch must hold, so any constrained branch constrains the whole.
        Cond::And(items) => smallest(items.iter().filter_map(|i| cond_codes(i, det))),
        Cond::Or(items) => union(items.iter().map(|i| cond_codes(i, det))),
    }
}

fn search_codes(s: &Search) -> Option<Vec<u32>> {
    match s {
        Search::Or(items) => union(items.iter().map(search_codes)),
        Search::And(fields) => smallest(fields.iter().filter_map(field_codes)),
    }
}

fn smallest(options: impl Iterator<Item = Vec<u32>>) -> Option<Vec<u32>> {
    options.min_by_key(Vec::len)
}

fn union(items: impl Iterator<Item = Option<Vec<u32>>>) -> Option<Vec<u32>> {
    let mut out = Vec::new();
    for i in items {
        out.extend(i?);
    }
    out.sort_unstable();
    out.dedup();
    if out.is_empty() { None } else { Some(out) }
}

/// Whether the field is read exactly where the dispatcher reads the event code:
/// `event.code`, then `winlog.event_id`.
fn reads_event_code(f: &CompiledField) -> bool {
    let Some(field) = &f.field else {
        return false;
    };
    let allowed = ["event.code", "winlog.event_id"];
    field.per_source.iter().all(|paths| {
        paths.iter().enumerate().all(|(i, p)| match p {
            DocPath::Path(path) => allowed.get(i).is_some_and(|a| a == path),
            _ => false,
        })
    })
}

fn field_codes(f: &CompiledField) -> Option<Vec<u32>> {
    if f.test.negate || f.test.all || !reads_event_code(f) {
        return None;
    }
    let mut codes = Vec::new();
    for t in &f.test.tests {
        match t {
            ValueTest::Str(set) => codes.extend(set.decimal_codes()?),
            _ => return None,
        }
    }
    codes.sort_unstable();
    codes.dedup();
    if codes.is_empty() { None } else { Some(codes) }
}
