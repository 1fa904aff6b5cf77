//! `SigmaRuleSet`: every loaded Sigma rule, correlation and filter behind one evaluator.
//!
//! Building links correlations to the rules they reference (by id or name), attaches
//! filters to their target rules, and indexes rules for dispatch and the prefilter.
//! Evaluation touches only the rules an event's logsource selects.

use super::candidates::Required;
use super::codes;
use super::compile::CompiledDetection;
use super::correlation::CorrelationSpec;
use super::dispatch::{Dispatch, Prefilter};
use super::evaluator::SigmaEvaluator;
use super::fieldmap::{self, FieldRef};
use super::literals;
use super::load::{DetectionRule, LoadResult, LoadedFilter, LoadedRule, RuleBody};
use super::logsource::{Guard, LogSource};
use super::shared::{ItemsBuilder, PlanSearch, SharedItems};
use crate::model::RuleMeta;
use crate::rules::api::{CompiledRuleSet, Diagnostic, Evaluator, RuleStatus};
use std::collections::HashMap;
use std::sync::Arc;

/// Most candidates a correlation buffers in one run; beyond it the oldest-arriving are
/// kept and later ones left out, and the evaluator reports how many (memory stays
/// bounded whatever the input size, and nothing is lost without a word).
pub const MAX_CANDIDATES_PER_CORRELATION: usize = 1_000_000;

/// Where a detection rule's matches go for a correlation.
#[derive(Debug)]
pub(super) struct Feed {
    pub corr: usize,
    pub input: usize,
    pub group: Vec<FieldRef>,
    pub value: Option<FieldRef>,
}

#[derive(Debug)]
pub(super) struct DetEntry {
    pub rule: usize,
    pub compiled: Arc<DetectionRule>,
    pub filters: Vec<Arc<CompiledDetection>>,
    pub emit: bool,
    pub feeds: Vec<Feed>,
    /// The prefilter literals one of which the event must contain, and where.
    pub required: Option<Required>,
    /// The detection's searches over the set's shared items.
    pub plan: Vec<PlanSearch>,
    /// The same for each filter, aligned with `filters`.
    pub filter_plans: Vec<Vec<PlanSearch>>,
}

#[derive(Debug)]
pub(super) struct CorrEntry {
    pub rule: usize,
    pub spec: CorrelationSpec,
    pub emit: bool,
    /// (inner correlation entry, input index)
    pub from_corr: Vec<(usize, usize)>,
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
    shared: SharedItems,
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
            shared: SharedItems::default(),
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

    pub(super) fn dispatch(&self) -> &Dispatch {
        &self.dispatch
    }

    pub(super) fn prefilter(&self) -> &Prefilter {
        &self.prefilter
    }

    pub(super) fn shared(&self) -> &SharedItems {
        &self.shared
    }

    pub(super) fn detection_count(&self) -> usize {
        self.detections.len()
    }

    pub(super) fn detection(&self, d: usize) -> &DetEntry {
        &self.detections[d]
    }

    pub(super) fn guard_of(&self, d: usize) -> &Guard {
        &self.detections[d].compiled.guard
    }

    pub(super) fn required_of(&self, d: usize) -> Option<&Required> {
        self.detections[d].required.as_ref()
    }

    pub(super) fn correlation_count(&self) -> usize {
        self.correlations.len()
    }

    pub(super) fn correlation(&self, c: usize) -> &CorrEntry {
        &self.correlations[c]
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
                    plan: vec![],
                    filter_plans: vec![],
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
        let mut items = ItemsBuilder::default();
        for d in &mut self.detections {
            d.plan = items.add(&d.compiled.detection);
            d.filter_plans = d.filters.iter().map(|f| items.add(f)).collect();
        }
        // Literals a keyword search supplies can be anywhere in an event: prefiltering
        // them needs an overlapping scan of every string, which costs more than evaluating
        // the few keyword rules outright, so those rules wait on no literal.
        let sources: Vec<literals::LiteralSources> = self
            .detections
            .iter()
            .map(|d| literals::literal_sources(&d.compiled.detection))
            .collect();
        let lists: Vec<Option<Vec<String>>> = self
            .detections
            .iter()
            .zip(&sources)
            .map(|(d, src)| {
                if src.whole {
                    None
                } else {
                    literals::required_literals(&d.compiled.detection)
                }
            })
            .collect();
        let (prefilter, ids) = Prefilter::build(&lists);
        self.prefilter = prefilter;
        for ((d, req), scan) in self.detections.iter_mut().zip(ids).zip(sources) {
            d.required = req.map(|patterns| Required {
                patterns,
                stored_ids: scan.stored.iter().map(|f| items.field_id(f)).collect(),
                scan,
            });
        }
        self.shared = items.finish();
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
        Box::new(SigmaEvaluator::new(self))
    }
}
