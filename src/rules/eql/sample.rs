//! `sample by ...`: for every join-key value, one set of distinct events, one per filter,
//! regardless of their order in time. The earliest workable events are chosen, so the
//! result is deterministic. Samples are returned ordered by their first event.

use super::candidate::{Hit, Interned, group};
use super::query::SampleSpec;
use super::sequence::Found;
use std::collections::{BTreeMap, HashMap};

/// Upper bound on search steps per key (the assignment is a small matching problem).
const MAX_STEPS: usize = 10_000;

pub fn run(spec: &SampleSpec, mut hits: Vec<Hit>, names: &Interned) -> Vec<Found> {
    let cands = group(&mut hits, names);
    let stages = spec.stages.len();
    // key -> per stage, ascending ordinals; keys kept in order of first appearance.
    let mut order: Vec<u32> = Vec::new();
    let mut by_key: HashMap<u32, Vec<Vec<usize>>> = HashMap::new();
    for (ord, c) in cands.iter().enumerate() {
        for h in c.hits {
            let lists = by_key.entry(h.key).or_insert_with(|| {
                order.push(h.key);
                vec![Vec::new(); stages]
            });
            if let Some(l) = lists.get_mut(h.stage as usize)
                && l.last() != Some(&ord)
            {
                l.push(ord);
            }
        }
    }
    let mut out: Vec<(usize, Found)> = Vec::new();
    for key in order {
        let Some(lists) = by_key.get(&key) else {
            continue;
        };
        if lists.iter().any(Vec::is_empty) {
            continue;
        }
        let mut chosen = Vec::with_capacity(stages);
        let mut steps = 0;
        if !assign(lists, &mut chosen, &mut steps) {
            continue;
        }
        chosen.sort_unstable();
        let events = chosen
            .iter()
            .filter_map(|&o| cands.get(o))
            .map(|c| (names.id(c.event).to_string(), c.ts))
            .collect();
        let mut fields = BTreeMap::new();
        if let Some(stage) = spec.stages.first() {
            for (kf, v) in stage.keys.iter().zip(names.key_parts(key)) {
                if let Some(v) = v {
                    fields.insert(kf.field.path.clone(), v.to_string());
                }
            }
        }
        out.push((chosen.first().copied().unwrap_or(0), (events, fields)));
    }
    out.sort_by_key(|(first, _)| *first);
    out.into_iter().map(|(_, f)| f).collect()
}

/// Picks one distinct ordinal per stage, earliest first, backtracking when needed.
fn assign(lists: &[Vec<usize>], chosen: &mut Vec<usize>, steps: &mut usize) -> bool {
    let stage = chosen.len();
    let Some(options) = lists.get(stage) else {
        return true;
    };
    for &o in options {
        *steps += 1;
        if *steps > MAX_STEPS {
            return false;
        }
        if chosen.contains(&o) {
            continue;
        }
        chosen.push(o);
        if assign(lists, chosen, steps) {
            return true;
        }
        chosen.pop();
    }
    false
}
