//! `SigmaRuleSet`: every loaded Sigma rule, correlation and filter behind one evaluator.
//!
//! Building links correlations to the rules they reference (by id or name), attaches
//! filters to their target rules, and indexes rules for dispatch and the prefilter.
//! Evaluation touches only the rules an event's logsource selects.

use super::codes;
use super::compile::{self, CompiledDetection};
use super::correlation::{self, Candidate, CorrelationSpec};
use super::dispatch::{self, Dispatch, Prefilter};
use super::eval::{self, EventCtx, Found};
use super::fieldmap::{self, FieldRef};
use super::load::{DetectionRule, LoadResult, LoadedFilter, LoadedRule, RuleBody};
use super::logsource::{DocFacts, LogSource};
use super::matcher::scalar_str;
use super::path_cache::PathCache;
use crate::model::{Event, RuleMeta};
use crate::rules::api::{CompiledRuleSet, Diagnostic, Evaluator, RuleMatch, RuleStatus};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// Most candidates a correlation buffers in one run; beyond it the oldest-arriving are
/// kept and later ones dropped (memory stays bounded whatever the input size).
pub const MAX_CANDIDATES_PER_CORRELATION: usize = 1_000_000;

/// Where a detection rule's matches go for a correlation.
#[derive(Debug)]
struct Feed {
    corr: usize,
    input: usize,
    group: Vec<FieldRef>,
    value: Option<FieldRef>,
}

#[derive(Debug)]
struct DetEntry {
    rule: usize,
    compiled: Arc<DetectionRule>,
    filters: Vec<Arc<CompiledDetection>>,
    emit: bool,
    feeds: Vec<Feed>,
    required: Option<Vec<u32>>,
}

#[derive(Debug)]
struct CorrEntry {
    rule: usize,
    spec: CorrelationSpec,
    emit: bool,
    /// (inner correlation entry, input index)
    from_corr: Vec<(usize, usize)>,
}

/// The compiled Sigma rule set.
#[derive(Debug)]
pub struct SigmaRuleSet {
    loaded: Vec<LoadedRule>,
    filters: Vec<LoadedFilter>,
    detections: Vec<DetEntry>,
    /// In dependency order: inner correlations first.
    correlations: Vec<CorrEntry>,
    dispatch: Dispatch,
    prefilter: Prefilter,
    diagnostics: Vec<Diagnostic>,
}

enum Target {
    Det(usize),
    Corr(usize),
}

impl SigmaRuleSet {
    /// Links and indexes everything loaded from any number of files.
    pub fn new(results: Vec<LoadResult>) -> Self {
        let mut loaded = Vec::new();
        let mut filters = Vec::new();
        let mut diagnostics = Vec::new();
        for r in results {
            loaded.extend(r.rules);
            filters.extend(r.filters);
            diagnostics.extend(r.diagnostics);
        }
        let mut set = SigmaRuleSet {
            loaded,
            filters,
            detections: Vec::new(),
            correlations: Vec::new(),
            dispatch: Dispatch::default(),
            prefilter: Prefilter::default(),
            diagnostics,
        };
        set.link();
        set
    }

    /// Every rule loaded, with its status (including the not evaluable ones).
    pub fn loaded(&self) -> &[LoadedRule] {
        &self.loaded
    }

    pub fn filters(&self) -> &[LoadedFilter] {
        &self.filters
    }

    /// Load and link problems.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    fn refers_to(r: &LoadedRule, key: &str) -> bool {
        r.meta.id == key || r.name.as_deref() == Some(key)
    }

    fn link(&mut self) {
        // Correlations in dependency order; unresolvable ones become not evaluable.
        let mut order: Vec<usize> = Vec::new();
        let corr_rules: Vec<usize> = (0..self.loaded.len())
            .filter(|&i| {
                matches!(self.loaded[i].body, RuleBody::Correlation(_))
                    && self.loaded[i].status == RuleStatus::Ready
            })
            .collect();
        let mut state: HashMap<usize, u8> = HashMap::new();
        for &c in &corr_rules {
            self.visit(c, &mut state, &mut order);
        }
        let mut det_of: HashMap<usize, usize> = HashMap::new();
        for (i, r) in self.loaded.iter().enumerate() {
            if let (RuleBody::Detection(d), RuleStatus::Ready) = (&r.body, &r.status) {
                det_of.insert(i, self.detections.len());
                self.detections.push(DetEntry {
                    rule: i,
                    compiled: d.clone(),
                    filters: vec![],
                    emit: true,
                    feeds: vec![],
                    required: None,
                });
            }
        }
        let mut corr_of: HashMap<usize, usize> = HashMap::new();
        for &c in &order {
            if self.loaded[c].status != RuleStatus::Ready {
                continue;
            }
            let RuleBody::Correlation(spec) = &self.loaded[c].body else {
                continue;
            };
            corr_of.insert(c, self.correlations.len());
            self.correlations.push(CorrEntry {
                rule: c,
                spec: spec.clone(),
                emit: true,
                from_corr: vec![],
            });
        }
        let mut referenced: HashMap<usize, bool> = HashMap::new();
        for ci in 0..self.correlations.len() {
            let spec = self.correlations[ci].spec.clone();
            for (input, key) in spec.rules.iter().enumerate() {
                let Some(target_rule) = self.loaded.iter().position(|r| Self::refers_to(r, key))
                else {
                    continue;
                };
                let generate = referenced.entry(target_rule).or_insert(false);
                *generate |= spec.generate;
                let target = match (det_of.get(&target_rule), corr_of.get(&target_rule)) {
                    (Some(&d), _) => Target::Det(d),
                    (_, Some(&c)) => Target::Corr(c),
                    _ => continue,
                };
                match target {
                    Target::Det(d) => {
                        let r = &self.loaded[target_rule];
                        let field_for = |name: &str| -> FieldRef {
                            let aliased = spec.aliases.get(name).and_then(|m| {
                                m.get(&r.meta.id)
                                    .or_else(|| r.name.as_ref().and_then(|n| m.get(n)))
                            });
                            fieldmap::map_field(aliased.map_or(name, String::as_str))
                        };
                        let group = spec.group_by.iter().map(|g| field_for(g)).collect();
                        let value = spec.field.as_deref().map(field_for);
                        self.detections[d].feeds.push(Feed {
                            corr: ci,
                            input,
                            group,
                            value,
                        });
                    }
                    Target::Corr(c) => self.correlations[ci].from_corr.push((c, input)),
                }
            }
        }
        for (rule, generate) in referenced {
            if let Some(&d) = det_of.get(&rule) {
                self.detections[d].emit = generate;
            }
            if let Some(&c) = corr_of.get(&rule) {
                self.correlations[c].emit = generate;
            }
        }
        // Filters: ANDed onto every target rule whose logsource lies inside theirs.
        for f in &self.filters {
            for d in &mut self.detections {
                let r = &self.loaded[d.rule];
                let targeted = match &f.targets {
                    None => true,
                    Some(t) => t.iter().any(|k| Self::refers_to(r, k) || r.meta.name == *k),
                };
                if targeted && logsource_within(&r.logsource, &f.logsource) {
                    d.filters.push(f.detection.clone());
                }
            }
        }
        let lists: Vec<Option<Vec<String>>> = self
            .detections
            .iter()
            .map(|d| compile::required_literals(&d.compiled.detection))
            .collect();
        let (prefilter, ids) = Prefilter::build(&lists);
        self.prefilter = prefilter;
        for (d, req) in self.detections.iter_mut().zip(ids) {
            d.required = req;
        }
        for (i, d) in self.detections.iter().enumerate() {
            let codes = codes::required_codes(&d.compiled.detection);
            self.dispatch.add(i, &d.compiled.guard, codes.as_deref());
        }
    }

    /// Depth-first ordering of correlations; marks cycles and unknown references.
    fn visit(&mut self, c: usize, state: &mut HashMap<usize, u8>, order: &mut Vec<usize>) {
        match state.get(&c) {
            Some(2) => return,
            Some(1) => {
                self.not_evaluable(
                    c,
                    "the correlation refers to itself through a cycle of correlations".into(),
                );
                return;
            }
            _ => {}
        }
        state.insert(c, 1);
        let RuleBody::Correlation(spec) = self.loaded[c].body.clone() else {
            return;
        };
        for key in &spec.rules {
            match self.loaded.iter().position(|r| Self::refers_to(r, key)) {
                None => self.not_evaluable(
                    c,
                    format!("the correlation refers to rule '{key}', which is not loaded"),
                ),
                Some(t) => {
                    if matches!(self.loaded[t].body, RuleBody::Correlation(_)) {
                        self.visit(t, state, order);
                    }
                    if self.loaded[t].status != RuleStatus::Ready {
                        self.not_evaluable(
                            c,
                            format!(
                                "the correlation refers to rule '{key}', which is not evaluable"
                            ),
                        );
                    }
                }
            }
        }
        state.insert(c, 2);
        order.push(c);
    }

    fn not_evaluable(&mut self, rule: usize, reason: String) {
        let r = &mut self.loaded[rule];
        if r.status == RuleStatus::Ready {
            r.status = RuleStatus::NotEvaluable(reason.clone());
            self.diagnostics.push(Diagnostic {
                path: r.path.clone(),
                line: r.line,
                column: 1,
                message: reason,
                hint: None,
            });
        }
    }
}

/// A filter applies when each logsource field it names equals the rule's.
fn logsource_within(rule: &LogSource, filter: &LogSource) -> bool {
    let ok = |f: &Option<String>, r: &Option<String>| f.is_none() || f == r;
    ok(&filter.product, &rule.product)
        && ok(&filter.category, &rule.category)
        && ok(&filter.service, &rule.service)
}

impl CompiledRuleSet for SigmaRuleSet {
    fn rules(&self) -> Vec<&RuleMeta> {
        self.loaded
            .iter()
            .filter(|r| r.status == RuleStatus::Ready)
            .map(|r| &r.meta)
            .collect()
    }

    fn evaluator(&self) -> Box<dyn Evaluator + '_> {
        Box::new(SigmaEvaluator {
            set: self,
            stamps: vec![0; self.detections.len()],
            generation: 0,
            hits: Vec::new(),
            direct: Vec::new(),
            checked: Vec::new(),
            buffers: vec![Vec::new(); self.correlations.len()],
        })
    }
}

struct SigmaEvaluator<'a> {
    set: &'a SigmaRuleSet,
    /// Per-rule generation stamps: a rule reached twice for one event runs once.
    stamps: Vec<u32>,
    generation: u32,
    hits: Vec<u64>,
    direct: Vec<usize>,
    checked: Vec<usize>,
    buffers: Vec<Vec<Candidate>>,
}

fn first_text(found: Option<Found>) -> Option<String> {
    match found? {
        Found::Computed(s) => Some(s),
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
    fn run_rule(
        &mut self,
        d: usize,
        event: &Event,
        ctx: &EventCtx<'s, '_>,
        scanned: &mut bool,
        out: &mut Vec<RuleMatch>,
    ) {
        let set = self.set;
        let entry = &set.detections[d];
        if let Some(req) = &entry.required {
            if !*scanned {
                set.prefilter.scan(ctx.doc, &mut self.hits);
                *scanned = true;
            }
            if !dispatch::any_hit(req, &self.hits) {
                return;
            }
        }
        if !eval::matches(&entry.compiled.detection, ctx)
            || !entry.filters.iter().all(|f| eval::matches(f, ctx))
        {
            return;
        }
        let rule_id = &set.loaded[entry.rule].meta.id;
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
            if group.len() != feed.group.len() || buffer.len() >= MAX_CANDIDATES_PER_CORRELATION {
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
        let ctx = EventCtx {
            doc: &event.doc,
            source: fieldmap::source_kind(&event.doc, facts.channel, facts.code),
            paths: PathCache::new(&event.doc),
        };
        self.generation = self.generation.wrapping_add(1);
        if self.generation == 0 {
            self.stamps.iter_mut().for_each(|s| *s = 0);
            self.generation = 1;
        }
        let mut direct = std::mem::take(&mut self.direct);
        let mut checked = std::mem::take(&mut self.checked);
        direct.clear();
        checked.clear();
        set.dispatch.candidates(&facts, &mut direct, &mut checked);
        let mut scanned = false;
        for (i, &d) in direct.iter().chain(checked.iter()).enumerate() {
            if self.stamps[d] == self.generation {
                continue;
            }
            if i >= direct.len() && !set.detections[d].compiled.guard.matches(&facts) {
                continue;
            }
            self.stamps[d] = self.generation;
            self.run_rule(d, event, &ctx, &mut scanned, out);
        }
        self.direct = direct;
        self.checked = checked;
    }

    fn finish(&mut self, out: &mut Vec<RuleMatch>) {
        let set = self.set;
        let mut results: Vec<Vec<RuleMatch>> = Vec::with_capacity(set.correlations.len());
        for (ci, c) in set.correlations.iter().enumerate() {
            let mut cands = std::mem::take(&mut self.buffers[ci]);
            for &(inner, input) in &c.from_corr {
                let inner_rule = &set.loaded[set.correlations[inner].rule];
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
            let matches = correlation::evaluate(&c.spec, &set.loaded[c.rule].meta.id, cands);
            if c.emit {
                out.extend(matches.iter().cloned());
            }
            results.push(matches);
        }
    }
}
