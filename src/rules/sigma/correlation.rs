//! Sigma correlation rules: their specification and their evaluation over buffered
//! candidates.
//!
//! Candidates (matches of the referenced rules) are grouped by the group-by values and
//! sorted by (timestamp, event id) before any decision, so the result is the same
//! whatever order events arrived in. Windows slide: each candidate anchors a window of
//! `timespan`; a satisfied window is reported once with every contributing event, and
//! the search resumes after it.

use super::meta::Located;
use super::yaml::{YNode, YValue};
use crate::rules::api::RuleMatch;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CorrKind {
    EventCount,
    ValueCount,
    Temporal,
    TemporalOrdered,
    ValueSum,
    ValueAvg,
    ValuePercentile,
    ValueMedian,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CondOp {
    Gt,
    Gte,
    Lt,
    Lte,
    Eq,
    Neq,
}

#[derive(Debug, Clone)]
pub struct CorrelationSpec {
    pub kind: CorrKind,
    /// Referenced rules by id or name, in order (order matters for temporal_ordered).
    pub rules: Vec<String>,
    pub group_by: Vec<String>,
    pub timespan_ms: i64,
    /// AND of comparisons on the window's metric; empty for temporal means "all rules".
    pub conditions: Vec<(CondOp, f64)>,
    /// The aggregated field of value_* correlations.
    pub field: Option<String>,
    pub percentile: Option<f64>,
    /// alias -> (referenced rule id or name -> field in that rule's events)
    pub aliases: BTreeMap<String, BTreeMap<String, String>>,
    pub generate: bool,
}

/// Parses a timespan such as `10m`, `1h`, `30s`, `2d`.
pub fn parse_timespan(text: &str) -> Option<i64> {
    let t = text.trim();
    let split = t.find(|c: char| !c.is_ascii_digit())?;
    let (num, unit) = t.split_at(split);
    let n: i64 = num.parse().ok()?;
    let unit_ms: i64 = match unit {
        "s" => 1_000,
        "m" => 60_000,
        "h" => 3_600_000,
        "d" => 86_400_000,
        "w" => 7 * 86_400_000,
        "M" => 30 * 86_400_000,
        "y" => 365 * 86_400_000,
        _ => return None,
    };
    n.checked_mul(unit_ms)
}

pub fn parse_spec(node: &YNode) -> Result<CorrelationSpec, Located> {
    let at = |n: &YNode, msg: String| (n.line, n.col, msg);
    let kind_text = node.get("type").and_then(YNode::as_key).unwrap_or_default();
    let kind = match kind_text.as_str() {
        "event_count" => CorrKind::EventCount,
        "value_count" => CorrKind::ValueCount,
        "temporal" => CorrKind::Temporal,
        "temporal_ordered" => CorrKind::TemporalOrdered,
        "value_sum" => CorrKind::ValueSum,
        "value_avg" => CorrKind::ValueAvg,
        "value_percentile" => CorrKind::ValuePercentile,
        "value_median" => CorrKind::ValueMedian,
        other => {
            return Err(at(
                node,
                format!(
                    "unknown correlation type '{other}'; use event_count, value_count, temporal, temporal_ordered, value_sum, value_avg or value_percentile"
                ),
            ));
        }
    };
    let rules = node
        .get("rules")
        .map(YNode::string_list)
        .unwrap_or_default();
    if rules.is_empty() {
        return Err(at(node, "the correlation lists no 'rules'".into()));
    }
    let group_by = node
        .get("group-by")
        .map(YNode::string_list)
        .unwrap_or_default();
    let ts_node = node.get("timespan").or_else(|| node.get("timeframe"));
    let timespan_ms = match ts_node {
        None => {
            return Err(at(
                node,
                "the correlation has no 'timespan' (for example 10m)".into(),
            ));
        }
        Some(n) => {
            let text = n.as_key().unwrap_or_default();
            parse_timespan(&text).ok_or_else(|| {
                at(
                    n,
                    format!(
                        "invalid timespan '{text}'; write a number and a unit: 30s, 10m, 1h, 2d"
                    ),
                )
            })?
        }
    };
    let mut conditions = Vec::new();
    let mut field = None;
    let mut percentile = None;
    match node.get("condition") {
        None => {}
        Some(c) => match &c.value {
            YValue::Map(entries) => {
                for (k, v) in entries {
                    let key = k.as_key().unwrap_or_default();
                    let op = match key.as_str() {
                        "gt" => CondOp::Gt,
                        "gte" => CondOp::Gte,
                        "lt" => CondOp::Lt,
                        "lte" => CondOp::Lte,
                        "eq" => CondOp::Eq,
                        "neq" => CondOp::Neq,
                        "field" => {
                            field = v.as_key();
                            continue;
                        }
                        "percentile" => {
                            percentile = v.as_key().and_then(|s| s.parse().ok());
                            continue;
                        }
                        other => {
                            return Err(at(
                                k,
                                format!(
                                    "unknown correlation condition '{other}'; use gt, gte, lt, lte, eq, neq, field"
                                ),
                            ));
                        }
                    };
                    let n = v
                        .as_key()
                        .and_then(|s| s.parse::<f64>().ok())
                        .ok_or_else(|| at(v, "correlation thresholds must be numbers".into()))?;
                    conditions.push((op, n));
                }
            }
            _ => {
                return Err(at(c, "string conditions in correlations are not supported; use a map such as {gte: 2}".into()));
            }
        },
    }
    let needs_field = matches!(
        kind,
        CorrKind::ValueCount
            | CorrKind::ValueSum
            | CorrKind::ValueAvg
            | CorrKind::ValuePercentile
            | CorrKind::ValueMedian
    );
    if needs_field && field.is_none() {
        return Err(at(
            node,
            format!("a {kind_text} correlation needs 'condition.field'"),
        ));
    }
    if conditions.is_empty() && !matches!(kind, CorrKind::Temporal | CorrKind::TemporalOrdered) {
        return Err(at(
            node,
            "the correlation needs a condition such as {gte: 5}".into(),
        ));
    }
    let mut aliases = BTreeMap::new();
    if let Some(YValue::Map(entries)) = node.get("aliases").map(|a| &a.value) {
        for (alias, mapping) in entries {
            let mut per_rule = BTreeMap::new();
            if let YValue::Map(m) = &mapping.value {
                for (r, f) in m {
                    if let (Some(r), Some(f)) = (r.as_key(), f.as_key()) {
                        per_rule.insert(r, f);
                    }
                }
            }
            aliases.insert(alias.as_key().unwrap_or_default(), per_rule);
        }
    }
    let generate = matches!(
        node.get("generate").map(|g| &g.value),
        Some(YValue::Scalar(super::yaml::Scalar::Bool(true)))
    );
    Ok(CorrelationSpec {
        kind,
        rules,
        group_by,
        timespan_ms,
        conditions,
        field,
        percentile,
        aliases,
        generate,
    })
}

/// A match of a referenced rule, ready for correlation.
#[derive(Debug, Clone)]
pub struct Candidate {
    /// Index of the referenced rule in `CorrelationSpec::rules`.
    pub input: usize,
    pub ts: i64,
    /// Tie-breaker: the (first) event id.
    pub key_id: String,
    pub events: Vec<(String, i64)>,
    /// Group-by values in `group_by` order (candidates missing one are not buffered).
    pub group: Vec<String>,
    pub value: Option<String>,
}

fn holds(conds: &[(CondOp, f64)], x: f64) -> bool {
    conds.iter().all(|(op, n)| match op {
        CondOp::Gt => x > *n,
        CondOp::Gte => x >= *n,
        CondOp::Lt => x < *n,
        CondOp::Lte => x <= *n,
        CondOp::Eq => (x - n).abs() < f64::EPSILON,
        CondOp::Neq => (x - n).abs() >= f64::EPSILON,
    })
}

fn metric(spec: &CorrelationSpec, window: &[Candidate]) -> f64 {
    let numbers = || {
        window.iter().filter_map(|c| {
            c.value
                .as_deref()
                .and_then(|v| v.trim().parse::<f64>().ok())
        })
    };
    match spec.kind {
        CorrKind::EventCount => window.len() as f64,
        CorrKind::ValueCount => window
            .iter()
            .filter_map(|c| c.value.as_deref())
            .collect::<BTreeSet<_>>()
            .len() as f64,
        CorrKind::Temporal | CorrKind::TemporalOrdered => window
            .iter()
            .map(|c| c.input)
            .collect::<BTreeSet<_>>()
            .len() as f64,
        CorrKind::ValueSum => numbers().sum(),
        CorrKind::ValueAvg => {
            let v: Vec<f64> = numbers().collect();
            if v.is_empty() {
                0.0
            } else {
                v.iter().sum::<f64>() / v.len() as f64
            }
        }
        CorrKind::ValuePercentile | CorrKind::ValueMedian => {
            let mut v: Vec<f64> = numbers().collect();
            if v.is_empty() {
                return 0.0;
            }
            v.sort_by(f64::total_cmp);
            let p = if spec.kind == CorrKind::ValueMedian {
                50.0
            } else {
                spec.percentile.unwrap_or(50.0)
            };
            // Nearest-rank percentile.
            let rank = ((p / 100.0) * v.len() as f64).ceil().max(1.0) as usize;
            v[rank.min(v.len()) - 1]
        }
    }
}

/// Decides a correlation over its candidates.
pub fn evaluate(
    spec: &CorrelationSpec,
    rule_id: &str,
    candidates: Vec<Candidate>,
) -> Vec<RuleMatch> {
    let mut groups: BTreeMap<Vec<String>, Vec<Candidate>> = BTreeMap::new();
    for c in candidates {
        groups.entry(c.group.clone()).or_default().push(c);
    }
    let default_conds = [(CondOp::Gte, spec.rules.len() as f64)];
    let conds: &[(CondOp, f64)] = if spec.conditions.is_empty() {
        &default_conds
    } else {
        &spec.conditions
    };
    let mut out = Vec::new();
    for (group, mut cands) in groups {
        cands.sort_by(|a, b| (a.ts, &a.key_id, a.input).cmp(&(b.ts, &b.key_id, b.input)));
        let mut i = 0;
        while i < cands.len() {
            let limit = cands[i].ts.saturating_add(spec.timespan_ms);
            let end = cands[i..].iter().take_while(|c| c.ts <= limit).count() + i;
            let chosen: Option<(Vec<usize>, f64)> = if spec.kind == CorrKind::TemporalOrdered {
                ordered_chain(&cands[i..end], spec.rules.len()).and_then(|chain| {
                    let m = chain.len() as f64;
                    holds(conds, m).then(|| (chain.into_iter().map(|k| k + i).collect(), m))
                })
            } else {
                let m = metric(spec, &cands[i..end]);
                holds(conds, m).then(|| ((i..end).collect(), m))
            };
            match chosen {
                Some((idx, m)) => {
                    out.push(build_match(spec, rule_id, &group, &cands, &idx, m));
                    i = idx.last().map_or(i + 1, |l| l + 1);
                }
                None => i += 1,
            }
        }
    }
    out
}

/// The earliest chain through the rules in their listed order, starting with the first
/// candidate of the slice; a single event never fills two steps.
fn ordered_chain(window: &[Candidate], steps: usize) -> Option<Vec<usize>> {
    if window.first()?.input != 0 {
        return None;
    }
    let mut chain = vec![0usize];
    for (k, c) in window.iter().enumerate().skip(1) {
        if chain.len() == steps {
            break;
        }
        let last = &window[chain[chain.len() - 1]];
        if c.input == chain.len() && c.key_id != last.key_id {
            chain.push(k);
        }
    }
    Some(chain)
}

fn build_match(
    spec: &CorrelationSpec,
    rule_id: &str,
    group: &[String],
    cands: &[Candidate],
    idx: &[usize],
    m: f64,
) -> RuleMatch {
    let mut events: Vec<(String, i64)> = idx
        .iter()
        .flat_map(|&k| cands[k].events.iter().cloned())
        .collect();
    events.sort_by(|a, b| (a.1, &a.0).cmp(&(b.1, &b.0)));
    events.dedup();
    let mut fields = BTreeMap::new();
    for (name, value) in spec.group_by.iter().zip(group) {
        fields.insert(name.clone(), value.clone());
    }
    let label = match spec.kind {
        CorrKind::EventCount => "event_count",
        CorrKind::ValueCount => "value_count",
        CorrKind::Temporal | CorrKind::TemporalOrdered => "rules_matched",
        CorrKind::ValueSum => "value_sum",
        CorrKind::ValueAvg => "value_avg",
        CorrKind::ValuePercentile | CorrKind::ValueMedian => "value_percentile",
    };
    let rendered = if m.fract() == 0.0 {
        format!("{}", m as i64)
    } else {
        format!("{m}")
    };
    fields.insert(label.to_string(), rendered);
    RuleMatch {
        rule_id: rule_id.to_string(),
        events,
        fields,
    }
}
