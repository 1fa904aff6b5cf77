//! Logsource dispatch and the shared literal prefilter.
//!
//! Rules are indexed by the keys their guards name (channel and event code, ECS
//! category, module, operating system), so an event only reaches the rules that could
//! select it.
//! One aho-corasick automaton holds every rule's required literals; a single scan of
//! the event's strings tells which rules can still match.

use super::logsource::{Clause, DocFacts, Guard, module_aliases};
use super::scan_cache::ScanCache;
use aho_corasick::{AhoCorasick, MatchKind};
use serde_json::Value;
use std::collections::HashMap;

#[derive(Debug, Default)]
struct ChannelBucket {
    /// By the codes the logsource names (matched against [`DocFacts::code`]).
    by_code: HashMap<u32, Vec<usize>>,
    /// Rules selecting the whole channel whose detection pins `EventID` down, by those
    /// codes (matched against [`DocFacts::event_id`]).
    by_detection_code: HashMap<u32, Vec<usize>>,
    /// The same rules, for events whose `EventID` is not a plain number.
    detection_code_unknown: Vec<usize>,
    any_code: Vec<usize>,
}

/// Rule indices by dispatch key.
#[derive(Debug, Default)]
pub struct Dispatch {
    channels: HashMap<String, ChannelBucket>,
    /// ECS category (lowercase) -> rules whose guard has an ECS clause on it.
    categories: HashMap<String, Vec<usize>>,
    /// Rules selecting any Windows document (any channel).
    any_windows: Vec<usize>,
    /// `event.module` name or `event.dataset` head (lowercase) -> rules with a Module
    /// clause accepting it (the dataset part is left to the guard check).
    modules: HashMap<String, Vec<usize>>,
    /// `host.os.type` (lowercase) -> rules with an Os clause on it.
    oses: HashMap<String, Vec<usize>>,
}

impl Dispatch {
    /// Indexes a rule by its guard; `detection_codes` are the event codes its detection
    /// can match (see [`super::codes::required_codes`]), if known.
    pub fn add(&mut self, rule: usize, guard: &Guard, detection_codes: Option<&[u32]>) {
        for c in &guard.clauses {
            match c {
                Clause::Win { channel, codes } => {
                    let b = self
                        .channels
                        .entry(channel.to_ascii_lowercase())
                        .or_default();
                    if codes.is_empty() {
                        match detection_codes {
                            Some(dc) => {
                                for code in dc {
                                    b.by_detection_code.entry(*code).or_default().push(rule);
                                }
                                b.detection_code_unknown.push(rule);
                            }
                            None => b.any_code.push(rule),
                        }
                    } else {
                        for code in codes {
                            b.by_code.entry(*code).or_default().push(rule);
                        }
                    }
                }
                Clause::Ecs { category, .. } => self
                    .categories
                    .entry(category.to_ascii_lowercase())
                    .or_default()
                    .push(rule),
                Clause::AnyWindows => self.any_windows.push(rule),
                Clause::Module { module, .. } => {
                    let lower = module.to_ascii_lowercase();
                    for alias in module_aliases(&lower.as_str()) {
                        self.modules
                            .entry(alias.to_ascii_lowercase())
                            .or_default()
                            .push(rule);
                    }
                }
                Clause::Os(os) => self
                    .oses
                    .entry(os.to_ascii_lowercase())
                    .or_default()
                    .push(rule),
            }
        }
    }

    /// Pushes candidate rules for an event into `out` (may contain duplicates);
    /// `needs_check` rules must still pass their guard.
    pub fn candidates(&self, f: &DocFacts, out: &mut Vec<usize>, needs_check: &mut Vec<usize>) {
        if let Some(ch) = f.channel {
            let mut buf = [0u8; 160];
            if let Some(key) = lower_into(ch, &mut buf)
                && let Some(b) = self.channels.get(key)
            {
                if let Some(list) = f.code.and_then(|c| b.by_code.get(&c)) {
                    out.extend_from_slice(list);
                }
                match f.event_id {
                    Some(c) => {
                        if let Some(list) = b.by_detection_code.get(&c) {
                            out.extend_from_slice(list);
                        }
                    }
                    None => out.extend_from_slice(&b.detection_code_unknown),
                }
                out.extend_from_slice(&b.any_code);
            }
            out.extend_from_slice(&self.any_windows);
        } else if let Some(cats) = f.category {
            let mut visit = |v: &Value| {
                if let Some(s) = v.as_str() {
                    let mut buf = [0u8; 160];
                    if let Some(list) = lower_into(s, &mut buf).and_then(|k| self.categories.get(k))
                    {
                        needs_check.extend_from_slice(list);
                    }
                }
            };
            match cats {
                Value::Array(items) => items.iter().for_each(&mut visit),
                other => visit(other),
            }
        }
        if !self.modules.is_empty() {
            let mut by_key = |key: &str| {
                let mut buf = [0u8; 160];
                if let Some(list) = lower_into(key, &mut buf).and_then(|k| self.modules.get(k)) {
                    needs_check.extend_from_slice(list);
                }
            };
            match f.module {
                Some(Value::String(s)) => by_key(s),
                Some(Value::Array(items)) => {
                    items.iter().filter_map(Value::as_str).for_each(&mut by_key)
                }
                _ => {}
            }
            if let Some(head) = f.dataset.and_then(|d| d.split('.').next()) {
                by_key(head);
            }
        }
        if let Some(list) = f.os.and_then(|os| {
            let mut buf = [0u8; 160];
            lower_into(os, &mut buf).and_then(|k| self.oses.get(k))
        }) {
            needs_check.extend_from_slice(list);
        }
    }
}

fn lower_into<'a>(s: &str, buf: &'a mut [u8; 160]) -> Option<&'a str> {
    let b = s.as_bytes();
    if b.len() > buf.len() {
        return None;
    }
    for (d, c) in buf.iter_mut().zip(b) {
        *d = c.to_ascii_lowercase();
    }
    std::str::from_utf8(&buf[..b.len()]).ok()
}

/// The shared literal prefilter.
#[derive(Debug, Default)]
pub struct Prefilter {
    automaton: Option<AhoCorasick>,
    pub pattern_count: usize,
}

impl Prefilter {
    /// Builds from every literal; returns the prefilter and each input list's pattern ids.
    pub fn build(lists: &[Option<Vec<String>>]) -> (Self, Vec<Option<Vec<u32>>>) {
        let mut ids: HashMap<String, u32> = HashMap::new();
        let mut patterns: Vec<String> = Vec::new();
        let mut per_rule = Vec::with_capacity(lists.len());
        for l in lists {
            per_rule.push(l.as_ref().map(|lits| {
                let mut v: Vec<u32> = lits
                    .iter()
                    .map(|lit| {
                        *ids.entry(lit.clone()).or_insert_with(|| {
                            patterns.push(lit.clone());
                            u32::try_from(patterns.len() - 1).unwrap_or(u32::MAX)
                        })
                    })
                    .collect();
                v.sort_unstable();
                v.dedup();
                v
            }));
        }
        let automaton = if patterns.is_empty() {
            None
        } else {
            // Scanned text is ASCII-lowercased first (the event memo keeps that copy for
            // the field tests too): a case-sensitive automaton is a third smaller than an
            // `ascii_case_insensitive` one and walks fewer transitions per byte.
            let lowered: Vec<String> = patterns.iter().map(|p| p.to_ascii_lowercase()).collect();
            AhoCorasick::builder()
                .match_kind(MatchKind::Standard)
                .build(&lowered)
                .ok()
        };
        // Without an automaton no rule may rely on it.
        let per_rule = if automaton.is_some() {
            per_rule
        } else {
            vec![None; lists.len()]
        };
        (
            Self {
                automaton,
                pattern_count: patterns.len(),
            },
            per_rule,
        )
    }

    /// Marks in `hits` (a bitset over pattern ids, zero for ids not yet seen) every
    /// literal found in the strings of `v` (lowercased in `scratch`), and lists each newly
    /// marked id in `ids`.
    pub fn scan(&self, v: &Value, out: &mut ScanOut<'_>, scratch: &mut String) {
        if let Some(ac) = &self.automaton {
            scan_value(ac, v, out, scratch);
        }
    }

    /// [`Prefilter::scan`] of one string already ASCII-lowercased.
    pub fn scan_lowered(&self, text: &str, out: &mut ScanOut<'_>) {
        if let Some(ac) = &self.automaton {
            out.cache.scan(ac, text, out.hits, out.ids);
        }
    }
}

/// Where a scan records its hits: the bitset over pattern ids, the list of newly marked
/// ids, and the cache of recent texts' scans.
pub struct ScanOut<'a> {
    pub hits: &'a mut [u64],
    pub ids: &'a mut Vec<u32>,
    pub cache: &'a mut ScanCache,
}

fn scan_value(ac: &AhoCorasick, v: &Value, out: &mut ScanOut<'_>, scratch: &mut String) {
    match v {
        Value::String(s) => {
            scratch.clear();
            scratch.push_str(s);
            scratch.make_ascii_lowercase();
            out.cache.scan(ac, scratch, out.hits, out.ids);
        }
        Value::Array(items) => items.iter().for_each(|i| scan_value(ac, i, out, scratch)),
        Value::Object(map) => map.values().for_each(|i| scan_value(ac, i, out, scratch)),
        _ => {}
    }
}
