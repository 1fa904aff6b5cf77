//! A memo of the rules each distinct logsource can reach, indexed by prefilter literal.
//!
//! Which guards an event passes depends only on its logsource facts (channel, codes, ECS
//! category/type/module/dataset, OS), and a log holds few distinct fact sets, so guards
//! are checked once per distinct set instead of once per event. Each memo entry also
//! inverts its rules' required literals, so prefilter hits name the rules to evaluate
//! directly, and lists the document paths those literals can occur in, so the prefilter
//! scans those strings only.

use super::fieldmap::SourceKind;
use super::literals::{LiteralSources, ScanStep};
use super::logsource::DocFacts;
use super::ruleset::SigmaRuleSet;
use serde_json::Value;
use std::collections::HashMap;

/// Most distinct logsource fact sets remembered; beyond it (hostile or very varied input)
/// candidates are worked out per event, so memory stays bounded.
pub const MAX_MEMO_ENTRIES: usize = 4096;

/// What a rule waits on: one of these prefilter patterns, in one of these places.
#[derive(Debug, Clone)]
pub struct Required {
    pub patterns: Vec<u32>,
    pub scan: LiteralSources,
    /// Shared field ids of `scan.stored`.
    pub stored_ids: Vec<u32>,
}

/// The rules one logsource fact set reaches, ready for per-event selection.
#[derive(Debug, Default)]
pub struct CandidateSet<'s> {
    /// Detection indices, deduplicated and in evaluation order.
    rules: Vec<usize>,
    /// Bitset over positions in `rules`: rules without a literal requirement.
    always: Vec<u64>,
    /// Prefilter pattern id -> positions in `rules` of the rules it can satisfy.
    by_pattern: HashMap<u32, Vec<u32>, BuildIdHasher>,
    /// Where the prefilter must look: these fields' values, or the whole document.
    scan_fields: Vec<&'s [ScanStep]>,
    /// Shared ids of the stored-only fields to scan (resolved through the event memo).
    scan_ids: Vec<u32>,
    scan_whole: bool,
}

impl<'s> CandidateSet<'s> {
    fn clear(&mut self) {
        self.rules.clear();
        self.always.clear();
        self.by_pattern.clear();
        self.scan_fields.clear();
        self.scan_ids.clear();
        self.scan_whole = false;
    }

    /// Fills the set for one event's facts (guards checked, duplicates removed).
    fn build(
        &mut self,
        set: &'s SigmaRuleSet,
        facts: &DocFacts,
        source: SourceKind,
        scratch: &mut Vec<usize>,
    ) {
        self.clear();
        let mut direct = Vec::new();
        scratch.clear();
        set.dispatch().candidates(facts, &mut direct, scratch);
        let mut seen = vec![false; set.detection_count()];
        for (i, &d) in direct.iter().chain(scratch.iter()).enumerate() {
            if seen.get(d).copied().unwrap_or(true) {
                continue;
            }
            if i >= direct.len() && !set.guard_of(d).matches(facts) {
                continue;
            }
            seen[d] = true;
            self.rules.push(d);
        }
        self.always = vec![0; self.rules.len().div_ceil(64)];
        for (pos, &d) in self.rules.iter().enumerate() {
            let Some(req) = set.required_of(d) else {
                self.always[pos / 64] |= 1 << (pos % 64);
                continue;
            };
            let pos32 = u32::try_from(pos).unwrap_or(u32::MAX);
            for &id in &req.patterns {
                self.by_pattern.entry(id).or_default().push(pos32);
            }
            if req.scan.whole {
                self.scan_whole = true;
            }
            for steps in &req.scan.fields[source as usize] {
                if !self.scan_fields.contains(&steps.as_slice()) {
                    self.scan_fields.push(steps.as_slice());
                }
            }
            for id in &req.stored_ids {
                if !self.scan_ids.contains(id) {
                    self.scan_ids.push(*id);
                }
            }
        }
    }

    /// How many rules this fact set reaches.
    pub fn len(&self) -> usize {
        self.rules.len()
    }

    /// Whether any rule here waits on the prefilter.
    pub fn needs_scan(&self) -> bool {
        !self.by_pattern.is_empty()
    }

    /// The whole document must be scanned (a keyword search supplies literals).
    pub fn scan_whole(&self) -> bool {
        self.scan_whole
    }

    /// The fields whose values hold every literal these rules can be waiting on.
    pub fn scan_fields(&self) -> &[&'s [ScanStep]] {
        &self.scan_fields
    }

    /// The shared ids of the stored-only fields whose values hold those literals.
    pub fn scan_ids(&self) -> &[u32] {
        &self.scan_ids
    }

    /// Pushes into `out`, in evaluation order, the rules to evaluate given the prefilter's
    /// hit pattern ids: those without a requirement and those one of whose literals hit.
    pub fn select(&self, hit_ids: &[u32], marks: &mut Vec<u64>, out: &mut Vec<usize>) {
        out.clear();
        marks.clear();
        marks.extend_from_slice(&self.always);
        for id in hit_ids {
            for &pos in self.by_pattern.get(id).into_iter().flatten() {
                let pos = pos as usize;
                if let Some(w) = marks.get_mut(pos / 64) {
                    *w |= 1 << (pos % 64);
                }
            }
        }
        for (wi, &word) in marks.iter().enumerate() {
            let mut w = word;
            while w != 0 {
                let bit = w.trailing_zeros() as usize;
                w &= w - 1;
                if let Some(&d) = self.rules.get(wi * 64 + bit) {
                    out.push(d);
                }
            }
        }
    }
}

/// Hashes the dense pattern ids of [`CandidateSet::by_pattern`] with one multiply: the
/// lookup runs for every prefilter hit, and the keys come from the rule set, not from
/// events.
#[derive(Debug, Default, Clone, Copy)]
pub struct BuildIdHasher;

#[derive(Debug, Default)]
pub struct IdHasher(u64);

impl std::hash::BuildHasher for BuildIdHasher {
    type Hasher = IdHasher;
    fn build_hasher(&self) -> IdHasher {
        IdHasher(0)
    }
}

impl std::hash::Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }

    fn write_u32(&mut self, n: u32) {
        self.0 = (self.0 ^ u64::from(n)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

/// Candidate sets by logsource fact set, per evaluator.
#[derive(Debug, Default)]
pub struct CandidateMemo<'s> {
    index: HashMap<Vec<u8>, usize>,
    entries: Vec<CandidateSet<'s>>,
    /// Used once the memo is full.
    overflow: CandidateSet<'s>,
    key: Vec<u8>,
    scratch: Vec<usize>,
}

impl<'s> CandidateMemo<'s> {
    /// The candidate set for an event's facts, built on first sight of its fact set.
    pub fn get(
        &mut self,
        set: &'s SigmaRuleSet,
        facts: &DocFacts,
        source: SourceKind,
    ) -> &CandidateSet<'s> {
        let mut key = std::mem::take(&mut self.key);
        facts_key(facts, &mut key);
        let found = self.index.get(key.as_slice()).copied();
        let at = match found {
            Some(at) => Some(at),
            None if self.entries.len() < MAX_MEMO_ENTRIES => {
                let mut entry = CandidateSet::default();
                entry.build(set, facts, source, &mut self.scratch);
                self.entries.push(entry);
                let at = self.entries.len() - 1;
                self.index.insert(key.clone(), at);
                Some(at)
            }
            None => None,
        };
        self.key = key;
        match at.and_then(|at| self.entries.get(at)) {
            Some(entry) => entry,
            None => {
                self.overflow.build(set, facts, source, &mut self.scratch);
                &self.overflow
            }
        }
    }
}

/// Writes an unambiguous encoding of every fact a guard or the dispatcher reads: two
/// events with equal keys select exactly the same rules.
pub fn facts_key(f: &DocFacts, out: &mut Vec<u8>) {
    out.clear();
    put_str(out, f.channel);
    put_u32(out, f.code);
    put_u32(out, f.event_id);
    put_str(out, f.os);
    put_str(out, f.dataset);
    for v in [f.category, f.event_type, f.module] {
        match v {
            None => out.push(0),
            Some(v) => put_value(out, v),
        }
    }
}

fn put_len(out: &mut Vec<u8>, n: usize) {
    out.extend_from_slice(&u32::try_from(n).unwrap_or(u32::MAX).to_le_bytes());
}

fn put_str(out: &mut Vec<u8>, s: Option<&str>) {
    match s {
        None => out.push(0),
        Some(s) => {
            out.push(1);
            put_len(out, s.len());
            out.extend_from_slice(s.as_bytes());
        }
    }
}

fn put_u32(out: &mut Vec<u8>, n: Option<u32>) {
    match n {
        None => out.push(0),
        Some(n) => {
            out.push(1);
            out.extend_from_slice(&n.to_le_bytes());
        }
    }
}

/// Strings and (nested) arrays are encoded in full; any other value counts as "not a
/// string", which is all guards and the dispatcher distinguish.
fn put_value(out: &mut Vec<u8>, v: &Value) {
    match v {
        Value::String(s) => {
            out.push(2);
            put_len(out, s.len());
            out.extend_from_slice(s.as_bytes());
        }
        Value::Array(items) => {
            out.push(3);
            put_len(out, items.len());
            for i in items {
                put_value(out, i);
            }
        }
        _ => out.push(4),
    }
}
