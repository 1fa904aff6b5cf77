//! Sequence matching with Elasticsearch's semantics: a state machine per join key in
//! which each positive item is a state holding at most one pending sequence (a newer one
//! overwrites the older), `maxspan` measured from the first event, `until` discarding the
//! pending sequences of its key, and `![...]` items checked on completion: no matching
//! event of the same key may sit between the neighbouring positive events (or, for a
//! leading/trailing missing item, within maxspan of the sequence; inferred from the docs).

use super::candidate::{Candidate, Hit, Interned, group};
use super::query::SequenceSpec;
use std::collections::{BTreeMap, HashMap};

pub type Found = (Vec<(String, i64)>, BTreeMap<String, String>);

struct Partial {
    events: Vec<usize>,
    start: i64,
}

/// Sorts the candidates by (time, id) and returns every completed sequence, ordered by
/// its first event.
pub fn run(spec: &SequenceSpec, mut hits: Vec<Hit>, names: &Interned) -> Vec<Found> {
    let cands = group(&mut hits, names);
    let positive: Vec<usize> = (0..spec.stages.len())
        .filter(|&i| spec.stages.get(i).is_some_and(|s| !s.missing))
        .collect();
    let Some(last) = positive.len().checked_sub(1) else {
        return Vec::new();
    };
    let until_idx = spec.stages.len();
    let mut states: Vec<HashMap<u32, Partial>> =
        (0..positive.len()).map(|_| HashMap::new()).collect();
    let mut completed: Vec<Vec<usize>> = Vec::new();
    for (ord, c) in cands.iter().enumerate() {
        if spec.until.is_some()
            && let Some(k) = c.key_for(until_idx)
        {
            states.iter_mut().for_each(|s| {
                s.remove(&k);
            });
        }
        // Later states first, so one event cannot advance a sequence twice.
        for j in (0..positive.len()).rev() {
            let Some(k) = c.key_for(positive[j]) else {
                continue;
            };
            if j == 0 {
                let p = Partial {
                    events: vec![ord],
                    start: c.ts,
                };
                if last == 0 {
                    completed.push(p.events);
                } else if let Some(s) = states.get_mut(0) {
                    s.insert(k, p);
                }
                continue;
            }
            let Some(mut p) = states.get_mut(j - 1).and_then(|s| s.remove(&k)) else {
                continue;
            };
            if spec.maxspan_ms.is_some_and(|ms| c.ts - p.start > ms) {
                continue;
            }
            p.events.push(ord);
            if j == last {
                completed.push(p.events);
            } else if let Some(s) = states.get_mut(j) {
                s.insert(k, p);
            }
        }
    }
    let missing = MissingIndex::build(spec, &cands);
    let mut out = Vec::new();
    for events in completed {
        if !missing.allows(spec, &positive, &events, &cands) {
            continue;
        }
        let mut fields = BTreeMap::new();
        if let (Some(first), Some(stage)) = (
            events.first().and_then(|&o| cands.get(o)),
            positive.first().and_then(|&s| spec.stages.get(s)),
        ) && let Some(key) = first.key_for(positive[0])
        {
            for (kf, v) in stage.keys.iter().zip(names.key_parts(key)) {
                if let Some(v) = v {
                    fields.insert(kf.field.path.clone(), v.to_string());
                }
            }
        }
        let list = events
            .iter()
            .filter_map(|&o| cands.get(o))
            .map(|c| (names.id(c.event).to_string(), c.ts))
            .collect();
        out.push((list, fields));
    }
    out
}

/// For each missing-event item: candidate ordinals per join key, ascending.
struct MissingIndex {
    per_stage: HashMap<usize, HashMap<u32, Vec<usize>>>,
}

impl MissingIndex {
    fn build(spec: &SequenceSpec, cands: &[Candidate<'_>]) -> Self {
        let mut per_stage: HashMap<usize, HashMap<u32, Vec<usize>>> = HashMap::new();
        for (i, st) in spec.stages.iter().enumerate() {
            if !st.missing {
                continue;
            }
            let map = per_stage.entry(i).or_default();
            for (ord, c) in cands.iter().enumerate() {
                if let Some(k) = c.key_for(i) {
                    map.entry(k).or_default().push(ord);
                }
            }
        }
        MissingIndex { per_stage }
    }

    fn allows(
        &self,
        spec: &SequenceSpec,
        positive: &[usize],
        events: &[usize],
        cands: &[Candidate<'_>],
    ) -> bool {
        if self.per_stage.is_empty() {
            return true;
        }
        let (Some(&first), Some(&last)) = (events.first(), events.last()) else {
            return true;
        };
        let (Some(first_c), Some(last_c)) = (cands.get(first), cands.get(last)) else {
            return true;
        };
        let Some(key) = first_c.key_for(positive[0]) else {
            return true;
        };
        let span = spec.maxspan_ms.unwrap_or(0);
        for (&m, by_key) in &self.per_stage {
            let Some(ords) = by_key.get(&key) else {
                continue;
            };
            let before = positive.iter().rposition(|&p| p < m);
            let after = positive.iter().position(|&p| p > m);
            let lower = match before.and_then(|j| events.get(j)) {
                Some(&o) => o + 1,
                None => {
                    let bound = last_c.ts.saturating_sub(span);
                    cands.partition_point(|c| c.ts < bound)
                }
            };
            let upper = match after.and_then(|j| events.get(j)) {
                Some(&o) => o,
                None => {
                    let bound = first_c.ts.saturating_add(span);
                    cands.partition_point(|c| c.ts <= bound)
                }
            };
            let i = ords.partition_point(|&o| o < lower);
            if ords.get(i).is_some_and(|&o| o < upper) {
                return false;
            }
        }
        true
    }
}
