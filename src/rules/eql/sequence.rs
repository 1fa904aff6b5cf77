//! Sequence matching with Elasticsearch's semantics: a state machine per join key in
//! which each positive item is a state holding at most one pending sequence (a newer one
//! overwrites the older), `maxspan` measured from the first event, `until` discarding the
//! pending sequences of its key, and `![...]` items checked on completion: no matching
//! event of the same key may sit between the neighbouring positive events (or, for a
//! leading/trailing missing item, within maxspan of the sequence; inferred from the docs).

use super::candidate::{Candidate, Hit, Interned, group};
use super::literal_hash::LiteralMap;
use super::query::SequenceSpec;
use std::collections::{BTreeMap, HashMap};

pub type Found = (Vec<(String, i64)>, BTreeMap<String, String>);

struct Partial {
    events: Vec<usize>,
    start: i64,
}

/// Sorts the candidates by (time, id) and returns every completed sequence, ordered by
/// its first event.
pub fn run(spec: &SequenceSpec, hits: Vec<Hit>, names: &Interned) -> Vec<Found> {
    run_with(spec, hits, names, names.ids_unique())
}

fn run_with(spec: &SequenceSpec, mut hits: Vec<Hit>, names: &Interned, prune: bool) -> Vec<Found> {
    let positive: Vec<usize> = (0..spec.stages.len())
        .filter(|&i| spec.stages.get(i).is_some_and(|s| !s.missing))
        .collect();
    if prune {
        keep_completable(spec, &positive, &mut hits);
    }
    let cands = group(&mut hits, names);
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

/// Leaves out the hits of every join key that misses some positive item: a sequence
/// joins one key through all its positive items, so such a key never completes, and
/// its hits (of any item, `until` and missing items too) only touch its own pending
/// state. Broad items (any process start) are mostly such hits, and sorting them was
/// most of the cost of `finish`. Only used while every event number stands for one
/// (id, time), so that leaving out whole candidates changes no other candidate's group.
fn keep_completable(spec: &SequenceSpec, positive: &[usize], hits: &mut Vec<Hit>) {
    let Some(full) = (positive.len() >= 2)
        .then(|| 1u64.checked_shl(u32::try_from(positive.len()).ok()?))
        .flatten()
        .map(|b| b - 1)
    else {
        return;
    };
    let mut bit_of = vec![0u64; spec.stages.len() + 1];
    for (j, &p) in positive.iter().enumerate() {
        if let Some(b) = bit_of.get_mut(p) {
            *b = 1 << j;
        }
    }
    let mut seen: LiteralMap<u32, u64> = LiteralMap::default();
    for h in hits.iter() {
        let bit = bit_of.get(h.stage as usize).copied().unwrap_or(0);
        if bit != 0 {
            *seen.entry(h.key).or_default() |= bit;
        }
    }
    hits.retain(|h| seen.get(&h.key) == Some(&full));
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::eql::compile;
    use crate::rules::eql::query::Kind;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    /// Leaving out the keys that cannot complete changes no result.
    #[test]
    fn pruned_hits_give_the_same_sequences() {
        let queries = [
            "sequence by a [any where true] [any where true]",
            "sequence by a with maxspan=5s [any where true] [any where true] [any where true]",
            "sequence by a [any where true] [any where true] until [any where true]",
            "sequence by a with maxspan=8s [any where true] ![any where true] [any where true]",
            "sequence by a with maxspan=8s ![any where true] [any where true] [any where true] ![any where true]",
            "sequence by a [any where true] with runs=3",
        ];
        for q in queries {
            let query = compile(q).unwrap();
            let Kind::Sequence(spec) = &query.kind else {
                panic!("not a sequence: {q}");
            };
            let items = spec.stages.len() + usize::from(spec.until.is_some());
            let mut fired = false;
            for seed in 0..40u64 {
                let mut rng = ChaCha8Rng::seed_from_u64(seed);
                let mut names = Interned::default();
                let mut hits = Vec::new();
                for e in 0..rng.random_range(1..120) {
                    let ts = rng.random_range(0..30_000);
                    let Some(n) = names.event(&format!("e{e:03}"), ts) else {
                        continue;
                    };
                    for stage in 0..items {
                        if rng.random_bool(0.4) {
                            let key = names.key(&format!("k{}", rng.random_range(0..12)));
                            let stage = u32::try_from(stage).unwrap();
                            hits.push(Hit {
                                ts,
                                event: n,
                                stage,
                                key,
                            });
                        }
                    }
                }
                let plain = run_with(spec, hits.clone(), &names, false);
                fired |= !plain.is_empty();
                assert_eq!(run_with(spec, hits, &names, true), plain, "{q} seed {seed}");
            }
            assert!(fired, "never completes: {q}");
        }
    }
}
