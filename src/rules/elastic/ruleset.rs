//! The Elastic rule set: every loaded rule listed with its status, and one evaluator
//! that runs the EQL rule set, KQL query rules, threshold and new_terms rules together.
//!
//! Single-event rules report in `on_event`; threshold and new_terms rules only buffer
//! their query matches and decide in `finish`, like EQL sequences, so results never
//! depend on the order events arrive in. Every rule sees event time through its
//! `timestamp_override` field when it has one (windows, ordering and alert time).

use super::new_terms::{NewTermsSpec, NewTermsState};
use super::threshold::{ThresholdSpec, ThresholdState};
use super::{CompiledQuery, ElasticRule};
use crate::model::{Event, RuleMeta};
use crate::rules::api::{CompiledRuleSet, Evaluator, RuleMatch, RuleStatus};
use crate::rules::eql::{EqlEvaluator, EqlRuleSet, time_value};
use crate::rules::kql::KqlQuery;
use std::collections::{BTreeMap, HashSet};

/// A loaded rule as listed: metadata, whether it is evaluated, and what the guide and
/// `vigil rules list` need besides the compiled query.
#[derive(Debug, Clone, PartialEq)]
pub struct ListedRule {
    pub meta: RuleMeta,
    pub status: RuleStatus,
    /// `type` and `language` as written.
    pub rule_type: String,
    pub language: Option<String>,
    /// `[transform]` as written (fills `$investigate_N` / `$osquery_N` in the guide).
    pub transform: Option<serde_json::Value>,
    /// The look-back window from `from`, in ms.
    pub look_back_ms: i64,
}

/// A rule's `timestamp_override` field, if any.
type TimeField = Option<String>;

pub struct ElasticRuleSet {
    listed: Vec<ListedRule>,
    eql: EqlRuleSet,
    kql: Vec<(String, KqlQuery, TimeField)>,
    threshold: Vec<(String, KqlQuery, ThresholdSpec, TimeField)>,
    new_terms: Vec<(String, KqlQuery, NewTermsSpec, TimeField)>,
}

/// The event time a rule sees: its `timestamp_override` field when the event has a
/// readable date there, else the event's own time (Elasticsearch's fallback).
fn rule_time(field: &TimeField, event: &Event) -> i64 {
    field
        .as_deref()
        .and_then(|f| event.get(f))
        .and_then(time_value)
        .unwrap_or(event.timestamp_ms)
}

impl ElasticRuleSet {
    /// Takes loaded rules; a second rule with an already used `rule_id` is listed as not
    /// evaluable rather than silently replacing or doubling the first.
    pub fn new(rules: Vec<ElasticRule>) -> Self {
        let mut seen = HashSet::new();
        let mut set = ElasticRuleSet {
            listed: Vec::new(),
            eql: EqlRuleSet::new(Vec::new()),
            kql: Vec::new(),
            threshold: Vec::new(),
            new_terms: Vec::new(),
        };
        let mut eql = Vec::new();
        for rule in rules {
            let id = rule.meta.id.clone();
            let mut status = rule.status;
            if !seen.insert(id.clone()) {
                status = RuleStatus::NotEvaluable(format!(
                    "duplicate rule_id {id}: another rule with this id is already loaded"
                ));
            }
            if status == RuleStatus::Ready {
                let time = rule.timestamp_override.clone();
                match rule.query {
                    CompiledQuery::Eql(q) => {
                        eql.push((id, q.with_timestamp_override(time.as_deref())))
                    }
                    CompiledQuery::Kql(q) => set.kql.push((id, q, time)),
                    CompiledQuery::Threshold { query, spec } => {
                        set.threshold.push((id, query, spec, time))
                    }
                    CompiledQuery::NewTerms { query, spec } => {
                        set.new_terms.push((id, query, spec, time))
                    }
                    CompiledQuery::None => {
                        status = RuleStatus::NotEvaluable(
                            "not evaluable locally: no compiled query".to_string(),
                        );
                    }
                }
            }
            set.listed.push(ListedRule {
                meta: rule.meta,
                status,
                rule_type: rule.rule_type,
                language: rule.language,
                transform: rule.transform,
                look_back_ms: rule.look_back_ms,
            });
        }
        set.eql = EqlRuleSet::new(eql);
        set
    }

    /// Every loaded rule, evaluated or not, in load order.
    pub fn listed(&self) -> &[ListedRule] {
        &self.listed
    }

    /// A fresh evaluator with its concrete type (the trait method boxes this).
    pub fn elastic_evaluator(&self) -> ElasticEvaluator<'_> {
        ElasticEvaluator {
            set: self,
            eql: self.eql.evaluator(),
            thresholds: self
                .threshold
                .iter()
                .map(|_| ThresholdState::default())
                .collect(),
            new_terms: self
                .new_terms
                .iter()
                .map(|_| NewTermsState::default())
                .collect(),
        }
    }
}

impl CompiledRuleSet for ElasticRuleSet {
    fn rules(&self) -> Vec<&RuleMeta> {
        self.listed
            .iter()
            .filter(|r| r.status == RuleStatus::Ready)
            .map(|r| &r.meta)
            .collect()
    }

    fn evaluator(&self) -> Box<dyn Evaluator + '_> {
        Box::new(self.elastic_evaluator())
    }
}

/// Evaluation state of one detection run over an [`ElasticRuleSet`].
pub struct ElasticEvaluator<'a> {
    set: &'a ElasticRuleSet,
    eql: EqlEvaluator<'a>,
    thresholds: Vec<ThresholdState>,
    new_terms: Vec<NewTermsState>,
}

impl Evaluator for ElasticEvaluator<'_> {
    fn on_event(&mut self, event: &Event, out: &mut Vec<RuleMatch>) {
        self.eql.on_event(event, out);
        for (id, q, time) in &self.set.kql {
            if q.matches(event) {
                out.push(RuleMatch {
                    rule_id: id.clone(),
                    events: vec![(event.id.clone(), rule_time(time, event))],
                    fields: BTreeMap::new(),
                });
            }
        }
        for ((_, q, spec, time), state) in self.set.threshold.iter().zip(&mut self.thresholds) {
            if q.matches(event) {
                state.add(spec, event, rule_time(time, event));
            }
        }
        for ((_, q, spec, time), state) in self.set.new_terms.iter().zip(&mut self.new_terms) {
            if q.matches(event) {
                state.add(spec, event, rule_time(time, event));
            }
        }
    }

    fn finish(&mut self, out: &mut Vec<RuleMatch>) {
        self.eql.finish(out);
        for ((id, _, spec, _), state) in self.set.threshold.iter().zip(&mut self.thresholds) {
            state.finish(id, spec, out);
        }
        for ((id, _, spec, _), state) in self.set.new_terms.iter().zip(&mut self.new_terms) {
            state.finish(id, spec, out);
        }
    }
}
