//! The per-run Sigma evaluator: dispatch, prefilter, detection, correlation buffers.
//!
//! Per event it looks up the memoized candidate set of the event's logsource facts, scans
//! only the strings those candidates' literals can be in, evaluates the rules the hits
//! (or the lack of a requirement) select, and buffers correlation inputs until `finish`.
//! Buffers are reused across events: nothing is allocated per event unless a rule matches.

use super::candidates::CandidateMemo;
use super::correlation::{self, Candidate};
use super::dispatch::ScanOut;
use super::eval::{self, CtxBuffers, EventCtx, Found};
use super::fieldmap;
use super::literals::ScanStep;
use super::logsource::DocFacts;
use super::matcher::scalar_str;
use super::memo::Resolved;
use super::ruleset::{MAX_CANDIDATES_PER_CORRELATION, SigmaRuleSet};
use super::scan_cache::ScanCache;
use crate::model::Event;
use crate::rules::api::{Evaluator, RuleMatch};
use serde_json::Value;
use std::collections::BTreeMap;

/// Candidate rules (or prefilter scan fields) from which an event's document is indexed
/// before the first lookup rather than after a few plain ones.
const EAGER_INDEX_RULES: usize = 8;
const EAGER_INDEX_PATHS: usize = 6;

pub struct SigmaEvaluator<'a> {
    set: &'a SigmaRuleSet,
    memo: CandidateMemo<'a>,
    /// Prefilter hits of the current event: a bitset over pattern ids and their list.
    hits: Vec<u64>,
    hit_ids: Vec<u32>,
    marks: Vec<u64>,
    to_run: Vec<usize>,
    /// Lowercased copies of scanned strings the memo does not keep.
    scratch: String,
    scan_cache: ScanCache,
    ctx_buffers: CtxBuffers,
    buffers: Vec<Vec<Candidate>>,
    /// Per correlation, matches left out because its buffer was full.
    dropped: Vec<u64>,
    /// Candidates a correlation buffers at most ([`MAX_CANDIDATES_PER_CORRELATION`]).
    cap: usize,
}

impl<'a> SigmaEvaluator<'a> {
    pub fn new(set: &'a SigmaRuleSet) -> Self {
        Self {
            set,
            memo: CandidateMemo::default(),
            hits: vec![0; set.prefilter().pattern_count.div_ceil(64)],
            hit_ids: Vec::new(),
            marks: Vec::new(),
            to_run: Vec::new(),
            scratch: String::new(),
            scan_cache: ScanCache::default(),
            ctx_buffers: CtxBuffers::default(),
            buffers: vec![Vec::new(); set.correlation_count()],
            dropped: vec![0; set.correlation_count()],
            cap: MAX_CANDIDATES_PER_CORRELATION,
        }
    }
}

/// Scans what the evaluator reads for one field: the first stored path present (as
/// [`eval::lookup`] picks it) and the sources of computed values before it.
fn scan_field(steps: &[ScanStep], ctx: &EventCtx<'_>, mut scan: impl FnMut(&serde_json::Value)) {
    for step in steps {
        match step {
            ScanStep::Path(p) => {
                if let Some(v) = ctx.paths.get(p) {
                    scan(v);
                    return;
                }
            }
            ScanStep::Computed(sources) => {
                for p in sources {
                    if let Some(v) = ctx.paths.get(p) {
                        scan(v);
                    }
                }
            }
        }
    }
}

fn first_text(found: Option<Found>) -> Option<String> {
    match found? {
        Found::Computed(s) => Some(s.to_string()),
        Found::Json(v) => {
            let first = match v {
                serde_json::Value::Array(items) => items.first()?,
                other => other,
            };
            let mut buf = [0u8; 40];
            scalar_str(first, &mut buf).map(str::to_string)
        }
    }
}

impl<'s> SigmaEvaluator<'s> {
    fn run_rule(&mut self, d: usize, event: &Event, ctx: &EventCtx<'_>, out: &mut Vec<RuleMatch>) {
        let set = self.set;
        let entry = set.detection(d);
        let shared = set.shared();
        if !shared.matches(&entry.compiled.detection.cond, &entry.plan, ctx)
            || !entry
                .filters
                .iter()
                .zip(&entry.filter_plans)
                .all(|(f, plan)| shared.matches(&f.cond, plan, ctx))
        {
            return;
        }
        let rule_id = &set.loaded()[entry.rule].meta.id;
        if entry.emit {
            out.push(RuleMatch {
                rule_id: rule_id.clone(),
                events: vec![(event.id.clone(), event.timestamp_ms)],
                fields: BTreeMap::new(),
            });
        }
        for feed in &entry.feeds {
            let mut group = Vec::with_capacity(feed.group.len());
            for g in &feed.group {
                match first_text(eval::lookup(g, ctx)) {
                    Some(v) => group.push(v),
                    None => break,
                }
            }
            let buffer = &mut self.buffers[feed.corr];
            if group.len() != feed.group.len() {
                continue;
            }
            if buffer.len() >= self.cap {
                if let Some(n) = self.dropped.get_mut(feed.corr) {
                    *n += 1;
                }
                continue;
            }
            buffer.push(Candidate {
                input: feed.input,
                ts: event.timestamp_ms,
                key_id: event.id.clone(),
                events: vec![(event.id.clone(), event.timestamp_ms)],
                group,
                value: feed
                    .value
                    .as_ref()
                    .and_then(|v| first_text(eval::lookup(v, ctx))),
            });
        }
    }
}

impl Evaluator for SigmaEvaluator<'_> {
    fn on_event(&mut self, event: &Event, out: &mut Vec<RuleMatch>) {
        let set = self.set;
        let facts = DocFacts::of(&event.doc);
        let source = fieldmap::source_kind(&event.doc, facts.channel, facts.code);
        let mut hits = std::mem::take(&mut self.hits);
        let mut hit_ids = std::mem::take(&mut self.hit_ids);
        let mut marks = std::mem::take(&mut self.marks);
        let mut to_run = std::mem::take(&mut self.to_run);
        hit_ids.clear();
        let candidates = self.memo.get(set, &facts, source);
        // Many candidates read many paths: index the document at once.
        let eager = candidates.len() >= EAGER_INDEX_RULES
            || candidates.scan_fields().len() + candidates.scan_ids().len() >= EAGER_INDEX_PATHS;
        let buffers = std::mem::take(&mut self.ctx_buffers);
        let ctx = EventCtx::with_buffers(&event.doc, source, buffers, eager, set.shared().sizes());
        if candidates.needs_scan() {
            let prefilter = set.prefilter();
            let scratch = &mut self.scratch;
            let mut out = ScanOut {
                hits: &mut hits,
                ids: &mut hit_ids,
                cache: &mut self.scan_cache,
            };
            if candidates.scan_whole() {
                prefilter.scan(ctx.doc, &mut out, scratch);
            } else {
                for steps in candidates.scan_fields() {
                    scan_field(steps, &ctx, |v| prefilter.scan(v, &mut out, scratch));
                }
                for &id in candidates.scan_ids() {
                    let Resolved::Json(v) = set.shared().resolve(id, &ctx) else {
                        continue;
                    };
                    let lowered = match v {
                        Value::String(s) => ctx.memo.lowered(id, s),
                        _ => None,
                    };
                    match lowered {
                        Some(text) => prefilter.scan_lowered(&text, &mut out),
                        None => prefilter.scan(v, &mut out, scratch),
                    }
                }
            }
        }
        candidates.select(&hit_ids, &mut marks, &mut to_run);
        // Leave the hit bitset all zero for the next event.
        for &id in &hit_ids {
            if let Some(w) = hits.get_mut(id as usize / 64) {
                *w = 0;
            }
        }
        for &d in &to_run {
            self.run_rule(d, event, &ctx, out);
        }
        self.ctx_buffers = ctx.into_buffers();
        self.hits = hits;
        self.hit_ids = hit_ids;
        self.marks = marks;
        self.to_run = to_run;
    }

    fn finish(&mut self, out: &mut Vec<RuleMatch>) {
        let set = self.set;
        let mut results: Vec<Vec<RuleMatch>> = Vec::with_capacity(set.correlation_count());
        for ci in 0..set.correlation_count() {
            let c = set.correlation(ci);
            let mut cands = std::mem::take(&mut self.buffers[ci]);
            for &(inner, input) in &c.from_corr {
                let inner_rule = &set.loaded()[set.correlation(inner).rule];
                for m in results.get(inner).into_iter().flatten() {
                    let field_of = |name: &str| -> Option<String> {
                        let aliased = c.spec.aliases.get(name).and_then(|a| {
                            a.get(&inner_rule.meta.id)
                                .or_else(|| inner_rule.name.as_ref().and_then(|n| a.get(n)))
                        });
                        m.fields.get(aliased.map_or(name, String::as_str)).cloned()
                    };
                    let group: Option<Vec<String>> =
                        c.spec.group_by.iter().map(|g| field_of(g)).collect();
                    let (Some(group), Some(last), Some(first)) =
                        (group, m.events.last(), m.events.first())
                    else {
                        continue;
                    };
                    cands.push(Candidate {
                        input,
                        ts: last.1,
                        key_id: first.0.clone(),
                        events: m.events.clone(),
                        group,
                        value: c.spec.field.as_deref().and_then(field_of),
                    });
                }
            }
            let matches = correlation::evaluate(&c.spec, &set.loaded()[c.rule].meta.id, cands);
            if c.emit {
                out.extend(matches.iter().cloned());
            }
            results.push(matches);
        }
    }

    fn shortfalls(&self) -> Vec<String> {
        let set = self.set;
        (0..set.correlation_count())
            .filter_map(|ci| {
                let n = *self.dropped.get(ci)?;
                let rule = &set.loaded()[set.correlation(ci).rule];
                (n > 0).then(|| {
                    format!(
                        "{}:{}: correlation '{}' ({}): {n} matches of its rules came after the \
                         first {} and were not considered; import \
                         fewer files at a time, or narrow the rules it refers to",
                        rule.path, rule.line, rule.meta.name, rule.meta.id, self.cap
                    )
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::RuleOrigin;
    use crate::rules::sigma::load_file;

    #[test]
    fn a_full_correlation_buffer_is_reported_not_dropped_in_silence() {
        let text = "title: created\nid: created\nname: created\nlogsource: {product: windows, service: security}\ndetection:\n  sel: {EventID: 4720}\n  condition: sel\n---\ntitle: burst\nid: burst\nlevel: high\ncorrelation:\n  type: event_count\n  rules: [created]\n  group-by: [TargetUserName]\n  timespan: 1h\n  condition: {gte: 2}\n";
        let loaded = load_file(RuleOrigin::BuiltIn("t.yml".into()), "t.yml", text);
        assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
        let set = SigmaRuleSet::new(vec![loaded]);
        let mut ev = SigmaEvaluator::new(&set);
        ev.cap = 3;
        let mut out = Vec::new();
        for i in 0..5 {
            let event = Event {
                id: format!("e{i}"),
                timestamp_ms: i * 1000,
                doc: serde_json::json!({"winlog": {"channel": "Security", "event_data": {"TargetUserName": "eve"}}, "event": {"code": "4720"}}),
                original: String::new(),
            };
            ev.on_event(&event, &mut out);
        }
        ev.finish(&mut out);
        let burst = out.iter().filter(|m| m.rule_id == "burst").count();
        assert_eq!(burst, 1, "{out:?}");
        let said = ev.shortfalls();
        assert_eq!(said.len(), 1, "{said:?}");
        assert!(
            said[0].contains("'burst'") && said[0].contains("2 matches"),
            "{said:?}"
        );
        assert!(said[0].starts_with("t.yml:"), "{said:?}");
        assert!(SigmaEvaluator::new(&set).shortfalls().is_empty());
    }
}
